"""Full-text search over one locale's items: every word of the query must appear.

Matching ignores case and accents (``gluteo`` finds ``glúteo``). Names count most, then shorter
items. The index is built once per locale at start-up; a search scans a few dozen strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.presenter import Views, href
from api.views import SearchHit

SNIPPET = 160
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Entry:
    kind: str
    id: str
    name: str
    folded_name: str
    text: str  # the item's own text, for snippets
    folded: str  # the same, folded; one character for one character of ``text`` where possible


def build_index(views: Views) -> tuple[Entry, ...]:
    entries = []
    for kind, items in views.by_collection().items():
        for item_id, item in items.items():
            name = str(getattr(item, "name", None) or getattr(item, "title", item_id))
            text = " ".join(_strings(item.model_dump(exclude={"links", "translation"})))
            entries.append(Entry(kind, item_id, name, fold(name), text, fold(text)))
    return tuple(entries)


def search(index: Sequence[Entry], query: str, kind: str | None = None) -> list[SearchHit]:
    """Items containing every word of ``query``, best first."""
    words = _WORD.findall(fold(query))
    hits = []
    for entry in index:
        if kind is not None and entry.kind != kind:
            continue
        if not words or not all(word in entry.folded for word in words):
            continue
        # A word in the name counts ten times more; in the text, up to three mentions count, so
        # long items (a whole self-test) do not win merely by length.
        score = sum(
            10.0 * (word in entry.folded_name) + min(entry.folded.count(word), 3) for word in words
        )
        hits.append(
            SearchHit(
                kind=entry.kind,
                id=entry.id,
                name=entry.name,
                snippet=_snippet(entry, words[0]),
                score=round(score, 2),
                href=href(entry.kind, entry.id),
            )
        )
    lengths = {(entry.kind, entry.id): len(entry.text) for entry in index}
    return sorted(hits, key=lambda hit: (-hit.score, lengths[(hit.kind, hit.id)], hit.id))


def _snippet(entry: Entry, word: str) -> str:
    at = entry.folded.find(word)
    if len(entry.folded) != len(entry.text):  # folding changed lengths: show the start
        at = 0
    start = max(0, at - SNIPPET // 3)
    snippet = entry.text[start : start + SNIPPET].strip()
    return ("…" if start else "") + snippet + ("…" if start + SNIPPET < len(entry.text) else "")


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|https?://\S+", value):  # not ids or URLs
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
