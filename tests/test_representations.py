"""Every collection and item, in each representation and both languages."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import html5lib
import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.bundle.labels import labels_for
from tests import vocabulary
from tests.conftest import ROOT, MakeClient, bundle_of
from tests.spec import json_operations, parameters

pytestmark = pytest.mark.unit

LOCALES = ("en", "es")
REPRESENTATIONS = {
    "application/json": ".json",
    "application/ld+json": ".jsonld",
    "text/html": ".html",
    "text/markdown": ".md",
}


def v1_examples() -> list[tuple[str, str]]:
    """(operation id, example path) for every /v1 operation, from the app's own document: the
    committed one, which test_openapi holds equal to it, read rather than built at collection."""
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    cases = []
    for template, operation in json_operations(spec):
        if not template.startswith("/v1") or "406" not in operation["responses"]:
            continue  # not content: the web component's script and where it is
        path, query = template, ""
        for parameter in parameters(spec, operation):
            example = parameter["schema"].get("examples", [""])[0]
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", str(example))
            elif parameter["in"] == "query" and parameter.get("required"):
                query += f"{parameter['name']}={example}&"
        cases.append((operation["operationId"], f"{path}?{query}"))
    return cases


CASES = v1_examples()


def get(client: TestClient, path: str, media_type: str, locale: str) -> Any:
    response = client.get(f"{path}lang={locale}", headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == locale
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Encoding"
    return response


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("operation", "path"), CASES)
def test_json_conforms_to_the_schema(
    app: FastAPI, client: TestClient, operation: str, path: str, locale: str
) -> None:
    spec = app.openapi()
    body = get(client, path, "application/json", locale).json()
    template = next(
        t for t, item in spec["paths"].items() if item["get"]["operationId"] == operation
    )
    schema = spec["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
    jsonschema.validate(body, {**spec, **schema["schema"]})


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("operation", "path"), CASES)
def test_json_ld_uses_only_schema_org_terms(
    app: FastAPI, client: TestClient, operation: str, path: str, locale: str
) -> None:
    document = get(client, path, "application/ld+json", locale).json()
    assert document["@context"] == "https://schema.org"
    spec = app.openapi()
    jsonschema.validate(document, {**spec, "$ref": "#/components/schemas/JsonLd"})
    assert vocabulary.problems(document) == []


LINKED_DATA = re.compile(r'<script type="application/ld\+json">([^<]*)</script>\n')


def without_linked_data(page: str) -> str:
    """The page less its one JSON-LD data block (checked to be valid JSON, with no "<")."""
    blocks = LINKED_DATA.findall(page)
    assert len(blocks) == 1
    json.loads(blocks[0])
    return LINKED_DATA.sub("", page)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("operation", "path"), CASES)
def test_html_is_a_valid_accessible_page(
    client: TestClient, operation: str, path: str, locale: str
) -> None:
    page = get(client, path, "text/html", locale).text
    html5lib.HTMLParser(strict=True).parse(page)  # raises on any parse error
    assert f'<html lang="{locale}">' in page
    assert "<script" not in without_linked_data(page).lower()  # data, never code
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    assert_handout_footer(client, page, locale, path)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("operation", "path"), CASES)
def test_markdown_is_a_structured_handout(
    client: TestClient, operation: str, path: str, locale: str
) -> None:
    text = get(client, path, "text/markdown", locale).text
    lines = text.splitlines()
    # The content is not signed off: the draft notice, then the title.
    assert lines[0] == f"> **{labels_for(locale)['status.draft']}**"
    assert lines[2].startswith("# ")
    assert sum(line.startswith("# ") for line in lines) == 1
    assert any(line.startswith("## ") for line in lines)
    assert_handout_footer(client, text, locale, path)


def assert_handout_footer(client: TestClient, text: str, locale: str, path: str) -> None:
    """Every handout carries the disclaimer; one showing content credits the adapted article."""
    disclaimer = client.get("/v1/warnings/disclaimer", params={"lang": locale}).json()
    assert disclaimer["title"] in text
    # Not from a guide; the feed since the only release lists nothing, so it shows no content;
    # the safety case reports on the content, and shows none of it.
    if not path.startswith(
        ("/v1?", "/v1/locales", "/v1/regions", "/v1/changes", "/v1/safety-case")
    ):
        assert "A Real Pain in the Butt" in text


@pytest.mark.parametrize("suffix", REPRESENTATIONS.values())
@pytest.mark.parametrize(
    "path",
    [
        "/v1",
        "/v1/muscles",
        "/v1/self-tests/muscular-minesweeper",
        "/v1/locales",
        "/v1/self-tests/muscular-minesweeper/steps/5",
    ],
)
def test_suffix_url_equals_accept(client: TestClient, path: str, suffix: str) -> None:
    media_type = next(m for m, s in REPRESENTATIONS.items() if s == suffix)
    by_suffix = client.get(path + suffix, headers={"Accept": "image/png"})
    by_accept = client.get(path, headers={"Accept": media_type})
    assert by_suffix.status_code == 200
    assert by_suffix.content == by_accept.content
    assert by_suffix.headers["vary"] == "Accept-Language, Accept-Encoding"


def test_unacceptable_accept_is_406_listing_what_is(client: TestClient) -> None:
    response = client.get("/v1/muscles", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["available"] == [*REPRESENTATIONS, "application/pdf"]


def test_stop_warnings_cannot_be_missed(client: TestClient) -> None:
    path = "/v1/self-tests/muscular-minesweeper/steps/5"
    html = client.get(path + ".html").text
    markdown = client.get(path + ".md").text
    assert '<div class="warning warning-stop" role="note"><p><strong>STOP:' in html
    assert "> ⛔ **STOP: Shooting, tingling, numb or burning feeling down the leg**" in markdown


def test_partner_self_test_handout_has_numbered_steps_in_order(client: TestClient) -> None:
    text = client.get("/v1/self-tests/muscular-minesweeper.md?variant=partner").text
    numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", text, flags=re.MULTILINE)]
    assert numbers == list(range(1, 10))


def test_spanish_is_spanish(client: TestClient) -> None:
    english = client.get("/v1/self-tests/muscular-minesweeper").json()
    spanish = client.get("/v1/self-tests/muscular-minesweeper?lang=es").json()
    assert spanish["name"] != english["name"]
    assert spanish["translation"] == {"locale": "es", "untranslated_fields": []}
    assert [s["number"] for s in spanish["variants"][0]["steps"]] == list(range(1, 10))
    assert json.dumps(spanish).count("sciatic-nerve-electric-sensation") == json.dumps(
        english
    ).count("sciatic-nerve-electric-sensation")


@pytest.mark.parametrize(
    ("headers", "query", "served", "locale"),
    [
        ({"Accept-Language": "es-MX"}, "", "es-MX", "es"),  # Mexico's care advice, in Spanish
        ({"Accept-Language": "es-AR"}, "", "es", "es"),  # no region of its own: neutral advice
        ({"Accept-Language": "fr, es;q=0.4"}, "", "es", "es"),
        ({"Accept-Language": "fr"}, "", "en", "en"),
        ({"Accept-Language": "es"}, "?lang=en", "en", "en"),
        ({"Accept-Language": "es"}, "?lang=en&region=us", "en-US", "en"),
        ({}, "?lang=fr", "en", "en"),
    ],
)
def test_content_language_says_what_was_served(
    client: TestClient, headers: dict[str, str], query: str, served: str, locale: str
) -> None:
    response = client.get(f"/v1/muscles/gluteus-medius{query}", headers=headers)
    assert response.headers["content-language"] == served
    assert response.json()["translation"]["locale"] == locale


def test_locales_report_completeness(client: TestClient) -> None:
    items = {item["locale"]: item for item in client.get("/v1/locales").json()["items"]}
    assert items["en"]["default"] is True
    assert items["es"]["complete"] is True
    assert items["es"]["translated_fields"] == items["es"]["total_fields"] > 100


def test_the_checks_themselves_can_fail() -> None:
    assert vocabulary.problems({"@type": "Muscle", "muscleActions": "x"}) == [
        "$: Muscle has no property 'muscleActions'"
    ]
    assert vocabulary.problems([{"@type": "Musle"}]) == ["$[0]: no schema.org type 'Musle'"]
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse("<!DOCTYPE html><p>a</div>")


def test_every_content_string_is_escaped(content_copy: Path, make_client: MakeClient) -> None:
    hostile = '<script>alert("x")</script> & [link](javascript:alert(1)) *bold* # title'
    muscle = content_copy / "en" / "muscles" / "gluteus-minimus.yaml"
    text = muscle.read_text(encoding="utf-8")
    muscle.write_text(text.replace("common_name: Glute min", f"common_name: '{hostile}'"))
    client = make_client(bundle=bundle_of(content_copy))
    html = client.get("/v1/muscles/gluteus-minimus.html").text
    assert "<script" not in without_linked_data(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; [link]" in html
    markdown = client.get("/v1/muscles/gluteus-minimus.md").text
    assert "\\[link\\](javascript:alert(1)) \\*bold\\* # title" in markdown
    assert "\\<script\\>" in markdown
    jsonld = client.get("/v1/muscles/gluteus-minimus.jsonld").json()
    assert jsonld["alternateName"] == hostile
