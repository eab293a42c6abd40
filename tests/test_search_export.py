"""Search across the content, and the export of everything at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("query", "lang", "first"),
    [
        ("sciatic nerve", "en", ("landmarks", "sciatic-nerve")),
        ("tingling burning leg", "en", ("warnings", "sciatic-nerve-electric-sensation")),
        ("ciatico", "es", ("landmarks", "sciatic-nerve")),
        ("GLUTEUS MAXIMUS", "en", ("muscles", "gluteus-maximus")),
    ],
)
def test_search_finds_the_best_match_first(
    client: TestClient, query: str, lang: str, first: tuple[str, str]
) -> None:
    body = client.get("/v1/search", params={"q": query, "lang": lang}).json()
    assert (body["items"][0]["kind"], body["items"][0]["id"]) == first
    assert body["count"] == len(body["items"])
    assert body["query"] == query
    assert all(item["href"].startswith("/v1/") for item in body["items"])


@pytest.mark.parametrize("query", ["sciatic zebra", "techniques", "regions", "sources"])
def test_search_needs_every_word_in_the_item(client: TestClient, query: str) -> None:
    """No item holds these words, though some are the names of collections."""
    assert client.get("/v1/search", params={"q": query}).json()["items"] == []


def test_search_by_kind(client: TestClient) -> None:
    items = client.get("/v1/search", params={"q": "pressure", "kind": "warnings"}).json()["items"]
    assert items
    assert {item["kind"] for item in items} == {"warnings"}


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 101}, {"q": "a", "kind": "x"}])
def test_bad_searches_are_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_export_holds_every_item_of_the_locale(client: TestClient) -> None:
    export = client.get("/v1/export?lang=es").json()
    assert export["locale"] == "es"
    for kind in ("guides", "muscles", "warnings", "self_tests", "sources"):
        collection = client.get(f"/v1/{kind.replace('_', '-')}?lang=es").json()
        assert export[kind] == collection["items"]
    assert export["content_version"] == client.get("/readyz").json()["content_version"]


def test_export_is_cached_and_revalidates(client: TestClient) -> None:
    etag = client.get("/v1/export.md").headers["etag"]
    assert client.get("/v1/export.md", headers={"If-None-Match": etag}).status_code == 304
