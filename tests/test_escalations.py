"""Escalations reach the reader: a warning that calls for more urgent care for some readers says so
as data, every surface shows it with the reader's regional advice, and `check` refuses the same
advice hidden in a warning's own words. Readability of safety text is enforced the same way."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.bundle.labels import labels_for
from tests.conftest import CONTENT
from tests.test_loader import check_content, line_of, replace

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
GUIDE = "/v1/guides/glutes-and-low-back-pain"


def escalated() -> dict[str, list[dict[str, str]]]:
    """Each English warning with escalations, from the content files."""
    found = {}
    for path in sorted((CONTENT / "en" / "warnings").glob("*.yaml")):
        item = yaml.safe_load(path.read_text(encoding="utf-8"))
        if item.get("escalations"):
            found[item["id"]] = item["escalations"]
    return found


def test_the_reviewed_escalations_are_data() -> None:
    found = escalated()
    # Cancer history, immune weakness, mid-back pain and leg weakness upgrade to emergency care;
    # the nerve warning routes lasting symptoms to urgent care and both legs to emergency care.
    for warning_id in (
        "red-flag-history-of-cancer",
        "red-flag-infection-risk",
        "red-flag-pain-between-shoulder-blades",
        "red-flag-progressive-leg-weakness",
        "red-flag-fever-weight-loss-or-swelling",  # during chemotherapy: the helpline, now
    ):
        assert found[warning_id], warning_id
        assert {e["urgency"] for e in found[warning_id]} == {"emergency"}, warning_id
    nerve = [e["urgency"] for e in found["sciatic-nerve-electric-sensation"]]
    assert nerve == ["urgent", "emergency"]
    chemo = yaml.safe_load(
        (CONTENT / "en" / "warnings" / "red-flag-fever-during-chemotherapy.yaml").read_text()
    )
    assert chemo["kind"] == "red-flag"
    assert chemo["urgency"] == "emergency"


def sentences(body: dict[str, object], region: str, lang: str) -> list[str]:
    """The escalation sentences a reader in ``region`` must see, from a warning's JSON."""
    label = labels_for(lang)["escalation_if"]
    found = []
    for escalation in body["escalations"]:  # type: ignore[attr-defined]
        assert escalation["care"]["region"] == region
        then = " ".join(filter(None, [escalation["action"], escalation["care"]["advice"]]))
        found.append(f"{label} {escalation['when']}: {then}")
    return found


@pytest.mark.parametrize(("lang", "region"), [("en", "gb"), ("en", "us"), ("es", "mx")])
def test_every_surface_shows_every_escalation_with_the_regional_advice(
    client: TestClient, lang: str, region: str
) -> None:
    params = {"lang": lang, "region": region.upper()}
    expected: list[str] = []
    screened: list[str] = []  # the questionnaire asks the screening, not the steps' warnings
    for warning_id in escalated():
        body = client.get(f"/v1/warnings/{warning_id}", params=params).json()
        expected += sentences(body, region, lang)
        if body["kind"] in ("red-flag", "contraindication"):
            screened += sentences(body, region, lang)
    assert expected
    self_test = client.get(SELF_TEST, params=params).json()
    in_questions = [
        e["care"]["advice"] for q in self_test["screening"] for e in q["escalations"]
    ] + [e["care"]["advice"] for q in self_test["contraindications"] for e in q["escalations"]]
    assert in_questions, "the screening questions carry their escalations"
    surfaces = {
        "html": client.get(f"{SELF_TEST}.html", params=params).text,
        "md": client.get(f"{SELF_TEST}.md", params=params).text,
        "fhir": json.dumps(
            client.get(f"{SELF_TEST}.fhir", params=params).json(), ensure_ascii=False
        ),
        "jsonld": json.dumps(
            client.get(f"{SELF_TEST}.jsonld", params=params).json(), ensure_ascii=False
        ),
        "embed": client.get("/embed/self-tests/muscular-minesweeper", params=params).text,
    }
    for name, raw in surfaces.items():
        text = " ".join(html.unescape(raw.replace("\\n", " ")).split())
        for sentence in screened if name == "fhir" else expected:
            assert " ".join(sentence.split()) in text, (name, sentence)


def test_the_pdf_shows_every_escalation(client: TestClient, tmp_path: Path) -> None:
    pdf = client.get(f"{SELF_TEST}.pdf", params={"region": "GB"})
    if pdf.status_code == 503:
        pytest.fail("PDFs are unavailable: make system-tools installs Pango")
    from tests.test_handouts import pdf_text  # noqa: PLC0415 - reads the PDF with pdftotext

    words = pdf_text(pdf.content, tmp_path).split()
    for warning_id in escalated():
        body = client.get(f"/v1/warnings/{warning_id}", params={"region": "GB"}).json()
        for sentence in sentences(body, "gb", "en"):
            assert in_order(sentence.split(), words), sentence


def in_order(needle: list[str], words: list[str], gap: int = 12) -> bool:
    """Whether ``needle``'s words appear in ``words`` in order, each within ``gap`` words of the
    one before: a figure's caption beside a callout interleaves its lines in the PDF's text."""
    for start in (i for i, word in enumerate(words) if word == needle[0]):
        at = start
        for word in needle[1:]:
            window = words[at + 1 : at + 1 + gap]
            if word not in window:
                break
            at += 1 + window.index(word)
        else:
            return True
    return False


def test_the_guide_page_carries_the_screening(client: TestClient) -> None:
    guide = client.get(GUIDE).json()
    (safety,) = guide["safety"]
    questions = [flag["question"] for flag in safety["red_flags"]]
    questions += [flag["question"] for flag in safety["contraindications"]]
    markdown = " ".join(client.get(f"{GUIDE}.md").text.split())
    page = client.get(f"{GUIDE}.html").text
    for question in questions:
        assert " ".join(question.split()) in markdown, question
        assert " ".join(question.split()) in " ".join(html.unescape(page).split()), question


@pytest.mark.parametrize(
    ("relative", "old", "new", "field", "message"),
    [
        (  # an urgent red flag's reason names emergency care
            "warnings/red-flag-pain-at-night-or-not-easing.yaml",
            "Pain that rest does not ease",
            "If you also feel very unwell, get emergency help now. Pain that rest does not ease",
            "reason",
            "names emergency care ('emergency')",
        ),
        (  # a contraindication (no urgency) names urgent care
            "warnings/contraindication-osteoporosis.yaml",
            "Do not do the check until you have asked your doctor",
            "If the pain is new, see a doctor today. Do not do the check until you have asked "
            "your doctor",
            "action",
            "names urgent care ('today')",
        ),
        (  # a sentence of safety text over 25 words
            "warnings/red-flag-chest-pain.yaml",
            "You have chest pain as well as back pain.",
            "You have chest pain as well as back pain, and it may come and go, or stay, or move "
            "to your arm or jaw, or feel tight, heavy or like a band around you.",
            "sign",
            "(at most 25)",
        ),
    ],
    ids=["emergency in an urgent reason", "urgent in a contraindication", "long safety sentence"],
)
def test_check_refuses_hidden_escalations_and_long_safety_sentences(
    content_copy: Path, relative: str, old: str, new: str, field: str, message: str
) -> None:
    replace(content_copy, relative, old, new)
    (problem,) = check_content(content_copy)
    assert problem.file.endswith(relative)
    assert problem.field == field
    assert problem.line == line_of(content_copy, relative, f"{field}:")
    assert message in problem.message


def test_an_escalation_must_be_more_urgent_than_its_warning(content_copy: Path) -> None:
    # Leg weakness upgrades to emergency care; "urgent" is its own urgency, and adds no step.
    relative = "warnings/red-flag-progressive-leg-weakness.yaml"
    replace(content_copy, relative, "    urgency: emergency", "    urgency: urgent")
    problems = check_content(content_copy)
    assert any(p.file.endswith(relative) and "not more urgent" in p.message for p in problems), (
        problems
    )


def test_check_refuses_hard_safety_text(content_copy: Path) -> None:
    relative = "warnings/red-flag-chest-pain.yaml"
    replace(
        content_copy,
        relative,
        "Chest pain with back pain can be a sign of a serious problem with your heart or a large",
        "Concomitant thoracic discomfort accompanying musculoskeletal lumbar symptomatology may "
        "indicate cardiovascular pathology, particularly aortic dissection, myocardial "
        "infarction or pericarditis, necessitating immediate professional evaluation of",
    )
    messages = [p.message for p in check_content(content_copy) if p.file.endswith(relative)]
    assert any("reading grade" in m for m in messages), messages


def test_a_long_sentence_outside_safety_text_is_a_warning(content_copy: Path) -> None:
    from api import check_content as check_everything  # noqa: PLC0415

    relative = "muscles/gluteus-maximus.yaml"
    path = content_copy / "en" / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    long = " ".join(["This is a very long sentence about the muscle"] * 4) + "."
    first = data["summary"].split()[0]
    text = path.read_text(encoding="utf-8").replace(
        f"summary: >-\n  {first}", f"summary: >-\n  {long} {first}", 1
    )
    path.write_text(text, encoding="utf-8")
    found = [p for p in check_everything(content_copy) if p.file.endswith(relative)]
    mine = [p for p in found if "'This is a very long" in p.message]
    assert [p.severity for p in mine] == ["warning"]


def test_check_refuses_a_question_mixing_and_with_or(content_copy: Path) -> None:
    relative = "warnings/red-flag-unwell-and-injecting-drugs.yaml"
    replace(
        content_copy,
        relative,
        "Do you feel feverish or very unwell while you inject drugs?",
        "Do you inject drugs, and do you feel very unwell or feverish?",
    )
    (problem,) = [p for p in check_content(content_copy) if "mixes" in p.message]
    assert problem.file.endswith(relative)
    assert problem.field == "question"
    # Examples in brackets are not a second question.
    replace(
        content_copy,
        relative,
        "very unwell or feverish?",
        "very unwell (feverish or shivery)?",
    )
    assert not [p for p in check_content(content_copy) if "mixes" in p.message]
