"""Read one YAML file into plain data plus the line of every field, for error messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

FieldPath = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (its wheels are); the same safe subset either way.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """The file is not valid YAML (or not the YAML subset content files use)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data and a map from field path to 1-based line number."""

    data: object
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; duplicate keys and non-string keys are errors."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlFileError(f"invalid YAML: {error.problem or error}", line) from None
    except yaml.YAMLError as error:
        raise YamlFileError(f"invalid YAML: {error}", None) from None
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return YamlDocument(data=data, lines=lines)


def _record_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlFileError("keys must be plain strings", key_node.start_mark.line + 1)
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlFileError(f"duplicate key {key!r} (first on line {seen[key]})", line)
            seen[key] = line
            _record_lines(value_node, (*path, key), lines)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)
