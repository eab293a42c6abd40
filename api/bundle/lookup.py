"""Content by clinical code: what a clinical system finds when it asks for a diagnosis code.

A code matches the conditions that carry it (``codes`` in ``content/<locale>/conditions``); each
brings the guides about it and the self-tests that help check for it. The build writes that
index into the bundle (``api.bundle.codes``, tables ``codes`` and ``known_codes``), so a lookup
is one indexed query and starting the server reads no item, whatever the size of the library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from api.bundle.resources import LookupMatch
from api.bundle.store import Store
from api.content.terminology import CodeSystem


@dataclass(frozen=True)
class Found:
    """What one code finds in one locale: its label, and the matches in order."""

    code: str  # as the content writes it
    display: str | None
    matches: tuple[LookupMatch, ...]


class Lookup:
    """Every clinical code of every condition, by system and normalised code, per locale: read
    from the bundle on each call (the store's connection, reopened after a fork)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, locale: str, system: CodeSystem, code: str) -> Found | None:
        row = self.store.connection.execute(
            "SELECT written, display, matches FROM codes "
            "WHERE locale = ? AND system = ? AND code = ?",
            (locale, system.name, system.normal(code)),
        ).fetchone()
        if row is None:
            return None
        matches = tuple(LookupMatch.model_validate(match) for match in json.loads(row[2]))
        return Found(row[0], row[1], matches)

    def codes(self, locale: str, system: CodeSystem) -> tuple[str, ...]:
        """The codes of ``system`` that find content in ``locale``, as the content writes them."""
        rows = self.store.connection.execute(
            "SELECT code FROM known_codes WHERE locale = ? AND system = ? ORDER BY position",
            (locale, system.name),
        ).fetchall()
        return tuple(code for (code,) in rows)
