"""Search: what each item contributes to the full-text index, and how a query runs on it.

The index is FTS5 (``unicode61 remove_diacritics 2``) in the bundle, one table per locale, so
matching ignores case and accents (``ciatico`` finds ``ciático``). Every word of a query must
appear, as a word or the start of one (whole words rank higher); names weigh ten times the rest
of the text (bm25), so name matches come first. Snippets come from the index, around the first
match.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from pydantic import BaseModel

from api.presenter import href
from api.views import SearchHit

NAME_WEIGHT = 10.0
SNIPPET_TOKENS = 24
_WORD = re.compile(r"\w+")
_NOT_PROSE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*|https?://\S+")  # ids and URLs


def searchable_name(view: BaseModel) -> str:
    """The name an item is found by: its name, else its title, else its id."""
    for field in ("name", "title"):
        value = getattr(view, field, None)
        if isinstance(value, str):
            return value
    return str(getattr(view, "id", ""))


def item_text(view: BaseModel) -> str:
    """All of an item's prose, for matching and snippets (not its ids, links or URLs)."""
    return " ".join(_strings(view.model_dump(exclude={"links", "translation"})))


def match_expression(query: str) -> str | None:
    """An FTS5 query needing every word of ``query`` (as a word or a prefix); None if no words.

    Each word is asked for twice, whole or as a prefix, so that bm25 counts a whole-word match
    twice and ``sciatic`` ranks the sciatic nerve above sciatica.
    """
    words = _WORD.findall(query)
    return " AND ".join(f'("{word}" OR "{word}"*)' for word in words) or None


def run_search(
    connection: sqlite3.Connection,
    table: str,
    query: str,
    collection: str | None,
    offset: int,
    limit: int,
) -> tuple[list[SearchHit], bool]:
    """One page of hits, best first, and whether more follow."""
    expression = match_expression(query)
    if expression is None:
        return [], False
    where = f"{table} MATCH ?" + (" AND collection = ?" if collection else "")
    parameters: list[object] = [expression, *([collection] if collection else [])]
    rows = connection.execute(
        f"SELECT collection, id, name, snippet({table}, 3, '', '', '…', {SNIPPET_TOKENS}), "
        f"bm25({table}, 0, 0, {NAME_WEIGHT}, 1.0) AS score FROM {table} WHERE {where} "
        "ORDER BY score, length(text), id LIMIT ? OFFSET ?",
        [*parameters, limit + 1, offset],
    ).fetchall()
    hits = [
        SearchHit(
            kind=kind,
            id=item_id,
            name=name,
            snippet=snippet,
            score=round(-score, 2),
            href=href(kind, item_id),
        )
        for kind, item_id, name, snippet, score in rows[:limit]
    ]
    return hits, len(rows) > limit


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        if not _NOT_PROSE.fullmatch(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
