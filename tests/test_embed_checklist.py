"""The /embed pages' screening, in-process: one question a line in the order the API serves
(emergencies, then the other red flags, then who should not do the check), each with what a yes
means in full; what follows it, up to the disclaimer, marked for the script to show after no to
every question. The script's part is in test_embed_checklist_browser."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.bundle.labels import labels_for
from api.render import embedpage
from api.render.document import Document
from api.render.html import render_document
from api.routes.embed import SCRIPT_FILE, script_source
from tests.conftest import MakeClient

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
PAGE = "/embed/self-tests/muscular-minesweeper"


class Checklist(HTMLParser):
    """The page's questions (id, urgency, legend, the texts of what a yes means), where the
    gated part starts and ends, and the text of the page outside any tag."""

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[dict[str, Any]] = []
        self.where: list[str] = []  # "legend" or "if-yes" while inside one
        self.events: list[str] = []  # fieldset, gate, /gate, heading texts in order
        self.depth = 0  # of divs inside the gate
        self.in_gate = False
        self.heading: str | None = None
        self.gated_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "fieldset" and "data-question" in found:
            self.questions.append(
                {
                    "id": found["data-question"],
                    "urgency": found["data-urgency"],
                    "legend": "",
                    "if_yes": [],
                }
            )
        elif tag == "legend":
            self.where.append("legend")
        elif tag == "div" and found.get("class") == "if-yes":
            self.where.append("if-yes")
        elif tag == "div" and "data-fascia-gate" in found:
            self.in_gate = True
            self.events.append("gate")
        elif tag == "div" and self.in_gate:
            self.depth += 1
        elif tag in ("h2", "h3"):
            self.heading = ""
        if tag == "p" and self.where[-1:] == ["if-yes"]:
            self.questions[-1]["if_yes"].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "legend":
            self.where.pop()
        elif tag == "fieldset" and self.where:
            self.where.clear()
        elif tag == "div" and self.in_gate and self.where == []:
            if self.depth == 0:
                self.in_gate = False
                self.events.append("/gate")
            else:
                self.depth -= 1
        elif tag in ("h2", "h3") and self.heading is not None:
            self.events.append(self.heading)
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.where[-1:] == ["legend"]:
            self.questions[-1]["legend"] += data
        elif self.where[-1:] == ["if-yes"] and self.questions[-1]["if_yes"]:
            self.questions[-1]["if_yes"][-1] += data
        if self.heading is not None:
            self.heading += data
        if self.in_gate:
            self.gated_text.append(data)


def parsed(text: str) -> Checklist:
    parser = Checklist()
    parser.feed(text)
    return parser


def flat(text: str) -> str:
    return " ".join(html.unescape(text).split())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_page_asks_every_question_in_the_order_the_api_serves(
    client: TestClient, lang: str
) -> None:
    params = {"lang": lang, "variant": "partner"}
    self_test = client.get(SELF_TEST, params=params).json()
    page = parsed(client.get(PAGE, params=params).text)
    served = [q["warning_id"] for q in self_test["screening"]]
    served += [q["warning_id"] for q in self_test["contraindications"]]
    assert [q["id"] for q in page.questions] == served
    assert len(served) == 20 + 14
    # The API's order is emergencies, then urgent red flags, then contraindications.
    ranks = {"emergency": 0, "urgent": 1, "contraindication": 2}
    urgencies = [ranks[q["urgency"]] for q in page.questions]
    assert urgencies == sorted(urgencies)
    assert urgencies[0] == 0
    asked = [q["question"] for q in self_test["screening"]]
    asked += [q["question"] for q in self_test["contraindications"]]
    assert [flat(q["legend"]) for q in page.questions] == [flat(q) for q in asked]


def test_a_step_page_asks_its_safety_in_the_order_the_step_carries(client: TestClient) -> None:
    step = client.get(f"{SELF_TEST}/steps/5", params={"variant": "ball"}).json()
    page = parsed(client.get(f"{PAGE}/steps/5", params={"variant": "ball"}).text)
    safety = step["safety"]
    expected = [w["id"] for w in (*safety["red_flags"], *safety["contraindications"])]
    assert [q["id"] for q in page.questions] == expected


@pytest.mark.parametrize(("lang", "region"), [("en", "GB"), ("es", "MX"), ("en", "US")])
def test_each_question_says_in_full_what_a_yes_means_in_the_readers_region(
    client: TestClient, lang: str, region: str
) -> None:
    params = {"lang": lang, "region": region}
    self_test = client.get(SELF_TEST, params=params).json()
    page = parsed(client.get(PAGE, params=params).text)
    labels = labels_for(lang)
    said = {q["id"]: [flat(t) for t in q["if_yes"]] for q in page.questions}

    def sentences(escalations: list[dict[str, Any]]) -> list[str]:
        return [
            flat(
                " ".join(
                    filter(
                        None,
                        [
                            f"{labels['escalation_if']} {e['when']}:",
                            e["action"],
                            e["care"]["advice"],
                        ],
                    )
                )
            )
            for e in escalations
        ]

    for flag in self_test["screening"]:
        then = f"{labels['if_yes']}: {flag['if_yes']} {flag['care']['advice']}"
        assert flat(then) in said[flag["warning_id"]], flag["warning_id"]
        assert set(sentences(flag["escalations"])) <= set(said[flag["warning_id"]])
    for item in self_test["contraindications"]:
        texts = said[item["warning_id"]]
        assert flat(item["reason"]) in texts
        assert flat(f"{labels['if_yes']}: {item['instead']}") in texts
        assert set(sentences(item["escalations"])) <= set(texts)


def test_the_handouts_screening_boxes_are_gone_but_every_other_warning_stays(
    client: TestClient,
) -> None:
    params = {"variant": "partner"}
    text = client.get(PAGE, params=params).text
    labels = labels_for("en")
    assert labels["if_any_yes"] not in text
    assert labels["contraindications.text"] not in text
    self_test = client.get(SELF_TEST, params=params).json()
    for warning in self_test["warnings"]:
        assert html.escape(warning["title"]) in text, warning["id"]


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/steps/5"])
def test_what_follows_the_screening_is_gated_up_to_the_closing_part(
    client: TestClient, path: str
) -> None:
    text = client.get(path, params={"variant": "partner"}).text
    page = parsed(text)
    labels = labels_for("en")
    headings = page.events
    assert headings.index(labels["screening"]) < headings.index("gate")
    assert headings.index("gate") < headings.index("/gate")
    closing = {labels["disclaimer"], labels["sources"], labels["dates"]}
    assert headings[headings.index("/gate") + 1] in closing
    gated = flat(" ".join(page.gated_text))
    if path == PAGE:
        assert labels["warnings.before"] in headings[headings.index("gate") :]
        assert "Watch out for the sciatic nerve" in gated
    else:
        assert "Shooting, tingling, numb or burning feeling down the leg" in gated
    # The disclaimer is never gated; the draft notice is still the first thing in the page.
    disclaimer = client.get("/v1/warnings/disclaimer").json()
    assert html.escape(disclaimer["title"]) in text
    assert flat(disclaimer["title"]) not in gated
    body = text.split("<main>", 1)[1].lstrip()
    assert body.startswith('<p class="draft" role="note">')


def test_the_script_carries_the_checklists_words_in_every_language() -> None:
    served = script_source(SCRIPT_FILE.read_text(encoding="utf-8"))
    start = served.index("const SERVED = ") + len("const SERVED = ")
    labels = json.loads(served[start : served.index(";\n", start)])["labels"]
    words = {"embed.yes", "embed.no", "embed.checklist", "embed.answered", "embed.stopped",
             "embed.clear", "screening", "if_yes", "warnings.before"}  # fmt: skip
    for code, served_labels in labels.items():
        assert words <= served_labels.keys(), code


def test_only_the_embed_pages_may_run_a_script(client: TestClient) -> None:
    handout = client.get(f"{SELF_TEST}.html")
    assert "script-src" not in handout.headers["content-security-policy"]
    assert "data-fascia-screening" not in handout.text
    page = client.get(PAGE)
    assert "script-src 'self';" in page.headers["content-security-policy"]


def test_if_the_handouts_markup_changes_the_page_keeps_the_handouts_own_screening(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checklist replaces stand-in paragraphs in the rendered handout; should the handout
    render paragraphs differently, the page is the handout as it is, screening boxes and all."""

    def restyled(document: Document, head: str = "") -> str:
        return render_document(document, head).replace("<p>", '<p class="x">')

    monkeypatch.setattr(embedpage, "render_document", restyled)
    client = make_client()  # its own cache: the page is rendered here
    text = client.get(PAGE, params={"variant": "partner"}).text
    assert "data-fascia-screening" not in text
    assert "<script" not in text
    assert labels_for("en")["if_any_yes"] in text
    self_test = client.get(SELF_TEST, params={"variant": "partner"}).json()
    for question in (*self_test["screening"], *self_test["contraindications"]):
        assert html.escape(question["question"]) in text
