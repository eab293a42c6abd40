"""The self-test's FHIR Questionnaire in LHC-Forms (the NLM's form renderer, pinned in
package.json), in Chromium: the rule "any yes means stop" is computed by the form itself. Before
any answer neither outcome shows; a yes to any one question shows that question's advice and the
STOP outcome; no to every question shows the outcome that allows step 1, and not the STOP one."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page

from api.bundle.labels import labels_for
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

LFORMS = ROOT / "node_modules" / "lforms" / "dist" / "lforms"
# The files LHC-Forms' README lists for a page: the web component, then FHIR support.
PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
<script src="/lforms/fhir/lformsFHIRAll.min.js" defer></script>
</head><body><div id="form"></div></body></html>
"""


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """LHC-Forms served from 127.0.0.1 (its scripts are modules: not from file://)."""
    assert LFORMS.is_dir(), "LHC-Forms is missing: `make test` installs it (npm ci)"
    root = tmp_path_factory.mktemp("lforms")
    (root / "lforms").symlink_to(LFORMS)
    for lang in ("en", "es"):
        (root / f"{lang}.html").write_text(PAGE.format(lang=lang), encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def form(browser: Browser, renderer: str, questionnaire: dict[str, object], lang: str) -> Page:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{renderer}/{lang}.html")
    page.wait_for_function("window.LForms?.Util?.addFormToPage && window.LForms.FHIR")
    added = page.evaluate(
        "(q) => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'}).then(() => 'added')",
        questionnaire,
    )
    assert added == "added"
    return page


def radios(page: Page, answer: str) -> list[Locator]:
    found = page.get_by_role("radio", name=answer, exact=True)
    return [found.nth(i) for i in range(found.count())]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_lhc_forms_computes_stop_on_any_yes_and_go_on_all_no(
    browser: Browser, base: str, renderer: str, lang: str
) -> None:
    url = f"{base}/v1/self-tests/muscular-minesweeper.fhir?lang={lang}"
    with urllib.request.urlopen(url) as answer:
        questionnaire = json.load(answer)
    questions = [
        item
        for group in questionnaire["item"]
        for item in group.get("item", [])
        if item["type"] == "boolean"
    ]
    labels = labels_for(lang)
    stop, go = labels["fhir.outcome_stop"], labels["fhir.outcome_go"]
    page = form(browser, renderer, questionnaire, lang)
    yes, no = radios(page, "Yes"), radios(page, "No")  # LHC-Forms' own words for a boolean
    assert len(yes) == len(no) == len(questions) > 30
    shown = page.inner_text("#form")
    assert stop not in shown
    assert go not in shown
    # A yes to one question in the middle (a contraindication): its advice and STOP.
    middle = len(questions) - 3
    yes[middle].click()
    advice = next(
        item["text"]
        for group in questionnaire["item"]
        for item in group.get("item", [])
        if item["linkId"] == f"{questions[middle]['linkId']}.if-yes"
    )
    page.get_by_text(stop, exact=True).wait_for()
    shown = " ".join(page.inner_text("#form").split())
    assert go not in shown
    assert " ".join(advice.split()) in shown
    # No to every question: the go outcome, and no STOP.
    for radio in no:
        radio.click()
    page.get_by_text(go, exact=True).wait_for()
    assert stop not in page.inner_text("#form")
    page.close()
