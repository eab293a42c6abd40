"""Negotiation: Accept and Accept-Language parsing and choice, including hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.http.negotiation import choose_locale, choose_media_type, parse_accept

pytestmark = pytest.mark.unit

AVAILABLE = ("application/json", "application/ld+json", "text/html", "text/markdown")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("text/html", "text/html"),
        ("text/*", "text/html"),
        ("text/markdown, text/html;q=0.9", "text/markdown"),
        ("text/html;q=0.5, application/ld+json", "application/ld+json"),
        ("application/xml, */*;q=0.1", "application/json"),
        ("text/*;q=0.3, text/markdown;q=0.8", "text/markdown"),
        ("text/*, text/html;q=0", "text/markdown"),
        ("TEXT/HTML", "text/html"),
        ("text/html; charset=utf-8; q=0.7, image/png", "text/html"),
        ("application/json;q=abc, text/html", "text/html"),
        ("garbage", "application/json"),
        ("image/png", None),
        ("application/json;q=0", None),
        ("image/*, application/xml", None),
    ],
)
def test_choose_media_type(accept: str | None, expected: str | None) -> None:
    assert choose_media_type(accept, AVAILABLE) == expected


def test_equal_quality_prefers_the_clients_order() -> None:
    assert choose_media_type("text/markdown, text/html", AVAILABLE) == "text/markdown"


def test_parse_accept_drops_malformed_entries() -> None:
    parsed = parse_accept("text/html;q=2, nonsense, application/json;q=0.5")
    assert [(p.value, p.quality) for p in parsed] == [("application/json", 0.5)]


@pytest.mark.parametrize(
    ("accept_language", "lang", "expected"),
    [
        (None, None, "en"),
        ("es", None, "es"),
        ("es-MX", None, "es"),
        ("es-419,es;q=0.9", None, "es"),
        ("fr-CA, fr;q=0.9", None, "en"),
        ("fr, es;q=0.5", None, "es"),
        ("en;q=0.5, es;q=0.9", None, "es"),
        ("es;q=0, en", None, "en"),
        ("*", None, "en"),
        ("en", "es", "es"),
        ("es", "fr", "en"),
        ("es", "ES-mx", "es"),
        ("??, es", None, "es"),
    ],
)
def test_choose_locale(accept_language: str | None, lang: str | None, expected: str) -> None:
    assert choose_locale(accept_language, lang, ["en", "es"], "en") == expected


@given(st.text(max_size=300))
def test_any_accept_header_gives_an_answer_or_none(header: str) -> None:
    assert choose_media_type(header, AVAILABLE) in (*AVAILABLE, None)


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_any_accept_language_gives_a_known_locale(header: str, lang: str | None) -> None:
    assert choose_locale(header, lang, ["en", "es"], "en") in ("en", "es")
