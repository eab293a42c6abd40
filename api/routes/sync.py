"""Sync: the manifest of every item, and what changed since a release, for CMSs that mirror us."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bundle.feeds import CHANGES, MANIFEST, Change, ChangeFeed, Manifest, ManifestEntry
from api.bundle.urls import PREFIX, href
from api.http.errors import UnknownVersion
from api.routes.common import ContextDep, PagingDep, paged_links, problems

router = APIRouter(prefix=PREFIX, tags=["sync"])
VERSION_PATTERN = r"^[0-9a-f]{16}$"
FIRST_RELEASE = "8a288f0fbd09a0a2"  # content/releases/: releases stay, so it is always valid


@router.get(
    "/manifest",
    operation_id="getManifest",
    summary="List every item with its hash",
    response_model=Manifest,
    responses=problems(),
)
async def get_manifest(ctx: ContextDep, paging: PagingDep) -> Response:
    """Every item of the requested locale, kind after kind: its kind, id, a hash of its JSON as
    served, when it was last modified and its URL, with the content version. Compare hashes with
    your copies to fetch only what differs; then follow `/v1/changes?since=` the
    `content_version`."""
    bodies, after = ctx.store.feed_page(MANIFEST, ctx.locale.name, paging.after, paging.size)
    links, link_header = paged_links(ctx, after)
    items = tuple(ManifestEntry.model_validate_json(body) for body in bodies)
    view = Manifest(
        items=items,
        count=len(items),
        links=links,
        content_version=ctx.store.meta.version,
        status=ctx.store.meta.governance.status,
        locale=ctx.locale.name,
    )
    return await ctx.respond(view, link_header)


@router.get(
    "/changes",
    operation_id="listChanges",
    summary="List what changed since a release",
    response_model=ChangeFeed,
    responses=problems(),
)
async def list_changes(
    ctx: ContextDep,
    paging: PagingDep,
    since: Annotated[
        str,
        Query(
            pattern=VERSION_PATTERN,
            description="The content version your copy is of (a previous answer's "
            "`content_version`, or `Fascia-Content-Version`). A version that was never "
            "released is a 400 pointing to the manifest.",
            examples=[FIRST_RELEASE],
        ),
    ],
) -> Response:
    """Items created, updated and retired in the requested locale since the release `since`,
    each with its kind, id, URL, new hash, the fields that changed and whether the change
    touched safety text. A change is of the JSON served, not only of the content: a deploy that
    represents an item differently lists it too. `content_version` is the `since` to use next
    time."""
    meta = ctx.store.meta
    if since != meta.version and since not in meta.releases:
        known = list(dict.fromkeys([*meta.releases, meta.version]))
        raise UnknownVersion(since, known, href("manifest"))
    bodies: list[str] = []
    after = None
    # Since a release, its stored feed: even since the version served now, which lists every
    # item when the version's status (draft or active) is not what it was at that release.
    if since in meta.releases:
        feed = CHANGES + since
        bodies, after = ctx.store.feed_page(feed, ctx.locale.name, paging.after, paging.size)
    links, link_header = paged_links(ctx, after)
    items = tuple(Change.model_validate_json(body) for body in bodies)
    view = ChangeFeed(
        items=items,
        count=len(items),
        links=links,
        since=since,
        content_version=meta.version,
        locale=ctx.locale.name,
    )
    return await ctx.respond(view, link_header)
