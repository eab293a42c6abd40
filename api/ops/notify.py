"""``python -m api notify --since <version>``: post the change feed to every subscriber.

Each delivery is signed as the Standard Webhooks specification asks: headers ``webhook-id``
(the same for every attempt of one message), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body``, keyed with
the base64 secret after ``whsec_``). A subscriber that does not answer 2xx is tried again after
``backoff``, twice that, and so on, up to ``attempts`` tries; the report says, per subscriber,
how it went. Redirects are not followed (a 3xx is a failed attempt: a subscriber's redirect must
not send a signed request elsewhere), and URLs are printed without their user, password or
query, which often hold tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from api.bundle.feeds import CHANGES
from api.bundle.store import Store

EVENT_TYPE = "content.changed"
PAGE = 500


class UnknownRelease(Exception):
    """``--since`` names no release."""


@dataclass(frozen=True)
class Delivery:
    url: str
    attempts: int
    error: str | None  # None: delivered

    def __str__(self) -> str:
        url = redact(self.url)
        if self.error is None:
            return f"delivered to {url} (attempt {self.attempts})"
        return f"FAILED for {url} after {self.attempts} attempt(s): {self.error}"


def redact(url: str) -> str:
    """``url`` without user, password, query or fragment: safe to print."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    try:
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # a port that is not a number: not printed
        netloc = host
    hidden = "?…" if parts.query else ""
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", "")) + hidden


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is the subscriber's answer: an HTTPError, never a request elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def change_event(store: Store, since: str, public_url: str | None = None) -> dict[str, Any] | None:
    """The event to post: every locale's changes since ``since``; None when nothing changed.
    With ``public_url`` each change also carries ``url``, its absolute address."""
    meta = store.meta
    if since != meta.version and since not in meta.releases:
        known = ", ".join(dict.fromkeys([*meta.releases, meta.version]))
        raise UnknownRelease(f"no release has content version {since!r} (releases: {known})")
    locales = {locale: list(_changes(store, since, locale)) for locale in meta.locales}
    if public_url:
        for change in (change for changes in locales.values() for change in changes):
            change["url"] = public_url + change["href"]
    if since == meta.version or not any(locales.values()):
        return None
    return {
        "type": EVENT_TYPE,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": {"since": since, "content_version": meta.version, "changes": locales},
    }


def _changes(store: Store, since: str, locale: str) -> Iterator[Any]:
    after = -1
    while True:
        bodies, next_after = store.feed_page(CHANGES + since, locale, after, PAGE)
        yield from (json.loads(body) for body in bodies)
        if next_after is None:
            return
        after = next_after


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of one attempt."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def deliver(
    urls: tuple[str, ...],
    event: dict[str, Any],
    secret: str,
    *,
    attempts: int,
    backoff: float,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Post ``event`` to each URL, retrying with exponential backoff; one Delivery each."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    # The same event sent again (a re-run of notify) has the same id, so that a subscriber can
    # de-duplicate on it (Standard Webhooks); a different event, a different one.
    message_id = f"msg_{hashlib.sha256(body).hexdigest()[:32]}"
    return [
        _deliver_one(url, body, message_id, secret, attempts, backoff, timeout, sleep)
        for url in urls
    ]


def _deliver_one(
    url: str,
    body: bytes,
    message_id: str,
    secret: str,
    attempts: int,
    backoff: float,
    timeout: float,
    sleep: Callable[[float], None],
) -> Delivery:
    error, tried = "not tried", 0
    for attempt in range(1, attempts + 1):
        tried = attempt
        if attempt > 1:
            sleep(backoff * 2 ** (attempt - 2))
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": "fascia-notify",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
        }
        try:
            request = urllib.request.Request(url, body, headers, method="POST")
            with _OPENER.open(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return Delivery(url, attempt, None)
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as failure:
            error = f"HTTP {failure.code}"
            if 300 <= failure.code < 400:
                error += " (a redirect: not followed)"
        except OSError as failure:
            error = str(getattr(failure, "reason", failure))
        except (ValueError, http.client.HTTPException) as failure:
            # Named by its kind only: its text would hold the URL, and any token in it.
            error = f"{type(failure).__name__}: the URL cannot be used"
            break  # trying again cannot help
    return Delivery(url, tried, error)
