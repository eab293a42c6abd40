"""Techniques: the ways of working the tissue that the self-test steps use."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.routes.common import ContextDep, collection, find, id_path, problems
from api.views import TechniqueCollection, TechniqueView

router = APIRouter(prefix="/v1/techniques", tags=["techniques"])


@router.get(
    "",
    operation_id="listTechniques",
    summary="List techniques",
    response_model=TechniqueCollection,
    responses=problems(406),
)
async def list_techniques(ctx: ContextDep) -> Response:
    """All techniques, by id."""
    return collection(ctx, TechniqueCollection, ctx.views.techniques.values())


@router.get(
    "/{technique_id}",
    operation_id="getTechnique",
    summary="Get a technique",
    response_model=TechniqueView,
    responses=problems(404, 406, 422),
)
async def get_technique(
    ctx: ContextDep, technique_id: Annotated[str, id_path("hook-and-push")]
) -> Response:
    """One technique and how to do it."""
    return ctx.respond(find(ctx.views.techniques, "technique", technique_id))
