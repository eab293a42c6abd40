"""What clinical systems ask for: lookup by code, HL7 Infobutton (Atom and JSON), and the
screening as a FHIR R4 Questionnaire."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import feedparser
import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from api import ContentError, Settings, create_app, load_catalog
from api.bundle.resources import (
    AtomCategory,
    AtomLink,
    AtomPerson,
    AtomText,
    AtomValue,
    InfobuttonEntry,
    InfobuttonFeed,
    InfobuttonResponse,
)
from api.bundle.store import Store
from api.content.terminology import BY_NAME, BY_OID, BY_URI, CLINICAL
from api.render import atom
from tests.conftest import BUNDLE, ROOT

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
ATOM = "{http://www.w3.org/2005/Atom}"


def clinical_codes(client: TestClient) -> list[tuple[str, str, str | None]]:
    """(system URI, code, label) of every clinical code the conditions carry."""
    found = []
    for condition in client.get("/v1/conditions").json()["items"]:
        for code in condition["codes"]:
            if code["system"] in BY_NAME:
                assert code["system_uri"] == BY_NAME[code["system"]].uri
                found.append((code["system_uri"], code["code"], code["label"]))
            else:
                assert code["system_uri"] is None
    return found


def test_the_guide_carries_a_code_in_every_clinical_system(client: TestClient) -> None:
    systems = {uri for uri, _, _ in clinical_codes(client)}
    assert systems == {system.uri for system in CLINICAL}
    # Each system's codes are checked against a source the condition cites.
    condition = client.get("/v1/conditions/low-back-pain").json()
    cited = {source["id"] for source in condition["sources"]}
    assert {system.source_id for system in CLINICAL} <= cited
    for system in CLINICAL:
        source = client.get(f"/v1/sources/{system.source_id}").json()
        assert source["kind"] == "terminology"
        assert system.uri in source["used_for"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_code_round_trips_through_lookup(client: TestClient, locale: str) -> None:
    for uri, code, label in clinical_codes(client):
        answer = client.get("/v1/lookup", params={"system": uri, "code": code, "lang": locale})
        assert answer.status_code == 200, (uri, code)
        body = answer.json()
        assert (body["system"], body["code"], body["display"]) == (uri, code, label)
        kinds = [item["kind"] for item in body["items"]]
        assert kinds == sorted(kinds, key=["conditions", "guides", "self-tests"].index)
        assert {"conditions", "guides", "self-tests"} <= set(kinds)
        for item in body["items"]:
            linked = client.get(item["href"], params={"lang": locale})
            assert linked.status_code == 200
            assert linked.json()["id"] == item["id"]
            assert answer.headers["content-language"] == locale


def test_icd_codes_match_without_case_or_dot(client: TestClient) -> None:
    system = BY_URI["http://hl7.org/fhir/sid/icd-10-cm"].uri
    for asked in ("M54.50", "m54.50", "M5450"):
        answer = client.get("/v1/lookup", params={"system": system, "code": asked})
        assert answer.status_code == 200, asked
        assert answer.json()["code"] == "M54.50"
    # SNOMED CT ids are numbers: no such folding makes another code match.
    sct = client.get("/v1/lookup", params={"system": "http://snomed.info/sct", "code": "27903900"})
    assert sct.status_code == 404


def test_unknown_systems_and_codes_say_what_is_known(client: TestClient) -> None:
    bad = client.get("/v1/lookup", params={"system": "urn:oid:2.16.840.1.113883.6.96", "code": "1"})
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["allowed_values"] == list(BY_URI)
    missing = client.get("/v1/lookup", params={"system": "http://snomed.info/sct", "code": "1"})
    assert missing.status_code == 404
    assert missing.json()["allowed_values"] == ["279039007"]
    assert "'code'" in missing.json()["detail"]
    absent = client.get("/v1/lookup", params={"code": "1"})
    assert absent.status_code == 422


def test_lookup_is_paged_like_every_collection(client: TestClient) -> None:
    query = {"system": "http://snomed.info/sct", "code": "279039007"}
    whole = client.get("/v1/lookup", params=query).json()["items"]
    seen, url, params = [], "/v1/lookup", {**query, "page_size": "1"}
    while url:
        page = client.get(url, params=params).json()
        seen += page["items"]
        url, params = page["links"].get("next"), None
    assert seen == whole


def test_the_code_index_is_in_the_bundle_and_starting_reads_no_item_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build writes what each code finds into the bundle: creating the app parses no
    condition or self-test (and a guide only for the credit line), and a lookup is a query."""
    parsed: list[str] = []
    parse = Store._parse

    def counted(store: Store, key: tuple[str, Any, str], body: str) -> Any:
        parsed.append(key[1])
        return parse(store, key, body)

    monkeypatch.setattr(Store, "_parse", counted)
    app = create_app(Settings(bundle=BUNDLE))
    assert "conditions" not in parsed
    assert "self-tests" not in parsed
    assert parsed.count("guides") <= len(app.state.store.meta.locales)  # the credit line
    with closing(sqlite3.connect(BUNDLE)) as bundle:
        rows = dict(bundle.execute("SELECT locale, count(*) FROM codes GROUP BY locale"))
    assert set(rows) == set(app.state.store.meta.locales)
    snomed = BY_NAME["SNOMED-CT"]
    found = app.state.lookup.find("es", snomed, " 279039007 ")
    assert [match.kind for match in found.matches] == ["conditions", "guides", "self-tests"]
    assert "conditions" not in parsed  # read from the index, not from the items
    assert app.state.lookup.codes("es", snomed) == ("279039007",)
    assert app.state.lookup.find("es", snomed, "1") is None


def infobutton(client: TestClient, **params: str) -> Any:
    query = {
        "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.96",
        "mainSearchCriteria.v.c": "279039007",
        **params,
    }
    return client.get("/infobutton", params=query)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_infobutton_atom_is_a_valid_feed_in_the_readers_language(
    client: TestClient, locale: str
) -> None:
    answer = infobutton(client, **{"informationRecipient.languageCode.c": locale})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert answer.headers["content-language"] == locale
    feed = feedparser.parse(answer.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    # What RFC 4287 requires of a feed and of each entry, read with a plain XML parser.
    root = ET.fromstring(answer.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    lookup = client.get(
        "/v1/lookup",
        params={"system": "http://snomed.info/sct", "code": "279039007", "lang": locale},
    ).json()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(feed.entries) == lookup["count"]
    disclaimer = client.get("/v1/warnings/disclaimer", params={"lang": locale}).json()
    self_test = client.get(SELF_TEST, params={"lang": locale}).json()
    for entry, item, parsed in zip(entries, lookup["items"], feed.entries, strict=True):
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert parsed.title == item["name"]
        assert parsed.title_detail.language == locale
        html = next(link for link in parsed.links if link.type == "text/html")
        assert html.href.endswith(f"{item['href']}.html?lang={locale}")
        summary = parsed.summary
        notice = client.get("/v1", params={"lang": locale}).json()["governance"]["notice"]
        assert summary.startswith(f"{notice}\n\n{item['summary']}")  # a draft says so first
        assert summary.endswith(disclaimer["action"])  # the disclaimer on every entry
        if item["kind"] == "self-tests":  # the screening comes before the steps
            assert f" {len(self_test['screening'])} " in summary
            assert f" {len(self_test['contraindications'])} " in summary
    terms = {c["scheme"]: c["term"] for c in feed.feed.tags}
    assert terms["mainSearchCriteria.v.c"] == "279039007"


def test_infobutton_json_is_the_same_feed_and_the_documented_shape(
    app: FastAPI, client: TestClient
) -> None:
    parsed = feedparser.parse(infobutton(client).content)
    asked = infobutton(client, knowledgeResponseType="application/json")
    query = {
        "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.96",
        "mainSearchCriteria.v.c": "279039007",
    }
    accepted = client.get("/infobutton", params=query, headers={"Accept": "application/json"})
    xml = infobutton(client, knowledgeResponseType="text/xml")
    assert xml.content == infobutton(client).content
    assert asked.headers["content-type"] == accepted.headers["content-type"] == "application/json"
    assert asked.content == accepted.content
    body = asked.json()
    InfobuttonResponse.model_validate(body)
    spec = app.openapi()
    ok = spec["paths"]["/infobutton"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "application/atom+xml"}
    jsonschema.validate(body, {**spec, **ok["content"]["application/json"]["schema"]})
    entries = body["feed"]["entry"]
    assert [e["title"]["_value"] for e in entries] == [e.title for e in parsed.entries]
    assert [e["summary"]["_value"] for e in entries] == [e.summary for e in parsed.entries]
    assert entries[0]["link"][0]["href"]  # as MedlinePlus Connect's clients read it


def test_the_atom_writer_escapes_markup_in_text_and_attributes() -> None:
    """Whatever the content or the request says (quotes, angle brackets, ampersands) reaches a
    feed reader as text, in elements and in attributes alike; JSON is the same feed."""
    tricky = """Pain & "tingling" <or> 'numbness'"""
    text, value = AtomText(value=tricky), AtomValue(value=tricky)
    updated = AtomValue(value="2024-05-01T00:00:00Z")  # written by the feed, never content
    link = AtomLink(href=f"/v1/x?b={tricky}", rel="alternate", type="text/html", hreflang="en",
                    title=tricky)  # fmt: skip
    entry = InfobuttonEntry(lang="en", title=text, link=(link,), id=value, updated=updated,
                            summary=text, rights=text)  # fmt: skip
    person = AtomPerson(name=value, uri=value)
    feed = InfobuttonFeed(lang="en", base="http://x/", title=text, subtitle=text, author=person,
                          updated=updated, id=value, rights=text, entry=(entry,),
                          category=(AtomCategory(scheme=tricky, term=tricky),))  # fmt: skip
    answer = InfobuttonResponse(feed=feed)
    root = ET.fromstring(atom.render(answer, atom.MEDIA_TYPE))
    assert root.findtext(f"{ATOM}subtitle") == tricky
    category = root.find(f"{ATOM}category")
    assert category is not None
    assert category.get("term") == category.get("scheme") == tricky
    (written,) = root.findall(f"{ATOM}entry")
    assert written.findtext(f"{ATOM}summary") == tricky
    parsed = written.find(f"{ATOM}link")
    assert parsed is not None
    assert (parsed.get("href"), parsed.get("title")) == (link.href, tricky)
    as_json = atom.render(answer, atom.JSON_MEDIA_TYPE)
    assert InfobuttonResponse.model_validate_json(as_json) == answer


@pytest.mark.parametrize("system", list(BY_OID.values()), ids=lambda s: s.name)
def test_infobutton_oids_find_what_lookup_finds(client: TestClient, system: Any) -> None:
    for uri, code, _ in clinical_codes(client):
        if uri != system.uri:
            continue
        lookup = client.get("/v1/lookup", params={"system": uri, "code": code}).json()
        answer = infobutton(
            client,
            **{"mainSearchCriteria.v.cs": system.oid, "mainSearchCriteria.v.c": code},
            knowledgeResponseType="application/json",
        ).json()
        ids = [entry["id"]["_value"].rpartition("/")[2] for entry in answer["feed"]["entry"]]
        assert ids == [item["id"] for item in lookup["items"]]


def test_infobutton_ignores_context_it_does_not_use_and_refuses_the_rest(
    client: TestClient,
) -> None:
    plain = infobutton(client)
    context = {
        "taskContext.c.c": "PROBLISTREV",
        "patientPerson.administrativeGenderCode.c": "F",
        "age.v.v": "45",
        "age.v.u": "a",
        "informationRecipient": "PAT",
        "performer": "PROV",
        "mainSearchCriteria.v.dn": "Low back pain",
    }
    with_context = infobutton(client, **context)
    assert with_context.status_code == 200
    assert feedparser.parse(with_context.content).entries == feedparser.parse(plain.content).entries
    unknown = infobutton(client, foo="1")
    assert unknown.status_code == 400
    assert unknown.json()["unknown_params"] == ["foo"]
    not_an_oid = infobutton(client, **{"mainSearchCriteria.v.cs": "icd-9"})
    assert not_an_oid.status_code == 400
    assert not_an_oid.json()["allowed_values"] == list(BY_OID)


@pytest.mark.parametrize("response_type", ["application/atom+xml", "application/json"])
@pytest.mark.parametrize(
    "miss",
    [
        {"mainSearchCriteria.v.c": "J45.909"},  # asthma: nothing is written for it
        {"mainSearchCriteria.v.cs": "2.16.840.1.113883.6.88", "mainSearchCriteria.v.c": "1191"},
    ],
    ids=["a code we have nothing for", "a code system we do not carry (RxNorm)"],
)
def test_infobutton_answers_a_miss_with_an_empty_feed(
    client: TestClient, response_type: str, miss: dict[str, str]
) -> None:
    """As MedlinePlus Connect does: an EHR sends whatever code is on the chart."""
    answer = infobutton(client, knowledgeResponseType=response_type, **miss)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(response_type)
    if response_type == "application/json":
        assert answer.json()["feed"]["entry"] == []
        return
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.bozo_exception  # a well-formed feed, read as one
    assert parsed.entries == []
    assert miss["mainSearchCriteria.v.c"] in parsed.feed.subtitle


def test_infobutton_refuses_jsonp_naming_the_parameter(client: TestClient) -> None:
    """JSONP would run the answer as script in the asking page: not offered (the JSON is
    readable from any origin), refused as any value the document does not list."""
    answer = infobutton(client, knowledgeResponseType="application/javascript")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "knowledgeResponseType" in answer.json()["detail"]
    assert "'application/json'" in answer.json()["detail"]


def questionnaire(client: TestClient, **params: str) -> dict[str, Any]:
    answer = client.get(f"{SELF_TEST}.fhir", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/fhir+json"
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize(("locale", "region"), [("en", "US"), ("es", "MX"), ("en", "")])
def test_the_screening_is_a_valid_fhir_questionnaire(
    client: TestClient, locale: str, region: str
) -> None:
    params = {"lang": locale, **({"region": region} if region else {})}
    body = questionnaire(client, **params)
    Questionnaire.model_validate(body)  # FHIR R4B's own model: cardinalities, types, values
    self_test = client.get(SELF_TEST, params=params).json()
    index = client.get("/v1", params=params)
    assert body["version"] == index.headers["fascia-content-version"]
    assert body["language"] == locale
    # Not signed off by a clinician: a draft, as FHIR says it (a test signs a copy off).
    assert (body["status"], body["experimental"]) == ("draft", True)
    # One identity per text: the language and the region's care are in it; the Host is not.
    assert body["url"] == f"http://127.0.0.1:8000{SELF_TEST}.fhir?{urlencode(params)}"
    elsewhere = client.get(f"{SELF_TEST}.fhir", params=params, headers={"Host": "localhost:8000"})
    assert elsewhere.json()["url"] == body["url"]
    guide = client.get("/v1/guides/glutes-and-low-back-pain", params=params).json()
    assert body["copyright"] == guide["attribution"]["text"]
    assert body["publisher"] == guide["copyright_holder"]
    disclaimer, flags, contraindications, stop, go = body["item"]
    asked = [q["warning_id"] for q in (*self_test["screening"], *self_test["contraindications"])]
    # "Any yes means do not do the check", computable: a STOP on any yes, step 1 on all noes.
    assert (stop["linkId"], stop["type"], stop["enableBehavior"]) == (
        "outcome-stop",
        "display",
        "any",
    )
    assert stop["enableWhen"] == [
        {"question": q, "operator": "=", "answerBoolean": True} for q in asked
    ]
    assert (go["linkId"], go["enableBehavior"]) == ("outcome-go", "all")
    assert go["enableWhen"] == [
        {"question": q, "operator": "=", "answerBoolean": False} for q in asked
    ]
    shown = next(w for w in self_test["warnings"] if w["kind"] == "disclaimer")
    assert disclaimer == {
        "linkId": "disclaimer",
        "type": "display",
        "text": f"{shown['title']}: {shown['action']}",
    }
    assert_pairs(
        flags["item"], self_test["screening"], lambda q: [q["if_yes"], q["care"]["advice"]]
    )
    assert_pairs(
        contraindications["item"],
        self_test["contraindications"],
        lambda q: [q["reason"], q["instead"]],
    )


def assert_pairs(items: list[dict[str, Any]], questions: list[dict[str, Any]], said: Any) -> None:
    """Each question as a required boolean, then a display enabled by its yes that says what a
    yes means, word for word."""
    assert len(items) == 2 * len(questions)
    pairs = list(zip(items[::2], items[1::2], strict=True))
    for (asked, meaning), question in zip(pairs, questions, strict=True):
        assert asked == {
            "linkId": question["warning_id"],
            "type": "boolean",
            "text": question["question"],
            "required": True,
        }
        assert meaning["type"] == "display"
        assert meaning["enableWhen"] == [
            {"question": question["warning_id"], "operator": "=", "answerBoolean": True}
        ]
        for text in said(question):
            assert text in meaning["text"]


def test_the_questionnaire_is_negotiated_and_only_for_self_tests(client: TestClient) -> None:
    by_accept = client.get(SELF_TEST, headers={"Accept": "application/fhir+json"})
    assert by_accept.status_code == 200
    assert by_accept.content == client.get(f"{SELF_TEST}.fhir").content
    for path in ("/v1/muscles/gluteus-maximus", f"{SELF_TEST}/steps/1", "/v1/self-tests"):
        assert client.get(f"{path}.fhir").status_code == 406, path
        answer = client.get(path, headers={"Accept": "application/fhir+json"})
        assert answer.status_code == 406, path


def worked_example() -> dict[str, Any]:
    """The worked example of the docs page for clinical systems."""
    page = (ROOT / "docs" / "clinical-systems-and-assistants.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- questionnaire-response -->\s*```json\n(.*?)```", page, re.S)
    assert match, "the docs have a worked QuestionnaireResponse example"
    example: dict[str, Any] = json.loads(match.group(1))
    return example


def test_the_worked_questionnaire_response_answers_this_questionnaire(client: TestClient) -> None:
    example = worked_example()
    QuestionnaireResponse.model_validate(example)
    body = questionnaire(client)
    assert example["questionnaire"].endswith(body["url"].removeprefix("http://127.0.0.1:8000"))
    assert "?lang=en" in example["questionnaire"]
    asked = {
        item["linkId"]: item
        for group in body["item"]
        for item in group.get("item", [])
        if item["type"] == "boolean"
    }
    answers = [a for group in example["item"] for a in group["item"]]
    yes = [a for a in answers if a["answer"] == [{"valueBoolean": True}]]
    assert len(yes) == 1
    assert example["status"] == "completed"
    assert [a["linkId"] for a in answers] == list(asked)  # every question, in order
    for answer in answers:
        assert answer["linkId"] in asked
        assert answer["text"] == asked[answer["linkId"]]["text"]


def test_a_clinical_code_without_its_terminology_stops_the_build(content_copy: Path) -> None:
    condition = content_copy / "en" / "conditions" / "low-back-pain.yaml"
    text = condition.read_text(encoding="utf-8")
    condition.write_text(text.replace(", icd-11]", "]"), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalog(content_copy)
    (problem,) = raised.value.problems
    assert problem.file.endswith("conditions/low-back-pain.yaml")
    assert problem.line is not None
    assert problem.field.endswith(".system")
    assert "'icd-11'" in problem.message


@pytest.mark.parametrize("text", ["%01%02%0B", "back%00pain", "%EF%BF%BE"])
def test_infobutton_refuses_what_xml_cannot_carry(client: TestClient, text: str) -> None:
    """Characters XML 1.0 does not allow would make the Atom feed ill-formed: refused, named."""
    base = (
        "/infobutton?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=M54.50"
    )
    response = client.get(f"{base}&mainSearchCriteria.v.dn={text}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "mainSearchCriteria.v.dn" in response.json()["detail"]
    fine = client.get(f"{base}&mainSearchCriteria.v.dn=Dolor%20lumbar%20%C3%B1")
    assert fine.status_code == 200
    ET.fromstring(fine.content)  # well-formed


@pytest.mark.parametrize("accept", ["application/fhir+json", "application/json+fhir"])
def test_the_questionnaire_answers_the_fhir_media_type_and_its_legacy_name(
    client: TestClient, accept: str
) -> None:
    """``application/json+fhir`` is FHIR DSTU2's name for the same thing: older clients send it."""
    answer = client.get(SELF_TEST, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/fhir+json"
    assert answer.json()["resourceType"] == "Questionnaire"
