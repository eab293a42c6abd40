"""Two content releases in a temporary folder, for the sync and webhook tests.

The second release edits a warning and a muscle's summary, renames a technique (retiring the old
id, with the new one as its replacement) and adds a landmark.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.__main__ import main
from api.bundle.build import build_bundle
from api.content.library import content_version

CONTENT = Path(__file__).resolve().parent.parent / "content"

WARNING = "deeper-is-not-better"
MUSCLE = "gluteus-medius"
RETIRED, SUCCESSOR = "slow-arc-sweep", "slow-arc-sweeps"
ADDED = "greater-trochanter"


@dataclass(frozen=True)
class Releases:
    content: Path
    first: str
    second: str
    client: TestClient
    bundle: Path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def make_second_release(content: Path) -> None:
    """Edit a warning and a muscle, rename a technique (retiring the old id), add a landmark."""
    en = content / "en"
    _edit(en / "warnings" / f"{WARNING}.yaml", "sign: >-\n  ", "sign: >-\n  Sharp or rising pain. ")
    _edit(en / "muscles" / f"{MUSCLE}.yaml", "summary: >-\n", "summary: >-\n  Rewritten. ")
    for path in content.rglob("*.yaml"):
        text = path.read_text()
        renamed = re.sub(rf"\b{RETIRED}\b(?!s)", SUCCESSOR, text)
        if renamed != text:
            path.write_text(renamed)
    for locale in ("en", "es"):
        folder = content / locale / "techniques"
        (folder / f"{RETIRED}.yaml").rename(folder / f"{SUCCESSOR}.yaml")
    landmark = (en / "landmarks" / "top-of-femur.yaml").read_text()
    (en / "landmarks" / f"{ADDED}.yaml").write_text(
        landmark.replace("id: top-of-femur", f"id: {ADDED}")
    )
    retired = content / "releases" / "retired.yaml"
    retired.write_text(
        "retired:\n"
        f"  - kind: techniques\n    id: {RETIRED}\n    date: 2026-12-01\n"
        "    reason: Renamed to match how therapists name the sweep.\n"
        f"    replaced_by: {SUCCESSOR}\n"
    )


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Releases]:
    content = tmp_path_factory.mktemp("sync") / "content"
    shutil.copytree(CONTENT, content)
    first = content_version(content)
    # The content as it is now is the first release, recorded here with what is served for it
    # (a release of it recorded already, perhaps before releases recorded that, makes way).
    (content / "releases" / f"{first}.json").unlink(missing_ok=True)
    assert main(["release", str(content), "--date", "2026-11-30"]) == 0
    assert (content / "releases" / f"{first}.json").is_file()
    make_second_release(content)
    assert main(["release", str(content), "--date", "2026-12-01"]) == 0
    second = content_version(content)
    bundle = build_bundle(content, content.parent / "bundle.sqlite").path
    from tests.conftest import app_client  # noqa: PLC0415 - conftest imports this module

    with app_client(raise_server_exceptions=False, bundle=bundle) as client:
        yield Releases(content, first, second, client, bundle)
