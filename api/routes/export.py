"""Export: every item of a locale, kind after kind, a page at a time, for CMSs that sync it all."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel

from api.bundle.resources import ExportView, export_field
from api.bundle.urls import href
from api.content.kinds import COLLECTIONS
from api.http.urls import DEFAULT_PAGE_SIZE, PAGE_SIZE
from api.routes.common import Context, ContextDep, CursorQuery, Paging, paged_links, problems

router = APIRouter(prefix=href("export"), tags=["export"])
# An export position: the kind's index times KIND_STRIDE, plus one more than the position of the
# item to continue after (0: the kind from its start).
KIND_STRIDE = 2**32


# The page sizes of the export. Each export page is large (up to every item of a locale) and is
# rendered on a miss: a few sizes keep the answers a client can ask for few, and each cached.
EXPORT_PAGE_SIZES = (10, 50, 100, 500, 1000)


def _one_of_the_sizes(size: int) -> int:
    if size not in EXPORT_PAGE_SIZES:
        sizes = ", ".join(map(str, EXPORT_PAGE_SIZES))
        raise ValueError(f"the export comes in pages of {sizes} items")
    return size


async def get_export_paging(
    page_size: Annotated[
        int,
        AfterValidator(_one_of_the_sizes),
        Query(
            alias=PAGE_SIZE,
            description=f"Items per page: one of {', '.join(map(str, EXPORT_PAGE_SIZES))}.",
            examples=[DEFAULT_PAGE_SIZE],
            json_schema_extra={"enum": list(EXPORT_PAGE_SIZES)},
        ),
    ] = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> Paging:
    return Paging(page_size, -1 if cursor is None else int(cursor))


ExportPagingDep = Annotated[Paging, Depends(get_export_paging)]


@router.get(
    "",
    operation_id="exportContent",
    summary="Export everything, a page at a time",
    response_model=ExportView,
    responses=problems(),
)
async def export_content(ctx: ContextDep, paging: ExportPagingDep) -> Response:
    """Every guide, muscle, action, landmark, condition, technique, self-test, warning and source
    of the requested locale, kind after kind, up to `page_size` items a page, with the content
    version; follow `links.next` for the rest. Compare the first page's ETag (or
    `Fascia-Content-Version`) to know whether anything changed."""
    # Reading a large page's items costs tens of milliseconds: off the loop when costly.
    view, link_header = await ctx.off_loop(lambda: _export_page(ctx, paging))
    return await ctx.respond(view, link_header)


def _export_page(ctx: Context, paging: Paging) -> tuple[ExportView, str | None]:
    first, after = (0, -1) if paging.after < 0 else _kind_and_after(paging.after)
    sections: dict[str, tuple[BaseModel, ...]] = dict.fromkeys(COLLECTIONS, ())
    room, next_after = paging.size, None
    for index in range(first, len(COLLECTIONS)):
        page = ctx.page(COLLECTIONS[index], Paging(room, after))
        sections[COLLECTIONS[index]] = page.items
        room, after = room - len(page.items), -1
        if page.after is not None:
            next_after = index * KIND_STRIDE + page.after + 1
            break
        if room == 0:
            next_after = (index + 1) * KIND_STRIDE if index + 1 < len(COLLECTIONS) else None
            break
    links, link_header = paged_links(ctx, next_after)
    view = ExportView(
        content_version=ctx.store.meta.version,
        locale=ctx.locale.name,
        links=links,
        **{export_field(name): items for name, items in sections.items()},
    )
    return view, link_header


def _kind_and_after(position: int) -> tuple[int, int]:
    """(kind index, item position to continue after) of an export position."""
    kind, after = divmod(position, KIND_STRIDE)
    return kind, after - 1
