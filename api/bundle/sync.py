"""Sync for CMSs: the manifest of every item and the change feed since each release.

Both are computed once, at build time, from the content and ``content/releases/`` and stored in
the bundle's ``sync`` table as ready response items, a feed (``manifest``, ``changes:<version>``)
and locale at a time, so serving them is a paged read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel

from api.bundle.feeds import CHANGES, MANIFEST, Change, ManifestEntry
from api.bundle.urls import href
from api.content.changes import changed_fields, touches_safety
from api.content.kinds import BY_COLLECTION
from api.content.library import Library
from api.content.releases import ReleasedItem, released_items
from api.content.retirements import Retirement

STATUS_FIELD = "status"  # a changed field of every item when the version's status changed


def sync_rows(library: Library) -> Iterator[tuple[str, str, int, str]]:
    """(feed, locale, position, item JSON) of the manifest and of the feed since each release."""
    retired = {f"{r.kind}/{r.id}": r for r in library.retirements}
    for locale, catalog in library.catalogs.items():
        current = released_items(catalog)
        entries = (_entry(key, item) for key, item in current.items())
        yield from _rows(MANIFEST, locale, entries)
        for release in library.releases:
            before = release.locales.get(locale, {})
            restated = release.status != library.governance.status
            changes = _changes(before, current, retired, restated)
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
    restated: bool = False,
) -> Iterator[Change]:
    """What changed from ``before`` to ``after``; with ``restated`` (the version's status, draft
    or active, is not what it was at the release), every item changed, and for safety: a
    reader must now be told, or no longer told, that it is a draft."""
    for key, item in after.items():
        kind, item_id = key.split("/", 1)
        model = BY_COLLECTION[kind].model
        old = before.get(key)
        if old is None:
            safe = touches_safety(model, tuple(item.fields))
            yield Change(change="created", **_about(key, item), safety=safe)
        elif old.hash != item.hash or restated:
            paths = changed_fields(old.fields, item.fields) + (STATUS_FIELD,) * restated
            safe = restated or touches_safety(model, paths)
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
