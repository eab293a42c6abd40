"""Paging: every collection, search and the export come a page at a time, with a next link."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.content.kinds import COLLECTIONS
from tests.conftest import ORIGIN

pytestmark = pytest.mark.unit


def follow(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every page from ``url`` on, following links.next; checks each page's Link header."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        pages.append(body)
        url = body["links"].get("next", "")
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
        else:
            assert "link" not in response.headers
    return pages


@pytest.mark.parametrize(
    "url",
    [
        "/v1/warnings",
        "/v1/warnings?severity=stop",
        "/v1/actions?muscle=gluteus-maximus",
        "/v1/landmarks",
        "/v1/self-tests/muscular-minesweeper/steps",
        "/v1/self-tests/muscular-minesweeper/steps?variant=ball",
        "/v1/search?q=pressure",
        "/v1/regions",
        "/v1/locales",
    ],
)
@pytest.mark.parametrize("size", [1, 2, 5])
def test_pages_add_up_to_the_whole_collection_in_order(
    client: TestClient, url: str, size: int
) -> None:
    whole = client.get(url).json()
    joiner = "&" if "?" in url else "?"
    pages = follow(client, f"{url}{joiner}page_size={size}")
    items = [item for page in pages for item in page["items"]]
    assert items == whole["items"]
    assert all(page["count"] == len(page["items"]) <= size for page in pages)
    assert len(pages) == max(1, -(-len(whole["items"]) // size))


def test_a_collection_that_fits_one_page_has_no_next_link(client: TestClient) -> None:
    response = client.get("/v1/warnings")
    assert response.json()["links"] == {"self": ORIGIN + "/v1/warnings"}
    assert "link" not in response.headers


def test_next_links_keep_the_filters_and_leave_out_the_language(client: TestClient) -> None:
    body = client.get("/v1/warnings?severity=stop&page_size=2&lang=es").json()
    assert body["links"]["next"].startswith(
        ORIGIN + "/v1/warnings?page_size=2&severity=stop&cursor="
    )
    second = client.get(body["links"]["next"] + "&lang=es").json()
    assert {item["severity"] for item in second["items"]} == {"stop"}
    assert second["items"][0]["translation"]["locale"] == "es"


@pytest.mark.parametrize("size", [10, 50])
def test_the_export_comes_a_page_at_a_time_kind_after_kind(client: TestClient, size: int) -> None:
    whole = client.get("/v1/export").json()
    pages = follow(client, f"/v1/export?page_size={size}")
    for name in COLLECTIONS:
        field = name.replace("-", "_")
        assert [i for page in pages for i in page[field]] == whole[field], name
    assert all(sum(len(page[n.replace("-", "_")]) for n in COLLECTIONS) <= size for page in pages)
    assert {page["content_version"] for page in pages} == {whole["content_version"]}


@pytest.mark.parametrize(
    "query", ["page_size=0", "page_size=1001", "page_size=x", "cursor=abc", "cursor=-1"]
)
def test_bad_paging_parameters_are_422_naming_them(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/muscles?{query}")
    assert response.status_code == 422
    name = query.partition("=")[0]
    assert response.json()["invalid_params"][0]["name"] == f"query.{name}"


@pytest.mark.parametrize("suffix", [".json", ".md", ".html"])
def test_a_suffix_urls_next_page_keeps_its_representation(client: TestClient, suffix: str) -> None:
    response = client.get(f"/v1/warnings{suffix}?page_size=2")
    next_page = response.headers["link"].split(">")[0].lstrip("<")
    assert next_page.startswith(f"{ORIGIN}/v1/warnings{suffix}?page_size=2&cursor=")
    assert client.get(next_page).headers["content-type"] == response.headers["content-type"]
    if suffix != ".json":  # handouts say that more pages follow, and where
        assert next_page.replace("&", "&amp;" if suffix == ".html" else "&") in response.text


def test_a_cursor_past_the_end_is_an_empty_last_page(client: TestClient) -> None:
    body = client.get("/v1/muscles?cursor=999999").json()
    assert (body["items"], body["count"]) == ([], 0)
    assert "next" not in body["links"]


def test_the_largest_page_size_is_accepted(client: TestClient) -> None:
    assert client.get("/v1/muscles?page_size=1000").status_code == 200


def test_links_are_built_from_the_parsed_query_never_the_raw_one(client: TestClient) -> None:
    """A crafted search cannot make the next link, or the Markdown handout's, leave the host:
    raw, ``q=glute>,<//evil.example/`` would close the Link target and open one elsewhere."""
    query = "q=glute>,<//evil.example/&page_size=1"
    response = client.get(f"/v1/search?{query.replace('evil.example/', '')}")
    assert response.status_code == 200
    link = response.headers["link"]
    assert link.startswith(f"<{ORIGIN}/v1/search?page_size=1&q=glute%3E%2C%3C%2F%2F&cursor=")
    assert link.count("<") == 1
    assert link.count(">") == 1
    self_link = ORIGIN + "/v1/search?page_size=1&q=glute%3E%2C%3C%2F%2F"
    assert response.json()["links"]["self"] == self_link
    markdown = client.get(f"/v1/search.md?{query}").text
    assert "evil.example" not in markdown.replace("evil.example%2F", "")
    assert "<//" not in markdown


def test_equal_queries_share_one_answer(client: TestClient) -> None:
    """Whole numbers are compared as numbers, parameters in any order: one cache entry."""
    answers = [
        client.get(f"/v1/warnings?{query}")
        for query in ("page_size=2&severity=stop", "severity=stop&page_size=002")
    ]
    assert answers[0].content == answers[1].content
    assert answers[0].headers["etag"] == answers[1].headers["etag"]
    assert answers[0].json()["links"]["self"] == ORIGIN + "/v1/warnings?page_size=2&severity=stop"


SHARED = "fbclid=IwAR0abc&utm_source=newsletter&utm_medium=email&gclid=x1&_=1733000000"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/self-tests/muscular-minesweeper.html", {}),
        ("/v1/self-tests/muscular-minesweeper", {"Accept": "text/html"}),
        ("/v1/warnings.html", {}),
        ("/embed/self-tests/muscular-minesweeper/steps/2", {}),
    ],
)
def test_shared_links_to_pages_for_people_work(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    """A link clicked in a post or a newsletter carries tracking parameters: a page for people
    ignores them, canonical links and all."""
    plain = client.get(path, headers=headers)
    shared = client.get(f"{path}?{SHARED}", headers=headers)
    assert shared.status_code == 200
    assert shared.content == plain.content
    assert "fbclid" not in shared.text
    assert "utm_" not in shared.text


@pytest.mark.parametrize("path", ["/v1/self-tests/muscular-minesweeper", "/v1/warnings.md"])
def test_api_representations_still_refuse_unknown_parameters(client: TestClient, path: str) -> None:
    refused = client.get(f"{path}?fbclid=IwAR0abc")
    assert refused.status_code == 400
    assert "fbclid" in refused.json()["detail"]


@pytest.mark.parametrize("size", [1, 7, 99, 1000 - 1])
def test_the_export_comes_in_a_few_page_sizes_only(client: TestClient, size: int) -> None:
    """Each export page is large and rendered on a miss: a few sizes, each cached, rather than
    a thousand a client could ask for one after another."""
    response = client.get(f"/v1/export?page_size={size}")
    assert response.status_code == 422
    assert "10, 50, 100, 500, 1000" in response.json()["detail"]
