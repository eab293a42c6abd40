"""The committed OpenAPI document is the app's, and it documents every operation fully."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.content.kinds import COLLECTIONS
from api.openapi import render_openapi
from tests.conftest import ROOT

COMMITTED = ROOT / "openapi" / "openapi.json"


def operations(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def test_committed_spec_matches_the_app(app: FastAPI) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(app), (
        "openapi/openapi.json is stale: run `make openapi` and commit the result"
    )


def test_served_spec_is_the_committed_one(client: TestClient) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert client.get("/openapi.json").json() == committed


def test_every_operation_is_documented(app: FastAPI) -> None:
    for name, operation in operations(app):
        assert operation.get("summary"), name
        assert operation.get("description"), name
        assert operation.get("operationId"), name
        content = operation["responses"]["200"]["content"]
        if "application/json" in content:
            assert "example" in content["application/json"], name
        else:  # the web component's script and the pages for iframes
            assert list(content) in (["text/javascript"], ["text/html"]), name


def test_every_error_response_is_problem_json(app: FastAPI) -> None:
    errors = [
        (name, int(status), response)
        for name, operation in operations(app)
        for status, response in operation["responses"].items()
        if status.startswith("4")
    ]
    assert len(errors) > 20
    for name, status, response in errors:
        assert list(response["content"]) == ["application/problem+json"], name
        media = response["content"]["application/problem+json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}, name
        assert media["example"]["status"] == status, name


def test_every_v1_operation_documents_each_representation(app: FastAPI) -> None:
    media_types = [
        "application/json",
        "application/ld+json",
        "text/html",
        "text/markdown",
        "application/pdf",
    ]
    v1 = [(name, op) for name, op in operations(app) if name.startswith("GET /v1")]
    embedding = ["GET /v1/embed", "GET /v1/embed.js", "GET /v1/embed/{version}.js"]
    assert [name for name, _ in v1 if name.startswith("GET /v1/embed")] == embedding
    v1 = [(name, op) for name, op in v1 if name not in embedding]
    assert len(v1) == 2 * len(COLLECTIONS) + 8  # list and get each; index, locales, search,
    # export, steps, one step, manifest and changes
    drawn = {"Diagram", "Landmark", "Technique", "SelfTest", "SelfTestStep"}
    for name, operation in v1:
        content = operation["responses"]["200"]["content"]
        pictured = operation["operationId"].removeprefix("get") in drawn
        expected = [*media_types, "image/svg+xml"] if pictured else media_types
        assert list(content) == expected, name
        assert all(content[media]["example"] for media in expected if "pdf" not in media), name
        assert content["application/pdf"] == {"schema": {"type": "string", "format": "binary"}}
        assert "406" in operation["responses"], name


@pytest.mark.parametrize("path", ["/v1/muscles/{muscle_id}", "/v1/self-tests/{self_test_id}"])
def test_examples_are_real_responses(app: FastAPI, client: TestClient, path: str) -> None:
    operation = app.openapi()["paths"][path]["get"]
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert client.get(example["links"]["self"]).json() == example
