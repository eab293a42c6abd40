"""Diagrams: the pictures the steps point to, as shapes (JSON) and drawn (`.svg`)."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import DiagramCollection, DiagramView
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("diagrams"), tags=["diagrams"])


@router.get(
    "",
    operation_id="listDiagrams",
    summary="List diagrams",
    response_model=DiagramCollection,
    responses=problems(),
)
async def list_diagrams(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every diagram with its shapes, by id."""
    page = ctx.page("diagrams", paging)
    return await paged(ctx, DiagramCollection, page.items, page.after)


@router.get(
    "/{diagram_id}",
    operation_id="getDiagram",
    summary="Get a diagram",
    response_model=DiagramView,
    responses=problems(404),
)
async def get_diagram(
    ctx: ContextDep, diagram_id: Annotated[str, id_path("glutes-from-behind")]
) -> Response:
    """One diagram: its shapes, each tied to the landmark or technique it shows, with its path
    (SVG path data in a `width` by `height` box), colour, style and label. `.svg` (or `Accept:
    image/svg+xml`) draws it; a self-test, step, landmark or technique it shows draws it too,
    with what that resource names highlighted (`links.diagram`)."""
    return await ctx.respond(ctx.item(DiagramView, diagram_id))
