"""The scale benchmark's synthetic libraries (``bench.library``): valid content at any size."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.bundle.build import build_bundle
from api.bundle.store import Store
from api.content.terminology import CLINICAL
from bench.library import make_library
from tests.conftest import BUNDLE

pytestmark = pytest.mark.unit


def test_a_library_of_several_guides_builds_and_shares_the_terminologies(tmp_path: Path) -> None:
    """Each copy is a guide of its own; the terminologies its codes are checked against are one
    source each, under their own ids, so the build's checks pass (a ContentError otherwise)."""
    make_library(tmp_path / "content", 3)
    built = build_bundle(tmp_path / "content", tmp_path / "bundle.sqlite")
    one = Store(BUNDLE)
    shared = len(list(one.ids("en", "regions"))) + len(CLINICAL)
    assert built.items == 3 * (one.meta.items - shared) + shared
    three = Store(built.path)
    sources = set(three.ids("en", "sources"))
    assert {system.source_id for system in CLINICAL} <= sources
