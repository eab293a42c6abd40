"""The clinical rules of the guide: who should not do the check travels like the red flags, every
pressing step guards the sciatic nerve, and what readers act on carries dates and sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import CONTENT
from tests.test_loader import check_content, line_of, replace
from tests.test_safety import RED_FLAGS as LISTED_RED_FLAGS

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
PRESSING = [3, 4, 5, 6, 7, 8]  # the steps that press, in both variants
GUARDED = {"sciatic-nerve", "sciatic-no-press-zone"}


def ids_of(kind: str) -> list[str]:
    """The warnings of one kind, straight from the English content files."""
    found = []
    for path in sorted((CONTENT / "en" / "warnings").glob("*.yaml")):
        item = yaml.safe_load(path.read_text(encoding="utf-8"))
        if item.get("kind") == kind:
            found.append(item["id"])
    return found


RED_FLAGS = ids_of("red-flag")
CONTRAINDICATIONS = ids_of("contraindication")


def test_the_guide_screens_the_full_set_of_red_flags_and_contraindications() -> None:
    # The NICE/NHS set: the seven of the first release and cancer, worsening weakness, sexual
    # function or saddle feeling, fracture, infection, mid-back pain and a possible aneurysm;
    # then fever during chemotherapy (an emergency of its own), and the questions that mixed
    # "and" with "or" split one clause each (fracture, infection, night pain).
    assert sorted(RED_FLAGS) == sorted(LISTED_RED_FLAGS)
    assert len(RED_FLAGS) == 20
    assert set(CONTRAINDICATIONS) >= {
        "contraindication-pregnancy",
        "contraindication-recent-surgery",
        "contraindication-osteoporosis",
        "contraindication-blood-thinners-or-bleeding-disorder",
        "contraindication-reduced-feeling",
        "contraindication-broken-or-infected-skin",
        "contraindication-under-16",
        "contraindication-leg-pain-tingling-or-numbness",
        "contraindication-first-back-pain-after-50",
        "contraindication-inflammatory-back-pain",
        "contraindication-recent-fall-or-deep-bruise",
        "contraindication-blood-clot",
        "contraindication-buttock-implants-fillers-or-injections",
        "contraindication-cannot-say-stop",
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_self_test_asks_who_should_not_do_it_before_step_one(
    client: TestClient, lang: str
) -> None:
    body = client.get(SELF_TEST, params={"lang": lang}).json()
    asked = body["contraindications"]
    assert sorted(q["warning_id"] for q in asked) == sorted(CONTRAINDICATIONS)
    for question in asked:
        warning = client.get(question["href"], params={"lang": lang}).json()
        assert warning["kind"] == "contraindication"
        assert question["question"] == warning["question"]
        assert question["reason"] == warning["reason"]
        assert question["instead"] == warning["action"]
    assert {w["id"] for w in body["warnings"]} >= set(RED_FLAGS) | set(CONTRAINDICATIONS)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("variant", ["partner", "ball"])
def test_every_step_carries_every_red_flag_and_contraindication(
    client: TestClient, lang: str, variant: str
) -> None:
    steps = client.get(f"{SELF_TEST}/steps", params={"lang": lang, "variant": variant}).json()
    assert len(steps["items"]) == 9
    for step in steps["items"]:
        safety = step["safety"]
        assert sorted(f["id"] for f in safety["red_flags"]) == sorted(RED_FLAGS)
        assert sorted(c["id"] for c in safety["contraindications"]) == sorted(CONTRAINDICATIONS)
        assert all(c["question"] and c["reason"] for c in safety["contraindications"])


def first_step_title(client: TestClient, lang: str) -> str:
    body = client.get(f"{SELF_TEST}/steps/1", params={"lang": lang, "variant": "partner"})
    title: str = body.json()["title"]
    return title


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("suffix", [".html", ".md"])
@pytest.mark.parametrize("path", [SELF_TEST, f"{SELF_TEST}/steps/4", f"{SELF_TEST}/steps"])
def test_handouts_ask_every_screening_question_before_the_first_step(
    client: TestClient, lang: str, suffix: str, path: str
) -> None:
    text = client.get(f"{path}{suffix}", params={"lang": lang, "variant": "partner"}).text
    if suffix == ".html":  # what a reader sees: the body, not the head's metadata
        text = text.partition("</head>")[2]
        text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    body = client.get(SELF_TEST, params={"lang": lang}).json()
    questions = [q["question"] for q in body["screening"]]
    questions += [q["question"] for q in body["contraindications"]]
    questions += [q["instead"] for q in body["contraindications"]]
    assert len(questions) == len(RED_FLAGS) + 2 * len(CONTRAINDICATIONS)
    title = first_step_title(client, lang)
    first_step = text.index(title) if path != f"{SELF_TEST}/steps/4" else len(text)
    for question in questions:
        assert question in text, (path, suffix, question)
        assert text.index(question) < first_step, (path, suffix, question)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_json_ld_names_each_contraindication(client: TestClient, lang: str) -> None:
    node = client.get(f"{SELF_TEST}.jsonld", params={"lang": lang}).json()
    # The check is no therapy (the disclaimer says so), so nothing types it as one: who should
    # not do it is a HowToTip, like every other warning read before starting.
    assert "MedicalTherapy" not in json.dumps(node)
    assert [about["@type"] for about in node["about"]] == ["MedicalCondition"]
    tips = {tip["@id"].rsplit("/", 1)[1]: tip for tip in node["hasPart"]}
    assert set(CONTRAINDICATIONS) <= set(tips)
    assert {tips[c]["@type"] for c in CONTRAINDICATIONS} == {"HowToTip"}
    step = client.get(f"{SELF_TEST}/steps/4.jsonld", params={"lang": lang}).json()
    tips = {tip.get("@id", "").rsplit("/", 1)[1] for tip in step["itemListElement"][1:]}
    assert set(CONTRAINDICATIONS) <= tips


def test_the_warning_list_filters_contraindications(client: TestClient) -> None:
    items = client.get("/v1/warnings", params={"kind": "contraindication"}).json()["items"]
    assert sorted(item["id"] for item in items) == sorted(CONTRAINDICATIONS)
    assert all(item["severity"] == "stop" for item in items)


@pytest.mark.parametrize("variant", ["partner", "ball"])
@pytest.mark.parametrize("number", PRESSING)
def test_every_pressing_step_names_the_nerve_and_carries_its_stop_warning(
    client: TestClient, variant: str, number: int
) -> None:
    step = client.get(f"{SELF_TEST}/steps/{number}", params={"variant": variant}).json()
    assert step["pressure"] != "none"
    assert {landmark["id"] for landmark in step["landmarks"]} >= GUARDED
    stops = [w for w in step["warnings"] if w["severity"] == "stop"]
    protecting = [w for w in stops if set(client.get(w["href"]).json()["landmark_ids"]) >= GUARDED]
    assert protecting, f"step {number} of {variant} has no stop warning for the nerve"
    sign = protecting[0]["sign"].lower()
    assert all(word in sign for word in ("electric", "tingling", "numb", "burning")), sign


def test_the_nerve_is_explained_before_any_pressure(client: TestClient) -> None:
    body = client.get(SELF_TEST).json()
    before = [w for w in body["warnings"] if w["kind"] == "safety" and w["severity"] == "stop"]
    nerve = [w for w in before if set(client.get(w["href"]).json()["landmark_ids"]) >= GUARDED]
    assert nerve, "no warning before the steps says where the nerve runs"
    text = client.get(f"{SELF_TEST}.md", params={"variant": "partner"}).text
    title = text.index(nerve[0]["title"])
    assert text.index("Before you start") < title < text.index("Press in gently with a loose fist")
    assert "no-press zone" in nerve[0]["action"]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "top-of-femur, sciatic-nerve, sciatic-no-press-zone]",
            "top-of-femur, sciatic-nerve]",
            "variants.0.steps.3.landmark_ids",
            "step 4 of 'partner' presses but does not name 'sciatic-no-press-zone'",
        ),
        (
            "        title: Lie face down\n",
            "        title: Lie face down\n        landmark_ids: [sciatic-nerve]\n",
            "",
            "",
        ),
    ],
    ids=["a pressing step without the zone", "a step that does not press may name the nerve"],
)
def test_check_holds_every_pressing_step_to_the_nerve(
    content_copy: Path, old: str, new: str, field: str, message: str
) -> None:
    relative = "self-tests/muscular-minesweeper.yaml"
    replace(content_copy, relative, old, new)
    problems = [p for p in check_content(content_copy) if p.severity == "error"]
    if not field:
        assert problems == []
        return
    (problem,) = problems
    assert (problem.file, problem.field) == (f"content/en/{relative}", field)
    assert message in problem.message
    assert problem.line == line_of(content_copy, relative, new.split(": ", 1)[-1])


def test_check_needs_a_stop_warning_protecting_the_nerve_on_each_pressing_step(
    content_copy: Path,
) -> None:
    relative = "warnings/sciatic-nerve-electric-sensation.yaml"
    text = (content_copy / "en" / relative).read_text(encoding="utf-8")
    landmarks = re.search(r"^landmark_ids: .*$", text, re.MULTILINE)
    assert landmarks is not None
    replace(content_copy, relative, landmarks.group(0), "landmark_ids: [sciatic-nerve]")
    problems = [p for p in check_content(content_copy) if p.severity == "error"]
    assert len(problems) == 2 * len(PRESSING)
    assert all("no stop warning protecting 'sciatic-no-press-zone'" in p.message for p in problems)
    assert {p.field.rsplit(".", 1)[1] for p in problems} == {"pressure"}


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (
            "warnings/deeper-is-not-better.yaml",
            "kind: safety",
            "kind: safety\nreason: Because.",
            "only red flags and contraindications have a reason",
        ),
        (
            "warnings/contraindication-pregnancy.yaml",
            "kind: contraindication",
            "kind: contraindication\nurgency: urgent",
            "a red flag, and only a red flag, has an urgency",
        ),
        (
            "warnings/contraindication-pregnancy.yaml",
            "severity: stop",
            "severity: caution",
            "a contraindication rules the check out: its severity is stop",
        ),
        (
            "warnings/red-flag-history-of-cancer.yaml",
            "urgency: urgent",
            "",
            "a red flag, and only a red flag, has an urgency",
        ),
        ("regions/gb.yaml", "next_review: 2027-12-07", "", "required field is missing"),
        ("regions/eu.yaml", "source_ids: [ec-112, ec-116117]", "source_ids: []", "at least 1"),
        ("sources/nice-ng59.yaml", "published: 2026-11-26\n", "", "required field is missing"),
    ],
)
def test_check_refuses_screening_items_regions_and_sources_without_what_they_need(
    content_copy: Path, relative: str, old: str, new: str, message: str
) -> None:
    replace(content_copy, relative, old, new)
    problems = [p for p in check_content(content_copy) if p.severity == "error"]
    assert problems, relative
    assert any(p.file == f"content/en/{relative}" and message in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_check_refuses_a_contraindication_without_a_reason(content_copy: Path) -> None:
    path = content_copy / "en" / "warnings" / "contraindication-pregnancy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^reason: >-\n(  .*\n)+", "", text, flags=re.MULTILINE), "utf-8")
    (problem,) = [p for p in check_content(content_copy) if p.severity == "error"]
    assert problem.file == "content/en/warnings/contraindication-pregnancy.yaml"
    assert "a contraindication needs a reason" in problem.message


def test_red_flags_of_one_urgency_share_one_action(client: TestClient) -> None:
    """So that a handout asks them together, under the action and the reader's regional care."""
    for lang in ("en", "es"):
        flags = client.get("/v1/warnings", params={"kind": "red-flag", "lang": lang}).json()
        actions = {(f["urgency"], f["action"]) for f in flags["items"]}
        assert len(actions) == 2, actions
        assert all(f["reason"] for f in flags["items"])


def test_regions_and_sources_are_in_the_manifest_with_their_dates(client: TestClient) -> None:
    entries = client.get("/v1/manifest", params={"page_size": 500}).json()["items"]
    dated = {(e["kind"], e["id"]): e["modified"] for e in entries}
    for kind in ("regions", "sources"):
        listed = [key for key in dated if key[0] == kind]
        assert listed, kind
        assert all(dated[key] for key in listed), kind


def test_northern_ireland_and_the_eu_out_of_hours_number_are_covered(client: TestClient) -> None:
    gb = client.get("/v1/regions/gb").json()
    assert "Northern Ireland" in gb["urgent"]
    assert "out-of-hours" in gb["urgent"]
    assert "116 117" in client.get("/v1/regions/eu").json()["urgent"]


# The stop word is a warning of the partner variant, and "not a diagnosis" the disclaimer's.
ADVICE_TOPICS = {"duration", "equipment", "surface", "aftercare", "alternative", "first-line-care"}


def test_the_self_test_answers_what_readers_ask_next_each_with_a_source(
    client: TestClient,
) -> None:
    advice = client.get(SELF_TEST).json()["advice"]
    assert {a["topic"] for a in advice} == ADVICE_TOPICS
    assert all(a["source_ids"] for a in advice)
    partner = client.get(SELF_TEST, params={"variant": "partner"}).json()["advice"]
    assert {a["variant"] for a in partner} == {None}  # the wall and the ball are the ball's
    ball = client.get(SELF_TEST, params={"variant": "ball"}).json()["advice"]
    assert {"equipment", "alternative"} <= {a["topic"] for a in ball}
    warnings = client.get(SELF_TEST, params={"variant": "partner"}).json()["variants"][0]
    assert "partner-stop-word" in {w["id"] for w in warnings["warnings"]}
    disclaimer = client.get("/v1/warnings/disclaimer").json()["action"]
    assert "not a diagnosis" in disclaimer


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_childish_or_regional_words_and_no_promise_of_relief(lang: str) -> None:
    words = re.compile(
        r"\b(poo|pooing|pee|peeing|caca|túmbate|tumbarte|enjoy the relief|sweet relief)\b",
        re.IGNORECASE,
    )
    for path in sorted((CONTENT / lang).rglob("*.yaml")):
        found = words.search(path.read_text(encoding="utf-8"))
        assert found is None, (path.name, found and found.group(0))


def test_spanish_uses_one_term_for_the_check() -> None:
    others = re.compile(r"\b(autoevaluación|comprobación)\b", re.IGNORECASE)
    for path in sorted((CONTENT / "es").rglob("*.yaml")):
        found = others.search(path.read_text(encoding="utf-8"))
        assert found is None, (path.name, found and found.group(0))


PREVIOUS_RELEASE = "6a5c0426deddac9a"  # the content before the clinical review


def test_the_review_reaches_synced_cms_as_a_safety_change(client: TestClient) -> None:
    changes = client.get("/v1/changes", params={"since": PREVIOUS_RELEASE, "page_size": 500})
    items = {(i["kind"], i["id"]): i for i in changes.json()["items"]}
    for contraindication in CONTRAINDICATIONS:
        assert items["warnings", contraindication]["change"] == "created"
    for key, item in items.items():
        if key[0] in ("warnings", "regions"):
            assert item["safety"] is True, key
    assert items["self-tests", "muscular-minesweeper"]["safety"] is True


def test_the_served_content_is_a_committed_release(client: TestClient) -> None:
    version = client.get("/v1/manifest").json()["content_version"]
    assert (CONTENT / "releases" / f"{version}.json").is_file(), "run python -m api release"


def test_the_same_harm_has_the_same_severity_in_every_variant(client: TestClient) -> None:
    # Real pain under pressure is a STOP whether the pressure comes from hands or a ball.
    pain = client.get("/v1/warnings/deeper-is-not-better").json()
    assert pain["severity"] == "stop"
    for variant in ("partner", "ball"):
        steps = client.get(f"{SELF_TEST}/steps", params={"variant": variant}).json()["items"]
        for step in steps:
            if step["pressure"] == "none":
                continue
            ids = {w["id"]: w["severity"] for w in step["warnings"]}
            assert ids.get("deeper-is-not-better") == "stop", (variant, step["number"])
            assert ids.get("sciatic-nerve-electric-sensation") == "stop", (variant, step["number"])
