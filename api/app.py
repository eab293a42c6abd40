"""``create_app(settings)``: the only place where Fascia is wired together."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import install_error_handlers
from api.loader import load_catalog
from api.openapi import build_openapi
from api.presenter import present
from api.routes import ROUTERS
from api.settings import Settings

DESCRIPTION = """\
Fascia publishes expert bodywork guides as structured, read-only data: muscles, the actions
they perform, anatomical landmarks, step-by-step self-tests, techniques and safety warnings.

* Every resource has a stable id and a `links.self` path; references carry ids, names and links.
* `GET /v1/self-tests/{id}` returns a whole self-test, with every step's warnings, landmarks
  and techniques, in one request.
* Errors are `application/problem+json` (RFC 9457). Only GET and HEAD are supported.
"""


class Fascia(FastAPI):
    """FastAPI with an OpenAPI document computed once, at start-up, by ``api.openapi``."""

    openapi_document: dict[str, Any]

    def openapi(self) -> dict[str, Any]:
        return self.openapi_document


def create_app(settings: Settings | None = None) -> Fascia:
    """Load and validate the content, then build the app; a ContentError stops here."""
    settings = settings or Settings()
    catalog = load_catalog(settings.content_dir)
    app = Fascia(
        title="Fascia",
        version="1.0.0",
        summary="Expert bodywork guides as structured data.",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.views = present(catalog)
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(HeadAsGet)
    app.openapi_document = build_openapi(app)
    return app


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
