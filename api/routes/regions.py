"""Regions: where readers in each country get emergency and urgent care, for the red flags."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import RegionCollection, RegionView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("regions"), tags=["regions"])


@router.get(
    "",
    operation_id="listRegions",
    summary="List regions",
    response_model=RegionCollection,
    responses=problems(),
)
async def list_regions(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every region with its countries and its emergency and urgent-care advice, by id; the
    `default` region (no countries) is for readers whose country is unknown."""
    page = ctx.page("regions", paging)
    return await paged(ctx, RegionCollection, page.items, page.after)


@router.get(
    "/{region_id}",
    operation_id="getRegion",
    summary="Get a region",
    response_model=RegionView,
    responses=problems(404),
)
async def get_region(ctx: ContextDep, region_id: Annotated[str, id_path("gb")]) -> Response:
    """One region: its countries and what a red flag tells its readers to do."""
    return await ctx.respond(ctx.item(RegionView, region_id))
