"""The languages Fascia publishes in: one registration each, read by every layer.

A language's code names its content folder (``content/es/``) and its labels
(``api.bundle.labels``); its name is what ``/v1/locales`` calls it; its Open Graph locale goes in
link previews; and ``check`` reads its text with its own care words (the escalation rule) and
its own readability measure. A content folder for a language not registered here is refused by
``check``: nothing would label, preview or check it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Readability:
    """How ``check`` grades a language's text (with textstat)."""

    textstat_language: str  # textstat.set_lang's name for it
    measure: str  # the textstat function
    limit: float
    higher_is_easier: bool  # a reading ease (higher is easier) or a grade (lower is)
    score: str  # what the number is: "reading grade"
    method: str  # whose formula: "Flesch-Kincaid"

    def problem(self, score: float) -> str | None:
        """What is wrong with text of this ``score``; None when it passes."""
        if (score >= self.limit) if self.higher_is_easier else (score <= self.limit):
            return None
        bound = "at least" if self.higher_is_easier else "at most"
        return f"{self.score} {score:.1f} ({self.method}; {bound} {self.limit:.0f})"


@dataclass(frozen=True)
class Language:
    code: str  # a BCP 47 primary language subtag: the content folder and ``lang``
    name: str  # in the language itself
    open_graph: str  # og:locale, language_TERRITORY
    # Words that ask for care of each urgency (1 urgent, 2 emergency): a warning's own text may
    # name its own urgency or less; more is an escalation.
    care_words: Mapping[int, re.Pattern[str]]
    readability: Readability


DEFAULT_LOCALE = "en"
LANGUAGES: Mapping[str, Language] = MappingProxyType(
    {
        "en": Language(
            "en",
            "English",
            "en_US",
            {
                2: re.compile(
                    r"\b(emergency|ambulance|A&E|999|911|112)\b|hospital treatment straight away",
                    re.I,
                ),
                1: re.compile(r"\b(urgent|urgently|today|same day|111|116 117|NHS 24)\b", re.I),
            },
            Readability(
                "en_US", "flesch_kincaid_grade", 6.0, False, "reading grade", "Flesch-Kincaid"
            ),
        ),
        "es": Language(
            "es",
            "Español",
            "es_ES",
            {
                2: re.compile(r"\b(emergencias?|urgencias|ambulancia|999|911|112)\b", re.I),
                1: re.compile(r"\b(urgentes?|urgentemente|hoy|111|116 117|NHS 24)\b", re.I),
            },
            # 70-80 is sixth grade
            Readability("es", "fernandez_huerta", 70.0, True, "reading ease", "Fernandez-Huerta"),
        ),
    }
)


def listed() -> str:
    """The registered languages, for documentation: "`en` (English) and `es` (Español)"."""
    names = [f"`{code}` ({language.name})" for code, language in LANGUAGES.items()]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def language_of(locale: str) -> Language:
    """The language of ``locale`` (``es-MX`` is Spanish); the default one for any other."""
    return LANGUAGES.get(locale.split("-", maxsplit=1)[0].lower(), LANGUAGES[DEFAULT_LOCALE])
