"""Text for AI assistants: what the MCP tools and prompt answer (``api.routes.mcp``), as
Markdown-like plain text for a model to read.

Every self-test or step answer opens with the safety a reader needs before anything else: the
screening questions (red flags, with what a yes means and the care for the reader's region),
the contraindications and the disclaimer. Warnings are kept word for word, STOP first, at the
step they belong to. Links are absolute from the context's base URL, for the model to cite.

Only the MCP server answers with this text, so this module is not one of the negotiated
representations (``REPRESENTATIONS``). What it says as the handouts and the FHIR screening do
comes from the same functions: a warning's words (``warning_parts``), what a yes to a screening
question means (``if_yes_text``), a step's title and which warnings to read before starting
(``api.render.handout``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from api.bundle.resources import (
    ContraindicationQuestion,
    ScreeningQuestion,
    SearchHit,
    SelfTestView,
    StepView,
    VariantView,
    WarningBrief,
    WarningView,
    warning_parts,
)
from api.content.catalog import SEVERITY_ORDER
from api.render.context import RenderContext
from api.render.handout import step_title, warnings_before

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
5. If the material's first line says it is a draft, make that line, word for word, the first
   line of the handout.

Material:

{material}"""


def disclaimer_of(view: SelfTestView) -> WarningBrief:
    """The self-test's disclaimer, among its warnings."""
    return next(w for w in view.warnings if w.kind == "disclaimer")


def safety_lines(
    red_flags: Iterable[ScreeningQuestion],
    contraindications: Iterable[ContraindicationQuestion],
    disclaimer: WarningBrief | WarningView,
    context: RenderContext,
) -> list[str]:
    """The text every self-test or step answer starts with: the red flags (each with what a yes
    means and where to get care), the contraindications, the disclaimer."""
    label = context.label
    if_label = label("escalation_if")
    lines = [f"## {label('screening')}"]
    lines += [
        f"- {flag.question} {label('if_yes')}: {flag.if_yes_text(if_label)}" for flag in red_flags
    ]
    lines += [f"## {label('contraindications')}", label("contraindications.text")]
    lines += [
        f"- {q.question} {label('if_yes')}: {q.if_yes_text(if_label)}" for q in contraindications
    ]
    return lines + _disclaimer_lines(disclaimer)


def _disclaimer_lines(disclaimer: WarningBrief | WarningView) -> list[str]:
    return [f"## {disclaimer.title}", disclaimer.action]


def warning_line(warning: WarningBrief, if_label: str) -> str:
    """A warning word for word, its severity first: ``- STOP: <title>``, then its sign, its
    action (where to get care, for a red flag) and each escalation, each on a line of its own."""
    severity = warning.severity_label.upper()
    return "\n  ".join([f"- {severity}: {warning.title}", *warning_parts(warning, if_label)])


def _ordered(warnings: Iterable[WarningBrief]) -> list[WarningBrief]:
    """STOP first, then caution, then information."""
    return sorted(warnings, key=lambda w: SEVERITY_ORDER[w.severity])


def step_lines(step: StepView, if_label: str) -> list[str]:
    """A step: its title and who does it, the instruction, its note and its warnings."""
    lines = [f"### {step_title(step)} ({step.actor_label})", step.instruction]
    if step.note:
        lines.append(step.note)
    lines += [warning_line(w, if_label) for w in _ordered(step.warnings)]
    return lines


def before_lines(view: SelfTestView, context: RenderContext) -> list[str]:
    """What to know before any pressure: the self-test's other warnings, STOP first."""
    before = warnings_before(view)
    if not before:
        return []
    if_label = context.label("escalation_if")
    lines = [warning_line(w, if_label) for w in _ordered(before)]
    return [f"## {context.label('warnings.before')}", *lines]


def _variant_lines(variant: VariantView, context: RenderContext) -> list[str]:
    """A variant: its position, the pressure to use, its warnings and its steps."""
    lines = [f"## {variant.name} (`{variant.id}`)", variant.position]
    lines.append(f"{context.label('pressure_guidance')}: {variant.pressure_guidance}")
    if_label = context.label("escalation_if")
    lines += [warning_line(w, if_label) for w in _ordered(variant.warnings)]
    for step in variant.steps:
        lines += step_lines(step, if_label)
    return lines


def _credit_lines(view: SelfTestView, context: RenderContext) -> list[str]:
    """The sources with their links, the credit and licence, and the self-test's own link."""
    base = context.base_url
    lines = [f"## {context.label('sources')}"]
    lines += [f"- {source.name}: {base}{source.href}" for source in view.sources]
    if context.credit is not None:
        lines.append(context.credit.text)
    lines.append(f"{base}{view.links.self_}")
    return lines


def self_test_text(view: SelfTestView, context: RenderContext) -> str:
    """A whole self-test: its screening first, then every variant's steps with their warnings,
    then sources and licence."""
    lines = [f"# {view.name}"]
    lines += safety_lines(view.screening, view.contraindications, disclaimer_of(view), context)
    lines += before_lines(view, context)
    lines += [f"## {context.label('summary')}", view.summary, view.who_it_is_for]
    for variant in view.variants:
        lines += _variant_lines(variant, context)
    lines += _credit_lines(view, context)
    return _text(lines, context)


def step_text(
    view: SelfTestView, variant: VariantView, step: StepView, context: RenderContext
) -> str:
    """One step of ``variant``, with the screening and disclaimer it must be shown with, what to
    know before starting, its variant's warnings and its own."""
    lines = [f"# {view.name}: {variant.name}"]
    lines += safety_lines(view.screening, view.contraindications, step.safety.disclaimer, context)
    lines += before_lines(view, context)
    lines += _variant_lines(variant.model_copy(update={"steps": (step,)}), context)
    lines += _credit_lines(view, context)
    return _text(lines, context)


def screening_text(view: SelfTestView, context: RenderContext) -> str:
    """The questions to ask before step 1 and the disclaimer."""
    lines = [f"# {view.name}"]
    lines += safety_lines(view.screening, view.contraindications, disclaimer_of(view), context)
    return _text(lines, context)


def search_text(query: str, hits: Sequence[SearchHit], context: RenderContext) -> str:
    """Search hits, after the disclaimer and a reminder to screen before any step."""
    lines = _disclaimer_lines(context.disclaimer)
    lines += [
        "Before any self-test or step, get its screening (get_screening) and show it first.",
        f"## Results for {query!r}",
    ]
    lines += [f"- {hit.name} ({hit.kind}/{hit.id}): {hit.snippet}" for hit in hits]
    return _text(lines, context)


def handout_prompt(view: SelfTestView, context: RenderContext) -> str:
    """Instructions for writing a client handout from ``view``, safely, with the material."""
    credit = context.credit.text if context.credit is not None else ""
    prompt = HANDOUT.format(credit=credit, material=self_test_text(view, context))
    return _text([prompt.rstrip("\n")], context)


def _text(lines: Iterable[str], context: RenderContext) -> str:
    """The text, its first line the draft notice while the content is not signed off."""
    first = [context.draft_notice] if context.draft_notice else []
    return "\n".join([*first, *lines]) + "\n"
