"""``python -m api serve``: uvicorn serving the bundle, in one process or in several workers.

With ``FASCIA_WORKERS`` above 1, the app is built once and the process forks its workers, so
the interpreter, the libraries and the app itself are shared between them page by page
(copy-on-write, with the garbage collector's view of them frozen); only what a worker changes,
mostly its response cache, costs memory of its own. Each worker listens on the same port with
``SO_REUSEPORT`` and the kernel spreads connections across them. SIGTERM or SIGINT reaches every
worker, each finishes its requests in flight, and the parent exits once they all have.

A stop drains instead of dropping: the process stops accepting connections at once (the other
processes on the port take the new ones), then answers every request still arriving on its open
connections with ``Connection: close``, so each client finishes its exchange and reconnects
elsewhere; connections still idle after ``DRAIN_SECONDS`` are closed. Linux can also hand the
connections waiting in a closed listener's queue to the others (``net.ipv4.tcp_migrate_req=1``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import socket
from types import FrameType

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.app import Fascia, create_app
from api.edge import logs
from api.ops.protocol import GuardedHttpTools
from api.settings import Settings

DRAIN_SECONDS = 5.0


def serve(settings: Settings) -> int:
    """Serve until stopped; the exit status (0 once every worker stopped cleanly)."""
    logs.configure(settings.log_level)
    app = create_app(settings)
    meta = app.state.store.meta
    logs.event(
        "bundle opened",
        bundle=str(settings.bundle),
        content_version=meta.version,
        locales=list(meta.locales),
        items=meta.items,
        response_cache_mb=settings.response_cache_mb,
        workers=settings.workers,
        api_reference=f"http://{settings.host}:{settings.port}/docs",
    )
    if (warning := quota_warning(settings)) is not None:
        logs.event("quota counted per worker", level="warning", detail=warning)
    if settings.workers == 1:
        return _run(app, settings, reuse_port=settings.reuse_port)
    return _fork_workers(app, settings)


def quota_warning(settings: Settings) -> str | None:
    """What to warn of when several workers each count a quota in their own memory."""
    shared = settings.rate_limit_storage != "memory://"
    if not settings.rate_limit or settings.workers == 1 or shared:
        return None
    return (
        f"FASCIA_RATE_LIMIT {settings.rate_limit} is counted by each of the {settings.workers} "
        f"workers alone (memory://): a client may get up to {settings.workers} times as much. "
        "Set FASCIA_RATE_LIMIT_STORAGE=redis://host:port to count it once."
    )


class Drain:
    """The app, telling every client to close its connection once the server is stopping."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.draining = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.draining or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_closing)


class DrainingServer(uvicorn.Server):
    """uvicorn, stopping without dropping the requests of clients that keep connections open."""

    def __init__(self, config: uvicorn.Config, drain: Drain) -> None:
        super().__init__(config)
        self.drain = drain

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # no new connections: the other processes on the port take them
        for sock in sockets or []:
            sock.close()
        self.drain.draining = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_SECONDS
        while self.server_state.connections and loop.time() < deadline and not self.force_exit:
            await asyncio.sleep(0.02)
        await super().shutdown()


KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this


def _run(app: Fascia, settings: Settings, reuse_port: bool) -> int:
    drain = Drain(app)
    GuardedHttpTools.header_timeout = settings.header_timeout
    config = uvicorn.Config(
        drain,
        http=GuardedHttpTools,  # header size and time limits while reading
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,  # logs.configure: JSON lines, uvicorn's included
        access_log=False,  # the gateway writes the access log
        server_header=False,
        timeout_graceful_shutdown=10,
        # X-Forwarded-For only from the proxies named: anyone else would pick their own address.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
        # Past it, a new connection's first request is answered 503 (api.ops.protocol).
        limit_concurrency=settings.max_connections + 1,  # uvicorn counts the one asking too
    )
    server = DrainingServer(config, drain)
    # uvicorn stops gracefully on SIGTERM or SIGINT, then raises the signal again for the handler
    # it found; with this one in place the stop stays graceful and the exit status is 0.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stopped)
    server.run(sockets=[reusable_socket(settings)] if reuse_port else None)
    if app.state.access_log is not None:
        app.state.access_log.flush()  # the last lines of a batch
    return 0


def _stopped(signum: int, frame: FrameType | None) -> None:
    """Nothing more to do: uvicorn has already stopped serving."""


def _fork_workers(app: Fascia, settings: Settings) -> int:
    app.state.store.close()  # an SQLite connection must not cross a fork: each worker opens its own
    gc.freeze()
    workers = []
    for _ in range(settings.workers):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                # A group of its own: a terminal's Ctrl-C reaches the parent alone, which passes
                # it on once (a second SIGINT would make uvicorn stop without draining).
                os.setpgid(0, 0)
                app.state.store.reopen()
                status = _run(app, settings, reuse_port=True)
            finally:
                os._exit(status)
        workers.append(pid)

    def forward(signum: int, _: FrameType | None) -> None:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in workers]
    return 0 if all(status == 0 for status in statuses) else 1


def reusable_socket(settings: Settings) -> socket.socket:
    """A listening socket other processes can bind too (Linux spreads connections among them)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.host, settings.port))
    return sock
