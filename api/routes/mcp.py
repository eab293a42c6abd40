"""The guide for AI assistants, over the Model Context Protocol (the official ``mcp`` SDK).

Served at ``/mcp`` (streamable HTTP, stateless, JSON answers) behind the same gateway as
``/v1`` (keys, quotas, metrics, the access log), and over stdio by ``python -m api mcp``.

Everything is read from the bundle: there is no tool that writes, by construction. Every item
of every locale is a resource, read from the bundle when asked for: two resource templates
(``fascia://{collection}/{id}`` in the default locale, ``fascia://<locale>/{collection}/{id}``
in each other) and a ``resources/list`` paged by cursor in the bundle's order, so building the
server and each answer cost the same at one guide or a thousand. Each tool
answers with structured content (the same JSON as the API) and a text rendering for the model
(``api.render.assistant``) whose first lines are the safety a reader needs before anything
else: the screening questions (red flags, with what a yes means and the care for the reader's
region), the contraindications and the disclaimer. Steps keep every warning, STOP first, word
for word. The tools' ``language`` lists the locales the bundle has and defaults to its default
locale.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    ListResourcesResult,
    PaginatedRequestParams,
    Resource,
    TextContent,
    ToolAnnotations,
)
from pydantic import BaseModel, Field
from starlette.types import ASGIApp

from api.bundle.care import region_of, with_care
from api.bundle.resources import (
    ContraindicationQuestion,
    ScreeningQuestion,
    SelfTestView,
    WarningBrief,
)
from api.bundle.urls import MCP_PATH, PREFIX, href
from api.content.kinds import COLLECTIONS, CollectionName, is_collection
from api.http.errors import NotFound
from api.http.negotiation import LANGUAGE_MAX_LENGTH, choose_locale
from api.render import RenderContext, assistant, fhir
from api.routes.common import Locale
from api.routes.self_tests import narrowed, one_variant

SCHEME = "fascia"
RESOURCES_PAGE = 100  # resources per resources/list page: about 15 KB, 4,000 tokens
MIME_TYPE = "application/json"
INSTRUCTIONS = """\
Fascia publishes reviewed, cited self-care guides (muscles, landmarks, self-tests, techniques,
safety warnings). Before showing or adapting any self-test or step, show its screening questions,
contraindications and disclaimer first. If the reader answers yes to any screening question, do
not give the steps: give that question's advice word for word, with the care advice for their
region (some mean: get emergency help now). Keep every warning word for word, STOP warnings at
the step they belong to; cite the sources and the licence; add no clinical claims of your own.
Use `region` (a country code such as US or GB) so that the advice on where to get care names the
reader's numbers, and `language` rather than translating warnings yourself. Any item is also a
resource, the API's JSON, at fascia://{collection}/{id} (the resource templates give each
language's URI)."""
READ_ONLY = ToolAnnotations(
    title=None, read_only_hint=True, destructive_hint=False, idempotent_hint=True,
    open_world_hint=False,
)  # fmt: skip
SelfTestId = Annotated[str, Field(description="A self-test id.", max_length=80)]
Region = Annotated[
    str | None,
    Field(
        description="The reader's country (ISO 3166-1 alpha-2, such as US, GB, MX), for where "
        "to get emergency and urgent care; without it the advice names no number.",
        pattern=r"^[A-Za-z]{2}$",
    ),
]
Variant = Annotated[
    str | None, Field(description="A variant id (`partner`, `ball`); default: all.", max_length=80)
]


class Screening(BaseModel):
    """What to ask and show before step 1 of a self-test."""

    self_test_id: str
    red_flags: tuple[ScreeningQuestion, ...]
    contraindications: tuple[ContraindicationQuestion, ...]
    disclaimer: WarningBrief
    questionnaire: str = Field(description="The same screening as a FHIR R4 Questionnaire.")


@dataclass(frozen=True)
class Guidebook:
    """The content as the tools read it: a locale's store and care advice, and links."""

    locales: Mapping[str, Locale]
    default_locale: str
    base: str  # absolute links for the model to cite (FASCIA_PUBLIC_URL or this server)

    def locale(self, language: str | None) -> Locale:
        name = choose_locale(None, language, tuple(self.locales), self.default_locale)
        return self.locales[name]

    def context(self, locale: Locale) -> RenderContext:
        """How to render in ``locale``, with links absolute from ``base``."""
        return replace(locale.render_context, base_url=self.base)

    def language(self) -> Any:
        """The ``language`` argument's type: the locales there are, and what others get."""
        names = [f"`{name}`" for name in self.locales]
        listed = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        summaries = self.locales[self.default_locale].store.meta.locale_summaries
        fallback = next(
            (s.name for s in summaries if s.locale == self.default_locale), self.default_locale
        )
        description = f"{listed}; others get {fallback}."
        return Annotated[str, Field(description=description, max_length=LANGUAGE_MAX_LENGTH)]

    def item(
        self, locale: Locale, collection: CollectionName, item_id: str, region: str | None
    ) -> Any:
        found = locale.store.item(locale.name, collection, item_id)
        if found is None:
            ids = list(locale.store.ids(locale.name, collection))
            raise _missing(collection.rstrip("s").replace("-", " "), item_id, allowed=ids)
        country = (region or "").upper()
        advice = locale.advice[region_of(country, locale.store.countries)]
        return with_care(found, advice)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _missing(*args: Any, **kwargs: Any) -> ToolError:
    """The API's 404 message, as a tool error the model can read (what exists, what was wrong)."""
    return ToolError(str(NotFound(*args, **kwargs)))


@contextmanager
def _as_tool_error() -> Iterator[None]:
    """The API's 404s (an unknown variant) as tool errors, with the same message."""
    try:
        yield
    except NotFound as error:
        raise ToolError(str(error)) from None


STEP_SAFETY = "step_safety"


def safety_once(self_test: dict[str, Any]) -> dict[str, Any]:
    """The self-test's JSON sized for a model's context: the safety every step carries (the same
    red flags, contraindications and disclaimer, about a tenth of the whole each) stated once, in
    ``step_safety``, and each step's ``safety`` replaced by ``safety_ref``, a JSON Pointer to it,
    as ``/steps-safety-once`` does. Unchanged if the steps' safety ever differed."""
    blocks = [step["safety"] for variant in self_test["variants"] for step in variant["steps"]]
    if not blocks or any(block != blocks[0] for block in blocks):
        return self_test
    variants = [
        {
            **variant,
            "steps": [
                {
                    **{k: v for k, v in step.items() if k != "safety"},
                    "safety_ref": f"#/{STEP_SAFETY}",
                }
                for step in variant["steps"]
            ],
        }
        for variant in self_test["variants"]
    ]
    return {**self_test, "variants": variants, STEP_SAFETY: blocks[0]}


def _result(text: str, structured: Any) -> CallToolResult:
    data = structured.model_dump(mode="json", by_alias=True)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


class FasciaServer(MCPServer[Any]):
    """The SDK's server, with ``resources/list`` answered a page at a time from the bundle: the
    SDK's own handler (``_handle_list_resources``, of the version uv.lock pins) lists every
    registered resource in one answer and ignores the cursor. The page is one indexed query,
    answered on the event loop."""

    def __init__(self, resources: Resources, **settings: Any) -> None:
        super().__init__(**settings)
        self.resources = resources

    async def _handle_list_resources(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        return self.resources.page(params.cursor if params is not None else None)


def build(locales: Mapping[str, Locale], default_locale: str, base: str, version: str) -> MCPServer:
    """The MCP server over ``locales``; its tools and resources read the bundle only, when asked:
    building it reads no item, whatever the size of the library."""
    book = Guidebook(locales, default_locale, base)
    resources = Resources(book, version)
    server = FasciaServer(
        resources,
        name="fascia",
        title="Fascia",
        version=version,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    tools = Tools(book)
    language = book.language()
    for tool in (tools.search, tools.get_self_test, tools.get_step, tools.get_screening):
        server.add_tool(_localized(tool, default_locale, language), annotations=READ_ONLY)
    server.prompt()(_localized(tools.client_handout, default_locale))
    for name in locales:
        resources.register(server, name)
    return server


def _localized(fn: Callable[..., Any], default: str, annotation: Any = None) -> Callable[..., Any]:
    """``fn`` (a tool or the prompt) with its ``language`` parameter defaulting to the default
    locale, and typed ``annotation`` when given: the SDK publishes the schema it reads from the
    signature, and which locales there are is known only once the bundle is open."""
    signature = inspect.signature(fn, eval_str=True)
    parameters = [
        parameter.replace(
            default=default,
            annotation=parameter.annotation if annotation is None else annotation,
        )
        if parameter.name == "language"
        else parameter
        for parameter in signature.parameters.values()
    ]

    def localized(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    localized.__name__ = fn.__name__
    localized.__qualname__ = fn.__qualname__
    localized.__doc__ = fn.__doc__
    localized.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    localized.__annotations__ = {p.name: p.annotation for p in parameters}
    localized.__annotations__["return"] = signature.return_annotation
    return localized


class Tools:
    """The tools and the prompt, reading ``book``. ``language`` None is the default locale
    (``build`` publishes it as the default)."""

    def __init__(self, book: Guidebook) -> None:
        self.book = book

    def search(
        self,
        query: Annotated[str, Field(min_length=1, max_length=100, description="Words to find.")],
        language: str | None = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> CallToolResult:
        """Find items (muscles, landmarks, self-tests, warnings...) whose text holds every word."""
        locale = self.book.locale(language)
        hits, _ = locale.store.search(locale.name, query, None, -1, limit)
        text = assistant.search_text(query, hits, self.book.context(locale))
        return _result(text, _Hits(query=query, hits=tuple(hits)))

    def get_self_test(
        self,
        self_test_id: SelfTestId = "muscular-minesweeper",
        variant: Variant = None,
        language: str | None = None,
        region: Region = None,
    ) -> CallToolResult:
        """A whole self-test: its screening first, then every variant's steps with their
        warnings word for word, then sources and licence."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        with _as_tool_error():
            view = narrowed(view, variant)
        text = assistant.self_test_text(view, self.book.context(locale))
        return CallToolResult(
            content=[TextContent(type="text", text=text)],
            structured_content=safety_once(view.model_dump(mode="json", by_alias=True)),
        )

    def get_step(
        self,
        number: Annotated[int, Field(ge=1, le=1000, description="Step number, from 1.")],
        self_test_id: SelfTestId = "muscular-minesweeper",
        variant: Variant = None,
        language: str | None = None,
        region: Region = None,
    ) -> CallToolResult:
        """One step, with the screening and disclaimer it must be shown with, and its own
        warnings, STOP first, word for word."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        with _as_tool_error():
            found = one_variant(view, variant)
        if number > len(found.steps):
            raise _missing(
                "step", f"{number} in variant '{found.id}'", None, None, (1, len(found.steps))
            )
        step = found.steps[number - 1]
        return _result(assistant.step_text(view, found, step, self.book.context(locale)), step)

    def get_screening(
        self,
        self_test_id: SelfTestId = "muscular-minesweeper",
        language: str | None = None,
        region: Region = None,
    ) -> CallToolResult:
        """The questions to ask before step 1 (red flags, contraindications) and the
        disclaimer: any yes means do not do the check."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        path = href("self-tests", view.id) + fhir.SUFFIX
        structured = Screening(
            self_test_id=view.id,
            red_flags=view.screening,
            contraindications=view.contraindications,
            disclaimer=assistant.disclaimer_of(view),
            questionnaire=self.book.url(path),
        )
        return _result(assistant.screening_text(view, self.book.context(locale)), structured)

    def client_handout(
        self,
        self_test_id: str = "muscular-minesweeper",
        language: str | None = None,
        region: str = "",
    ) -> str:
        """Instructions for writing a client handout from a self-test, safely."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region or None)
        return assistant.handout_prompt(view, self.book.context(locale))


class _Hits(BaseModel):
    query: str
    hits: tuple[Any, ...]


class Resources:
    """Every item of every locale as a resource: ``fascia://<collection>/<id>`` in the default
    locale, ``fascia://<locale>/<collection>/<id>`` in the others; listed in the bundle's order
    (locale, collection, position), a page at a time, and read from the bundle as it holds it."""

    def __init__(self, book: Guidebook, version: str) -> None:
        self.book = book
        self.version = version
        self.sections = [(name, collection) for name in book.locales for collection in COLLECTIONS]

    def prefix(self, locale: str) -> str:
        return "" if locale == self.book.default_locale else f"{locale}/"

    def meta(self, locale: str) -> dict[str, Any]:
        return {"content_version": self.version, "language": locale}

    def register(self, server: MCPServer, locale: str) -> None:
        """The template of ``locale``'s items, read from its store when a URI matches it."""
        prefix = self.prefix(locale)
        store = self.book.locales[locale].store
        names = {s.locale: s.name for s in store.meta.locale_summaries}
        collections = ", ".join(COLLECTIONS)

        def read(collection: str, id: str) -> str:
            uri = f"{SCHEME}://{prefix}{collection}/{id}"
            if not is_collection(collection):
                raise ResourceNotFoundError(
                    f"Unknown resource {uri}: '{collection}' is not a collection; "
                    f"the collections are {collections}"
                )
            body = store.body(locale, collection, id)
            if body is None:
                raise ResourceNotFoundError(
                    f"Unknown resource {uri}: {collection} has no item '{id}' "
                    "(resources/list lists every resource)"
                )
            return body

        server.resource(
            f"{SCHEME}://{prefix}{{collection}}/{{id}}",
            name=f"{prefix}item",
            title=f"An item in {names.get(locale, locale)}",
            description=f"Any item in {names.get(locale, locale)} ({locale}), content version "
            f"{self.version}: the same JSON as {self.book.url(PREFIX)}/{{collection}}/{{id}}"
            f"?lang={locale}. collection is one of {collections}; id is an item's id, as the "
            "tools and the API name it (resources/list lists every one).",
            mime_type=MIME_TYPE,
            meta=self.meta(locale),
        )(read)

    def page(self, cursor: str | None, size: int = RESOURCES_PAGE) -> ListResourcesResult:
        """Up to ``size`` resources after ``cursor`` (None: from the first), and the cursor of
        the next page while more follow."""
        section, after = self._position(cursor)
        found: list[tuple[str, CollectionName, str, int]] = []
        for locale, collection in self.sections[section:]:
            store = self.book.locales[locale].store
            keys = store.keys(locale, collection, after, size + 1 - len(found))
            found += [(locale, collection, item_id, position) for item_id, position in keys]
            after = -1
            if len(found) > size:
                break
        following = None
        if len(found) > size:
            locale, collection, _, position = found[size - 1]
            text = json.dumps([locale, collection, position], separators=(",", ":"))
            following = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        listed = [self._resource(locale, collection, i) for locale, collection, i, _ in found]
        return ListResourcesResult(resources=listed[:size], next_cursor=following)

    def _position(self, cursor: str | None) -> tuple[int, int]:
        """The section (locale, collection) a cursor is in and the position it is after."""
        if cursor is None:
            return 0, -1
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            locale, collection, position = json.loads(base64.urlsafe_b64decode(padded))
            section = self.sections.index((locale, collection))
            if not isinstance(position, int) or isinstance(position, bool) or position < -1:
                raise ValueError(position)
        except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
            raise MCPError(
                INVALID_PARAMS,
                "Invalid cursor: pass the nextCursor of the previous resources/list answer "
                "as it came, or no cursor for the first page",
                {"cursor": cursor[:200]},
            ) from error
        return section, position

    def _resource(self, locale: str, collection: CollectionName, item_id: str) -> Resource:
        name = f"{self.prefix(locale)}{collection}/{item_id}"
        return Resource(
            uri=f"{SCHEME}://{name}",
            name=name,
            mime_type=MIME_TYPE,
            _meta=self.meta(locale),
        )


def http_app(server: MCPServer) -> ASGIApp:
    """The streamable HTTP endpoint at ``/mcp``: stateless, JSON answers (no event stream to
    hold open). Host and Origin are the gateway's business, as for ``/v1``."""
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    return server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=security,
    )
