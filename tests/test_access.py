"""API keys and quotas: off by default, one setting each to turn on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api import Settings, create_app
from api.edge.keys import new_key
from tests.conftest import BUNDLE, MakeClient, app_client

pytestmark = pytest.mark.unit

KEY, DIGEST = new_key()


@pytest.fixture(scope="module")
def keyed() -> Iterator[TestClient]:
    with app_client(api_key_digests=(DIGEST,)) as client:
        yield client


@pytest.mark.parametrize("path", ["/v1/muscles", "/v1/warnings?severity=stop", "/v1/nothing"])
@pytest.mark.parametrize(
    "key",
    [None, "", "fascia_wrong", KEY + "x"],
    ids=["no-header", "empty", "fascia_wrong", "the-key-and-more"],  # the same in every process
)
def test_v1_needs_a_valid_key(keyed: TestClient, path: str, key: str | None) -> None:
    headers = {"X-API-Key": key} if key is not None else {}
    response = keyed.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'ApiKey header="x-api-key"'


def test_right_key_is_let_through(keyed: TestClient) -> None:
    response = keyed.get("/v1/muscles/gluteus-maximus", headers={"X-API-Key": KEY})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
def test_health_and_the_reference_stay_open(keyed: TestClient, path: str) -> None:
    assert keyed.get(path).status_code == 200


SIDE_DOORS = [
    "/embed/self-tests/muscular-minesweeper",
    "/embed/self-tests/muscular-minesweeper/steps/2",
    "/v1/embed.js",
    "/v1/embed",
    "/oembed?url=http%3A%2F%2F127.0.0.1%3A8000%2Fv1%2Fself-tests%2Fmuscular-minesweeper",
    "/metrics",
]


@pytest.mark.parametrize("path", SIDE_DOORS)
def test_no_side_doors_with_keys_on(keyed: TestClient, path: str) -> None:
    """The pages, script and oEmbed that show the content, and the metrics, need a key too."""
    refused = keyed.get(path)
    assert refused.status_code == 401, path
    assert refused.headers["content-type"] == "application/problem+json"
    assert keyed.get(path, headers={"X-API-Key": KEY}).status_code == 200, path


@pytest.mark.parametrize("path", SIDE_DOORS[:-1])
def test_embeds_can_be_made_public_on_purpose(make_client: MakeClient, path: str) -> None:
    client = make_client(api_key_digests=(DIGEST,), public_embeds=True)
    assert client.get(path).status_code == 200, path
    assert client.get("/v1/self-tests/muscular-minesweeper").status_code == 401
    assert client.get("/metrics").status_code == 401


def test_metrics_behind_a_bearer_token(make_client: MakeClient) -> None:
    token = "scraper-secret-token"
    digest = hashlib.sha256(token.encode()).hexdigest()
    client = make_client(metrics_token=digest)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {token}"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="metrics"'
    answered = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answered.status_code == 200
    assert b"fascia_requests_total" in answered.content


def test_preflight_needs_no_key(keyed: TestClient) -> None:
    preflight = {"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}
    assert keyed.options("/v1/muscles", headers=preflight).status_code == 204


def test_digests_must_be_sha256() -> None:
    with pytest.raises(ValidationError, match="SHA-256"):
        Settings(api_key_digests=("not-a-digest",))


def test_quota_per_client_with_headers(make_client: MakeClient) -> None:
    client = make_client(rate_limit="3/minute")
    answers = [client.get("/v1/muscles") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["ratelimit-policy"] == '"default";q=3;w=60'
    assert answers[1].headers["ratelimit"].startswith('"default";r=1;t=')
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("address", "counted"),
    [("8.8.8.8", True), ("2001:4860::8888", True), ("127.0.0.1", False), ("10.1.2.3", False)],
)
def test_anonymous_traffic_has_a_quota_per_public_address_by_default(
    address: str, counted: bool
) -> None:
    """Keys off and no quota set: each public address is counted (a proxy's loopback or private
    address is not: its clients cannot be told apart)."""
    app = create_app(Settings(bundle=BUNDLE, anonymous_rate_limit="3/minute"))
    with TestClient(app, client=(address, 50_000)) as client:
        answers = [client.get("/v1/muscles") for _ in range(4)]
        statuses = [a.status_code for a in answers]
        assert statuses == ([200, 200, 200, 429] if counted else [200] * 4)
        assert ("ratelimit-policy" in answers[0].headers) is counted
        assert client.get("/healthz").status_code == 200  # the API only
    assert Settings().anonymous_rate_limit == "6000/minute"  # the default


@pytest.mark.parametrize(
    "settings",
    [{"anonymous_rate_limit": ""}, {"api_key_digests": (DIGEST,)}, {"rate_limit": "5/minute"}],
)
def test_the_anonymous_quota_is_off_when_asked_or_when_keys_or_a_quota_are_on(
    settings: dict[str, Any],
) -> None:
    app = create_app(Settings(**{"bundle": BUNDLE, "anonymous_rate_limit": "2/minute", **settings}))
    headers = {"X-API-Key": KEY}
    with TestClient(app, client=("8.8.8.8", 50_000)) as client:
        statuses = [client.get("/v1/muscles", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


def test_quota_is_counted_per_key(make_client: MakeClient) -> None:
    other_key, other_digest = new_key()
    client = make_client(api_key_digests=(DIGEST, other_digest), rate_limit="2/minute")
    first = [client.get("/v1", headers={"X-API-Key": KEY}).status_code for _ in range(3)]
    second = client.get("/v1", headers={"X-API-Key": other_key}).status_code
    assert (first, second) == ([200, 200, 429], 200)


def content_examples(document: dict[str, Any]) -> list[str]:
    found = []
    for path, item in document["paths"].items():
        for status, response in item["get"]["responses"].items():
            for media_type, media in response.get("content", {}).items():
                if "example" in media:
                    found.append(f"{path} {status} {media_type}")
    for name, response in document["components"]["responses"].items():
        for media_type, media in response.get("content", {}).items():
            if "example" in media and media_type != "application/problem+json":
                found.append(f"{name} {media_type}")
    return found


def test_with_keys_on_the_open_document_carries_no_content(
    keyed: TestClient, make_client: MakeClient
) -> None:
    """The document is open to anyone; with keys on, it shows no answer cut from the content."""
    assert len(content_examples(make_client().get("/openapi.json").json())) > 30
    document = keyed.get("/openapi.json").json()
    assert content_examples(document) == []
    assert (
        "example"
        in document["components"]["responses"]["NotFound"]["content"]["application/problem+json"]
    )
