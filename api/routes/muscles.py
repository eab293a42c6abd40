"""Muscles: what each does, what it works through, and its ontology codes."""

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Request

from api.routes.common import ViewsDep, collection, find, id_path, id_query, problems
from api.views import MuscleCollection, MuscleView

router = APIRouter(prefix="/v1/muscles", tags=["muscles"])


@router.get(
    "",
    operation_id="listMuscles",
    summary="List muscles",
    response_model=MuscleCollection,
    responses=problems(404, 422),
)
def list_muscles(
    request: Request,
    views: ViewsDep,
    action: Annotated[str | None, id_query("action", "hip-abduction")] = None,
) -> MuscleCollection:
    """All muscles, largest first. `action` keeps the muscles that perform that action."""
    muscles: Iterable[MuscleView] = views.muscles.values()
    if action is not None:
        performing = find(views.actions, "action", action, "action").muscle_ids
        muscles = [muscle for muscle in muscles if muscle.id in performing]
    return collection(request, MuscleCollection, muscles)


@router.get(
    "/{muscle_id}",
    operation_id="getMuscle",
    summary="Get a muscle",
    response_model=MuscleView,
    responses=problems(404, 422),
)
def get_muscle(
    views: ViewsDep, muscle_id: Annotated[str, id_path("gluteus-maximus")]
) -> MuscleView:
    """One muscle with its actions, relations (such as the iliotibial tract) and ontology codes."""
    return find(views.muscles, "muscle", muscle_id)
