"""A bundle is keyed on its format and the code the build runs, not on the whole package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.bundle.build import PACKAGE
from api.bundle.code import build_modules, code_digest

pytestmark = pytest.mark.unit


@pytest.fixture
def package(tmp_path: Path) -> Path:
    copy = tmp_path / "api"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_build_runs_content_and_bundle_modules_only() -> None:
    modules = build_modules(PACKAGE)
    assert "api.bundle.build" in modules
    assert "api.content.library" in modules
    assert {name.split(".")[1] for name in modules if "." in name} == {"bundle", "content"}


def edited(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_docstring_or_a_server_module_leaves_the_key_as_it_is(package: Path) -> None:
    before = code_digest(package, "4")
    edited(package / "bundle" / "present.py", '"""', '"""Reworded. ')
    edited(package / "content" / "models.py", "    # A change", "    # Reworded: a change")
    edited(package / "edge" / "cors.py", "\n", "\nSERVER_ONLY = 1\n")
    assert code_digest(package, "4") == before


def test_the_build_code_or_the_format_changes_the_key(package: Path) -> None:
    before = code_digest(package, "4")
    assert code_digest(package, "5") != before
    edited(package / "bundle" / "present.py", "\n", "\nBUILT_BY = 1\n")
    assert code_digest(package, "4") != before
