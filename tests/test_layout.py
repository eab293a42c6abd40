"""The layout is the pipeline: content -> bundle -> render -> http -> edge and routes -> openapi
-> app -> ops.

Imports point down the pipeline only, no modules import each other in a circle (at module level
or inside a function), and the server imports nothing of the build.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from api.bundle.code import import_graph
from api.bundle.urls import PREFIX, href
from api.content.kinds import COLLECTIONS, KINDS, CollectionName
from api.openapi import TAGS
from api.routes import KIND_ROUTERS, ROUTERS
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

# Lower layers never import higher ones; `settings` is configuration, read by any layer.
LAYERS = {
    "content": 0,
    "bundle": 1,
    "render": 2,
    "http": 3,
    "edge": 4,
    "routes": 4,
    "openapi": 5,
    "app": 6,
    "ops": 7,
    "__main__": 8,
}
BUILD_TIME = {
    "yaml",
    "api.content.yamlfile",
    "api.content.loader",
    "api.content.library",
    "api.content.releases",
    "api.content.governance",
    "api.bundle.build",
    "api.bundle.present",
    "api.bundle.sync",
}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "api" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in LAYERS else None


def upward_imports(package: Path) -> list[str]:
    """Every import of a module from a layer above (or beside) the importing one."""
    found = []
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        source = layer_of(module.removesuffix(".__init__"))
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                target = layer_of(node.module)
                if target is None or target == source:
                    continue
                if LAYERS[target] >= LAYERS[source]:
                    found.append(f"{module} imports {node.module}")
    return found


def test_imports_point_down_the_pipeline() -> None:
    assert upward_imports(ROOT / "api") == []


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, each once, as the modules along it."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target == path[0]:
                if frozenset(path) not in seen:
                    seen.add(frozenset(path))
                    found.append([*path, target])
            elif target not in path and target > path[0]:
                walk(target, [*path, target])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_no_modules_import_each_other_in_a_circle() -> None:
    """A circle hidden in a function-level import is still a circle: none is left."""
    assert circles(import_graph(ROOT / "api")) == []


def test_an_import_circle_is_found(tmp_path: Path) -> None:
    package = tmp_path / "api"
    (package / "render").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "render" / "__init__.py").write_text("")
    (package / "render" / "html.py").write_text("from api.render.png import SUFFIX\n")
    (package / "render" / "png.py").write_text("def f():\n    from api.render.html import SUFFIX\n")
    assert circles(import_graph(package)) == [
        ["api.render.html", "api.render.png", "api.render.html"]
    ]


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    package = tmp_path / "api"
    (package / "bundle").mkdir(parents=True)
    (package / "bundle" / "store.py").write_text("from api.edge.gateway import Gateway\n")
    assert upward_imports(package) == ["api.bundle.store imports api.edge.gateway"]


def loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", ["api.app", "api", "api.ops.serve"])
def test_the_server_loads_nothing_of_the_build(module: str) -> None:
    assert loaded_by(module) & BUILD_TIME == set()


def test_the_build_does_load_them() -> None:
    """The check above can fail: the builder's own graph holds every build-time module."""
    assert loaded_by("api.bundle.build") >= BUILD_TIME


def test_every_kind_has_its_router_and_tag_from_the_registry() -> None:
    """The kind registry is the list: each kind is served under its collection's URL, tagged
    with it in the OpenAPI document, and nothing else claims a kind's URL."""
    assert len(KIND_ROUTERS) == len(KINDS)
    for kind, router in zip(KINDS, KIND_ROUTERS, strict=True):
        assert router.prefix == href(kind.collection), kind
        assert router.tags == [kind.collection], kind
    assert {kind.collection for kind in KINDS} <= {tag["name"] for tag in TAGS}
    others = [r.prefix for r in ROUTERS if r not in KIND_ROUTERS]
    assert not {href(kind.collection) for kind in KINDS} & set(others)


def test_literal_prefix_is_written_once() -> None:
    """Code builds URL paths from api.bundle.urls; a string literal starting with the prefix
    (docstrings and descriptions aside) appears in no other module."""
    found = []
    for file in sorted((ROOT / "api").rglob("*.py")):
        if file.name == "urls.py" and file.parent.name == "bundle":
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant):
                continue
            value = node.value
            if isinstance(value, str) and value.startswith(PREFIX) and len(value) < 80:
                found.append(f"{file.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_the_collection_type_names_exactly_the_kinds() -> None:
    """``CollectionName`` lets mypy check every collection name written in the code; the kinds
    registry lists the same names, in the same order."""
    assert get_args(CollectionName) == COLLECTIONS
