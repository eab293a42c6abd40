"""The page made for an iframe (``/embed/...``): the HTML handout, set to fill its frame.

The frame cannot tell its parent its height: the embed code gives the iframe a fixed ratio
(``EMBED_RATIO``) and the page scrolls inside it. Links open outside the frame.

The handout's screening boxes become one question a line (``checklist``), in the order the API
serves them (``screening_order``: emergencies, then the other red flags, then who should not do
the check), each followed by what a yes means, in full. The web component's script, from this
origin (the page's only script), makes them a checklist: Yes/No for each question, what a yes
means shown after a yes, and what follows the screening (the steps) once every answer is no.
Without the script, and in print, every question, every answer's text and the steps show.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from pydantic import BaseModel

from api.bundle import resources as v
from api.render.context import RenderContext
from api.render.document import Block, Callout, Document, Heading, Paragraph
from api.render.embedscript import embed_script
from api.render.handout import build_document
from api.render.html import render_document
from api.render.preview import page_url

EMBED_PATH_PREFIX = "/embed/"
EMBED_WIDTH = 600  # CSS pixels the embed code asks for, at most
EMBED_RATIO = (3, 4)  # width : height
# Where the pages' one script may come from (their CSP's script-src): this origin, which serves
# the web component's script and no other.
EMBED_SCRIPT_SOURCE = "'self'"
# Over the handout's stylesheet (more specific, as it comes first): fill the frame edge to
# edge, and read well in a narrow one. The checklist: a question and its Yes/No on one line,
# what a yes means under it; hidden parts show in print.
EMBED_STYLE = """\
html body{max-width:none;margin:0;padding:.75rem 1rem;font-size:.95rem}
html h1{font-size:1.4rem;margin-top:0}
.question{border:0;border-top:1px solid #767676;margin:0;padding:.35rem 0;min-width:0}
.checklist .question{display:grid;grid-template-columns:1fr auto;column-gap:.5rem;\
align-items:center}
.question legend{float:left;width:100%;padding:0}
.checklist .question legend{width:auto}
.answers{display:flex;gap:.1rem}
.answers label{display:inline-flex;align-items:center;gap:.3rem;padding:0 .3rem;\
min-height:2.25rem;cursor:pointer}
.answers input{width:1.2rem;height:1.2rem;margin:0}
.if-yes{clear:both;grid-column:1/-1}
.question .warning{margin:.35rem 0 .2rem;padding:.25rem .75rem}
.question .warning p{margin:.2rem 0}
.outcome{border:2px solid #111;padding:.5rem .75rem;font-weight:600}
.outcome[data-outcome="stop"]{border:4px double #b00020;background:#fdecee}
.if-yes[hidden],[data-fascia-gate][hidden]{display:none}
@media print{.if-yes[hidden],[data-fascia-gate][hidden]{display:block}\
.answers,.checklist-intro,.outcome{display:none}\
.checklist .question{display:block}.checklist .question legend{width:100%}}
"""
# Stand-ins for the checklist and the end of what it gates, while the document is rendered.
_CHECKLIST_MARK = "fascia-embed-checklist-4d1c0f"
_GATE_END_MARK = "fascia-embed-gate-end-4d1c0f"


def embed_height(width: int) -> int:
    """The height of a frame ``width`` wide, at the embed's ratio."""
    return width * EMBED_RATIO[1] // EMBED_RATIO[0]


def screening_order(view: BaseModel) -> list[v.WarningBrief]:
    """The screening questions of a self-test or a step in the order the API serves them: the
    self-test's ``screening`` (its red flags, emergencies first) then its ``contraindications``;
    a step's ``safety.red_flags`` then ``safety.contraindications``. Any other red flag or
    contraindication with a question follows, so that none is lost."""
    if isinstance(view, v.SelfTestView):
        by_id = {w.id: w for w in view.warnings}
        ids = [q.warning_id for q in view.screening] + [
            q.warning_id for q in view.contraindications
        ]
        ordered = [by_id[i] for i in ids if i in by_id]
        listed = set(ids)
        ordered += [
            w
            for w in view.warnings
            if w.kind in ("red-flag", "contraindication") and w.question and w.id not in listed
        ]
        return [w for w in ordered if w.question]
    if isinstance(view, v.StepView):
        flags = (*view.safety.red_flags, *view.safety.contraindications)
        return [w for w in flags if w.question]
    return []


def answer_texts(warning: v.WarningBrief, if_yes: str, escalation_if: str) -> list[str]:
    """What a yes to ``warning``'s question means, word for word, a paragraph each: why (its
    reason), what to do and where to get that care in the reader's region, then each
    escalation."""
    advice = warning.care.advice if warning.care else None
    then = " ".join(filter(None, [warning.action, advice]))
    texts = [warning.reason] if warning.reason else []
    texts.append(f"{if_yes}: {then}")
    return texts + [escalation.sentence(escalation_if) for escalation in warning.escalations]


def checklist(questions: Iterable[v.WarningBrief], context: RenderContext, heading: Heading) -> str:
    """The screening, one fieldset a question: its legend the question, then what a yes means
    in a STOP box (the script adds the Yes/No buttons)."""
    stop = context.label("severity.stop").upper()
    if_yes, escalation_if = context.label("if_yes"), context.label("escalation_if")
    fieldsets = []
    for warning in questions:
        urgency = warning.care.urgency if warning.care else warning.kind
        texts = "".join(
            f"<p>{escape(text)}</p>" for text in answer_texts(warning, if_yes, escalation_if)
        )
        fieldsets.append(
            f'<fieldset class="question" data-question="{escape(warning.id)}" '
            f'data-urgency="{escape(urgency)}"><legend>{escape(warning.question or "")}</legend>'
            '<div class="if-yes"><div class="warning warning-stop" role="note">'
            f"<p><strong>{escape(stop)}: {escape(warning.title)}</strong></p>{texts}</div></div>"
            "</fieldset>"
        )
    level = heading.level
    return (
        '<section class="screening" data-fascia-screening aria-labelledby="screening">'
        f'<h{level} id="screening">{escape(heading.text)}</h{level}>\n'
        + "\n".join(fieldsets)
        + "\n</section>"
    )


def _is_screening_box(block: Block, context: RenderContext) -> bool:
    titles = (context.label("if_any_yes"), context.label("contraindications"))
    return isinstance(block, Callout) and not block.brief and block.title in titles


def with_checklist(
    document: Document, questions: list[v.WarningBrief], context: RenderContext
) -> tuple[Document, Heading] | None:
    """``document`` with its screening heading and boxes replaced by a stand-in for the
    checklist, and the blocks after them up to the handout's closing part (the disclaimer, the
    sources or the dates) marked as gated: the steps; and the screening's heading. ``None``
    when the document has no screening to replace."""
    blocks = list(document.blocks)
    title = context.label("screening")
    start = next(
        (i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == title), None
    )
    if start is None or not questions:
        return None
    heading = blocks[start]
    assert isinstance(heading, Heading)
    end = start + 1
    while end < len(blocks) and _is_screening_box(blocks[end], context):
        end += 1
    # The gate ends where the handout's closing part begins: the disclaimer (where it closes
    # the handout), the sources or the dates.
    closing = {context.label(key) for key in ("disclaimer", "sources", "dates")}
    gate_end = next(
        (
            i
            for i, b in enumerate(blocks)
            if i >= end and isinstance(b, Heading) and b.level == 2 and b.text in closing
        ),
        len(blocks),
    )
    kept = [
        *blocks[:start],
        Paragraph(_CHECKLIST_MARK),
        *blocks[end:gate_end],
        Paragraph(_GATE_END_MARK),
        *blocks[gate_end:],
    ]
    return Document(
        title=document.title,
        lang=document.lang,
        blocks=tuple(kept),
        notice=document.notice,
        draft=document.draft,
    ), heading


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view's handout as a page for an iframe, its canonical link naming the full page."""
    document = build_document(view, context)
    path = getattr(getattr(view, "links", None), "self_", None)
    head = [
        '<meta name="robots" content="noindex">',
        '<base target="_blank">',
        f"<style>{EMBED_STYLE}</style>",
    ]
    if isinstance(path, str):
        canonical = page_url(path, context.locale, context.base_url)
        head.insert(0, f'<link rel="canonical" href="{escape(canonical)}">')
    plain = "\n".join(head) + "\n"
    questions = screening_order(view)
    replaced = with_checklist(document, questions, context)
    if replaced is None:
        return render_document(document, plain).encode("utf-8")
    script = embed_script()
    head.append(
        f'<script type="module" src="{escape(script.path)}" '
        f'integrity="{escape(script.integrity)}" crossorigin="anonymous"></script>'
    )
    page = render_document(replaced[0], "\n".join(head) + "\n")
    marks = (f"<p>{_CHECKLIST_MARK}</p>", f"<p>{_GATE_END_MARK}</p>")
    if any(page.count(mark) != 1 for mark in marks):
        # The handout's markup changed under the stand-ins: its own screening, never none.
        return render_document(document, plain).encode("utf-8")
    start = checklist(questions, context, replaced[1]) + "\n<div data-fascia-gate>"
    return page.replace(marks[0], start).replace(marks[1], "</div>").encode("utf-8")
