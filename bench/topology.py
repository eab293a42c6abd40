"""Benchmark: the production topology of deploy/ (nginx with TLS in front of two Fascia
processes), its cache against its static files.

On 127.0.0.1 only, bounded in time: the same nginx, the same path, over TLS with keep-alive, by
wrk -t1 -c32 in interleaved rounds; answered from the static export's file (the public Host) or
from nginx's proxy_cache (another Host the app allows, which the static tier never serves). The
ratio is the cache's throughput over the file's (target: at least 0.9x).

    python -m bench.topology [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.speed import CONNECTIONS, SELF_TEST, Run, print_table, wrk
from tests.topology import Topology, topology

SCENARIOS: dict[str, tuple[str, dict[str, str]]] = {
    "topology: small item, hot": ("/v1/muscles/gluteus-maximus", {}),
    "topology: self-test, br/gzip": (SELF_TEST, {"Accept-Encoding": "br, gzip"}),
}
TARGET = 0.9


def _tier(running: Topology, path: str, headers: dict[str, str], host: str) -> str:
    """Ask twice (the first fills the cache); which tier gave the second answer."""
    for _ in range(2):
        connection = running.connection()
        connection.request("GET", path, headers={"Host": host, **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path} via {host}: {response.status}")
    return response.getheader("X-Cache-Status") or "file"


def _row(scenario: str, server: str, runs: list[Run], ratio: str, note: str) -> list[str]:
    return [
        scenario,
        server,
        f"{statistics.median(r.requests_per_second for r in runs):,.0f}",
        f"{statistics.median(r.p50_ms for r in runs):.2f}",
        f"{statistics.median(r.p99_ms for r in runs):.2f}",
        ratio,
        note + (f" errors {sum(r.errors for r in runs)}" if any(r.errors for r in runs) else ""),
    ]


def rows(seconds: int, rounds: int) -> list[list[str]]:
    """One row for nginx's file and one for its cache, per scenario; the cache's row carries the
    ratio to the file's and the target."""
    table = []
    with tempfile.TemporaryDirectory() as folder, topology(Path(folder)) as running:
        hosts = {
            "nginx file": running.host,
            "nginx proxy_cache": f"127.0.0.1:{running.tls_port}",
        }
        url = f"https://127.0.0.1:{running.tls_port}"
        for scenario, (path, asked) in SCENARIOS.items():
            tiers = {name: _tier(running, path, asked, host) for name, host in hosts.items()}
            if tiers != {"nginx file": "file", "nginx proxy_cache": "HIT"}:
                raise RuntimeError(f"{scenario}: answered by {tiers}")
            results: dict[str, list[Run]] = {name: [] for name in hosts}
            for _ in range(rounds):
                for name, host in hosts.items():
                    results[name].append(wrk(url + path, seconds, {"Host": host, **asked}))
            file_rate = statistics.median(r.requests_per_second for r in results["nginx file"])
            cache_rate = statistics.median(
                r.requests_per_second for r in results["nginx proxy_cache"]
            )
            ratio = cache_rate / file_rate
            verdict = "meets" if ratio >= TARGET else "misses"
            table.append(_row(scenario, "nginx file", results["nginx file"], "1.00x", "TLS"))
            table.append(
                _row(
                    scenario,
                    "nginx proxy_cache",
                    results["nginx proxy_cache"],
                    f"{ratio:.2f}x",
                    f"TLS; {verdict} target >= {TARGET}x the file",
                )
            )
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per scenario")
    args = parser.parse_args()
    started = time.perf_counter()
    table = rows(args.seconds, args.rounds)
    print(
        f"wrk -t1 -c{CONNECTIONS} over TLS, {args.rounds} round(s) of {args.seconds} s, medians; "
        f"nginx 1 worker, 2 Fascia processes; took {time.perf_counter() - started:.0f} s"
    )
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
