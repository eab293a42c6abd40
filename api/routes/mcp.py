"""The guide for AI assistants, over the Model Context Protocol (the official ``mcp`` SDK).

Served at ``/mcp`` (streamable HTTP, stateless, JSON answers) behind the same gateway as
``/v1`` (keys, quotas, metrics, the access log), and over stdio by ``python -m api mcp``.

Everything is read from the bundle: there is no tool that writes, by construction. Each tool
answers with structured content (the same JSON as the API) and a text rendering for the model
whose first lines are the safety a reader needs before anything else: the screening questions
(red flags, with what a yes means and the care for the reader's region), the contraindications
and the disclaimer. Steps keep every warning, STOP first, word for word.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import FunctionResource
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field
from starlette.types import ASGIApp

from api.bundle.care import region_of, with_care
from api.bundle.resources import (
    ContraindicationQuestion,
    ScreeningQuestion,
    SelfTestView,
    StepView,
    VariantView,
    WarningBrief,
    WarningView,
    escalation_text,
)
from api.bundle.urls import MCP_PATH, href
from api.content.kinds import COLLECTIONS, CollectionName
from api.http.errors import NotFound
from api.http.negotiation import choose_locale
from api.render import RenderContext, fhir
from api.routes.common import Locale
from api.routes.self_tests import narrowed

SCHEME = "fascia"
INSTRUCTIONS = """\
Fascia publishes reviewed, cited self-care guides (muscles, landmarks, self-tests, techniques,
safety warnings). Before showing or adapting any self-test or step, show its screening questions,
contraindications and disclaimer first. If the reader answers yes to any screening question, do
not give the steps: give that question's advice word for word, with the care advice for their
region (some mean: get emergency help now). Keep every warning word for word, STOP warnings at
the step they belong to; cite the sources and the licence; add no clinical claims of your own.
Use `region` (a country code such as US or GB) so that the advice on where to get care names the
reader's numbers, and `language` rather than translating warnings yourself."""
READ_ONLY = ToolAnnotations(
    title=None, read_only_hint=True, destructive_hint=False, idempotent_hint=True,
    open_world_hint=False,
)  # fmt: skip
SelfTestId = Annotated[str, Field(description="A self-test id.", max_length=80)]
Language = Annotated[str, Field(description="`en` or `es`; others get English.", max_length=35)]
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


def safety_lines(
    red_flags: Iterable[ScreeningQuestion],
    contraindications: Iterable[ContraindicationQuestion],
    disclaimer: WarningBrief | WarningView,
    context: RenderContext,
) -> list[str]:
    """The text every self-test or step answer starts with: the red flags (each with what a yes
    means and where to get care), the contraindications, the disclaimer."""
    label = context.label
    lines = [f"## {label('screening')}"]
    if_label = label("escalation_if")
    lines += [
        f"- {flag.question} {label('if_yes')}: {flag.if_yes} {flag.care.advice}"
        + escalation_text(flag.escalations, if_label)
        for flag in red_flags
    ]
    lines += [f"## {label('contraindications')}", label("contraindications.text")]
    lines += [
        f"- {q.question} {label('if_yes')}: {q.reason} {q.instead}"
        + escalation_text(q.escalations, if_label)
        for q in contraindications
    ]
    lines += [f"## {disclaimer.title}", disclaimer.action]
    return lines


def warning_line(warning: WarningBrief, if_label: str) -> str:
    """A warning word for word, its severity first: ``- STOP: <title>``, then its sign, its
    action and each escalation, each on a line of its own."""
    severity = warning.severity_label.upper()
    lines = [f"- {severity}: {warning.title}", warning.sign, warning.action]
    lines += [escalation.sentence(if_label) for escalation in warning.escalations]
    return "\n  ".join(lines)


def _ordered(warnings: Iterable[WarningBrief]) -> list[WarningBrief]:
    rank = {"stop": 0, "caution": 1, "info": 2}
    return sorted(warnings, key=lambda w: rank[w.severity])


def step_lines(step: StepView, if_label: str) -> list[str]:
    lines = [f"### {step.number}. {step.title} ({step.actor_label})", step.instruction]
    if step.note:
        lines.append(step.note)
    lines += [warning_line(w, if_label) for w in _ordered(step.warnings)]
    return lines


def self_test_text(view: SelfTestView, context: RenderContext, base: str) -> str:
    disclaimer = next(w for w in view.warnings if w.kind == "disclaimer")
    lines = [f"# {view.name}"]
    lines += safety_lines(view.screening, view.contraindications, disclaimer, context)
    lines += before_lines(view, context)
    lines += [f"## {context.label('summary')}", view.summary, view.who_it_is_for]
    for variant in view.variants:
        lines += _variant_lines(variant, context)
    lines += _credit_lines(view, context, base)
    return "\n".join(lines) + "\n"


def before_lines(view: SelfTestView, context: RenderContext) -> list[str]:
    """What to know before any pressure: the self-test's other warnings, STOP first."""
    screened = ("red-flag", "contraindication", "disclaimer")
    before = [w for w in view.warnings if w.kind not in screened]
    if not before:
        return []
    if_label = context.label("escalation_if")
    lines = [warning_line(w, if_label) for w in _ordered(before)]
    return [f"## {context.label('warnings.before')}", *lines]


def _variant_lines(variant: VariantView, context: RenderContext) -> list[str]:
    lines = [f"## {variant.name} (`{variant.id}`)", variant.position]
    lines.append(f"{context.label('pressure_guidance')}: {variant.pressure_guidance}")
    if_label = context.label("escalation_if")
    lines += [warning_line(w, if_label) for w in _ordered(variant.warnings)]
    for step in variant.steps:
        lines += step_lines(step, if_label)
    return lines


def _credit_lines(view: SelfTestView, context: RenderContext, base: str) -> list[str]:
    lines = [f"## {context.label('sources')}"]
    lines += [f"- {source.name}: {base}{source.href}" for source in view.sources]
    if context.credit is not None:
        lines.append(context.credit.text)
    lines.append(f"{base}{view.links.self_}")
    return lines


def _result(text: str, structured: Any) -> CallToolResult:
    data = structured.model_dump(mode="json", by_alias=True)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def build(locales: Mapping[str, Locale], default_locale: str, base: str, version: str) -> MCPServer:
    """The MCP server over ``locales``; its tools and resources read the bundle only."""
    book = Guidebook(locales, default_locale, base)
    server = MCPServer(
        "fascia", title="Fascia", version=version, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    tools = Tools(book)
    for tool in (tools.search, tools.get_self_test, tools.get_step, tools.get_screening):
        server.add_tool(tool, annotations=READ_ONLY)
    server.prompt()(tools.client_handout)
    for name, locale in locales.items():
        for collection in COLLECTIONS:
            for item_id in locale.store.ids(name, collection):
                server.add_resource(_resource(book, locale, collection, item_id, version))
    return server


class Tools:
    """The tools and the prompt, reading ``book``."""

    def __init__(self, book: Guidebook) -> None:
        self.book = book

    def search(
        self,
        query: Annotated[str, Field(min_length=1, max_length=100, description="Words to find.")],
        language: Language = "en",
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> CallToolResult:
        """Find items (muscles, landmarks, self-tests, warnings...) whose text holds every word."""
        locale = self.book.locale(language)
        hits, _ = locale.store.search(locale.name, query, None, -1, limit)
        disclaimer = locale.render_context.disclaimer
        lines = [
            f"## {disclaimer.title}",
            disclaimer.action,
            "Before any self-test or step, get its screening (get_screening) and show it first.",
            f"## Results for {query!r}",
        ]
        lines += [f"- {hit.name} ({hit.kind}/{hit.id}): {hit.snippet}" for hit in hits]
        structured = _Hits(query=query, hits=tuple(hits))
        return _result("\n".join(lines) + "\n", structured)

    def get_self_test(
        self,
        self_test_id: SelfTestId = "muscular-minesweeper",
        variant: Variant = None,
        language: Language = "en",
        region: Region = None,
    ) -> CallToolResult:
        """A whole self-test: its screening first, then every variant's steps with their
        warnings word for word, then sources and licence."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        with _as_tool_error():
            view = narrowed(view, variant)
        return _result(self_test_text(view, locale.render_context, self.book.base), view)

    def get_step(
        self,
        number: Annotated[int, Field(ge=1, le=1000, description="Step number, from 1.")],
        self_test_id: SelfTestId = "muscular-minesweeper",
        variant: Variant = None,
        language: Language = "en",
        region: Region = None,
    ) -> CallToolResult:
        """One step, with the screening and disclaimer it must be shown with, and its own
        warnings, STOP first, word for word."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        with _as_tool_error():
            (found,) = narrowed(view, variant or view.default_variant).variants
        if number > len(found.steps):
            raise _missing(
                "step", f"{number} in variant '{found.id}'", None, None, (1, len(found.steps))
            )
        step = found.steps[number - 1]
        safety = step.safety
        lines = [f"# {view.name}: {found.name}"]
        lines += safety_lines(
            view.screening, view.contraindications, safety.disclaimer, locale.render_context
        )
        lines += before_lines(view, locale.render_context)
        lines += _variant_lines(found.model_copy(update={"steps": (step,)}), locale.render_context)
        lines += _credit_lines(view, locale.render_context, self.book.base)
        return _result("\n".join(lines) + "\n", step)

    def get_screening(
        self,
        self_test_id: SelfTestId = "muscular-minesweeper",
        language: Language = "en",
        region: Region = None,
    ) -> CallToolResult:
        """The questions to ask before step 1 (red flags, contraindications) and the
        disclaimer: any yes means do not do the check."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region)
        disclaimer = next(w for w in view.warnings if w.kind == "disclaimer")
        path = href("self-tests", view.id) + fhir.SUFFIX
        structured = Screening(
            self_test_id=view.id,
            red_flags=view.screening,
            contraindications=view.contraindications,
            disclaimer=disclaimer,
            questionnaire=self.book.url(path),
        )
        lines = [f"# {view.name}"]
        lines += safety_lines(
            view.screening, view.contraindications, disclaimer, locale.render_context
        )
        return _result("\n".join(lines) + "\n", structured)

    def client_handout(
        self,
        self_test_id: str = "muscular-minesweeper",
        language: str = "en",
        region: str = "",
    ) -> str:
        """Instructions for writing a client handout from a self-test, safely."""
        locale = self.book.locale(language)
        view: SelfTestView = self.book.item(locale, "self-tests", self_test_id, region or None)
        return HANDOUT.format(
            credit=credit.text if (credit := locale.render_context.credit) else "",
            material=self_test_text(view, locale.render_context, self.book.base),
        )


HANDOUT = """\
Write a client handout from the self-test below.

Rules:
1. Start with the screening questions, who should not do the check, and the disclaimer, before
   any step. Keep every warning, question and piece of care advice word for word, with the
   phone numbers as given. A yes to any screening question means the reader does not do the
   check and does what that question says instead: say so.
2. Keep each STOP warning at the step it belongs to, word for word.
3. Add no clinical claims, diagnoses or promises of your own, and do not add or change steps,
   pressure or techniques; simplify wording only where the meaning stays the same, and never in
   a warning. Do not translate warnings yourself: ask for the material in the reader's language.
4. End with the sources and this credit: {credit}

Material:

{material}"""


class _Hits(BaseModel):
    query: str
    hits: tuple[Any, ...]


def _resource(
    book: Guidebook, locale: Locale, collection: CollectionName, item_id: str, version: str
) -> FunctionResource:
    """``fascia://<collection>/<id>`` (default locale) or ``fascia://<locale>/<collection>/<id>``."""
    prefix = "" if locale.name == book.default_locale else f"{locale.name}/"
    uri = f"{SCHEME}://{prefix}{collection}/{item_id}"

    def read() -> str:
        item = locale.store.item(locale.name, collection, item_id)
        assert item is not None
        return item.model_dump_json(by_alias=True)

    return FunctionResource(
        fn=read,
        uri=uri,
        name=f"{prefix}{collection}/{item_id}",
        description=f"{collection} {item_id} ({locale.name}), content version {version}; "
        f"the same JSON as {book.url(href(collection, item_id))}",
        mime_type="application/json",
        meta={"content_version": version, "language": locale.name},
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
