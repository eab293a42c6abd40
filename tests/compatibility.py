"""What a new OpenAPI document breaks for clients of an old one: removals and narrowing."""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]


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
            problems += _parameters(where, operation, current)
            problems += _responses(where, operation, current, old, new)
    return problems


def _parameters(where: str, old: Spec, new: Spec) -> list[str]:
    problems = []
    before = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
    after = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
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


def _narrowed(where: str, old: Spec, new: Spec) -> list[str]:
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


def _responses(where: str, old: Spec, new: Spec, old_spec: Spec, new_spec: Spec) -> list[str]:
    problems = []
    for status, response in old["responses"].items():
        current = new["responses"].get(status)
        if current is None:
            problems.append(f"{where}: response {status} removed")
            continue
        for media, content in response.get("content", {}).items():
            if media not in current.get("content", {}):
                problems.append(f"{where}: {status} no longer offers {media}")
                continue
            problems += _schema(
                f"{where} {status} {media}",
                _resolve(old_spec, content.get("schema", {})),
                _resolve(new_spec, current["content"][media].get("schema", {})),
                old_spec,
                new_spec,
                set(),
            )
    return problems


def _schema(
    where: str, old: Spec, new: Spec, old_spec: Spec, new_spec: Spec, seen: set[str]
) -> list[str]:
    if where in seen:
        return []
    seen.add(where)
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
    for name in set(old.get("required", [])) - set(new.get("required", [])):
        problems.append(f"{where}: field {name} is no longer always present")
    if "items" in old and "items" in new:
        problems += _schema(
            f"{where}[]", _resolve(old_spec, old["items"]), _resolve(new_spec, new["items"]),
            old_spec, new_spec, seen,
        )  # fmt: skip
    return problems


def _resolve(spec: Spec, schema: Spec) -> Spec:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema
