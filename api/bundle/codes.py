"""The code index, written into the bundle at build time (table ``codes``, read by
``api.bundle.lookup``): what each clinical code of a locale finds.

A code matches the conditions that carry it (``codes`` in ``content/<locale>/conditions``); each
brings the guides about it and the self-tests that help check for it: the condition first, then
its guides, then its self-tests, each item once. A code is keyed by its system and its normal
form (``CodeSystem.normal``: ICD codes without case or dot), and keeps the first way the content
writes it and that code's label.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TypeVar

from pydantic import BaseModel

from api.bundle.resources import ConditionView, GuideView, LookupKind, LookupMatch, SelfTestView
from api.bundle.urls import href
from api.content.terminology import BY_NAME

ViewT = TypeVar("ViewT")
ORDER: tuple[LookupKind, ...] = ("conditions", "guides", "self-tests")

CodeRow = tuple[
    str, str, str, str, str | None, str
]  # locale, system, code, written, display, matches
KnownRow = tuple[str, str, int, str]  # locale, system, position, code as written


def code_rows(
    locale: str, presented: Mapping[str, Mapping[str, BaseModel]]
) -> tuple[list[CodeRow], list[KnownRow]]:
    """The ``codes`` rows of one locale's presented items (collection -> id -> view, in
    collection order), and its ``known_codes``: every code that finds content, by system, as the
    content writes it, in order, each once."""
    guides: dict[str, list[GuideView]] = {}
    for guide in _views(presented, "guides", GuideView):
        for condition_id in guide.condition_ids:
            guides.setdefault(condition_id, []).append(guide)
    tests = {test.id: test for test in _views(presented, "self-tests", SelfTestView)}
    index: dict[tuple[str, str], list[tuple[str, str | None, LookupMatch]]] = {}
    known: dict[str, list[str]] = {}
    for condition in _views(presented, "conditions", ConditionView):
        matches = [_match(condition, condition)]
        matches += [_match(guide, condition) for guide in guides.get(condition.id, [])]
        matches += [_match(tests[t], condition) for t in condition.self_test_ids if t in tests]
        for code in condition.codes:
            system = BY_NAME.get(code.system)
            if system is None:
                continue
            key = (system.name, system.normal(code.code))
            index.setdefault(key, []).extend((code.code, code.label, m) for m in matches)
            known.setdefault(system.name, []).append(code.code)
    rows: list[CodeRow] = []
    for (system_name, normal), entries in index.items():
        written, display = entries[0][0], entries[0][1]
        ordered = sorted(dict.fromkeys(m for _, _, m in entries), key=lambda m: ORDER.index(m.kind))
        body = json.dumps([m.model_dump(mode="json") for m in ordered])
        rows.append((locale, system_name, normal, written, display, body))
    listed = [
        (locale, name, position, code)
        for name, codes in known.items()
        for position, code in enumerate(dict.fromkeys(codes))
    ]
    return rows, listed


def _views(
    presented: Mapping[str, Mapping[str, BaseModel]], collection: str, kind: type[ViewT]
) -> Iterator[ViewT]:
    for view in presented.get(collection, {}).values():
        if not isinstance(view, kind):
            raise TypeError(f"{collection} holds a {type(view).__name__}, not a {kind.__name__}")
        yield view


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
