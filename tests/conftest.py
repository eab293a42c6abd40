"""Shared fixtures: the real content, a scratch copy of it to break, an app over each, a client of
any settings (``make_client``); and the tiers every test falls in (``make test-fast`` runs the
``unit`` tier only).

    unit     in-process: the app through TestClient, the content, the renderers
    contract in-process but exhaustive: schemathesis over every operation, every response of
             the library through the cache and the app, every representation typeset, the
             ecosystems' linters and generators over the committed document
    live     real servers on 127.0.0.1 (uvicorn, nginx, Redis, Varnish) or other processes of ours
    browser  headless Chromium against a live server
    system   tools outside Python: the TypeScript and generated clients, the benchmark smoke run

Each module names its tier (``pytestmark = pytest.mark.unit``); a test of another tier in it
names its own with a decorator (``@pytest.mark.live``), which stands instead of the module's.
Collection fails if a test ends up in no tier or in more than one: none is "unit" by default.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.bundle.build import build_bundle
from tests.releases import releases  # noqa: F401 - a fixture shared by the sync tests
from tests.servers import fascia, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
# Where TestClient's answers link from: its Host (testserver) is not an allowed one, so links are
# made from the canonical host, the bind address.
ORIGIN = "http://127.0.0.1:8000"
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


SAMPLED_STEPS = ("1", "5")  # a step that does not press, and one that presses and warns


def sampled(paths: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of every content path (``content_paths``), one item of each collection and every path that
    is not a plain item: the index, locales, export, manifest, each collection, the self-test
    per variant, its step lists and steps 1 and 5. Each kind's renderer and template is met in
    every representation, in a fraction of the time; the walks that must see every item (the
    static export, the cache's JSON answers) still do."""
    kinds: set[str] = set()
    chosen = []
    for path, query in paths:
        parts = path.split("/")  # "", "v1", kind, id, ...
        if len(parts) == 4 and not query:
            # Warnings render by their kind, which their ids begin with (red-flag-...,
            # contraindication-..., disclaimer): one of each.
            kind = parts[2] + (f":{parts[3].split('-')[0]}" if parts[2] == "warnings" else "")
            if kind in kinds:
                continue
            kinds.add(kind)
        if len(parts) == 6 and parts[4] == "steps" and parts[5] not in SAMPLED_STEPS:
            continue
        chosen.append((path, query))
    return chosen


TIERS = ("unit", "contract", "live", "browser", "system")
SCOPES = (pytest.Item, pytest.Class, pytest.Module)  # where a tier may be named


def _declared(node: pytest.Node) -> list[str]:
    return [mark.name for mark in node.own_markers if mark.name in TIERS]


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by tier
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in exactly one tier: its own decorator's, else its module's ``pytestmark``.
    The tier is put on the test and taken off the module, so that ``-m`` sees that one only. A
    test in none or in more than one is a collection error (reported by xdist's workers too)."""
    declaring: set[pytest.Node] = set()
    tiered = []
    for item in items:
        chain = [n for n in reversed(item.listchain()) if isinstance(n, SCOPES)]  # item first
        tiers = next((_declared(node) for node in chain if _declared(node)), [])
        if len(tiers) != 1:
            problem = f"in {len(tiers)} tiers {tiers}: name one of {', '.join(TIERS)} (its module's"
            problem += " `pytestmark = pytest.mark.<tier>`, or a decorator on the test)"
            report = pytest.CollectReport(item.nodeid, "failed", problem, [])
            config.hook.pytest_collectreport(report=report)
            continue
        if not _declared(item):
            item.add_marker(tiers[0])
        declaring.update(chain[1:])
        tiered.append(item)
    for node in declaring:
        node.own_markers[:] = [mark for mark in node.own_markers if mark.name not in TIERS]
    items[:] = tiered


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the bundle of the real content, unless it is up to date: once, before any test. With
    pytest-xdist, the controller builds it before it starts the workers, which only read it."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
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


MakeClient = Callable[..., TestClient]  # the type of the make_client fixture


@contextmanager
def app_client(
    *, raise_server_exceptions: bool = True, lifespan: bool = True, **settings: Any
) -> Iterator[TestClient]:
    """A TestClient over a new app of ``Settings(bundle=BUNDLE, **settings)``, its lifespan run
    (``lifespan=False``: never run, as an app called without it), closed on leaving."""
    app = create_app(Settings(**{"bundle": BUNDLE, **settings}))
    test_client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
    with test_client if lifespan else closing(test_client):
        yield test_client


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """``make_client(**settings)``: an ``app_client`` of those settings, closed after the test."""
    with ExitStack() as stack:

        def make(**kwargs: Any) -> TestClient:
            return stack.enter_context(app_client(**kwargs))

        yield make


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
    """Headless Chromium, for one test module (Playwright is imported only here)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only browser tests pay

    assert CHROMIUM.exists(), "Chromium is missing: `make test` installs it (apt-get chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS
        )
        yield launched
        launched.close()
