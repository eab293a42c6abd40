"""ASGI middleware that rewrites requests before routing: HEAD as GET, URL suffixes as Accept."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bundle.urls import PREFIX
from api.http.errors import REQUESTED_PATH_KEY
from api.http.negotiation import SUFFIX_SCOPE_KEY, UNKNOWN_SUFFIX_KEY
from api.render import REPRESENTATIONS, Representation

_UNKNOWN_SUFFIX = re.compile(r"(?<=[a-z0-9])\.[A-Za-z0-9]{1,16}$")
FILE_SUFFIXES = (".js",)  # files served as they are (the web component), not representations


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
    """``/v1/muscles/gluteus-maximus.md`` is ``/v1/muscles/gluteus-maximus`` as Markdown.

    The suffix is removed before routing and the chosen representation is put in the scope,
    where it takes precedence over the Accept header. Ids never hold a dot, so any other suffix
    (``.xml``) is a representation we do not have: it is removed too and noted, for a 406. The
    path as requested is kept for problems' ``instance``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            stem, representation = split_suffix(path)
            if representation is not None:
                scope = {**scope, "path": stem, "raw_path": stem.encode()}
                scope[SUFFIX_SCOPE_KEY] = representation
                scope[REQUESTED_PATH_KEY] = path
            elif (
                path.startswith(PREFIX)
                and not path.endswith(FILE_SUFFIXES)
                and (unknown := _UNKNOWN_SUFFIX.search(path))
            ):
                stem = path[: unknown.start()]
                scope = {**scope, "path": stem, "raw_path": stem.encode()}
                scope[UNKNOWN_SUFFIX_KEY] = unknown.group()
                scope[REQUESTED_PATH_KEY] = path
        await self.app(scope, receive, send)


def split_suffix(path: str) -> tuple[str, Representation | None]:
    """``/v1/x.md`` -> (``/v1/x``, Markdown); paths without a known suffix are unchanged."""
    if path.startswith(PREFIX):
        for representation in REPRESENTATIONS:
            stem = path.removesuffix(representation.suffix)
            if stem != path and not stem.endswith("/"):
                return stem, representation
    return path, None
