"""Scale benchmark (``make bench-scale``): the cost of serving as the library grows.

For each size (1, 10, 100 and 1,000 guides by default) it writes a synthetic library
(``bench.library``: the real content copied under suffixed ids, in a temporary folder), builds its
bundle and measures, on 127.0.0.1 only and with every load bounded in requests and time:

- build: ``python -m api build`` wall time;
- start-up: process start to ``/readyz`` answering, the bundle already built;
- first request p99: each of up to ``--paths`` distinct content URLs (items, collections, steps;
  every representation, both locales), asked once in a random order: each is rendered on use;
- search p99: distinct queries (so none is answered from the cache), both locales;
- RSS after that mixed load; then, with ``FASCIA_WORKERS=2``, the private memory (USS) of each
  worker after the same URLs were asked over eight connections, each of them asking all: what
  a second process adds, since the workers share the app's pages and the bundle's page cache;
- hot GET: wrk on one small item, as a ratio to nginx serving the same bytes in the same run;
- the first ``/mcp`` request (``resources/list``, which builds the MCP server): its time, the
  memory it adds, and the size of its answer (one page of resources).

Prints a table with the targets; exits non-zero only if a tool fails.

    python -m bench.scale [--sizes 1,10,100,1000] [--paths 2000] [--seconds 5]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from api.bundle.store import Store
from api.edge.response_cache import content_paths
from api.render import REPRESENTATIONS
from bench.library import make_library
from bench.speed import wrk
from tests.servers import ROOT, fascia, free_port, nginx

WORDS = [
    "sciatic",
    "nerve",
    "glute",
    "gluteus",
    "maximus",
    "medius",
    "minimus",
    "pain",
    "back",
    "ball",
    "partner",
    "pressure",
    "sacrum",
    "hip",
    "crest",
    "femur",
    "electric",
    "leg",
    "stop",
    "arc",
    "sweep",
    "knead",
    "fist",
    "hook",
    "push",
    "warning",
    "red",
    "flag",
    "fall",
    "fever",
    "bladder",
    "chest",
    "night",
    "numbness",
]
NGINX_SITE = """\
server {{
    listen 127.0.0.1:{port};
    root {root};
    default_type application/json;
    location = /v1 {{ try_files /hot.json =404; }}
    location / {{ try_files $uri =404; }}
}}
"""


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def uss_kb(pid: int) -> int:
    """Private memory (clean + dirty): what this process alone costs the machine."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return sum(int(n) for n in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", rollup, re.M))


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def first_mcp(port: int, pid: int) -> tuple[float, float, int]:
    """The first request to /mcp (``resources/list``: it builds the MCP server): seconds, the
    megabytes of RSS it adds, and the bytes of its answer."""
    before = rss_kb(pid)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = {"jsonrpc": "2.0", "id": 1, "method": "resources/list", "params": {}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    started = time.perf_counter()
    connection.request("POST", "/mcp", json.dumps(body), headers)
    response = connection.getresponse()
    answer = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    if response.status != 200 or "result" not in json.loads(answer):
        raise RuntimeError(f"/mcp answered {response.status}: {answer[:200]!r}")
    return seconds, (rss_kb(pid) - before) / 1024, len(answer)


def items_of(bundle: Path) -> int:
    """Items per locale in the bundle."""
    store = Store(bundle)
    items = store.meta.items
    store.connection.close()
    return items


def urls_of(bundle: Path, limit: int, seed: int = 7) -> list[str]:
    """Up to ``limit`` distinct content URLs: every representation, both locales, shuffled."""
    store = Store(bundle)
    paths = list(content_paths(store))
    urls = [
        f"{path}{r.suffix}?{query + '&' if query else ''}lang={locale}"
        for path, query in paths
        for r in REPRESENTATIONS
        for locale in store.meta.locales
    ]
    random.Random(seed).shuffle(urls)
    store.connection.close()
    return urls[:limit]


PARTIAL = tuple(f"{r.suffix}?" for r in REPRESENTATIONS if r.partial)  # pictures, FHIR


def timed_gets(port: int, urls: list[str]) -> list[float]:
    """Milliseconds for each GET answered 200, one keep-alive connection, in order. Every answer
    must be 200, except a 406 for a picture (or FHIR) of an item that has none, which is not
    timed: the static export skips those the same way."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for url in urls:
        started = time.perf_counter()
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        if response.status == 406 and any(suffix in url for suffix in PARTIAL):
            continue
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    connection.close()
    return times


def search_urls(count: int) -> list[str]:
    pairs = [f"{a} {b}" for i, a in enumerate(WORDS) for b in WORDS[i + 1 :]]
    queries = (WORDS + pairs)[:count]
    return [
        f"/v1/search?q={urllib.parse.quote(q)}&lang={('en', 'es')[n % 2]}"
        for n, q in enumerate(queries)
    ]


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def hot_ratio(port: int, hot: str, seconds: int, work: Path) -> tuple[float, float]:
    """(Fascia requests/s, nginx requests/s) for ``hot``, wrk interleaved, medians of 3."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", hot)
    body = connection.getresponse().read()
    site = work / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "hot.json").write_bytes(body)
    nginx_port = free_port()
    config = work / "hot.conf"
    config.write_text(NGINX_SITE.format(port=nginx_port, root=site))
    ours, theirs = [], []
    with nginx(config, nginx_port, work / "nginx"):
        for _ in range(3):
            ours.append(wrk(f"http://127.0.0.1:{port}{hot}", seconds, {}).requests_per_second)
            theirs.append(wrk(f"http://127.0.0.1:{nginx_port}/v1", seconds, {}).requests_per_second)
    return statistics.median(ours), statistics.median(theirs)


def measure(guides: int, paths: int, seconds: int, work: Path) -> dict[str, float]:
    library, bundle = work / "content", work / "fascia.sqlite"
    make_library(library, guides)
    started = time.perf_counter()
    command = [sys.executable, "-m", "api", "build", str(library), "--output", str(bundle)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    result: dict[str, float] = {"build_s": time.perf_counter() - started}
    result["items"] = items_of(bundle)
    urls = urls_of(bundle, paths)
    searches = search_urls(200)
    env = {"FASCIA_BUNDLE": str(bundle)}
    port = free_port()
    with fascia(port, env) as server:
        result["startup_s"] = server.startup_seconds  # type: ignore[attr-defined]
        result["urls"] = len(urls)
        result["first_p99_ms"] = p99(timed_gets(port, urls))
        result["search_p99_ms"] = p99(timed_gets(port, searches))
        result["rss_mb"] = rss_kb(server.pid) / 1024
        hot = "/v1/muscles/gluteus-maximus-g1"
        result["hot_rps"], result["nginx_rps"] = hot_ratio(port, hot, seconds, work)
        result["mcp_s"], result["mcp_mb"], result["mcp_bytes"] = first_mcp(port, server.pid)
    workers_port = free_port()
    with fascia(workers_port, env | {"FASCIA_WORKERS": "2"}) as parent:
        threads = [threading.Thread(target=timed_gets, args=(workers_port, urls)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        workers = children(parent.pid)
        result["second_uss_mb"] = max(uss_kb(pid) for pid in workers) / 1024
        result["second_rss_mb"] = max(rss_kb(pid) for pid in workers) / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,1000", help="guides per library")
    parser.add_argument("--paths", type=int, default=2000, help="distinct URLs asked once each")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    args = parser.parse_args()
    rows = []
    for guides in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"fascia-scale-{guides}-") as folder:
            rows.append((guides, measure(guides, args.paths, args.seconds, Path(folder))))
            print(f"measured {guides} guide(s): {rows[-1][1]}", file=sys.stderr, flush=True)
    print_table(rows)
    return 0


def print_table(rows: list[tuple[int, dict[str, float]]]) -> None:
    base = rows[0][1]["hot_rps"] / rows[0][1]["nginx_rps"]
    header = [
        "guides",
        "items/locale",
        "build s",
        "start-up s",
        "first-request p99 ms",
        "search p99 ms",
        "RSS after load MB",
        "2nd process adds MB",
        "hot GET req/s",
        "vs nginx",
        f"vs {rows[0][0]} guide(s)",
        "first /mcp s",
        "/mcp adds MB",
        "resources/list KB",
    ]
    table = [header]
    for guides, r in rows:
        ratio = r["hot_rps"] / r["nginx_rps"]
        table.append(
            [
                f"{guides:,}",
                f"{int(r['items']):,}",
                f"{r['build_s']:.1f}",
                f"{r['startup_s']:.2f}",
                f"{r['first_p99_ms']:.1f} ({int(r['urls'])} URLs)",
                f"{r['search_p99_ms']:.1f}",
                f"{r['rss_mb']:.0f}",
                f"{r['second_uss_mb']:.0f} (RSS {r['second_rss_mb']:.0f})",
                f"{r['hot_rps']:,.0f}",
                f"{ratio:.2f}x",
                f"{ratio / base:.0%}",
                f"{r['mcp_s']:.2f}",
                f"{r['mcp_mb']:.0f}",
                f"{r['mcp_bytes'] / 1024:.0f}",
            ]
        )
    targets = ["< 90", "< 1", "< 15", "< 10", "< 150", "< 60", "", "", ">= 95%", "< 1", "< 40"]
    table.append(["target", "", *targets, "< 64"])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print(" | ".join("-" * width for width in widths))
    print(
        "hot GET: wrk -t1 -c32 on one small item (medians of 3, interleaved with nginx serving "
        "the same bytes); 2nd process adds: private memory (USS) of the larger of two workers "
        "(FASCIA_WORKERS=2) after each served the same URLs; first /mcp: the first request to /mcp "
        "(resources/list, which builds the MCP server) after that load, its RSS added and its "
        "answer (one page)"
    )


if __name__ == "__main__":
    sys.exit(main())
