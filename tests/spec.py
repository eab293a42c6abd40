"""Reading the OpenAPI document in tests: references followed, JSON operations apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from api.render import ALTERNATES

Spec = dict[str, Any]
ALTERNATE_TAGS = {r.tag for r in ALTERNATES}


def resolve(spec: Spec, node: Spec) -> Spec:
    """``node``, or what its ``$ref`` (``#/components/<section>/<name>``) names."""
    while "$ref" in node:
        _, _, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def parameters(spec: Spec, operation: Spec) -> list[Spec]:
    return [resolve(spec, parameter) for parameter in operation.get("parameters", [])]


def responses(spec: Spec, operation: Spec) -> dict[str, Spec]:
    return {status: resolve(spec, r) for status, r in operation["responses"].items()}


def operations(spec: Spec) -> Iterator[tuple[str, Spec]]:
    """(path template, operation) of every operation."""
    for template, item in spec["paths"].items():
        for operation in item.values():
            yield template, operation


def json_operations(spec: Spec) -> Iterator[tuple[str, Spec]]:
    """The operations on JSON paths: not those on a representation's suffix path."""
    for template, operation in operations(spec):
        if not ALTERNATE_TAGS & set(operation.get("tags", [])):
            yield template, operation
