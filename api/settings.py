"""Settings, read from ``FASCIA_*`` environment variables, each documented in docs/operators/."""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from redis.connection import parse_url

# The origin of the default settings: examples in the committed OpenAPI document show it.
EXAMPLE_ORIGIN = "http://127.0.0.1:8000"
# A CSP source expression without spaces, quotes or separators that could add a directive.
_FRAME_SOURCE = re.compile(
    r"^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[A-Za-z0-9.-]+"
    r"(:([0-9]{1,5}|\*))?(/[A-Za-z0-9._~/-]*)?)$"
)


# Settings whose values may be secrets (or hold one, such as a password in a URL): an error
# about them never prints the value.
SECRET_SETTINGS = frozenset(
    {"api_key_digests", "metrics_token", "rate_limit_storage", "webhook_urls", "webhook_secret"}
)


class Settings(BaseSettings):
    """How to run Fascia; a wrong value stops start-up and names the variable."""

    model_config = SettingsConfigDict(env_prefix="FASCIA_", frozen=True, extra="forbid")

    host: Annotated[str, Field(description="Address to listen on.")] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535, description="TCP port to listen on.")] = 8000
    public_url: Annotated[
        str | None,
        Field(
            pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
            description="The public base URL (`https://fascia.example`) that handouts link "
            "with; unset, the request's own scheme and Host. Set it behind a proxy or a CDN, "
            "and for the static export (else its links stay relative).",
        ),
    ] = None
    allowed_hosts: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(
            description="Host header values (`name:port`, comma-separated) whose own origin "
            "handouts link with when `public_url` is unset; empty: the bind address, "
            "`localhost`, `127.0.0.1` and `[::1]` on the bind port. Any other Host is answered "
            "as the first of them, so a made-up Host neither reaches a link nor splits the "
            "cache.",
        ),
    ] = ()
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
    bundle: Annotated[
        Path,
        Field(
            description="The bundle to serve, written by `python -m api build` from the content "
            "folder (`make run` rebuilds it when the content changed)."
        ),
    ] = Path("build/fascia.sqlite")
    response_cache_mb: Annotated[
        int,
        Field(
            ge=0,
            le=65536,
            description="Megabytes of rendered responses kept in memory (least recently used "
            "go first); 0: render every request.",
        ),
    ] = 16
    reuse_port: Annotated[
        bool,
        Field(
            description="Listen with SO_REUSEPORT, so several processes can share the port "
            "and the kernel spreads connections across them."
        ),
    ] = False
    workers: Annotated[
        int,
        Field(
            ge=1,
            le=64,
            description="Processes serving the port: above 1, the app is built once and forked, "
            "so workers share its memory, each listening with SO_REUSEPORT.",
        ),
    ] = 1
    render_processes: Annotated[
        int,
        Field(
            ge=0,
            le=64,
            description="Worker processes that typeset PDFs and PNGs, off the event loop; 0 "
            "typesets in the server's own thread (blocking it). Default: one fewer than the "
            "CPUs (at least 1), so that a core is left for the event loop.",
        ),
    ] = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1))
    render_queue: Annotated[
        int,
        Field(
            ge=1,
            le=1000,
            description="Distinct PDFs being typeset or waiting at once; past it a request for "
            "another one is answered 503 with Retry-After. Requests for the same PDF wait for "
            "one typesetting.",
        ),
    ] = 8
    render_tasks_per_worker: Annotated[
        int,
        Field(
            ge=1,
            le=100_000,
            description="Renders a typesetting worker does before it is replaced by a fresh "
            "one, so that what a library leaks or caches cannot grow without bound.",
        ),
    ] = 200
    render_memory_mb: Annotated[
        int,
        Field(
            ge=0,
            le=1_000_000,
            description="Address space each typesetting worker may use, in MB (0: no limit). "
            "A handout that needs more is answered 503; the largest here (the whole export on "
            "one page) peaks near 400 MB.",
        ),
    ] = 1024
    api_key_digests: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(
            description="SHA-256 digests (hex, comma-separated) of the API keys accepted on /v1; "
            "empty: no key needed. `python -m api new-key` makes a key and its digest."
        ),
    ] = ()
    header_timeout: Annotated[
        float,
        Field(
            gt=0,
            le=300,
            description="Seconds a client may take to send a request's line and headers (and "
            "a new connection its first byte), and then its body; slower ones get 408 and are "
            "closed.",
        ),
    ] = 10.0
    max_connections: Annotated[
        int,
        Field(
            ge=1,
            le=1_000_000,
            description="Connections (and requests in progress) a process serves at once; a "
            "connection past it gets 503 and is closed, so that idle or slow clients cannot use "
            "up the process's file descriptors. Keep it below `ulimit -n`.",
        ),
    ] = 1000
    public_embeds: Annotated[
        bool,
        Field(
            description="With API keys on, leave the embed pages (`/embed/*`), the web "
            "component's script (`/v1/embed*`) and `/oembed` open to anyone (an iframe cannot "
            "send a key); off, they need a key and count against the quota like `/v1`.",
        ),
    ] = False
    metrics_token: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9a-f]{64}$",
            description="SHA-256 hex digest of the bearer token `/metrics` requires "
            "(`Authorization: Bearer <token>`). Unset: an API key when keys are on, else open.",
        ),
    ] = None
    trusted_proxies: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(
            description="Addresses (comma-separated; `*`: any) whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed: the client address quotas count and logs show. "
            "Empty: the connection's own address, whatever the headers say.",
        ),
    ] = ()
    api_key_header: Annotated[str, Field(description="Header carrying the API key.")] = "X-API-Key"
    rate_limit: Annotated[
        str | None,
        Field(
            description="Quota per API key (or per client address when keys are off), such as "
            "`600/minute`; empty: no quota."
        ),
    ] = None
    anonymous_rate_limit: Annotated[
        str | None,
        Field(
            description="With API keys off and no `FASCIA_RATE_LIMIT`, the quota per client "
            "address, such as `6000/minute` (the default); empty: none. Clients at loopback or "
            "private addresses are not counted by it (a proxy in front, whose clients all share "
            "its address: set `FASCIA_TRUSTED_PROXIES` so that each is counted by its own). "
            "Counted where `FASCIA_RATE_LIMIT_STORAGE` says (in memory: by each worker alone)."
        ),
    ] = "6000/minute"
    rate_limit_storage: Annotated[
        str,
        Field(
            description="Where quotas are counted: `memory://`, or `redis://host:port` to share "
            "them across replicas."
        ),
    ] = "memory://"
    rate_limit_failure: Annotated[
        Literal["open", "closed"],
        Field(
            description="When the quota store cannot be reached: `open` serves and counts in "
            "each process alone (a warning is logged, /metrics counts it), `closed` answers "
            "503 with Retry-After until it is back."
        ),
    ] = "open"
    cors_origins: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(description="Origins allowed to read from browsers (comma-separated); `*`: any."),
    ] = ("*",)
    webhook_urls: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(
            description="Subscriber URLs (comma-separated) that `python -m api notify` posts the "
            "change feed to; empty: nobody to notify."
        ),
    ] = ()
    webhook_secret: Annotated[
        str | None,
        Field(
            description="The Standard Webhooks signing secret shared with subscribers: `whsec_` "
            "then base64 of 24 to 64 random bytes. Needed when webhook_urls is set."
        ),
    ] = None
    webhook_attempts: Annotated[
        int, Field(ge=1, le=20, description="Tries per subscriber before it counts as failed.")
    ] = 5
    webhook_backoff: Annotated[
        float,
        Field(
            ge=0,
            le=600,
            description="Seconds before the second try; each later try waits twice as long.",
        ),
    ] = 2.0
    webhook_timeout: Annotated[
        float, Field(gt=0, le=120, description="Seconds to wait for a subscriber's answer.")
    ] = 10.0
    embed_frame_ancestors: Annotated[
        tuple[str, ...],
        NoDecode,
        Field(
            description="Who may frame the /embed pages (CSP `frame-ancestors` sources, "
            "comma-separated), such as `https://cms.example.org`; `*`: any site. Every other "
            "page may not be framed.",
        ),
    ] = ("*",)
    access_log: Annotated[bool, Field(description="Log every request as a JSON line.")] = True
    log_level: Annotated[
        Literal["critical", "error", "warning", "info", "debug"],
        Field(description="Server log level."),
    ] = "info"

    @property
    def origin(self) -> str:
        """The scheme, host and port of absolute URLs: ``public_url``, or where we listen."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def hosts(self) -> tuple[str, ...]:
        """The allowed Host values, the canonical one first."""
        if self.allowed_hosts:
            return tuple(host.lower() for host in self.allowed_hosts)
        bound = f"[{self.host}]" if ":" in self.host else self.host
        names = dict.fromkeys(
            n for n in (bound, "127.0.0.1", "localhost", "[::1]") if n not in ("0.0.0.0", "[::]")
        )
        return tuple(f"{name}:{self.port}" for name in names)

    @field_validator(
        "allowed_hosts",
        "trusted_proxies",
        "api_key_digests",
        "cors_origins",
        "webhook_urls",
        "embed_frame_ancestors",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("api_key_digests")
    @classmethod
    def _digests_are_sha256(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for digest in value:
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError("each digest is 64 lower-case hex characters (SHA-256)")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_is_an_origin(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("use an http(s) address such as https://fascia.example.org")
        return value.rstrip("/")

    @field_validator("embed_frame_ancestors")
    @classmethod
    def _frame_ancestors_are_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one source, `*` for any or `'none'` for none")
        for source in value:
            if not _FRAME_SOURCE.match(source):
                raise ValueError(
                    f"{source!r} is not a CSP source: use `*`, `'self'`, `'none'`, a scheme "
                    "(`https:`) or an origin such as https://*.example.org"
                )
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage_is_memory_or_redis(cls, value: str) -> str:
        if value == "memory://":
            return value
        if not value.startswith(("redis://", "rediss://")):
            raise ValueError("use memory:// or redis://host:port")
        parse_url(value)  # type: ignore[no-untyped-call]  # a bad port or database: now, not later
        return value

    @field_validator("webhook_urls")
    @classmethod
    def _urls_are_http(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"{url!r}: subscriber URLs start with https:// or http://")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_is_whsec(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            key = base64.b64decode(value.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            key = b""
        if not value.startswith("whsec_") or not 24 <= len(key) <= 64:
            raise ValueError("expected whsec_ followed by base64 of 24 to 64 bytes")
        return value

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str | None) -> str | None:
        if value:
            parse(value)
        return value or None
