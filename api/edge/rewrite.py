"""ASGI middleware that rewrites requests before routing: HEAD as GET, URL suffixes as Accept,
a trailing slash redirected away."""

from __future__ import annotations

from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.negotiation import target_of


class HeadAsGet:
    """Answer HEAD exactly like GET, headers only, on every route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class RepresentationSuffix:
    """Route a request by its ``Target`` path: ``/v1/muscles/gluteus-maximus.md`` goes to
    ``/v1/muscles/gluteus-maximus``, the suffix's representation kept in the scope's target
    (``api.http.negotiation.target_of``), where it takes precedence over Accept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = target_of(scope).path
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


class TrailingSlash:
    """``/v1/muscles/`` is redirected (307) to ``/v1/muscles``, query kept, by a relative
    Location: never by the Host the request names, which anyone can set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or len(path) < 2 or not path.endswith("/"):
            await self.app(scope, receive, send)
            return
        location = "/" + path.strip("/")
        if scope.get("query_string"):
            location += "?" + scope["query_string"].decode("latin-1")
        headers = [
            (b"location", quote(location, safe="/?&=%:@!$'()*+,;~").encode("latin-1")),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 307, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
