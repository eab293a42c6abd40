"""The API's front door: every collection and the content version being served."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import ApiIndex
from api.bundle.urls import PREFIX, href, links
from api.content.kinds import COLLECTIONS
from api.routes.common import ContextDep, problems

router = APIRouter(tags=["index"])
LISTED = (*COLLECTIONS, "locales", "export", "manifest")


@router.get(
    PREFIX,
    operation_id="getIndex",
    summary="List the collections",
    response_model=ApiIndex,
    responses=problems(),
)
async def get_index(ctx: ContextDep) -> Response:
    """Links to every collection, with the locale and the version of the content served."""
    return await ctx.respond(
        ApiIndex(
            content_version=ctx.store.meta.version,
            governance=ctx.store.meta.governance.in_words(ctx.locale.render_context.labels),
            locale=ctx.locale.name,
            collections={name: href(name) for name in LISTED},
            search=f"{href('search')}?q={{query}}",
            links=links(PREFIX),
        )
    )
