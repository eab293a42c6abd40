"""The layout is the pipeline: content -> bundle -> render -> http -> edge and routes -> app -> ops.

Imports point down the pipeline only, and the server imports nothing of the build.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Lower layers never import higher ones; `settings` is configuration, read by any layer.
LAYERS = {
    "content": 0,
    "bundle": 1,
    "render": 2,
    "http": 3,
    "edge": 4,
    "routes": 4,
    "app": 5,
    "ops": 6,
    "__main__": 7,
}
BUILD_TIME = {
    "yaml",
    "api.content.yamlfile",
    "api.content.loader",
    "api.content.library",
    "api.content.releases",
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
