"""Build the client-facing handout ``Document`` of any view: item, collection or index.

Every handout opens with the disclaimer and ends with the sources it draws on, and every warning
is a ``Callout`` carrying its severity, stop warnings first. A self-test states every warning in
full before its first step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from api.bundle import resources as v
from api.render import svg
from api.render.context import RenderContext
from api.render.document import (
    ACROSS,
    BESIDE,
    TEXT_WIDTH_PT,
    Block,
    Bullets,
    Callout,
    Document,
    Facts,
    Figure,
    Heading,
    Link,
    LinkList,
    Paragraph,
    Step,
    Steps,
)

Builder = Callable[[Any, RenderContext, int], list[Block]]


def build_document(view: BaseModel, context: RenderContext) -> Document:
    """The handout for ``view``, titled, with the disclaimer and attribution at the end."""
    if isinstance(view, v.Collection):
        title, blocks = _collection(view, context)
    elif isinstance(view, v.ExportPage):
        title, blocks = context.label("export"), _export(view, context)
    else:
        title, blocks = _title(view, context), _body(view, context, 2)
    blocks = _disclaimer(context) + blocks + _footer(view, context)
    blocks = [_absolute(block, context) for block in blocks]
    untranslated = any(_untranslated(item) for item in _items(view))
    notice = context.label("fallback") if untranslated else None
    return Document(
        title=title,
        lang=context.locale,
        blocks=tuple(blocks),
        notice=notice,
        draft=context.draft_notice,
        paper=context.paper,
        large_print=context.large_print,
        print_links=context.public,
    )


def _disclaimer(context: RenderContext) -> list[Block]:
    """What the handout is and is not, read first: it does not replace care."""
    disclaimer = context.disclaimer
    label = context.label("severity.info")
    return [Callout("info", label, disclaimer.title, disclaimer.action)]


def _absolute(block: Block, context: RenderContext) -> Block:
    """Links that work on paper and in a CMS: absolute, and keeping the handout's language."""
    if isinstance(block, LinkList):
        return LinkList(tuple(Link(link.text, context.url(link.href)) for link in block.links))
    if isinstance(block, Figure):
        return replace(block, href=context.url(block.href))
    if isinstance(block, Steps):
        return Steps(tuple(_absolute_step(step, context) for step in block.steps))
    return block


def _absolute_step(step: Step, context: RenderContext) -> Step:
    if step.figure is None:
        return step
    return replace(step, figure=replace(step.figure, href=context.url(step.figure.href)))


def _collection(view: v.Collection[Any], context: RenderContext) -> tuple[str, list[Block]]:
    kind = _COLLECTION_LABELS.get(type(view).__name__, "items")
    blocks: list[Block] = [Paragraph(f"{view.count} {context.label('items')}")]
    steps = [item for item in view.items if isinstance(item, v.StepView)]
    for safety in dict.fromkeys(step.safety for step in steps):  # once, before the steps
        blocks += _safety(safety, context, 2)
    once = _Once(context)
    variants = {step.variant_id for step in steps}
    for item in view.items:
        blocks.append(Heading(2, _title(item, context)))
        if isinstance(item, v.StepView):
            step = _step(item, context, once if len(variants) == 1 else None)
            blocks += [Paragraph(step.instruction), Facts(step.details), *step.callouts]
        else:
            blocks += _body(item, context, 3)
    title = context.label(kind)
    if isinstance(view, v.LookupResults):  # which code: "... : M54.50 (Low back pain, ...)"
        title += f": {view.code}" + (f" ({view.display})" if view.display else "")
    return title, blocks + _next_page(view.links, context)


def _next_page(links: v.Links, context: RenderContext) -> list[Block]:
    """A paged handout says that more follow, and where."""
    if links.next is None:
        return []
    return [LinkList((Link(context.label("next_page"), links.next),))]


def _export(view: v.ExportPage, context: RenderContext) -> list[Block]:
    blocks: list[Block] = []
    for kind, items in view.sections():
        if not items:
            continue
        blocks.append(Heading(2, context.label(kind)))
        for item in items:
            blocks.append(Heading(3, _title(item, context)))
            blocks += _body(item, context, 4)
    return blocks + _next_page(view.links, context)


def _title(view: BaseModel, context: RenderContext) -> str:
    if isinstance(view, v.StepView):
        return step_title(view)
    if isinstance(view, v.ApiIndex):
        return "Fascia"
    for name in ("title", "name", "locale"):
        value = getattr(view, name, None)
        if isinstance(value, str):
            return value
    return str(getattr(view, "id", ""))


def step_title(step: v.StepView) -> str:
    """A step as its heading names it: ``5. <title>``."""
    return f"{step.number}. {step.title}"


def warnings_before(view: v.SelfTestView) -> list[v.WarningBrief]:
    """What to know before starting: a self-test's warnings other than those its screening asks
    (red flags, contraindications) and the disclaimer."""
    return [w for w in view.warnings if w.kind not in (*_SCREENED, "disclaimer")]


def _body(view: BaseModel, context: RenderContext, level: int) -> list[Block]:
    builder = _BUILDERS.get(type(view))
    return builder(view, context, level) if builder else []


def _guide(view: v.GuideView, context: RenderContext, level: int) -> list[Block]:
    blocks: list[Block] = []
    if view.subtitle:
        blocks.append(Paragraph(view.subtitle))
    blocks += [Paragraph(view.summary), Facts(((context.label("audience"), view.audience),))]
    # Whoever reads about the check is asked its questions before reading how it is done.
    for safety in view.safety:
        blocks += _safety(safety, context, level)
    for section in view.sections:
        blocks.append(Heading(level, section.title))
        blocks += [Paragraph(text) for text in section.body]
    blocks += _links(context.label("self-tests"), view.self_tests, level)
    return blocks


def _self_test(view: v.SelfTestView, context: RenderContext, level: int) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(view.summary),
        Facts(
            _rows(
                context,
                (
                    ("who_it_is_for", view.who_it_is_for),
                    ("positive_finding", view.positive_finding),
                    ("negative_finding", view.negative_finding),
                ),
            )
        ),
    ]
    blocks += _screening(_served_order(view), context, level)
    once = _Once(context)
    # Everything that keeps the reader safe comes before step 1, each warning in full once: the
    # screening just asked, then what to know before starting, then every warning a variant or
    # step carries (stop warnings first). The steps only refer back to them.
    later = [
        warning
        for variant in view.variants
        for warning in (*variant.warnings, *(w for s in variant.steps for w in s.warnings))
    ]
    before = list({w.id: w for w in [*warnings_before(view), *later]}.values())
    before.sort(key=lambda w: w.severity != "stop")  # stop warnings first, else as they come
    if before:
        blocks.append(Heading(level, context.label("warnings.before")))
        blocks += once.callouts(before, context.label("see_above"))
    # The whole picture, after the words that describe where the no-press zone is.
    blocks += _figure(view, context)
    if view.advice:
        blocks.append(Heading(level, context.label("advice")))
        blocks.append(Facts(tuple((a.title, a.text) for a in view.advice)))
    # A handout of one variant of several (``narrowed``: its self link names the variant) says
    # that the others have handouts of their own, with their own warnings.
    narrowed = "variant=" in view.links.self_
    for variant in view.variants:
        blocks.append(Heading(level, variant.name))
        if narrowed:
            blocks.append(Paragraph(context.label("one_variant").format(name=variant.name)))
        blocks += [Paragraph(variant.summary), Facts(_variant_rows(variant, context))]
        blocks += once.callouts(variant.warnings, context.label("see_above"))
        steps = tuple(
            _step(step, context, once, _step_figure(step, context)) for step in variant.steps
        )
        blocks.append(Steps(steps))
    return blocks


def _step_figure(step: v.StepView, context: RenderContext) -> Figure | None:
    """A pressing step's own picture (its landmarks in full, the no-press zone among them), set
    beside it; a step that presses nothing has none."""
    if step.pressure == "none":
        return None
    figures = _figure(step, context, beside=True)
    return figures[0] if figures else None


def _served_order(view: v.SelfTestView) -> list[v.WarningBrief]:
    """The red flags and contraindications in the order the API serves its questions (emergencies
    first, then urgent red flags, then who should not do the check): one order for every
    surface, decided where ``screening`` and ``contraindications`` are made."""
    by_id = {warning.id: warning for warning in view.warnings}
    asked = [q.warning_id for q in view.screening] + [q.warning_id for q in view.contraindications]
    return [by_id[warning_id] for warning_id in asked if warning_id in by_id]


class _Once:
    """Where each warning of a handout was stated in full, so that it is stated once: later,
    a brief callout names it and says where (the JSON still repeats it on every step)."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.stated: dict[str, str] = {}

    def callouts(
        self, warnings: Iterable[v.WarningBrief | v.WarningView], where: str
    ) -> list[Callout]:
        found = []
        for warning in warnings:
            if warning.id in self.stated:
                label = self.context.label(f"severity.{warning.severity}")
                stated = self.stated[warning.id]
                found.append(Callout(warning.severity, label, warning.title, stated, brief=True))
            else:
                self.stated[warning.id] = where
                found += _callouts((warning,), self.context)
        return _merged(found)

    def at_step(self, warnings: Iterable[v.WarningBrief], number: int) -> list[Callout]:
        return self.callouts(warnings, self.context.label("see_step").format(number=number))


def _merged(callouts: list[Callout]) -> list[Callout]:
    """Brief callouts in a row of the same severity, stated in the same place, as one line:
    "STOP: Harder pressure is not better; Shooting ... down the leg (in full above)"."""
    found: list[Callout] = []
    for callout in callouts:
        last = found[-1] if found else None
        if (
            last is not None
            and callout.brief
            and last.brief
            and (last.severity, last.text) == (callout.severity, callout.text)
        ):
            found[-1] = replace(last, title=f"{last.title}; {callout.title}")
        else:
            found.append(callout)
    return found


def _variant_rows(variant: v.VariantView, context: RenderContext) -> tuple[tuple[str, str], ...]:
    return _rows(
        context,
        (
            ("position", variant.position),
            ("you_need", "; ".join(variant.you_need)),
            ("pressure_guidance", variant.pressure_guidance),
            ("limitations", variant.limitations),
        ),
    )


def _step(
    step: v.StepView,
    context: RenderContext,
    once: _Once | None = None,
    figure: Figure | None = None,
) -> Step:
    details = [
        (context.label("actor"), context.label(f"actor.{step.actor}")),
        (context.label("pressure"), context.label(f"pressure.{step.pressure}")),
    ]
    # Beside its own picture, a step's landmarks are named in the picture's legend and its
    # techniques in its words: its rows keep only what never to press on.
    if step.landmarks:
        details += _landmark_rows(step.landmarks, context, avoided_only=figure is not None)
    if step.techniques and figure is None:
        names = ", ".join(technique.name for technique in step.techniques)
        details.append((context.label("techniques"), names))
    if step.note:
        details.append((context.label("severity.info"), step.note))
    return Step(
        number=step.number,
        title=step.title,
        instruction=step.instruction,
        details=tuple(details),
        callouts=tuple(
            once.at_step(step.warnings, step.number) if once else _callouts(step.warnings, context)
        ),
        figure=figure,
    )


def _step_view(view: v.StepView, context: RenderContext, level: int) -> list[Block]:
    step = _step(view, context)
    blocks = _safety(view.safety, context, level)
    blocks += [Paragraph(step.instruction), Facts(step.details), *step.callouts]
    return blocks + _figure(view, context)


def _region(view: v.RegionView, context: RenderContext, level: int) -> list[Block]:
    rows = (
        ("countries", ", ".join(view.countries)),
        ("emergency", view.emergency),
        ("urgent", view.urgent),
    )
    return [Facts(_rows(context, rows))]


def _landmark_rows(
    landmarks: Iterable[v.LandmarkBrief], context: RenderContext, avoided_only: bool = False
) -> list[tuple[str, str]]:
    """The landmarks a step names, and apart from them those never to press on (only those
    with ``avoided_only``)."""
    landmarks = list(landmarks)
    rows = []
    kinds = (
        (("never_press", True),) if avoided_only else (("landmarks", False), ("never_press", True))
    )
    for label, avoid in kinds:
        names = [landmark.name for landmark in landmarks if landmark.avoid_pressure == avoid]
        if names:
            rows.append((context.label(label), ", ".join(names)))
    return rows


def _muscle(view: v.MuscleView, context: RenderContext, level: int) -> list[Block]:
    rows = (
        ("common_name", view.common_name),
        ("size_rank", str(view.size_rank)),
        ("nerve", view.nerve),
    )
    blocks: list[Block] = [Paragraph(view.summary), Facts(_rows(context, rows))]
    blocks += [Heading(level, context.label("functions")), Bullets(view.functions)]
    if view.relations:
        blocks.append(Heading(level, context.label("relations")))
        blocks.append(Facts(tuple((r.structure, r.role) for r in view.relations)))
    blocks += _links(context.label("actions"), view.actions, level)
    return blocks + _codes(view.codes, context, level)


def _action(view: v.ActionView, context: RenderContext, level: int) -> list[Block]:
    blocks: list[Block] = [Paragraph(view.description)]
    blocks += _links(context.label("muscles"), view.muscles, level)
    label = context.label("everyday_activities")
    return [*blocks, Heading(level, label), Bullets(view.everyday_activities)]


def _landmark(view: v.LandmarkView, context: RenderContext, level: int) -> list[Block]:
    rows = (("how_to_find", view.how_to_find), ("diagram_colour", view.diagram_colour))
    blocks: list[Block] = [Paragraph(view.description), Facts(_rows(context, rows))]
    if view.avoid_pressure:
        label = context.label("severity.stop")
        blocks.append(Callout("stop", label, context.label("avoid_pressure"), view.how_to_find))
    return blocks + _figure(view, context) + _codes(view.codes, context, level)


def _technique(view: v.TechniqueView, context: RenderContext, level: int) -> list[Block]:
    rows = (("how_to", view.how_to), ("diagram_colour", view.diagram_colour))
    return [Paragraph(view.description), Facts(_rows(context, rows)), *_figure(view, context)]


def _diagram(view: v.DiagramView, context: RenderContext, level: int) -> list[Block]:
    blocks: list[Block] = [Paragraph(view.description), *_figure(view, context)]
    return [*blocks, Heading(level, context.label("shapes")), Bullets(_shape_names(view))]


def _shape_names(view: v.DiagramView) -> tuple[str, ...]:
    return tuple(shape.label for shape in view.shapes)


def _figure(view: BaseModel, context: RenderContext, beside: bool = False) -> list[Figure]:
    """The view's diagram, where one shows it: numbered, with its legend in words, and sized so
    that its numbers print at 9 pt or more across the page (or ``beside`` a step)."""
    links = getattr(view, "links", None)
    if not svg.draws(view) or links is None or links.diagram is None:
        return []
    name = getattr(view, "id", None) or getattr(view, "number", "")
    printed = TEXT_WIDTH_PT * (BESIDE if beside else ACROSS)
    badge = svg.badge_size(view, context, printed)
    prefix = f"diagram-{type(view).__name__.lower()}-{name}"
    markup = svg.picture(view, context, prefix, badge)
    legend = svg.legend(view, context)
    return [Figure(markup, links.diagram, svg.caption(view, context), legend, beside)]


def _condition(view: v.ConditionView, context: RenderContext, level: int) -> list[Block]:
    blocks: list[Block] = [Paragraph(view.summary)]
    lists = (
        ("sensations", view.sensations),
        ("aggravating_activities", view.aggravating_activities),
        ("common_triggers", view.common_triggers),
    )
    blocks.append(Facts(_rows(context, (("course", view.course),))))
    for key, values in lists:
        if values:
            blocks += [Heading(level, context.label(key)), Bullets(values)]
    if view.mechanisms:
        blocks.append(Heading(level, context.label("mechanisms")))
        blocks.append(Facts(tuple((m.title, m.explanation) for m in view.mechanisms)))
    if view.common_remedies:
        blocks.append(Heading(level, context.label("common_remedies")))
        blocks.append(Facts(tuple((r.name, r.note) for r in view.common_remedies)))
    if view.warnings:
        blocks.append(Heading(level, context.label("warnings")))
        blocks += _callouts(view.warnings, context)
    return blocks + _codes(view.codes, context, level)


def _warning(view: v.WarningView, context: RenderContext, level: int) -> list[Block]:
    (callout,) = _callouts([view], context)
    blocks: list[Block] = [callout]
    if view.question:
        blocks.append(Facts(((context.label("question"), view.question),)))
    targets = tuple(Link(target.href, target.href) for target in view.applies_to)
    return [*blocks, Heading(level, context.label("applies_to")), LinkList(targets)]


def _source(view: v.SourceView, context: RenderContext, level: int) -> list[Block]:
    rows = (("publisher", view.publisher), ("used_for", view.used_for))
    blocks: list[Block] = [Facts(_rows(context, rows))]
    if view.url:
        blocks.append(LinkList((Link(view.url, view.url),)))
    return blocks


def _index(view: v.ApiIndex, context: RenderContext, level: int) -> list[Block]:
    links = tuple(Link(context.label(name), href) for name, href in view.collections.items())
    return [Heading(level, context.label("collections")), LinkList(links)]


def _safety_case(view: v.SafetyCaseView, context: RenderContext, level: int) -> list[Block]:
    """The safety case report: in English, as the hazard log is kept."""
    governance = view.governance
    rows = [("Status", governance.status), ("Content version", view.content_version)]
    if governance.sign_off is not None:
        record = governance.sign_off
        who = f"{record.name}, {record.role} ({record.professional_body} {record.registration})"
        rows += [("Last decision", f"{record.decision}, {record.date}"), ("By", who)]
    blocks: list[Block] = [Heading(level, "Scope"), *(Paragraph(p) for p in view.scope)]
    blocks += [Heading(level, "Sign-off"), Facts(tuple(rows)), Heading(level, "Hazard log")]
    for hazard in view.hazards:
        initial, residual = hazard.initial, hazard.residual
        facts = (
            ("Effect on the reader", hazard.effect),
            ("Initial risk", f"{initial.rating} ({initial.severity}, {initial.likelihood})"),
            ("Residual risk", f"{residual.rating} ({residual.severity}, {residual.likelihood})"),
        )
        controls = tuple(
            f"{control.kind}: {control.description} Verified by: "
            + "; ".join(check.test or f"check rule {check.rule}" for check in control.verified_by)
            for control in hazard.controls
        )
        blocks += [Heading(level + 1, hazard.title), Facts(facts), Bullets(hazard.causes)]
        blocks += [Bullets(controls)]
    return [*blocks, Heading(level, "Open issues"), Bullets(view.open_issues)]


def _hit(view: v.SearchHit, context: RenderContext, level: int) -> list[Block]:
    return [Paragraph(view.snippet), LinkList((Link(view.href, view.href),))]


def _match(view: v.LookupMatch, context: RenderContext, level: int) -> list[Block]:
    return [Paragraph(view.summary), LinkList((Link(view.name, context.url(view.href)),))]


def _locale(view: v.LocaleView, context: RenderContext, level: int) -> list[Block]:
    share = f"{view.translated_fields}/{view.total_fields}"
    return [Paragraph(f"{view.name}: {share} ({context.label('complete')}: {view.complete})")]


def _callouts(
    warnings: Iterable[v.WarningBrief | v.WarningView], context: RenderContext
) -> list[Callout]:
    return [
        Callout(
            w.severity,
            context.label(f"severity.{w.severity}"),
            w.title,
            v.warning_text(w, context.label("escalation_if")),
        )
        for w in warnings
    ]


def _safety(safety: v.StepSafety, context: RenderContext, level: int) -> list[Block]:
    """The red flags and contraindications a step carries wherever it is shown; the disclaimer
    closes every handout."""
    return _screening((*safety.red_flags, *safety.contraindications), context, level)


_SCREENED = ("red-flag", "contraindication")


def _screening(flags: Iterable[v.WarningBrief], context: RenderContext, level: int) -> list[Block]:
    """The red flags and contraindications, once, before anything else, in STOP boxes: one box
    for the red flags that call for the same action (emergency help, an urgent appointment),
    listing their questions, with the reader's regional advice; then one box of who should not
    do the check, each question with what to do instead."""
    groups: dict[str, list[str]] = {}
    not_for: list[str] = []
    if_label = context.label("escalation_if")
    for flag in flags:
        escalations = v.escalation_text(flag.escalations, if_label)
        if flag.kind == "red-flag" and flag.question and flag.care:
            action = f"{flag.action} {flag.care.advice}"
            groups.setdefault(action, []).append(flag.question + escalations)
        elif flag.kind == "contraindication" and flag.question:
            not_for.append(f"{flag.question} {flag.action}{escalations}")
    label, title = context.label("severity.stop"), context.label("if_any_yes")
    callouts = [
        Callout("stop", label, title, action, chunk)
        for action, questions in groups.items()
        for chunk in _chunks(questions, context.large_print)
    ]
    text = context.label("contraindications.text")
    callouts += [
        Callout("stop", label, context.label("contraindications"), text, chunk)
        for chunk in _chunks(not_for, context.large_print)
    ]
    return [Heading(level, context.label("screening")), *callouts] if callouts else []


# Questions per STOP box (characters), in standard and in large print: a box fits well within a
# page, and boxes short enough waste little paper where the next one does not fit at a page foot.
BOX_CHARACTERS = {False: 1300, True: 1100}


def _chunks(questions: list[str], large_print: bool) -> list[tuple[str, ...]]:
    """The questions in runs short enough for one box each, so that no box is split across
    pages when printed: each box repeats what to do if any answer is yes."""
    runs: list[list[str]] = []
    for question in questions:
        if not runs or sum(map(len, runs[-1])) + len(question) > BOX_CHARACTERS[large_print]:
            runs.append([])
        runs[-1].append(question)
    return [tuple(run) for run in runs]


def _links(label: str, refs: Iterable[v.Ref], level: int) -> list[Block]:
    links = tuple(Link(ref.name, ref.href) for ref in refs)
    return [Heading(level, label), LinkList(links)] if links else []


def _codes(codes: Iterable[v.CodeView], context: RenderContext, level: int) -> list[Block]:
    rows = tuple(
        f"{code.system} {code.code}" + (f" ({code.label})" if code.label else "") for code in codes
    )
    return [Heading(level, context.label("codes")), Bullets(rows)] if rows else []


def _rows(
    context: RenderContext, pairs: Iterable[tuple[str, str | None]]
) -> tuple[tuple[str, str], ...]:
    return tuple((context.label(key), value) for key, value in pairs if value)


def _footer(view: BaseModel, context: RenderContext) -> list[Block]:
    # Whatever this handout cites, and the works adapted by the guides its items belong to.
    adapted = [source_id for item in _items(view) for source_id in context.credits(item)]
    cited = list(dict.fromkeys([*_cited_sources(view), *adapted]))
    attributions = tuple(
        Link(source.attribution.text, source.url or source.links.self_)
        for source in (context.sources[i] for i in cited if i in context.sources)
    )
    blocks: list[Block] = []
    if attributions:  # an index or a list of locales draws on no source
        blocks += [Heading(2, context.label("sources")), LinkList(attributions)]
    blocks += _dates(view, context)
    rows = [(context.label("content_version"), context.version)]
    if context.credit is not None:
        rows.insert(0, (context.label("license"), context.credit.text))
    return [*blocks, Facts(tuple(rows), inline=True)]


def _dates(view: BaseModel, context: RenderContext) -> list[Block]:
    """When the item was published, changed and reviewed, where it says."""
    fields = ("published", "modified", "last_reviewed", "next_review")
    rows = _rows(context, ((name, str(getattr(view, name, None) or "")) for name in fields))
    return [Heading(2, context.label("dates")), Facts(rows, inline=True)] if rows else []


def _cited_sources(view: BaseModel) -> list[str]:
    cited: dict[str, None] = {}
    for item in _items(view):
        for source_id in getattr(item, "source_ids", ()):
            cited[source_id] = None
        if isinstance(item, v.SourceView):
            cited[item.id] = None
    return list(cited)


def _items(view: BaseModel) -> list[BaseModel]:
    if isinstance(view, v.Collection):
        return list(view.items)
    if isinstance(view, v.ExportPage):
        return [item for _, items in view.sections() for item in items]
    return [view]


def _untranslated(view: BaseModel) -> bool:
    translation = getattr(view, "translation", None)
    return bool(translation and translation.untranslated_fields)


_BUILDERS: dict[type, Builder] = {
    v.GuideView: _guide,
    v.SelfTestView: _self_test,
    v.StepView: _step_view,
    v.MuscleView: _muscle,
    v.ActionView: _action,
    v.LandmarkView: _landmark,
    v.TechniqueView: _technique,
    v.ConditionView: _condition,
    v.WarningView: _warning,
    v.SourceView: _source,
    v.ApiIndex: _index,
    v.SafetyCaseView: _safety_case,
    v.LocaleView: _locale,
    v.RegionView: _region,
    v.DiagramView: _diagram,
    v.SearchHit: _hit,
    v.LookupMatch: _match,
}
_COLLECTION_LABELS = {
    **{model.__name__: name for name, model in v.COLLECTION_MODELS.items()},
    "StepCollection": "steps",
    "LocaleCollection": "locales",
    "SearchResults": "search",
    "LookupResults": "lookup",
    "Manifest": "manifest",
    "ChangeFeed": "changes",
}
