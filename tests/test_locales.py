"""Translations: overlays on English, checked for shape, falling back field by field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api import check_content
from api.bundle.labels import LABELS, labels_for
from api.content.diagnostics import ContentProblem
from api.content.languages import DEFAULT_LOCALE, LANGUAGES
from tests.conftest import MakeClient, bundle_of

pytestmark = pytest.mark.unit

MEDIUS = "muscles/gluteus-medius.yaml"


def spanish(content: Path, relative: str) -> Path:
    return content / "es" / relative


def errors(content: Path) -> list[ContentProblem]:
    return [p for p in check_content(content) if p.severity == "error"]


def drop_line(path: Path, prefix: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith(prefix)) + "\n")


def test_real_translation_is_complete() -> None:
    assert check_content(Path(__file__).parent.parent / "content") == []


def test_missing_file_and_field_are_warnings_and_fall_back(
    content_copy: Path, make_client: MakeClient
) -> None:
    spanish(content_copy, MEDIUS).unlink()
    drop_line(spanish(content_copy, "muscles/gluteus-maximus.yaml"), "common_name:")
    found = check_content(content_copy)
    assert {p.severity for p in found} == {"warning"}
    assert {Path(p.file).name for p in found} == {"gluteus-medius.yaml", "gluteus-maximus.yaml"}

    client = make_client(bundle=bundle_of(content_copy))
    maximus = client.get("/v1/muscles/gluteus-maximus?lang=es").json()
    assert maximus["common_name"] == "Glute max"
    assert maximus["name"] != "Gluteus maximus"
    assert maximus["translation"]["untranslated_fields"] == ["common_name"]
    medius = client.get("/v1/muscles/gluteus-medius?lang=es")
    assert medius.headers["content-language"] == "es"
    assert medius.json()["name"] == "Gluteus medius"
    assert (
        "Partes de esta página aún no están traducidas"
        in client.get("/v1/muscles/gluteus-medius.html?lang=es").text
    )
    locales = {i["locale"]: i for i in client.get("/v1/locales").json()["items"]}
    assert locales["es"]["complete"] is False
    assert "/v1/muscles/gluteus-medius" in locales["es"]["untranslated_items"]
    assert locales["es"]["translated_fields"] < locales["es"]["total_fields"]


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (MEDIUS, "id: gluteus-medius", "id: gluteus-mediocre", "no English item with this id"),
        ("warnings/deeper-is-not-better.yaml", "title:", "severity: info\ntitle:", "not transl"),
        (MEDIUS, "name:", "size_rank: 1\nname:", "not translatable"),
        (MEDIUS, "name:", "colour: red\nname:", "unknown field"),
    ],
)
def test_translation_that_changes_shared_fields_is_an_error(
    content_copy: Path, relative: str, old: str, new: str, message: str
) -> None:
    path = spanish(content_copy, relative)
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    (problem,) = errors(content_copy)
    assert problem.file == f"content/es/{relative}"
    assert message in problem.message
    assert problem.line is not None


def test_translated_steps_must_keep_the_english_numbering(content_copy: Path) -> None:
    path = spanish(content_copy, "self-tests/muscular-minesweeper.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("number: 2", "number: 3", 1))
    (problem,) = errors(content_copy)
    assert problem.field == "variants.0.steps.1.number"
    assert "must be 2" in problem.message


def test_a_folder_that_is_not_a_locale_is_an_error(content_copy: Path) -> None:
    (content_copy / "spanish").mkdir()
    (problem,) = errors(content_copy)
    assert "not a locale folder" in problem.message


def test_a_folder_for_a_language_that_is_not_registered_is_an_error(content_copy: Path) -> None:
    """Nothing would label, preview or check French: check says where to register it."""
    shutil.copytree(content_copy / "es", content_copy / "fr")
    (problem,) = errors(content_copy)
    assert problem.file == "content/fr"
    assert "no language 'fr' is registered" in problem.message


def test_every_registered_language_has_every_label() -> None:
    """One registry of languages: each has its labels, the same keys as the default's."""
    assert LABELS.keys() == LANGUAGES.keys()
    for code in LANGUAGES:
        assert LABELS[code].keys() == LABELS[DEFAULT_LOCALE].keys(), code
    assert labels_for("es-MX") is LABELS["es"]
    assert labels_for("fr") is LABELS[DEFAULT_LOCALE]
