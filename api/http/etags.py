"""HTTP caching: strong ETags from the bytes, Cache-Control, and If-None-Match (RFC 9110 13.1.2)."""

from __future__ import annotations

import base64
import hashlib

VERSION_HEADER = "Fascia-Content-Version"


def etag_for(body: bytes) -> str:
    """A strong entity tag derived from the bytes alone, so it is stable across restarts."""
    digest = hashlib.sha256(body).digest()[:16]
    return '"' + base64.urlsafe_b64encode(digest).decode().rstrip("=") + '"'


def cache_control(max_age: int, stale_while_revalidate: int) -> str:
    return f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}"


def none_match(header: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` matches ``etag`` (weak comparison): answer 304.

    ``*`` matches any current representation; a list matches if any member does. Members that
    are not entity tags are ignored, so a malformed header never matches and never fails.
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == opaque for candidate in header.split(","))
