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
        case "move media type to its suffix path":
            operation = new["paths"]["/v1/guides"]["get"]
            html = operation["responses"]["200"]["content"].pop("text/html")
            moved = copy.deepcopy(operation)
            moved["responses"]["200"]["content"] = {"text/html": html}
            new["paths"]["/v1/guides.html"] = {"get": moved}
        case "move media type to a suffix path that lacks it":
            operation = new["paths"]["/v1/guides"]["get"]
            operation["responses"]["200"]["content"].pop("text/html")
            new["paths"]["/v1/guides.html"] = {"get": copy.deepcopy(operation)}
        case "share a response":
            operation = new["paths"]["/v1/guides"]["get"]
            new["components"]["responses"] = {"Shared": operation["responses"]["406"]}
            operation["responses"]["406"] = {"$ref": "#/components/responses/Shared"}
        case "drop a field of a shared response":
            operation = new["paths"]["/v1/guides/{guide_id}"]["get"]
            shared = copy.deepcopy(operation["responses"]["200"])
            del shared["content"]["application/json"]["schema"]["$ref"]
            shared["content"]["application/json"]["schema"]["type"] = "string"
            new["components"]["responses"] = {"Shared": shared}
            operation["responses"]["200"] = {"$ref": "#/components/responses/Shared"}
        case "make a field nullable":
            schemas["MuscleView"]["properties"]["common_name"] = {
                "anyOf": [{"type": "string"}, {"type": "null"}]
            }
        case "make a nullable field non-null":
            schemas["MuscleView"]["properties"]["nerve"] = {"type": "string"}
    return breaking_changes(old, new)


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ("remove operation", "GET /v1/muscles/{muscle_id}: operation removed"),
        ("remove field", "field common_name removed"),
        ("narrow enum", "accepts fewer values (['info'])"),
        ("new required parameter", "parameter page is newly required"),
        ("drop media type", "no longer offers text/html"),
        ("move media type to a suffix path that lacks it", "no longer offers text/html"),
        ("drop a field of a shared response", "type changed from object to string"),
        ("make a field nullable", "common_name: type null is new"),
    ],
)
def test_the_check_catches_breaking_changes(change: str, found: str) -> None:
    assert any(found in problem for problem in mutated(change)), mutated(change)


@pytest.mark.parametrize(
    "change",
    [
        "add field",
        "move media type to its suffix path",
        "share a response",
        "make a nullable field non-null",
    ],
)
def test_what_breaks_no_client_is_allowed(change: str) -> None:
    assert mutated(change) == []
