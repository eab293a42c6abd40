"""Benchmark: Fascia against nginx serving the static export of the same bytes (``make bench``).

Runs on 127.0.0.1 only, bounded in time: for each scenario, rounds of wrk (1 thread,
32 connections) interleave nginx, Fascia (response cache on, 1 uvicorn worker) and the plain
FastAPI path (the same app with the response cache off), so each ratio compares numbers taken
seconds apart on the same machine. Then, with the same interleaving, the ceiling: bare uvicorn
(``bench.bare``) sending the very bytes of Fascia's cached small item and its 304, run as
``python -m api serve`` runs uvicorn; a cold start (the first 10 s after ``/readyz`` against the
next 10 s); and a cheap GET alone and during each of a few hostile floods (``bench.hostile``).
Prints a table; exits non-zero only if a tool fails.

    python -m bench.speed [--seconds 5] [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.hostile import ExportFlood, Flood, McpFlood, PipelineFlood, RssSampler, SlowBodyFlood
from tests.servers import ROOT, fascia, free_port, nginx, redis, wait_until_up

SELF_TEST = "/v1/self-tests/muscular-minesweeper"
SMALL = "/v1/muscles/gluteus-maximus"
COMPRESSED = {"Accept-Encoding": "br, gzip"}  # nginx answers gzip (gzip_static), Fascia br
SCENARIOS: dict[str, tuple[str, dict[str, str]]] = {
    "small item (muscle, 3 KB)": ("/v1/muscles/gluteus-maximus", {}),
    "full self-test (453 KB)": (SELF_TEST, {}),
    "full self-test, br/gzip": (SELF_TEST, COMPRESSED),
    "304 revalidation": ("/v1/muscles/gluteus-maximus", {}),
    "304 of the self-test, br/gzip": (SELF_TEST, COMPRESSED),
    "collection (muscles)": ("/v1/muscles", {}),
}
CONNECTIONS = 32
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    max_ms: float = 0.0


def wrk(url: str, seconds: int, headers: dict[str, str], connections: int = CONNECTIONS) -> Run:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    latency = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s", output)
    longest = float(latency.group(1)) * _UNITS[latency.group(2)] if latency else 0.0
    return Run(rate, _percentile(output, "50%"), _percentile(output, "99%"), errors, longest)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    assert match is not None, output
    return float(match.group(1)) * _UNITS[match.group(2)]


def etag(url: str, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(response.headers["ETag"])


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    return kilobytes / 1024


@contextmanager
def servers(work: Path) -> Iterator[dict[str, tuple[str, int]]]:
    """nginx, Fascia and plain FastAPI on free loopback ports: name -> (base URL, pid)."""
    ports = {name: free_port() for name in ("nginx", "fascia", "fastapi")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "api",
            "export",
            str(work / "site"),
            "--listen",
            f"127.0.0.1:{ports['nginx']}",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with ExitStack() as stack:
        web = stack.enter_context(
            nginx(work / "site/nginx/fascia.conf", ports["nginx"], work / "ng")
        )
        app = stack.enter_context(fascia(ports["fascia"]))
        plain = stack.enter_context(fascia(ports["fastapi"], {"FASCIA_RESPONSE_CACHE_MB": "0"}))
        yield {
            "nginx": (f"http://127.0.0.1:{ports['nginx']}", web.pid),
            "fascia": (f"http://127.0.0.1:{ports['fascia']}", app.pid),
            "fastapi": (f"http://127.0.0.1:{ports['fastapi']}", plain.pid),
            "startup": (str(app.startup_seconds), app.pid),  # type: ignore[attr-defined]
        }


def measure(
    seconds: int, rounds: int, scenarios: dict[str, tuple[str, dict[str, str]]]
) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder, servers(Path(folder)) as targets:
        startup = float(targets.pop("startup")[0])
        for scenario, (path, asked) in scenarios.items():
            results: dict[str, list[Run]] = {name: [] for name in targets}
            for _ in range(rounds):
                for name, (base, _pid) in targets.items():
                    headers = dict(asked)
                    if scenario.startswith("304"):
                        headers["If-None-Match"] = etag(base + path, asked)
                    results[name].append(wrk(base + path, seconds, headers))
            rows += _rows(scenario, results)
        rss = rss_mb(targets["fascia"][1])
        plain_rss = rss_mb(targets["fastapi"][1])
    rows.append(["start-up to ready", "fascia", f"{startup:.2f} s", "", "", "", "target < 1 s"])
    rows.append(["RSS after load", "fascia", f"{rss:.1f} MB", "", "", "", "target < 80 MB"])
    rows.append(["RSS after load", "fastapi", f"{plain_rss:.1f} MB", "", "", "", ""])
    return rows


def _rows(scenario: str, results: dict[str, list[Run]]) -> list[list[str]]:
    nginx_rate = statistics.median(r.requests_per_second for r in results["nginx"])
    rows = []
    for name, runs in results.items():
        rate = statistics.median(r.requests_per_second for r in runs)
        rows.append(
            [
                scenario,
                name,
                f"{rate:,.0f}",
                f"{statistics.median(r.p50_ms for r in runs):.2f}",
                f"{statistics.median(r.p99_ms for r in runs):.2f}",
                f"{rate / nginx_rate:.2f}x",
                f"errors {sum(r.errors for r in runs)}" if any(r.errors for r in runs) else "",
            ]
        )
    return rows


def quotas(seconds: int, rounds: int, path: str) -> list[list[str]]:
    """Requests/s with quotas off, counted in memory and counted in a real local Redis,
    interleaved; each as a share of the throughput with quotas off."""
    limit = {"FASCIA_RATE_LIMIT": "100000000/minute"}
    with ExitStack() as stack:
        redis_port = free_port()
        stack.enter_context(redis(redis_port))
        storage = {"FASCIA_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{redis_port}"}
        configurations = {"quota off": {}, "memory quota": limit, "Redis quota": limit | storage}
        ports = {}
        for name, env in configurations.items():
            ports[name] = free_port()
            stack.enter_context(fascia(ports[name], env))
        runs: dict[str, list[Run]] = {name: [] for name in configurations}
        for _ in range(rounds):
            for name, port in ports.items():
                runs[name].append(wrk(f"http://127.0.0.1:{port}{path}", seconds, {}))
    off = statistics.median(r.requests_per_second for r in runs["quota off"])
    targets = {"quota off": "", "memory quota": "target >= 85%", "Redis quota": "target >= 60%"}
    rows = []
    for name, results in runs.items():
        rate = statistics.median(r.requests_per_second for r in results)
        errors = sum(r.errors for r in results)
        note = targets[name] + (f" errors {errors}" if errors else "")
        rows.append(
            [
                f"small item, {name}",
                "fascia",
                f"{rate:,.0f}",
                f"{statistics.median(r.p50_ms for r in results):.2f}",
                f"{statistics.median(r.p99_ms for r in results):.2f}",
                f"{rate / off:.0%} of off",
                note.strip(),
            ]
        )
    return rows


def two_processes(seconds: int, path: str) -> list[str]:
    """Requests/s of two Fascia processes sharing one port through SO_REUSEPORT."""
    port = free_port()
    env = {"FASCIA_REUSE_PORT": "true"}
    with fascia(port, env), fascia(port, env):
        run = wrk(f"http://127.0.0.1:{port}{path}", seconds, {})
    return _row("small item, 2 processes", [run], "SO_REUSEPORT", "fascia x2")


def with_access_log(seconds: int, path: str) -> list[str]:
    """The small item again, with the access log on (the default), written to /dev/null."""
    port = free_port()
    with fascia(port, {"FASCIA_ACCESS_LOG": "true"}, log=Path("/dev/null")):
        run = wrk(f"http://127.0.0.1:{port}{path}", seconds, {})
    return _row("small item, access log on", [run], "JSON line per request")


PDF_CLIENTS = 4
MIXED_CONNECTIONS = 16


def mixed_load(seconds: int, rounds: int, path: str) -> list[list[str]]:
    """A cheap cached GET at 16 connections alone, then while 4 clients loop over distinct,
    never cached PDFs (each a new page size of the warnings): the PDFs are typeset in worker
    processes, so the cheap GET should keep at least 0.7x its throughput and at most 2x its p99."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    alone: list[Run] = []
    loaded: list[Run] = []
    pdfs = {"answered": 0, "busy": 0}
    sizes = itertools.count()  # each PDF asked once: a new page size or language
    with fascia(port):
        wrk(base + path, 1, {})  # warm
        for _ in range(rounds):
            alone.append(wrk(base + path, seconds, {}, MIXED_CONNECTIONS))
            stop = threading.Event()
            threads = [
                threading.Thread(target=_flood, args=(base, sizes, stop, pdfs))
                for _ in range(PDF_CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)  # the flood is under way
            loaded.append(wrk(base + path, seconds, {}, MIXED_CONNECTIONS))
            stop.set()
            for thread in threads:
                thread.join()
    rate_alone = statistics.median(r.requests_per_second for r in alone)
    rate_loaded = statistics.median(r.requests_per_second for r in loaded)
    p99_alone = statistics.median(r.p99_ms for r in alone)
    p99_loaded = statistics.median(r.p99_ms for r in loaded)
    note = (
        f"{rate_loaded / rate_alone:.2f}x req/s (target >= 0.7x), "
        f"{p99_loaded / p99_alone:.2f}x p99 (target <= 2x); "
        f"{pdfs['answered']} PDFs typeset, {pdfs['busy']} answered 503"
    )
    return [
        _row("small item, -c16, alone", alone, ""),
        _row(f"small item, -c16, {PDF_CLIENTS} PDF clients", loaded, note),
    ]


_COUNT_LOCK = threading.Lock()


def _flood(base: str, sizes: Iterator[int], stop: threading.Event, pdfs: dict[str, int]) -> None:
    """Ask for never-cached PDFs, one after another, until ``stop``."""
    while not stop.is_set():
        with _COUNT_LOCK:
            n = next(sizes)
        lang = ("en", "es")[n // 1000 % 2]
        url = f"{base}/v1/warnings.pdf?page_size={n % 1000 + 1}&lang={lang}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
            outcome = "answered"
        except urllib.error.HTTPError as error:
            outcome = "busy" if error.code == 503 else "answered"
        with _COUNT_LOCK:
            pdfs[outcome] += 1


def answers_of(port: int, path: str) -> dict[str, list[object]]:
    """Fascia's answer to GET ``path`` and its 304: status, headers (but ``date``, which uvicorn
    adds) and body, as sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    answers: dict[str, list[object]] = {}
    etag = ""
    for name in ("ok", "not_modified"):
        connection.request("GET", path, headers={"If-None-Match": etag} if etag else {})
        response = connection.getresponse()
        body = response.read()
        headers = [(k, v) for k, v in response.getheaders() if k.lower() != "date"]
        answers[name] = [response.status, headers, body.decode()]
        etag = response.getheader("etag") or ""
    connection.close()
    assert answers["ok"][0] == 200, answers
    assert answers["not_modified"][0] == 304, answers
    return answers


@contextmanager
def bare(
    port: int, answers: dict[str, list[object]], work: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``bench.bare`` on 127.0.0.1:``port``, answering with ``answers``."""
    file = work / "answers.json"
    file.write_text(json.dumps(answers))
    command = [sys.executable, "-m", "bench.bare", str(port), str(file)]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{SMALL}", process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


CEILING_TARGET = 0.75  # Fascia, access log on, as a share of bare uvicorn's requests/s


def ceiling(seconds: int, rounds: int) -> list[list[str]]:
    """The small item and its 304 from bare uvicorn (the same bytes, protocol and settings, no
    app), Fascia with the access log off and Fascia with it on (the default), interleaved."""
    ports = {name: free_port() for name in ("bare uvicorn", "fascia", "fascia, log on")}
    rows = []
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        stack.enter_context(fascia(ports["fascia"]))
        logged = {"FASCIA_ACCESS_LOG": "true"}
        stack.enter_context(fascia(ports["fascia, log on"], logged, log=Path("/dev/null")))
        answers = answers_of(ports["fascia"], SMALL)
        stack.enter_context(bare(ports["bare uvicorn"], answers, Path(folder)))
        etag = dict(answers["ok"][1])["etag"]  # type: ignore[call-overload]
        for scenario, headers in (
            ("small item", {}),
            ("304 revalidation", {"If-None-Match": etag}),
        ):
            results: dict[str, list[Run]] = {name: [] for name in ports}
            for _ in range(rounds):
                for name, port in ports.items():
                    results[name].append(wrk(f"http://127.0.0.1:{port}{SMALL}", seconds, headers))
            ceiling_rate = statistics.median(r.requests_per_second for r in results["bare uvicorn"])
            for name, runs in results.items():
                share = statistics.median(r.requests_per_second for r in runs) / ceiling_rate
                note = "" if name == "bare uvicorn" else f"{share:.2f}x bare"
                if name == "fascia, log on":  # three decimals: 0.749 is not 0.75
                    met = "met" if share >= CEILING_TARGET else "NOT met"
                    note = f"{share:.3f}x bare (target >= {CEILING_TARGET}x: {met})"
                rows.append(_row(f"{scenario} vs bare uvicorn", runs, note, name))
    return rows


COLD_SECONDS = 10


def cold_start(rounds: int) -> list[list[str]]:
    """A new Fascia process, wrk started the moment /readyz answers: p99 over its first 10 s,
    then over the next 10 s of the same process (warm); a new process each round."""
    cold: list[Run] = []
    warm: list[Run] = []
    for _ in range(rounds):
        port = free_port()
        with fascia(port):
            cold.append(wrk(f"http://127.0.0.1:{port}{SMALL}", COLD_SECONDS, {}))
            warm.append(wrk(f"http://127.0.0.1:{port}{SMALL}", COLD_SECONDS, {}))
    ratio = statistics.median(r.p99_ms for r in cold) / statistics.median(r.p99_ms for r in warm)
    worst = max(r.p99_ms for r in cold) / statistics.median(r.p99_ms for r in warm)
    met = "met" if ratio <= 2 else "NOT met"
    note = (
        f"cold p99 {ratio:.2f}x warm (target <= 2x: {met}); worst process {worst:.2f}x; "
        f"slowest request {statistics.median(r.max_ms for r in cold):.0f} ms cold, "
        f"{statistics.median(r.max_ms for r in warm):.0f} ms warm"
    )
    return [
        _row(f"small item, first {COLD_SECONDS} s after /readyz", cold, note),
        _row(f"small item, next {COLD_SECONDS} s (warm)", warm, ""),
    ]


HEADER_TIMEOUT = 10.0  # FASCIA_HEADER_TIMEOUT's default: also the time a body may take
FLOOD_THROUGHPUT_TARGET = 0.5
FLOOD_P99_TARGET = 5.0
RSS_GROWTH_TARGET_MB = 20.0
FLOODS: dict[str, Callable[[int], Flood]] = {
    "32 conns of export.pdf misses": lambda port: ExportFlood(port, 32, ".pdf"),
    "4 conns of export.html misses": lambda port: ExportFlood(port, 4, ".html"),
    "4 conns of MCP calls": lambda port: McpFlood(port, 4),
    "2 conns pipelining 2 MB": lambda port: PipelineFlood(port, 2, 2.0),
    "64 conns of slow bodies": lambda port: SlowBodyFlood(port, 64, HEADER_TIMEOUT + 5),
}


def floods(seconds: int, rounds: int, chosen: dict[str, Callable[[int], Flood]]) -> list[list[str]]:
    """The small item at 16 connections alone, then during each flood (one Fascia process, keys
    and quotas off), a round at a time; the server's RSS before, at its peak and after each."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{SMALL}"
    rows = []
    quiet = {"FASCIA_LOG_LEVEL": "warning", "FASCIA_ACCESS_LOG": "false"}
    with (
        tempfile.TemporaryDirectory() as folder,
        fascia(port, quiet, Path(folder) / "log") as process,
    ):
        log = Path(folder) / "log"
        wrk(url, 1, {})  # warm
        for name, make in chosen.items():
            flood = make(port)
            alone: list[Run] = []
            loaded: list[Run] = []
            client_cpu: list[float] = []
            before = rss_mb(process.pid)
            logged = len(log.read_bytes().splitlines())
            with RssSampler(lambda: rss_mb(process.pid)) as sampler:
                for _ in range(rounds):
                    alone.append(wrk(url, seconds, {}, MIXED_CONNECTIONS))
                    flood.start()
                    time.sleep(1)  # the flood is under way
                    started = time.process_time()
                    loaded.append(wrk(url, seconds, {}, MIXED_CONNECTIONS))
                    client_cpu.append((time.process_time() - started) / seconds)
                    flood.stop()
            after = rss_mb(process.pid)
            lines = len(log.read_bytes().splitlines()) - logged
            note = f"; the flood's client used {statistics.median(client_cpu):.0%} of a core"
            note += f"; server logged {lines} warning/error lines" if lines else ""
            row = _flood_row(name, flood, alone, loaded, (before, sampler.peak, after))
            row[-1] += note
            rows.append(row)
    return rows


def _flood_row(
    name: str, flood: Flood, alone: list[Run], loaded: list[Run], rss: tuple[float, float, float]
) -> list[str]:
    rate = statistics.median(r.requests_per_second for r in loaded)
    rate_alone = statistics.median(r.requests_per_second for r in alone)
    p99 = statistics.median(r.p99_ms for r in loaded)
    p99_alone = statistics.median(r.p99_ms for r in alone)
    throughput_met = "met" if rate / rate_alone >= FLOOD_THROUGHPUT_TARGET else "NOT met"
    p99_met = "met" if p99 / p99_alone <= FLOOD_P99_TARGET else "NOT met"
    before, peak, after = rss
    note = (
        f"{rate / rate_alone:.2f}x req/s (>= {FLOOD_THROUGHPUT_TARGET}x: {throughput_met}), "
        f"{p99 / p99_alone:.2f}x p99 (<= {FLOOD_P99_TARGET:g}x: {p99_met}) of alone "
        f"({rate_alone:,.0f} req/s, p99 {p99_alone:.2f} ms); "
        f"RSS {before:.0f} -> {after:.0f} MB (peak {peak:.0f})"
    )
    if isinstance(flood, PipelineFlood | SlowBodyFlood):
        met = "met" if max(after, peak) - before <= RSS_GROWTH_TARGET_MB else "NOT met"
        note += f" (growth <= {RSS_GROWTH_TARGET_MB:g} MB: {met})"
    if isinstance(flood, PipelineFlood):
        note += f"; {flood.sent / 2**20:.0f} MB pipelined"
    if isinstance(flood, SlowBodyFlood):
        closed = flood.lifetimes["1000 B"]
        met = (
            "met"
            if closed and max(closed) <= HEADER_TIMEOUT + 1 and not flood.left_open
            else ("NOT met")
        )
        note += f"; closed within the {HEADER_TIMEOUT:g} s timeout: {met}"
    note += f"; flood: {flood.summary()}"
    return _row(f"small item, -c16, during {name}", loaded, note)


def _row(scenario: str, runs: list[Run], note: str, server: str = "fascia") -> list[str]:
    """A table row of medians over ``runs``; errors, if any, appended to the note."""
    return [
        scenario,
        server,
        f"{statistics.median(r.requests_per_second for r in runs):,.0f}",
        f"{statistics.median(r.p50_ms for r in runs):.2f}",
        f"{statistics.median(r.p99_ms for r in runs):.2f}",
        "",
        note + (f" errors {sum(r.errors for r in runs)}" if any(r.errors for r in runs) else ""),
    ]


WIRE = {
    "self-test (JSON)": SELF_TEST,
    "a step (HTML)": f"{SELF_TEST}/steps/5.html",
    "collection page (warnings, Markdown)": "/v1/warnings.md",
    "export (JSON, first page)": "/v1/export",
}


def wire_bytes() -> list[list[str]]:
    """Bytes on the wire per coding for a few representative responses, from a live server."""
    port = free_port()
    rows = []
    with fascia(port):
        for name, path in WIRE.items():
            sizes = []
            for coding in ("identity", "gzip", "br", "zstd"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": coding}
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    sizes.append(len(response.read()))
            rows.append([name, *(f"{size:,}" for size in sizes)])
    return rows


def print_bytes_table(rows: list[list[str]]) -> None:
    header = ["response", "identity", "gzip", "br", "zstd"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("bytes on the wire by Accept-Encoding")
    for row in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def print_table(rows: list[list[str]]) -> None:
    header = ["scenario", "server", "requests/s", "p50 ms", "p99 ms", "vs nginx", "note"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per scenario")
    parser.add_argument("--smoke", action="store_true", help="one short round of two scenarios")
    args = parser.parse_args()
    scenarios = dict(SCENARIOS)
    if args.smoke:
        args.seconds, args.rounds = 1, 1
        scenarios = {k: v for k, v in SCENARIOS.items() if k.startswith(("small", "304 rev"))}
    started = time.perf_counter()
    rows = measure(args.seconds, args.rounds, scenarios)
    rows += ceiling(args.seconds, args.rounds)
    if not args.smoke:
        small = SCENARIOS["small item (muscle, 3 KB)"][0]
        rows.append(with_access_log(args.seconds, small))
        rows.append(two_processes(args.seconds, small))
        rows += quotas(args.seconds, args.rounds, small)
        rows += mixed_load(args.seconds, args.rounds, small)
        rows += cold_start(args.rounds)
        rows += floods(args.seconds, args.rounds, FLOODS)
        from bench import topology  # noqa: PLC0415 - it builds on this module

        rows += topology.rows(args.seconds, args.rounds)
    elapsed = time.perf_counter() - started
    print(
        f"wrk -t1 -c{CONNECTIONS}, {args.rounds} round(s) of {args.seconds} s, medians; "
        f"1 uvicorn worker per Fascia process, nginx 1 worker; took {elapsed:.0f} s"
    )
    print(
        "fascia = response cache on, fastapi = the same app with FASCIA_RESPONSE_CACHE_MB=0;"
        " both with the access log off, except the 'access log on' row (the default setting)"
    )
    print_table(rows)
    if not args.smoke:
        print()
        print_bytes_table(wire_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
