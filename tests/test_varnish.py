"""Varnish in front of Fascia never serves one coding under another's name: every answer, cached
or not, decodes to the app's own identity bytes, in a coding the client accepted."""

from __future__ import annotations

import gzip
import urllib.request

import brotli
import pytest
import zstandard

from tests.servers import free_port, varnish

pytestmark = pytest.mark.live

PATHS = ["/v1/self-tests/muscular-minesweeper", "/v1/muscles/gluteus-maximus.md"]
# Each client asks in turn, twice: the second round is answered from Varnish's cache.
ASKED = ["br", "gzip", "zstd", "", "br, gzip", "identity", "gzip;q=0, br", "*"]
DECODE = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
    "identity": lambda body: body,
}


def get(url: str, accept_encoding: str) -> tuple[bytes, dict[str, str]]:
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def acceptable(coding: str, asked: str) -> bool:
    """Whether ``coding`` is one ``asked`` (an Accept-Encoding value) accepts."""
    if coding == "identity":
        return True
    offers = {}
    for part in asked.split(","):
        name, _, q = part.strip().partition(";q=")
        if name:
            offers[name] = float(q or 1)
    return offers.get(coding, offers.get("*", 0)) > 0


@pytest.mark.parametrize("gzip_support", [True, False], ids=["gzip-on", "gzip-off"])
def test_varnish_never_mixes_codings(base: str, gzip_support: bool) -> None:
    backend = int(base.rsplit(":", 1)[1])
    port = free_port()
    with varnish(backend, port, gzip_support):
        cached = 0
        for path in PATHS:
            identity, _ = get(base + path, "")
            for _round in range(2):
                for asked in ASKED:
                    body, headers = get(f"http://127.0.0.1:{port}{path}", asked)
                    coding = headers.get("content-encoding", "identity")
                    assert acceptable(coding, asked), (path, asked, coding)
                    assert DECODE[coding](body) == identity, (path, asked, coding)
                    cached += int(
                        headers.get("age", "0") != "0" or len(headers["x-varnish"].split()) == 2
                    )
        assert cached > len(PATHS) * len(ASKED) / 2  # most of the second round came from cache
