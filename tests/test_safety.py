"""Safety that travels: every step carries its red flags and disclaimer, red flags are screening
questions, and emergency advice fits the reader's region."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
RED_FLAGS = [
    "red-flag-after-serious-accident",
    "red-flag-bladder-or-bowel-problems",
    "red-flag-chest-pain",
    "red-flag-numbness-around-genitals-or-buttocks",
    "red-flag-symptoms-in-both-legs",
    "red-flag-fever-weight-loss-or-swelling",
    "red-flag-pain-at-night-or-not-easing",
    "red-flag-history-of-cancer",
    "red-flag-progressive-leg-weakness",
    "red-flag-sexual-problems-or-saddle-numbness",
    "red-flag-possible-fracture",
    "red-flag-infection-risk",
    "red-flag-pain-between-shoulder-blades",
    "red-flag-sudden-severe-back-or-belly-pain",
    "red-flag-fever-during-chemotherapy",
    "red-flag-unwell-and-injecting-drugs",
    "red-flag-unwell-after-spine-surgery",
    "red-flag-pain-worse-when-coughing",
    "red-flag-sudden-pain-and-long-term-steroids",
    "red-flag-pain-after-minor-fall-older-adult",
]
STEP_URLS = [
    f"{SELF_TEST}/steps",
    f"{SELF_TEST}/steps?variant=partner",
    f"{SELF_TEST}/steps?variant=ball",
    *(f"{SELF_TEST}/steps/{n}" for n in range(1, 10)),
    *(f"{SELF_TEST}/steps/{n}?variant=ball" for n in range(1, 10)),
]
SUFFIXES = (".jsonld", ".html", ".md")
# Numbers and services that belong to one country: never in advice for an unknown region.
COUNTRY_SPECIFIC = re.compile(r"\b(999|911|112|111|A&E|NHS|GP)\b")


def warning(client: TestClient, warning_id: str, lang: str) -> dict[str, str]:
    answer: dict[str, str] = client.get(f"/v1/warnings/{warning_id}", params={"lang": lang}).json()
    return answer


def red_flag_order(client: TestClient) -> list[str]:
    """The order red flags are asked in: the emergencies first (a reader who stops at a yes has
    met them), then the urgent ones, each in the collection's order."""
    warnings = client.get("/v1/warnings", params={"kind": "red-flag"}).json()["items"]
    ordered = sorted(warnings, key=lambda warning: warning["urgency"] != "emergency")
    assert ordered != warnings  # the order is the safety rule's, not the collection's
    return [warning["id"] for warning in ordered]


def test_the_red_flags_are_all_there(client: TestClient) -> None:
    assert sorted(red_flag_order(client)) == sorted(RED_FLAGS)


@pytest.mark.parametrize("url", STEP_URLS)
def test_every_step_in_json_carries_the_red_flags_and_the_disclaimer(
    client: TestClient, url: str
) -> None:
    body = client.get(url).json()
    steps = body.get("items", [body])
    assert steps
    for step in steps:
        safety = step["safety"]
        assert [flag["id"] for flag in safety["red_flags"]] == red_flag_order(client)
        assert all(flag["care"]["advice"] and flag["question"] for flag in safety["red_flags"])
        assert safety["disclaimer"]["id"] == "disclaimer"
        assert safety["screening"] == SELF_TEST


def test_every_step_inside_the_whole_self_test_carries_them(client: TestClient) -> None:
    body = client.get(SELF_TEST).json()
    for variant in body["variants"]:
        for step in variant["steps"]:
            assert [f["id"] for f in step["safety"]["red_flags"]] == red_flag_order(client)
            assert step["safety"]["disclaimer"]["id"] == "disclaimer"


def pointed(document: dict[str, Any], pointer: str) -> Any:
    """What a JSON Pointer in URI fragment form (RFC 6901: ``#/a/0``) names in ``document``."""
    assert pointer.startswith("#/")
    found: Any = document
    for escaped in pointer[2:].split("/"):
        token = escaped.replace("~1", "/").replace("~0", "~")
        found = found[int(token)] if isinstance(found, list) else found[token]
    return found


def with_id(value: Any, wanted: str) -> int:
    """How many objects in ``value`` have the id ``wanted``."""
    if isinstance(value, dict):
        return (value.get("id") == wanted) + sum(with_id(v, wanted) for v in value.values())
    if isinstance(value, list):
        return sum(with_id(item, wanted) for item in value)
    return 0


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("query", ["", "variant=partner", "variant=ball", "variant=all"])
def test_steps_with_the_safety_once_state_it_once_and_every_step_points_to_it(
    client: TestClient, lang: str, query: str
) -> None:
    """`/steps-safety-once` is `/steps` with each step's copy of the safety stated once, at the
    top: every red flag, contraindication and the disclaimer exactly once, every step pointing
    to it, and nothing else of a step lost."""
    params = f"?{query}&lang={lang}" if query else f"?lang={lang}"
    whole = client.get(f"{SELF_TEST}/steps{params}").json()
    lean = client.get(f"{SELF_TEST}/steps-safety-once{params}").json()
    safety = lean["safety"]
    assert [flag["id"] for flag in safety["red_flags"]] == red_flag_order(client)
    assert safety["contraindications"]
    assert safety["disclaimer"]["id"] == "disclaimer"
    assert safety["screening"] == SELF_TEST
    items = [*safety["red_flags"], *safety["contraindications"], safety["disclaimer"]]
    # A step's own `warnings` may name a warning of the safety too: they are not the copy.
    own = {**lean, "items": [{**step, "warnings": []} for step in lean["items"]]}
    assert [with_id(own, item["id"]) for item in items] == [1] * len(items)
    assert lean["count"] == whole["count"] == len(lean["items"]) > 0
    for step, full in zip(lean["items"], whole["items"], strict=True):
        assert "safety" not in step
        assert pointed(lean, step["safety_ref"]) == full["safety"] == safety
        # Everything else of the step, in the same order: its pointer where its copy was.
        assert [k.replace("safety_ref", "safety") for k in step] == list(full)
        assert {k: v for k, v in step.items() if k != "safety_ref"} == {
            k: v for k, v in full.items() if k != "safety"
        }
    self_link = whole["links"]["self"].replace("/steps", "/steps-safety-once")
    assert lean["links"]["self"] == self_link


def test_every_page_of_the_steps_states_the_safety(client: TestClient) -> None:
    url: str | None = f"{SELF_TEST}/steps-safety-once?page_size=4"
    pages = []
    while url:
        page = client.get(url).json()
        assert all(step["safety_ref"] == "#/safety" for step in page["items"])
        pages.append(page)
        url = page["links"].get("next")
    whole = client.get(f"{SELF_TEST}/steps").json()
    assert len(pages) == -(-whole["count"] // 4) > 1
    assert all(page["safety"] == whole["items"][0]["safety"] for page in pages)
    steps = [(s["variant_id"], s["number"]) for page in pages for s in page["items"]]
    assert steps == [(s["variant_id"], s["number"]) for s in whole["items"]]


def test_the_safety_stated_once_gives_the_readers_care_advice(client: TestClient) -> None:
    lean = client.get(f"{SELF_TEST}/steps-safety-once", params={"region": "US"})
    whole = client.get(f"{SELF_TEST}/steps", params={"region": "US"}).json()
    assert lean.headers["content-language"] == "en-US"
    assert lean.json()["safety"] == whole["items"][0]["safety"]
    assert "911" in lean.json()["safety"]["red_flags"][0]["care"]["advice"]


def test_the_default_steps_and_a_step_alone_carry_the_safety_whole(client: TestClient) -> None:
    """What `/steps` and `/steps/{number}` answer by default is unchanged: each step carries
    its safety, and nothing points elsewhere; `safety` is no parameter of theirs."""
    whole = client.get(f"{SELF_TEST}/steps").json()
    assert set(whole) == {"items", "count", "links"}
    one = client.get(f"{SELF_TEST}/steps/5").json()
    for step in [*whole["items"], one]:
        assert "safety_ref" not in step
        assert [flag["id"] for flag in step["safety"]["red_flags"]] == red_flag_order(client)
        assert step["safety"]["contraindications"]
    for url in (f"{SELF_TEST}/steps?safety=once", f"{SELF_TEST}/steps/5?safety=once"):
        problem = client.get(url)
        assert problem.status_code == 400
        assert problem.headers["content-type"] == "application/problem+json"
        assert problem.json()["unknown_params"] == ["safety"]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(
    "path",
    [
        f"{SELF_TEST}/steps",
        f"{SELF_TEST}/steps-safety-once",
        f"{SELF_TEST}/steps/5",
        f"{SELF_TEST}/steps/1",
        SELF_TEST,
    ],
)
def test_every_representation_of_a_step_shows_the_red_flags_and_the_disclaimer(
    client: TestClient, path: str, suffix: str, lang: str
) -> None:
    text = client.get(f"{path}{suffix}", params={"lang": lang}).text
    # JSON-LD names each red flag; a handout asks it, as its screening question, with the
    # action a yes calls for.
    field = "title" if suffix == ".jsonld" else "question"
    wanted = [warning(client, i, lang)[field] for i in RED_FLAGS]
    wanted += [warning(client, i, lang)["action"] for i in RED_FLAGS]
    wanted.append(warning(client, "disclaimer", lang)["title"])
    for words in wanted:
        escaped = words.replace("&", "&amp;").replace('"', "&quot;") if suffix == ".html" else words
        assert words in text or escaped in text, (path, suffix, words)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_screening_list_asks_every_red_flag_in_order(client: TestClient, lang: str) -> None:
    body = client.get(SELF_TEST, params={"lang": lang}).json()
    screening = body["screening"]
    assert [q["warning_id"] for q in screening] == red_flag_order(client)
    for question in screening:
        warning = client.get(question["href"], params={"lang": lang}).json()
        assert question["question"] == warning["question"]
        assert question["question"].endswith("?")
        assert question["if_yes"] == warning["action"]
        assert question["care"] == warning["care"]


def test_screening_questions_are_translated(client: TestClient) -> None:
    english = client.get(SELF_TEST).json()["screening"]
    spanish = client.get(SELF_TEST, params={"lang": "es"}).json()["screening"]
    for en, es in zip(english, spanish, strict=True):
        assert es["question"].startswith("¿")
        assert es["question"] != en["question"]


def test_handouts_ask_the_screening_questions_before_the_steps(client: TestClient) -> None:
    text = client.get(f"{SELF_TEST}.md").text
    questions = [q["question"] for q in client.get(SELF_TEST).json()["screening"]]
    first_step = text.index("Lie face down")
    assert all(0 < text.index(question) < first_step for question in questions)


def advice(client: TestClient, warning: str, **kwargs: Any) -> tuple[str, str]:
    response = client.get(f"/v1/warnings/{warning}", **kwargs)
    return response.json()["care"]["advice"], response.headers["content-language"]


@pytest.mark.parametrize(
    ("request_kwargs", "number", "served"),
    [
        ({"params": {"region": "GB"}}, "999", "en-GB"),
        ({"params": {"region": "gb"}}, "999", "en-GB"),
        ({"headers": {"Accept-Language": "en-GB"}}, "999", "en-GB"),
        ({"headers": {"Accept-Language": "en-US,en;q=0.9"}}, "911", "en-US"),
        ({"headers": {"Accept-Language": "es-MX"}}, "911", "es-MX"),
        ({"headers": {"Accept-Language": "es-ES"}}, "112", "es-ES"),
        ({"params": {"region": "FR", "lang": "es"}}, "112", "es-FR"),
        ({"params": {"region": "US"}, "headers": {"Accept-Language": "en-GB"}}, "911", "en-US"),
    ],
)
def test_emergency_advice_names_the_number_of_the_readers_region(
    client: TestClient, request_kwargs: dict[str, Any], number: str, served: str
) -> None:
    text, language = advice(client, "red-flag-chest-pain", **request_kwargs)
    assert number in text
    assert language == served


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {},
        {"params": {"region": "JP"}},
        {"headers": {"Accept-Language": "es-AR"}},
        {"params": {"lang": "es"}},
    ],
)
def test_an_unknown_region_gets_advice_that_names_no_number(
    client: TestClient, request_kwargs: dict[str, Any]
) -> None:
    text, language = advice(client, "red-flag-chest-pain", **request_kwargs)
    assert not COUNTRY_SPECIFIC.search(text), text
    assert "-" not in language


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_red_flag_names_a_countrys_number_without_a_region(
    client: TestClient, lang: str
) -> None:
    for flag in RED_FLAGS:
        warning = client.get(f"/v1/warnings/{flag}", params={"lang": lang}).json()
        assert warning["care"]["region"] == "default"
        for text in (warning["title"], warning["sign"], warning["action"], warning["question"]):
            assert not COUNTRY_SPECIFIC.search(text), (flag, text)
        assert not COUNTRY_SPECIFIC.search(warning["care"]["advice"]), flag


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("suffix", ["", *SUFFIXES])
@pytest.mark.parametrize("path", ["/v1/warnings", SELF_TEST, f"{SELF_TEST}/steps/5"])
def test_every_representation_gives_the_neutral_advice_without_a_region(
    client: TestClient, path: str, suffix: str, lang: str
) -> None:
    regions = client.get("/v1/regions", params={"lang": lang}).json()["items"]
    text = client.get(f"{path}{suffix}", params={"lang": lang}).text
    for region in regions:
        for advice in (region["emergency"], region["urgent"]):
            shown = advice in text or advice.replace("&", "&amp;") in text
            assert shown == (region["id"] == "default"), (region["id"], advice)


def test_a_region_changes_only_the_care_advice(client: TestClient) -> None:
    neutral = client.get(SELF_TEST).json()
    american = client.get(SELF_TEST, params={"region": "US"}).json()
    assert american["screening"][0]["care"]["region"] == "us"
    assert neutral["screening"][0]["care"]["region"] == "default"
    strip = re.compile(r'"care":\{[^}]*\}')
    assert strip.sub("", client.get(SELF_TEST).text) == strip.sub(
        "", client.get(SELF_TEST, params={"region": "US"}).text
    )


def test_regions_are_listed_with_their_countries(client: TestClient) -> None:
    regions = {r["id"]: r for r in client.get("/v1/regions").json()["items"]}
    assert regions["default"]["countries"] == []
    assert "MX" in regions["mx"]["countries"]
    assert regions["es"]["countries"] == ["ES"]
    assert "ES" not in regions["eu"]["countries"]  # Spain runs no 116 117
    assert "999" in regions["gb"]["emergency"]


@pytest.mark.parametrize(
    ("url", "status", "hint", "field", "value"),
    [
        (
            f"{SELF_TEST}/steps?varient=ball",
            400,
            "varient",
            "accepted_params",
            ["variant", "lang", "region", "paper", "print", "page_size", "cursor"],
        ),
        (f"{SELF_TEST}/steps?limit=3", 400, "limit", "unknown_params", ["limit"]),
        (
            f"{SELF_TEST}/steps-safety-once?safety=each",
            400,
            "safety",
            "unknown_params",
            ["safety"],
        ),
        (
            f"{SELF_TEST}/steps-safety-once?variant=tennis-ball",
            404,
            "partner, ball, all",
            "allowed_values",
            None,
        ),
        ("/v1/muscles?language=es", 400, "language", "unknown_params", ["language"]),
        (f"{SELF_TEST}?variant=tennis-ball", 404, "partner, ball, all", "allowed_values", None),
        (f"{SELF_TEST}?variant=Ball", 404, "partner, ball, all", "allowed_values", None),
        (
            f"{SELF_TEST}/steps/12",
            404,
            "numbered 1 to 9",
            "allowed_range",
            {"minimum": 1, "maximum": 9},
        ),
        (
            f"{SELF_TEST}/steps/12?variant=ball",
            404,
            "numbered 1 to 9",
            "allowed_range",
            {"minimum": 1, "maximum": 9},
        ),
        (
            f"{SELF_TEST}.xml",
            406,
            ".jsonld",
            "available_suffixes",
            [".json", ".jsonld", ".html", ".md", ".pdf", ".svg", ".png", ".fhir"],
        ),
        ("/v1/openapi.json", 404, "/v1/openapi.json", "instance", "/v1/openapi.json"),
    ],
)
def test_mistakes_say_what_would_have_worked(
    client: TestClient, url: str, status: int, hint: str, field: str, value: Any
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert hint in problem["detail"]
    if field == "allowed_values":
        value = ["partner", "ball", "all"]
    assert problem[field] == value


def test_unknown_parameters_are_refused_on_every_content_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for template in spec["paths"]:
        if not template.startswith("/v1"):
            continue
        path = template.replace("{self_test_id}", "muscular-minesweeper").replace("{number}", "1")
        path = re.sub(r"\{[a-z_]+\}", "x", path)
        response = client.get(path, params={"nope": "1"})
        assert response.status_code == 400, path
        assert response.json()["unknown_params"] == ["nope"]
        assert "400" in spec["paths"][template]["get"]["responses"]


def test_a_step_of_every_variant_is_a_404_naming_the_variants(client: TestClient) -> None:
    """``variant=all`` gives every variant of a self-test or its steps; a step is numbered in
    one variant, so for a single step it names none."""
    response = client.get(f"{SELF_TEST}/steps/2?variant=all")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["allowed_values"] == ["partner", "ball"]
    assert client.get(f"{SELF_TEST}/steps?variant=all").status_code == 200
