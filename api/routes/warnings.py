"""Warnings: safety warnings, red flags, contraindications, disclaimers, and where each applies."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bundle.resources import WarningCollection, WarningView
from api.bundle.urls import href
from api.content.models import Severity, WarningKind
from api.routes.common import ContextDep, PagingDep, id_path, id_query, paged, problems

router = APIRouter(prefix=href("warnings"), tags=["warnings"])


@router.get(
    "",
    operation_id="listWarnings",
    summary="List warnings",
    response_model=WarningCollection,
    responses=problems(404),
)
async def list_warnings(
    ctx: ContextDep,
    paging: PagingDep,
    severity: Annotated[Severity | None, Query(description="Only this severity.")] = None,
    kind: Annotated[WarningKind | None, Query(description="Only this kind.")] = None,
    self_test: Annotated[str | None, id_query("self-test", "muscular-minesweeper")] = None,
    condition: Annotated[str | None, id_query("condition", "low-back-pain")] = None,
) -> Response:
    """All warnings, `stop` first, then `caution`, then `info`; filters combine with AND."""
    ctx.require("self-tests", self_test, "self_test")
    ctx.require("conditions", condition, "condition")
    filters = {"severity": severity, "kind": kind, "self_test": self_test, "condition": condition}
    page = ctx.page("warnings", paging, **filters)
    return await paged(ctx, WarningCollection, page.items, page.after)


@router.get(
    "/{warning_id}",
    operation_id="getWarning",
    summary="Get a warning",
    response_model=WarningView,
    responses=problems(404),
)
async def get_warning(
    ctx: ContextDep, warning_id: Annotated[str, id_path("sciatic-nerve-electric-sensation")]
) -> Response:
    """One warning: its severity, the sign to watch for, what to do, and where it applies."""
    return await ctx.respond(ctx.item(WarningView, warning_id))
