"""Search: every item whose text contains all the words of a query, in the requested language."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.routes.common import ContextDep, collection, problems
from api.search import search
from api.views import SearchResults

router = APIRouter(prefix="/v1/search", tags=["search"])
Kind = Literal[
    "guides",
    "muscles",
    "actions",
    "landmarks",
    "conditions",
    "techniques",
    "self-tests",
    "warnings",
    "sources",
]


@router.get(
    "",
    operation_id="search",
    summary="Search the content",
    response_model=SearchResults,
    responses=problems(406, 422),
)
async def search_content(
    ctx: ContextDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Words to find; every one must appear. Case and accents are ignored.",
            examples=["sciatic nerve"],
        ),
    ],
    kind: Annotated[Kind | None, Query(description="Only items of this kind.")] = None,
) -> Response:
    """Items of the requested locale that contain every word of `q`, best first (names count
    most), each with a snippet of its text and a link."""
    hits = search(ctx.request.app.state.search_indexes[ctx.views.locale], q, kind)
    return collection(ctx, SearchResults, hits, query=q)
