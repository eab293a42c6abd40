"""Read the YAML files of one locale folder and validate each against the model of its kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from api.content.diagnostics import ContentProblem
from api.content.kinds import KINDS
from api.content.yamlfile import YamlDocument, YamlFileError, parse_yaml

MODELS: Mapping[str, type[BaseModel]] = {kind.collection: kind.model for kind in KINDS}


@dataclass(frozen=True)
class ContentFile:
    """One parsed file: its kind folder, the name to show in messages, and its data."""

    kind: str
    display: str
    document: YamlDocument

    @property
    def data(self) -> dict[str, Any]:
        assert isinstance(self.document.data, dict)
        return self.document.data


@dataclass(frozen=True)
class LoadedItem:
    """A validated model and the file it came from, kept for error messages."""

    kind: str
    model: BaseModel
    file: ContentFile

    @property
    def id(self) -> str:
        return str(getattr(self.model, "id", ""))


def read_files(
    content_dir: Path, locale: str
) -> tuple[list[ContentFile], list[ContentProblem], set[tuple[str, str]]]:
    """Parse every file of a locale folder: the files, their problems, and ids that failed."""
    root = content_dir / locale
    display_root = Path(content_dir.name) / locale
    files: list[ContentFile] = []
    problems: list[ContentProblem] = []
    failed: set[tuple[str, str]] = set()
    for path in sorted(p for p in root.rglob("*") if not p.is_dir()):
        display = str(display_root / path.relative_to(root))
        kind = path.parent.name if path.parent.parent == root else ""
        if kind not in MODELS:
            folders = ", ".join(MODELS)
            problems.append(ContentProblem(display, None, "", f"not in a kind folder ({folders})"))
        elif path.suffix != ".yaml":
            problems.append(ContentProblem(display, None, "", "content files end in .yaml"))
        else:
            parsed = _parse(kind, path, display)
            if isinstance(parsed, ContentFile):
                files.append(parsed)
            else:
                problems.append(parsed)
                failed.add((kind, path.stem))  # so references to it are not reported again
    return files, problems, failed


def validate(file: ContentFile, data: Mapping[str, Any]) -> LoadedItem | list[ContentProblem]:
    """Validate ``data`` (the file's own, or merged with English) against its kind's model."""
    try:
        model = MODELS[file.kind].model_validate(data)
    except ValidationError as error:
        return [
            problem_at(file, tuple(detail["loc"]), _message(detail)) for detail in error.errors()
        ]
    return LoadedItem(file.kind, model, file)


def problem_at(
    file: ContentFile, path: tuple[str | int, ...], message: str, severity: str = "error"
) -> ContentProblem:
    """A problem at a field of ``file``, with the line the field is on."""
    field = ".".join(str(part) for part in path)
    return ContentProblem(file.display, file.document.line_of(path), field, message, severity)


def duplicate_ids(items: Iterable[LoadedItem]) -> list[ContentProblem]:
    first: dict[tuple[str, str], LoadedItem] = {}
    problems: list[ContentProblem] = []
    for item in items:
        key = (item.kind, item.id)
        if key in first:
            message = f"duplicate id {item.id!r}: also used by {first[key].file.display}"
            problems.append(problem_at(item.file, ("id",), message))
        else:
            first[key] = item
    return problems


def _parse(kind: str, path: Path, display: str) -> ContentFile | ContentProblem:
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return ContentProblem(display, None, "", "not UTF-8 text")
    except YamlFileError as error:
        return ContentProblem(display, error.line, "", str(error))
    if not isinstance(document.data, dict):
        found = type(document.data).__name__
        return ContentProblem(display, 1, "", f"expected a mapping of fields, got {found}")
    return ContentFile(kind, display, document)


def _message(detail: Mapping[str, Any]) -> str:
    if detail["type"] == "extra_forbidden":
        return "unknown field"
    if detail["type"] == "missing":
        return "required field is missing"
    return str(detail["msg"])
