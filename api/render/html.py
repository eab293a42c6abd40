"""HTML handouts: a complete, printable, accessible page with no script. ``text/html``."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from api.render import jsonld
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
from api.render.preview import page_head

MEDIA_TYPE = "text/html"
SUFFIX = ".html"
NAME = "Html"
TAG = "html"
PHRASE = "as an HTML handout"
DESCRIPTION = (
    "Every resource as a printable, accessible HTML handout (`text/html`): the `.html` "
    "suffix, or `Accept: text/html` on the JSON path."
)
# Served with the page so it needs no other request; print-friendly, warnings stand out in
# black and white as well as in colour.
STYLE = """\
body{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}
h1,h2,h3,h4{line-height:1.2}dt{font-weight:600}dd{margin:0 0 .5rem 1rem}
.warning{border-left:.5rem solid;padding:.5rem 1rem;margin:1rem 0}
.warning-stop{border-color:#b00020;background:#fdecee;border-width:.25rem .25rem .25rem .75rem;\
border-style:solid}
.warning-caution{border-color:#b35c00;background:#fff4e5}
.warning-info{border-color:#1a5fb4;background:#eef4fb}
.warning.brief{padding:.25rem 1rem;margin:.5rem 0}
.notice{font-style:italic}
.draft{border:3px solid #111;padding:.5rem 1rem;margin:0 0 1rem;background:#fff}
figure.diagram{margin:1rem 0}figure.diagram svg{max-width:100%;height:auto}
@page{margin:14mm 15mm}
@media print{body{font-size:9pt;line-height:1.25;margin:0;max-width:none;padding:0}\
h1{font-size:16pt;margin:0 0 .4rem}h2{font-size:12pt;margin:.6rem 0 .25rem;break-after:avoid}\
h3,h4{break-after:avoid}p{margin:.2rem 0}ul{margin:.2rem 0}\
dl{margin:.2rem 0}dt{display:inline;font-weight:bold}dt::after{content:": "}\
dd{display:inline;margin:0}dd::after{content:"\\A";white-space:pre}\
.warning{padding:.2rem .6rem;margin:.3rem 0}.warning p,.warning li{break-inside:avoid}\
.warning.brief{padding:.1rem .6rem;margin:.2rem 0}ol>li{margin-bottom:.4rem}\
ol>li>p:first-child{break-after:avoid}\
li>dl>dd::after{content:" \\b7  ";white-space:normal}li>dl>dd:last-child::after{content:""}\
a{color:inherit;text-decoration:none}a[href^="http"]::after{content:" <" attr(href) ">";\
font-size:8pt;overflow-wrap:anywhere}figure.diagram{float:right;width:36%;margin:0 0 .3rem .8rem}\
figure.diagram svg{width:100%;height:auto}figcaption{font-size:8pt}}
"""


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view as a complete HTML page, saying in its head how to preview and embed it."""
    document = build_document(view, context)
    head = page_head(view, document.title, context) + _linked_data(view, context)
    return render_document(document, head).encode("utf-8")


def _linked_data(view: BaseModel, context: RenderContext) -> str:
    """The page's schema.org JSON-LD, for search engines and for CMSs that copy the page: a data
    block, which the page's content security policy allows (nothing in it runs)."""
    data = jsonld.render(view, context).decode("utf-8")
    # Inside <script>, "</" or "<!--" could end or bend the element: "<" as a JSON escape.
    data = data.replace("<", "\\u003c")
    return f'<script type="application/ld+json">{data}</script>\n'


def render_document(document: Document, head: str = "") -> str:
    """The page of ``document``; ``head`` holds more lines for its head (links, metadata)."""
    body = []
    if document.draft:
        body.append(f'<p class="draft" role="note"><strong>{escape(document.draft)}</strong></p>')
    body.append(f"<h1>{escape(document.title)}</h1>")
    if document.notice:
        body.append(f'<p class="notice">{escape(document.notice)}</p>')
    body += [_block(block) for block in document.blocks]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(document.lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n"
        f"{head}"
        f"<style>{STYLE}</style>\n"
        "</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _block(block: Block) -> str:
    match block:
        case Heading(level=level, text=text):
            return f"<h{level}>{escape(text)}</h{level}>"
        case Paragraph(text=text):
            return f"<p>{escape(text)}</p>"
        case Facts(rows=rows):
            items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
            return f"<dl>{items}</dl>"
        case Bullets(items=items):
            return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
        case LinkList(links=links):
            return (
                "<ul>"
                + "".join(
                    f'<li><a href="{escape(link.href)}">{escape(link.text)}</a></li>'
                    for link in links
                )
                + "</ul>"
            )
        case Callout():
            return _callout(block)
        case Steps(steps=steps):
            return "<ol>\n" + "\n".join(_step(step) for step in steps) + "\n</ol>"
        case Figure(svg=svg, href=href, alt=alt):
            caption = f'<figcaption><a href="{escape(href)}">{escape(alt)}</a></figcaption>'
            return f'<figure class="diagram">{svg}{caption}</figure>'
    raise TypeError(f"no HTML for {block!r}")


def _callout(callout: Callout) -> str:
    label = callout.label.upper() if callout.severity == "stop" else callout.label
    head = f"<strong>{escape(label)}: {escape(callout.title)}</strong>"
    kind = f"warning warning-{callout.severity}"
    if callout.brief:
        return f'<p class="{kind} brief" role="note">{head} ({escape(callout.text)})</p>'
    items = "".join(f"<li>{escape(item)}</li>" for item in callout.items)
    listed = f"<ul>{items}</ul>" if items else ""
    return (
        f'<div class="{kind}" role="note"><p>{head}</p>{listed}<p>{escape(callout.text)}</p></div>'
    )


def _step(step: Step) -> str:
    parts = [
        f'<li value="{step.number}">',
        f"<p><strong>{escape(step.title)}</strong></p>",
        f"<p>{escape(step.instruction)}</p>",
    ]
    if step.details:
        parts.append(_block(Facts(step.details)))
    parts += [_callout(callout) for callout in step.callouts]
    parts.append("</li>")
    return "".join(parts)
