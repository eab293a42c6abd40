"""Flame graphs of one Fascia process under wrk (``make flame``): where a cached answer's time goes.

Starts ``python -m api serve`` on 127.0.0.1 with the default settings (access log on, written to
/dev/null), then for the small item and for its 304 runs wrk (1 thread, 32 connections) while
py-spy samples the server for ``--seconds``, twice (the flame graph, then the stacks). Writes, in
``--out`` (build/flame):

* ``<name>.svg``, the flame graph, and ``<name>.png``, the same rendered by CairoSVG;
* ``<name>.txt``, the collapsed stacks (py-spy's raw format) the summary is read from;

and prints, for each, the frames with the most self time, the same with the time of the standard
library and of C calls charged to the frame of the app or of uvicorn that made them, and the
share of the samples spent under each layer of the app (inclusive time of the ASGI callables).

    python -m bench.flame [--seconds 10] [--out build/flame]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from tests.servers import ROOT, fascia, free_port

SMALL = "/v1/muscles/gluteus-maximus"
CONNECTIONS = 32


def py_spy() -> str:
    """py-spy from the environment (a dev dependency), else from PATH or $PY_SPY."""
    beside = Path(sys.executable).parent / "py-spy"
    found = os.environ.get("PY_SPY") or (str(beside) if beside.exists() else shutil.which("py-spy"))
    if found is None:
        raise SystemExit("py-spy is not installed: `make install` brings it (a dev dependency)")
    return found


def record(pid: int, url: str, headers: dict[str, str], seconds: int, out: Path) -> None:
    """Under wrk, a py-spy recording as a flame graph, then one as collapsed stacks.

    py-spy stops the server for each sample (a few microseconds, 200 times a second): sampling
    it running (``--nonblocking``) cuts many stacks short, which leaves the layers above them out.
    Only one py-spy at a time can stop a process, hence one recording after the other."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{2 * seconds + 4}s", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    load = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        time.sleep(1)  # wrk's connections are open and busy
        for kind, path in (
            ("flamegraph", out.with_suffix(".svg")),
            ("raw", out.with_suffix(".txt")),
        ):
            spy = [py_spy(), "record", "--pid", str(pid), "--duration", str(seconds)]
            spy += ["--rate", "200", "--format", kind, "--output", str(path)]
            done = subprocess.run(
                spy, check=False, capture_output=True, text=True, timeout=seconds + 60
            )
            if done.returncode != 0:
                raise RuntimeError(f"py-spy failed (it needs root or ptrace): {done.stderr[-500:]}")
    finally:
        load.terminate()
        load.wait(timeout=10)


def stacks(collapsed: Path) -> list[tuple[list[str], int]]:
    """(frames from the outermost, samples) of each line of py-spy's raw output."""
    found = []
    for line in collapsed.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if frames:
            found.append((frames.split(";"), int(count)))
    return found


def short(frame: str) -> str:
    """``function (path/to/module.py:line)`` as ``function (package/module.py)``."""
    match = re.match(r"(.*) \((.*?):\d+\)$", frame)
    if match is None:
        return frame
    name, path = match.groups()
    parts = Path(path).parts
    for anchor in ("site-packages", "api", "lib"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            keep = parts[index + 1 :] if anchor != "api" else parts[index:]
            return f"{name} ({'/'.join(keep)})"
    return f"{name} ({path})"


def summary(collapsed: Path, top: int = 10) -> list[str]:
    """The ``top`` frames by self time, then the layers (ASGI callables) by inclusive time."""
    found = stacks(collapsed)
    total = sum(count for _, count in found) or 1
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    for frames, count in found:
        own[short(frames[-1])] += count
        for frame in {short(frame) for frame in frames}:
            under[frame] += count
    lines = [f"{total} samples; self time:"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in own.most_common(top)]
    lines.append(
        "self time charged to the innermost frame of the app or the server (api/, uvicorn):"
    )
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in owned(found).most_common(top)]
    lines.append("inclusive time of the ASGI layers (__call__) and protocol callbacks:")
    callbacks = ("__call__", ".run_asgi", ".data_received", ".on_headers_complete", ".send")
    layers = [
        (frame, count)
        for frame, count in under.most_common()
        if frame.split(" (", 1)[0].endswith(callbacks)
    ]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in layers[:20]]
    return lines


OWNERS = ("(api/", "(uvicorn/", "(starlette/", "(fastapi/", "(mcp/")


def owned(found: list[tuple[list[str], int]]) -> Counter[str]:
    """Samples by the innermost frame of Fascia or of the server, so that what the standard
    library, pydantic or a C call does is charged to the code of ours (or uvicorn's) that asked."""
    by_owner: Counter[str] = Counter()
    for frames, count in found:
        names = [short(frame) for frame in frames]
        owner = next((name for name in reversed(names) if any(o in name for o in OWNERS)), None)
        by_owner[owner or f"{names[-1]} (outside the app)"] += count
    return by_owner


def png(svg: Path) -> Path:
    import cairosvg  # noqa: PLC0415 - only here, after the recordings

    target = svg.with_suffix(".png")
    cairosvg.svg2png(url=str(svg), write_to=str(target), background_color="white")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each recording")
    parser.add_argument("--out", type=Path, default=ROOT / "build/flame")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}{SMALL}"
    with fascia(port, {"FASCIA_ACCESS_LOG": "true"}, log=Path("/dev/null")) as server:
        with urllib.request.urlopen(url, timeout=5) as response:
            etag = str(response.headers["ETag"])
        subprocess.run(["wrk", "-t1", "-c32", "-d1s", url], check=True, capture_output=True)
        for name, headers in (("small-item", {}), ("small-item-304", {"If-None-Match": etag})):
            record(server.pid, url, headers, args.seconds, args.out / name)
            svg = args.out / f"{name}.svg"
            print(f"{svg} ({png(svg)}): GET {SMALL} {' '.join(headers.values())}".rstrip())
            print("\n".join(summary(args.out / f"{name}.txt")))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
