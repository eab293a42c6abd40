"""HTTP caching: strong ETags from the bytes, Cache-Control, and If-None-Match (RFC 9110 13.1.2)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.responses import Response

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


# What a 304 leaves out of its 200's headers: those about a body it does not have.
BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "content-security-policy"}
)


@dataclass(frozen=True)
class Asset:
    """Bytes served as they are (a page, a script, the OpenAPI document), with their ETag."""

    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Asset:
        return cls(body, content_type, etag_for(body))


def not_modified_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers of the 304 that stands for a 200 with ``headers``."""
    return {name: value for name, value in headers.items() if name.lower() not in BODY_HEADERS}


def conditional(body: bytes, headers: Mapping[str, str], if_none_match: str | None) -> Response:
    """The 200 with ``body`` and ``headers`` (which name its ETag), or its 304 when
    ``If-None-Match`` matches: the one place a handler answers a conditional GET."""
    if none_match(if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=not_modified_headers(headers))
    return Response(body, headers=dict(headers))
