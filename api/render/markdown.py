"""Markdown handouts (CommonMark): ``text/markdown``."""

from __future__ import annotations

import re

from pydantic import BaseModel

from api.render.context import RenderContext
from api.render.document import (
    Block,
    Bullets,
    Callout,
    Document,
    Facts,
    Figure,
    Heading,
    LinkList,
    Paragraph,
    Step,
    Steps,
)
from api.render.handout import build_document

MEDIA_TYPE = "text/markdown"
SUFFIX = ".md"
NAME = "Markdown"
TAG = "markdown"
PHRASE = "as a Markdown handout"
DESCRIPTION = (
    "Every resource as a Markdown handout (`text/markdown`): the `.md` suffix, or `Accept: "
    "text/markdown` on the JSON path."
)
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_SYMBOLS = {"stop": "⛔", "caution": "⚠️", "info": "ℹ️"}  # noqa: RUF001 - the symbols are the point


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view as a Markdown handout."""
    return render_document(build_document(view, context)).encode("utf-8")


def render_document(document: Document) -> str:
    parts = [f"> **{escape(document.draft)}**"] if document.draft else []
    parts.append(f"# {escape(document.title)}")
    if document.notice:
        parts.append(f"*{escape(document.notice)}*")
    parts += [_block(block) for block in document.blocks]
    return "\n\n".join(parts) + "\n"


def escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup; numbered-list starts too."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    escaped = re.sub(r"^([#+=-])", r"\\\1", escaped)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)


def _block(block: Block) -> str:
    match block:
        case Heading(level=level, text=text):
            return f"{'#' * level} {escape(text)}"
        case Paragraph(text=text):
            return escape(text)
        case Facts(rows=rows):
            return "\n".join(f"- **{escape(label)}:** {escape(value)}" for label, value in rows)
        case Bullets(items=items):
            return "\n".join(f"- {escape(item)}" for item in items)
        case LinkList(links=links):
            return "\n".join(f"- [{escape(link.text)}](<{link.href}>)" for link in links)
        case Callout():
            return _callout(block)
        case Steps(steps=steps):
            return "\n\n".join(_step(step) for step in steps)
        case Figure(href=href, alt=alt):
            return f"![{escape(alt)}](<{href}>)"
    raise TypeError(f"no Markdown for {block!r}")


def _callout(callout: Callout) -> str:
    label = callout.label.upper() if callout.severity == "stop" else callout.label
    head = f"{_SYMBOLS[callout.severity]} **{escape(label)}: {escape(callout.title)}**"
    if callout.brief:
        return f"> {head} ({escape(callout.text)})"
    items = "".join(f"\n> - {escape(item)}" for item in callout.items)
    return f"> {head}\n>{items}{chr(10) + '>' if items else ''}\n> {escape(callout.text)}"


def _step(step: Step) -> str:
    marker = f"{step.number}. "
    indent = " " * len(marker)
    parts = [f"**{escape(step.title)}**", escape(step.instruction)]
    if step.details:
        parts.append(_block(Facts(step.details)))
    parts += [_callout(callout) for callout in step.callouts]
    if step.figure is not None:
        parts.append(_block(step.figure))
    body = "\n\n".join(parts).replace("\n", "\n" + indent).replace(indent + "\n", "\n")
    return marker + body
