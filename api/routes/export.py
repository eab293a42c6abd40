"""Export: every item of a locale, kind after kind, a page at a time, for CMSs that sync it all."""

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from api.bundle.resources import ExportView, export_field
from api.bundle.urls import href
from api.content.kinds import COLLECTIONS
from api.routes.common import ContextDep, Paging, PagingDep, paged_links, problems

router = APIRouter(prefix=href("export"), tags=["export"])
# An export position: the kind's index times KIND_STRIDE, plus one more than the position of the
# item to continue after (0: the kind from its start).
KIND_STRIDE = 2**32


@router.get(
    "",
    operation_id="exportContent",
    summary="Export everything, a page at a time",
    response_model=ExportView,
    responses=problems(),
)
async def export_content(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every guide, muscle, action, landmark, condition, technique, self-test, warning and source
    of the requested locale, kind after kind, up to `page_size` items a page, with the content
    version; follow `links.next` for the rest. Compare the first page's ETag (or
    `Fascia-Content-Version`) to know whether anything changed."""
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
    return await ctx.respond(view, link_header)


def _kind_and_after(position: int) -> tuple[int, int]:
    """(kind index, item position to continue after) of an export position."""
    kind, after = divmod(position, KIND_STRIDE)
    return kind, after - 1
