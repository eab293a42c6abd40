"""HTTP surface: every path answers, errors share one problem+json shape, HEAD mirrors GET."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ORIGIN

pytestmark = pytest.mark.unit

ITEM_PATHS = [
    "/v1/guides/glutes-and-low-back-pain",
    "/v1/muscles/gluteus-maximus",
    "/v1/actions/hip-extension",
    "/v1/landmarks/sciatic-nerve",
    "/v1/conditions/low-back-pain",
    "/v1/techniques/hook-and-push",
    "/v1/self-tests/muscular-minesweeper",
    "/v1/self-tests/muscular-minesweeper/steps/5",
    "/v1/warnings/sciatic-nerve-electric-sensation",
    "/v1/sources/a-real-pain-in-the-butt",
]
COLLECTION_PATHS = [
    "/v1/guides",
    "/v1/muscles",
    "/v1/actions",
    "/v1/landmarks",
    "/v1/conditions",
    "/v1/techniques",
    "/v1/self-tests",
    "/v1/self-tests/muscular-minesweeper/steps",
    "/v1/warnings",
    "/v1/sources",
]
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


@pytest.mark.parametrize("path", ITEM_PATHS)
def test_item_has_id_and_self_link(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["links"]["self"].split("?")[0] == path
    assert path.endswith(str(body.get("id", body.get("number"))))


@pytest.mark.parametrize("path", COLLECTION_PATHS)
def test_collection_lists_items_with_links(client: TestClient, path: str) -> None:
    body = client.get(path).json()
    assert body["count"] == len(body["items"]) > 0
    assert body["links"] == {"self": ORIGIN + path}  # a page names itself absolutely
    assert all(item["links"]["self"].startswith(path) for item in body["items"])


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/v1/muscles/gluteus-maximum", 404, "no muscle with id 'gluteus-maximum'"),
        ("/v1/self-tests/muscular-minesweeper/steps/10", 404, "numbered 1 to 9"),
        ("/v1/self-tests/muscular-minesweeper?variant=kettlebell", 404, "'kettlebell'"),
        ("/v1/muscles?action=flying", 404, "query parameter 'action'"),
        ("/v1/nothing-here", 404, "Start at /v1"),
        ("/v1/muscles/Not_A_Slug", 422, "path.muscle_id"),
        ("/v1/self-tests/muscular-minesweeper/steps/0", 422, "path.number"),
        ("/v1/self-tests/muscular-minesweeper/steps/two", 422, "path.number"),
        ("/v1/warnings?severity=urgent", 422, "query.severity"),
        ("/v1/landmarks?avoid_pressure=maybe", 422, "query.avoid_pressure"),
    ],
)
def test_errors_are_problem_json(client: TestClient, path: str, status: int, detail: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert (body["status"], body["instance"]) == (status, path.split("?", maxsplit=1)[0])
    assert detail in body["detail"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_405_with_allow(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/muscles/gluteus-maximus")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/v1", "/healthz", "/readyz", *ITEM_PATHS, *COLLECTION_PATHS])
def test_head_matches_get_without_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]


def test_index_links_every_collection(client: TestClient) -> None:
    body = client.get("/v1").json()
    for href in body["collections"].values():
        assert client.get(href).status_code == 200
    assert body["locale"] == "en"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "content_version": None}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["content_version"] == client.get("/v1").json()["content_version"]


@pytest.mark.parametrize(
    ("path", "expected_ids"),
    [
        ("/v1/muscles?action=hip-abduction", ["gluteus-medius", "gluteus-minimus"]),
        ("/v1/landmarks?diagram_colour=green", ["iliac-crest", "sacrum", "sit-bone"]),
        ("/v1/landmarks?avoid_pressure=true", ["sciatic-nerve", "sciatic-no-press-zone"]),
        ("/v1/warnings?kind=disclaimer", ["disclaimer"]),
        ("/v1/self-tests?condition=low-back-pain", ["muscular-minesweeper"]),
    ],
)
def test_filters(client: TestClient, path: str, expected_ids: list[str]) -> None:
    items = client.get(path).json()["items"]
    assert [item["id"] for item in items] == expected_ids


def test_actions_by_muscle_are_the_muscles_actions(client: TestClient) -> None:
    listed = client.get("/v1/actions?muscle=gluteus-maximus").json()["items"]
    muscle = client.get("/v1/muscles/gluteus-maximus").json()
    assert [a["id"] for a in listed] == [a["id"] for a in muscle["actions"]]
    assert all("gluteus-maximus" in action["muscle_ids"] for action in listed)


def test_warnings_by_severity_only_have_that_severity(client: TestClient) -> None:
    for severity in ("info", "caution", "stop"):
        items = client.get(f"/v1/warnings?severity={severity}").json()["items"]
        assert items
        assert {item["severity"] for item in items} == {severity}


def test_warnings_are_ordered_stop_first(client: TestClient) -> None:
    severities = [w["severity"] for w in client.get("/v1/warnings").json()["items"]]
    rank = {"stop": 0, "caution": 1, "info": 2}
    assert severities == sorted(severities, key=rank.__getitem__)


def test_steps_by_variant(client: TestClient) -> None:
    path = "/v1/self-tests/muscular-minesweeper/steps"
    partner = client.get(f"{path}?variant=partner").json()["items"]
    ball = client.get(f"{path}?variant=ball").json()["items"]
    every = client.get(path).json()["items"]
    assert [s["number"] for s in partner] == list(range(1, 10))
    assert {s["variant_id"] for s in ball} == {"ball"}
    assert len(every) == len(partner) + len(ball)


def test_step_without_variant_uses_default(client: TestClient) -> None:
    step = client.get("/v1/self-tests/muscular-minesweeper/steps/1").json()
    assert step["variant_id"] == "partner"
    ball = client.get("/v1/self-tests/muscular-minesweeper/steps/1?variant=ball").json()
    assert ball["variant_id"] == "ball"


@pytest.mark.parametrize(
    ("path", "location"),
    [("/v1/muscles/", "/v1/muscles"), ("/v1/muscles/?lang=es", "/v1/muscles?lang=es")],
)
def test_a_trailing_slash_redirects_relatively_whatever_the_host(
    client: TestClient, path: str, location: str
) -> None:
    """The Location never names the Host the request sent: anyone can send any Host."""
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == location
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get(path).status_code == 200
