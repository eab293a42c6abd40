"""The bundle, read-only: items by id, pages of collections, facets, credits and search.

Opening is a file open and one small query, whatever the size of the library. The file is
opened immutable (no locks, no journal), so any number of processes share it through the OS
page cache; SQLite's own page cache per process is kept small. Parsed items are kept in a small
LRU, because one page is usually rendered in several representations in a row.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from api.bundle.feeds import Change, ManifestEntry
from api.bundle.format import FORMAT
from api.bundle.resources import (
    COLLECTION_OF,
    ITEM_MODELS,
    GovernanceView,
    LocaleView,
    LookupMatch,
    RegionView,
    SearchHit,
    SourceView,
    StepView,
)
from api.bundle.search import run_search
from api.content.hazards import Hazard, HazardLog
from api.content.kinds import CollectionName, is_collection
from api.content.retirements import Retirement

PARSED_ITEMS = 16  # an item asked for in several representations in a row is parsed once
SQLITE_CACHE_KIB = 2048  # per process; the OS page cache, shared, holds the rest


class BundleError(Exception):
    """The bundle is missing, unreadable or of another format."""


ModelT = TypeVar("ModelT")


@runtime_checkable
class Identified(Protocol):
    """An item of any collection: each has a stable id."""

    id: str


@dataclass(frozen=True)
class Page:
    items: tuple[BaseModel, ...]
    after: int | None  # position to continue after, when there is a next page


@dataclass(frozen=True)
class Meta:
    version: str
    default_locale: str
    locales: tuple[str, ...]
    locale_summaries: tuple[LocaleView, ...]
    items: int
    disclaimer: str
    releases: tuple[str, ...]  # versions the change feed can start from, oldest first
    governance: GovernanceView  # whether this version is signed off (draft or active)
    hazards: tuple[Hazard, ...]  # the hazard log, for the safety case report


class Store:
    """Read access to one bundle; safe to share between threads (SQLite serialises calls, and a
    lock guards the cache of parsed items)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise BundleError(f"no bundle at {path}: run `python -m api build` first")
        self.path = path.resolve()
        try:
            self.connection = self._connect()
            meta = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as error:
            raise BundleError(f"{path} is not a Fascia bundle ({error})") from error
        if meta.get("format") != FORMAT:
            raise BundleError(f"{path} has bundle format {meta.get('format')}, not {FORMAT}")
        self.meta = Meta(
            version=meta["content_version"],
            default_locale=meta["default_locale"],
            locales=tuple(json.loads(meta["locales"])),
            locale_summaries=tuple(
                LocaleView.model_validate(s) for s in json.loads(meta["locale_summaries"])
            ),
            items=int(meta["items"]),
            disclaimer=meta["disclaimer"],
            releases=tuple(json.loads(meta["releases"])),
            governance=GovernanceView.model_validate_json(meta["governance"]),
            hazards=HazardLog.model_validate_json(meta["hazards"]).hazards,
        )
        self._parsed: OrderedDict[tuple[str, str, str], BaseModel] = OrderedDict()
        self._parsed_lock = threading.Lock()  # handlers in the thread pool share it
        # Country code -> region id, for choosing care advice (regions are few).
        self.countries: dict[str, str] = {
            country: region.id
            for region in self.every(self.meta.default_locale, "regions", RegionView)
            for country in region.countries
        }

    def _connect(self) -> sqlite3.Connection:
        uri = f"file:{self.path}?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        return connection

    def close(self) -> None:
        """Close the file (before a fork: a connection must not be used in two processes)."""
        self.connection.close()

    def reopen(self) -> None:
        """Open the file again, in a process of its own."""
        self.connection = self._connect()

    def item(self, locale: str, collection: CollectionName, item_id: str) -> BaseModel | None:
        """One item's response model, or None."""
        key = (locale, collection, item_id)
        with self._parsed_lock:
            parsed = self._parsed.get(key)
            if parsed is not None:
                self._parsed.move_to_end(key)
                return parsed
        row = self.connection.execute(
            "SELECT body FROM items WHERE locale = ? AND collection = ? AND id = ?", key
        ).fetchone()
        if row is None:
            return None
        parsed = self._parse(key, row[0])
        return parsed

    def body(self, locale: str, collection: CollectionName, item_id: str) -> str | None:
        """One item's response model as the bundle holds it (JSON), unparsed; or None."""
        row = self.connection.execute(
            "SELECT body FROM items WHERE locale = ? AND collection = ? AND id = ?",
            (locale, collection, item_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def keys(
        self, locale: str, collection: CollectionName, after: int, size: int
    ) -> list[tuple[str, int]]:
        """Up to ``size`` (id, position) of a collection after position ``after``, in order,
        without reading the items (the order's index holds both)."""
        rows = self.connection.execute(
            "SELECT id, position FROM items WHERE locale = ? AND collection = ? "
            "AND position > ? ORDER BY position LIMIT ?",
            (locale, collection, after, size),
        ).fetchall()
        return [(str(item_id), int(position)) for item_id, position in rows]

    def exists(self, collection: CollectionName, item_id: str) -> bool:
        """Whether ``item_id`` names an item of ``collection`` (in every locale: ids are shared)."""
        row = self.connection.execute(
            "SELECT 1 FROM items WHERE locale = ? AND collection = ? AND id = ?",
            (self.meta.default_locale, collection, item_id),
        ).fetchone()
        return row is not None

    def page(
        self,
        locale: str,
        collection: CollectionName,
        filters: Mapping[str, str],
        after: int,
        size: int,
    ) -> Page:
        """Up to ``size`` items after position ``after``, in collection order, matching every
        filter (facet -> value)."""
        sql = [
            "SELECT id, position, body FROM items WHERE locale = ? AND collection = ?",
            "AND position > ?",
        ]
        parameters: list[object] = [locale, collection, after]
        for facet, value in filters.items():
            sql.append(
                "AND id IN (SELECT id FROM facets WHERE collection = ? AND facet = ? AND value = ?)"
            )
            parameters += [collection, facet, value]
        sql.append("ORDER BY position LIMIT ?")
        rows = self.connection.execute(" ".join(sql), [*parameters, size + 1]).fetchall()
        items = tuple(self._parse((locale, collection, i), body) for i, _, body in rows[:size])
        return Page(items, rows[size - 1][1] if len(rows) > size else None)

    def every(
        self, locale: str, collection: CollectionName, kind: type[ModelT]
    ) -> Iterator[ModelT]:
        """Every item of a collection, in order, each checked to be a ``kind`` (its response
        model): typed for the caller."""
        for item in self.pages(locale, collection):
            if not isinstance(item, kind):
                raise TypeError(
                    f"{collection} holds a {type(item).__name__}, not a {kind.__name__}"
                )
            yield item

    def ids(self, locale: str, collection: CollectionName) -> Iterator[str]:
        """The id of every item of a collection, in order."""
        for item in self.pages(locale, collection):
            if not isinstance(item, Identified):
                raise TypeError(f"{collection} holds a {type(item).__name__}, which has no id")
            yield item.id

    def pages(
        self, locale: str, collection: CollectionName, size: int = 500
    ) -> Iterator[BaseModel]:
        """Every item of a collection, in order, read a page at a time."""
        after = -1
        while True:
            page = self.page(locale, collection, {}, after, size)
            yield from page.items
            if page.after is None:
                return
            after = page.after

    def feed_page(
        self, feed: str, locale: str, after: int, size: int
    ) -> tuple[list[str], int | None]:
        """Up to ``size`` item bodies (JSON) of a sync feed after position ``after``, and the
        position to continue after when more follow."""
        rows = self.connection.execute(
            "SELECT position, body FROM sync WHERE feed = ? AND locale = ? AND position > ? "
            "ORDER BY position LIMIT ?",
            (feed, locale, after, size + 1),
        ).fetchall()
        return [body for _, body in rows[:size]], rows[size - 1][0] if len(rows) > size else None

    def retirement(self, collection: CollectionName, item_id: str) -> Retirement | None:
        """The retirement record of an id that is no longer served, or None."""
        row = self.connection.execute(
            "SELECT body FROM retired WHERE collection = ? AND id = ?", (collection, item_id)
        ).fetchone()
        return Retirement.model_validate_json(row[0]) if row else None

    def credits(self, collection: CollectionName, item_id: str) -> tuple[str, ...]:
        """The ids of the sources a handout of this item credits besides what it cites."""
        row = self.connection.execute(
            "SELECT source_ids FROM credits WHERE collection = ? AND id = ?",
            (collection, item_id),
        ).fetchone()
        return tuple(json.loads(row[0])) if row else ()

    def credits_for(self, view: BaseModel) -> tuple[str, ...]:
        """``credits`` of the item ``view`` shows (a step: its self-test's; a hit: its item's)."""
        if isinstance(view, StepView):
            return self.credits("self-tests", view.self_test_id)
        if isinstance(view, SearchHit | ManifestEntry | Change | LookupMatch):
            return self.credits(view.kind, view.id) if is_collection(view.kind) else ()
        collection = COLLECTION_OF.get(type(view))
        item_id = getattr(view, "id", None)
        return self.credits(collection, item_id) if collection and item_id else ()

    def search(
        self, locale: str, query: str, collection: str | None, after: int, size: int
    ) -> tuple[list[SearchHit], int | None]:
        """One page of search hits in ``locale``, best first, and the position to continue
        after when more follow."""
        return run_search(self.connection, locale, query, collection, after, size)

    def sources(self, locale: str) -> Mapping[str, SourceView]:
        """The sources of ``locale`` by id, read on demand."""
        return _Sources(self, locale)

    def _parse(self, key: tuple[str, CollectionName, str], body: str) -> BaseModel:
        with self._parsed_lock:
            parsed = self._parsed.get(key)
        if parsed is None:
            parsed = ITEM_MODELS[key[1]].model_validate_json(body)  # outside the lock: slow
            with self._parsed_lock:
                self._parsed[key] = parsed
                if len(self._parsed) > PARSED_ITEMS:
                    self._parsed.popitem(last=False)
        return parsed


class _Sources(Mapping[str, SourceView]):
    """A read-only mapping of source id to source, backed by the store."""

    def __init__(self, store: Store, locale: str) -> None:
        self.store = store
        self.locale = locale

    def __getitem__(self, source_id: str) -> SourceView:
        found = self.store.item(self.locale, "sources", source_id)
        if not isinstance(found, SourceView):
            raise KeyError(source_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return (source.id for source in self.store.every(self.locale, "sources", SourceView))

    def __len__(self) -> int:
        row = self.store.connection.execute(
            "SELECT count(*) FROM items WHERE locale = ? AND collection = 'sources'", (self.locale,)
        ).fetchone()
        return int(row[0])
