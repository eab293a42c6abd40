"""Muscles: what each does, what it works through, and its ontology codes."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import MuscleCollection, MuscleView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, id_query, paged, problems

router = APIRouter(prefix=href("muscles"), tags=["muscles"])


@router.get(
    "",
    operation_id="listMuscles",
    summary="List muscles",
    response_model=MuscleCollection,
    responses=problems(404),
)
async def list_muscles(
    ctx: ContextDep,
    paging: PagingDep,
    action: Annotated[str | None, id_query("action", "hip-abduction")] = None,
) -> Response:
    """All muscles, largest first. `action` keeps the muscles that perform that action."""
    ctx.require("actions", action, "action")
    page = ctx.page("muscles", paging, action=action)
    return await paged(ctx, MuscleCollection, page.items, page.after)


@router.get(
    "/{muscle_id}",
    operation_id="getMuscle",
    summary="Get a muscle",
    response_model=MuscleView,
    responses=problems(404),
)
async def get_muscle(
    ctx: ContextDep, muscle_id: Annotated[str, id_path("gluteus-maximus")]
) -> Response:
    """One muscle with its actions, relations (such as the iliotibial tract) and ontology codes."""
    return await ctx.respond(ctx.item(MuscleView, muscle_id))
