"""Settings, read from ``FASCIA_*`` environment variables. Every setting is documented in README."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """How to run Fascia; a wrong value stops start-up and names the variable."""

    model_config = SettingsConfigDict(env_prefix="FASCIA_", frozen=True, extra="forbid")

    host: Annotated[str, Field(description="Address to listen on.")] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535, description="TCP port to listen on.")] = 8000
    content_dir: Annotated[
        Path, Field(description="Folder holding content/<locale>/<kind>/*.yaml.")
    ] = Path("content")
    cache_max_age: Annotated[
        int, Field(ge=0, description="Seconds caches may reuse a response (Cache-Control max-age).")
    ] = 300
    cache_stale_while_revalidate: Annotated[
        int,
        Field(ge=0, description="Seconds a stale response may be served while revalidating."),
    ] = 86400
    compiled_responses: Annotated[
        bool, Field(description="Serve content from responses compiled at start-up.")
    ] = True
    reuse_port: Annotated[
        bool,
        Field(
            description="Listen with SO_REUSEPORT, so several processes can share the port "
            "and the kernel spreads connections across them."
        ),
    ] = False
    log_level: Annotated[
        Literal["critical", "error", "warning", "info", "debug"],
        Field(description="Server log level."),
    ] = "info"
