"""uvicorn's httptools protocol with limits enforced while reading, not after.

The app refuses more than 16 KB of headers (431), but only once uvicorn has read them whole: a
64 MB header would be read into memory first, and a client sending its headers a byte at a time
would hold its connection forever. Here a connection is refused while it reads:

* more than ``HEAD_LIMIT`` bytes arrive before a request's headers are complete: 431, closed;
* a request's headers (or, on a new connection, its first byte) take longer than
  ``header_timeout`` seconds (``FASCIA_HEADER_TIMEOUT``): 408, closed;
* a request's body takes longer than ``header_timeout`` seconds after its headers: 408,
  closed; a GET or HEAD that announces a body: 400, closed; a request answered before its body
  arrived (an early 401): closed once answered;
* more than ``PIPELINE_LIMIT`` requests are pipelined waiting for their answers: dropped;
* past ``FASCIA_MAX_CONNECTIONS`` (uvicorn's ``limit_concurrency``), a request is answered 503,
  closed.

Idle keep-alive connections are closed by uvicorn after ``timeout_keep_alive`` seconds.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.edge.security import security_headers
from api.http.errors import PROBLEM_MEDIA_TYPE
from api.http.limits import MAX_HEADER_BYTES, MAX_URL

# Bytes read while a request's head is incomplete. Larger than the app's own limits (the app
# answers those with a precise problem) and than one read from the socket, so pipelined requests
# in one read are never mistaken for one huge head.
HEAD_LIMIT = 1024 * 1024
assert HEAD_LIMIT > 4 * (MAX_URL + MAX_HEADER_BYTES)
# Requests read on one connection and waiting for the one before them to be answered. Browsers
# and HTTP libraries do not pipeline; a client that does gets this many queued, then is cut off.
PIPELINE_LIMIT = 32


class GuardedHttpTools(HttpToolsProtocol):
    header_timeout: float = 10.0  # set from the settings by api.ops.serve

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._body_timer is not None:
            self._body_timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head and self._head_timer is None:
            self._arm()
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > HEAD_LIMIT:
                detail = f"The request line and headers are over {HEAD_LIMIT} bytes."
                self._refuse(431, "Request Header Fields Too Large", detail)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        if self.transport.is_closing():  # given up on: the rest of what was read is dropped
            return
        if len(self.pipeline) >= PIPELINE_LIMIT:
            # A client that sends request after request without reading the answers would
            # have each one held in memory: past the limit its connection is dropped at once,
            # its unsent answers with it.
            self.transport.abort()
            return
        limit = self.limit_concurrency
        if limit is not None and max(len(self.connections), len(self.tasks)) >= limit:
            # uvicorn would answer in plain text: a problem, like every other refusal.
            detail = "The server is serving as many connections as it takes; try again shortly."
            self._refuse(503, "Service Unavailable", detail)
            return
        announced = self._announced_body()
        if announced and self.parser.get_method() in (b"GET", b"HEAD"):
            detail = "A GET or HEAD request has no body: send it without one."
            self._refuse(400, "Bad Request", detail)
            return
        super().on_headers_complete()
        if announced:  # the body has as long as the headers had to arrive whole
            self._body_timer = self.loop.call_later(self.header_timeout, self._body_too_slow)

    def on_response_complete(self) -> None:
        # Answered before its body arrived (an early 401, 413...): the rest is not waited for.
        if self.cycle is not None and self.cycle.response_complete and self.cycle.more_body:
            self.transport.close()
            return
        super().on_response_complete()

    def _announced_body(self) -> bool:
        for name, value in self.headers:
            if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
                return True
        return False

    def _body_too_slow(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self.cycle is None or not self.cycle.more_body:
            return
        if self.cycle.response_started:
            self.transport.abort()
            return
        detail = f"The request's body took longer than {self.header_timeout:g} s."
        self._refuse(408, "Request Timeout", detail)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # the next request's head: its timer starts with its first byte
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        waiting = self._head_bytes or self.cycle is None  # a head begun, or nothing yet
        if self._in_head and waiting and not self.transport.is_closing():
            detail = f"The request's headers took longer than {self.header_timeout:g} s."
            self._refuse(408, "Request Timeout", detail)

    def _refuse(self, status: int, title: str, detail: str) -> None:
        """A problem, then the connection closed: nothing more is read from it."""
        body = json.dumps(
            {"type": "about:blank", "title": title, "status": status, "detail": detail}
        )
        secure = "".join(
            f"{name.decode()}: {value.decode()}\r\n"
            for name, value in security_headers(PROBLEM_MEDIA_TYPE.encode())
        )
        head = (
            f"HTTP/1.1 {status} {title}\r\ncontent-type: {PROBLEM_MEDIA_TYPE}\r\n{secure}"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body.encode())
        self.transport.close()
