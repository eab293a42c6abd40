"""Shared fixtures: the real content, a scratch copy of it to break, and an app over each."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from api import Settings, create_app
from api.build import build_bundle
from tests.releases import releases  # noqa: F401 - a fixture shared by the sync tests
from tests.servers import fascia, free_port

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
BUNDLE = ROOT / "build" / "fascia.sqlite"  # the default FASCIA_BUNDLE, so servers find it too
CHROMIUM = Path("/usr/bin/chromium")  # Debian's: `make test` installs it; Playwright drives it
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the bundle of the real content, unless it is up to date."""
    build_bundle(CONTENT, BUNDLE, if_changed=True)


def bundle_of(content_dir: Path) -> Path:
    """Build a bundle of ``content_dir`` beside it; a ContentError if it has problems."""
    return build_bundle(content_dir, content_dir.parent / "bundle.sqlite").path


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app(Settings(bundle=BUNDLE))


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


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A live ``python -m api serve`` on 127.0.0.1, for one test module: its base URL."""
    port = free_port()
    with fascia(port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, for one test module."""
    assert CHROMIUM.exists(), "Chromium is missing: `make test` installs it (apt-get chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS
        )
        yield launched
        launched.close()
