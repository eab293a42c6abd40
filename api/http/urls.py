"""The absolute base URL that handouts link with, from the setting or the request."""

from __future__ import annotations

import re

from starlette.types import Scope

from api.http.inprocess import INTERNAL

_HOST = re.compile(
    r"(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?"
)


def public_base(scope: Scope, configured: str | None) -> str:
    """``FASCIA_PUBLIC_URL`` when set, else the request's own scheme and Host; "" (links stay
    relative) for in-process requests, such as the static export's, and a malformed Host."""
    if configured:
        return configured
    if scope.get(INTERNAL):
        return ""
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    text = host.decode("latin-1")
    if not _HOST.fullmatch(text):
        return ""
    return f"{scope['scheme']}://{text}{scope.get('root_path', '')}"
