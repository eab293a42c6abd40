"""The outermost layer: what every request goes through, compiled or not.

In order: a request id; CORS headers (``api.edge.cors``); limits on URL, query and header sizes;
methods (OPTIONS answers CORS preflights, anything but GET/HEAD/OPTIONS is 405); ``/metrics``;
API keys and quotas when configured; then the app. Afterwards the request is counted, timed
and logged as one JSON line. Everything it refuses is ``application/problem+json``, like the
app's own errors.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import itertools
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bundle.urls import INFOBUTTON_PATH, MCP_PATH, PREFIX
from api.edge.cors import Cors
from api.edge.keys import KeyCheck
from api.edge.logs import EVENTS, AccessLog
from api.edge.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from api.edge.metrics import Metrics
from api.edge.quota import Quota, StoreDown
from api.http.errors import ALLOWED_METHODS, PROBLEM_MEDIA_TYPE, problem_body
from api.http.inprocess import INTERNAL
from api.http.limits import (
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_QUERY_PARAMETERS,
    MAX_URL,
    TOO_MANY_HEADERS,
    TOO_MANY_PARAMETERS,
    URL_TOO_LONG,
    repeated_parameter,
)
from api.http.negotiation import target_of

EMBED_PATHS = (f"{PREFIX}/embed", "/embed/", "/oembed")  # the script, the pages, oEmbed
MCP_METHODS = "POST, OPTIONS"
CLINICAL_PATHS = (INFOBUTTON_PATH, MCP_PATH)  # HL7 Infobutton and the MCP server: like /v1
_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class Policy:
    """What the gateway enforces, from the settings."""

    keys: KeyCheck | None
    quota: Quota | None
    cors: Cors
    access_log: AccessLog | None
    public_embeds: bool = False  # with keys on, the embed pages, script and oEmbed stay open
    metrics_token: bytes | None = None  # SHA-256 hex digest of the bearer token for /metrics
    # Keys off and no quota set: the default quota per public address (not loopback or private).
    anonymous: Quota | None = None

    def guards(self, path: str) -> bool:
        """Whether keys and quotas apply to ``path``: the API, and what embeds it unless made
        public on purpose."""
        if path.startswith(EMBED_PATHS):
            return not self.public_embeds
        return path.startswith(PREFIX) or path in CLINICAL_PATHS


@functools.lru_cache(maxsize=4096)
def counted_anonymously(address: str) -> bool:
    """Whether the default anonymous quota counts ``address``: a public one. Loopback and
    private addresses are a proxy, a load balancer or a neighbour, whose clients cannot be told
    apart (``FASCIA_TRUSTED_PROXIES`` makes the gateway see each client's own address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified)


class Refusal(Exception):
    def __init__(self, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()):
        super().__init__(detail)
        self.status = status
        self.headers = list(headers)


class RouteTemplates:
    """The route template a path belongs to (``/v1/muscles/{muscle_id}``), for metrics."""

    def __init__(self, routers: Iterable[APIRouter]) -> None:
        routes = [route for router in routers for route in router.routes]
        self.routes = [(r.path_regex, r.path) for r in routes if isinstance(r, APIRoute)]
        self.routes.append((re.compile("^/metrics$"), "/metrics"))
        self.routes.append((re.compile(f"^{MCP_PATH}$"), MCP_PATH))
        self.known: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        """The route template of a request's ``Target`` path (no representation suffix)."""
        template = self.known.get(path)
        if template is None:
            template = next((t for regex, t in self.routes if regex.match(path)), "unmatched")
            if len(self.known) > 4096:
                self.known.clear()
            self.known[path] = template
        return template


class Gateway:
    def __init__(
        self, app: ASGIApp, policy: Policy, metrics: Metrics, templates: RouteTemplates
    ) -> None:
        self.app = app
        self.policy = policy
        self.metrics = metrics
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or INTERNAL in scope:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id, origin, header_bytes = _scan(scope["headers"])
        observed = _Observed(send, request_id)
        observed.extra = self.policy.cors.headers(origin)
        try:
            await self._handle(scope, receive, observed, header_bytes)
        except Refusal as refusal:
            await _refuse(scope, observed, refusal)
        except Exception:
            EVENTS.exception("unhandled error", extra={"fields": {"path": scope["path"]}})
            if not observed.status:
                failure = Refusal(500, "Something went wrong on our side; it has been logged.")
                await _refuse(scope, observed, failure)
        self._observe(scope, observed, time.perf_counter() - started)

    async def _handle(self, scope: Scope, receive: Receive, send: _Observed, size: int) -> None:
        _check_limits(scope, size)
        method = scope["method"]
        if method == "OPTIONS":
            await self._options(scope, send)
            return
        path = scope["path"]
        if path == MCP_PATH:
            if method != "POST":
                detail = f"{method} is not supported here: the MCP endpoint takes POST "
                detail += "(streamable HTTP, JSON answers)."
                raise Refusal(405, detail, [(b"allow", MCP_METHODS.encode())])
        elif method not in ("GET", "HEAD"):
            detail = f"{method} is not supported: this API is read-only ({ALLOWED_METHODS})."
            raise Refusal(405, detail, [(b"allow", ALLOWED_METHODS.encode())])
        if path == "/metrics":
            await self._admit_scraper(scope)
            body = self.metrics.exposition()
            send.extra = []  # for the scraper, not for browsers
            await _respond(send, 200, METRICS_CONTENT_TYPE.encode(), body, ())
            return
        if (self.policy.keys or self.policy.quota) and self.policy.guards(path):
            send.extra = send.extra + await self._admit(scope)
        elif self.policy.anonymous is not None and self.policy.guards(path):
            address = scope["client"][0] if scope.get("client") else None
            if address is not None and counted_anonymously(address):
                send.extra = send.extra + await self._count(self.policy.anonymous, address)
        await self.app(scope, receive, send)

    async def _admit_scraper(self, scope: Scope) -> None:
        """/metrics: the bearer token when one is set, else an API key when keys are on."""
        token = self.policy.metrics_token
        if token is None:
            if self.policy.keys is not None:
                await self._admit(scope, count=False)
            return
        presented = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        scheme, _, credentials = presented.partition(b" ")
        candidate = hashlib.sha256(credentials.strip()).hexdigest().encode()
        if scheme.lower() != b"bearer" or not hmac.compare_digest(candidate, token):
            detail = "The metrics need the bearer token (Authorization: Bearer <token>)."
            raise Refusal(401, detail, [(b"www-authenticate", b'Bearer realm="metrics"')])

    async def _admit(self, scope: Scope, count: bool = True) -> list[tuple[bytes, bytes]]:
        """Check the API key and the quota; the quota headers to add to the response."""
        identity = scope["client"][0] if scope.get("client") else "unknown"
        keys = self.policy.keys
        if keys is not None:
            presented = next((v for k, v in scope["headers"] if k == keys.header), b"")
            digest = keys.identify(presented)
            if digest is None:
                name = keys.header.decode()
                challenge = f'ApiKey header="{name}"'.encode()
                detail = f"A valid API key is required in the {name} header."
                raise Refusal(401, detail, [(b"www-authenticate", challenge)])
            identity = digest
        if self.policy.quota is None or not count:
            return []
        return await self._count(self.policy.quota, identity)

    @staticmethod
    async def _count(quota: Quota, identity: str) -> list[tuple[bytes, bytes]]:
        """Count a request of ``identity``: the quota headers, or a 429 (503: store down)."""
        try:
            verdict = await quota.check(identity)
        except StoreDown as down:
            retry = [(b"retry-after", str(down.retry_after).encode())]
            raise Refusal(503, str(down), retry) from None
        if not verdict.allowed:
            retry = [(b"retry-after", str(verdict.retry_after).encode())]
            detail = f"Too many requests; try again in {verdict.retry_after} s."
            raise Refusal(429, detail, verdict.headers + retry)
        return verdict.headers

    async def _options(self, scope: Scope, send: Send) -> None:
        allowed = MCP_METHODS if scope["path"] == MCP_PATH else ALLOWED_METHODS
        extra = [(b"allow", allowed.encode())]
        if any(name == b"access-control-request-method" for name, _ in scope["headers"]):
            extra += self.policy.cors.preflight()
        await _respond(send, 204, b"", b"", extra)

    def _observe(self, scope: Scope, outcome: _Observed, seconds: float) -> None:
        route = self.templates(target_of(scope).path)
        self.metrics.observe(route, outcome.status, outcome.content_type, seconds)
        if self.policy.access_log is not None:
            client = scope.get("client")
            self.policy.access_log.request(
                outcome.request_id.decode(),
                scope["method"],
                scope["path"],
                scope["query_string"].decode("latin-1"),
                route,
                outcome.status,
                outcome.size,
                seconds,
                client[0] if client else None,
            )


class _Observed:
    """The ``send`` the app gets: adds the request id and extra headers, notes what was sent."""

    __slots__ = ("content_type", "extra", "request_id", "send", "size", "status")

    def __init__(self, send: Send, request_id: bytes) -> None:
        self.send = send
        self.request_id = request_id
        self.extra: list[tuple[bytes, bytes]] = []
        self.status = 0
        self.content_type = b""
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            for name, value in headers:
                if name == b"content-type":
                    self.content_type = value
                    break
            self.status = message["status"]
            headers = [*headers, (b"x-request-id", self.request_id), *self.extra]
            message = {"type": "http.response.start", "status": self.status, "headers": headers}
        else:
            self.size += len(message.get("body", b""))
        await self.send(message)


_REQUEST_IDS = itertools.count(1)
_PROCESS = secrets.token_hex(4)


def _scan(headers: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes | None, int]:
    """The request id (the client's when sane, else a new one), Origin, and header bytes."""
    request_id = origin = None
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
        if name == b"x-request-id":
            request_id = value
        elif name == b"origin":
            origin = value
    if request_id is None or not _REQUEST_ID.match(request_id):
        request_id = b"%s-%x" % (_PROCESS.encode(), next(_REQUEST_IDS))
    return request_id, origin, size


def _check_limits(scope: Scope, header_bytes: int) -> None:
    if len(scope.get("raw_path", b"")) + len(scope["query_string"]) > MAX_URL:
        raise Refusal(414, URL_TOO_LONG)
    if len(scope["headers"]) > MAX_HEADERS or header_bytes > MAX_HEADER_BYTES:
        raise Refusal(431, TOO_MANY_HEADERS)
    query = scope["query_string"]
    if query:
        names = [
            unquote_to_bytes(p.split(b"=", 1)[0].replace(b"+", b" "))
            for p in query.split(b"&")
            if p
        ]
        if len(names) > MAX_QUERY_PARAMETERS:
            raise Refusal(400, TOO_MANY_PARAMETERS)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            name = repeated[0].decode("latin-1")
            raise Refusal(400, repeated_parameter(name))


def _name(parameter: bytes) -> bytes:
    return unquote_to_bytes(parameter.split(b"=", 1)[0].replace(b"+", b" "))


async def _refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    body = problem_body(refusal.status, str(refusal), scope["path"])
    media = PROBLEM_MEDIA_TYPE.encode()
    await _respond(send, refusal.status, media, body, refusal.headers)


async def _respond(
    send: Send,
    status: int,
    content_type: bytes,
    body: bytes,
    extra: Iterable[tuple[bytes, bytes]],
) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type))
    headers += extra  # the security headers are added by the outermost layer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
