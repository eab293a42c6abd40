"""The v1 stability promise: the committed document only adds to the last released one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.compatibility import breaking_changes
from tests.conftest import ROOT

RELEASED = sorted((ROOT / "openapi" / "released").glob("v1.*.json"))


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.name)
def test_committed_spec_keeps_every_released_promise(released: Path) -> None:
    assert breaking_changes(load(released), load(ROOT / "openapi" / "openapi.json")) == []


def test_there_is_a_released_spec() -> None:
    assert RELEASED


def mutated(change: str) -> list[str]:
    old = load(RELEASED[-1])
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    match change:
        case "remove operation":
            del new["paths"]["/v1/muscles/{muscle_id}"]
        case "remove field":
            del schemas["MuscleView"]["properties"]["common_name"]
        case "narrow enum":
            severity = next(
                p
                for p in new["paths"]["/v1/warnings"]["get"]["parameters"]
                if p["name"] == "severity"
            )
            severity["schema"]["anyOf"][0]["enum"].remove("info")
        case "new required parameter":
            new["paths"]["/v1/muscles"]["get"]["parameters"].append(
                {"name": "page", "in": "query", "required": True, "schema": {"type": "integer"}}
            )
        case "drop media type":
            del new["paths"]["/v1/guides"]["get"]["responses"]["200"]["content"]["text/html"]
        case "add field":
            schemas["MuscleView"]["properties"]["latin_name"] = {"type": "string"}
    return breaking_changes(old, new)


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ("remove operation", "GET /v1/muscles/{muscle_id}: operation removed"),
        ("remove field", "field common_name removed"),
        ("narrow enum", "accepts fewer values (['info'])"),
        ("new required parameter", "parameter page is newly required"),
        ("drop media type", "no longer offers text/html"),
    ],
)
def test_the_check_catches_breaking_changes(change: str, found: str) -> None:
    assert any(found in problem for problem in mutated(change)), mutated(change)


def test_additions_are_allowed() -> None:
    assert mutated("add field") == []
