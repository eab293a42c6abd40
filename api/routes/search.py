"""Search: every item whose text contains all the words of a query, in the requested language."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.presenter import links
from api.routes.common import ContextDep, canonical_query, problems
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
    url = ctx.request.url
    query = canonical_query(url.query)
    path = f"{url.path}?{query}" if query else url.path
    results = SearchResults(items=tuple(hits), count=len(hits), query=q, links=links(path))
    return ctx.respond(results)
