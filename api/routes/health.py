"""Liveness and readiness probes: outside /v1, JSON only, never negotiated."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    content_version: str | None = None


@router.get("/healthz", operation_id="getHealth", summary="Liveness", response_model=Health)
async def get_health() -> Health:
    """200 while the process is serving requests."""
    return Health(status="ok")


@router.get("/readyz", operation_id="getReadiness", summary="Readiness", response_model=Health)
async def get_readiness(request: Request) -> Health:
    """200 once the bundle is open (it is opened before the server listens)."""
    return Health(status="ready", content_version=request.app.state.store.meta.version)
