"""PDF handouts: the HTML handout typeset by WeasyPrint as tagged PDF/UA-1. ``application/pdf``.

The same document as the HTML page, so the two never disagree; the diagram is inline SVG, so
nothing is fetched. WeasyPrint needs Pango (Debian ``libpango-1.0-0 libpangoft2-1.0-0``): it is
imported on the first PDF, and a server without it answers that request with a clear problem
instead of failing to start.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.render import html
from api.render.context import RenderContext, Unavailable
from api.render.handout import build_document

MEDIA_TYPE = "application/pdf"
SUFFIX = ".pdf"
NAME = "Pdf"
TAG = "pdf"
PHRASE = "as a PDF handout"
DESCRIPTION = (
    "Every resource as a PDF handout, typeset from the HTML one (`application/pdf`): the "
    "`.pdf` suffix, or `Accept: application/pdf` on the JSON path."
)
AUTHOR = "Fascia"
# Tagged for assistive technology (ISO 14289-1): the language, the title shown instead of the
# file name, headings, lists and figures as structure, in reading order.
PDF_VARIANT = "pdf/ua-1"
EXPORTED = False  # seconds of typesetting per page: on request, then cached


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view's handout as a PDF with its title, language and author set."""
    return typeset(markup(view, context))


def markup(view: BaseModel, context: RenderContext) -> str:
    """The HTML handout to typeset (quick): what ``typeset`` needs, as a string a worker
    process can be sent."""
    document = build_document(view, context)
    return html.render_document(document).replace(
        "<title>", f'<meta name="author" content="{AUTHOR}">\n<title>', 1
    )


def typeset(markup: str) -> bytes:
    """The PDF of ``markup`` (slow: seconds of CPU for a long handout). Run in a worker process
    by the server (``api.render.pool``)."""
    document = _html_class()(string=markup, url_fetcher=_refuse)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def _html_class() -> Any:
    try:
        from weasyprint import HTML  # noqa: PLC0415 - needs system libraries: see the docstring
    except OSError as error:  # Pango missing: WeasyPrint cannot load it
        message = "PDF is unavailable here: this server lacks Pango (libpango-1.0-0)"
        raise Unavailable(f"{message}. The other representations work.") from error
    return HTML


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    """A handout is self-contained: nothing is fetched while typesetting it."""
    raise ValueError(f"not fetched: {url}")
