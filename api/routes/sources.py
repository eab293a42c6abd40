"""Sources: where the facts, the red flags and the disclaimer come from."""

from typing import Annotated

from fastapi import APIRouter, Request

from api.routes.common import ViewsDep, collection, find, id_path, problems
from api.views import SourceCollection, SourceView

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get(
    "",
    operation_id="listSources",
    summary="List sources",
    response_model=SourceCollection,
)
def list_sources(request: Request, views: ViewsDep) -> SourceCollection:
    """Every cited source, by id."""
    return collection(request, SourceCollection, views.sources.values())


@router.get(
    "/{source_id}",
    operation_id="getSource",
    summary="Get a source",
    response_model=SourceView,
    responses=problems(404, 422),
)
def get_source(views: ViewsDep, source_id: Annotated[str, id_path("nice-ng59")]) -> SourceView:
    """One source: its title, publisher, address and what it is cited for."""
    return find(views.sources, "source", source_id)
