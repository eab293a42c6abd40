"""Sync across two content releases: the manifest, the change feed, 410 for retired ids, and
``check`` refusing an id that silently disappeared."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.__main__ import main
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
    # The self-test now names the new technique id: an update, but not of safety text.
    self_test = changes["muscular-minesweeper"]
    assert self_test["safety"] is False
    assert all(path.endswith(tuple("0123456789")) for path in self_test["changed_fields"])
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
