"""Optional API keys (off unless configured); quotas are in ``api.edge.quota``.

Keys are stored as SHA-256 digests (they are long random tokens, so a fast hash is enough) and
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

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
