"""Content by clinical code: what a clinical system finds when it asks for a diagnosis code.

A code matches the conditions that carry it (``codes`` in ``content/<locale>/conditions``); each
brings the guides about it and the self-tests that help check for it. The index is built once per
locale when the server starts, so a lookup is a dictionary read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from api.bundle.resources import (
    ConditionView,
    GuideView,
    LookupKind,
    LookupMatch,
    SelfTestView,
)
from api.bundle.store import Store
from api.bundle.urls import href
from api.content.terminology import BY_NAME, CodeSystem


@dataclass(frozen=True)
class Found:
    """What one code finds in one locale: its label, and the matches in order."""

    code: str  # as the content writes it
    display: str | None
    matches: tuple[LookupMatch, ...]


class Lookup:
    """Every clinical code of every condition, by system and normalised code, per locale."""

    def __init__(self, store: Store, locales: Iterable[str]) -> None:
        self.by_locale: dict[str, dict[tuple[str, str], Found]] = {}
        self.known: dict[str, tuple[str, ...]] = {}  # codes by system name, as written
        for locale in locales:
            self.by_locale[locale] = self._index(store, locale)

    def _index(self, store: Store, locale: str) -> dict[tuple[str, str], Found]:
        guides: dict[str, list[GuideView]] = {}
        for guide in store.every(locale, "guides", GuideView):
            for condition_id in guide.condition_ids:
                guides.setdefault(condition_id, []).append(guide)
        tests = {test.id: test for test in store.every(locale, "self-tests", SelfTestView)}
        index: dict[tuple[str, str], list[tuple[str, str | None, LookupMatch]]] = {}
        known: dict[str, list[str]] = {}
        for condition in store.every(locale, "conditions", ConditionView):
            matches = [_match(condition, condition)]
            matches += [_match(guide, condition) for guide in guides.get(condition.id, [])]
            matches += [_match(tests[t], condition) for t in condition.self_test_ids if t in tests]
            for code in condition.codes:
                system = BY_NAME.get(code.system)
                if system is None:
                    continue
                entry: tuple[str, str] = (system.name, system.normal(code.code))
                index.setdefault(entry, []).extend((code.code, code.label, m) for m in matches)
                known.setdefault(system.name, []).append(code.code)
        self.known = {name: tuple(dict.fromkeys(codes)) for name, codes in known.items()}
        found: dict[tuple[str, str], Found] = {}
        for key, entries in index.items():
            written, display = entries[0][0], entries[0][1]
            ordered = sorted(
                dict.fromkeys(m for _, _, m in entries), key=lambda m: _ORDER.index(m.kind)
            )
            found[key] = Found(written, display, tuple(ordered))
        return found

    def find(self, locale: str, system: CodeSystem, code: str) -> Found | None:
        return self.by_locale[locale].get((system.name, system.normal(code)))

    def codes(self, system: CodeSystem) -> tuple[str, ...]:
        """The codes of ``system`` that find content, as the content writes them."""
        return self.known.get(system.name, ())


_ORDER = ("conditions", "guides", "self-tests")


def _match(item: ConditionView | GuideView | SelfTestView, condition: ConditionView) -> LookupMatch:
    kind: LookupKind
    if isinstance(item, GuideView):
        kind, name = "guides", item.title
    elif isinstance(item, SelfTestView):
        kind, name = "self-tests", item.name
    else:
        kind, name = "conditions", item.name
    return LookupMatch(
        kind=kind,
        id=item.id,
        name=name,
        summary=item.summary,
        condition_id=condition.id,
        href=href(kind, item.id),
    )
