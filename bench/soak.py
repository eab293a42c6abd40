"""Soak test (``make soak``): a long, bounded load on one uvicorn worker, on 127.0.0.1.

wrk (64 connections by default) cycles through every content path in every representation,
filtered collections, 404s, bad parameters and 304 revalidations for as long as asked (60 s by
default). Passes when there were no 5xx responses, no failed connections, and resident memory
grew by less than 10 % from the first quarter of the run to the last.

    python -m bench.soak [--seconds 60] [--connections 64]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from api import Settings, create_app
from api.edge.response_cache import content_paths
from api.render import REPRESENTATIONS
from bench.speed import rss_mb
from tests.servers import fascia, free_port

LUA = """\
local requests = {requests}
local i = 0
server_errors = 0
seen = {{}}
function setup(thread) table.insert(threads, thread) end
threads = {{}}
function request()
  i = i + 1
  local r = requests[(i % #requests) + 1]
  return wrk.format("GET", r[1], r[2])
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
  seen[status] = (seen[status] or 0) + 1
end
function done(summary, latency, requests)
  local errors, statuses = 0, {{}}
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("server_errors")
    for status, count in pairs(thread:get("seen")) do
      statuses[tostring(status)] = (statuses[tostring(status)] or 0) + count
    end
  end
  local parts = {{}}
  for status, count in pairs(statuses) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format('SOAK {{"requests": %d, "server_errors": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": {{%s}}}}\\n',
    summary.requests, errors, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", ")))
end
"""


def request_mix(base: str) -> list[tuple[str, dict[str, str]]]:
    """Every content path in every representation, plus filters, errors and revalidations."""
    app = create_app(Settings())
    mix: list[tuple[str, dict[str, str]]] = []
    for path, query in content_paths(app.state.store):
        for representation in REPRESENTATIONS:
            url = path + representation.suffix + (f"?{query}" if query else "")
            mix.append((url, {"Accept-Language": "es-MX,es;q=0.9"}))
    mix += [
        ("/v1/warnings?severity=stop", {}),
        ("/v1/muscles?action=hip-abduction", {"Accept": "text/html"}),
        ("/v1/landmarks?diagram_colour=green&lang=es", {}),
        ("/v1/muscles/no-such-muscle", {}),
        ("/v1/warnings?severity=urgent", {}),
        ("/v1/warnings?severity=stop&severity=info", {}),
        ("/v1/self-tests/muscular-minesweeper/steps/99", {}),
        ("/v1/muscles", {"Accept": "image/png"}),
        ("/nothing-here", {}),
    ]
    for path in ("/v1/muscles/gluteus-maximus", "/v1/self-tests/muscular-minesweeper"):
        with urllib.request.urlopen(base + path, timeout=5) as response:
            mix.append((path, {"If-None-Match": response.headers["ETag"]}))
    return mix


def lua_script(mix: list[tuple[str, dict[str, str]]]) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string for these characters

    rows = []
    for url, headers in mix:
        header_table = ", ".join(f"[{quoted(k)}] = {quoted(v)}" for k, v in headers.items())
        rows.append(f"{{{quoted(url)}, {{{header_table}}}}}")
    return LUA.format(requests="{\n" + ",\n".join(rows) + "\n}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as folder, fascia(port) as server:
        mix = request_mix(base)
        script = Path(folder) / "mix.lua"
        script.write_text(lua_script(mix))
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(script)]
        started = time.perf_counter()
        result = subprocess.run([*command, base], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
        output = result.stdout
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    report = json.loads(re.search(r"^SOAK (.*)$", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    quarter = max(1, len(samples) // 4)
    first, last = statistics.mean(samples[:quarter]), statistics.mean(samples[-quarter:])
    growth = (last - first) / first * 100
    failed = report["connect"] + report["read"] + report["write"] + report["timeout"]
    print(f"soak: {elapsed:.0f} s, {args.connections} connections, {len(mix)} distinct requests")
    print(f"requests {report['requests']:,} ({report['requests'] / elapsed:,.0f}/s)")
    print(f"statuses {dict(sorted(report['statuses'].items()))}")
    print(f"server errors (5xx) {report['server_errors']}; failed connections {failed}")
    print(f"RSS first quarter {first:.1f} MB, last quarter {last:.1f} MB: growth {growth:+.1f} %")
    passed = report["server_errors"] == 0 and failed == 0 and growth < 10
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
