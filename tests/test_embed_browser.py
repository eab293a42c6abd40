"""Embedding in a real browser: a page on another origin loads the web component from a live
Fascia, and frames the /embed page. Headless Chromium through Playwright, as for the handouts;
axe-core checks inside the component's shadow DOM."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from api.bundle.labels import labels_for
from api.routes.embed import embed_script
from tests.servers import free_port
from tests.test_browser import axe, violations

pytestmark = pytest.mark.browser

__all__ = ["axe"]  # a fixture shared with the handout tests (`browser` is the conftest's)

SELF_TEST = "muscular-minesweeper"
# Whether an element can be read where it is: rendered, not transparent, not tiny, and the top
# element at its centre (nothing drawn over it).
READABLE = """(node) => {
  node.scrollIntoView({block: "center"});
  const style = getComputedStyle(node);
  const box = node.getBoundingClientRect();
  const top = node.getRootNode().elementFromPoint(box.x + box.width / 2, box.y + 12);
  return node.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && box.width > 100 && box.height > 20
    && style.color !== "rgba(0, 0, 0, 0)" && style.webkitTextFillColor !== "rgba(0, 0, 0, 0)"
    && parseFloat(style.fontSize) >= 14
    && (top === node || node.contains(top));
}"""
# Every way a hostile page can style the component from outside: each part it exposes, the
# host's inherited properties, its custom properties, and attributes it does not know.
HOSTILE_CSS = """
fascia-self-test, fascia-step {
  color: transparent; -webkit-text-fill-color: transparent; font-size: 0;
  text-decoration: line-through 60px white; -webkit-text-security: disc; font-size-adjust: 0;
  letter-spacing: -1em; text-indent: -9999px; text-shadow: 0 0 0 white;
  --fascia-text: transparent; --fascia-background: transparent; --fascia-font: 0/0 serif;
  --fascia-accent: transparent;
}
"""
PART_ATTACK = """
fascia-self-test::part({part}), fascia-step::part({part}) {{
  display: block; position: fixed; inset: 0; width: 100vw; height: 100vh; z-index: 2147483647;
  background: white; opacity: 1; margin-top: -2000px; transform: scale(50);
  filter: drop-shadow(0 300px 0 white); box-shadow: 0 0 0 100vmax white;
  outline: 100vmax solid white;
}}
fascia-self-test::part({part})::after, fascia-step::part({part})::after {{
  content: ""; position: fixed; inset: 0; background: white; z-index: 2147483647;
}}
"""
PARTS = ("title", "summary", "details", "progress", "step-link", "step-title", "instruction",
         "diagram", "button")  # fmt: skip


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Another origin: a plain static server on 127.0.0.1, holding the pages tests write."""
    root = tmp_path_factory.mktemp("host")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    thread.join()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def host_page(
    browser: Browser, host: tuple[str, Path], base: str, body: str, style: str = ""
) -> tuple[Page, list[str]]:
    """A page on the other origin loading the pinned script with its integrity hash."""
    origin, root = host
    script = embed_script()
    name = f"page{len(list(root.iterdir()))}.html"
    (root / name).write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title>'
        '<link rel="icon" href="data:,">'
        f"<style>{style}</style>"
        f'<script type="module" src="{base}{script.path}" integrity="{script.integrity}" '
        f'crossorigin="anonymous"></script></head><body><main><h1>Partner site</h1>{body}</main>'
        "</body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{origin}/{name}")
    return page, errors


def rendered(page: Page, selector: str, ready: str) -> None:
    page.wait_for_function(
        f"document.querySelector('{selector}')?.shadowRoot?.querySelector('{ready}')",
        timeout=10_000,
    )


def deep_active(page: Page) -> str:
    """What has the keyboard focus, inside shadow roots too: a button's data-go or its text."""
    return page.evaluate(
        """(() => {
          let node = document.activeElement;
          while (node?.shadowRoot?.activeElement) node = node.shadowRoot.activeElement;
          return node ? node.getAttribute("data-go") || node.textContent : "";
        })()"""
    )


@pytest.mark.parametrize(
    ("lang", "sciatic"),
    [("en", "Watch out for the sciatic nerve"), ("es", "Cuidado con el nervio ciático")],
)
def test_component_renders_the_partner_variant_from_another_origin(
    browser: Browser, host: tuple[str, Path], base: str, axe: str, lang: str, sciatic: str
) -> None:
    tag = f'<fascia-self-test self-test="{SELF_TEST}" variant="partner" lang="{lang}">'
    page, errors = host_page(browser, host, base, tag + "</fascia-self-test>")
    rendered(page, "fascia-self-test", ".current .step")
    root = "document.querySelector('fascia-self-test').shadowRoot"
    assert page.evaluate(f"{root}.querySelector('article').lang") == lang
    # The screening first, its questions in the order the API serves them (emergency red flags,
    # then the urgent ones, then who should not do the check), each with its STOP box; then the
    # disclaimer; then, hidden until every answer is no, what to know before starting and the steps.
    order = page.evaluate(f"[...{root}.querySelectorAll('.warning, .steps')].map(n => n.className)")
    url = f"{base}/v1/self-tests/{SELF_TEST}?variant=partner&lang={lang}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        self_test = json.load(answer)
    asked = [q["warning_id"] for q in (*self_test["screening"], *self_test["contraindications"])]
    questions = page.evaluate(
        f"[...{root}.querySelectorAll('fieldset.question')].map(n => n.dataset.question)"
    )
    assert questions == asked
    boxes = page.evaluate(f"[...{root}.querySelectorAll('.warning')].map(n => n.dataset.warning)")
    assert boxes[: len(asked)] == asked
    before = [*self_test["warnings"], *self_test["variants"][0]["warnings"]]
    others = [w for w in before if w["id"] not in asked and w["kind"] != "disclaimer"]
    shown_before = boxes[len(asked) : len(asked) + 1 + len(others)]
    assert shown_before == ["disclaimer", *(w["id"] for w in others)]
    expected = ["warning stop"] * len(asked) + ["warning info"]
    expected += [f"warning {w['severity']}" for w in others] + ["steps"]
    assert order[: len(expected)] == expected
    assert len(asked) == 20 + 14  # red flags and contraindications
    assert page.evaluate(f"{root}.querySelectorAll('[part=step-link]').length") == 9
    assert not page.evaluate(f"{root}.querySelector('.steps').checkVisibility()")
    answer_every_question(page, root, "no")
    assert page.evaluate(f"{root}.querySelector('.steps').checkVisibility()")
    # Keyboard only: Tab to "next", then Enter through every step; each one is announced.
    page.keyboard.press("Tab")
    while deep_active(page) != "next":
        page.keyboard.press("Tab")
    titles, announced = [], []
    for _ in range(9):
        titles.append(page.evaluate(f"{root}.querySelector('.current h3').textContent"))
        announced.append(
            page.evaluate(f"{root}.querySelector('[part=progress][aria-live=polite]').textContent")
        )
        if titles[-1].endswith(sciatic):
            stop = page.evaluate_handle(f"{root}.querySelector('.current .warning.stop')")
            assert page.evaluate(READABLE, stop), "the STOP warning on the sciatic-nerve step"
        page.keyboard.press("Enter")
    assert [title.split(".")[0] for title in titles] == [str(n) for n in range(1, 10)]
    assert f"5. {sciatic}" in titles
    assert announced[4].endswith(f"9: {sciatic}")
    assert announced[0].endswith(titles[0][3:])
    assert violations_in(page, axe) == []
    assert errors == []
    page.close()


def answer_every_question(page: Page, root: str, value: str) -> None:
    """Answers each screening question ``value`` (yes or no), as a click would."""
    page.evaluate(
        f"[...{root}.querySelectorAll('fieldset.question input[value={value}]')]"
        ".forEach(n => n.click())"
    )


def violations_in(page: Page, axe: str) -> list[str]:
    """axe-core on the page, which takes in the component's shadow DOM."""
    return violations(page, axe)


def test_component_with_one_step_shows_its_safety_first(
    browser: Browser, host: tuple[str, Path], base: str, axe: str
) -> None:
    tag = f'<fascia-step self-test="{SELF_TEST}" step="5" lang="es"></fascia-step>'
    page, errors = host_page(browser, host, base, tag)
    rendered(page, "fascia-step", ".step")
    root = "document.querySelector('fascia-step').shadowRoot"
    order = page.evaluate(f"[...{root}.querySelectorAll('.warning, .step')].map(n => n.className)")
    # 20 red flags and 14 contraindications, the disclaimer, then the step and its own warnings
    # (the nerve and real pain: the same STOP in both variants).
    assert order == ["warning stop"] * (20 + 14) + [
        "warning info",
        "step",
        "warning stop",
        "warning stop",
    ]
    assert violations_in(page, axe) == []
    assert errors == []
    page.close()


def test_a_hostile_page_cannot_hide_warnings_or_the_disclaimer(
    browser: Browser, host: tuple[str, Path], base: str
) -> None:
    attacks = HOSTILE_CSS + "".join(PART_ATTACK.format(part=part) for part in PARTS)
    tags = (
        f'<fascia-self-test self-test="{SELF_TEST}" variant="partner" hide-warnings '
        'warnings="none" disclaimer="off" safety="false" compact></fascia-self-test>'
        f'<fascia-step self-test="{SELF_TEST}" step="5" warnings="none"></fascia-step>'
    )
    page, _ = host_page(browser, host, base, tags, attacks)
    rendered(page, "fascia-self-test", ".current .step")
    rendered(page, "fascia-step", ".step")
    exposed = page.evaluate(
        "[...document.querySelector('fascia-self-test').shadowRoot.querySelectorAll('[part]')]"
        ".map(n => n.getAttribute('part'))"
    )
    assert set(exposed) <= set(PARTS), "a part this test does not attack"
    # A yes to every question shows what each yes means: none of it can be hidden from outside.
    roots = [
        f"document.querySelector('{e}').shadowRoot" for e in ("fascia-self-test", "fascia-step")
    ]
    for root in roots:
        answer_every_question(page, root, "yes")
    for element in ("fascia-self-test", "fascia-step"):
        warnings = page.query_selector_all(f"{element} >> css=.screening .warning")
        assert len(warnings) == 20 + 14
        for warning in warnings:
            assert page.evaluate(READABLE, warning), warning.inner_text()[:60]
    # No to every question shows the steps: their warnings and the disclaimer cannot be hidden.
    for root in roots:
        answer_every_question(page, root, "no")
    page.evaluate(f"{roots[0]}.querySelectorAll('[part=step-link]')[4].click()")
    for element in ("fascia-self-test", "fascia-step"):
        warnings = page.query_selector_all(f"{element} >> css=.warning:not(.if-yes .warning)")
        assert len(warnings) >= 3
        for warning in warnings:
            assert page.evaluate(READABLE, warning), warning.inner_text()[:60]
    page.close()


def test_the_readability_check_can_fail(
    browser: Browser, host: tuple[str, Path], base: str
) -> None:
    """Hidden from inside (which a page's styles cannot do), a warning is found unreadable."""
    tag = f'<fascia-step self-test="{SELF_TEST}" step="5"></fascia-step>'
    page, _ = host_page(browser, host, base, tag)
    rendered(page, "fascia-step", ".step")
    answer_every_question(page, "document.querySelector('fascia-step').shadowRoot", "yes")
    stop = page.query_selector("fascia-step >> css=.warning.stop")
    assert page.evaluate(READABLE, stop), "shown after a yes, before the style that hides it"
    page.evaluate(
        "document.querySelector('fascia-step').shadowRoot.querySelector('.safety')"
        ".append(Object.assign(document.createElement('style'), {textContent:"
        " '.warning.stop{visibility:hidden !important}'}))"
    )
    stop = page.query_selector("fascia-step >> css=.warning.stop")
    assert not page.evaluate(READABLE, stop)
    page.close()


def test_component_shows_a_readable_error_when_loading_fails(
    browser: Browser, host: tuple[str, Path], base: str
) -> None:
    tags = (
        '<fascia-self-test self-test="no-such-test"></fascia-self-test>'
        f'<fascia-step self-test="{SELF_TEST}" step="3" lang="es"></fascia-step>'
    )
    page, _ = host_page(browser, host, base, "")
    page.wait_for_function("customElements.get('fascia-step') !== undefined")
    # The step's request fails as on a dropped connection; the self-test's is a 404.
    page.route(f"{base}/v1/self-tests/{SELF_TEST}/steps/**", lambda route: route.abort())
    page.evaluate(f"document.querySelector('main').innerHTML = {tags!r}")
    rendered(page, "fascia-self-test", "[role=alert]")
    rendered(page, "fascia-step", "[role=alert]")
    missing = page.query_selector("fascia-self-test >> css=[role=alert]")
    assert missing is not None
    assert missing.inner_text() == (
        "Could not load this guide: There is no self-test with id 'no-such-test'."
    )
    offline = page.query_selector("fascia-step >> css=[role=alert]")
    assert offline is not None
    assert offline.inner_text().startswith("No se ha podido cargar esta guía: ")
    assert page.evaluate(READABLE, missing)
    page.close()


def test_the_embed_page_renders_in_a_cross_origin_iframe(
    browser: Browser, host: tuple[str, Path], base: str
) -> None:
    embed = f"{base}/embed/self-tests/{SELF_TEST}/steps/5?variant=partner&lang=es"
    framed = f"{base}/v1/self-tests/{SELF_TEST}.html"  # not made for frames: refused
    frames = (
        f'<iframe src="{embed}" width="600" height="800" title="Step 5"></iframe>'
        f'<iframe src="{framed}" width="600" height="800" title="Refused"></iframe>'
    )
    page, errors = host_page(browser, host, base, frames)
    page.wait_for_load_state("load")
    (step,) = [frame for frame in page.frames if frame.url == embed]
    assert step.evaluate("document.querySelector('h1').textContent") == (
        "5. Cuidado con el nervio ciático"
    )
    assert step.evaluate("document.querySelector('.warning-stop') !== null")
    # The stylesheet applies (its hash is in the page's CSP): the page fills the frame.
    assert step.evaluate("getComputedStyle(document.body).maxWidth") == "none"
    # The refused frame is there, and shows nothing of ours (a handout page has a <main>).
    (refused,) = [frame for frame in page.frames[1:] if frame is not step]
    assert refused.evaluate("document.querySelector('main') === null")
    assert any("frame-ancestors" in error for error in errors)
    assert [error for error in errors if "frame-ancestors" not in error] == []
    page.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_component_shows_every_escalation_of_what_it_shows(
    browser: Browser, host: tuple[str, Path], base: str, lang: str
) -> None:
    tag = f'<fascia-self-test self-test="{SELF_TEST}" variant="partner" lang="{lang}">'
    page, errors = host_page(browser, host, base, tag + "</fascia-self-test>")
    rendered(page, "fascia-self-test", ".current .step")
    root = "document.querySelector('fascia-self-test').shadowRoot"
    shown = page.evaluate(f"[...{root}.querySelectorAll('.escalation')].map(n => n.textContent)")
    # The component asks with the browser's languages, whose region chooses the care advice.
    languages = page.evaluate("navigator.languages.join(',')")
    url = f"{base}/v1/self-tests/{SELF_TEST}?variant=partner&lang={lang}"
    request = urllib.request.Request(url, headers={"Accept-Language": languages})
    with urllib.request.urlopen(request, timeout=10) as answer:
        self_test = json.load(answer)
    said = labels_for(lang)["escalation_if"]
    expected = {
        " ".join(filter(None, [f"{said} {e['when']}:", e["action"], e["care"]["advice"]]))
        for w in self_test["warnings"]
        for e in w["escalations"]
    }
    assert expected, "the self-test has escalations to show"
    assert expected <= set(shown)
    assert errors == []
    page.close()
