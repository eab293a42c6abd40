"""Handouts in a real browser: every HTML page of the real content, in headless Chromium.

A page must load with no console error (a blocked stylesheet or any Content-Security-Policy
violation is one), with its stylesheet applied and its language set, and axe-core (npm, pinned
in package.json) must find no accessibility violation in it. Chromium is Debian's (``make test``
installs it and axe-core); Playwright drives it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from api.cache import content_paths
from api.store import Store
from tests.conftest import BUNDLE
from tests.servers import ROOT, fascia, free_port

LOCALES = ("en", "es")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def html_pages() -> list[str]:
    """Every content path with a query the page needs (variants), as the static export has."""
    return [f"{path}?{query}" if query else path for path, query in content_paths(Store(BUNDLE))]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    port = free_port()
    with fascia(port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def axe() -> str:
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm ci)"
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe: str) -> list[str]:
    """What axe-core finds wrong (run through the debugger, so the page's CSP does not apply)."""
    page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:80]})" for v in result["violations"]]


def visit(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    assert response.headers["content-type"] == "text/html; charset=utf-8", url
    return page, errors


@pytest.mark.parametrize("locale", LOCALES)
def test_every_handout_loads_styled_and_accessible_without_errors(
    browser: Browser, base: str, axe: str, locale: str
) -> None:
    pages = html_pages()
    assert len(pages) > 60
    for path in pages:
        url = f"{base}{_html(path)}"
        page, errors = visit(browser, url + ("&" if "?" in url else "?") + f"lang={locale}")
        assert errors == [], path
        assert page.evaluate("document.documentElement.lang") == locale, path
        # The stylesheet is applied: without it, a page is as wide as the window.
        assert page.evaluate("getComputedStyle(document.body).maxWidth") == "736px", path
        assert violations(page, axe) == [], path
        page.close()


def test_axe_finds_what_is_wrong_in_a_bad_page(browser: Browser, axe: str) -> None:
    """The accessibility check can fail: a page without language, title or alt text does."""
    page = browser.new_page()
    page.set_content("<html><body><img src='x.png'><p>text</p></body></html>")
    found = {problem.split(":")[0] for problem in violations(page, axe)}
    page.close()
    assert {"html-has-lang", "document-title", "image-alt"} <= found


def _html(path: str) -> str:
    """The path with the .html suffix (before any query)."""
    stem, _, query = path.partition("?")
    return f"{stem}.html" + (f"?{query}" if query else "")
