"""Handouts a practitioner can hand over: each warning once, absolute links, citations, PDF."""

from __future__ import annotations

import re
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import MakeClient, app_client

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
ELECTRIC = "warnings/sciatic-nerve-electric-sensation"


@pytest.fixture(scope="module")
def public() -> Iterator[TestClient]:
    with app_client(public_url="https://fascia.example/") as client:
        yield client


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_a_handout_states_each_warning_in_full_once(
    client: TestClient, lang: str, suffix: str
) -> None:
    electric = client.get(f"/v1/{ELECTRIC}?lang={lang}").json()
    handout = client.get(f"{SELF_TEST}{suffix}?variant=partner&lang={lang}").text
    handout = handout.rpartition("</head>")[2]  # what a reader sees: HTML's body, not its head
    steps = client.get(f"{SELF_TEST}?variant=partner&lang={lang}").json()["variants"][0]["steps"]
    applies = [step for step in steps if electric["id"] in {w["id"] for w in step["warnings"]}]
    # The JSON still carries it on every step it guards: the six that press, and the rest after
    # them, where a feeling that lasts calls for care (its escalations).
    assert len(applies) == 7
    assert handout.count(electric["sign"]) == 1
    assert handout.count(electric["title"]) == 1 + len(applies)  # in full, then one line a step
    steps_start = handout.index(steps[0]["title"])
    assert handout.index(electric["sign"]) < steps_start  # stop warnings before the steps
    disclaimer = client.get(f"/v1/warnings/disclaimer?lang={lang}").json()
    assert handout.count(disclaimer["action"]) == 1


def test_red_flags_come_first_each_question_once(client: TestClient) -> None:
    self_test = client.get(SELF_TEST).json()
    for path in (f"{SELF_TEST}.md", f"{SELF_TEST}/steps/5.md?variant=partner"):
        handout = client.get(path).text
        first_step = handout.index("Keep the sciatic nerve in mind")
        for question in self_test["screening"]:
            assert handout.count(question["question"]) == 1, path
            assert handout.index(question["question"]) < first_step, path


def test_handout_links_are_absolute_and_keep_the_language(public: TestClient) -> None:
    handout = public.get(f"{SELF_TEST}/steps/5.md?variant=partner&lang=es").text
    links = re.findall(r"\]\(<([^>]+)>\)", handout)
    assert links
    for link in links:
        assert link.startswith("https://"), link
        if link.startswith("https://fascia.example/"):
            assert link.endswith("lang=es"), link
    assert f"https://fascia.example{SELF_TEST}/steps/5.svg?variant=partner&lang=es" in links


def test_without_a_public_url_links_use_the_requests_own_allowed_origin(
    make_client: MakeClient,
) -> None:
    hosts = ("one.example", "two.example:8080")
    client = make_client(allowed_hosts=hosts)
    one = client.get(f"{SELF_TEST}.md", headers={"Host": "one.example"}).text
    two = client.get(f"{SELF_TEST}.md", headers={"Host": "TWO.example:8080"}).text
    assert f"(<http://one.example{SELF_TEST}.svg?lang=en>)" in one
    assert f"(<http://two.example:8080{SELF_TEST}.svg?lang=en>)" in two  # not the cached one
    responses = client.app.state.responses  # type: ignore[attr-defined]
    kept = len(responses.entries)
    for host in ("evil.example", "evil.example/<x>", "one.example:9", "two.example"):
        other = client.get(f"{SELF_TEST}.md", headers={"Host": host}).text
        assert other == one  # any other Host is answered as the first allowed one
    assert len(responses.entries) == kept  # and splits no cache entry


def test_every_handout_ends_with_citations_licence_and_version(client: TestClient) -> None:
    handout = client.get("/v1/muscles/gluteus-maximus.md?lang=es").text
    version = client.get("/v1/muscles/gluteus-maximus").headers["fascia-content-version"]
    assert "OpenStax. https://openstax.org/" in handout
    assert "CC BY 4.0. consultado el 2026-11-26." in handout
    guide = client.get("/v1/guides/glutes-and-low-back-pain?lang=es").json()
    assert f"- **Licencia:** {guide['title']}, © Fascia. CC BY 4.0" in handout
    assert f"- **Versión del contenido:** {version}" in handout
    assert "A Real Pain in the Butt" in handout  # the adapted article, always


def test_sources_and_guides_say_how_to_credit_them(client: TestClient) -> None:
    nhs = client.get("/v1/sources/nhs-back-pain").json()
    assert nhs["license"] == {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    }
    assert nhs["attribution"]["text"] == (
        "Back pain. NHS website. https://www.nhs.uk/conditions/back-pain/. "
        "Open Government Licence v3.0. accessed 2026-11-26."
    )
    assert '<a href="https://www.nhs.uk/conditions/back-pain/">' in nhs["attribution"]["html"]
    article = client.get("/v1/sources/a-real-pain-in-the-butt").json()
    assert article["license"] is None  # not stated by the article: not guessed
    guide = client.get("/v1/guides/glutes-and-low-back-pain.jsonld").json()
    assert guide["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert guide["copyrightHolder"] == {"@type": "Organization", "name": "Fascia"}


@pytest.mark.parametrize(
    ("lang", "actor", "pressure", "severity"),
    [("en", "Your partner", "gentle", "Stop"), ("es", "Tu acompañante", "suave", "Detente")],
)
def test_codes_come_with_labels_in_the_served_language(
    client: TestClient, lang: str, actor: str, pressure: str, severity: str
) -> None:
    step = client.get(f"{SELF_TEST}/steps/3?variant=partner&lang={lang}").json()
    assert (step["actor"], step["actor_label"]) == ("partner", actor)
    assert (step["pressure"], step["pressure_label"]) == ("gentle", pressure)
    assert (step["warnings"][0]["severity"], step["warnings"][0]["severity_label"]) == (
        "stop",
        severity,
    )
    colour = step["landmarks"][1]
    assert colour["diagram_colour"] == "green"
    assert colour["diagram_colour_label"] == {"en": "green", "es": "verde"}[lang]


def pdf_text(body: bytes, tmp_path: Path) -> str:
    return " ".join(pdf_pages(body, tmp_path))


def pdf_pages(body: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of the PDF, its white space collapsed."""
    path = tmp_path / "handout.pdf"
    path.write_bytes(body)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return [" ".join(page.split()) for page in result.stdout.decode().split("\f")]


def pdf_info(body: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_language(body: bytes) -> str | None:
    """The document catalog's /Lang, looked for in the PDF's compressed streams too."""
    chunks = [body]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", body, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    for chunk in chunks:
        if found := re.search(rb"/Lang\s*\(([^)]*)\)", chunk):
            return found.group(1).decode()
    return None


@pytest.mark.contract
@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_handout_carries_every_stop_warning_and_the_disclaimer(
    client: TestClient, lang: str, tmp_path: Path
) -> None:
    by_suffix = client.get(f"{SELF_TEST}.pdf?variant=partner&lang={lang}")
    assert by_suffix.status_code == 200
    assert by_suffix.headers["content-type"] == "application/pdf"
    by_accept = client.get(
        f"{SELF_TEST}?variant=partner&lang={lang}", headers={"Accept": "application/pdf"}
    )
    assert by_accept.content == by_suffix.content
    text = pdf_text(by_suffix.content, tmp_path)
    self_test = client.get(f"{SELF_TEST}?variant=partner&lang={lang}").json()
    stops = {w["title"]: w for s in self_test["variants"][0]["steps"] for w in s["warnings"]}
    assert stops
    for warning in stops.values():
        assert warning["title"] in text
    for question in self_test["screening"]:
        assert " ".join(question["question"].split()) in text
    disclaimer = client.get(f"/v1/warnings/disclaimer?lang={lang}").json()
    assert " ".join(disclaimer["action"].split()) in text
    info = pdf_info(by_suffix.content, tmp_path)
    assert info["Title"] == self_test["name"]
    assert info["Author"] == "Fascia"
    assert pdf_language(by_suffix.content) == lang


def test_pdf_is_cached_and_revalidated(client: TestClient) -> None:
    first = client.get("/v1/landmarks/sacrum.pdf")
    again = client.get("/v1/landmarks/sacrum.pdf", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/v1/landmarks/sacrum.pdf").content == first.content
