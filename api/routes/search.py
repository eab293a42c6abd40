"""Search: items whose text holds every word of a query, in the requested language, best first."""

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bundle.resources import SearchResults
from api.bundle.urls import href
from api.content.kinds import COLLECTIONS
from api.routes.common import ContextDep, PagingDep, paged, problems

router = APIRouter(prefix=href("search"), tags=["search"])
SearchKind = Enum("SearchKind", {name: name for name in COLLECTIONS}, type=str)  # type: ignore[misc]


@router.get(
    "",
    operation_id="search",
    summary="Search the content",
    response_model=SearchResults,
    responses=problems(),
)
async def search_content(
    ctx: ContextDep,
    paging: PagingDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Words to find; every one must appear, as a word or the start of one. "
            "Case and accents are ignored.",
            examples=["sciatic nerve"],
        ),
    ],
    kind: Annotated[SearchKind | None, Query(description="Only items of this kind.")] = None,
) -> Response:
    """Items of the requested locale that contain every word of `q`, each with a snippet of its
    text and a link: first the items whose name holds every word (shortest name first), then the
    rest (shortest text first). Paged like every collection."""
    collection = None if kind is None else kind.value
    hits, after = ctx.store.search(ctx.locale.name, q, collection, paging.after, paging.size)
    return await paged(ctx, SearchResults, hits, after, query=q)
