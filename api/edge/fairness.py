"""Expensive misses, fairly: no client's costly requests queue in front of everyone else's.

Most answers come from the response cache in microseconds. A miss on a large resource (an export
page, a whole self-test or guide, a PDF or PNG, an MCP call) costs milliseconds of CPU, and one
client looping over distinct misses could otherwise take the event loop from every other client.
So, behind the response cache (only misses get here):

- each client runs one expensive request at a time; its others wait in its own queue, at most
  ``WAITING`` of them (more are a 429 with Retry-After, answered at once, costing nothing);
- at most ``RUNNING`` expensive requests run at once (PDFs and PNGs apart: the render pool bounds
  those, refusing with a 503 when full), and when one ends the next to start is the next
  client's in turn (round robin), not the first in line: a client with many misses waits behind
  itself, and a client with one miss waits for at most one request of each other client;
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
    return bool(_EXPENSIVE.match(target_of(scope).path)) or typeset(scope)


def typeset(scope: Scope) -> bool:
    """Whether a request asks for a PDF or PNG by its suffix (typeset in the render pool)."""
    return target_of(scope).requested.endswith(_TYPESET)


class TooMany(Exception):
    """A client already has ``WAITING`` expensive requests waiting."""


@dataclass
class _Turns:
    """The state of one event loop: who runs (and whether it counts against the limit of costly
    requests at once), and each client's queue in turn order."""

    running: dict[str, bool] = field(default_factory=dict)
    queues: OrderedDict[str, deque[tuple[asyncio.Future[None], bool]]] = field(
        default_factory=OrderedDict
    )

    def counted(self) -> int:
        return sum(self.running.values())


class Fairness:
    """Turns for expensive requests, per client (see the module's docstring). A request that
    does not ``count`` (a PDF or PNG: the render pool bounds those, with a 503) still waits for
    its client's previous one, but not for the limit of costly requests at once."""

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

    async def acquire(self, client: str, counts: bool = True) -> None:
        turns = self._state()
        if client not in turns.running and (not counts or turns.counted() < self.limit):
            turns.running[client] = counts
            return
        queue = turns.queues.setdefault(client, deque())
        if len(queue) >= self.waiting:
            raise TooMany
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (turn, counts)
        queue.append(entry)
        try:
            await turn
        except asyncio.CancelledError:  # the client went away while waiting
            if entry in queue:
                queue.remove(entry)
            elif turn.done() and not turn.cancelled():
                self.release(client)  # its turn had come: pass it on
            raise

    def release(self, client: str) -> None:
        turns = self._state()
        turns.running.pop(client, None)
        if client in turns.queues:
            turns.queues.move_to_end(client)  # its next request waits for the others'
        self._next(turns)

    def _next(self, turns: _Turns) -> None:
        """Start waiting requests, each client's in turn, while there is room."""
        for client in list(turns.queues):
            queue = turns.queues[client]
            while queue and queue[0][0].done():  # cancelled
                queue.popleft()
            if queue and client not in turns.running:
                turn, counts = queue[0]
                if not counts or turns.counted() < self.limit:
                    queue.popleft()
                    turns.running[client] = counts
                    turn.set_result(None)
                    turns.queues.move_to_end(client)  # its next request waits for the others'
            if not queue:
                del turns.queues[client]


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
            await self.fairness.acquire(client, counts=not typeset(scope))
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
