"""Clinical sign-off decides what is published: a draft says so on every surface, and only an
approval of the current version, for every item, makes the content active.

The sample content ships with no sign-off (no clinician has signed it); these tests write their
own records into temporary copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from mcp import Client

from api import Settings, check_content, create_app
from api.app import mcp_server
from api.bundle.labels import labels_for
from api.content.library import content_version
from tests.conftest import CONTENT, bundle_of
from tests.test_mcp import run, text_of

pytestmark = pytest.mark.unit

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
SIGN_OFFS = Path("governance") / "sign-offs.yaml"
INFOBUTTON = {
    "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.96",
    "mainSearchCriteria.v.c": "279039007",
    "knowledgeResponseType": "application/json",
}


def sign(content: Path, **changes: Any) -> None:
    """Write one sign-off record into ``content``: an approval of its current version."""
    record = {
        "content_version": content_version(content),
        "role": "Clinical Safety Officer",
        "name": "A. Tester",
        "professional_body": "Test register",
        "registration": "TEST-0001",
        "date": date.today().isoformat(),
        "decision": "approved",
        "scope": ["all"],
        "notes": "Written by a test, in a temporary copy.",
    } | changes
    path = content / SIGN_OFFS
    path.write_text(yaml.safe_dump({"sign_offs": [record]}, sort_keys=False), encoding="utf-8")


@pytest.fixture
def signed_client(content_copy: Path) -> Iterator[TestClient]:
    sign(content_copy)
    app = create_app(Settings(bundle=bundle_of(content_copy)))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def surfaces(client: TestClient) -> dict[str, Any]:
    """What each surface starts with, for the self-test (or its step 5)."""
    app: Any = client.app

    async def work(mcp: Client) -> str:
        return text_of(await mcp.call_tool("get_self_test", {"language": "en"}))

    infobutton = client.get("/infobutton", params=INFOBUTTON).json()
    return {
        "index": client.get("/v1").json()["governance"],
        "item": client.get(SELF_TEST).json()["status"],
        "step": client.get(f"{SELF_TEST}/steps/5").json()["status"],
        "muscle": client.get("/v1/muscles/gluteus-maximus").json()["status"],
        "manifest": client.get("/v1/manifest").json()["status"],
        "html": client.get(f"{SELF_TEST}.html").text,
        "embed": client.get(f"/embed{SELF_TEST.removeprefix('/v1')}/steps/5").text,
        "markdown": client.get(f"{SELF_TEST}.md").text.splitlines()[0],
        "fhir": client.get(f"{SELF_TEST}.fhir").json(),
        "jsonld": client.get(f"{SELF_TEST}.jsonld").json(),
        "mcp": run(work, mcp_server(app)).splitlines()[0],
        "infobutton": infobutton["feed"]["entry"][0]["summary"]["_value"],
    }


def test_the_sample_content_is_a_draft_on_every_surface(client: TestClient) -> None:
    notice = labels_for("en")["status.draft"]
    shown = surfaces(client)
    assert shown["index"] == {
        "status": "draft",
        "content_version": content_version(CONTENT),
        "sign_off": None,
        "notice": notice,
    }
    assert shown["item"] == shown["step"] == shown["muscle"] == shown["manifest"] == "draft"
    for page in ("html", "embed"):  # the notice comes before the title
        assert shown[page].index(f'<p class="draft" role="note"><strong>{notice}') < shown[
            page
        ].index("<h1>"), page
    assert shown["markdown"] == f"> **{notice}**"
    assert (shown["fhir"]["status"], shown["fhir"]["experimental"]) == ("draft", True)
    assert shown["jsonld"]["creativeWorkStatus"] == "Draft"
    assert shown["mcp"] == notice
    assert shown["infobutton"].startswith(f"{notice}\n\n")
    spanish = client.get("/v1", params={"lang": "es"}).json()["governance"]["notice"]
    assert spanish == labels_for("es")["status.draft"]


def test_the_shipped_records_name_no_clinician() -> None:
    """No record may pretend a clinician signed the sample content."""
    records = yaml.safe_load((CONTENT / SIGN_OFFS).read_text(encoding="utf-8"))
    assert records == {"sign_offs": []}


def test_an_approval_of_this_version_turns_every_surface_active(
    signed_client: TestClient,
) -> None:
    shown = surfaces(signed_client)
    assert shown["index"]["status"] == "active"
    assert shown["index"]["notice"] is None
    sign_off = shown["index"]["sign_off"]
    assert (sign_off["role"], sign_off["registration"], sign_off["decision"]) == (
        "Clinical Safety Officer",
        "TEST-0001",
        "approved",
    )
    assert shown["item"] == shown["step"] == shown["muscle"] == shown["manifest"] == "active"
    for page in ("html", "embed"):
        assert 'class="draft"' not in shown[page], page
    assert shown["markdown"].startswith("# ")
    assert (shown["fhir"]["status"], shown["fhir"]["experimental"]) == ("active", False)
    assert "creativeWorkStatus" not in shown["jsonld"]
    assert shown["mcp"].startswith("# ")
    summary = signed_client.get(
        "/v1/lookup", params={"system": "http://snomed.info/sct", "code": "279039007"}
    )
    assert shown["infobutton"].startswith(summary.json()["items"][0]["summary"])


def test_the_change_feed_flags_the_change_of_status_for_safety(
    signed_client: TestClient,
) -> None:
    """The last release was a draft: since it, every item changed its status, for safety."""
    releases = sorted((CONTENT / "releases").glob("*.json"))
    last = max(releases, key=lambda p: yaml.safe_load(p.read_text())["number"]).stem
    changes = signed_client.get("/v1/changes", params={"since": last, "page_size": 1000}).json()
    manifest = signed_client.get("/v1/manifest", params={"page_size": 1000}).json()
    assert changes["count"] == manifest["count"]
    assert all(c["safety"] and "status" in c["changed_fields"] for c in changes["items"])


@pytest.mark.parametrize(
    "changes",
    [
        {"content_version": "c37beda3b02b9a33"},  # an older version: it does not carry over
        {"decision": "changes-requested"},
        {"scope": ["self-tests/muscular-minesweeper"]},  # not every item
    ],
    ids=["older-version", "changes-requested", "part-of-the-content"],
)
def test_anything_but_an_approval_of_this_version_for_everything_leaves_a_draft(
    content_copy: Path, changes: dict[str, Any]
) -> None:
    sign(content_copy, **changes)
    app = create_app(Settings(bundle=bundle_of(content_copy)))
    with TestClient(app) as client:
        governance = client.get("/v1").json()["governance"]
        assert governance["status"] == "draft"
        assert client.get(f"{SELF_TEST}.fhir").json()["status"] == "draft"


def errors(content: Path) -> list[tuple[str, int | None, str, str]]:
    return [
        (p.file, p.line, p.field, p.message)
        for p in check_content(content)
        if p.severity == "error"
    ]


def test_a_sign_off_dated_later_than_today_is_refused(content_copy: Path) -> None:
    sign(content_copy, date=(date.today() + timedelta(days=1)).isoformat())
    ((file, line, field, message),) = errors(content_copy)
    assert (file, field) == ("content/governance/sign-offs.yaml", "sign_offs.0.date")
    assert line == 7
    assert "later than today" in message


def test_a_sign_off_naming_an_item_the_content_lacks_is_refused(content_copy: Path) -> None:
    sign(content_copy, scope=["muscles/gluteus-maximum"])
    ((file, _, field, message),) = errors(content_copy)
    assert (file, field) == ("content/governance/sign-offs.yaml", "sign_offs.0.scope.0")
    assert "no item muscles/gluteus-maximum" in message


def test_a_sign_off_without_a_registration_is_refused(content_copy: Path) -> None:
    sign(content_copy, registration="")
    ((file, _, field, _),) = errors(content_copy)
    assert (file, field) == ("content/governance/sign-offs.yaml", "sign_offs.0.registration")


def test_a_sign_off_does_not_change_the_content_version(content_copy: Path) -> None:
    before = content_version(content_copy)
    sign(content_copy)
    assert content_version(content_copy) == before
