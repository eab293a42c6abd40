"""Landmarks: the bones, nerve and soft tissue a self-test finds, avoids or presses."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bundle.resources import LandmarkCollection, LandmarkView
from api.bundle.urls import href
from api.content.models import DiagramColour, LandmarkKind
from api.routes.common import ContextDep, PagingDep, id_path, paged, problems

router = APIRouter(prefix=href("landmarks"), tags=["landmarks"])


@router.get(
    "",
    operation_id="listLandmarks",
    summary="List landmarks",
    response_model=LandmarkCollection,
    responses=problems(),
)
async def list_landmarks(
    ctx: ContextDep,
    paging: PagingDep,
    kind: Annotated[LandmarkKind | None, Query(description="Only this kind.")] = None,
    diagram_colour: Annotated[
        DiagramColour | None, Query(description="Only landmarks drawn in this colour.")
    ] = None,
    avoid_pressure: Annotated[
        bool | None, Query(description="true: only what must not be pressed on.")
    ] = None,
) -> Response:
    """All landmarks, by id, optionally filtered by kind, diagram colour or pressure rule."""
    avoid = None if avoid_pressure is None else str(avoid_pressure).lower()
    page = ctx.page(
        "landmarks", paging, kind=kind, diagram_colour=diagram_colour, avoid_pressure=avoid
    )
    return await paged(ctx, LandmarkCollection, page.items, page.after)


@router.get(
    "/{landmark_id}",
    operation_id="getLandmark",
    summary="Get a landmark",
    response_model=LandmarkView,
    responses=problems(404),
)
async def get_landmark(
    ctx: ContextDep, landmark_id: Annotated[str, id_path("sciatic-nerve")]
) -> Response:
    """One landmark: how to find it, its colour in the diagram and whether to avoid pressing it."""
    return await ctx.respond(ctx.item(LandmarkView, landmark_id))
