"""Actions: the movements the muscles perform, and the everyday activities that use them."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import ActionCollection, ActionView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, id_query, paged, problems

router = APIRouter(prefix=href("actions"), tags=["actions"])


@router.get(
    "",
    operation_id="listActions",
    summary="List actions",
    response_model=ActionCollection,
    responses=problems(404),
)
async def list_actions(
    ctx: ContextDep,
    paging: PagingDep,
    muscle: Annotated[str | None, id_query("muscle", "gluteus-medius")] = None,
) -> Response:
    """All actions. `muscle` keeps the actions that muscle takes part in."""
    ctx.require("muscles", muscle, "muscle")
    page = ctx.page("actions", paging, muscle=muscle)
    return await paged(ctx, ActionCollection, page.items, page.after)


@router.get(
    "/{action_id}",
    operation_id="getAction",
    summary="Get an action",
    response_model=ActionView,
    responses=problems(404),
)
async def get_action(
    ctx: ContextDep, action_id: Annotated[str, id_path("hip-extension")]
) -> Response:
    """One action with the muscles doing it and the everyday movements that use it."""
    return await ctx.respond(ctx.item(ActionView, action_id))
