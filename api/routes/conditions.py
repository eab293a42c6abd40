"""Conditions: what a guide helps with, how it feels, and the red flags that need a professional."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import ConditionCollection, ConditionView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("conditions"), tags=["conditions"])


@router.get(
    "",
    operation_id="listConditions",
    summary="List conditions",
    response_model=ConditionCollection,
    responses=problems(),
)
async def list_conditions(ctx: ContextDep, paging: PagingDep) -> Response:
    """All conditions, by id, each with its red flags."""
    page = ctx.page("conditions", paging)
    return await paged(ctx, ConditionCollection, page.items, page.after)


@router.get(
    "/{condition_id}",
    operation_id="getCondition",
    summary="Get a condition",
    response_model=ConditionView,
    responses=problems(404),
)
async def get_condition(
    ctx: ContextDep, condition_id: Annotated[str, id_path("low-back-pain")]
) -> Response:
    """One condition: sensations, triggers, why the glutes are suspects, remedies, red flags."""
    return await ctx.respond(ctx.item(ConditionView, condition_id))
