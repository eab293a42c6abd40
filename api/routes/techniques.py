"""Techniques: the ways of working the tissue that the self-test steps use."""

from typing import Annotated

from fastapi import APIRouter, Request

from api.routes.common import ViewsDep, collection, find, id_path, problems
from api.views import TechniqueCollection, TechniqueView

router = APIRouter(prefix="/v1/techniques", tags=["techniques"])


@router.get(
    "",
    operation_id="listTechniques",
    summary="List techniques",
    response_model=TechniqueCollection,
)
def list_techniques(request: Request, views: ViewsDep) -> TechniqueCollection:
    """All techniques, by id."""
    return collection(request, TechniqueCollection, views.techniques.values())


@router.get(
    "/{technique_id}",
    operation_id="getTechnique",
    summary="Get a technique",
    response_model=TechniqueView,
    responses=problems(404, 422),
)
def get_technique(
    views: ViewsDep, technique_id: Annotated[str, id_path("hook-and-push")]
) -> TechniqueView:
    """One technique and how to do it."""
    return find(views.techniques, "technique", technique_id)
