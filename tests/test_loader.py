"""The loader: real content loads; every kind of broken file is reported with file, field, line."""

from __future__ import annotations

from pathlib import Path

import pytest

from api import ContentError, ContentProblem, load_catalog
from api import check_content as check_everything
from tests.conftest import CONTENT

pytestmark = pytest.mark.unit

MUSCLE = "muscles/gluteus-medius.yaml"


def check_content(content: Path) -> list[ContentProblem]:
    """The errors only: translations still in progress give warnings, tested elsewhere."""
    return [problem for problem in check_everything(content) if problem.severity == "error"]


def write(content: Path, relative: str, text: str) -> None:
    path = content / "en" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def replace(content: Path, relative: str, old: str, new: str) -> None:
    path = content / "en" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(content: Path, relative: str, needle: str) -> int:
    lines = (content / "en" / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_real_content_loads_with_every_kind() -> None:
    catalog = load_catalog(CONTENT)
    counts = {
        "guides": len(catalog.guides),
        "muscles": len(catalog.muscles),
        "self_tests": len(catalog.self_tests),
    }
    assert counts == {"guides": 1, "muscles": 3, "self_tests": 1}
    assert len(catalog.version) == 16


def test_bad_yaml_names_file_and_line(content_copy: Path) -> None:
    write(content_copy, MUSCLE, "id: gluteus-medius\nname: [unclosed\n")
    (problem,) = check_content(content_copy)
    assert (problem.file, problem.line) == (f"content/en/{MUSCLE}", 3)
    assert "invalid YAML" in problem.message


def test_unknown_field_names_field_and_line(content_copy: Path) -> None:
    replace(content_copy, MUSCLE, "size_rank: 2", "size_rank: 2\nsize_rnak: 2")
    (problem,) = check_content(content_copy)
    expected_line = line_of(content_copy, MUSCLE, "size_rnak")
    assert (problem.field, problem.line, problem.message) == (
        "size_rnak",
        expected_line,
        "unknown field",
    )


def test_wrong_type_names_field_and_line(content_copy: Path) -> None:
    replace(content_copy, MUSCLE, "size_rank: 2", "size_rank: second")
    (problem,) = check_content(content_copy)
    assert problem.field == "size_rank"
    assert problem.line == line_of(content_copy, MUSCLE, "size_rank")
    assert "integer" in problem.message


def test_missing_reference_names_both_ends(content_copy: Path) -> None:
    replace(content_copy, "actions/hip-abduction.yaml", "gluteus-medius", "gluteus-medial")
    problems = check_content(content_copy)
    assert [p.file for p in problems] == ["content/en/actions/hip-abduction.yaml"]
    assert "muscle_ids" in problems[0].field
    assert "'gluteus-medial'" in problems[0].message
    assert "muscles/gluteus-medial.yaml" in problems[0].message


def test_duplicate_id_names_both_files(content_copy: Path) -> None:
    original = (content_copy / "en" / MUSCLE).read_text(encoding="utf-8")
    write(content_copy, "muscles/copy-of-medius.yaml", original)
    (problem,) = check_content(content_copy)
    assert problem.field == "id"
    files = {problem.file, problem.message.rsplit(" ", 1)[-1]}
    assert files == {f"content/en/{MUSCLE}", "content/en/muscles/copy-of-medius.yaml"}
    assert "duplicate id 'gluteus-medius'" in problem.message


def test_duplicate_yaml_key_is_an_error(content_copy: Path) -> None:
    replace(content_copy, MUSCLE, "size_rank: 2", "size_rank: 2\nsize_rank: 3")
    (problem,) = check_content(content_copy)
    assert "duplicate key 'size_rank'" in problem.message


def test_missing_required_field(content_copy: Path) -> None:
    path = content_copy / "en" / MUSCLE
    kept = [line for line in path.read_text().splitlines() if not line.startswith("size_rank")]
    path.write_text("\n".join(kept) + "\n")
    (problem,) = check_content(content_copy)
    assert (problem.field, problem.message) == ("size_rank", "required field is missing")


def test_warning_on_missing_step_is_reported(content_copy: Path) -> None:
    relative = "warnings/sciatic-nerve-electric-sensation.yaml"
    replace(content_copy, relative, "steps: [", "steps: [99, ")
    (problem,) = check_content(content_copy)
    assert "has no step 99" in problem.message
    assert problem.line == line_of(content_copy, relative, "steps: [99")


def test_every_problem_is_reported_at_once(content_copy: Path) -> None:
    replace(content_copy, MUSCLE, "size_rank: 2", "size_rank: second")
    write(content_copy, "techniques/broken.yaml", "id: broken\n  bad: indent\n")
    replace(content_copy, "actions/hip-abduction.yaml", "gluteus-medius", "nobody")
    with pytest.raises(ContentError) as raised:
        load_catalog(content_copy)
    files = sorted({problem.file.rsplit("/", 1)[-1] for problem in raised.value.problems})
    assert files == ["broken.yaml", "gluteus-medius.yaml", "hip-abduction.yaml"]
    assert str(raised.value).startswith("3 content problems:")


@pytest.mark.parametrize(
    ("relative", "text", "message"),
    [
        ("muscles/notes.txt", "hello", "content files end in .yaml"),
        ("stray.yaml", "id: stray", "not in a kind folder"),
        ("muscles/list.yaml", "- just\n- a list\n", "expected a mapping"),
        ("muscles/bad-bytes.yaml", "", "not UTF-8"),
    ],
)
def test_files_that_are_not_content(
    content_copy: Path, relative: str, text: str, message: str
) -> None:
    write(content_copy, relative, text)
    if relative.endswith("bad-bytes.yaml"):
        (content_copy / "en" / relative).write_bytes(b"id: \xff\xfe\n")
    (problem,) = check_content(content_copy)
    assert message in problem.message


def test_missing_locale_folder(tmp_path: Path) -> None:
    (problem,) = check_content(tmp_path)
    assert problem.message == "locale folder not found"


def test_default_variant_must_be_a_variant(content_copy: Path) -> None:
    relative = "self-tests/muscular-minesweeper.yaml"
    replace(content_copy, relative, "default_variant: partner", "default_variant: solo")
    (problem,) = check_content(content_copy)
    assert (problem.field, problem.line) == (
        "default_variant",
        line_of(content_copy, relative, "default_variant"),
    )


def test_an_empty_content_folder_is_a_check_error(tmp_path: Path) -> None:
    (tmp_path / "content" / "en").mkdir(parents=True)
    (problem,) = check_everything(tmp_path / "content")
    assert (problem.file, problem.severity) == ("content/en/guides", "error")
    assert "no guide" in problem.message
