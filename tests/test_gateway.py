"""Hostile input at the edge: methods, CORS, security headers, size limits, request ids."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import MakeClient

pytestmark = pytest.mark.unit

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"])
@pytest.mark.parametrize("path", ["/v1/muscles", "/v1/no-such-thing", "/healthz", "/"])
def test_only_reads_are_allowed_everywhere(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["content-type"] == PROBLEM
    assert method in response.json()["detail"]


def test_cors_preflight_is_answered(client: TestClient) -> None:
    response = client.options(
        "/v1/muscles",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "X-API-Key" in response.headers["access-control-allow-headers"]


def test_any_origin_may_read_by_default(client: TestClient) -> None:
    response = client.get("/v1/muscles", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]


def test_configured_origins_only(make_client: MakeClient) -> None:
    client = make_client(cors_origins=("https://good.example",))
    good = client.get("/v1/muscles", headers={"Origin": "https://good.example"})
    bad = client.get("/v1/muscles", headers={"Origin": "https://bad.example"})
    assert good.headers["access-control-allow-origin"] == "https://good.example"
    assert "access-control-allow-origin" not in bad.headers
    assert "Origin" in good.headers["vary"]


@pytest.mark.parametrize(
    ("path", "csp_part"),
    [
        ("/v1/self-tests/muscular-minesweeper.html", "style-src 'sha256-"),
        ("/v1/muscles", "default-src 'none'"),
        ("/v1/muscles/nope", "default-src 'none'"),
        ("/healthz", "default-src 'none'"),
        ("/openapi.json", "default-src 'none'"),
    ],
)
def test_security_headers_on_every_response(client: TestClient, path: str, csp_part: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert csp_part in response.headers["content-security-policy"]


def test_security_headers_on_refusals_and_mcp(make_client: MakeClient) -> None:
    """The gateway's refusals and /mcp carry them too: the layer is outermost."""
    keyed = make_client(api_key_digests="0" * 64)
    answers = [
        keyed.get("/v1/muscles"),  # 401: no key
        keyed.get("/v1/" + "x" * 9000),  # 414
        keyed.post("/mcp", content=b"{}", headers={"content-type": "application/json"}),
    ]
    assert [a.status_code for a in answers][:2] == [401, 414]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.status_code
        assert "content-security-policy" in answer.headers


def test_html_policy_allows_exactly_the_page_style(client: TestClient) -> None:
    page = client.get("/v1/muscles.html")
    policy = page.headers["content-security-policy"]
    assert "script-src" not in policy
    assert "'unsafe-inline'" not in policy


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        ("/v1/muscles?" + "a=" + "x" * 5000, {}, 414),
        ("/v1/muscles?" + "&".join(f"p{i}=1" for i in range(20)), {}, 400),
        ("/v1/warnings?severity=stop&severity=info", {}, 400),
        ("/v1/muscles?page_size=1&page%5Fsize=1000", {}, 400),  # the same name, encoded
        ("/v1/muscles", {f"X-Filler-{i}": "y" for i in range(70)}, 431),
        ("/v1/muscles", {"X-Big": "z" * 20_000}, 431),
    ],
)
def test_oversized_requests_get_a_clear_4xx(
    client: TestClient, url: str, headers: dict[str, str], status: int
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status


@pytest.mark.parametrize(
    ("headers", "content_type"),
    [
        ({"Accept": ";;;,,,q=9"}, "application/json"),  # nothing parses: the default
        ({"Accept": "*/*;q=NaN"}, "application/json"),
        ({"Accept-Language": "-,;q=,*;q=x"}, "application/json"),
        ({"If-None-Match": 'W/"unterminated'}, "application/json"),  # matches nothing: a 200
        ({"If-None-Match": ",,,"}, "application/json"),
        ({"Accept": "text/html;level=1;q=0.5;q=0.9"}, "text/html; charset=utf-8"),
    ],
)
def test_malformed_negotiation_headers_fall_back_sanely(
    client: TestClient, headers: dict[str, str], content_type: str
) -> None:
    response = client.get("/v1/muscles/gluteus-maximus", headers=headers)
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)
    assert response.headers["content-language"] == "en"


def test_request_id_is_honoured_or_made(client: TestClient) -> None:
    given = client.get("/v1", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/v1", headers={"X-Request-ID": "bad id\twith spaces"})
    assert made.headers["x-request-id"] != "bad id\twith spaces"
    other = client.get("/v1", headers={"X-Request-ID": ""})
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]+", made.headers["x-request-id"])
    assert other.headers["x-request-id"] != made.headers["x-request-id"]
    failed = client.get("/v1/nothing")
    assert failed.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/v1/self-tests/muscular-minesweeper.html", "/v1/muscles.html"])
def test_the_pages_stylesheet_is_the_one_its_policy_allows(client: TestClient, path: str) -> None:
    """A browser applies an inline stylesheet only if its exact text has the policy's hash."""
    response = client.get(path)
    sheets = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
    assert len(sheets) == 1
    digest = base64.b64encode(hashlib.sha256(sheets[0].encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    (styles,) = [part for part in policy.split("; ") if part.startswith("style-src ")]
    assert f"'sha256-{digest}'" in styles.split()
