"""GET requests to the app itself, in-process, from synchronous start-up code."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from starlette.types import ASGIApp, Message, Scope

INTERNAL = "fascia.internal"  # the gateway lets these through: not counted, not logged

Request = tuple[str, str, str]  # path, query string, Accept


def get_all(
    app: ASGIApp, requests: Sequence[Request], host: str | None = None
) -> list[tuple[Message, Message]]:
    """(start, body) messages for each request, in order.

    Runs in a thread with its own event loop, so it works whether or not the caller is already
    inside one (uvicorn builds the app from within its loop).
    """

    async def ask_all() -> list[tuple[Message, Message]]:
        return [await _get(app, *request, host) for request in requests]

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, ask_all()).result()


async def _get(
    app: ASGIApp, path: str, query: str, accept: str, host: str | None
) -> tuple[Message, Message]:
    """One request; with ``host``, links in the answer are absolute from it, as a server's at
    that address would be; without, they stay relative (the static export's)."""
    headers = [(b"accept", accept.encode())] + ([(b"host", host.encode())] if host else [])
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
        INTERNAL: True,
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start, {"type": "http.response.body", "body": body, "more_body": False}
