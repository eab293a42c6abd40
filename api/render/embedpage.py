"""The page made for an iframe (``/embed/...``): the HTML handout, set to fill its frame.

No script, so the frame cannot tell its parent its height: the embed code gives the iframe a
fixed ratio (``EMBED_RATIO``) and the page scrolls inside it. Links open outside the frame.
"""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from api.render.context import RenderContext
from api.render.handout import build_document
from api.render.html import render_document
from api.render.preview import page_url

EMBED_PATH_PREFIX = "/embed/"
EMBED_WIDTH = 600  # CSS pixels the embed code asks for, at most
EMBED_RATIO = (3, 4)  # width : height
# Over the handout's stylesheet (more specific, as it comes first): fill the frame edge to
# edge, and read well in a narrow one.
EMBED_STYLE = """\
html body{max-width:none;margin:0;padding:.75rem 1rem;font-size:.95rem}
html h1{font-size:1.4rem;margin-top:0}
"""


def embed_height(width: int) -> int:
    """The height of a frame ``width`` wide, at the embed's ratio."""
    return width * EMBED_RATIO[1] // EMBED_RATIO[0]


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
    return render_document(document, "\n".join(head) + "\n").encode("utf-8")
