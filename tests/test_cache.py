"""The response cache: lookups answer exactly as the app does, with ETags and 304s, bounded."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

import brotli  # type: ignore[import-untyped]
import pytest
import zstandard
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.edge.response_cache import Responses, content_paths
from api.http.codings import choose_coding
from api.http.etags import BODY_HEADERS
from api.render import REPRESENTATIONS
from tests.conftest import MakeClient, app_client, sampled

pytestmark = pytest.mark.unit

# Every representation, the PDF and the picture included (a picture only where a diagram shows
# the resource: elsewhere both answer the same 406).
SUFFIXES = {representation.media_type: representation.suffix for representation in REPRESENTATIONS}


@pytest.fixture(scope="module")
def plain() -> Iterator[TestClient]:
    with app_client(response_cache_mb=0) as client:
        yield client


# The PDF of two resources of different shapes, a list and a step with its picture and warnings:
# typesetting is the slow part, not caching (with five, PDFs were three fifths of the walk).
PDF_SAMPLE = {
    "/v1/self-tests/muscular-minesweeper/steps/5",
    "/v1/warnings",
}
BASE = "http://127.0.0.1:8000"  # the canonical host: TestClient sends one not allowed


def compare(fast: TestClient, plain: TestClient, url: str, headers: dict[str, str]) -> int:
    """The cached app's answer equals the uncached one's; its status."""
    headers = {"Accept-Encoding": "identity", **headers, "X-Request-ID": "same-for-both"}
    expected, actual = plain.get(url, headers=headers), fast.get(url, headers=headers)
    assert (actual.status_code, actual.content) == (expected.status_code, expected.content), url
    assert actual.headers.items() == expected.headers.items(), url
    return actual.status_code


@pytest.mark.contract
def test_every_content_response_is_byte_identical_from_the_cache_and_the_app(
    app: FastAPI, plain: TestClient, make_client: MakeClient
) -> None:
    """Each path and locale in JSON, and the sampled paths (``sampled``: one item of each kind)
    in every other representation: the first answer (rendered and kept), the second (a
    lookup), its 304 and its suffix URL all equal the uncached app's answers."""
    fresh = make_client()
    responses: Responses = fresh.app.state.responses  # type: ignore[attr-defined]
    paths = list(content_paths(app.state.store))
    assert len(paths) > 60
    sample = set(sampled(paths))
    for path, query in paths:
        for media_type, suffix in SUFFIXES.items():
            if media_type != "application/json" and (path, query) not in sample:
                continue  # the same renderer answers every item of a kind
            if media_type == "application/pdf" and path not in PDF_SAMPLE:
                continue  # typesetting every path twice would take minutes
            for locale in ("en", "es"):
                url = f"{path}?{query}&lang={locale}" if query else f"{path}?lang={locale}"
                status = compare(fresh, plain, url, {"Accept": media_type})
                key = (path, query, media_type, locale, "", False, BASE, "identity")
                cached = responses.get(key)
                assert (cached is not None) == (status == 200), key  # errors are not kept
                compare(fresh, plain, url, {"Accept": media_type})
                if cached is not None:
                    headers = {"Accept": media_type, "If-None-Match": cached.etag}
                    compare(fresh, plain, url, headers)
                    coded(fresh, url, media_type, cached.body["body"])
                compare(fresh, plain, f"{path}{suffix}" + url[len(path) :], {})


CODINGS = ("br", "zstd", "gzip")


def coded(fresh: TestClient, url: str, media_type: str, identity: bytes) -> None:
    """The same answer in a coding (a different one per path, in turn) decodes to the identity
    bytes; a body too small to gain, or a PDF or PNG, comes as it is."""
    coding = CODINGS[zlib.crc32(url.encode()) % len(CODINGS)]
    headers = {"Accept": media_type, "Accept-Encoding": coding}
    with fresh.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding")
    if len(identity) < 1024 or media_type in ("application/pdf", "image/png"):
        assert encoding is None, url
    if encoding is None:  # also when compressing would not have made it smaller
        assert body == identity, url
    else:
        assert encoding == coding, url
        assert DECODE[coding](body) == identity, url


DECODE = {
    "br": brotli.decompress,
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
    "gzip": gzip.decompress,
}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Language": "es-MX,es;q=0.9"},
        {"Accept": "text/*;q=0.5, application/ld+json"},
        {"Accept": "image/png"},
        {"If-None-Match": "*"},
        {"If-None-Match": 'W/"nope", "also-nope"'},
        {"Accept-Language": "en-US"},
        {"Accept-Language": "es-MX", "Accept": "text/markdown"},
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/v1/muscles/gluteus-maximus",
        "/v1/warnings?severity=stop",
        "/v1/self-tests/muscular-minesweeper/steps/3?variant=ball",
        "/v1/muscles?lang=es&lang=en",
        "/v1/muscles?lang=x_y",
        "/v1/nothing",
        "/v1/warnings/red-flag-chest-pain?region=gb",
        "/v1/self-tests/muscular-minesweeper/steps/5.html?region=MX&lang=es",
        "/v1/warnings?region=usa",
        "/v1/warnings?varient=x",
        "/v1/warnings/red-flag-chest-pain?region=GB%0A",
        "/v1/muscles?lang=es%0A",
        "/embed/self-tests/muscular-minesweeper?variant=partner&lang=es",
        "/embed/self-tests/muscular-minesweeper/steps/5?region=MX",
        "/embed/self-tests/muscular-minesweeper/steps/50",
    ],
)
def test_negotiation_and_conditionals_match_the_app(
    client: TestClient, plain: TestClient, url: str, headers: dict[str, str]
) -> None:
    compare(client, plain, url, headers)  # the first answer: the app's, kept
    compare(client, plain, url, headers)  # the second: from the cache, where it was kept


def test_an_unknown_suffix_is_not_acceptable_after_its_path_is_cached(
    client: TestClient,
) -> None:
    """The cache reads the request's target as the routes do: ``.xml`` is no representation,
    even when the path without it is in the cache."""
    assert client.get("/v1/muscles/gluteus-maximus").status_code == 200
    response = client.get("/v1/muscles/gluteus-maximus.xml")
    assert response.status_code == 406
    assert response.json()["instance"] == "/v1/muscles/gluteus-maximus.xml"


def test_etag_is_strong_and_revalidates(client: TestClient) -> None:
    first = client.get("/v1/self-tests/muscular-minesweeper")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["cache-control"] == ("public, max-age=300, stale-while-revalidate=86400")
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get("/v1/self-tests/muscular-minesweeper", headers={"If-None-Match": header})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    spanish = client.get("/v1/self-tests/muscular-minesweeper?lang=es").headers["etag"]
    assert spanish != etag


def test_head_is_headers_only(client: TestClient) -> None:
    same = {"X-Request-ID": "one"}
    get = client.get("/v1/guides.html", headers=same)
    head = client.head("/v1/guides.html", headers=same)
    assert head.content == b""
    assert head.headers.items() == get.headers.items()


def test_cached_responses_need_nothing_else_at_request_time(make_client: MakeClient) -> None:
    client = make_client(raise_server_exceptions=False)
    app = client.app
    before = client.get("/v1/self-tests/muscular-minesweeper.md?lang=es").content
    app.state.locales = {}  # what the routes would need: gone
    assert client.get("/v1/self-tests/muscular-minesweeper.md?lang=es").content == before
    assert client.get("/v1/warnings?kind=safety").status_code == 500


def test_the_cache_stays_within_its_size_and_drops_the_least_recently_used(
    make_client: MakeClient,
) -> None:
    client = make_client(response_cache_mb=1)
    responses: Responses = client.app.state.responses  # type: ignore[attr-defined]
    client.get("/v1/warnings?severity=caution")
    kept = (
        "/v1/warnings",
        "severity=caution",
        "application/json",
        "en",
        "",
        False,
        BASE,
        "identity",
    )
    assert responses.get(kept) is not None
    for index in range(400):
        client.get(f"/v1/warnings.html?page_size={index + 1}")
        assert responses.size <= responses.capacity == 2**20
    assert responses.get(kept) is None
    assert len(responses.entries) < 400
    assert sum(entry.size for entry in responses.entries.values()) == responses.size


def test_each_country_with_its_own_advice_is_cached_apart(client: TestClient) -> None:
    """The cache keys by country only where the country has advice of its own."""
    url = "/v1/warnings/red-flag-chest-pain"
    british = client.get(url, headers={"Accept-Language": "en-GB"})
    american = client.get(url, headers={"Accept-Language": "en-US"})
    japanese = client.get(url, headers={"Accept-Language": "en-JP"})
    assert (british.headers["content-language"], american.headers["content-language"]) == (
        "en-GB",
        "en-US",
    )
    assert british.content != american.content
    assert japanese.content == client.get(url).content
    assert japanese.headers["content-language"] == "en"


def test_no_cache_renders_every_request(make_client: MakeClient) -> None:
    client = make_client(response_cache_mb=0)
    assert client.app.state.responses is None  # type: ignore[attr-defined]
    assert client.get("/v1/muscles").status_code == 200


PER_REQUEST = {"x-request-id", "date"}  # differ between any two answers


@pytest.mark.parametrize(
    "url",
    [
        "/v1/muscles/gluteus-maximus",
        "/v1/self-tests/muscular-minesweeper/steps/2.html",
        "/v1/embed.js",
        "/docs",
        "/openapi.json",
        "/embed/self-tests/muscular-minesweeper",
    ],
)
@pytest.mark.parametrize("cached", [True, False])
def test_every_304_is_its_200_less_the_headers_about_a_body(
    client: TestClient, plain: TestClient, url: str, cached: bool
) -> None:
    """Handlers, the docs, the script and the response cache answer a conditional GET alike."""
    asking = client if cached else plain
    ok = asking.get(url)
    assert ok.status_code == 200
    not_modified = asking.get(url, headers={"If-None-Match": ok.headers["etag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    expected = {k: v for k, v in ok.headers.items() if k not in BODY_HEADERS | PER_REQUEST}
    got = {k: v for k, v in not_modified.headers.items() if k not in PER_REQUEST}
    assert got == expected


def test_a_head_is_kept_as_its_get(app: FastAPI, make_client: MakeClient) -> None:
    """A repeated HEAD renders nothing: its GET is kept on the first, and the next HEAD and GET
    are lookups with the same headers."""
    client = make_client()
    responses: Responses = client.app.state.responses  # type: ignore[attr-defined]
    url = "/v1/self-tests/muscular-minesweeper/steps/3.md"
    plain = {"Accept-Encoding": "identity"}
    head = client.head(url, headers=plain)
    assert head.status_code == 200
    assert head.content == b""
    assert len(responses.entries) == 1
    get = client.get(url, headers=plain)
    assert len(responses.entries) == 1
    assert int(head.headers["content-length"]) == len(get.content)
    assert head.headers["etag"] == get.headers["etag"]


CODED = [
    "/v1/self-tests/muscular-minesweeper",
    "/v1/self-tests/muscular-minesweeper/steps/5.html",
    "/v1/warnings.md?page_size=3",
    "/v1/export",
    "/v1/diagrams/glutes-from-behind.svg",
    "/embed/self-tests/muscular-minesweeper/steps/2",
]


def raw(client: TestClient, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes on the wire (not decoded)."""
    with client.stream("GET", url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
def test_each_coding_decodes_to_the_identity_bytes_with_its_own_etag(
    make_client: MakeClient, coding: str
) -> None:
    client = make_client()
    decoders = {
        "br": brotli.decompress,
        "zstd": lambda b: zstandard.ZstdDecompressor().decompressobj().decompress(b),
        "gzip": gzip.decompress,
    }
    for url in CODED:
        _, plain_headers, plain = raw(client, url, {"Accept-Encoding": "identity"})
        status, headers, body = raw(client, url, {"Accept-Encoding": f"{coding}, identity;q=0.5"})
        assert status == 200
        assert headers["content-encoding"] == coding, url
        assert "Accept-Encoding" in headers["vary"]
        assert "Accept-Encoding" in plain_headers["vary"]
        assert int(headers["content-length"]) == len(body) < len(plain) * 0.6, url
        assert decoders[coding](body) == plain, url
        assert headers["etag"] == plain_headers["etag"][:-1] + f'-{coding}"'
        again = client.get(
            url, headers={"Accept-Encoding": coding, "If-None-Match": headers["etag"]}
        )
        assert again.status_code == 304, url
        assert again.headers["etag"] == headers["etag"]
        assert "content-encoding" not in again.headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "identity"),
        ("gzip, deflate", "gzip"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.1, gzip;q=0.9", "gzip"),
        ("gzip;q=0.5, identity", "identity"),
        ("*", "br"),
        ("*;q=0", "identity"),  # nothing acceptable: identity, never a 406
        ("gzip;q=0", "identity"),
        ("x-unknown", "identity"),
    ],
)
def test_accept_encoding_is_negotiated_with_q_values(header: str, expected: str) -> None:
    assert choose_coding(header) == expected


def test_pictures_of_little_and_pdfs_are_sent_as_they_are(client: TestClient) -> None:
    for url in ("/v1/self-tests/muscular-minesweeper/steps/5.pdf", "/v1/locales"):
        _, headers, _ = raw(client, url, {"Accept-Encoding": "br, gzip"})
        assert "content-encoding" not in headers, url
