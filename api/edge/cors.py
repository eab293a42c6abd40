"""CORS, all of it: which origins may read responses from a browser, and preflight answers.

The content is public, so by default any origin may read (``*``). With a list of origins
(``FASCIA_CORS_ORIGINS``), only those get ``Access-Control-Allow-Origin``, and every answer says
``Vary: Origin``. The gateway adds these headers to every response, its own refusals included.
"""

from __future__ import annotations

from api.http.errors import ALLOWED_METHODS

Headers = list[tuple[bytes, bytes]]
EXPOSED_HEADERS = (
    b"ETag, Content-Language, Fascia-Content-Version, Link, RateLimit, RateLimit-Policy, "
    b"Retry-After, X-Request-ID"
)
REQUEST_HEADERS = b"Accept, Accept-Language, If-None-Match, X-API-Key, X-Request-ID"
PREFLIGHT_MAX_AGE = b"86400"


class Cors:
    """The CORS headers of a response to a request from ``Origin``."""

    def __init__(self, origins: frozenset[bytes] | None) -> None:
        self.origins = origins  # None: any origin

    def headers(self, origin: bytes | None) -> Headers:
        if self.origins is None:
            return [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-expose-headers", EXPOSED_HEADERS),
            ]
        if origin is None or origin not in self.origins:
            return [(b"vary", b"Origin")]
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", EXPOSED_HEADERS),
            (b"vary", b"Origin"),
        ]

    @staticmethod
    def preflight() -> Headers:
        """What a preflight (OPTIONS with Access-Control-Request-Method) is told, besides
        ``headers``: the methods and request headers allowed, for a day."""
        return [
            (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
            (b"access-control-allow-headers", REQUEST_HEADERS),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE),
        ]
