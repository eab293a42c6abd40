"""The v1 stability promise: the committed document only adds to the last released one."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest

from tests.compatibility import breaking_changes
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

RELEASED = sorted((ROOT / "openapi" / "released").glob("v1.*.json"))


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# What the document broke for clients of a release, knowingly: STABILITY.md says what and why.
ACCEPTED = json.loads((ROOT / "openapi" / "released" / "accepted-breaks.json").read_text())


@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.name)
def test_committed_spec_keeps_every_released_promise(released: Path) -> None:
    found = breaking_changes(load(released), load(ROOT / "openapi" / "openapi.json"))
    assert found == ACCEPTED.get(released.name, [])


def test_there_is_a_released_spec() -> None:
    assert RELEASED


def mutated(change: str) -> list[str]:  # noqa: PLR0912, PLR0915 - one case per change
    old = load(RELEASED[0])
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
        case "add field to a closed object":
            schemas["MuscleView"]["properties"]["latin_name"] = {"type": "string"}
        case "add field":
            old["components"]["schemas"]["MuscleView"].pop("additionalProperties")
            schemas["MuscleView"].pop("additionalProperties")
            schemas["MuscleView"]["properties"]["latin_name"] = {"type": "string"}
        case "widen a response enum":
            schemas["WarningView"]["properties"]["kind"]["enum"].append("reminder")
        case "close an object":
            schemas["LandmarkView"]["additionalProperties"] = False
            old["components"]["schemas"]["LandmarkView"].pop("additionalProperties")
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
        ("add field to a closed object", "closed object gains field latin_name"),
        ("close an object", "object closed (additionalProperties: false)"),
        ("widen a response enum", "kind: enum gains values ['reminder']"),
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


def generated_models(document: Path, folder: Path) -> Any:
    """Pydantic models generated from ``document`` by datamodel-code-generator, as a client
    would (closed objects become ``extra='forbid'``)."""
    output = folder / f"models_{document.stem.replace('.', '_')}.py"
    subprocess.run(
        [
            Path(sys.executable).parent / "datamodel-codegen",
            "--input", str(document), "--input-file-type", "openapi",
            "--output", str(output), "--output-model-type", "pydantic_v2.BaseModel",
            "--use-annotated", "--formatters", "ruff-format",
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    spec = importlib.util.spec_from_file_location(output.stem, output)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[output.stem] = module  # pydantic resolves the models' references through it
    spec.loader.exec_module(module)
    return module


@pytest.mark.contract  # a client generated per release (datamodel-code-generator): seconds each
@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.name)
def test_todays_responses_fit_models_generated_from_every_release(
    released: Path, tmp_path: Path
) -> None:
    """Today's whole example responses (openapi/examples.json), validated by the models a
    client generated from each released document: they must fit, except for the fields a
    release's accepted breaks name (a closed object that gained them)."""
    models = generated_models(released, tmp_path)
    document = load(released)
    today = json.loads((ROOT / "openapi" / "examples.json").read_text(encoding="utf-8"))
    accepted = ACCEPTED.get(released.name, [])
    allowed = {p.rpartition(" ")[2] for p in accepted if "closed object gains field" in p}
    widened = {p.split(":")[0].rpartition(".")[2] for p in accepted if "enum gains values" in p}
    checked = 0
    rejected: set[str] = set()
    for item in document["paths"].values():
        operation = item["get"]
        content = operation["responses"]["200"].get("content", {}).get("application/json")
        name = content and content["schema"].get("$ref", "").rpartition("/")[2]
        if not name or operation["operationId"] not in today:
            continue
        try:
            getattr(models, name).model_validate(
                today[operation["operationId"]]["application/json"]
            )
        except pydantic.ValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][-1])
                if problem["type"] == "enum":
                    assert field in widened, (name, problem)
                    continue
                assert problem["type"] == "extra_forbidden", (name, problem)
                rejected.add(field)
        checked += 1
    assert checked > 20
    assert rejected <= allowed, rejected - allowed
    if released.name not in ACCEPTED:
        assert rejected == set()
