"""Compiled responses: the lookup answers exactly as the app does, with ETags and 304s."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.compiled import Compiled, Table
from tests.conftest import CONTENT

SUFFIXES = {
    "application/json": ".json",
    "application/ld+json": ".jsonld",
    "text/html": ".html",
    "text/markdown": ".md",
}


@pytest.fixture(scope="module")
def plain() -> TestClient:
    return TestClient(create_app(Settings(content_dir=CONTENT, compiled_responses=False)))


def compare(fast: TestClient, plain: TestClient, url: str, headers: dict[str, str]) -> None:
    headers = {**headers, "X-Request-ID": "same-for-both"}
    expected, actual = plain.get(url, headers=headers), fast.get(url, headers=headers)
    assert (actual.status_code, actual.content) == (expected.status_code, expected.content), url
    assert actual.headers.items() == expected.headers.items(), url


def test_every_compiled_response_is_byte_identical_to_the_app(
    app: FastAPI, client: TestClient, plain: TestClient
) -> None:
    entries: dict[tuple[str, str, str, str], Compiled] = app.state.compiled.entries
    assert len(entries) > 500
    for (path, query, media_type, locale), compiled in entries.items():
        url = f"{path}?{query}&lang={locale}" if query else f"{path}?lang={locale}"
        compare(client, plain, url, {"Accept": media_type})
        compare(client, plain, url, {"Accept": media_type, "If-None-Match": compiled.etag})
        suffixed = f"{path}{SUFFIXES[media_type]}" + url[len(path) :]
        compare(client, plain, suffixed, {})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Language": "es-MX,es;q=0.9"},
        {"Accept": "text/*;q=0.5, application/ld+json"},
        {"Accept": "image/png"},
        {"If-None-Match": "*"},
        {"If-None-Match": 'W/"nope", "also-nope"'},
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/v1/muscles/gluteus-maximus",
        "/v1/warnings?severity=stop",
        "/v1/self-tests/muscular-minesweeper/steps/3?variant=ball",
        "/v1/muscles?lang=es&lang=en",
        "/v1/muscles?lang=x_y",
        "/v1/nothing",
    ],
)
def test_negotiation_and_conditionals_match_the_app(
    client: TestClient, plain: TestClient, url: str, headers: dict[str, str]
) -> None:
    compare(client, plain, url, headers)


def test_etag_is_strong_and_revalidates(client: TestClient) -> None:
    first = client.get("/v1/self-tests/muscular-minesweeper")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["cache-control"] == ("public, max-age=300, stale-while-revalidate=86400")
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get("/v1/self-tests/muscular-minesweeper", headers={"If-None-Match": header})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    spanish = client.get("/v1/self-tests/muscular-minesweeper?lang=es").headers["etag"]
    assert spanish != etag


def test_head_is_headers_only(client: TestClient) -> None:
    same = {"X-Request-ID": "one"}
    get = client.get("/v1/guides.html", headers=same)
    head = client.head("/v1/guides.html", headers=same)
    assert head.content == b""
    assert head.headers.items() == get.headers.items()


def test_compiled_responses_need_nothing_else_at_request_time() -> None:
    app = create_app(Settings(content_dir=CONTENT))
    client = TestClient(app, raise_server_exceptions=False)
    before = client.get("/v1/self-tests/muscular-minesweeper.md?lang=es").content
    app.state.locales = {}  # what the routes would need: gone
    assert client.get("/v1/self-tests/muscular-minesweeper.md?lang=es").content == before
    assert client.get("/v1/warnings?kind=safety").status_code == 500


def test_filtered_answers_are_remembered_within_a_bound() -> None:
    app = create_app(Settings(content_dir=CONTENT))
    client = TestClient(app)
    table: Table = app.state.compiled
    first = client.get("/v1/warnings?severity=caution")
    assert ("/v1/warnings", "severity=caution", "application/json", "en") in table.memo
    assert client.get("/v1/warnings?severity=caution").content == first.content
    for index in range(table.memo_limit + 10):
        client.get(f"/v1/warnings?severity=stop&n={index}")
    assert len(table.memo) == table.memo_limit
