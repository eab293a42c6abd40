"""Faults, on real servers on 127.0.0.1: Redis dying under load, graceful restarts, bad folders.

Every load here is bounded in requests and in time, and stops by itself.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from api.__main__ import main
from api.bundle.build import PACKAGE, source_digest
from api.content.diagnostics import AccessDenied
from tests.conftest import CONTENT
from tests.servers import ROOT, fascia, free_port, redis

pytestmark = pytest.mark.live

MAX_REQUESTS = 20_000
MAX_SECONDS = 30.0


class Load:
    """Threads sending GETs over keep-alive connections until stopped (or a bound is hit)."""

    def __init__(self, port: int, path: str = "/v1/muscles", threads: int = 4) -> None:
        self.port = port
        self.path = path
        self.statuses: Counter[int] = Counter()
        self.retry_after: set[str] = set()
        self.errors: list[str] = []
        self.stopping = threading.Event()
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=MAX_SECONDS)

    @property
    def total(self) -> int:
        return sum(self.statuses.values()) + len(self.errors)

    def _run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            self._send(connection)
        finally:
            connection.close()

    def _send(self, connection: http.client.HTTPConnection) -> None:
        while not self.stopping.is_set():
            if self.total >= MAX_REQUESTS or time.monotonic() - self.started > MAX_SECONDS:
                return
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
            except OSError as error:  # http.client's errors are OSErrors or HTTPExceptions
                self._record_error(error)
                connection.close()
                continue
            except http.client.HTTPException as error:
                self._record_error(error)
                connection.close()
                continue
            with self.lock:
                self.statuses[response.status] += 1
                if response.status == 503:
                    self.retry_after.add(response.headers.get("retry-after", ""))

    def _record_error(self, error: Exception) -> None:
        with self.lock:
            self.errors.append(repr(error))


def get_json(port: int, path: str) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    body: dict[str, object] = json.loads(connection.getresponse().read())
    connection.close()
    return body


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@contextmanager
def quota_server(redis_port: int, failure: str, limit: str) -> Iterator[int]:
    port = free_port()
    env = {
        "FASCIA_RATE_LIMIT": limit,
        "FASCIA_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{redis_port}",
        "FASCIA_RATE_LIMIT_FAILURE": failure,
    }
    with fascia(port, env):
        yield port


def quota_keys(redis_port: int) -> list[str]:
    command = ["redis-cli", "-p", str(redis_port), "--scan", "--pattern", "fascia:quota:*"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.parametrize("failure", ["open", "closed"])
def test_redis_dying_under_load_is_survived_and_quotas_come_back(failure: str) -> None:
    redis_port = free_port()
    with (
        redis(redis_port) as store,
        quota_server(redis_port, failure, "100000000/minute") as port,
        Load(port) as load,
    ):
        assert wait_for(lambda: load.total > 200)
        assert get_json(port, "/readyz")["quota_store"] == "ok"
        store.terminate()
        store.wait(timeout=10)
        down_at = load.total
        # The quota notices at its next sync (every 0.1 s) and /readyz says so, still ready.
        assert wait_for(lambda: get_json(port, "/readyz")["quota_store"] == "unreachable")
        assert get_json(port, "/readyz")["status"] == "ready"
        assert wait_for(lambda: load.total > down_at + 200 or load.statuses[503] > 50)
        with redis(redis_port):
            assert wait_for(lambda: get_json(port, "/readyz")["quota_store"] == "ok")
            back_at = load.statuses[200]
            assert wait_for(lambda: load.statuses[200] > back_at + 200)
            assert wait_for(lambda: bool(quota_keys(redis_port)))
            load.stopping.set()
            metrics = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            metrics.request("GET", "/metrics")
            text = metrics.getresponse().read().decode()
            metrics.close()
    assert load.errors == []
    assert 500 not in load.statuses
    if failure == "open":
        assert set(load.statuses) == {200}
    else:
        assert set(load.statuses) == {200, 503}
        assert load.retry_after == {"1"}
    errors = re.search(r"^fascia_quota_store_errors_total (\S+)$", text, re.MULTILINE)
    assert errors is not None
    assert float(errors.group(1)) >= 1


def test_a_small_quota_is_exact_again_once_redis_is_back() -> None:
    redis_port = free_port()
    with redis(redis_port) as store, quota_server(redis_port, "open", "5/minute") as port:
        store.terminate()
        store.wait(timeout=10)
        with redis(redis_port):
            statuses = []
            for _ in range(7):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/v1/muscles")
                statuses.append(connection.getresponse().status)
                connection.close()
    assert statuses == [200] * 5 + [429] * 2


def test_a_graceful_restart_loses_no_request() -> None:
    """Two processes share the port; one is stopped (SIGTERM) under load and replaced."""
    port = free_port()
    env = {"FASCIA_REUSE_PORT": "true"}
    with fascia(port, env) as first, fascia(port, env), Load(port, "/v1/muscles") as load:
        assert wait_for(lambda: load.total > 300)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=15) == 0
        stopped_at = load.total
        with fascia(port, env):
            assert wait_for(lambda: load.total > stopped_at + 500)
            load.stopping.set()
    assert load.errors == []
    assert set(load.statuses) == {200}


def test_forked_workers_share_the_port_and_stop_cleanly() -> None:
    port = free_port()
    with fascia(port, {"FASCIA_WORKERS": "2"}) as parent, Load(port) as load:
        assert wait_for(lambda: load.total > 300)
        load.stopping.set()
        workers = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
        assert len(workers) == 2
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=15) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert load.errors == []
    assert set(load.statuses) == {200}


def build(content_dir: str, output: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "api", "build", content_dir, "--output", str(output)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_a_missing_content_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = build("/nope", tmp_path / "bundle.sqlite")
    assert result.returncode == 1
    assert result.stderr.strip() == "content folder not found: /nope (FASCIA_CONTENT_DIR)"


def _as_nobody(call: Callable[[], tuple[int, str]], connection: Connection) -> None:
    """In a forked child: drop to uid 65534 (root reads everything), run ``call``, send its
    answer; anything it raises goes to the parent as text instead of dying silently."""
    try:
        os.setuid(65534)
        connection.send(call())
    except BaseException as error:  # the parent shows this, and fails at once
        connection.send((-1, "".join(traceback.format_exception(error))))
    finally:
        connection.close()


def run_as_nobody(call: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """``call`` in a child running as nobody; fails in seconds, with what the child said, if it
    dies or hangs. The modules are already imported, so the child needs no access to the
    checkout beyond what ``call`` reads: it passes wherever the repository lives."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_as_nobody, args=(call, sending))
    child.start()
    sending.close()
    answered = receiving.poll(20)
    answer = receiving.recv() if answered else None
    child.join(timeout=10)
    if answer is None:
        child.kill()
        pytest.fail(f"the child sent nothing (exit code {child.exitcode})")
    if answer[0] == -1:
        pytest.fail(f"the child raised:\n{answer[1]}")
    return answer


def _build(content: Path) -> tuple[int, str]:
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = main(["build", str(content), "--output", f"{content}.sqlite"])
    return status, errors.getvalue()


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder of the test's own that nobody (uid 65534) may enter, wherever the checkout lives."""
    folder = Path(tempfile.mkdtemp(prefix="fascia-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")


@needs_root
def test_an_unreadable_content_folder_is_one_clear_line(open_folder: Path) -> None:
    content = open_folder / "content"
    shutil.copytree(CONTENT, content)
    (content / "en").chmod(0o000)
    source_digest()  # the build's own source is read here, as root: the child reads only content
    status, errors = run_as_nobody(lambda: _build(content))
    assert status == 1
    assert errors.strip().splitlines() == [
        f"cannot read the content folder {content / 'en'}: permission denied"
    ]


@needs_root
def test_an_unreadable_source_of_the_build_is_one_clear_line(open_folder: Path) -> None:
    package = open_folder / "api"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "content").chmod(0o000)

    def stamp() -> tuple[int, str]:
        try:
            source_digest(package)
        except AccessDenied as error:
            return 1, str(error)
        return 0, ""

    status, message = run_as_nobody(stamp)
    assert (status, message) == (
        1,
        f"cannot read the build's own source {package / 'content'}: permission denied",
    )


@needs_root
def test_an_unwritable_bundle_folder_is_one_clear_line(open_folder: Path) -> None:
    content = open_folder / "content"
    shutil.copytree(CONTENT, content)
    output = open_folder / "out" / "bundle.sqlite"
    output.parent.mkdir(mode=0o555)
    source_digest()

    def build_to_output() -> tuple[int, str]:
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            status = main(["build", str(content), "--output", str(output)])
        return status, errors.getvalue()

    status, errors = run_as_nobody(build_to_output)
    assert status == 1
    assert errors.strip().splitlines() == [f"cannot write the bundle {output}: permission denied"]


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK command of the Dockerfile, as the container would run it."""
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])", text)
    assert match is not None
    command: list[str] = json.loads(match.group(1))
    return [sys.executable if part == "python" else part for part in command]


def test_the_container_healthcheck_probes_the_configured_port() -> None:
    port = free_port()
    with fascia(port):
        env = {**os.environ, "FASCIA_PORT": str(port)}
        healthy = subprocess.run(healthcheck_command(), env=env, check=False, timeout=10)
        env["FASCIA_PORT"] = str(free_port())
        unhealthy = subprocess.run(
            healthcheck_command(), env=env, check=False, timeout=10, capture_output=True
        )
    assert healthy.returncode == 0
    assert unhealthy.returncode != 0
