"""The headers of a content answer, whichever door it leaves by: a resource in its negotiated
representation (``api.routes.common``) or an HL7 Infobutton feed (``api.routes.infobutton``).

Written in one place so that every answer carries the same headers in the same order: the
response cache keeps them and answers with them byte for byte.
"""

from __future__ import annotations

from starlette.responses import Response

from api.http.etags import VERSION_HEADER, conditional, etag_for

# Vary: the representation was chosen by Accept, or by the URL's suffix (Accept changes nothing).
VARY_NEGOTIATED = "Accept, Accept-Language, Accept-Encoding"
VARY_BY_SUFFIX = "Accept-Language, Accept-Encoding"


def content_response(
    body: bytes,
    content_type: str,
    *,
    language: str,
    vary: str,
    cache_control: str,
    version: str,
    if_none_match: str | None,
    link: str | None = None,
) -> Response:
    """``body`` with Content-Type, Content-Language, Vary, its ETag, Cache-Control and the
    content version (and ``link``, for a page that has a next one); or its 304 when
    ``If-None-Match`` matches."""
    headers = {
        "Content-Type": content_type,
        "Content-Language": language,
        "Vary": vary,
        "ETag": etag_for(body),
        "Cache-Control": cache_control,
        VERSION_HEADER: version,
    }
    if link is not None:
        headers["Link"] = link
    return conditional(body, headers, if_none_match)
