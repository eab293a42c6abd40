"""Techniques: the ways of working the tissue that the self-test steps use."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import TechniqueCollection, TechniqueView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("techniques"), tags=["techniques"])


@router.get(
    "",
    operation_id="listTechniques",
    summary="List techniques",
    response_model=TechniqueCollection,
    responses=problems(),
)
async def list_techniques(ctx: ContextDep, paging: PagingDep) -> Response:
    """All techniques, by id."""
    page = ctx.page("techniques", paging)
    return await paged(ctx, TechniqueCollection, page.items, page.after)


@router.get(
    "/{technique_id}",
    operation_id="getTechnique",
    summary="Get a technique",
    response_model=TechniqueView,
    responses=problems(404),
)
async def get_technique(
    ctx: ContextDep, technique_id: Annotated[str, id_path("slow-arc-sweep")]
) -> Response:
    """One technique and how to do it."""
    return await ctx.respond(ctx.item(TechniqueView, technique_id))
