"""Conditions: what a guide helps with, how it feels, and the red flags that need a professional."""

from typing import Annotated

from fastapi import APIRouter, Request

from api.routes.common import ViewsDep, collection, find, id_path, problems
from api.views import ConditionCollection, ConditionView

router = APIRouter(prefix="/v1/conditions", tags=["conditions"])


@router.get(
    "",
    operation_id="listConditions",
    summary="List conditions",
    response_model=ConditionCollection,
)
def list_conditions(request: Request, views: ViewsDep) -> ConditionCollection:
    """All conditions, by id, each with its red flags."""
    return collection(request, ConditionCollection, views.conditions.values())


@router.get(
    "/{condition_id}",
    operation_id="getCondition",
    summary="Get a condition",
    response_model=ConditionView,
    responses=problems(404, 422),
)
def get_condition(
    views: ViewsDep, condition_id: Annotated[str, id_path("low-back-pain")]
) -> ConditionView:
    """One condition: sensations, triggers, why the glutes are suspects, remedies, red flags."""
    return find(views.conditions, "condition", condition_id)
