"""Liveness and readiness probes, outside /v1 and never cached."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.routes.common import ViewsDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    content_version: str | None = None


@router.get("/healthz", operation_id="getHealth", summary="Liveness", response_model=Health)
def get_health() -> Health:
    """200 while the process is serving requests."""
    return Health(status="ok")


@router.get("/readyz", operation_id="getReadiness", summary="Readiness", response_model=Health)
def get_readiness(views: ViewsDep) -> Health:
    """200 once the content is loaded and validated (it is loaded before the server listens)."""
    return Health(status="ready", content_version=views.version)
