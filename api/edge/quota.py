"""Quotas per client that never block the event loop and survive a dead quota store.

Counts are per fixed window (``600/minute``: a new count each minute). In memory, a check is a
dict update. With Redis (``redis://...``), several replicas share the count, but a request does
not wait for Redis while its client is far from the limit: the process admits it, counts it
locally and adds its local counts to Redis in one pipeline every ``SYNC_SECONDS``, reading the
shared totals back. Only a client near its limit (its last tenth, or its last ``NEAR`` requests)
waits for Redis, so that the last requests of a window are counted exactly across replicas. A
client can therefore exceed its quota by at most what the other replicas admitted in one sync
interval.

When Redis cannot be reached the quota fails open by default (requests are counted in this
process alone; a warning is logged at most once every ``WARN_SECONDS`` and the failure is
counted in ``/metrics``) or, with ``FASCIA_RATE_LIMIT_FAILURE=closed``, refuses with a 503 and
``Retry-After`` until Redis answers again. Either way nothing is ever a 500, and the quota works
again as soon as Redis does, without a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from limits import parse
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from api.edge.logs import EVENTS

SYNC_SECONDS = 0.1
WARN_SECONDS = 30.0
RETRY_SECONDS = 1  # while Redis is down, how often a request may try it (fail-closed)
REDIS_TIMEOUT = 0.25
NEAR = 50  # a client within this many requests of its limit (or a tenth of it) waits for Redis
KEY_PREFIX = "fascia:quota:"
FailureMode = Literal["open", "closed"]
Window = tuple[str, int]  # client, window number


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    headers: list[tuple[bytes, bytes]]
    retry_after: int


class StoreDown(Exception):
    """The quota store cannot be reached and the quota fails closed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("The quota store cannot be reached; try again shortly.")
        self.retry_after = retry_after


class Quota:
    """A rate limit per client, such as "600/minute", counted in memory or in Redis."""

    def __init__(
        self,
        limit: str,
        storage_uri: str,
        failure: FailureMode = "open",
        on_store_error: Callable[[], None] = lambda: None,
    ) -> None:
        item = parse(limit)
        self.amount = item.amount
        self.seconds = item.get_expiry()
        self.policy = f'"default";q={self.amount};w={self.seconds}'.encode()
        self.redis_uri = storage_uri if storage_uri.startswith(("redis://", "rediss://")) else None
        self.failure = failure
        self.on_store_error = on_store_error
        self.local: dict[str, int] = {}  # memory: this window's count per client
        self.known: dict[Window, int] = {}  # Redis: the shared total at the last answer
        self.inflight: defaultdict[Window, int] = defaultdict(int)  # sent, not yet answered
        self.pending: defaultdict[Window, int] = defaultdict(int)  # admitted, not yet sent
        self.window = -1
        self.reset_at = 0.0
        self.last_sync = 0.0
        self.syncing = False
        self.down_since: float | None = None
        self.last_warning = -WARN_SECONDS
        self.last_try = 0.0
        self._client: aioredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def store(self) -> str:
        """The quota store's state, for /readyz: memory, ok or unreachable."""
        if self.redis_uri is None:
            return "memory"
        return "unreachable" if self.down_since is not None else "ok"

    async def check(self, client: str) -> Verdict:
        """Count one request of ``client``; StoreDown when Redis is down and failing closed."""
        now = time.time()
        window = int(now // self.seconds)
        if window != self.window:
            self._new_window(window)
        if self.redis_uri is None:
            counted = self.local.get(client, 0) + 1
            self.local[client] = counted
            return self._verdict(counted, now)
        key = (client, window)
        counted = self.known.get(key, 0) + self.inflight[key] + self.pending[key] + 1
        near = counted > self.amount - max(NEAR, self.amount // 10)
        refusing = self.failure == "closed" and self.down_since is not None
        if not (near or refusing):
            self.pending[key] += 1
            self._sync_soon(now)
            return self._verdict(counted, now)
        total = await self._count_now(key, now)
        return self._verdict(total, now)

    def _new_window(self, window: int) -> None:
        self.window = window
        self.reset_at = (window + 1) * self.seconds
        self.local = {}
        for stale in [key for key in self.known if key[1] < window]:
            del self.known[stale]

    async def _count_now(self, key: Window, now: float) -> int:
        """Add this request (and what is pending for its client) in Redis; the shared total."""
        if self.down_since is not None and now - self.last_try < RETRY_SECONDS:
            return self._store_unavailable(key)
        self.last_try = now
        add = self.pending.pop(key, 0) + 1
        self.inflight[key] += add
        try:
            (total,) = await self._add({key: add})
        except (RedisError, OSError, TimeoutError):
            self.pending[key] += add - 1  # this request is counted below, or refused
            self._store_failed(now)
            return self._store_unavailable(key)
        finally:
            self._land({key: add})
        self._store_recovered()
        self.known[key] = max(total, self.known.get(key, 0))
        return total

    def _store_unavailable(self, key: Window) -> int:
        if self.failure == "closed":
            raise StoreDown(RETRY_SECONDS)
        self.pending[key] += 1
        # What this process knows: the last shared total and all it has counted since.
        return self.known.get(key, 0) + self.inflight[key] + self.pending[key]

    def _sync_soon(self, now: float) -> None:
        if self.syncing or now - self.last_sync < SYNC_SECONDS:
            return
        self.syncing = True
        self.last_sync = now
        asyncio.get_running_loop().create_task(self._sync())

    async def _sync(self) -> None:
        """Add every pending count to Redis in one pipeline and read the totals back."""
        batch, self.pending = dict(self.pending), defaultdict(int)
        if not batch:  # a request near its limit took it: nothing to say, nothing learnt
            self.syncing = False
            return
        for key, count in batch.items():
            self.inflight[key] += count
        try:
            totals = await self._add(batch)
        except (RedisError, OSError, TimeoutError):
            for key, count in batch.items():
                self.pending[key] += count
            self._store_failed(time.time())
        else:
            self._store_recovered()
            for key, total in zip(batch, totals, strict=True):
                self.known[key] = max(total, self.known.get(key, 0))
        finally:
            self._land(batch)
            self.syncing = False

    def _land(self, sent: dict[Window, int]) -> None:
        """Counts that Redis has answered for (or that went back to pending) are no longer in
        flight."""
        for key, count in sent.items():
            left = self.inflight[key] - count
            if left:
                self.inflight[key] = left
            else:
                del self.inflight[key]

    async def _add(self, counts: dict[Window, int]) -> list[int]:
        pipe = self._redis().pipeline(transaction=False)
        for (client, window), count in counts.items():
            key = f"{KEY_PREFIX}{client}:{window}"
            pipe.incrby(key, count)
            pipe.expire(key, self.seconds * 2)
        results = await pipe.execute()
        return [int(total) for total in results[::2]]

    async def aclose(self) -> None:
        """Close the connection to Redis (at shutdown), after adding what is still pending."""
        if self._client is not None and self._loop is asyncio.get_running_loop():
            if self.pending:
                await self._sync()
            await self._client.aclose()
        self._client = None

    def _redis(self) -> aioredis.Redis:
        """A client of the running loop (a client belongs to the loop it was made in)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            assert self.redis_uri is not None
            self._client = aioredis.from_url(
                self.redis_uri, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )
            self._loop = loop
        return self._client

    def _store_failed(self, now: float) -> None:
        self.on_store_error()
        if self.down_since is None:
            self.down_since = now
        if now - self.last_warning >= WARN_SECONDS:
            self.last_warning = now
            mode = "refusing requests" if self.failure == "closed" else "counting in this process"
            EVENTS.warning("quota store unreachable", extra={"fields": {"mode": mode}})

    def _store_recovered(self) -> None:
        if self.down_since is not None:
            self.down_since = None
            EVENTS.info("quota store reachable again")

    def _verdict(self, counted: int, now: float) -> Verdict:
        remaining = max(0, self.amount - counted)
        reset = max(1, int(self.reset_at - now + 0.999))
        headers = [
            (b"ratelimit-policy", self.policy),
            (b"ratelimit", b'"default";r=%d;t=%d' % (remaining, reset)),
        ]
        return Verdict(counted <= self.amount, headers, reset)
