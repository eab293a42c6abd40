"""The response cache: responses rendered on first use, kept in a bounded LRU, served as lookups.

``ResponseCache`` sits in front of the routing. A GET that the app answered with a 200 and an ETag
is kept (start messages for 200 and 304, and the body), keyed by what changes the answer (``Key``
below: path, query less ``lang`` and ``region``, media type, locale, the country of the care
advice, whether a suffix chose the representation, and the base URL); the next request for the same
key, and its 304, is answered from memory before FastAPI's machinery runs. Content changes only
with a new bundle, so entries never go stale; the cache is bounded in bytes
(``FASCIA_RESPONSE_CACHE_MB``) and drops the least recently used first. Because every entry is the
app's own answer, the two paths cannot drift; a test compares them byte for byte on every content
path. The ``/embed`` pages for iframes are kept the same way.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bundle.resources import SelfTestView
from api.bundle.store import Store
from api.bundle.urls import PREFIX, href
from api.content.kinds import COLLECTIONS
from api.http.codings import (
    IDENTITY,
    choose_coding,
    coded_etag,
    compress,
    worth_compressing,
)
from api.http.etags import BODY_HEADERS, none_match
from api.http.negotiation import (
    NEGOTIATION_LIMIT,
    Negotiator,
    accepted_media_type,
    split_negotiated,
    target_of,
)
from api.http.urls import canonical_query
from api.render.embedpage import EMBED_PATH_PREFIX
from api.render.html import MEDIA_TYPE as EMBED_MEDIA_TYPE

# Path, query less lang and region, media type, locale, the country whose care advice was served
# ("" for the default region), and whether a URL suffix chose the representation (its answer
# says Vary and links to its next page differently), the base URL handouts link with, and the
# content coding of the body (``identity``, or the coding it was compressed with).
Key = tuple[str, str, str, str, str, bool, str, str]
ENTRY_OVERHEAD = 1024  # bytes an entry costs beyond its body and headers (objects, dict slot)


@dataclass(frozen=True, slots=True)
class Cached:
    """One response, ready to send: start messages for 200 and 304, and the body."""

    etag: str
    start: Message
    not_modified: Message
    body: Message
    size: int


@dataclass
class Responses:
    """Cached responses by key, least recently used first, at most ``capacity`` bytes."""

    capacity: int
    entries: OrderedDict[Key, Cached] = field(default_factory=OrderedDict)
    size: int = 0
    codings: dict[bytes, str] = field(default_factory=dict)

    def get(self, key: Key) -> Cached | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def remember(self, key: Key, cached: Cached) -> None:
        if cached.size > self.capacity:
            return
        previous = self.entries.pop(key, None)
        if previous is not None:
            self.size -= previous.size
        self.entries[key] = cached
        self.size += cached.size
        while self.size > self.capacity:
            _, dropped = self.entries.popitem(last=False)
            self.size -= dropped.size

    def coding(self, accept_encoding: bytes) -> str:
        if accept_encoding not in self.codings:
            if len(self.codings) >= NEGOTIATION_LIMIT:
                self.codings.clear()
            self.codings[accept_encoding] = choose_coding(accept_encoding.decode("latin-1"))
        return self.codings[accept_encoding]


class ResponseCache:
    """ASGI middleware: answer from the cache when the request is in it, else ask the app."""

    def __init__(self, app: ASGIApp, responses: Responses, negotiator: Negotiator) -> None:
        self.app = app
        self.responses = responses
        self.negotiator = negotiator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = self._request(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        key, if_none_match, coding = request
        cached = await self._lookup(key, coding)
        if cached is None:
            cached = await self._through(scope, receive, send, key, coding)
            if cached is None:
                return  # the app's answer, not kept, was sent as it came
        if if_none_match and none_match(if_none_match.decode("latin-1"), cached.etag):
            await send(cached.not_modified)
            await send(EMPTY_BODY)
            return
        await send(cached.start)
        await send(EMPTY_BODY if scope["method"] == "HEAD" else cached.body)

    async def _lookup(self, key: Key, coding: str) -> Cached | None:
        """The entry for ``key`` in ``coding``, compressed from the identity one if need be."""
        coded = self.responses.get((*key[:-1], coding))
        if coded is not None or coding == IDENTITY:
            return coded
        plain = self.responses.get(key)
        return None if plain is None else await self._compressed(key, plain, coding)

    async def _compressed(self, key: Key, plain: Cached, coding: str) -> Cached:
        """``plain`` in ``coding``, kept; ``plain`` itself (kept under the coded key too) when
        compressing gains nothing. A large body is compressed in a thread (milliseconds of
        CPU), so that the event loop keeps answering meanwhile."""
        body: bytes = plain.body["body"]
        coded = plain
        if worth_compressing(body, _media_type(plain.start)):
            if len(body) >= COMPRESS_IN_THREAD:
                compressed = await asyncio.to_thread(compress, body, coding)
            else:
                compressed = compress(body, coding)
            if len(compressed) < len(body):
                coded = coded_entry(plain, compressed, coding)
        self.responses.remember((*key[:-1], coding), coded)
        return coded

    def _request(self, scope: Scope) -> tuple[Key, bytes, str] | None:
        """The cache key (identity coding), If-None-Match, and the coding to answer in."""
        target = target_of(scope)
        path, representation = target.path, target.representation
        if target.unknown_suffix is not None or not path.startswith(CACHED_PREFIXES):
            return None
        query = scope["query_string"]
        negotiated = split_negotiated(query.decode("latin-1")) if query else ("", "", "")
        if negotiated is None:
            return None
        lang, region, rest = negotiated
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _NEGOTIATED and name not in found:  # the first one counts, as in Starlette
                found[name] = value
        if_none_match = found.get(b"if-none-match", b"")
        if path.startswith(EMBED_PATH_PREFIX):
            media_type: str | None = EMBED_MEDIA_TYPE  # a page, whatever Accept says
        elif representation is not None:
            media_type = representation.media_type
        else:
            media_type = accepted_media_type(scope)
        if media_type is None:
            return None  # the app answers 406
        if media_type == EMBED_MEDIA_TYPE:  # a page for people: tracking parameters ignored
            rest = canonical_query(rest, tracking=True)
        coding = self.responses.coding(found.get(b"accept-encoding", b""))
        audience = self.negotiator.audience(scope, lang or None, region or None)
        by_suffix = representation is not None
        key = (
            path,
            rest,
            media_type,
            audience.locale,
            audience.country,
            by_suffix,
            audience.base,
            IDENTITY,
        )
        return key, if_none_match, coding

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, key: Key, coding: str
    ) -> Cached | None:
        """Let the app answer a GET (a HEAD too: its GET is kept, so repeating it renders
        nothing). A 200 is kept and returned, to be answered in ``coding``; anything else is
        sent as the app sent it (headers only for a HEAD), and None returned."""
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        head = scope["method"] == "HEAD"
        await self.app(dict(scope, method="GET") if head else scope, receive, capture)
        if (
            len(messages) == 2
            and messages[0]["status"] == 200
            # The app may choose another representation (no picture of this item): another
            # Accept with the same key's first choice may get a 406, so keep nothing.
            and _media_type(messages[0]) == key[2]
        ):
            cached = cache_entry(messages[0], messages[1])
            if cached is not None:
                self.responses.remember(key, cached)
                if coding == IDENTITY:
                    return cached
                return await self._compressed(key, cached, coding)
        for message in messages:
            if head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    continue
                message = EMPTY_BODY  # noqa: PLW2901 - the headers of the GET, not its body
            await send(message)
        return None


# Bodies at least this large are compressed off the event loop (measured: brotli at quality 5
# and gzip at level 6 take 0.7 and 1 ms per 50 KB of JSON).
COMPRESS_IN_THREAD = 64 * 1024
CACHED_PREFIXES = (PREFIX, EMBED_PATH_PREFIX)  # content, and the pages for iframes


def _media_type(start: Message) -> str:
    for name, value in start["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1").partition(";")[0])
    return ""


EMPTY_BODY: Message = {"type": "http.response.body", "body": b"", "more_body": False}
_NEGOTIATED = frozenset({b"accept-encoding", b"if-none-match"})


def cache_entry(start: Message, body: Message) -> Cached | None:
    """A cache entry from the messages the app sent for a 200 (None: not cacheable)."""
    if body.get("more_body"):
        return None
    # Tuples, not lists: once the garbage collector has seen that an entry holds nothing but
    # bytes, it stops tracking it, so a full cache costs no collection time.
    headers = tuple((bytes(k), bytes(v)) for k, v in start["headers"])
    etag = next((v.decode() for k, v in headers if k == b"etag"), None)
    if etag is None:
        return None
    size = len(body["body"]) + sum(len(k) + len(v) for k, v in headers) * 2 + ENTRY_OVERHEAD
    return Cached(
        etag=etag,
        start={"type": "http.response.start", "status": 200, "headers": headers},
        not_modified=_not_modified(headers),
        body={"type": "http.response.body", "body": body["body"], "more_body": False},
        size=size,
    )


def coded_entry(plain: Cached, body: bytes, coding: str) -> Cached:
    """``plain``'s answer with ``body``, its bytes in ``coding``."""
    etag = coded_etag(plain.etag, coding)
    replaced = {b"content-length": str(len(body)).encode(), b"etag": etag.encode()}
    headers = tuple((k, replaced.get(k, v)) for k, v in plain.start["headers"])
    headers += ((b"content-encoding", coding.encode()),)
    size = len(body) + sum(len(k) + len(v) for k, v in headers) * 2 + ENTRY_OVERHEAD
    return Cached(
        etag=etag,
        start={"type": "http.response.start", "status": 200, "headers": headers},
        not_modified=_not_modified(headers),
        body={"type": "http.response.body", "body": body, "more_body": False},
        size=size,
    )


def _not_modified(headers: tuple[tuple[bytes, bytes], ...]) -> Message:
    """The 304 of a 200: the same headers less those about a body."""
    kept = tuple((k, v) for k, v in headers if k.decode("latin-1") not in BODY_HEADERS)
    return {"type": "http.response.start", "status": 304, "headers": kept}


def content_paths(store: Store) -> Iterator[tuple[str, str]]:
    """(path, query) of every response that depends on the content alone, in the default
    locale's order: what the static export writes and the tests compare."""
    yield PREFIX, ""
    yield href("locales"), ""
    yield href("export"), ""
    yield href("manifest"), ""  # the first page: a CMS's full sync starts there
    locale = store.meta.default_locale
    for name in COLLECTIONS:
        yield href(name), ""
        for item_id in store.ids(locale, name):
            yield href(name, item_id), ""
    for self_test in store.every(locale, "self-tests", SelfTestView):
        base = href("self-tests", self_test.id)
        yield f"{base}/steps", ""
        yield f"{base}/steps-safety-once", ""
        for variant in self_test.variants:
            query = f"variant={variant.id}"
            yield base, query
            yield f"{base}/steps", query
            yield f"{base}/steps-safety-once", query
            for step in variant.steps:
                yield f"{base}/steps/{step.number}", query
                if variant.id == self_test.default_variant:
                    yield f"{base}/steps/{step.number}", ""
