"""``create_app(settings)``: the only place where Fascia is wired together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from api.access import KeyCheck, Quota
from api.caching import cache_control
from api.catalog import Catalog
from api.compiled import CompiledResponses, Table, compile_table
from api.errors import install_error_handlers
from api.gateway import Gateway, Policy, RouteTemplates
from api.library import Library, load_library
from api.logs import AccessLog
from api.metrics import Metrics
from api.middleware import HeadAsGet, RepresentationSuffix
from api.openapi import build_openapi
from api.presenter import href, links, present
from api.render import RenderContext
from api.routes import ROUTERS
from api.routes.common import Locale
from api.search import build_index
from api.security import SecurityHeaders
from api.settings import Settings
from api.views import LocaleView

DESCRIPTION = """\
Fascia publishes expert bodywork guides as structured, read-only data: muscles, the actions
they perform, anatomical landmarks, step-by-step self-tests, techniques and safety warnings.

* Every resource has a stable id and a `links.self` path; references carry ids, names and links.
* `GET /v1/self-tests/{id}` returns a whole self-test, with every step's warnings, landmarks
  and techniques, in one request.
* Every resource is available as JSON (default), schema.org JSON-LD, Markdown and HTML, chosen
  by `Accept` or by a `.json`, `.jsonld`, `.md` or `.html` suffix on the URL.
* English and Spanish, chosen by `Accept-Language` or `?lang=`; `Content-Language` says which.
* Errors are `application/problem+json` (RFC 9457). Only GET and HEAD are supported.
"""
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


class Fascia(FastAPI):
    """FastAPI behind an edge layer, with its OpenAPI document computed once, on first use.

    Requests enter at ``edge`` (the gateway, then compiled responses); only what the table
    cannot answer reaches FastAPI's own middleware, routing and handlers (``core``).
    """

    openapi_document: dict[str, Any] | None = None
    edge: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.edge is None:
            await super().__call__(scope, receive, send)
        else:
            await self.edge(scope, receive, send)

    async def core(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_document is None:
            self.openapi_document = build_openapi(self)
        return self.openapi_document


def create_app(settings: Settings | None = None) -> Fascia:
    """Load and validate the content, then build the app; a ContentError stops here."""
    settings = settings or Settings()
    library = load_library(settings.content_dir)
    app = Fascia(
        title="Fascia",
        version="1.0.0",
        summary="Expert bodywork guides as structured data.",
        description=DESCRIPTION,
        docs_url=None,  # the interactive page loads script from a CDN; /openapi.json is enough
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.library = library
    app.state.default_locale = library.default_locale
    control = cache_control(settings.cache_max_age, settings.cache_stale_while_revalidate)
    app.state.locales = {
        locale: _locale(catalog, control) for locale, catalog in library.catalogs.items()
    }
    app.state.locale_views = _locale_views(library)
    app.state.search_indexes = {
        locale: build_index(served.views) for locale, served in app.state.locales.items()
    }
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RepresentationSuffix)
    # The edge: Gateway > CompiledResponses > SecurityHeaders > FastAPI (suffixes > HEAD > routes).
    # SecurityHeaders sits outside FastAPI so that even its own 500s carry the headers.
    table = Table(library.default_locale, tuple(library.catalogs))
    inner: ASGIApp = SecurityHeaders(app.core, any_origin="*" in settings.cors_origins)
    if settings.compiled_responses:
        inner = CompiledResponses(inner, table)
    app.state.metrics = _metrics(library)
    policy = _policy(settings)
    app.state.access_log = policy.access_log
    app.edge = Gateway(inner, policy, app.state.metrics, RouteTemplates(ROUTERS))
    if settings.compiled_responses:
        compile_table(app, table, app.state.locales[library.default_locale].views)
        table.memo.clear()  # compiling went through the app, which remembers filtered answers
    app.state.compiled = table
    return app


def _policy(settings: Settings) -> Policy:
    keys = None
    if settings.api_key_digests:
        digests = tuple(d.encode() for d in settings.api_key_digests)
        keys = KeyCheck(digests, settings.api_key_header.lower().encode())
    quota = Quota(settings.rate_limit, settings.rate_limit_storage) if settings.rate_limit else None
    any_origin = "*" in settings.cors_origins
    origins = None if any_origin else frozenset(o.encode() for o in settings.cors_origins)
    return Policy(keys, quota, origins, AccessLog() if settings.access_log else None)


def _metrics(library: Library) -> Metrics:
    english = library.catalogs[library.default_locale]
    return Metrics(english.version, tuple(library.catalogs), content_items(english))


def content_items(catalog: Catalog) -> int:
    """How many items the catalog holds, all kinds together."""
    kinds: tuple[Mapping[str, object], ...] = (
        catalog.guides,
        catalog.muscles,
        catalog.actions,
        catalog.landmarks,
        catalog.conditions,
        catalog.techniques,
        catalog.self_tests,
        catalog.warnings,
        catalog.sources,
    )
    return sum(len(kind) for kind in kinds)


def _locale(catalog: Catalog, control: str) -> Locale:
    views = present(catalog)
    disclaimer = next(w for w in views.warnings.values() if w.kind == "disclaimer")
    return Locale(views, RenderContext(catalog.locale, disclaimer, views.sources), control)


def _locale_views(library: Library) -> tuple[LocaleView, ...]:
    return tuple(
        LocaleView(
            locale=locale,
            name=LANGUAGE_NAMES.get(locale, locale),
            default=locale == library.default_locale,
            complete=not catalog.untranslated,
            translated_fields=library.translated_fields(locale),
            total_fields=library.translatable_fields,
            untranslated_items=tuple(href(kind, item) for kind, item in catalog.untranslated),
            links=links(f"{href('locales')}?lang={locale}"),
        )
        for locale, catalog in library.catalogs.items()
    )
