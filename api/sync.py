"""Sync for CMSs: the manifest of every item and the change feed since each release.

Both are computed once, at build time, from the content and ``content/releases/`` and stored in
the bundle's ``sync`` table as ready response items, a feed (``manifest``, ``changes:<version>``)
and locale at a time, so serving them is a paged read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.content.changes import changed_fields, touches_safety
from api.content.kinds import BY_COLLECTION
from api.content.library import Library
from api.content.releases import ReleasedItem, Retirement, released_items
from api.presenter import href
from api.views import Collection, View

MANIFEST = "manifest"
CHANGES = "changes:"  # + the version the changes are since


class ManifestEntry(View):
    """One item of the manifest: enough to know whether a copy is current."""

    kind: Annotated[str, Field(description="The item's collection, such as `muscles`.")]
    id: str
    hash: Annotated[
        str, Field(description="A hash of the item's content in this locale: equal means same.")
    ]
    modified: Annotated[
        date | None, Field(description="When the item last changed (its `modified` date).")
    ]
    href: str


class Change(View):
    """One item created, updated or retired since the release asked about."""

    change: Literal["created", "updated", "retired"]
    kind: str
    id: str
    href: Annotated[str, Field(description="The item's URL (a retired one answers 410 Gone).")]
    hash: Annotated[str | None, Field(description="The item's new hash; absent when retired.")]
    modified: date | None
    safety: Annotated[
        bool,
        Field(
            description="The change touched safety text: a warning or red flag, regional care "
            "advice, a step's instruction or pressure, or pressure guidance. Show it to "
            "reviewers before publishing."
        ),
    ]
    changed_fields: Annotated[
        tuple[str, ...],
        Field(description="Dotted paths of the fields that changed (updates only)."),
    ] = ()
    reason: Annotated[str | None, Field(description="Why a retired item was retired.")] = None
    replaced_by: Annotated[
        str | None, Field(description="The URL of the item replacing a retired one.")
    ] = None


class Manifest(Collection[ManifestEntry]):
    """Every item of one locale, a page at a time, with the content version it describes."""

    content_version: str
    locale: str


class ChangeFeed(Collection[Change]):
    """What changed since a release; ask again with `since` = `content_version`."""

    since: str
    content_version: Annotated[
        str, Field(description="The version served now: the `since` to use next time.")
    ]
    locale: str


def sync_rows(library: Library) -> Iterator[tuple[str, str, int, str]]:
    """(feed, locale, position, item JSON) of the manifest and of the feed since each release."""
    retired = {f"{r.kind}/{r.id}": r for r in library.retirements}
    for locale, catalog in library.catalogs.items():
        current = released_items(catalog)
        entries = (_entry(key, item) for key, item in current.items())
        yield from _rows(MANIFEST, locale, entries)
        for release in library.releases:
            before = release.locales.get(locale, {})
            changes = _changes(before, current, retired)
            yield from _rows(CHANGES + release.version, locale, changes)


def _rows(
    feed: str, locale: str, items: Iterator[BaseModel]
) -> Iterator[tuple[str, str, int, str]]:
    for position, item in enumerate(items):
        yield feed, locale, position, item.model_dump_json()


def _entry(key: str, item: ReleasedItem) -> ManifestEntry:
    kind, item_id = key.split("/", 1)
    return ManifestEntry(
        kind=kind, id=item_id, hash=item.hash, modified=item.modified, href=href(kind, item_id)
    )


def _changes(
    before: Mapping[str, ReleasedItem],
    after: Mapping[str, ReleasedItem],
    retired: Mapping[str, Retirement],
) -> Iterator[Change]:
    for key, item in after.items():
        kind, item_id = key.split("/", 1)
        model = BY_COLLECTION[kind].model
        old = before.get(key)
        if old is None:
            safe = touches_safety(model, tuple(item.fields))
            yield Change(change="created", **_about(key, item), safety=safe)
        elif old.hash != item.hash:
            paths = changed_fields(old.fields, item.fields)
            safe = touches_safety(model, paths)
            yield Change(change="updated", **_about(key, item), safety=safe, changed_fields=paths)
    for key, old in before.items():
        if key in after:
            continue
        kind, item_id = key.split("/", 1)
        record = retired.get(key)
        yield Change(
            change="retired",
            kind=kind,
            id=item_id,
            href=href(kind, item_id),
            hash=None,
            modified=record.date if record else None,
            safety=touches_safety(BY_COLLECTION[kind].model, tuple(old.fields)),
            reason=record.reason if record else None,
            replaced_by=href(kind, record.replaced_by) if record and record.replaced_by else None,
        )


def _about(key: str, item: ReleasedItem) -> dict[str, object]:
    kind, item_id = key.split("/", 1)
    return {
        "kind": kind,
        "id": item_id,
        "href": href(kind, item_id),
        "hash": item.hash,
        "modified": item.modified,
    }
