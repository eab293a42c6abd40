"""Shared fixtures: the real content, a scratch copy of it to break, and an app over each."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, create_app

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app(Settings(content_dir=CONTENT))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, for tests that break one file."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target
