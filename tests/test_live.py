"""Against a live uvicorn on 127.0.0.1: the schemathesis CLI, a generated client, logs, SIGTERM."""

from __future__ import annotations

import contextlib
import http.client
import importlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.servers import ROOT, fascia, free_port

pytestmark = pytest.mark.live

SEED = 20261126


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with fascia(port, {"FASCIA_ACCESS_LOG": "true"}, log=log):
        yield f"http://127.0.0.1:{port}", log


# The tags of the operations on a representation's suffix path (``/v1/muscles.pdf``, ...).
REPRESENTATIONS = "^(json-ld|html|markdown|pdf|svg|png|fhir)$"


def test_schemathesis_cli_finds_nothing(server: tuple[str, Path], tmp_path: Path) -> None:
    """The CLI, over real sockets, against the real server: every operation with its documented
    examples, and every operation but those on a representation's suffix path with the coverage
    phase's valid and invalid values of each of its parameters and headers. About 3,000
    requests, the same on every run.

    Sampled. No random fuzzing here (nearly half of the run, at 100 examples an operation):
    test_contract fuzzes every operation, up to 60 examples each, against the same app in
    process, with the same handlers, validation and middleware. And no coverage phase on the
    suffix paths (nine tenths of that phase's time): each sends its JSON twin's parameters to
    the same validation and handler, so their values cross the wire in the JSON operation's
    run, and test_contract runs the phase on every one of them in process. What only a live
    server adds, uvicorn and the network between the client and the app, every operation's
    examples and every parameter's values still cross."""
    base, _ = server
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    operations = {
        f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
    }
    examples = schemathesis_cli(base, tmp_path / "examples", "--phases", "examples")
    assert generated(examples) > 500
    exclude = ["--exclude-tag-regex", REPRESENTATIONS]
    coverage = schemathesis_cli(base, tmp_path / "coverage", "--phases", "coverage", *exclude)
    assert generated(coverage) > 2000
    # Every operation was tested by one run or the other (an operation with no examples, such as
    # /healthz, is skipped by the first).
    runs = (tmp_path / "examples", tmp_path / "coverage")
    assert set().union(*map(operations_tested, runs)) == operations


def schemathesis_cli(base: str, reports: Path, *arguments: str) -> str:
    """What ``schemathesis run`` prints, having found nothing with every check."""
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/openapi.json",
        "--checks", "all",
        "--mode", "all",
        "--seed", str(SEED),
        *arguments,
        "--generation-database", "none",
        "--report", "junit",
        "--report-dir", str(reports),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "No issues found" in result.stdout, result.stdout[-4000:]
    return result.stdout


def operations_tested(reports: Path) -> set[str]:
    """The operations a run's JUnit report shows tested, not skipped (``GET /v1/muscles``)."""
    (report,) = reports.glob("junit-*.xml")
    cases = ElementTree.parse(report).iter("testcase")
    return {case.attrib["name"] for case in cases if case.find("skipped") is None}


def generated(output: str) -> int:
    """How many cases the run generated; each one passed."""
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases is not None
    assert cases.group(1) == cases.group(2)
    return int(cases.group(1))


def test_generated_client_fetches_the_partner_self_test_and_a_muscle(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    base, _ = server
    package = tmp_path / "fascia_generated_client"
    generator = Path(sys.executable).parent / "openapi-python-client"
    spec = ROOT / "openapi" / "openapi.json"
    subprocess.run(
        [str(generator), "generate", "--path", str(spec), "--output-path", str(package),
         "--meta", "none", "--config", str(ROOT / "openapi" / "openapi-python-client.yaml")],
        cwd=tmp_path, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    client_module = _import(tmp_path, "fascia_generated_client")
    self_tests = _import(tmp_path, "fascia_generated_client.api.self_tests.get_self_test")
    muscles = _import(tmp_path, "fascia_generated_client.api.muscles.get_muscle")
    with client_module.Client(base_url=base) as client:
        partner = self_tests.sync(
            client=client, self_test_id="muscular-minesweeper", variant="partner"
        )
        muscle = muscles.sync(client=client, muscle_id="gluteus-maximus")
    (variant,) = partner.variants
    assert [step.number for step in variant.steps] == list(range(1, 10))
    assert "sciatic-nerve-electric-sensation" in {w.id for w in variant.steps[4].warnings}
    assert muscle.name == "Gluteus maximus"
    assert "UBERON:0001370" in {code.code for code in muscle.codes}


def _import(folder: Path, name: str) -> Any:
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


@pytest.mark.parametrize("path", ["/v1", "/v1/muscles/nope", "/healthz"])
def test_no_server_banner_from_the_real_server(server: tuple[str, Path], path: str) -> None:
    """uvicorn adds `server: uvicorn` unless told not to (``api.ops.serve``): only a live server
    shows whether it is."""
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.getheader("server") is None
    assert response.getheader("x-content-type-options") == "nosniff"  # its other headers come


def test_start_up_logs_content_version_and_counts(server: tuple[str, Path]) -> None:
    base, log = server
    version = json.loads(_get(base, "/readyz")[1])["content_version"]
    loaded_lines = complete_lines(log)
    loaded = next(line for line in loaded_lines if line.get("message") == "bundle opened")
    assert loaded["content_version"] == version
    assert loaded["items"] > 30
    assert loaded["locales"] == ["en", "es"]


def test_access_log_lines_carry_the_request_id(server: tuple[str, Path]) -> None:
    base, log = server
    _get(base, "/v1/muscles", {"X-Request-ID": "live-test-7"})
    time.sleep(1.0)  # access lines are written in batches, at most a quarter second late
    assert any(line.get("request_id") == "live-test-7" for line in complete_lines(log))


def complete_lines(log: Path) -> list[dict[str, Any]]:
    """The JSON lines written so far; a line still being written is left for later."""
    text = log.read_text()
    lines = text.split("\n")[:-1]  # the last is empty, or a line still being written
    return [json.loads(line) for line in lines if line.startswith("{")]


def _get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_sigterm_lets_in_flight_requests_finish() -> None:
    port = free_port()
    outcomes: list[str] = []
    stop = threading.Event()
    slow = "/v1/self-tests.html?lang=es&condition=low-back-pain"  # first request: real work

    def load() -> None:
        while not stop.is_set():
            try:
                status, body = _get(f"http://127.0.0.1:{port}", slow)
                outcomes.append("ok" if status == 200 and body.endswith(b"</html>\n") else "bad")
            except http.client.IncompleteRead:
                outcomes.append("truncated")
            except OSError:
                outcomes.append("refused")  # after the listener closed: never started
                return

    env = {"FASCIA_COMPILED_RESPONSES": "false"}
    with fascia(port, env) as process:
        workers = [threading.Thread(target=load) for _ in range(8)]
        for worker in workers:
            worker.start()
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
        stop.set()
        for worker in workers:
            worker.join(timeout=15)
    # uvicorn finishes what is in flight, then re-raises the signal so supervisors see it.
    assert code in (0, -signal.SIGTERM)
    assert outcomes.count("ok") > 50
    assert "truncated" not in outcomes
    assert "bad" not in outcomes


@pytest.mark.parametrize(("trusted", "expected"), [("", 429), ("127.0.0.1", 200)])
def test_forwarded_for_is_believed_only_from_trusted_proxies(trusted: str, expected: int) -> None:
    """A client that names a new X-Forwarded-For each time is still one client to the quota,
    unless it is a trusted proxy."""
    port = free_port()
    env = {"FASCIA_RATE_LIMIT": "2/minute", "FASCIA_TRUSTED_PROXIES": trusted}
    with fascia(port, env):
        base = f"http://127.0.0.1:{port}"
        statuses = [
            _get(base, "/v1/muscles", {"X-Forwarded-For": f"203.0.113.{n}"})[0] for n in range(3)
        ]
    assert statuses == [200, 200, expected]


def _address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def test_a_huge_header_is_refused_while_it_is_read(server: tuple[str, Path]) -> None:
    """64 MB of header: refused with 431 long before it is all sent; others are unaffected."""
    base, _ = server
    chunk = b"a" * 65536
    sent = 0
    started = time.perf_counter()
    with socket.create_connection(_address(base), timeout=5) as connection:
        connection.sendall(b"GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        try:
            while sent < 64 * 2**20:
                connection.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            answer = connection.recv(4096)
        refused_after = time.perf_counter() - started
        assert _get(base, "/v1/muscles")[0] == 200  # while the other connection is refused
    assert sent < 16 * 2**20, sent
    assert refused_after < 1.0, refused_after
    if answer:  # the 431 may be lost when the client is still sending as the server closes
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]


def test_slow_headers_and_silent_connections_are_closed() -> None:
    port = free_port()
    with fascia(port, {"FASCIA_HEADER_TIMEOUT": "0.5"}):
        address = ("127.0.0.1", port)
        with (
            socket.create_connection(address, timeout=5) as slow,
            socket.create_connection(address, timeout=5) as silent,
        ):
            started = time.perf_counter()
            slow.sendall(b"GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            refusal = slow.recv(4096)
            assert refusal.startswith(b"HTTP/1.1 408 ")
            assert b"\r\nx-content-type-options: nosniff\r\n" in refusal  # as every answer
            assert silent.recv(4096).startswith(b"HTTP/1.1 408 ")
            assert slow.recv(4096) == b""  # closed
            assert time.perf_counter() - started < 3
        assert _get(f"http://127.0.0.1:{port}", "/v1")[0] == 200  # a prompt client is served


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def test_pipelining_without_reading_is_cut_off_and_memory_stays_flat() -> None:
    """Two connections each sending 4 MB of pipelined GETs and reading nothing: the server holds
    at most a few dozen of them per connection, drops the connection, and its memory stays
    within 20 MB of where it was (it grew by 340 MB before). A client that pipelines a few and
    reads the answers is served as before."""
    port = free_port()
    request = b"GET /v1/locales HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with fascia(port) as process:
        address = ("127.0.0.1", port)
        with socket.create_connection(address, timeout=5) as polite:
            polite.sendall(request * 10)
            answers = b""
            while answers.count(b"HTTP/1.1 200 ") < 10:
                chunk = polite.recv(65536)
                assert chunk, "closed early"
                answers += chunk
        before = _rss_mb(process.pid)
        for _ in range(2):
            with socket.create_connection(address, timeout=5) as flood:
                flood.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sent = 0
                with contextlib.suppress(OSError):  # reset by the server: what should happen
                    while sent < 4 * 2**20:
                        flood.sendall(request * 1000)
                        sent += len(request) * 1000
                assert sent < 4 * 2**20, "the server read 4 MB of requests it would not answer"
        time.sleep(0.5)
        assert _rss_mb(process.pid) - before < 20
        assert _get(f"http://127.0.0.1:{port}", "/v1/locales")[0] == 200


def _answer_and_close(address: tuple[str, int], request: bytes) -> tuple[bytes, float]:
    """What the server answers to ``request`` (sent once, never finished), and how long until it
    closed the connection; a timeout fails the test."""
    started = time.perf_counter()
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer, time.perf_counter() - started


def test_slow_bodies_bodies_on_get_and_early_answers_close_the_connection() -> None:
    """A body that trickles in is timed out like headers; a GET with a body is refused; a
    request answered before its body arrived (a 413, a 405) is closed, not left open to trickle."""
    port = free_port()
    head = b"Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
    mcp = b"Accept: application/json, text/event-stream\r\n"
    with fascia(port, {"FASCIA_HEADER_TIMEOUT": "1"}):
        address = ("127.0.0.1", port)
        slow = b"POST /mcp HTTP/1.1\r\n" + head + mcp + b"Content-Length: 100\r\n\r\n{"
        answer, took = _answer_and_close(address, slow)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:60]
        assert b"x-content-type-options: nosniff" in answer
        assert 0.9 < took < 4
        get = b"GET /v1 HTTP/1.1\r\n" + head + b"Content-Length: 5\r\n\r\nhello"
        answer, took = _answer_and_close(address, get)
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:60]
        assert b"has no body" in answer
        huge = b"POST /mcp HTTP/1.1\r\n" + head + mcp + b"Content-Length: 1000000000000\r\n\r\n{"
        answer, took = _answer_and_close(address, huge)
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:60]
        assert took < 1  # answered, then closed without waiting for the body
        assert _get(f"http://127.0.0.1:{port}", "/v1")[0] == 200


def test_connections_past_the_limit_get_a_problem_and_are_closed() -> None:
    """FASCIA_MAX_CONNECTIONS=3: three connections are served (two of them idle), a fourth gets
    503 as a problem and is closed; once the idle ones go, it is served again."""
    port = free_port()
    address = ("127.0.0.1", port)
    with fascia(port, {"FASCIA_MAX_CONNECTIONS": "3"}):
        idle = [socket.create_connection(address, timeout=5) for _ in range(2)]
        try:
            time.sleep(0.2)  # the server has accepted them
            with socket.create_connection(address, timeout=5) as third:
                third.sendall(b"GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert third.recv(65536).startswith(b"HTTP/1.1 200 ")
                answer, _ = _answer_and_close(
                    address, b"GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                )
            assert answer.startswith(b"HTTP/1.1 503 "), answer[:60]
            assert b"application/problem+json" in answer
        finally:
            for connection in idle:
                connection.close()
        time.sleep(0.2)
        assert _get(f"http://127.0.0.1:{port}", "/v1")[0] == 200
