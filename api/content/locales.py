"""Translations: a locale is an overlay of translated text on the English items.

``content/<locale>/<kind>/<id>.yaml`` holds the item's id and any of its ``Translatable`` fields;
everything else (ids, references, numbers, codes) is shared and comes from English. Lists of
objects (steps, sections, ...) are overlaid entry by entry, in the English order, and keep their
anchor keys (``id``, ``number``). What a translation leaves out falls back to English, field by
field, and is reported as a warning, never an error.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from api.content.models import TRANSLATABLE
from api.content.yamlfile import FieldPath

ANCHORS = ("id", "number")


def translatable_fields(model: type[BaseModel]) -> frozenset[str]:
    """Names of the fields of ``model`` whose text is written per locale."""
    return marked_fields(model, TRANSLATABLE)


@functools.cache
def marked_fields(model: type[BaseModel], marker: object) -> frozenset[str]:
    """Names of the fields of ``model`` annotated with ``marker`` (``Translatable``...)."""
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if marker in field.metadata or _has_marker(field.annotation, marker)
    )


@functools.cache
def nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model of a field holding another model or a tuple of them."""
    base = _unwrap(model.model_fields[name].annotation)
    return base if isinstance(base, type) and issubclass(base, BaseModel) else None


def overlay_problems(
    model: type[BaseModel], english: Mapping[str, Any], overlay: Mapping[str, Any]
) -> Iterator[tuple[FieldPath, str]]:
    """Where ``overlay`` does more than translate ``english``: (field path, message)."""
    yield from _walk_problems(model, english, overlay, ())


def merge(model: type[BaseModel], english: Mapping[str, Any], overlay: Mapping[str, Any]) -> Any:
    """English data with the overlay's translations put in; assumes no overlay problems."""
    merged = dict(english)
    for name, value in overlay.items():
        inner = nested_model(model, name)
        if inner is None:
            merged[name] = value
        elif isinstance(value, list):
            merged[name] = [merge(inner, e, o) for e, o in zip(english[name], value, strict=True)]
        else:
            merged[name] = merge(inner, english[name], value)
    return merged


def untranslated(
    model: type[BaseModel], english: Mapping[str, Any], overlay: Mapping[str, Any] | None
) -> list[str]:
    """Dotted paths of the translatable English fields the overlay does not translate."""
    return [_dotted(path) for path in _missing(model, english, overlay or {}, ())]


def _walk_problems(
    model: type[BaseModel], english: Mapping[str, Any], overlay: Mapping[str, Any], at: FieldPath
) -> Iterator[tuple[FieldPath, str]]:
    translatable = translatable_fields(model)
    for name, value in overlay.items():
        path = (*at, name)
        if name not in model.model_fields:
            yield path, "unknown field"
        elif name in translatable:
            continue
        elif name in ANCHORS:
            if value != english.get(name):
                yield path, f"must be {english.get(name)!r}, as in English"
        elif (inner := nested_model(model, name)) is not None and name in english:
            yield from _nested_problems(inner, english[name], value, path)
        else:
            yield path, "not translatable: it is shared by all locales and comes from English"


def _nested_problems(
    inner: type[BaseModel], english: Any, overlay: Any, path: FieldPath
) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(english, list):
        if not isinstance(overlay, list) or len(overlay) != len(english):
            yield path, f"must be a list of {len(english)} entries, in the English order"
            return
        for index, (entry, translated) in enumerate(zip(english, overlay, strict=True)):
            if not isinstance(translated, dict):
                yield (*path, index), "must be a mapping of translated fields"
            else:
                yield from _walk_problems(inner, entry, translated, (*path, index))
    elif isinstance(overlay, dict):
        yield from _walk_problems(inner, english, overlay, path)
    else:
        yield path, "must be a mapping of translated fields"


def _missing(
    model: type[BaseModel], english: Mapping[str, Any], overlay: Mapping[str, Any], at: FieldPath
) -> Iterator[FieldPath]:
    translatable = translatable_fields(model)
    for name, value in english.items():
        path = (*at, name)
        if name in translatable:
            if name not in overlay:
                yield path
        elif (inner := nested_model(model, name)) is not None:
            theirs = overlay.get(name)
            if isinstance(value, list):
                entries = theirs if isinstance(theirs, list) else [{}] * len(value)
                for index, (entry, translated) in enumerate(zip(value, entries, strict=False)):
                    yield from _missing(inner, entry, translated, (*path, index))
            elif isinstance(value, dict):
                yield from _missing(inner, value, theirs if isinstance(theirs, dict) else {}, path)


def _dotted(path: FieldPath) -> str:
    return ".".join(str(part) for part in path)


def _has_marker(annotation: Any, marker: object) -> bool:
    if get_origin(annotation) is Annotated:
        _, *metadata = get_args(annotation)
        if marker in metadata:
            return True
    return any(_has_marker(arg, marker) for arg in get_args(annotation))


def _unwrap(annotation: Any) -> Any:
    """The element type behind Annotated, Optional and tuple[..., ...]."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        candidates = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _unwrap(candidates[0]) if len(candidates) == 1 else annotation
    if origin is tuple:
        return _unwrap(get_args(annotation)[0])
    return annotation
