"""What a new OpenAPI document breaks for clients of an old one: removals and narrowing.

References (``$ref`` to components) are followed, so moving a parameter or a response to
``components`` changes nothing. A representation the old document listed on an operation may
move to the operation on its suffix path (``GET /v1/muscles`` offering ``text/html`` ->
``GET /v1/muscles.html``): the same bytes are still served at both URLs, and the document now
names the URL that gives them to a generated client without a union type.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]
# Where each representation lives when it is not on the JSON operation's path.
SUFFIXES = {"application/ld+json": ".jsonld", "text/html": ".html", "text/markdown": ".md"}


def breaking_changes(old: Spec, new: Spec) -> list[str]:
    """Every way ``new`` removes or narrows what ``old`` promised; empty when compatible."""
    problems: list[str] = []
    for path, item in old["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            current = new["paths"].get(path, {}).get(method)
            if current is None:
                problems.append(f"{where}: operation removed")
                continue
            problems += _parameters(where, operation, current, old, new)
            moved = {
                media: new["paths"].get(path + suffix, {}).get(method)
                for media, suffix in SUFFIXES.items()
            }
            problems += _responses(where, operation, current, old, new, moved)
    return problems


def _parameters(where: str, old: Spec, new: Spec, old_spec: Spec, new_spec: Spec) -> list[str]:
    problems = []
    before = {(p["in"], p["name"]): p for p in _listed(old_spec, old.get("parameters", []))}
    after = {(p["in"], p["name"]): p for p in _listed(new_spec, new.get("parameters", []))}
    for key, parameter in after.items():
        if parameter.get("required") and not before.get(key, {}).get("required"):
            problems.append(f"{where}: parameter {key[1]} is newly required")
    for key, parameter in before.items():
        if key not in after:
            problems.append(f"{where}: parameter {key[1]} removed")
            continue
        problems += _narrowed(
            f"{where}: parameter {key[1]}", parameter["schema"], after[key]["schema"]
        )
    return problems


def _flat(schema: Spec) -> Spec:
    """A parameter's schema with "X or null" read as X: a query or header value cannot be JSON
    null, so an optional parameter written either way accepts the same requests."""
    options = schema.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (kept,) = [option for option in options if option != {"type": "null"}]
        return {**{k: v for k, v in schema.items() if k != "anyOf"}, **kept}
    return schema


def _narrowed(where: str, old: Spec, new: Spec) -> list[str]:
    old, new = _flat(old), _flat(new)
    problems = []
    old_values, new_values = _enum(old), _enum(new)
    if old_values is not None and new_values is not None and not old_values <= new_values:
        problems.append(f"{where}: accepts fewer values ({sorted(old_values - new_values)})")
    if old_values is None and new_values is not None:
        problems.append(f"{where}: now limited to {sorted(new_values)}")
    for bound in ("maxLength", "maximum"):
        if bound in new and new[bound] < old.get(bound, float("inf")):
            problems.append(f"{where}: {bound} lowered to {new[bound]}")
    for bound in ("minLength", "minimum"):
        if bound in new and new[bound] > old.get(bound, float("-inf")):
            problems.append(f"{where}: {bound} raised to {new[bound]}")
    if old.get("pattern") != new.get("pattern") and "pattern" in new:
        problems.append(f"{where}: pattern changed")
    return problems


def _enum(schema: Spec) -> set[Any] | None:
    if "enum" in schema:
        return set(schema["enum"])
    for option in schema.get("anyOf", []):
        if "enum" in option:
            return set(option["enum"])
    return None


def _responses(
    where: str,
    old: Spec,
    new: Spec,
    old_spec: Spec,
    new_spec: Spec,
    moved: dict[str, Spec | None],
) -> list[str]:
    problems = []
    for status, listed in old["responses"].items():
        response = _resolve(old_spec, listed)
        current = _response(new_spec, new, status)
        if current is None:
            problems.append(f"{where}: response {status} removed")
            continue
        for media, content in response.get("content", {}).items():
            offered = current.get("content", {}).get(media)
            if offered is None and moved.get(media) is not None:
                offered = (_response(new_spec, moved[media], status) or {}).get("content", {})
                offered = offered.get(media)
            if offered is None:
                problems.append(f"{where}: {status} no longer offers {media}")
                continue
            problems += _schema(
                f"{where} {status} {media}",
                _resolve(old_spec, content.get("schema", {})),
                _resolve(new_spec, offered.get("schema", {})),
                old_spec,
                new_spec,
                set(),
            )
    return problems


def _response(spec: Spec, operation: Spec | None, status: str) -> Spec | None:
    if operation is None or status not in operation["responses"]:
        return None
    return _resolve(spec, operation["responses"][status])


def _listed(spec: Spec, parameters: list[Spec]) -> list[Spec]:
    return [_resolve(spec, parameter) for parameter in parameters]


def _schema(
    where: str, old: Spec, new: Spec, old_spec: Spec, new_spec: Spec, seen: set[str]
) -> list[str]:
    if where in seen:
        return []
    seen.add(where)
    old_options, new_options = _options(old_spec, old), _options(new_spec, new)
    if len(old_options) > 1 or len(new_options) > 1:
        # A response may narrow (a nullable field that is never null) but never widen: each
        # type it can now have is one it could have before, and is checked against that one.
        problems = []
        for option in new_options:
            before = next((o for o in old_options if o.get("type") == option.get("type")), None)
            if before is None:
                types = [o.get("type") for o in old_options]
                problems.append(f"{where}: type {option.get('type')} is new (was {types})")
                continue
            problems += _schema(
                f"{where}<{option.get('type')}>", before, option, old_spec, new_spec, seen
            )
        return problems
    problems = []
    if old.get("type") != new.get("type"):
        return [f"{where}: type changed from {old.get('type')} to {new.get('type')}"]
    for name, prop in old.get("properties", {}).items():
        if name not in new.get("properties", {}):
            problems.append(f"{where}: field {name} removed")
            continue
        problems += _schema(
            f"{where}.{name}",
            _resolve(old_spec, prop),
            _resolve(new_spec, new["properties"][name]),
            old_spec,
            new_spec,
            seen,
        )
    problems += _closedness(where, old, new)
    old_values, new_values = _enum(old), _enum(new)
    if old_values is not None and new_values is not None and new_values - old_values:
        # A client generated with the enum rejects a value it does not know.
        problems.append(f"{where}: enum gains values {sorted(new_values - old_values)}")
    for name in set(old.get("required", [])) - set(new.get("required", [])):
        problems.append(f"{where}: field {name} is no longer always present")
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        problems += _schema(
            f"{where}[]", _resolve(old_spec, old["items"]), _resolve(new_spec, new["items"]),
            old_spec, new_spec, seen,
        )  # fmt: skip
    return problems


def _closedness(where: str, old: Spec, new: Spec) -> list[str]:
    """A client generated from a closed object (additionalProperties: false) rejects any field
    it does not know, so a closed object may not gain one; nor may an open object close."""
    if old.get("additionalProperties") is False:
        known = old.get("properties", {})
        return [
            f"{where}: closed object gains field {n}"
            for n in new.get("properties", {})
            if n not in known
        ]
    if new.get("additionalProperties") is False and old.get("type") == "object":
        return [f"{where}: object closed (additionalProperties: false)"]
    return []


def _options(spec: Spec, schema: Spec) -> list[Spec]:
    """The alternatives of an ``anyOf`` (resolved), or the schema alone."""
    return [_resolve(spec, option) for option in schema.get("anyOf", [schema])]


def _resolve(spec: Spec, schema: Spec) -> Spec:
    """``schema`` itself, or what its ``$ref`` (``#/components/<section>/<name>``) names."""
    while "$ref" in schema:
        _, _, section, name = schema["$ref"].split("/")
        schema = spec["components"][section][name]
    return schema
