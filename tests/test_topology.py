"""The production topology of deploy/, run from processes on 127.0.0.1: nginx (TLS, the static
export, the cache) in front of two Fascia processes sharing quotas in Redis.

Each answer through nginx is compared with what one Fascia process alone answers to the same
request: the same status, type, language and bytes, in a coding the client accepted, whatever was
asked before it. Then keys and quotas, a restart under load, and a content release."""

from __future__ import annotations

import gzip
import http.client
import itertools
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
import zstandard

from api.edge.keys import new_key
from tests.servers import ROOT
from tests.topology import Topology, export, topology

pytestmark = pytest.mark.live

MAX_AGE = 3  # seconds: FASCIA_CACHE_MAX_AGE here, so that a release shows within the test
DECODE = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
    "identity": lambda body: body,
}


def ask(
    topology: Topology, path: str, headers: dict[str, str], host: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET through nginx (TLS), on a connection of its own."""
    connection = topology.connection()
    try:
        connection.request("GET", path, headers={"Host": host or topology.host, **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def alone(
    port: int, path: str, headers: dict[str, str], host: str
) -> tuple[int, dict[str, str], bytes]:
    """The same GET asked of one Fascia process, as nginx forwards it (scheme https)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        forwarded = {"Host": host, "X-Forwarded-Proto": "https", **headers}
        connection.request("GET", path, headers=forwarded)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with topology(tmp_path_factory.mktemp("topology"), max_age=MAX_AGE) as running:
        yield running


PATHS = ["/v1/warnings/red-flag-chest-pain", "/v1/muscles/gluteus-maximus", "/v1/muscles.md"]
QUERIES = ["", "?lang=es", "?region=MX"]
CODINGS = ["br", "gzip", "identity", "br, gzip", ""]
LANGUAGES = ["", "es", "es-MX", "en-GB", "es;q=0.1, en"]
ACCEPTS = ["", "text/html", "application/json"]


def test_no_answer_is_served_for_another_request(site: Topology) -> None:
    """Codings, languages, regions, representations and Hosts, asked in an order that would
    poison a cache keyed on the path alone (each variant right after another of the same URL),
    twice: the second round comes from the cache and the static files."""
    port = next(iter(site.processes))
    hosts = [site.host, f"127.0.0.1:{site.tls_port}"]
    expected: dict[tuple[str, ...], tuple[int, str, str, bytes]] = {}
    served = {"file": 0}
    requests = list(itertools.product(PATHS, QUERIES, hosts, ACCEPTS, LANGUAGES, CODINGS))
    for _round in range(2):
        for path, query, host, accept, language, coding in requests:
            headers = {"Accept": accept, "Accept-Language": language, "Accept-Encoding": coding}
            headers = {name: value for name, value in headers.items() if value}
            key = (path, query, host, accept, language, coding)
            if key not in expected:
                status, got, body = alone(port, path + query, headers, host)
                decoded = DECODE[got.get("content-encoding", "identity")](body)
                language_got = got.get("content-language", "")
                expected[key] = (status, got.get("content-type", ""), language_got, decoded)
            status, got, body = ask(site, path + query, headers, host)
            coding_got = got.get("content-encoding", "identity")
            assert acceptable(coding_got, coding), (key, coding_got)
            answer = (status, got.get("content-type", ""), got.get("content-language", ""))
            assert answer == expected[key][:3], (key, got.get("x-cache-status"))
            assert DECODE[coding_got](body) == expected[key][3], (key, got.get("x-cache-status"))
            if _round:
                cache = got.get("x-cache-status", "file")
                served[cache] = served.get(cache, 0) + 1
    # The Host matters: links in the HTML name the Host asked for (FASCIA_PUBLIC_URL unset).
    html = [expected[(PATHS[0], "", host, "text/html", "", "")][3] for host in hosts]
    assert f"https://127.0.0.1:{site.tls_port}/".encode() in html[1]
    assert html[0] != html[1]
    # The second round: every answer from the cache (fresh, or stale while nginx revalidates it
    # in the background: max-age is short here) or from a file.
    from_cache = sum(served.get(s, 0) for s in ("HIT", "STALE", "UPDATING", "REVALIDATED"))
    assert from_cache + served["file"] > 0.9 * len(requests), served
    assert served["file"] > 0, served


def test_a_restarted_process_loses_no_request(site: Topology) -> None:
    """GETs the cache cannot answer (a new search each), from 4 clients, while each Fascia
    process in turn is stopped with SIGTERM and started again: every answer is a 200."""
    failures: list[str] = []
    answered = [0]
    done = threading.Event()
    counter = itertools.count()

    def client() -> None:
        connection = site.connection()
        while not done.is_set():
            path = f"/v1/search?q=gluteus+{next(counter)}"
            try:
                connection.request("GET", path, headers={"Host": site.host})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{path}: {response.status}")
                answered[0] += 1
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{path}: {error!r}")
                connection.close()
                connection = site.connection()
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        for port in list(site.processes):
            before = answered[0]
            site.restart(port)
            time.sleep(0.5)
            assert answered[0] > before  # the load went on meanwhile
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=20)
    assert not failures, failures[:5]
    assert answered[0] > 100


def test_a_release_reaches_clients_within_max_age(site: Topology, tmp_path: Path) -> None:
    """A second bundle with a changed name: once the processes serve it (restarted one at a
    time) and the export is written anew, nginx answers the new name within Cache-Control's
    max-age, from its cache (revalidated by ETag) and from the files."""
    content = tmp_path / "content"
    build = site.work / "release-2.sqlite"
    shutil.copytree(ROOT / "content", content)
    muscle = content / "en" / "muscles" / "gluteus-maximus.yaml"
    muscle.write_text(muscle.read_text().replace("name: Gluteus maximus\n", "name: Gluteus II\n"))
    command = [sys.executable, "-m", "api", "build", str(content), "--output", str(build)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=120)
    cached = {"Accept-Language": "en-GB"}  # a regional language: always the app's, cached
    path = "/v1/muscles/gluteus-maximus"
    for headers in (cached, {}):
        status, _got, body = ask(site, path, headers)
        assert status == 200
        assert b'"Gluteus maximus"' in body
    new = {"FASCIA_BUNDLE": str(build)}
    export(
        site.work / "export" / "2", site.env | new | {"FASCIA_PUBLIC_URL": f"https://{site.host}"}
    )
    for port in list(site.processes):
        site.restart(port, new)
    site.env |= new
    (site.work / "export" / "next").symlink_to(site.work / "export" / "2")
    (site.work / "export" / "next").replace(site.work / "export" / "current")
    released = time.perf_counter()
    seen: dict[str, float] = {}
    while len(seen) < 2 and time.perf_counter() - released < MAX_AGE + 5:
        for name, headers in (("cache", cached), ("file", {})):
            status, _got, body = ask(site, path, headers)
            assert status == 200
            if b'"Gluteus II"' in body and name not in seen:
                seen[name] = time.perf_counter() - released
        time.sleep(0.1)
    assert set(seen) == {"cache", "file"}, seen
    assert max(seen.values()) <= MAX_AGE + 2, seen  # max-age, and the polling's own pace


def test_keys_bypass_the_cache_and_quotas_count_across_processes(tmp_path: Path) -> None:
    """With keys on, a request without a valid key is refused (401) even after keyed requests
    for the same path, and every keyed request counts against its quota in Redis, whichever
    process answers: 10 an hour in all, not 10 for each process."""
    key, digest = new_key()
    limit = 10
    path = "/v1/muscles/gluteus-maximus"
    with topology(tmp_path, api_keys=digest, rate_limit=f"{limit}/hour") as running:
        # Quotas count in fixed windows: keep the requests below in one of them.
        left = 3600 - time.time() % 3600
        if left < 20:
            time.sleep(left + 0.5)
        statuses = []
        for _ in range(2):
            status, got, _body = ask(running, path, {"X-API-Key": key})
            statuses.append(status)
            assert got.get("x-cache-status") == "BYPASS"
        for headers in ({}, {"X-API-Key": "not-a-key"}, {"Accept-Language": "es-MX"}):
            status, got, _body = ask(running, path, headers)
            assert status == 401, (headers, status)
            assert got["content-type"] == "application/problem+json"
            assert got.get("x-cache-status") != "HIT"
        for _ in range(limit):
            status, got, _body = ask(running, path, {"X-API-Key": key})
            statuses.append(status)
        assert statuses.count(200) == limit, statuses
        assert statuses[limit:] == [429] * (len(statuses) - limit), statuses
        # Both processes answered some of them.
        for port in running.processes:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/metrics", headers={"X-API-Key": key}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                metrics = response.read().decode()
            assert 'status="200"' in metrics, port
