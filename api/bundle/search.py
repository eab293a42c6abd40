"""Search: what each item gives the full-text index, and how a query runs on it in bounded time.

The index is FTS5 (``unicode61 remove_diacritics 2``) in the bundle, so matching ignores case and
accents (``ciatico`` finds ``ciático``). Every word of a query must appear, as a word or as the
start of one. Two tables per locale hold every item:

    names_<locale>  the name (indexed) and kind; rows in order of name length, shortest first
    texts_<locale>  name and text (indexed) and kind; rows in order of text length

Hits come in two tiers: items whose *name* holds every word (shortest name first: the closest
match), then the other matches (shortest text first). Both tiers are read in row order and stop
after one page, so a search costs about one page of work however many items match; scoring every
match (bm25) would grow with the library. A position is the tier times ``TIER`` plus the row id.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from pydantic import BaseModel

from api.bundle.resources import SearchHit
from api.bundle.urls import href

TIER = 2**40  # far above any row id
NAME_SCORE = 10.0  # per query word, when the name holds every word
TEXT_SCORE = 1.0  # per query word, otherwise
SNIPPET_TOKENS = 24  # words around the first match (the start of the text for a name hit)
EMBEDDED = frozenset(  # fields holding (copies of) other items
    {
        "actions",
        "applies_to",
        "care",
        "conditions",
        "disclaimer",
        "landmarks",
        "muscles",
        "related_muscles",
        "safety",
        "screening",
        "self_tests",
        "sources",
        "techniques",
        "warnings",
    }
)
_WORD = re.compile(r"\w+")
_NOT_PROSE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*|https?://\S+|/\S*")  # ids, URLs, paths


def searchable_name(view: BaseModel) -> str:
    """The name an item is found by: its name, else its title, else its id."""
    for field in ("name", "title"):
        value = getattr(view, field, None)
        if isinstance(value, str):
            return value
    return str(getattr(view, "id", ""))


def item_text(view: BaseModel) -> str:
    """All of an item's own prose, for matching and snippets: not its ids, links or URLs, and not
    the copies of other items it embeds (its warnings, landmarks, sources, a step's safety...),
    which are found under their own names."""
    return " ".join(_strings(view.model_dump(exclude={"links", "translation"})))


def index_tables(locale: str) -> tuple[str, str]:
    """The names and texts tables of a locale (tags hold only letters, digits and '-')."""
    suffix = locale.replace("-", "_").lower()
    return f"names_{suffix}", f"texts_{suffix}"


def create_index(
    connection: sqlite3.Connection, locale: str, items: Iterable[tuple[str, str, str, str]]
) -> None:
    """Index (collection, id, name, text) rows of one locale."""
    names, texts = index_tables(locale)
    tokenize = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"
    connection.execute(
        f"CREATE VIRTUAL TABLE {names} USING fts5(collection, id UNINDEXED, name, "
        f"text UNINDEXED, {tokenize})"
    )
    connection.execute(
        f"CREATE VIRTUAL TABLE {texts} USING fts5(collection, id UNINDEXED, name, text, {tokenize})"
    )
    rows = list(items)
    for table, length in ((names, 2), (texts, 3)):
        ordered = sorted(rows, key=lambda row: (len(row[length]), row[0], row[1]))
        connection.executemany(
            f"INSERT INTO {table} (rowid, collection, id, name, text) VALUES (?, ?, ?, ?, ?)",
            [(rowid, *row) for rowid, row in enumerate(ordered, start=1)],
        )


def match_expression(query: str) -> str | None:
    """An FTS5 expression needing every word of ``query`` (whole or as a prefix)."""
    words = _WORD.findall(query)
    return " ".join(f'"{word}"*' for word in words) or None


def run_search(
    connection: sqlite3.Connection,
    locale: str,
    query: str,
    collection: str | None,
    after: int,
    limit: int,
) -> tuple[list[SearchHit], int | None]:
    """One page of hits after position ``after``, and the position to continue after (if any)."""
    expression = match_expression(query)
    if expression is None:
        return [], None
    words = _WORD.findall(query)
    names, texts = index_tables(locale)
    kind = f' AND collection : "{collection.replace("-", " ")}"' if collection else ""
    tiers = (
        (names, f"name : ({expression}){kind}", NAME_SCORE),
        (texts, f"{{name text}} : ({expression}) NOT name : ({expression}){kind}", TEXT_SCORE),
    )
    hits: list[SearchHit] = []
    first, last = divmod(after + 1, TIER) if after >= 0 else (0, 0)
    for tier in range(first, len(tiers)):
        table, where, score = tiers[tier]
        room = limit - len(hits)
        rows = connection.execute(
            f"SELECT rowid, collection, id, name, snippet({table}, 3, '', '', '…', "
            f"{SNIPPET_TOKENS}) FROM {table} WHERE {table} MATCH ? AND rowid > ? "
            "ORDER BY rowid LIMIT ?",
            (where, last if tier == first else 0, room + 1),
        ).fetchall()
        for rowid, kind_found, item_id, name, found in rows[:room]:
            # Text is not indexed in the names table, so snippet() gives all of it there.
            snippet = _first_words(found) if table == names else found
            scored = score * len(words)
            link = href(kind_found, item_id)
            hits.append(
                SearchHit(
                    kind=kind_found, id=item_id, name=name, snippet=snippet, score=scored, href=link
                )
            )
            position = tier * TIER + rowid - 1
        if len(rows) > room:
            return hits, position
        if len(hits) == limit:
            return hits, position if tier + 1 < len(tiers) else None
    return hits, None


def _first_words(text: str) -> str:
    words = text.split()
    cut = " ".join(words[:SNIPPET_TOKENS])
    return cut + "…" if len(words) > SNIPPET_TOKENS else cut


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        if not _NOT_PROSE.fullmatch(value):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in EMBEDDED:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
