"""What changed in an item between two releases, field by field, and whether it touched safety.

A fingerprint is a hash of a whole JSON document plus a short hash of every leaf field (dotted
path -> hash): of an item's content in one locale (``fingerprint``), or of the JSON the API
serves for it (``fingerprint_data`` of its response model, ``api.bundle.sync``). Two
fingerprints are compared path by path, so the changed fields are found by comparison, never
listed by hand; a change is a safety change when one of its paths runs through a model marked
``safety_critical`` (warnings, red flags, regions, and the response models that show them) or
ends in a field annotated ``SAFETY`` (step instructions, pressure and pressure guidance). Paths
carry list indices, so a safety list put in another order changes safety paths too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from api.content.locales import marked_fields, nested_model
from api.content.models import SAFETY

FIELD_HASH_CHARS = 10
ITEM_HASH_CHARS = 16


@dataclass(frozen=True)
class Fingerprint:
    """An item's content hash and the hash of each of its leaf fields."""

    hash: str
    fields: Mapping[str, str]


def fingerprint(item: BaseModel) -> Fingerprint:
    """The fingerprint of one validated content item."""
    return fingerprint_data(item.model_dump(mode="json"))


def fingerprint_data(data: Any) -> Fingerprint:
    """The fingerprint of a JSON document (parsed): the same document, the same fingerprint,
    whatever the order of its objects' keys."""
    return Fingerprint(
        _digest(data, ITEM_HASH_CHARS),
        {path: _digest(value, FIELD_HASH_CHARS) for path, value in _leaves(data, "")},
    )


def changed_fields(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[str, ...]:
    """Dotted paths whose value differs, was added or was removed, in order."""
    paths = dict.fromkeys([*before, *after])
    return tuple(path for path in paths if before.get(path) != after.get(path))


def touches_safety(model: type[BaseModel], paths: tuple[str, ...]) -> bool:
    """Whether any of ``paths`` (of an item of ``model``) is safety-critical."""
    return any(_safety_path(model, path) for path in paths)


def _safety_path(model: type[BaseModel], path: str) -> bool:
    current: type[BaseModel] | None = model
    for part in path.split("."):
        if current is None:
            return False
        if getattr(current, "safety_critical", False):
            return True
        if part.isdigit():
            continue  # an index into a list: the model stays the same
        if part not in current.model_fields:
            return False
        if part in marked_fields(current, SAFETY):
            return True
        current = nested_model(current, part)
    return current is not None and bool(getattr(current, "safety_critical", False))


def _leaves(value: Any, at: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _leaves(inner, f"{at}.{key}" if at else str(key))
    elif isinstance(value, list) and value:
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{at}.{index}" if at else str(index))
    else:
        yield at, value


def _digest(value: Any, chars: int) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:chars]
