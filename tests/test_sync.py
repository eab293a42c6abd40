"""Sync across two content releases: the manifest, the change feed, 410 for retired ids, and
``check`` refusing an id that silently disappeared."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.__main__ import main
from api.bundle.build import build_bundle
from api.bundle.present import _Presenter
from api.bundle.resources import MuscleView, StepSafety
from api.content.changes import fingerprint_data
from api.content.library import content_version
from tests.conftest import CONTENT, app_client
from tests.releases import ADDED, MUSCLE, RETIRED, SUCCESSOR, WARNING, Releases

pytestmark = pytest.mark.unit


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def test_manifest_lists_every_item_with_hash_and_url(releases: Releases) -> None:
    body = releases.client.get("/v1/manifest?page_size=1000").json()
    items = _by_id(body["items"])
    assert body["content_version"] == releases.second
    assert ADDED in items
    assert SUCCESSOR in items
    assert RETIRED not in items
    assert items[ADDED]["href"] == f"/v1/landmarks/{ADDED}"
    assert items[ADDED]["kind"] == "landmarks"
    assert re.fullmatch(r"[0-9a-f]{16}", items[ADDED]["hash"])
    assert items["muscular-minesweeper"]["modified"] == "2026-12-07"


def test_manifest_pages_follow_next_links(releases: Releases) -> None:
    seen, url = [], "/v1/manifest?page_size=7"
    while url:
        response = releases.client.get(url)
        seen += [item["id"] for item in response.json()["items"]]
        url = response.json()["links"].get("next")
    everything = releases.client.get("/v1/manifest?page_size=1000").json()["items"]
    assert seen == [item["id"] for item in everything]


def test_feed_flags_the_warning_edit_as_safety_and_the_description_edit_not(
    releases: Releases,
) -> None:
    body = releases.client.get(f"/v1/changes?since={releases.first}").json()
    changes = _by_id(body["items"])
    assert body["content_version"] == releases.second
    assert changes[WARNING]["change"] == "updated"
    assert changes[WARNING]["safety"] is True
    assert changes[WARNING]["changed_fields"] == ["sign"]
    assert changes[MUSCLE]["change"] == "updated"
    assert changes[MUSCLE]["safety"] is False
    assert changes[MUSCLE]["changed_fields"] == ["summary"]


def test_feed_lists_retired_and_created_items(releases: Releases) -> None:
    changes = _by_id(releases.client.get(f"/v1/changes?since={releases.first}").json()["items"])
    assert changes[RETIRED] == {
        "change": "retired",
        "kind": "techniques",
        "id": RETIRED,
        "href": f"/v1/techniques/{RETIRED}",
        "hash": None,
        "modified": "2026-12-01",
        "safety": True,  # a technique's how_to says where hands press: safety text
        "changed_fields": [],
        "reason": "Renamed to match how therapists name the sweep.",
        "replaced_by": f"/v1/techniques/{SUCCESSOR}",
    }
    assert changes[SUCCESSOR]["change"] == "created"
    assert changes[ADDED]["change"] == "created"
    manifest = _by_id(releases.client.get("/v1/manifest?page_size=1000").json()["items"])
    assert changes[ADDED]["hash"] == manifest[ADDED]["hash"]
    # The guide now names the new technique id: an update, but not of safety text.
    guide = changes["glutes-and-low-back-pain"]
    assert guide["safety"] is False
    assert guide["changed_fields"] == ["technique_ids.1", "techniques.1.id", "techniques.1.href"]
    # The self-test names it too, and shows the edited warning in its steps: what it serves
    # changed in safety text, though its own content did not.
    self_test = changes["muscular-minesweeper"]
    assert self_test["safety"] is True
    assert "variants.0.steps.2.warnings.0.sign" in self_test["changed_fields"]
    assert not {"gluteus-maximus", "sacrum"} & set(changes)  # untouched items are not listed


def test_feed_since_the_current_version_is_empty(releases: Releases) -> None:
    body = releases.client.get(f"/v1/changes?since={releases.second}").json()
    assert body["items"] == []
    assert body["content_version"] == releases.second


def test_feed_is_per_locale(releases: Releases) -> None:
    body = releases.client.get(f"/v1/changes?since={releases.first}&lang=es").json()
    changed = set(_by_id(body["items"]))
    assert body["locale"] == "es"
    assert {RETIRED, SUCCESSOR, ADDED} <= changed
    assert (
        WARNING not in changed
    )  # its Spanish text, which is what Spanish readers get, is unchanged


def test_feed_since_an_unknown_version_points_to_the_manifest(releases: Releases) -> None:
    response = releases.client.get("/v1/changes?since=0123456789abcdef")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["full_sync"] == "/v1/manifest"
    assert problem["allowed_values"][-2:] == [releases.first, releases.second]
    assert "0123456789abcdef" in problem["detail"]


@pytest.mark.parametrize("path", [f"/v1/techniques/{RETIRED}", f"/v1/techniques/{RETIRED}.html"])
def test_retired_id_answers_gone_with_its_successor(releases: Releases, path: str) -> None:
    for _ in range(2):  # the second answer comes past a warm response cache
        response = releases.client.get(path)
        assert response.status_code == 410
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["link"] == f'</v1/techniques/{SUCCESSOR}>; rel="successor-version"'
        assert response.json()["replaced_by"] == f"/v1/techniques/{SUCCESSOR}"
        assert "x-request-id" in response.headers  # the gateway handled it


def test_unknown_id_is_still_not_found(releases: Releases) -> None:
    assert releases.client.get("/v1/techniques/no-such-thing").status_code == 404


def test_check_refuses_an_id_of_the_last_release_gone_without_a_record(
    releases: Releases, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(releases.content, content)
    (content / "en" / "landmarks" / f"{ADDED}.yaml").unlink()
    assert main(["check", str(content)]) == 1
    report = capsys.readouterr().err
    assert f"landmarks/{ADDED} was in release" in report
    assert "and is gone: restore it, or add a retirement record" in report
    assert f"releases/{releases.second}.json" in report


def test_check_refuses_a_retirement_of_an_id_still_served(
    releases: Releases, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(releases.content, content)
    retired = content / "releases" / "retired.yaml"
    retired.write_text(
        retired.read_text()
        + "  - kind: muscles\n    id: gluteus-maximus\n    date: 2026-12-02\n"
        + "    reason: A mistake.\n"
    )
    assert main(["check", str(content)]) == 1
    assert "muscles/gluteus-maximus: retired, yet still in the content" in capsys.readouterr().err


def test_release_of_an_already_released_version_writes_nothing(releases: Releases) -> None:
    before = sorted(p.name for p in (releases.content / "releases").iterdir())
    assert main(["release", str(releases.content)]) == 0
    assert sorted(p.name for p in (releases.content / "releases").iterdir()) == before


# A CMS's copy: (kind, id) -> the item's JSON as served.
Copy = dict[tuple[str, str], Any]


def _walk(client: TestClient, url: str, lang: str = "en") -> Iterator[dict[str, Any]]:
    """Every item of a paged answer in ``lang``, following its next links (which, like every
    link, leave the language to Accept-Language)."""
    next_url: str | None = url
    while next_url:
        body = client.get(next_url, headers={"Accept-Language": lang}).json()
        assert body["locale"] == lang
        yield from body["items"]
        next_url = body["links"].get("next")


def _fetch(client: TestClient, url: str, lang: str) -> Any:
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.headers["content-language"] == lang
    return response.json()


def _full_sync(client: TestClient, lang: str) -> tuple[Copy, str]:
    """Walk the manifest and fetch every item's JSON: the copy, and the version it is of. Each
    hash is the fingerprint of the JSON fetched."""
    copy: Copy = {}
    for entry in _walk(client, "/v1/manifest?page_size=10", lang):
        item = _fetch(client, entry["href"], lang)
        assert fingerprint_data(item).hash == entry["hash"], entry["href"]
        copy[entry["kind"], entry["id"]] = item
    version = client.get("/v1/manifest", headers={"Accept-Language": lang}).json()
    return copy, version["content_version"]


def _incremental_sync(
    client: TestClient, copy: Copy, since: str, lang: str
) -> list[dict[str, Any]]:
    """Apply the changes since ``since`` to ``copy``; the changes."""
    changes = list(_walk(client, f"/v1/changes?since={since}&page_size=10", lang))
    for change in changes:
        key = (change["kind"], change["id"])
        if change["change"] == "retired":
            del copy[key]
        else:
            copy[key] = _fetch(client, change["href"], lang)
    return changes


@dataclass(frozen=True)
class Redeploy:
    """One content release served by two builds whose code renders it differently."""

    before: TestClient  # red flags in catalog order and muscles' summaries as written
    after: TestClient  # the code as it is: emergencies first, summaries as rendered now


ORIGINAL_SAFETY, ORIGINAL_MUSCLE = _Presenter.safety, _Presenter.muscle


def _catalog_order(self: _Presenter, self_test_id: str) -> StepSafety:
    """A self-test's safety as it was before red flags were sorted emergencies first."""
    found = ORIGINAL_SAFETY(self, self_test_id)
    flags = sorted(found.red_flags, key=lambda flag: self.warning_order[flag.id])
    return found.model_copy(update={"red_flags": tuple(flags)})


def _summary_as_written(self: _Presenter, muscle: Any) -> MuscleView:
    """A muscle's view with its summary as another rendering would write it (not safety)."""
    view = ORIGINAL_MUSCLE(self, muscle)
    return view.model_copy(update={"summary": view.summary.upper()})


@pytest.fixture(scope="module")
def redeploy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redeploy]:
    """The content released and built by code that rendered red flags in catalog order and
    summaries in capitals, then built again by the code as it is, with no content change."""
    folder = tmp_path_factory.mktemp("redeploy")
    content = folder / "content"
    shutil.copytree(CONTENT, content)
    version = content_version(content)
    (content / "releases" / f"{version}.json").unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Presenter, "safety", _catalog_order)
        patch.setattr(_Presenter, "muscle", _summary_as_written)
        assert main(["release", str(content), "--date", "2026-12-07"]) == 0
        first = build_bundle(content, folder / "before.sqlite").path
    second = build_bundle(content, folder / "after.sqlite").path
    with (
        app_client(raise_server_exceptions=False, bundle=first) as before,
        app_client(raise_server_exceptions=False, bundle=second) as after,
    ):
        yield Redeploy(before, after)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_incremental_sync_after_a_change_of_rendering_equals_a_full_sync(
    redeploy: Redeploy, lang: str
) -> None:
    copy, version = _full_sync(redeploy.before, lang)
    held = dict(copy)
    fresh, now = _full_sync(redeploy.after, lang)
    assert now == version  # the content did not change, only how it is represented
    assert copy != fresh
    changes = _incremental_sync(redeploy.after, copy, version, lang)
    assert copy == fresh
    # What is represented differently is listed, and nothing else.
    listed = {(change["kind"], change["id"]) for change in changes}
    assert listed == {key for key in fresh if fresh[key] != held[key]}
    assert ("landmarks", "sacrum") not in listed


def test_a_change_of_the_order_of_red_flags_is_a_safety_change(redeploy: Redeploy) -> None:
    version = redeploy.after.get("/v1/manifest").json()["content_version"]
    changes = {
        (change["kind"], change["id"]): change
        for change in _walk(redeploy.after, f"/v1/changes?since={version}&page_size=100")
    }
    self_test = changes["self-tests", "muscular-minesweeper"]
    assert self_test["change"] == "updated"
    assert self_test["safety"] is True
    paths = self_test["changed_fields"]
    assert any(path.startswith("screening.") for path in paths)
    assert any(path.startswith("variants.0.steps.0.safety.red_flags.") for path in paths)
    guide = changes["guides", "glutes-and-low-back-pain"]
    assert guide["safety"] is True
    assert any(path.startswith("safety.0.red_flags.") for path in guide["changed_fields"])
    # A muscle's summary rendered differently is a change, but not of safety text.
    muscle = changes["muscles", MUSCLE]
    assert muscle == muscle | {"change": "updated", "safety": False, "changed_fields": ["summary"]}


def test_since_a_release_that_did_not_record_what_it_served_every_item_is_updated(
    client: TestClient,
) -> None:
    """Releases recorded before releases recorded the JSON served stay valid ``since`` values:
    what a copy made from one holds is unknown, so every item is listed, flagged for safety when
    it shows safety text."""
    legacy = "bcda77ab1927f431"  # content/releases/: the representation is not recorded
    manifest = list(_walk(client, "/v1/manifest?page_size=1000"))
    changes = {
        (change["kind"], change["id"]): change
        for change in _walk(client, f"/v1/changes?since={legacy}&page_size=1000")
    }
    assert set(changes) == {(entry["kind"], entry["id"]) for entry in manifest}
    assert all(change["change"] == "updated" for change in changes.values())
    assert changes["self-tests", "muscular-minesweeper"]["safety"] is True
    assert changes["warnings", WARNING]["safety"] is True
    assert changes["muscles", MUSCLE]["safety"] is False
