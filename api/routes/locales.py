"""Locales: the languages the content is served in, and how complete each translation is."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import LocaleCollection
from api.bundle.urls import href
from api.routes.common import ContextDep, PagingDep, paged_list, problems

router = APIRouter(prefix=href("locales"), tags=["locales"])


@router.get(
    "",
    operation_id="listLocales",
    summary="List locales",
    response_model=LocaleCollection,
    responses=problems(),
)
async def list_locales(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every locale with how much is translated; what is missing is served in English."""
    locales = ctx.store.meta.locale_summaries
    return await paged_list(ctx, LocaleCollection, locales, paging)
