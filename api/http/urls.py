"""The absolute base URL that handouts link with, and the canonical form of a query."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import Scope

from api.http.inprocess import INTERNAL


def public_base(scope: Scope, configured: str | None, hosts: Sequence[str]) -> str:
    """``FASCIA_PUBLIC_URL`` when set, else the request's own scheme and Host when the Host is
    one of ``hosts`` (else the first of them); "" (links stay relative) for in-process requests
    that name no Host, such as the static export's."""
    if configured:
        return configured
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    if scope.get(INTERNAL) and not host:
        return ""
    text = host.decode("latin-1").lower()
    if text not in hosts:
        text = hosts[0]
    return f"{scope['scheme']}://{text}{scope.get('root_path', '')}"


# Paging, for every collection, search and the export: its parameters and their bounds.
PAGE_SIZE = "page_size"
CURSOR = "cursor"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CURSOR_PATTERN = r"^[0-9]{1,15}$"  # a position: far beyond any library, inside SQLite's integers
# Query parameters whose value is a whole number: 07 and 7 are the same answer.
INTEGER_PARAMETERS = frozenset({PAGE_SIZE, CURSOR})
_WHOLE = re.compile(r"[0-9]{1,15}")


# Parameters that links in posts, newsletters and ads add for their own counting, and cache
# busters: pages for people (HTML handouts, /embed) ignore them; API representations refuse them
# like any other unknown parameter.
TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_"}
)
TRACKING_PREFIXES = ("utm_",)


def is_tracking(name: str) -> bool:
    return name in TRACKING or name.startswith(TRACKING_PREFIXES)


def canonical_query(query: str, drop: Collection[str] = (), tracking: bool = False) -> str:
    """``query`` as the answer depends on it: parsed, without the parameters in ``drop`` (and,
    with ``tracking``, without tracking parameters), in name order, whole numbers without
    leading zeros, and percent-encoded again. Cache keys and the links a response carries are
    both made from it, never from the raw query, so a crafted value cannot split the cache or
    reach a link unencoded."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = sorted(
        (name, _normal(name, value))
        for name, value in pairs
        if name not in drop and not (tracking and is_tracking(name))
    )
    return urlencode(kept, quote_via=quote)


def _normal(name: str, value: str) -> str:
    return str(int(value)) if name in INTEGER_PARAMETERS and _WHOLE.fullmatch(value) else value
