"""Liveness and readiness probes: outside /v1, JSON only, never negotiated."""

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.render.pool import PoolState

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    content_version: Annotated[str | None, Field(description="Always null here: see /readyz.")]


QuotaStoreState = Literal["off", "memory", "ok", "unreachable"]


class Readiness(BaseModel):
    status: Literal["ready"]
    content_version: Annotated[str | None, Field(description="The content version served.")]
    quota_store: Annotated[
        QuotaStoreState,
        Field(
            description="Where quotas are counted and whether it answers; an unreachable store "
            "does not make the process unready (see FASCIA_RATE_LIMIT_FAILURE)."
        ),
    ]
    render_pool: Annotated[
        PoolState,
        Field(
            description="The worker processes that typeset PDFs and PNGs: `rebuilding` for the "
            "seconds after one died while a new pool starts (PDFs and PNGs wait for it; the "
            "other representations are answered as usual), `off` when they are typeset in "
            "the server's own thread (FASCIA_RENDER_PROCESSES=0)."
        ),
    ]


@router.get("/healthz", operation_id="getHealth", summary="Liveness", response_model=Health)
async def get_health() -> Health:
    """200 while the process is serving requests."""
    return Health(status="ok", content_version=None)


@router.get("/readyz", operation_id="getReadiness", summary="Readiness", response_model=Readiness)
async def get_readiness(request: Request) -> Readiness:
    """200 once the bundle is open (it is opened before the server listens), with the state of
    what it depends on: the quota store and the typesetting workers."""
    quota = request.app.state.quota
    return Readiness(
        status="ready",
        content_version=request.app.state.store.meta.version,
        quota_store="off" if quota is None else quota.store,
        render_pool=request.app.state.render_pool.state,
    )
