"""Guides: a whole article as ordered sections, with the ids of everything it uses."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import GuideCollection, GuideView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("guides"), tags=["guides"])


@router.get(
    "",
    operation_id="listGuides",
    summary="List guides",
    response_model=GuideCollection,
    responses=problems(),
)
async def list_guides(ctx: ContextDep, paging: PagingDep) -> Response:
    """All guides, by id."""
    page = ctx.page("guides", paging)
    return await paged(ctx, GuideCollection, page.items, page.after)


@router.get(
    "/{guide_id}",
    operation_id="getGuide",
    summary="Get a guide",
    response_model=GuideView,
    responses=problems(404),
)
async def get_guide(
    ctx: ContextDep, guide_id: Annotated[str, id_path("glutes-and-low-back-pain")]
) -> Response:
    """One guide: sections in order, its disclaimer, and links to everything it uses."""
    return await ctx.respond(ctx.item(GuideView, guide_id))
