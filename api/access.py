"""Optional API keys and per-client quotas (both off unless configured).

Keys are stored as SHA-256 digests (they are long random tokens, so a fast hash is enough) and
compared in constant time. Quotas use the ``limits`` library: in memory by default, or in Redis
(``redis://...``) so several replicas share one count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies

KEY_PREFIX = "fascia_"


def new_key() -> tuple[str, str]:
    """A fresh API key and the digest to put in FASCIA_API_KEY_DIGESTS."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, digest(key)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyCheck:
    digests: tuple[bytes, ...]
    header: bytes  # lower-case header name

    def identify(self, presented: bytes) -> str | None:
        """The digest of a valid key, or None. Every stored digest is compared, in constant time."""
        if not presented:
            return None
        candidate = hashlib.sha256(presented).hexdigest().encode()
        found = None
        for stored in self.digests:
            if hmac.compare_digest(candidate, stored):
                found = stored.decode()
        return found


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    headers: list[tuple[bytes, bytes]]
    retry_after: int


class Quota:
    """A rate limit per client: ``limit`` such as "600/minute", stored at ``storage_uri``."""

    def __init__(self, limit: str, storage_uri: str) -> None:
        self.item: RateLimitItem = parse(limit)
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        window = self.item.get_expiry()
        self.policy = f'"default";q={self.item.amount};w={window}'.encode()

    def check(self, client: str) -> Verdict:
        allowed = self.limiter.hit(self.item, client)
        reset_at, remaining = self.limiter.get_window_stats(self.item, client)
        reset = max(0, int(reset_at - time.time() + 0.999))
        headers = [
            (b"ratelimit-policy", self.policy),
            (b"ratelimit", f'"default";r={remaining};t={reset}'.encode()),
        ]
        return Verdict(allowed, headers, max(1, reset))
