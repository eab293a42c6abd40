"""The governance records in ``content/governance/``, read at build time: the sign-offs and the
hazard log (the models are in ``api.content.signoffs`` and ``api.content.hazards``, which the
server reads too).

The hazard log's rules: every hazard has a control, every control is verified by something,
each test named is in the suite (found by reading the test files, never by importing them) and
each rule named is one of ``check``'s (``api.content.checks``), and no residual risk is above
the initial one."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from api.content.checks import CHECK_RULES
from api.content.diagnostics import ContentProblem
from api.content.hazards import Hazard, HazardLog
from api.content.signoffs import ALL, SignOff, SignOffs
from api.content.yamlfile import FieldPath, YamlDocument, YamlFileError, parse_yaml

FOLDER = "governance"  # not part of the content version: it records decisions about it
SIGN_OFFS = "sign-offs.yaml"
HAZARDS = "hazards.yaml"
# The suite the hazard log names tests of: the repository's, wherever the content was copied.
TESTS_DIR = Path(__file__).resolve().parents[2] / "tests"


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


def read_hazards(content_dir: Path) -> tuple[tuple[Hazard, ...], list[ContentProblem]]:
    """The hazard log, in the file's order, and the problems of reading it (with line numbers)."""
    path = content_dir / FOLDER / HAZARDS
    display = f"{content_dir.name}/{FOLDER}/{HAZARDS}"
    if not path.is_file():
        return (), []
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlFileError as error:
        return (), [ContentProblem(display, error.line, "", str(error))]
    try:
        log = HazardLog.model_validate(document.data or {})
    except ValidationError as error:
        return (), [_problem(display, document, tuple(d["loc"]), d["msg"]) for d in error.errors()]
    return log.hazards, []


def hazard_problems(
    content_dir: Path, hazards: tuple[Hazard, ...], tests_dir: Path = TESTS_DIR
) -> list[ContentProblem]:
    """A hazard without a control, a control verified by nothing, a test that is not in the
    suite, a rule ``check`` does not have, a residual risk above the initial one, an id twice."""
    path = content_dir / FOLDER / HAZARDS
    display = f"{content_dir.name}/{FOLDER}/{HAZARDS}"
    document = parse_yaml(path.read_text(encoding="utf-8")) if path.is_file() else None
    suite = suite_tests(tests_dir) if tests_dir.is_dir() else None
    problems: list[ContentProblem] = []

    def report(at: FieldPath, message: str) -> None:
        problems.append(_problem(display, document, at, message))

    seen: set[str] = set()
    for index, hazard in enumerate(hazards):
        if hazard.id in seen:
            report(("hazards", index, "id"), f"hazard {hazard.id!r} is logged twice")
        seen.add(hazard.id)
        if hazard.residual.above(hazard.initial):
            message = (
                f"the residual risk ({hazard.residual}) is above the initial risk "
                f"({hazard.initial}): controls can only bring a risk down"
            )
            report(("hazards", index, "residual"), message)
        if not hazard.controls:
            report(("hazards", index, "controls"), "a hazard needs at least one control")
        for c_index, control in enumerate(hazard.controls):
            at: FieldPath = ("hazards", index, "controls", c_index)
            if not control.verified_by:
                message = "a control needs verified_by: a test of the suite or a check rule"
                report((*at, "verified_by"), message)
            for v_index, verification in enumerate(control.verified_by):
                where: FieldPath = (*at, "verified_by", v_index)
                if verification.rule is not None and verification.rule not in CHECK_RULES:
                    message = (
                        f"no check rule {verification.rule!r} (api/content/checks.py: "
                        f"{', '.join(CHECK_RULES)})"
                    )
                    report((*where, "rule"), message)
                if verification.test is None:
                    continue
                if suite is not None and _node(verification.test) not in suite:
                    report((*where, "test"), f"no test {verification.test} in the suite")
    named = any(v.test for h in hazards for c in h.controls for v in c.verified_by)
    if suite is None and named:  # a build without the repository's tests, such as an image's
        message = (
            f"no tests folder at {tests_dir}: the tests the log names were not looked for "
            "(make check, in the repository, looks)"
        )
        problems.append(ContentProblem(display, None, "", message, "warning"))
    return problems


def suite_tests(tests_dir: Path) -> frozenset[str]:
    """Every test of the suite as a node id (``tests/test_x.py::test_y``, or with its class),
    read from the files' syntax trees: nothing is imported or run."""
    found: set[str] = set()
    for path in sorted(tests_dir.rglob("test_*.py")):
        module = f"{tests_dir.name}/{path.relative_to(tests_dir).as_posix()}"
        stat = path.stat()
        found.update(
            f"{module}::{name}" for name in _tests_in(path, stat.st_mtime_ns, stat.st_size)
        )
    return frozenset(found)


@functools.lru_cache(maxsize=1024)
def _tests_in(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    """The test names in one file, parsed once per version of it (``check`` runs often in the
    suite itself; parsing every test file each time cost about 70 ms)."""
    return tuple(_test_names(ast.parse(path.read_text(encoding="utf-8")).body))


def _test_names(body: Iterable[ast.stmt]) -> Iterable[str]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield node.name
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            yield from (f"{node.name}::{name}" for name in _test_names(node.body))


def _node(test: str) -> str:
    """A node id without its parameters: ``tests/x.py::test_y[a]`` -> ``tests/x.py::test_y``."""
    return test.split("[", 1)[0]
