"""Hostile clients for ``make bench``: each a flood on 127.0.0.1 that runs in threads of this
process until told to stop, then finishes by itself (every wait bounded), counting what it saw.

* ``ExportFlood``: distinct, never cached ``/v1/export.pdf`` or ``.html`` pages (page size,
  language, region and cursor varied), each connection asking again as soon as it is answered;
* ``McpFlood``: ``tools/call get_self_test`` and ``resources/list`` over ``POST /mcp``;
* ``PipelineFlood``: 2 MB of pipelined ``GET /v1/locales`` sent on a raw socket, the answers
  never read; whether the server closed the connection is read from the kernel (TCP_INFO);
* ``SlowBodyFlood``: requests announcing a body (``content-length: 1000000000000``, and a
  1,000-byte one under any body limit) whose bytes then come one every few seconds.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import ClassVar

HOST = "127.0.0.1"
EXPORT_SIZES = (10, 50, 100, 500, 1000)  # the only page sizes the export takes
LANGUAGES = ("en", "es")
REGIONS = ("US", "GB", "MX", "ES", "FR", "DE", "AU", "CA", "IN", "BR")
KIND_STRIDE = 2**32  # an export cursor: kind index * KIND_STRIDE + position + 1


class Flood:
    """Threads running ``work`` until ``stop``; ``counts`` says what happened."""

    def __init__(self, port: int, connections: int) -> None:
        self.port = port
        self.connections = connections
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def count(self, outcome: str, n: int = 1) -> None:
        with self._lock:
            self.counts[outcome] += n

    def start(self) -> None:
        """Start (or start again, counting on) the flood's threads."""
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._guarded, args=(i,), daemon=True)
            for i in range(self.connections)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _guarded(self, index: int) -> None:
        try:
            self.work(index)
        except Exception as error:  # counted, never raised in a thread
            self.count(f"client error {type(error).__name__}")

    def work(self, index: int) -> None:
        raise NotImplementedError

    def summary(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.counts.items()))


class _HttpFlood(Flood):
    """Keep-alive HTTP/1.1 connections asking ``request()`` again as soon as answered."""

    timeout = 60.0

    def request(self, n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        raise NotImplementedError

    def work(self, index: int) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        while not self.stopping:
            method, path, body, headers = self.request(self._next())
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                response.read()
                self.count(str(response.status))
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                self.count(f"failed {type(error).__name__}")
                connection.close()
                time.sleep(0.05)
        connection.close()

    _counter = itertools.count()
    _counter_lock = threading.Lock()

    def _next(self) -> int:
        with self._counter_lock:
            return next(self._counter)


class ExportFlood(_HttpFlood):
    """Distinct export pages (``suffix`` ".pdf" or ".html"): never in the response cache."""

    def __init__(self, port: int, connections: int, suffix: str) -> None:
        super().__init__(port, connections)
        self.suffix = suffix

    def request(self, n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        size = EXPORT_SIZES[n % len(EXPORT_SIZES)]
        lang = LANGUAGES[n // len(EXPORT_SIZES) % len(LANGUAGES)]
        region = REGIONS[n // 10 % len(REGIONS)]
        cursor = (n % 9) * KIND_STRIDE + n // 9 + 1  # each n its own cursor
        query = f"page_size={size}&lang={lang}&region={region}&cursor={cursor}"
        return "GET", f"/v1/export{self.suffix}?{query}", None, {}


class McpFlood(_HttpFlood):
    """The MCP endpoint (stateless: no session to open): a whole self-test as a tool call,
    then the list of resources, in turn."""

    def request(self, n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        if n % 2:
            message = {"jsonrpc": "2.0", "id": n, "method": "resources/list"}
        else:
            arguments = {"language": LANGUAGES[n // 2 % 2], "region": REGIONS[n // 4 % 10]}
            params = {"name": "get_self_test", "arguments": arguments}
            message = {"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": params}
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }
        return "POST", "/mcp", json.dumps(message).encode(), headers


TCP_STATES = {1: "established", 7: "reset", 8: "closed by server"}  # tcpi_state (CLOSE, CLOSE_WAIT)


def tcp_state(sock: socket.socket) -> str:
    """The kernel's state of ``sock``, read without reading from it."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return TCP_STATES.get(state, f"state {state}")


class PipelineFlood(Flood):
    """Each connection: ``megabytes`` MB of pipelined ``GET /v1/locales`` written without reading
    a byte of the answers, then up to 2 s to see whether the server closed it; then again."""

    def __init__(self, port: int, connections: int = 2, megabytes: float = 2.0) -> None:
        super().__init__(port, connections)
        self.payload = b"GET /v1/locales HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        self.total = int(megabytes * 1024 * 1024)
        self.sent = 0

    def work(self, index: int) -> None:
        chunk = self.payload * (65536 // len(self.payload))
        while not self.stopping:
            sock = socket.create_connection((HOST, self.port), timeout=3)
            sent, how = 0, ""
            try:
                while sent < self.total:
                    sock.sendall(chunk)
                    sent += len(chunk)
            except TimeoutError:
                how = "writes blocked"  # the server stopped reading and kept it open
            except OSError:
                how = "reset while writing"
            deadline = time.monotonic() + 2
            state = tcp_state(sock) if not how else ""
            while not how and state == "established" and time.monotonic() < deadline:
                time.sleep(0.05)
                state = tcp_state(sock)
            self.count(how or state)
            self.count("connections")
            with self._lock:
                self.sent += sent
            sock.close()


class SlowBodyFlood(Flood):
    """``POST /mcp`` announcing a body, then a byte every ``interval`` seconds. Half announce
    ``content-length: 1000000000000``, half 1,000 bytes; a connection the server closes is opened
    again. Records, per kind, how long the server took to close each and what it answered."""

    interval = 2.0
    kinds: ClassVar[dict[str, int]] = {"1e12 B": 1_000_000_000_000, "1000 B": 1000}

    def __init__(self, port: int, connections: int, grace: float) -> None:
        super().__init__(port, connections)
        self.grace = grace  # after stop, how long to keep watching the open ones
        self.lifetimes: dict[str, list[float]] = {kind: [] for kind in self.kinds}
        self.answers: dict[str, Counter[str]] = {kind: Counter() for kind in self.kinds}
        self.left_open = 0

    def work(self, index: int) -> None:
        kind = list(self.kinds)[index % len(self.kinds)]
        head = (
            f"POST /mcp HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\ncontent-length: {self.kinds[kind]}\r\n\r\n"
        ).encode()
        while not self.stopping:
            self._one(kind, head)

    def _one(self, kind: str, head: bytes) -> None:
        sock = socket.create_connection((HOST, self.port), timeout=5)
        opened = time.monotonic()
        answer = b""
        try:
            sock.sendall(head)
            next_byte = opened + self.interval
            stopped_at: float | None = None
            while True:
                now = time.monotonic()
                if self.stopping and stopped_at is None:
                    stopped_at = now
                if stopped_at is not None and now - stopped_at > self.grace:
                    with self._lock:
                        self.left_open += 1
                    return
                sock.settimeout(max(0.01, min(0.2, next_byte - now)))
                try:
                    data = sock.recv(4096)
                except TimeoutError:
                    data = None
                if data == b"":
                    break  # closed by the server
                if data:
                    answer += data
                    continue
                if time.monotonic() >= next_byte and stopped_at is None:
                    sock.sendall(b"{")
                    next_byte += self.interval
        except OSError:
            pass  # reset: closed as well
        finally:
            sock.close()
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "none"
        with self._lock:
            self.lifetimes[kind].append(time.monotonic() - opened)
            self.answers[kind][status] += 1

    def summary(self) -> str:
        parts = []
        for kind, times in self.lifetimes.items():
            if not times:
                parts.append(f"{kind}: none closed")
                continue
            answers = "/".join(f"{n}x{status}" for status, n in self.answers[kind].items())
            parts.append(
                f"{kind}: {len(times)} closed ({answers}) after median "
                f"{statistics.median(times):.1f} s, max {max(times):.1f} s"
            )
        return "; ".join(parts) + f"; {self.left_open} still open"


class RssSampler:
    """The peak RSS of a process, sampled every 0.1 s in a thread until ``stop``."""

    def __init__(self, read: Callable[[], float]) -> None:
        self.read = read
        self.peak = read()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.peak = max(self.peak, self.read())
            except (OSError, AttributeError):
                return
