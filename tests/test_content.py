"""The published guide: the article's facts are reachable; every warning reaches its steps."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.content.loader import MODELS
from api.content.models import SafetyWarning
from tests.conftest import CONTENT, ROOT

pytestmark = pytest.mark.unit

ARTICLE = ROOT.parent / "shared" / "source" / "000_b4e38e0bb65242d1.txt"
SELF_TEST = "/v1/self-tests/muscular-minesweeper"
CLINICAL_SOURCES = {
    "nice-ng59",
    "nhs-back-pain",
    "nice-cks-low-back-pain",
    "nhs-abdominal-aortic-aneurysm",
}


def steps(client: TestClient, variant: str) -> list[dict[str, object]]:
    body = client.get(f"{SELF_TEST}/steps?variant={variant}").json()
    items: list[dict[str, object]] = body["items"]
    return items


def warning_ids(step: dict[str, object]) -> set[str]:
    warnings = step["warnings"]
    assert isinstance(warnings, list)
    return {warning["id"] for warning in warnings}


@pytest.mark.parametrize("variant", ["partner", "ball"])
def test_every_pressure_step_carries_the_nerve_and_pain_warnings(
    client: TestClient, variant: str
) -> None:
    pressing = [step for step in steps(client, variant) if step["pressure"] != "none"]
    assert len(pressing) >= 5
    for step in pressing:
        assert {"sciatic-nerve-electric-sensation", "deeper-is-not-better"} <= warning_ids(step)


def test_every_ball_pressure_step_warns_against_aggressive_pressure(client: TestClient) -> None:
    for step in steps(client, "ball"):
        has_warning = "ball-pressure-not-aggressive" in warning_ids(step)
        assert has_warning == (step["pressure"] != "none"), step["number"]


def test_partner_variant_is_nine_steps_face_down(client: TestClient) -> None:
    partner = steps(client, "partner")
    assert len(partner) == 9
    body = client.get(f"{SELF_TEST}?variant=partner").json()
    assert "face down" in body["variants"][0]["position"].lower()
    assert "clothing-and-draping-choice" in warning_ids(partner[0])


def test_ball_variant_is_face_up_with_the_ball_under_the_buttock(client: TestClient) -> None:
    (ball,) = client.get(f"{SELF_TEST}?variant=ball").json()["variants"]
    assert "face up" in ball["position"].lower()
    assert "buttock" in ball["position"].lower()
    assert ball["limitations"]


def test_sciatic_nerve_step_names_the_landmark_and_stop_warning(client: TestClient) -> None:
    step = client.get(f"{SELF_TEST}/steps/5").json()
    landmarks = {landmark["id"]: landmark for landmark in step["landmarks"]}
    assert landmarks["sciatic-nerve"]["diagram_colour"] == "yellow"
    assert landmarks["sciatic-nerve"]["avoid_pressure"] is True
    assert step["warnings"][0]["severity"] == "stop"


def test_red_flags_and_disclaimer_come_with_the_self_test(client: TestClient) -> None:
    body = client.get(SELF_TEST).json()
    kinds = [warning["kind"] for warning in body["warnings"]]
    red_flags = client.get("/v1/warnings?kind=red-flag").json()["items"]
    assert kinds.count("red-flag") == len(red_flags) >= 4
    assert "disclaimer" in kinds


def test_red_flags_and_disclaimer_cite_a_clinical_source() -> None:
    for path in sorted((CONTENT / "en" / "warnings").glob("*.yaml")):
        warning = SafetyWarning.model_validate(yaml.safe_load(path.read_text()))
        if warning.kind in ("red-flag", "disclaimer"):
            assert CLINICAL_SOURCES & set(warning.source_ids), path.name


def test_muscles_in_size_order_with_the_maximus_codes(client: TestClient) -> None:
    muscles = client.get("/v1/muscles").json()["items"]
    assert [m["id"] for m in muscles] == ["gluteus-maximus", "gluteus-medius", "gluteus-minimus"]
    codes = {(code["system"], code["code"]) for code in muscles[0]["codes"]}
    expected = {("UBERON", "UBERON:0001370"), ("FMA", "FMA:22314"), ("SNOMED-CT", "181674001")}
    assert expected <= codes
    assert "Iliotibial tract" in {relation["structure"] for relation in muscles[0]["relations"]}


def test_knee_is_steadied_by_the_maximus_alone(client: TestClient) -> None:
    action = client.get("/v1/actions/knee-stabilisation-and-rotation").json()
    assert action["muscle_ids"] == ["gluteus-maximus"]


@pytest.mark.parametrize(
    "action",
    [
        "trunk-extension",
        "hip-extension",
        "hip-abduction",
        "hip-medial-rotation",
        "hip-lateral-rotation",
        "pelvic-stabilisation",
        "knee-stabilisation-and-rotation",
    ],
)
def test_every_action_of_the_article_is_published(client: TestClient, action: str) -> None:
    body = client.get(f"/v1/actions/{action}").json()
    assert body["muscles"]
    assert body["everyday_activities"]


@pytest.mark.parametrize(
    ("path", "colour"),
    [
        ("/v1/landmarks/sacrum", "green"),
        ("/v1/landmarks/iliac-crest", "green"),
        ("/v1/landmarks/sciatic-nerve", "yellow"),
        ("/v1/landmarks/top-of-femur", None),
        ("/v1/techniques/slow-arc-sweep", "blue"),
    ],
)
def test_diagram_colours(client: TestClient, path: str, colour: str | None) -> None:
    assert client.get(path).json()["diagram_colour"] == colour


def test_low_back_pain_explains_why_the_glutes_are_suspects(client: TestClient) -> None:
    body = client.get("/v1/conditions/low-back-pain").json()
    text = " ".join(m["explanation"] for m in body["mechanisms"]).lower()
    for idea in ("fascia", "aponeurosis", "nerve"):
        assert idea in text
    assert set(body["aggravating_activities"]) == {"Sitting", "Walking", "Squatting", "Running"}
    assert len(body["common_remedies"]) >= 4


def test_every_technique_is_used_by_a_step(client: TestClient) -> None:
    used = {
        technique["id"]
        for variant in ("partner", "ball")
        for step in steps(client, variant)
        for technique in step["techniques"]  # type: ignore[attr-defined]
    }
    published = {t["id"] for t in client.get("/v1/techniques").json()["items"]}
    assert published == used


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _texts(value: object, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [text for k, v in value.items() for text in _texts(v, k)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item, key)]
    is_reference = key == "id" or key.endswith(("_id", "_ids"))
    return [value] if isinstance(value, str) and not is_reference else []


RUN = 8  # words: a run this long, shared with the article, is copied text
FINGERPRINT = ROOT / "tests" / "article-runs.txt"  # hashes of the article's runs, not its words


def _runs(words: list[str]) -> set[str]:
    """The article's or a text's runs of RUN words, each as a short hash."""
    return {
        hashlib.sha256(" ".join(words[i : i + RUN]).encode()).hexdigest()[:16]
        for i in range(len(words) - RUN + 1)
    }


def test_content_is_in_our_own_words() -> None:
    """No run of eight words of the article appears in any content text. The repository keeps
    the hashes of the article's runs, so the check runs wherever the tests do; where the article
    itself is beside the repository, the hashes are checked against it too."""
    fingerprint = set(FINGERPRINT.read_text(encoding="ascii").split())
    assert len(fingerprint) > 1000
    if ARTICLE.exists():
        assert fingerprint == _runs(_words(ARTICLE.read_text(encoding="utf-8")))
    copied: list[str] = []
    for path in sorted(Path(CONTENT).rglob("*.yaml")):
        if path.parent.name == "sources":  # a citation names the article by its title
            continue
        for text in _texts(yaml.safe_load(path.read_text())):
            words = _words(text)
            for i in range(len(words) - RUN + 1):
                if _runs(words[i : i + RUN]) & fingerprint:
                    copied.append(f"{path.name}: {' '.join(words[i : i + RUN])}")
    assert copied == []


def test_a_copied_run_would_be_found() -> None:
    article = _words(ARTICLE.read_text(encoding="utf-8")) if ARTICLE.exists() else []
    fingerprint = set(FINGERPRINT.read_text(encoding="ascii").split())
    sample = "the glutes are the motor of the body and as muscles go they are"
    found = _runs(_words(sample)) & fingerprint
    assert found, "a sentence of the article is not recognised"
    assert not article or _runs(article) >= found


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_content_readme_documents_every_field(kind: str) -> None:
    readme = (CONTENT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"### {kind}\n", 1)[1].split("\n### ", 1)[0]
    for field in MODELS[kind].model_fields:
        assert f"`{field}`" in section, f"{kind}.{field} is not documented in content/README.md"
