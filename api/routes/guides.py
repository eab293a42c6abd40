"""Guides: a whole article as ordered sections, with the ids of everything it uses."""

from typing import Annotated

from fastapi import APIRouter, Request

from api.routes.common import ViewsDep, collection, find, id_path, problems
from api.views import GuideCollection, GuideView

router = APIRouter(prefix="/v1/guides", tags=["guides"])


@router.get(
    "",
    operation_id="listGuides",
    summary="List guides",
    response_model=GuideCollection,
)
def list_guides(request: Request, views: ViewsDep) -> GuideCollection:
    """All guides, by id."""
    return collection(request, GuideCollection, views.guides.values())


@router.get(
    "/{guide_id}",
    operation_id="getGuide",
    summary="Get a guide",
    response_model=GuideView,
    responses=problems(404, 422),
)
def get_guide(
    views: ViewsDep, guide_id: Annotated[str, id_path("glutes-and-low-back-pain")]
) -> GuideView:
    """One guide: sections in order, its disclaimer, and links to everything it uses."""
    return find(views.guides, "guide", guide_id)
