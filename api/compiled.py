"""Compiled responses: every content-only response rendered once, served as a lookup.

At start-up, ``compile_table`` asks the app itself for every content path, in every
representation and locale, and keeps the bytes and headers. ``CompiledResponses`` sits in front
of the routing and answers those requests (and their 304s) from the table, before FastAPI's
machinery runs; anything else goes through to the app. Because the table is filled by the app,
the two paths cannot drift; a test compares them byte for byte on every path.

Filtered collections are pure functions of their query too: the first answer to each is kept
(in a bounded table) and served the same way afterwards.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.caching import none_match
from api.inprocess import get_all
from api.middleware import split_suffix
from api.negotiation import choose_locale, choose_media_type
from api.presenter import Views
from api.render import MEDIA_TYPES, REPRESENTATIONS
from api.routes.common import LANGUAGE_MAX_LENGTH, LANGUAGE_PATTERN

Key = tuple[str, str, str, str]  # path, query without lang, media type, locale
ACCEPT_VARY = b"Accept, Accept-Language"
SUFFIX_VARY = b"Accept-Language"
MEMO_LIMIT = 2048  # filtered responses kept; the oldest go first
NEGOTIATION_LIMIT = 1024  # distinct header values remembered


@dataclass(frozen=True, slots=True)
class Compiled:
    """One response, ready to send: start messages for 200 and 304, and the body."""

    etag: str
    start: Message
    start_by_suffix: Message
    not_modified: Message
    not_modified_by_suffix: Message
    body: Message


@dataclass
class Table:
    """Compiled responses by key; filled once at start-up, then only the memo grows."""

    default_locale: str
    locales: tuple[str, ...]
    entries: dict[Key, Compiled] = field(default_factory=dict)
    memo: OrderedDict[Key, Compiled] = field(default_factory=OrderedDict)
    media_types: dict[bytes, str | None] = field(default_factory=dict)
    languages: dict[tuple[bytes, str], str] = field(default_factory=dict)
    memo_limit: int = MEMO_LIMIT

    def get(self, key: Key) -> Compiled | None:
        return self.entries.get(key) or self.memo.get(key)

    def remember(self, key: Key, compiled: Compiled) -> None:
        self.memo[key] = compiled
        if len(self.memo) > self.memo_limit:
            self.memo.popitem(last=False)

    def media_type(self, accept: bytes) -> str | None:
        if accept not in self.media_types:
            if len(self.media_types) >= NEGOTIATION_LIMIT:
                self.media_types.clear()
            self.media_types[accept] = choose_media_type(accept.decode("latin-1"), MEDIA_TYPES)
        return self.media_types[accept]

    def locale(self, accept_language: bytes, lang: str) -> str:
        key = (accept_language, lang)
        if key not in self.languages:
            if len(self.languages) >= NEGOTIATION_LIMIT:
                self.languages.clear()
            header = accept_language.decode("latin-1")
            chosen = choose_locale(header, lang or None, self.locales, self.default_locale)
            self.languages[key] = chosen
        return self.languages[key]


class CompiledResponses:
    """ASGI middleware: answer from the table when the request is in it, else pass it on."""

    def __init__(self, app: ASGIApp, table: Table) -> None:
        self.app = app
        self.table = table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = self._request(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        key, by_suffix, if_none_match = request
        compiled = self.table.get(key)
        if compiled is None:
            await self._through(scope, receive, send, key, by_suffix)
            return
        if if_none_match and none_match(if_none_match.decode("latin-1"), compiled.etag):
            await send(compiled.not_modified_by_suffix if by_suffix else compiled.not_modified)
            await send(EMPTY_BODY)
            return
        await send(compiled.start_by_suffix if by_suffix else compiled.start)
        await send(EMPTY_BODY if scope["method"] == "HEAD" else compiled.body)

    def _request(self, scope: Scope) -> tuple[Key, bool, bytes] | None:
        """The table key, whether a suffix chose the representation, and If-None-Match."""
        path, representation = split_suffix(scope["path"])
        if not path.startswith("/v1"):
            return None
        query = scope["query_string"]
        lang, rest = _split_lang(query.decode("latin-1")) if query else ("", "")
        if lang is None:
            return None
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _NEGOTIATED and name not in found:  # the first one counts, as in Starlette
                found[name] = value
        accept = found.get(b"accept", b"")
        accept_language = found.get(b"accept-language", b"")
        if_none_match = found.get(b"if-none-match", b"")
        media_type = representation.media_type if representation else self.table.media_type(accept)
        if media_type is None:
            return None  # the app answers 406
        locale = self.table.locale(accept_language, lang)
        return (path, rest, media_type, locale), representation is not None, if_none_match

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, key: Key, by_suffix: bool
    ) -> None:
        """Let the app answer; keep a 200 answer to a GET, so the next one is a lookup."""
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)
            await send(message)

        await self.app(scope, receive, capture if scope["method"] == "GET" else send)
        if len(messages) == 2 and messages[0]["status"] == 200 and key[1]:
            compiled = compile_messages(messages[0], messages[1], by_suffix)
            if compiled is not None:
                self.table.remember(key, compiled)


EMPTY_BODY: Message = {"type": "http.response.body", "body": b"", "more_body": False}
_NEGOTIATED = frozenset({b"accept", b"accept-language", b"if-none-match"})
_LANGUAGE = re.compile(LANGUAGE_PATTERN)


def _valid_language(value: str) -> bool:
    """The same rule as the app's ``lang`` parameter, so both answer alike."""
    return len(value) <= LANGUAGE_MAX_LENGTH and _LANGUAGE.match(value) is not None


def _split_lang(query: str) -> tuple[str | None, str]:
    """(lang or "", the rest of the query); lang None when the query is not plain enough."""
    pairs = parse_qsl(query, keep_blank_values=True)
    langs = [value for name, value in pairs if name == "lang"]
    if len(langs) > 1 or (langs and not _valid_language(langs[0])):
        return None, ""  # the app answers, with a 422 where the value is invalid
    rest = "&".join(part for part in query.split("&") if part and not part.startswith("lang="))
    return (langs[0] if langs else ""), rest


def compile_messages(start: Message, body: Message, by_suffix: bool) -> Compiled | None:
    """A Compiled entry from the messages the app sent for a 200."""
    if body.get("more_body"):
        return None
    headers = list(start["headers"])
    etag = next((v.decode() for k, v in headers if k == b"etag"), None)
    if etag is None:
        return None
    accept, suffix = _with_vary(headers, ACCEPT_VARY), _with_vary(headers, SUFFIX_VARY)
    if by_suffix:
        accept = suffix  # only ever served again to a suffix URL
    return Compiled(
        etag=etag,
        start={"type": "http.response.start", "status": 200, "headers": accept},
        start_by_suffix={"type": "http.response.start", "status": 200, "headers": suffix},
        not_modified=_not_modified(accept),
        not_modified_by_suffix=_not_modified(suffix),
        body={"type": "http.response.body", "body": body["body"], "more_body": False},
    )


def _with_vary(headers: list[tuple[bytes, bytes]], vary: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, vary if k == b"vary" else v) for k, v in headers]


def _not_modified(headers: list[tuple[bytes, bytes]]) -> Message:
    """The 304 of a 200: the same headers less those about a body (as SecurityHeaders does)."""
    dropped = (b"content-type", b"content-length", b"content-security-policy")
    kept = [(k, v) for k, v in headers if k not in dropped]
    return {"type": "http.response.start", "status": 304, "headers": kept}


def content_paths(views: Views) -> Iterator[tuple[str, str]]:
    """(path, query) of every response that depends on the content alone."""
    yield "/v1", ""
    yield "/v1/locales", ""
    yield "/v1/export", ""
    for name, items in views.by_collection().items():
        yield f"/v1/{name}", ""
        for item_id in items:
            yield f"/v1/{name}/{item_id}", ""
    for self_test in views.self_tests.values():
        base = f"/v1/self-tests/{self_test.id}"
        yield f"{base}/steps", ""
        for variant in self_test.variants:
            query = f"variant={variant.id}"
            yield base, query
            yield f"{base}/steps", query
            for step in variant.steps:
                yield f"{base}/steps/{step.number}", query
                if variant.id == self_test.default_variant:
                    yield f"{base}/steps/{step.number}", ""


def compile_table(app: ASGIApp, table: Table, views: Views) -> None:
    """Fill ``table`` by asking ``app`` for every content path, representation and locale."""
    keys = [
        (path, query, representation.media_type, locale)
        for path, query in content_paths(views)
        for representation in REPRESENTATIONS
        for locale in table.locales
    ]
    requests = [
        (path, f"{query}&lang={locale}" if query else f"lang={locale}", media_type)
        for path, query, media_type, locale in keys
    ]
    for key, (start, body) in zip(keys, get_all(app, requests), strict=True):
        if start["status"] != 200:
            raise RuntimeError(f"compiling {key} answered {start['status']}")
        compiled = compile_messages(start, body, by_suffix=False)
        assert compiled is not None, key
        table.entries[key] = compiled
