"""``create_app(settings)``: the only place where Fascia is wired together."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api import __version__
from api.bundle.care import advice_by_region
from api.bundle.labels import labels_for
from api.bundle.lookup import Lookup
from api.bundle.resources import GuideView, RegionView, WarningView
from api.bundle.store import Store
from api.bundle.urls import MCP_PATH
from api.content.languages import listed as listed_languages
from api.edge.cors import Cors
from api.edge.fairness import ExpensiveMisses, Fairness
from api.edge.gateway import Gateway, Policy, RouteTemplates
from api.edge.keys import KeyCheck
from api.edge.logs import EVENTS, AccessLog
from api.edge.metrics import Metrics
from api.edge.quota import Quota
from api.edge.response_cache import ResponseCache, Responses
from api.edge.rewrite import HeadAsGet, RepresentationSuffix, TrailingSlash
from api.edge.security import SecurityHeaders
from api.http.errors import PROBLEM_MEDIA_TYPE, install_error_handlers, problem_body
from api.http.etags import cache_control
from api.http.negotiation import Negotiator
from api.http.urls import CURSOR, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PAGE_SIZE
from api.openapi import build_openapi
from api.render import ALTERNATES, REPRESENTATIONS, RenderContext, Representation, fhir, svg
from api.render.pool import shared_pool
from api.routes import ROUTERS
from api.routes.common import Locale
from api.routes.docs import Docs
from api.routes.docs import router as docs_router
from api.settings import Settings

if TYPE_CHECKING:
    from mcp.server import MCPServer

MCP_START_SECONDS = 30  # how long a request to /mcp waits for the endpoint to start

DESCRIPTION_TEMPLATE = """\
Fascia publishes expert bodywork guides as structured, read-only data: muscles, the actions
they perform, anatomical landmarks, step-by-step self-tests, techniques and safety warnings.

* Every resource has a stable id and a `links.self` path; references carry ids, names and links.
* `GET /v1/self-tests/{{id}}` returns a whole self-test, with its screening questions and every
  step's warnings, landmarks and techniques, in one request.
* **What an app must show with any step.** Every step (from `/steps`, `/steps/{{number}}` or a
  self-test's `variants[].steps`) carries a required `safety` object: the self-test's
  `red_flags` and its `disclaimer`. Before the first step it shows, an app shows the red flags
  (or asks the self-test's `screening` questions: any yes means do not do the check, and show
  that flag's `action` and `care.advice`) and the disclaimer; with each step, the step's own
  `warnings`, `stop` first. `/steps-safety-once` gives the same steps with that safety stated
  once per page, in its `safety`, and each step's `safety_ref` pointing to it.
* Red flags' emergency and urgent-care advice (`care`) is for the reader's region: `?region=US`
  or the region of `Accept-Language` (`en-US`); otherwise it names no number.
  `Content-Language` says what was served (`en-US`).
* Every collection, search and the export are paged: `{page_size}` (default {default_page_size},
  at most {max_page_size:,}) and `{cursor}`, with `links.next` and a `Link: <...>; rel="next"`
  header while more follow.
* Every resource is available as JSON (default), {everywhere}, and what a diagram
  shows also as a picture ({pictures}), chosen by `Accept` or by a {suffixes} suffix on
  the URL; a self-test's screening also {questionnaire}. Each operation here describes JSON; the
  others are listed again on their suffix paths (tags {tags}), so a generated client gets one
  type per call.
* Clinical systems find content by diagnosis code: `/v1/lookup` (FHIR system URIs: SNOMED CT,
  ICD-10, ICD-10-CM, ICD-11) and HL7 Infobutton at `/infobutton` (OIDs; Atom or JSON). AI
  assistants reach the same content over the Model Context Protocol at `POST /mcp`.
* Interactive reference: `/docs` on this server. Full example responses: `openapi/examples.json`
  in the repository.
* {languages}, chosen by `Accept-Language` or `?lang=`; `Content-Language` says which.
* Errors are `application/problem+json` (RFC 9457) and say what would have worked: unknown query
  parameters are a 400 listing the accepted ones (`accepted_params`); an unknown variant or step
  lists what exists (`allowed_values`, `allowed_range`); an unknown suffix is a 406 listing the
  suffixes. Only GET and HEAD are supported (and POST on `/mcp`).
"""


def _description() -> str:
    """The API's description, its lists read from the registries they describe."""

    def listed(items: list[str], last: str = "or") -> str:
        return ", ".join(items[:-1]) + f" {last} {items[-1]}" if len(items) > 1 else items[0]

    def phrases(which: list[Representation]) -> str:
        return listed([r.phrase.removeprefix("as ") for r in which], "and")

    everywhere = [r for r in ALTERNATES if r.views is None]
    pictures = [r for r in ALTERNATES if r.views == svg.VIEWS]
    questionnaire = [r for r in ALTERNATES if r.views == fhir.VIEWS]
    drawn = [r for r in REPRESENTATIONS if r.views is None or r in pictures]
    return DESCRIPTION_TEMPLATE.format(
        page_size=PAGE_SIZE,
        cursor=CURSOR,
        default_page_size=DEFAULT_PAGE_SIZE,
        max_page_size=MAX_PAGE_SIZE,
        everywhere=phrases(everywhere),
        pictures=listed([f"`{r.suffix}`" for r in pictures], "and"),
        suffixes=listed([f"`{r.suffix}`" for r in drawn]),
        questionnaire=" and ".join(
            f"{r.phrase.removesuffix(' of its screening')} (`{r.suffix}`, `{r.media_type}`)"
            for r in questionnaire
        ),
        tags=", ".join(f"`{r.tag}`" for r in ALTERNATES),
        languages=listed_languages(),
    )


DESCRIPTION = _description()


class Fascia(FastAPI):
    """FastAPI behind the ASGI stack of ``create_app``, its OpenAPI document computed once.

    Requests enter at ``edge`` (the stack); only what the response cache cannot answer reaches
    FastAPI's own routing and handlers (``core``).
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
    """Open the bundle and build the app; a BundleError stops here."""
    settings = settings or Settings()
    store = Store(settings.bundle)
    app = Fascia(
        lifespan=_lifespan,
        title="Fascia",
        version=__version__,
        summary="Expert bodywork guides as structured data.",
        description=DESCRIPTION,
        contact={"name": "Fascia content team"},
        # The content served: every guide's texts and diagrams (each names its own credit).
        license_info={"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        # FastAPI's pages load script from a CDN: /docs and /openapi.json are api.routes.docs's.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # Starlette's redirect names the request's own Host: api.edge.rewrite.TrailingSlash
        # redirects with a relative Location instead.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.default_locale = store.meta.default_locale
    control = cache_control(settings.cache_max_age, settings.cache_stale_while_revalidate)
    app.state.page_cache_control = control
    app.state.docs = Docs.load()
    app.state.locales = {
        locale: Locale(
            locale,
            store,
            _render_context(store, locale),
            control,
            advice_by_region(store.every(locale, "regions", RegionView)),
        )
        for locale in store.meta.locales
    }
    app.state.lookup = Lookup(store)
    for router in (*ROUTERS, docs_router):
        app.include_router(router)
    install_error_handlers(app)
    meta = store.meta
    app.state.metrics = Metrics(meta.version, meta.locales, meta.items)
    policy = _policy(settings, app.state.metrics)
    app.state.quota = policy.quota or policy.anonymous
    app.state.access_log = policy.access_log
    app.state.fairness = Fairness()
    app.state.render_pool = shared_pool(
        settings.render_processes,
        settings.render_queue,
        settings.render_tasks_per_worker,
        settings.render_memory_mb,
    )
    app.state.negotiator = Negotiator(
        meta.default_locale,
        meta.locales,
        frozenset(store.countries),
        settings.public_url,
        settings.hosts,
    )
    app.state.responses = None
    if settings.response_cache_mb:
        capacity = settings.response_cache_mb * 2**20
        app.state.responses = Responses(capacity)
    app.state.mcp = None  # built on first use (the first request to /mcp starts it)
    app.state.mcp_lock = threading.Lock()
    app.edge = _stack(app, policy)
    return app


def mcp_server(app: FastAPI) -> MCPServer:
    """The app's MCP server (``api.routes.mcp``), built on first use. The SDK is imported only
    then: it would add about half a second to every start-up."""
    with app.state.mcp_lock:
        if app.state.mcp is None:
            from api.routes import mcp  # noqa: PLC0415 - see above

            settings: Settings = app.state.settings
            meta = app.state.store.meta
            base = settings.public_url or settings.origin
            app.state.mcp = mcp.build(app.state.locales, meta.default_locale, base, meta.version)
        server: MCPServer = app.state.mcp
        return server


class McpEndpoint:
    """``/mcp`` goes to the MCP server, behind the gateway; everything else to the API. The
    endpoint is made anew each time the app starts (its session manager runs once)."""

    def __init__(self, app: ASGIApp, state: Any, turns: ExpensiveMisses) -> None:
        self.app = app
        self.state = state
        self.turns = turns  # a call (POST) takes its client's turn, like any costly request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != MCP_PATH:
            await self.app(scope, receive, send)
            return
        ready: asyncio.Event | None = getattr(self.state, "mcp_ready", None)
        if ready is not None:
            self.state.mcp_wanted.set()  # the first request starts the endpoint
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready.wait(), MCP_START_SECONDS)
        endpoint: ASGIApp | None = getattr(self.state, "mcp_endpoint", None)
        if endpoint is None:  # not started yet, or an app called without its lifespan
            detail = "The MCP endpoint is starting (or this app was started without its "
            detail += "lifespan); try again shortly."
            body = problem_body(503, detail, MCP_PATH)
            headers = {"Retry-After": "1"}
            response = Response(body, 503, headers, media_type=PROBLEM_MEDIA_TYPE)
            await response(scope, receive, send)
            return
        if scope["method"] == "POST":
            await self.turns.take_turn(scope, receive, send, endpoint)
            return
        await endpoint(scope, receive, send)


def _stack(app: Fascia, policy: Policy) -> ASGIApp:
    """The whole ASGI stack, outermost first; FastAPI's routing is the innermost app."""
    responses: Responses | None = app.state.responses
    negotiator: Negotiator = app.state.negotiator
    settings = app.state.settings
    key_header = settings.api_key_header if settings.api_key_digests else None

    def turns(inner: ASGIApp) -> ExpensiveMisses:
        return ExpensiveMisses(inner, app.state.fairness, key_header)

    layers: list[Callable[[ASGIApp], ASGIApp]] = [
        # Outermost, so that every answer carries the headers: the gateway's refusals (401,
        # 413, 429...), /mcp, FastAPI's own 500s and cached answers alike.
        lambda inner: SecurityHeaders(inner, app.state.settings.embed_frame_ancestors),
        # Request ids, size limits, methods, CORS, keys, quotas, metrics and the access log.
        lambda inner: Gateway(
            inner, policy, app.state.metrics, RouteTemplates((*ROUTERS, docs_router))
        ),
        lambda inner: McpEndpoint(inner, app.state, turns(inner)),
        *([lambda inner: ResponseCache(inner, responses, negotiator)] if responses else []),
        # Behind the cache, so only misses: a client's costly requests take turns with others'.
        turns,
        TrailingSlash,
        RepresentationSuffix,
        HeadAsGet,
    ]
    stack: ASGIApp = app.core
    for layer in reversed(layers):
        stack = layer(stack)
    return stack


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.mcp_ready = asyncio.Event()
    app.state.mcp_wanted = asyncio.Event()
    stop = asyncio.Event()
    runner = asyncio.create_task(_run_mcp(app, stop))
    try:
        yield
    finally:
        stop.set()
        await runner
    if app.state.quota is not None:
        await app.state.quota.aclose()


async def _run_mcp(app: FastAPI, stop: asyncio.Event) -> None:
    """On the first request to /mcp, build the MCP server in a thread and run its endpoint (a
    new session manager each start: one runs once) until ``stop``. Importing the SDK costs about
    half a second of CPU: servers nobody asks over MCP never pay it, and start-up never does."""
    wanted = asyncio.ensure_future(app.state.mcp_wanted.wait())
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait((wanted, stopped), return_when=asyncio.FIRST_COMPLETED)
    wanted.cancel()
    stopped.cancel()
    if stop.is_set():
        return
    try:
        server = await asyncio.to_thread(mcp_server, app)  # imports the SDK off the loop
        from api.routes import mcp  # noqa: PLC0415 - imported by now

        app.state.mcp_endpoint = mcp.http_app(server)
        async with server.session_manager.run():
            app.state.mcp_ready.set()
            await stop.wait()
    except Exception:
        EVENTS.exception("the MCP endpoint could not start")
        app.state.mcp_ready.set()  # waiting requests get a 503 at once
        await stop.wait()
    finally:
        app.state.mcp_endpoint = None


def _policy(settings: Settings, metrics: Metrics) -> Policy:
    keys = None
    if settings.api_key_digests:
        digests = tuple(d.encode() for d in settings.api_key_digests)
        keys = KeyCheck(digests, settings.api_key_header.lower().encode())
    quota = None
    if settings.rate_limit:
        quota = Quota(
            settings.rate_limit,
            settings.rate_limit_storage,
            settings.rate_limit_failure,
            metrics.quota_store_errors.inc,
        )
    anonymous = None
    if keys is None and quota is None and settings.anonymous_rate_limit:
        anonymous = Quota(
            settings.anonymous_rate_limit,
            settings.rate_limit_storage,
            settings.rate_limit_failure,
            metrics.quota_store_errors.inc,
        )
    any_origin = "*" in settings.cors_origins
    origins = None if any_origin else frozenset(o.encode() for o in settings.cors_origins)
    token = settings.metrics_token.encode() if settings.metrics_token else None
    log = AccessLog() if settings.access_log else None
    return Policy(keys, quota, Cors(origins), log, settings.public_embeds, token, anonymous)


def _render_context(store: Store, locale: str) -> RenderContext:
    disclaimer = store.item(locale, "warnings", store.meta.disclaimer)
    assert isinstance(disclaimer, WarningView), "the build always records a disclaimer"
    guide = next(iter(store.pages(locale, "guides")), None)
    credit = guide.attribution if isinstance(guide, GuideView) else None
    return RenderContext(
        locale,
        disclaimer,
        store.sources(locale),
        store.credits_for,
        partial(store.item, locale),
        credit,
        store.meta.version,
        locales=store.meta.locales,
        publisher=guide.copyright_holder if isinstance(guide, GuideView) else "",
        draft_notice=store.meta.governance.in_words(labels_for(locale)).notice,
    )
