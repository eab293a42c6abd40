"""The benchmark's smoke run: it starts every server (bare uvicorn too), measures, and prints a
full table."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.servers import ROOT

pytestmark = pytest.mark.system


def test_benchmark_smoke_run_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.speed", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split("|") for line in result.stdout.splitlines() if line.count("|") == 6]
    by_key = {(row[0].strip(), row[1].strip()): row for row in rows}
    for server in ("nginx", "fascia", "fastapi"):
        rate = by_key[("small item (muscle, 3 KB)", server)][2].strip().replace(",", "")
        assert float(rate) > 0
        assert "errors" not in by_key[("304 revalidation", server)][6]
    assert by_key[("start-up to ready", "fascia")][2].strip().endswith(" s")
    for scenario in ("small item vs bare uvicorn", "304 revalidation vs bare uvicorn"):
        assert float(by_key[(scenario, "bare uvicorn")][2].strip().replace(",", "")) > 0
        assert "x bare (target >= 0.75x: " in by_key[(scenario, "fascia, log on")][6]
    assert by_key[("RSS after load", "fascia")][2].strip().endswith(" MB")
