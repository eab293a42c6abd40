"""Sync for CMSs: the manifest of every item and the change feed since each release.

Both describe what the API serves, not only what the content says: an item's ``hash`` is the
fingerprint of its JSON representation (its response model, as ``GET /v1/{kind}/{id}`` serves it
without ``region``), and each release records that fingerprint for every item (``served``, see
``api.content.releases``), so a change of rendering, of order or of a field of the response
model is a change in the feed like an edit of the content, field by field, flagged ``safety``
when one of its paths is safety text (``api.content.changes``).

Both are computed once, at build time, from the content, the presented views and
``content/releases/``, and stored in the bundle's ``sync`` table as ready response items, a feed
(``manifest``, ``changes:<version>``) and locale at a time, so serving them is a paged read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel

from api.bundle.feeds import CHANGES, MANIFEST, Change, ManifestEntry
from api.bundle.present import Presented, present
from api.bundle.resources import ITEM_MODELS
from api.bundle.urls import href
from api.content.changes import Fingerprint, changed_fields, fingerprint_data, touches_safety
from api.content.kinds import BY_COLLECTION, is_collection
from api.content.library import Library
from api.content.releases import ReleasedItem, item_key, released_items
from api.content.retirements import Retirement

STATUS_FIELD = "status"  # a changed field of every item when the version's status changed


def served_fingerprints(presented: Presented) -> dict[str, Fingerprint]:
    """``<collection>/<id>`` -> the fingerprint of the JSON served for each presented item."""
    return {
        item_key(collection, item_id): fingerprint_data(view.model_dump(mode="json", by_alias=True))
        for collection, found in presented.items()
        for item_id, view in found.items()
    }


def released_fingerprints(library: Library) -> dict[str, dict[str, Fingerprint]]:
    """Per locale, the fingerprint of what is served for each item: what a release records
    (``python -m api release``), presented exactly as the build presents it."""
    status = library.governance.status
    return {
        locale: served_fingerprints(present(catalog, status))
        for locale, catalog in library.catalogs.items()
    }


def sync_rows(
    library: Library, presented: Mapping[str, Presented]
) -> Iterator[tuple[str, str, int, str]]:
    """(feed, locale, position, item JSON) of the manifest and of the feed since each release,
    from each locale's presented views (``presented``, by locale)."""
    retired = {f"{r.kind}/{r.id}": r for r in library.retirements}
    for locale, catalog in library.catalogs.items():
        current = released_items(catalog, served_fingerprints(presented[locale]))
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
        kind=kind,
        id=item_id,
        hash=_served(item).hash,
        modified=item.modified,
        href=href(kind, item_id),
    )


def _changes(
    before: Mapping[str, ReleasedItem],
    after: Mapping[str, ReleasedItem],
    retired: Mapping[str, Retirement],
    restated: bool = False,
) -> Iterator[Change]:
    """What changed from ``before`` to ``after`` in what is served; with ``restated`` (the
    version's status, draft or active, is not what it was at the release), every item changed,
    and for safety: a reader must now be told, or no longer told, that it is a draft.

    A release recorded before releases recorded what was served (``served`` is None) cannot
    say what a copy made from it holds: every item is updated, with the fields whose content
    changed, and for safety when it shows safety text."""
    for key, item in after.items():
        kind, item_id = key.split("/", 1)
        view = _view_model(kind)
        now = _served(item)
        old = before.get(key)
        if old is None:
            safe = touches_safety(view, tuple(now.fields))
            yield Change(change="created", **_about(key, item), safety=safe)
            continue
        if old.served is None:
            paths = changed_fields(old.fields, item.fields)
            safe = touches_safety(view, tuple(now.fields))
        elif old.served.hash != now.hash or restated:
            paths = changed_fields(old.served.fields, now.fields)
            safe = touches_safety(view, paths)
        else:
            continue
        if restated and STATUS_FIELD not in paths:
            paths += (STATUS_FIELD,)
        safe = safe or restated
        yield Change(change="updated", **_about(key, item), safety=safe, changed_fields=paths)
    for key, old in before.items():
        if key in after:
            continue
        kind, item_id = key.split("/", 1)
        record = retired.get(key)
        if old.served is None:
            safe = touches_safety(BY_COLLECTION[kind].model, tuple(old.fields))
        else:
            safe = touches_safety(_view_model(kind), tuple(old.served.fields))
        yield Change(
            change="retired",
            kind=kind,
            id=item_id,
            href=href(kind, item_id),
            hash=None,
            modified=record.date if record else None,
            safety=safe,
            reason=record.reason if record else None,
            replaced_by=href(kind, record.replaced_by) if record and record.replaced_by else None,
        )


def _view_model(kind: str) -> type[BaseModel]:
    """The response model of a collection's items: what their served paths are paths of."""
    if not is_collection(kind):
        raise KeyError(kind)
    return ITEM_MODELS[kind]


def _served(item: ReleasedItem) -> Fingerprint:
    if item.served is None:  # never: the build fingerprints every item it serves
        raise ValueError("an item of the current content without the fingerprint of its JSON")
    return Fingerprint(item.served.hash, item.served.fields)


def _about(key: str, item: ReleasedItem) -> dict[str, object]:
    kind, item_id = key.split("/", 1)
    return {
        "kind": kind,
        "id": item_id,
        "href": href(kind, item_id),
        "hash": _served(item).hash,
        "modified": item.modified,
    }
