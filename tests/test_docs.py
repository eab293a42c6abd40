"""The API reference at /docs: served whole by Fascia, under a strict CSP, cached well, and
working in a real browser with no network but the server's: every operation listed, no console
error, and "Try it out" answered by the same origin."""

from __future__ import annotations

import gzip
import json
import re

import brotli  # type: ignore[import-untyped]
import pytest
import zstandard
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from api.routes.docs import DOCS_POLICY, IMMUTABLE
from tests.conftest import ROOT
from tests.spec import operations

pytestmark = pytest.mark.unit

SPEC = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))


def assets(client: TestClient) -> list[str]:
    return re.findall(r'(?:href|src)="(/docs/[^"]+)"', client.get("/docs").text)


def test_the_page_runs_no_inline_script_and_loads_only_its_own_files(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy == DOCS_POLICY
    assert "unsafe" not in policy
    assert "script-src 'self'" in policy
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert len(scripts) == 2
    assert all('src="/docs/' in attributes and body == "" for attributes, body in scripts)
    assert "<style" not in response.text
    assert " style=" not in response.text
    assert "http" not in response.text.replace('href="data:,"', "")  # no other origin named
    found = assets(client)
    assert len(found) == 4
    for asset in found:
        assert client.get(asset).status_code == 200, asset


def test_files_are_cached_for_a_year_under_names_that_change_with_them(
    client: TestClient,
) -> None:
    for asset in assets(client):
        response = client.get(asset)
        digest = asset.rsplit(".", 2)[1]
        assert len(digest) == 12, asset
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["content-type"].startswith(("text/javascript", "text/css"))
        assert response.headers["x-content-type-options"] == "nosniff"
        again = client.get(asset, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""
        head = client.head(asset)
        assert head.status_code == 200
        assert head.content == b""
    assert client.get("/docs/swagger-ui-bundle.000000000000.js").status_code == 404
    missing = client.get("/docs/nothing.js")
    assert missing.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_page_and_the_document_are_revalidated_with_etags(
    app: FastAPI, client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.headers["cache-control"] == app.state.page_cache_control
    again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == response.headers["etag"]
    assert "content-security-policy" not in again.headers


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
def test_the_page_its_assets_and_the_document_are_compressed(
    client: TestClient, coding: str
) -> None:
    page = client.get("/docs", headers={"Accept-Encoding": "identity"}).text
    assets = re.findall(r'(?:src|href)="(/docs/[^"]+)"', page)
    assert len(assets) >= 2
    small = client.get("/docs", headers={"Accept-Encoding": coding})
    assert "content-encoding" not in small.headers  # a small page gains nothing
    large = [path for path in assets if "swagger-ui" in path]  # the project's own are tiny
    assert len(large) == 2
    for path in ["/openapi.json", *large]:
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        with client.stream("GET", path, headers={"Accept-Encoding": coding}) as coded:
            raw = b"".join(coded.iter_raw())
            headers = coded.headers
        assert headers["content-encoding"] == coding, path
        assert headers["vary"] == "Accept-Encoding"
        assert len(raw) < len(plain.content) / 2, path
        assert DECODE[coding](raw) == plain.content, path
        assert headers["etag"] != plain.headers["etag"]
        again = client.get(
            path, headers={"Accept-Encoding": coding, "If-None-Match": headers["etag"]}
        )
        assert again.status_code == 304, path


DECODE = {
    "br": brotli.decompress,
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
    "gzip": gzip.decompress,
}


def test_the_gateway_still_polices_the_docs(client: TestClient) -> None:
    assert client.post("/docs").status_code == 405
    assert client.get("/docs", params={f"p{i}": "1" for i in range(20)}).status_code == 400
    metrics = client.get("/metrics").text
    assert 'route="/docs/{name}"' in metrics
    assert 'route="/docs"' in metrics


def open_docs(browser: Browser, base: str) -> tuple[Page, list[str], list[str]]:
    """The reference in a new page: (page, console errors and CSP violations, requests to
    any other origin, which are refused as they would be offline)."""
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def elsewhere(route: Route) -> None:
        foreign.append(route.request.url)
        route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith(base + "/"), elsewhere)
    # Injected by the debugger, so the page's CSP does not apply to it.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{base}/docs")
    assert response is not None
    assert response.status == 200
    return page, errors, foreign


@pytest.mark.browser
def test_every_operation_is_listed_with_no_error_and_nothing_from_elsewhere(
    browser: Browser, base: str
) -> None:
    page, errors, foreign = open_docs(browser, base)
    expected = {operation["operationId"] for _, operation in operations(SPEC)}
    assert len(expected) > 100
    expected |= {hook["post"]["operationId"] for hook in SPEC["webhooks"].values()}
    expect(page.locator(".opblock")).to_have_count(len(expected), timeout=20_000)
    ids = page.eval_on_selector_all(".opblock", "blocks => blocks.map(b => b.id)")
    assert {i.rsplit("-", 1)[1] for i in ids} == expected
    assert page.inner_text(".info .title").startswith("Fascia")
    assert errors == []
    assert foreign == []
    page.close()


@pytest.mark.browser
def test_try_it_out_calls_the_same_origin(browser: Browser, base: str) -> None:
    page, errors, foreign = open_docs(browser, base)
    block = page.locator("#operations-self-tests-getSelfTest")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator("tr[data-param-name='self_test_id'] input").fill("muscular-minesweeper")
    block.locator("tr[data-param-name='variant'] input").fill("partner")
    with page.expect_response(lambda r: "/v1/self-tests/" in r.url) as answered:
        block.get_by_role("button", name="Execute").click()
    response = answered.value
    assert response.url == f"{base}/v1/self-tests/muscular-minesweeper?variant=partner"
    assert response.status == 200
    assert response.json()["variants"][0]["id"] == "partner"
    shown = block.locator(".live-responses-table tr.response .response-col_status")
    assert shown.inner_text().strip() == "200"
    assert "muscular-minesweeper" in block.locator(".live-responses-table").inner_text()
    assert errors == []
    assert foreign == []
    page.close()
