"""The API's front door: every collection and the content version being served."""

from fastapi import APIRouter

from api.presenter import href, links
from api.routes.common import ViewsDep
from api.views import ApiIndex

router = APIRouter(tags=["index"])
COLLECTIONS = (
    "guides",
    "muscles",
    "actions",
    "landmarks",
    "conditions",
    "techniques",
    "self-tests",
    "warnings",
    "sources",
)


@router.get("/v1", operation_id="getIndex", summary="List the collections", response_model=ApiIndex)
def get_index(views: ViewsDep) -> ApiIndex:
    """Links to every collection, with the locale and the version of the content served."""
    return ApiIndex(
        content_version=views.version,
        locale=views.locale,
        collections={name: href(name) for name in COLLECTIONS},
        links=links("/v1"),
    )
