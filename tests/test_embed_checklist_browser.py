"""The screening as a checklist, in Chromium at a phone's width (390 px): the web component on
another origin and the /embed page, by keyboard only. Each question in the API's order, a yes
to an emergency shows what to do and keeps the steps hidden, no to every question shows step 1,
the outcome is announced; axe finds nothing wrong at each stage. Without script, and in print,
the /embed page shows every question and what a yes means."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from api.bundle.labels import labels_for
from tests.test_browser import axe, violations
from tests.test_embed_browser import READABLE, host, host_page, rendered

pytestmark = pytest.mark.browser

__all__ = ["axe", "host"]  # fixtures shared with test_browser and test_embed_browser

SELF_TEST = "muscular-minesweeper"
PHONE = {"width": 390, "height": 844}
COMPONENT = "document.querySelector('fascia-self-test').shadowRoot"
PAGE = "document"
# Where the keyboard focus is, inside shadow roots too: the question it is in, and its answer.
FOCUSED = """(() => {
  let node = document.activeElement;
  while (node?.shadowRoot?.activeElement) node = node.shadowRoot.activeElement;
  const question = node?.closest?.("fieldset.question");
  return question ? [question.dataset.question, node.value] : null;
})()"""
# Whether an element is rendered (not inside a hidden part).
SHOWN = "(node) => node.checkVisibility()"


def served(base: str, lang: str = "en") -> dict[str, Any]:
    url = f"{base}/v1/self-tests/{SELF_TEST}?variant=partner&lang={lang}"
    # The component asks with the browser's languages, whose region chooses the care advice.
    request = urllib.request.Request(url, headers={"Accept-Language": "en-US"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        result: dict[str, Any] = json.load(answer)
    return result


def order_of(self_test: dict[str, Any]) -> list[str]:
    """The questions in the order the API serves them."""
    return [q["warning_id"] for q in (*self_test["screening"], *self_test["contraindications"])]


def component(browser: Browser, host: tuple[str, Path], base: str, width: int = 390) -> Page:
    tag = f'<fascia-self-test self-test="{SELF_TEST}" variant="partner" lang="en">'
    page, errors = host_page(browser, host, base, tag + "</fascia-self-test>")
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    rendered(page, "fascia-self-test", ".outcome")
    assert errors == []
    return page


def embed_page(browser: Browser, base: str, script: bool = True) -> Page:
    context = browser.new_context(viewport=PHONE, java_script_enabled=script)
    page = context.new_page()
    errors: list[str] = []
    # The browser asks for /favicon.ico by itself; Fascia has none, and says so (404).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(f"{base}/embed/self-tests/{SELF_TEST}?variant=partner&lang=en")
    if script:
        page.wait_for_function("document.querySelector('.outcome')")
    page.wait_for_load_state("load")
    assert errors == []
    return page


def outcome(page: Page, root: str) -> str:
    text: str = page.evaluate(f"{root}.querySelector('[aria-live=polite].outcome').textContent")
    return text


def shown(page: Page, root: str, selector: str) -> bool:
    handle = page.evaluate_handle(f"{root}.querySelector({selector!r})")
    return bool(page.evaluate(SHOWN, handle))


def walk_the_checklist(page: Page, root: str, gate: str, steps: str, base: str, axe: str) -> None:
    """By keyboard: Tab to the first question, yes (Space) to it, an emergency: its action
    shows, the steps do not; then no (an arrow key) to it and to every other question, Tab by
    Tab in the API's order: the steps and step 1 show. The live region says each outcome."""
    self_test = served(base)
    expected = order_of(self_test)
    first = self_test["screening"][0]
    assert first["care"]["urgency"] == "emergency"
    labels = labels_for("en")
    assert violations(page, axe) == [], "before answering"
    assert not shown(page, root, steps)
    said = [outcome(page, root)]
    assert said[0] == labels["embed.answered"].format(answered=0, total=len(expected))
    page.keyboard.press("Tab")
    while page.evaluate(FOCUSED) is None:
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == [expected[0], "yes"]
    page.keyboard.press("Space")
    said.append(outcome(page, root))
    assert said[-1] == labels["embed.stopped"]
    answer = page.evaluate_handle(f"{root}.querySelector('fieldset.question .if-yes .warning')")
    assert page.evaluate(READABLE, answer), "what a yes to an emergency means"
    text = " ".join(page.evaluate("(node) => node.textContent", answer).split())
    assert f"{labels['if_yes']}: {first['if_yes']} {first['care']['advice']}" in text
    assert not shown(page, root, gate)
    assert not shown(page, root, steps)
    assert violations(page, axe) == [], "after a yes"
    # No to it, then Tab by Tab to each other question, in the API's order, answering no.
    visited = []
    for number in range(len(expected)):
        if number:
            page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        visited.append(focused[0])
        page.keyboard.press("ArrowRight")  # moves to No, and checks it
        assert page.evaluate(FOCUSED) == [focused[0], "no"]
        if number == 0:
            said.append(outcome(page, root))
            assert not shown(page, root, "fieldset.question .if-yes")
    assert visited == expected
    said.append(outcome(page, root))
    assert said[-1] == labels["embed.clear"]
    assert said[-2] == labels["embed.answered"].format(answered=1, total=len(expected))
    assert len(set(said)) == 4
    assert shown(page, root, gate)
    assert shown(page, root, steps)
    assert violations(page, axe) == [], "after no to all"


def test_the_component_is_a_checklist_operable_by_keyboard(
    browser: Browser, host: tuple[str, Path], base: str, axe: str
) -> None:
    page = component(browser, host, base)
    walk_the_checklist(page, COMPONENT, ".gate", ".current .step", base, axe)
    title = page.evaluate(f"{COMPONENT}.querySelector('.current h3').textContent")
    assert title.startswith("1. ")
    page.close()


def test_the_embed_page_is_the_same_checklist(browser: Browser, base: str, axe: str) -> None:
    page = embed_page(browser, base)
    walk_the_checklist(page, PAGE, "[data-fascia-gate]", "[data-fascia-gate] ol li", base, axe)
    first_step = page.evaluate(
        "document.querySelector('[data-fascia-gate] ol li strong').textContent"
    )
    assert first_step == served(base)["variants"][0]["steps"][0]["title"]
    page.context.close()


def test_the_draft_notice_is_still_first_on_the_embed_page(browser: Browser, base: str) -> None:
    page = embed_page(browser, base)
    first = page.evaluate("document.querySelector('main').firstElementChild.className")
    assert first == "draft"
    page.context.close()


# Measured in this Chromium: before the checklist the component was 14,752 px tall at 480 px
# wide and 17,498 px at 390 (every question in a STOP box before step 1); now about 3,030 and
# 3,870, most of it the 34 questions.
@pytest.mark.parametrize(("width", "bound"), [(480, 3_300), (390, 4_200)])
def test_the_component_is_short_before_answering(
    browser: Browser, host: tuple[str, Path], base: str, width: int, bound: int
) -> None:
    page = component(browser, host, base, width)
    height = page.evaluate("document.querySelector('fascia-self-test').offsetHeight")
    assert 1_000 < height < bound
    page.close()


def test_without_script_the_embed_page_shows_every_question_and_what_a_yes_means(
    browser: Browser, base: str
) -> None:
    page = embed_page(browser, base, script=False)
    self_test = served(base)
    questions = page.query_selector_all("fieldset.question")
    assert [q.get_attribute("data-question") for q in questions] == order_of(self_test)
    for question in questions:
        legend = question.query_selector("legend")
        answer = question.query_selector(".if-yes .warning")
        assert legend is not None
        assert answer is not None
        assert legend.is_visible()
        assert answer.is_visible()
    text = " ".join(page.inner_text("main").split())
    for flag in self_test["screening"]:
        assert " ".join(f"{flag['if_yes']} {flag['care']['advice']}".split()) in text
    for item in self_test["contraindications"]:
        assert " ".join(item["instead"].split()) in text
    assert page.query_selector("input") is None
    assert page.is_visible("[data-fascia-gate] ol li")
    page.context.close()


@pytest.mark.parametrize("surface", ["component", "page"])
def test_printed_after_a_yes_everything_shows(
    browser: Browser, host: tuple[str, Path], base: str, surface: str
) -> None:
    if surface == "component":
        page, root, gate = component(browser, host, base), COMPONENT, ".gate"
    else:
        page, root, gate = embed_page(browser, base), PAGE, "[data-fascia-gate]"
    page.evaluate(f"{root}.querySelector('fieldset.question input[value=yes]').click()")
    assert not shown(page, root, gate)
    page.emulate_media(media="print")
    assert shown(page, root, gate)
    hidden = page.evaluate(
        f"[...{root}.querySelectorAll('.if-yes')].filter(n => !n.checkVisibility()).length"
    )
    assert hidden == 0
    assert not shown(page, root, ".answers")
    page.context.close() if surface == "page" else page.close()
