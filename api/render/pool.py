"""Expensive renders off the event loop: a bounded process pool, one render per distinct input.

Typesetting a PDF takes a fraction of a second to seconds of pure CPU, and WeasyPrint holds the
GIL, so a thread would still stall every other request. ``RenderPool`` runs such a render in a
pool of ``processes`` worker processes (``FASCIA_RENDER_PROCESSES``; 0 renders in the calling
thread, for tools and tests that want no processes). Requests for the same input wait for one
render (single flight). At most ``limit`` distinct renders are running or waiting; past that
``Busy`` says how long to wait, and the server answers 503 with Retry-After instead of queueing
without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor

Finish = Callable[[str], bytes]  # a module-level function: it is pickled to the worker
WORKER_NICENESS = 19  # the lowest priority, where SCHED_IDLE is not available
SECONDS_PER_RENDER = 2  # what Retry-After assumes one waiting render costs


class Busy(Exception):
    """Too many distinct renders are running or waiting: try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many renders waiting; retry after {retry_after} s")
        self.retry_after = retry_after


class RenderPool:
    def __init__(self, processes: int, limit: int) -> None:
        self.processes = processes
        self.limit = limit
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # In flight, by event loop (a future belongs to one loop) and input.
        self._flights: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[Hashable, asyncio.Future[bytes]]
        ] = weakref.WeakKeyDictionary()

    @property
    def in_flight(self) -> int:
        return sum(len(flights) for flights in list(self._flights.values()))

    async def run(self, finish: Finish, markup: str) -> bytes:
        """``finish(markup)`` in a worker process; joins a render of the same input in flight."""
        loop = asyncio.get_running_loop()
        flights = self._flights.setdefault(loop, {})
        key = (finish.__module__, finish.__qualname__, markup)
        running = flights.get(key)
        if running is not None:
            return await asyncio.shield(running)
        if self.in_flight >= self.limit:
            waves = math.ceil((self.in_flight + 1) / max(self.processes, 1))
            raise Busy(waves * SECONDS_PER_RENDER)
        future: asyncio.Future[bytes]
        if self.processes == 0:
            future = loop.create_future()
            try:
                future.set_result(finish(markup))
            except Exception as error:
                future.set_exception(error)
        else:
            future = asyncio.ensure_future(loop.run_in_executor(self._pool(), finish, markup))
        flights[key] = future
        try:
            return await asyncio.shield(future)
        finally:
            if future.done():
                flights.pop(key, None)
            else:  # the caller went away: forget the render once it ends
                future.add_done_callback(lambda _: flights.pop(key, None))

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # Workers start from a fresh interpreter: forking a threaded server is unsafe.
                context = multiprocessing.get_context("forkserver")
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=context, initializer=_yield_to_the_server
                )
            return self._executor

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None


def _yield_to_the_server() -> None:
    """Workers run at the lowest priority: on a busy machine the server's event loop, which
    answers everything else, gets the CPU first. Under Linux they are SCHED_IDLE: a waking server
    preempts a worker at once, where a niced one may finish its time slice first (on 2 cores,
    nice 19 left the cheap GET at 1.9-2.1x its p99 under a PDF flood; SCHED_IDLE, 1.35-1.57x)."""
    os.nice(WORKER_NICENESS)
    if hasattr(os, "SCHED_IDLE"):  # Linux: run only when a core has nothing else to do
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


_POOLS: dict[tuple[int, int], RenderPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(processes: int, limit: int) -> RenderPool:
    """One pool per process and size: every app in a process (tests build many) shares it."""
    with _POOLS_LOCK:
        pool = _POOLS.get((processes, limit))
        if pool is None:
            pool = _POOLS[(processes, limit)] = RenderPool(processes, limit)
        return pool
