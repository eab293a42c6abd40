"""Sources: where the facts, the red flags and the disclaimer come from."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import SourceCollection, SourceView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("sources"), tags=["sources"])


@router.get(
    "",
    operation_id="listSources",
    summary="List sources",
    response_model=SourceCollection,
    responses=problems(),
)
async def list_sources(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every cited source, by id."""
    page = ctx.page("sources", paging)
    return await paged(ctx, SourceCollection, page.items, page.after)


@router.get(
    "/{source_id}",
    operation_id="getSource",
    summary="Get a source",
    response_model=SourceView,
    responses=problems(404),
)
async def get_source(ctx: ContextDep, source_id: Annotated[str, id_path("nice-ng59")]) -> Response:
    """One source: its title, publisher, address and what it is cited for."""
    return await ctx.respond(ctx.item(SourceView, source_id))
