"""The code a build runs: the package's import graph, and a digest of what a bundle is built by.

A bundle is rebuilt when its content or the code that writes it changes. That code is the build
module and every module of the package it imports (at module level or inside a function), with
their packages' ``__init__``; its digest covers their syntax trees without docstrings, so an edit
to the server, a comment or a docstring leaves a bundle as it is.
"""

from __future__ import annotations

import ast
import hashlib
import os
from pathlib import Path

BUILD_MODULE = "api.bundle.build"


def python_files(package: Path) -> dict[str, Path]:
    """Every module under ``package`` by dotted name (a package by its ``__init__``); unlike
    ``rglob``, an unreadable folder raises, never silently drops out."""

    def denied(error: OSError) -> None:
        raise error

    found = {}
    for root, _, names in os.walk(package, onerror=denied):
        for name in names:
            if name.endswith(".py"):
                path = Path(root, name)
                parts = path.relative_to(package.parent).with_suffix("").parts
                found[".".join(parts).removesuffix(".__init__")] = path
    return found


def imports(path: Path, files: dict[str, Path]) -> set[str]:
    """The modules of ``files`` that the module at ``path`` imports: ``from api.render import
    svg`` imports ``api.render.svg``, and ``api.render`` itself only for names that are not
    modules."""
    found: set[str] = set()
    tree = ast.parse(path.read_bytes())
    typing_only = {  # imports under ``if TYPE_CHECKING:`` never run
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in files)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in files:
            modules = {f"{node.module}.{alias.name}" for alias in node.names} & files.keys()
            found |= modules
            if len(modules) < len(node.names):
                found.add(node.module)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Which modules of ``package`` each of its modules imports (not itself)."""
    files = python_files(package)
    return {name: imports(path, files) - {name} for name, path in sorted(files.items())}


def build_modules(package: Path) -> dict[str, Path]:
    """The build module and every module of ``package`` it runs, with their packages."""
    files = python_files(package)
    chosen: dict[str, Path] = {}
    waiting = [BUILD_MODULE]
    while waiting:
        name = waiting.pop()
        if name in chosen or name not in files:
            continue
        chosen[name] = files[name]
        parent = name.rpartition(".")[0]
        waiting += [*imports(files[name], files), *([parent] if parent else [])]
    return dict(sorted(chosen.items()))


def code_digest(package: Path, format_version: str) -> str:
    """The digest of the bundle format and the build's modules, without docstrings."""
    digest = hashlib.sha256(f"format {format_version}\0".encode())
    for name, path in build_modules(package).items():
        digest.update(
            f"{name}\0{ast.dump(_without_docstrings(ast.parse(path.read_bytes())))}\0".encode()
        )
    return digest.hexdigest()


def _without_docstrings(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:] or [ast.Pass()]
    return tree
