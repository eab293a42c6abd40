"""Landmarks: the bones, nerve and soft tissue a self-test finds, avoids or presses."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.models import DiagramColour
from api.routes.common import ContextDep, collection, find, id_path, problems
from api.views import LandmarkCollection, LandmarkView

router = APIRouter(prefix="/v1/landmarks", tags=["landmarks"])
LandmarkKind = Literal["bone", "bony-landmark", "nerve", "soft-tissue-region"]


@router.get(
    "",
    operation_id="listLandmarks",
    summary="List landmarks",
    response_model=LandmarkCollection,
    responses=problems(406, 422),
)
async def list_landmarks(
    ctx: ContextDep,
    kind: Annotated[LandmarkKind | None, Query(description="Only this kind.")] = None,
    diagram_colour: Annotated[
        DiagramColour | None, Query(description="Only landmarks drawn in this colour.")
    ] = None,
    avoid_pressure: Annotated[
        bool | None, Query(description="true: only what must not be pressed on.")
    ] = None,
) -> Response:
    """All landmarks, by id, optionally filtered by kind, diagram colour or pressure rule."""
    landmarks = [
        landmark
        for landmark in ctx.views.landmarks.values()
        if kind in (None, landmark.kind)
        and diagram_colour in (None, landmark.diagram_colour)
        and avoid_pressure in (None, landmark.avoid_pressure)
    ]
    return collection(ctx, LandmarkCollection, landmarks)


@router.get(
    "/{landmark_id}",
    operation_id="getLandmark",
    summary="Get a landmark",
    response_model=LandmarkView,
    responses=problems(404, 406, 422),
)
async def get_landmark(
    ctx: ContextDep, landmark_id: Annotated[str, id_path("sciatic-nerve")]
) -> Response:
    """One landmark: how to find it, its colour in the diagram and whether to avoid pressing it."""
    return ctx.respond(find(ctx.views.landmarks, "landmark", landmark_id))
