"""Expensive renders off the event loop: a bounded process pool, one render per distinct input.

Typesetting a PDF takes a fraction of a second to seconds of pure CPU, and WeasyPrint holds the
GIL, so a thread would still stall every other request. ``RenderPool`` runs such a render in a
pool of ``processes`` worker processes (``FASCIA_RENDER_PROCESSES``; 0 renders in the calling
thread, for tools and tests that want no processes). Requests for the same input wait for one
render (single flight). At most ``limit`` distinct renders are running or waiting; past that
``Busy`` says how long to wait, and the server answers 503 with Retry-After instead of queueing
without bound.

The pool heals: a worker that dies (the OOM killer, a crash in a C library) breaks a
``ProcessPoolExecutor`` for good, so the pool is replaced at once (``state`` says ``rebuilding``
until the new one runs, and ``/readyz`` reports it), and the render that was running is tried
once more. Workers are recycled after ``tasks_per_worker`` renders and may be held to
``memory_mb`` of address space each.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import resource
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Literal

from api.render.context import Unavailable

PoolState = Literal["off", "ready", "rebuilding"]
Finish = Callable[[str], bytes]  # a module-level function: it is pickled to the worker
WORKER_NICENESS = 19  # the lowest priority, where SCHED_IDLE is not available
SECONDS_PER_RENDER = 2  # what Retry-After assumes one waiting render costs


class Busy(Exception):
    """Too many distinct renders are running or waiting: try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many renders waiting; retry after {retry_after} s")
        self.retry_after = retry_after


class RenderPool:
    def __init__(
        self, processes: int, limit: int, tasks_per_worker: int = 200, memory_mb: int = 0
    ) -> None:
        self.processes = processes
        self.limit = limit
        self.tasks_per_worker = tasks_per_worker
        self.memory_mb = memory_mb  # each worker's address space at most (0: no limit)
        self.replaced = 0  # pools replaced after a worker died
        self._warming: Future[None] | None = None  # the first task of a replacement pool
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._asked: Counter[Hashable] = Counter()  # requests whose render is in flight
        # In flight, by event loop (a future belongs to one loop) and input.
        self._flights: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[Hashable, asyncio.Future[bytes]]
        ] = weakref.WeakKeyDictionary()

    @property
    def in_flight(self) -> int:
        return sum(len(flights) for flights in list(self._flights.values()))

    def admit(self, asked: Hashable = None) -> None:
        """Raise ``Busy`` when no other render can start now: called before a request builds
        anything to render, so that a refusal costs the event loop next to nothing. A request
        ``asked`` the same way as one being rendered (same path, query and negotiation) will join
        that render, so it is let in."""
        if asked is not None and self._asked[asked] > 0:
            return
        if self.in_flight >= self.limit:
            waves = math.ceil((self.in_flight + 1) / max(self.processes, 1))
            raise Busy(waves * SECONDS_PER_RENDER)

    def _answered(self, asked: Hashable) -> None:
        self._asked[asked] -= 1
        if self._asked[asked] <= 0:
            del self._asked[asked]

    async def run(self, finish: Finish, markup: str, asked: Hashable = None) -> bytes:
        """``finish(markup)`` in a worker process; joins a render of the same input in flight.
        ``asked`` names the request (see ``admit``) while its render runs."""
        loop = asyncio.get_running_loop()
        flights = self._flights.setdefault(loop, {})
        key = (finish.__module__, finish.__qualname__, markup)
        running = flights.get(key)
        if running is not None:
            return await asyncio.shield(running)
        self.admit()
        future: asyncio.Future[bytes]
        if self.processes == 0:
            future = loop.create_future()
            try:
                future.set_result(finish(markup))
            except Exception as error:
                future.set_exception(error)
        else:
            future = asyncio.ensure_future(self._in_worker(loop, finish, markup))
        flights[key] = future
        if asked is not None:
            self._asked[asked] += 1
            future.add_done_callback(lambda _: self._answered(asked))
        try:
            return await asyncio.shield(future)
        finally:
            if future.done():
                flights.pop(key, None)
            else:  # the caller went away: forget the render once it ends
                future.add_done_callback(lambda _: flights.pop(key, None))

    async def _in_worker(
        self, loop: asyncio.AbstractEventLoop, finish: Finish, markup: str
    ) -> bytes:
        """``finish(markup)`` in a worker. When a worker dies (the OOM killer, a crash in a C
        library), the pool it belonged to is broken for good: it is replaced, and the render
        tried once more in the new one; a second death is a 503, not a 500."""
        for attempt in range(2):
            executor = self._pool()
            try:
                return await loop.run_in_executor(executor, finish, markup)
            except MemoryError:
                raise Unavailable(
                    "This handout needs more memory than a typesetting worker may use "
                    "(FASCIA_RENDER_MEMORY_MB). The other representations are answered at once."
                ) from None
            except BrokenProcessPool:
                self._replace(executor)
                if attempt:
                    raise Unavailable(
                        "A typesetting worker stopped twice on this handout; try again. The "
                        "other representations are answered at once."
                    ) from None
        raise AssertionError("unreachable")

    @property
    def state(self) -> PoolState:
        """``off`` (no worker processes), ``ready``, or ``rebuilding``: a worker died and a new
        pool is starting. Asking notices a broken pool before any render does, and replaces it."""
        if self.processes == 0:
            return "off"
        with self._lock:
            executor = self._executor
        if executor is not None and getattr(executor, "_broken", False):
            self._replace(executor)
        warming = self._warming
        return "rebuilding" if warming is not None and not warming.done() else "ready"

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # Workers start from a fresh interpreter: forking a threaded server is unsafe.
                # Each is replaced after ``tasks_per_worker`` renders, so that what a library
                # leaks or caches cannot grow without bound.
                context = multiprocessing.get_context("forkserver")
                self._executor = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_worker_start,
                    initargs=(self.memory_mb,),
                    max_tasks_per_child=self.tasks_per_worker,
                )
            return self._executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Drop a broken pool (once, however many renders notice) and start a new one."""
        with self._lock:
            if self._executor is not broken:
                return
            self._executor = None
            self.replaced += 1
        broken.shutdown(wait=False, cancel_futures=True)
        self._warming = self._pool().submit(_started)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None


def _worker_start(memory_mb: int) -> None:
    """Each worker yields the CPU to the server and, where asked, is held to ``memory_mb`` of
    address space: past it an allocation fails in that worker alone (its render is a 503)."""
    _yield_to_the_server()
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _started() -> None:
    """A task that does nothing: done once a new pool has a worker running."""


def _yield_to_the_server() -> None:
    """Workers run at the lowest priority: on a busy machine the server's event loop, which
    answers everything else, gets the CPU first. Under Linux they are SCHED_IDLE: a waking server
    preempts a worker at once, where a niced one may finish its time slice first (on 2 cores,
    nice 19 left the cheap GET at 1.9-2.1x its p99 under a PDF flood; SCHED_IDLE, 1.35-1.57x)."""
    os.nice(WORKER_NICENESS)
    if hasattr(os, "SCHED_IDLE"):  # Linux: run only when a core has nothing else to do
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


_POOLS: dict[tuple[int, int, int, int], RenderPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(
    processes: int, limit: int, tasks_per_worker: int = 200, memory_mb: int = 0
) -> RenderPool:
    """One pool per process and settings: every app in a process (tests build many) shares it."""
    key = (processes, limit, tasks_per_worker, memory_mb)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = RenderPool(processes, limit, tasks_per_worker, memory_mb)
        return pool
