"""Clinical writing rules: a warning never asks for more urgent care than its urgency unless that
is an escalation, and safety text reads easily.

Both read the text a reader sees, in every locale, and report the file, field and line:

- **Escalations.** A warning whose words name a more urgent action than its own urgency (a
  ``reason`` saying "get emergency help now" on an ``urgent`` red flag, a nerve warning saying
  "call 111") hides that advice where no screening, handout or form shows it. Such advice is an
  ``escalation``: data that every surface renders with the reader's regional care.
- **One question, one thing.** An English screening question that mixes "and" with "or" (outside
  brackets) can be read two ways; split it.
- **Review dates.** An item past its ``next_review`` date is reported (a warning: the content
  still builds, and ``check --due-within`` lists what falls due next).
- **Readability.** Safety text (every field marked ``SAFETY`` and every text of a warning or
  region) stays at or below a reading grade of 6 (Flesch-Kincaid in English; Fernandez-Huerta
  reading ease of at least 70 in Spanish, its sixth-grade band) and at most 25 words a sentence.
  Above that, safety text is an error and other text a warning. Measured only by ``check``
  (``textstat``, imported there), never at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, get_args, get_origin

from pydantic import BaseModel

from api.content import models
from api.content.diagnostics import ContentProblem
from api.content.languages import language_of
from api.content.loader import LoadedItem, problem_at
from api.content.yamlfile import FieldPath

MAX_WORDS = 25  # words in one sentence
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z¿¡ÁÉÍÓÚÑ\"'(])")
_BRACKETS = re.compile(r"\([^)]*\)")
_AND = re.compile(r"\band\b", re.I)
_OR = re.compile(r"\bor\b", re.I)
_WORD = re.compile(r"[\w'\u2019-]+")


def escalation_problems(items: Iterable[LoadedItem], locale: str) -> Iterator[ContentProblem]:
    """Each warning text naming more urgent care than the warning's urgency."""
    words = language_of(locale).care_words
    for item in items:
        warning = item.model
        if not isinstance(warning, models.SafetyWarning) or warning.kind == "disclaimer":
            continue
        own = models.URGENCY_ORDER[warning.urgency] if warning.urgency else 0
        for name in ("sign", "action", "reason", "question"):
            text = getattr(warning, name)
            for level, pattern in sorted(words.items(), reverse=True):
                found = pattern.search(text or "")
                if level > own and found:
                    urgency = "emergency" if level == 2 else "urgent"
                    message = (
                        f"names {urgency} care ({found.group(0)!r}), more urgent than the "
                        f"warning's own ({warning.urgency or 'none'}): say it as an escalation "
                        f"(escalations: when, urgency: {urgency}), so that every surface shows it "
                        "with the reader's regional advice"
                    )
                    yield problem_at(item.file, (name,), message)
                    break


def question_problems(items: Iterable[LoadedItem]) -> Iterator[ContentProblem]:
    """English screening questions that mix "and" with "or" outside brackets: "A and B or C" can
    be read two ways, and a reader who answers the wrong one skips a red flag."""
    for item in items:
        warning = item.model
        if not isinstance(warning, models.SafetyWarning) or warning.question is None:
            continue
        plain = _BRACKETS.sub("", warning.question)
        if _AND.search(plain) and _OR.search(plain):
            message = (
                'mixes "and" with "or": ask one thing (split it into two warnings, or put '
                "examples in brackets)"
            )
            yield problem_at(item.file, ("question",), message)


def overdue_problems(items: Iterable[LoadedItem], today: date) -> Iterator[ContentProblem]:
    """Items whose next review date has passed: what they say may no longer be current."""
    for item in items:
        due = getattr(item.model, "next_review", None)
        if isinstance(due, date) and due < today:
            message = f"past its review date ({due}): review it and set the next date"
            yield problem_at(item.file, ("next_review",), message, "warning")


def readability_problems(items: Iterable[LoadedItem], locale: str) -> Iterator[ContentProblem]:
    """Sentences over ``MAX_WORDS`` (each field), and an item's safety text, taken together, over
    the reading grade: errors; the same in other text: warnings."""
    import textstat  # noqa: PLC0415 - only `check` measures, so start-up never loads it

    readability = language_of(locale).readability
    textstat.set_lang(readability.textstat_language)
    measure = getattr(textstat, readability.measure)
    for item in items:
        if item.kind == "sources":
            continue  # what a source was used for is written for editors, not readers
        critical = item.model.safety_critical if isinstance(item.model, models.Item) else False
        texts = list(_texts(item.model, (), critical))
        for path, text, safety in texts:
            for sentence in _SENTENCE.split(text):
                count = len(_WORD.findall(sentence))
                if count > MAX_WORDS:
                    start = " ".join(sentence.split()[:6])
                    message = f"a sentence of {count} words (at most {MAX_WORDS}): {start!r}..."
                    yield _problem(item, path, message, "error" if safety else "warning")
        for safety in (True, False):
            chosen = [(path, text) for path, text, marked in texts if marked is safety]
            whole = " ".join(text.rstrip(".!?") + "." for _, text in chosen)
            if len(_WORD.findall(whole)) < 30:
                continue  # too little to grade: titles, a question, a phrase
            kind = "safety text" if safety else "text"
            found = readability.problem(float(measure(whole)))
            if found is None:
                continue
            message = f"the item's {kind}, taken together: {found}"
            yield _problem(item, chosen[0][0], message, "error" if safety else "warning")


def _problem(item: LoadedItem, path: FieldPath, message: str, severity: str) -> ContentProblem:
    problem = problem_at(item.file, path, message)
    return ContentProblem(problem.file, problem.line, problem.field, problem.message, severity)


def _texts(
    model: BaseModel, path: FieldPath, critical: bool
) -> Iterator[tuple[FieldPath, str, bool]]:
    """Every translatable text of ``model``: its path, the text, and whether it is safety text."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        marked = critical or models.SAFETY in _metadata(info)
        if isinstance(value, str) and models.TRANSLATABLE in _metadata(info):
            yield (*path, name), value, marked
        elif isinstance(value, BaseModel):
            yield from _texts(value, (*path, name), marked)
        elif isinstance(value, tuple):
            for index, element in enumerate(value):
                if isinstance(element, BaseModel):
                    yield from _texts(element, (*path, name, index), marked)
                elif isinstance(element, str) and models.TRANSLATABLE in _metadata(info):
                    yield (*path, name, index), element, marked


def _metadata(info: object) -> list[object]:
    """The field's metadata and that of the ``Annotated`` types inside its annotation."""
    found = list(getattr(info, "metadata", []))
    pending = [getattr(info, "annotation", None)]
    while pending:
        annotation = pending.pop()
        if get_origin(annotation) is Annotated:
            found += list(getattr(annotation, "__metadata__", ()))
        pending += list(get_args(annotation))
    return found
