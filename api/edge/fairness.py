"""Expensive misses, fairly: no client's costly requests queue in front of everyone else's.

Most answers come from the response cache in microseconds. A miss on a large resource (an export
page, a whole self-test or guide, a PDF or PNG, an MCP call) costs milliseconds of CPU, and one
client looping over distinct misses could otherwise take the event loop from every other client.
So, behind the response cache (only misses get here):

- each client runs one expensive request at a time; its others wait in its own queue, at most
  ``WAITING`` of them (more are a 429 with Retry-After, answered at once, costing nothing);
- at most ``RUNNING`` expensive requests run at once, and when one ends the next to start is the
  next client's in turn (round robin), not the first in line: a client with many misses waits
  behind itself, and a client with one miss waits for at most one request of each other client;
- the CPU-bound part of an expensive request (building its answer's bytes) runs in a thread
  (``Context.respond``), so the event loop keeps answering cheap requests meanwhile.

A client is its API key when one is sent, else its address (as the gateway sees it).
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.errors import PROBLEM_MEDIA_TYPE, problem_body
from api.http.limits import EXPENSIVE_KEY
from api.http.negotiation import target_of

RUNNING = 2  # expensive requests at once, all clients together
WAITING = 8  # a client's expensive requests waiting behind its running one
RETRY_SECONDS = 1

# Large answers: the export's pages, a self-test (whole, its steps, any representation), a guide,
# every PDF and PNG.
_EXPENSIVE = re.compile(r"^/v1/(export|self-tests/|guides/)")
_TYPESET = (".pdf", ".png")


def expensive(scope: Scope) -> bool:
    """Whether a request (a miss: the response cache did not answer it) is a costly one."""
    target = target_of(scope)
    return bool(_EXPENSIVE.match(target.path)) or target.requested.endswith(_TYPESET)


class TooMany(Exception):
    """A client already has ``WAITING`` expensive requests waiting."""


@dataclass
class _Turns:
    """The state of one event loop: who runs, and each client's queue in turn order."""

    running: set[str] = field(default_factory=set)
    queues: OrderedDict[str, deque[asyncio.Future[None]]] = field(default_factory=OrderedDict)


class Fairness:
    """Turns for expensive requests, per client (see the module's docstring)."""

    def __init__(self, running: int = RUNNING, waiting: int = WAITING) -> None:
        self.limit = running
        self.waiting = waiting
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns] = (
            weakref.WeakKeyDictionary()
        )

    def _state(self) -> _Turns:
        return self._turns.setdefault(asyncio.get_running_loop(), _Turns())

    def running(self) -> int:
        return len(self._state().running)

    async def acquire(self, client: str) -> None:
        turns = self._state()
        if client not in turns.running and len(turns.running) < self.limit:
            turns.running.add(client)
            return
        queue = turns.queues.setdefault(client, deque())
        if len(queue) >= self.waiting:
            raise TooMany
        turn = asyncio.get_running_loop().create_future()
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:  # the client went away while waiting
            if turn in queue:
                queue.remove(turn)
            elif turn.done() and not turn.cancelled():
                self.release(client)  # its turn had come: pass it on
            raise

    def release(self, client: str) -> None:
        turns = self._state()
        turns.running.discard(client)
        if client in turns.queues:
            turns.queues.move_to_end(client)  # its next request waits for the others'
        self._next(turns)

    @staticmethod
    def _clean(turns: _Turns, client: str) -> None:
        if not turns.queues.get(client, True):
            del turns.queues[client]

    def _next(self, turns: _Turns) -> None:
        """Start waiting requests, each client's in turn, while there is room."""
        for client in list(turns.queues):
            if len(turns.running) >= self.limit:
                return
            queue = turns.queues[client]
            if client in turns.running:
                continue
            while queue and queue[0].done():  # cancelled
                queue.popleft()
            if queue:
                turns.running.add(client)
                queue.popleft().set_result(None)
                turns.queues.move_to_end(client)  # its next request waits for the others'
            self._clean(turns, client)


class ExpensiveMisses:
    """The ASGI layer that takes turns for expensive requests (``Fairness``)."""

    def __init__(self, app: ASGIApp, fairness: Fairness, key_header: str | None) -> None:
        self.app = app
        self.fairness = fairness
        self.key_header = key_header.lower().encode() if key_header else None

    def client(self, scope: Scope) -> str:
        if self.key_header is not None:
            key = next((v for k, v in scope["headers"] if k == self.key_header), None)
            if key:
                return "key:" + bytes(key).decode("latin-1")
        address = scope.get("client")
        return f"address:{address[0]}" if address else "address:unknown"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not expensive(scope):
            await self.app(scope, receive, send)
            return
        await self.take_turn(scope, receive, send, self.app)

    async def take_turn(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Run ``app`` on the request in the client's turn; a 429 if its queue is full."""
        client = self.client(scope)
        try:
            await self.fairness.acquire(client)
        except TooMany:
            detail = (
                f"You have {self.fairness.waiting} large requests waiting already (uncached "
                "export pages, self-tests, guides, PDFs, PNGs or MCP calls); each client's run "
                f"one at a time. Try again in {RETRY_SECONDS} s."
            )
            body = problem_body(429, detail, target_of(scope).requested)
            headers = [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(RETRY_SECONDS).encode()),
            ]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await app({**scope, EXPENSIVE_KEY: True}, receive, send)
        finally:
            self.fairness.release(client)
