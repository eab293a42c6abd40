"""Static export: a real nginx serving the exported files answers the app's bytes."""

from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.edge.response_cache import content_paths
from api.http.etags import cache_control
from api.ops.static_export import export
from tests.conftest import app_client
from tests.servers import free_port, nginx

pytestmark = pytest.mark.live

SUFFIXES = {
    "application/json": ".json",
    "application/ld+json": ".jsonld",
    "text/html": ".html",
    "text/markdown": ".md",
    "image/svg+xml": ".svg",
    "application/fhir+json": ".fhir",
}


def fetch(url: str, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


@pytest.fixture(scope="module")
def public() -> Iterator[TestClient]:
    """An app with a public URL: handouts link the same way exported and served."""
    with app_client(raise_server_exceptions=False, public_url="https://fascia.example") as client:
        yield client


def test_nginx_serves_the_same_bytes_for_every_path(public: TestClient, tmp_path: Path) -> None:
    client = public
    app = client.app
    assert isinstance(app, FastAPI)
    port = free_port()
    control = cache_control(300, 86400)
    written = export(app, app.state.store, tmp_path / "site", control, f"127.0.0.1:{port}")
    paths = [path for path, query in content_paths(app.state.store) if not query]
    entries = [(p, m, loc) for p in paths for m in SUFFIXES for loc in ("en", "es")]
    # A picture only of what a diagram shows: the self-test, its steps, the landmarks, the arcs.
    drawn = [p for p in paths if client.get(p + ".svg").status_code == 200]
    assert "/v1/landmarks/sciatic-nerve" in drawn
    assert "/v1/muscles/gluteus-maximus" not in drawn
    assert len(drawn) == 1 + 1 + 9 + 10 + 1  # self-test, diagram, its steps, landmarks, arcs
    # The screening as a FHIR Questionnaire: the self-test's only.
    asked = [p for p in paths if client.get(p + ".fhir").status_code == 200]
    assert asked == ["/v1/self-tests/muscular-minesweeper"]
    entries = [e for e in entries if e[1] != "image/svg+xml" or e[0] in drawn]
    entries = [e for e in entries if e[1] != "application/fhir+json" or e[0] in asked]
    assert written == len(entries) > 400
    with nginx(tmp_path / "site" / "nginx" / "fascia.conf", port, tmp_path / "nginx"):
        base = f"http://127.0.0.1:{port}"
        for path, media_type, locale in entries:
            answer = client.get(f"{path}?lang={locale}", headers={"Accept": media_type})
            expected = answer.content
            body, got = fetch(f"{base}{path}?lang={locale}", {"Accept": media_type})
            assert body == expected, (path, media_type, locale)
            assert got["content-type"] == answer.headers["content-type"], path
            assert got["content-language"] == locale
            assert got["cache-control"] == control
            language = {"Accept-Language": f"{locale};q=1"}
            body, got = fetch(f"{base}{path}{SUFFIXES[media_type]}", language)
            assert body == expected, (path, media_type, locale)
            assert got["vary"] == answer.headers["vary"].removeprefix("Accept, ")
            assert got["vary"] == "Accept-Language, Accept-Encoding"
            if len(expected) >= 1024:  # its gzip, written beside it
                gzipped, got = fetch(
                    f"{base}{path}?lang={locale}", {"Accept": media_type, "Accept-Encoding": "gzip"}
                )
                assert got["content-encoding"] == "gzip", path
                assert gzip.decompress(gzipped) == expected, path
