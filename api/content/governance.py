"""The governance records in ``content/governance/``, read at build time: the sign-offs (the
models are in ``api.content.signoffs``, which the server reads too)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import ValidationError

from api.content.diagnostics import ContentProblem
from api.content.signoffs import ALL, SignOff, SignOffs
from api.content.yamlfile import FieldPath, YamlDocument, YamlFileError, parse_yaml

FOLDER = "governance"  # not part of the content version: it records decisions about it
SIGN_OFFS = "sign-offs.yaml"


def read_sign_offs(
    content_dir: Path, today: date
) -> tuple[tuple[SignOff, ...], list[ContentProblem]]:
    """The sign-off records, in the file's order, and their problems (with line numbers)."""
    path = content_dir / FOLDER / SIGN_OFFS
    display = f"{content_dir.name}/{FOLDER}/{SIGN_OFFS}"
    if not path.is_file():
        return (), []
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlFileError as error:
        return (), [ContentProblem(display, error.line, "", str(error))]
    try:
        records = SignOffs.model_validate(document.data or {})
    except ValidationError as error:
        return (), [_problem(display, document, tuple(d["loc"]), d["msg"]) for d in error.errors()]
    later = "a sign-off cannot be dated later than today"
    problems = [
        _problem(display, document, ("sign_offs", index, "date"), later)
        for index, record in enumerate(records.sign_offs)
        if record.date > today
    ]
    return records.sign_offs, problems


def scope_problems(
    content_dir: Path, sign_offs: tuple[SignOff, ...], item_keys: frozenset[str]
) -> list[ContentProblem]:
    """Sign-offs whose scope names an item the content does not hold."""
    path = content_dir / FOLDER / SIGN_OFFS
    display = f"{content_dir.name}/{FOLDER}/{SIGN_OFFS}"
    document = parse_yaml(path.read_text(encoding="utf-8")) if path.is_file() else None
    problems = []
    for index, record in enumerate(sign_offs):
        for position, key in enumerate(record.scope):
            if key != ALL and key not in item_keys:
                at: FieldPath = ("sign_offs", index, "scope", position)
                message = f"no item {key} in the content"
                problems.append(_problem(display, document, at, message))
    return problems


def _problem(
    display: str, document: YamlDocument | None, at: FieldPath, message: str
) -> ContentProblem:
    line = document.line_of(at) if document is not None else None
    return ContentProblem(display, line, ".".join(str(part) for part in at), message)
