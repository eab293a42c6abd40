"""Load ``content/<locale>/<kind>/*.yaml`` into validated models; report every problem at once."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from api import models
from api.catalog import Catalog, build_catalog
from api.diagnostics import ContentError, ContentProblem
from api.references import find_broken_references
from api.yamlfile import YamlDocument, YamlFileError, parse_yaml

KINDS: Mapping[str, type[BaseModel]] = {
    "guides": models.Guide,
    "muscles": models.Muscle,
    "actions": models.Action,
    "landmarks": models.Landmark,
    "conditions": models.Condition,
    "techniques": models.Technique,
    "self-tests": models.SelfTest,
    "warnings": models.SafetyWarning,
    "sources": models.Source,
}
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class LoadedItem:
    """A validated model and where it came from, kept for error messages."""

    kind: str
    model: BaseModel
    file: str
    document: YamlDocument


@dataclass(frozen=True)
class LoadResult:
    items: tuple[LoadedItem, ...]
    problems: tuple[ContentProblem, ...]
    failed_ids: frozenset[tuple[str, str]]
    version: str


def load_catalog(content_dir: Path, locale: str = DEFAULT_LOCALE) -> Catalog:
    """Load, validate and index one locale of ``content_dir``; raise ContentError on any problem."""
    result = read_locale(content_dir, locale)
    problems = [*result.problems, *find_broken_references(result.items, result.failed_ids)]
    if problems:
        raise ContentError(problems)
    return build_catalog(locale, result.version, [(item.kind, item.model) for item in result.items])


def check_content(content_dir: Path, locale: str = DEFAULT_LOCALE) -> list[ContentProblem]:
    """Every problem in ``content_dir`` for ``locale``; empty when the content is sound."""
    try:
        load_catalog(content_dir, locale)
    except ContentError as error:
        return list(error.problems)
    return []


def read_locale(content_dir: Path, locale: str) -> LoadResult:
    """Parse and validate every file of one locale, without resolving references."""
    root = content_dir / locale
    display_root = Path(content_dir.name) / locale
    if not root.is_dir():
        problem = ContentProblem(str(display_root), None, "", "locale folder not found")
        return LoadResult((), (problem,), frozenset(), "")
    items: list[LoadedItem] = []
    problems: list[ContentProblem] = []
    failed: set[tuple[str, str]] = set()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_dir():
            continue
        display = str(display_root / path.relative_to(root))
        digest.update(display.encode() + b"\0" + path.read_bytes() + b"\0")
        kind = path.parent.name if path.parent.parent == root else ""
        if kind not in KINDS:
            folders = ", ".join(KINDS)
            problems.append(ContentProblem(display, None, "", f"not in a kind folder ({folders})"))
            continue
        if path.suffix != ".yaml":
            problems.append(ContentProblem(display, None, "", "content files end in .yaml"))
            continue
        loaded, file_problems = _read_item(kind, path, display)
        problems.extend(file_problems)
        if loaded is not None:
            items.append(loaded)
        else:  # so that references to a broken file are not reported a second time
            failed.update((kind, name) for name in (path.stem, _raw_id(path)) if name)
    problems.extend(_duplicate_ids(items))
    return LoadResult(tuple(items), tuple(problems), frozenset(failed), digest.hexdigest()[:16])


def _read_item(
    kind: str, path: Path, display: str
) -> tuple[LoadedItem | None, list[ContentProblem]]:
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [ContentProblem(display, None, "", "not UTF-8 text")]
    except YamlFileError as error:
        return None, [ContentProblem(display, error.line, "", str(error))]
    if not isinstance(document.data, dict):
        found = type(document.data).__name__
        return None, [ContentProblem(display, 1, "", f"expected a mapping of fields, got {found}")]
    try:
        model = KINDS[kind].model_validate(document.data)
    except ValidationError as error:
        return None, [_problem_from_error(display, document, detail) for detail in error.errors()]
    return LoadedItem(kind, model, display, document), []


def _problem_from_error(display: str, document: YamlDocument, detail: object) -> ContentProblem:
    assert isinstance(detail, dict)
    location = tuple(detail["loc"])
    message = str(detail["msg"])
    if detail["type"] == "extra_forbidden":
        message = "unknown field"
    elif detail["type"] == "missing":
        message = "required field is missing"
    field = ".".join(str(part) for part in location)
    return ContentProblem(display, document.line_of(location), field, message)


def _duplicate_ids(items: list[LoadedItem]) -> list[ContentProblem]:
    first: dict[tuple[str, str], LoadedItem] = {}
    problems: list[ContentProblem] = []
    for item in items:
        key = (item.kind, str(getattr(item.model, "id", "")))
        if key in first:
            other = first[key].file
            message = f"duplicate id {key[1]!r}: also used by {other}"
            problems.append(
                ContentProblem(item.file, item.document.line_of(("id",)), "id", message)
            )
        else:
            first[key] = item
    return problems


def _raw_id(path: Path) -> str | None:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")).data
    except (UnicodeDecodeError, YamlFileError):
        return None
    raw_id = data.get("id") if isinstance(data, dict) else None
    return raw_id if isinstance(raw_id, str) else None
