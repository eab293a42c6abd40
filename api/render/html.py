"""HTML handouts: a complete, printable, accessible page with no script. ``text/html``."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from api.render import jsonld
from api.render.context import RenderContext
from api.render.document import (
    ACROSS,
    BESIDE,
    MARGIN_MM,
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
# Printed, text is set in a sans serif with Arial's widths where there is one (Debian's
# fonts-liberation), which fits more words on a line than DejaVu Sans at the same size.
PRINT_FONTS = '"Liberation Sans", Arial, "DejaVu Sans", sans-serif'
# Served with the page so it needs no other request; warnings stand out in black and white as
# well as in colour. Printed (and typeset as a PDF), it follows clear-print guidance for patient
# information: body text at 12 pt (16 pt in large print), headings larger, nothing under 9 pt,
# no warning split across pages.
STYLE = f"""\
body{{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;\
color:#111}}.large body{{font-size:1.375rem;max-width:56rem}}
h1,h2,h3,h4{{line-height:1.2}}dt{{font-weight:600}}dd{{margin:0 0 .5rem 1rem}}
.warning{{border-left:.5rem solid;padding:.5rem 1rem;margin:1rem 0}}
.warning-stop{{border-color:#b00020;background:#fdecee;border-width:.25rem .25rem .25rem .75rem;\
border-style:solid}}
.warning-caution{{border-color:#b35c00;background:#fff4e5}}
.warning-info{{border-color:#1a5fb4;background:#eef4fb}}
.warning.brief{{padding:.25rem 1rem;margin:.5rem 0}}
.notice{{font-style:italic}}
.draft{{border:3px solid #111;padding:.5rem 1rem;margin:0 0 1rem;background:#fff}}
figure.diagram{{margin:1rem 0}}figure.diagram svg{{max-width:100%;height:auto}}
figure.beside{{max-width:26rem}}.legend{{margin:.25rem 0;padding:0;list-style:none}}
.beside .legend li{{display:inline}}.beside .legend li+li::before{{content:" \\b7  "}}
@page{{margin:{MARGIN_MM}mm}}
@media print{{body{{font-family:{PRINT_FONTS};font-size:12pt;line-height:1.25;margin:0;\
max-width:none;padding:0}}\
.large body{{font-size:16pt;max-width:none}}\
h1{{font-size:1.7em;margin:0 0 .4em}}h2{{font-size:1.35em;margin:.8em 0 .3em;break-after:avoid}}\
h3,h4{{font-size:1.15em;break-after:avoid}}p{{margin:.3em 0}}ul{{margin:.3em 0}}\
dl{{margin:.3em 0}}dt{{display:inline;font-weight:bold}}dt::after{{content:": "}}\
dd{{display:inline;margin:0}}dd::after{{content:"\\A";white-space:pre}}\
.warning,.draft{{padding:.3em .7em;margin:.5em 0;break-inside:avoid;overflow:hidden}}\
.warning.brief{{padding:.15em .7em;margin:.3em 0}}ol>li{{margin-bottom:.7em;clear:both;\
break-inside:avoid}}\
div.step{{break-inside:avoid}}li.pictured>div.step>p,li.pictured>dl,li.pictured>.warning{{\
margin-right:{(BESIDE + 0.03) * 100:g}%}}li.pictured::after{{content:"";display:block;clear:both}}\
li>dl>dd::after,dl.inline>dd::after{{content:" \\b7  ";white-space:normal}}\
li>dl>dd:last-child::after,dl.inline>dd:last-child::after{{content:""}}\
a{{color:inherit;text-decoration:none}}.print-links a[href^="http"]::after{{\
content:" <" attr(href) ">";font-size:.8em;overflow-wrap:anywhere}}\
figure.diagram{{width:100%;margin:.5em 0;break-inside:avoid;display:flex;gap:.8em}}\
figure.diagram>svg{{width:{ACROSS * 100:g}%;flex:none}}\
figure.beside{{float:right;display:block;width:{BESIDE * 100:g}%;max-width:none;\
margin:0 0 .4em .8em}}figure.beside>svg{{width:100%}}\
figure.diagram svg{{height:auto}}figcaption{{font-size:.85em}}.legend{{font-size:1em}}}}
"""
# The stylesheet of a page for each paper it is printed on (its CSS page size added): each is
# one exact text, so that the pages' content security policy can allow each by its hash.
STYLES = {
    paper: f"{STYLE}@page{{size:{size}}}\n" for paper, size in (("a4", "A4"), ("letter", "letter"))
}


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
    names = [
        name
        for name, on in (("large", document.large_print), ("print-links", document.print_links))
        if on
    ]
    classes = f' class="{" ".join(names)}"' if names else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(document.lang)}"{classes}>\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n"
        f"{head}"
        f"<style>{STYLES[document.paper]}</style>\n"
        "</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _block(block: Block) -> str:
    match block:
        case Heading(level=level, text=text):
            return f"<h{level}>{escape(text)}</h{level}>"
        case Paragraph(text=text):
            return f"<p>{escape(text)}</p>"
        case Facts(rows=rows, inline=inline):
            items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
            return f'<dl class="inline">{items}</dl>' if inline else f"<dl>{items}</dl>"
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
        case Figure():
            return _figure(block)
    raise TypeError(f"no HTML for {block!r}")


def _figure(figure: Figure) -> str:
    """The picture, its numbers in words (a list a screen reader reads too), and its caption."""
    legend = "".join(f"<li>{escape(entry)}</li>" for entry in figure.legend)
    listed = f'<ul class="legend">{legend}</ul>' if legend else ""
    # Beside a step, the picture's title would repeat the step's (it is the picture's own
    # accessible name, from its <title>): only the legend is shown.
    caption = "" if figure.beside else f'<a href="{escape(figure.href)}">{escape(figure.alt)}</a>'
    kind = "diagram beside" if figure.beside else "diagram"
    return f'<figure class="{kind}">{figure.svg}<figcaption>{caption}{listed}</figcaption></figure>'


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
    # The title and the words stay on one page when printed; the picture, between them in the
    # markup, floats beside the words.
    figure = "" if step.figure is None else _figure(step.figure)
    parts = [
        f'<li value="{step.number}"{"" if step.figure is None else " class=pictured"}>'
        '<div class="step">',
        f"<p><strong>{escape(step.title)}</strong></p>{figure}",
        f"<p>{escape(step.instruction)}</p></div>",
    ]
    if step.details:
        parts.append(_block(Facts(step.details)))
    parts += [_callout(callout) for callout in step.callouts]
    parts.append("</li>")
    return "".join(parts)
