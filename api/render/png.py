"""The diagram as a PNG, for link previews: ``image/png``, 1200 x 630.

Chat apps and social networks do not show an SVG ``og:image``; they show a PNG of about 1200 x
630. This is the same picture as ``.svg`` (same highlights, labels and key), centred on a white
canvas of that size and rasterised by CairoSVG (which needs the cairo library, Debian
``libcairo2``). Rasterising takes tens of milliseconds, so the server does it in a worker process
like a PDF (``markup`` then ``typeset``).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from api.render import svg
from api.render.context import RenderContext, Unavailable

MEDIA_TYPE = "image/png"
SUFFIX = ".png"
NAME = "Png"
TAG = "png"
PHRASE = "as a picture of its diagram for link previews (PNG)"
DESCRIPTION = (
    "The same picture as `.svg`, 1200 x 630 pixels on white, for link previews (`og:image`): "
    "the `.png` suffix, or `Accept: image/png`. A resource no diagram shows answers 406."
)
VIEWS = svg.VIEWS
EXPORTED = False  # rasterised on request, then cached
WIDTH, HEIGHT = 1200, 630
MARGIN = 24
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def draws(view: BaseModel) -> bool:
    return svg.draws(view)


def render(view: BaseModel, context: RenderContext) -> bytes:
    return typeset(markup(view, context))


def markup(view: BaseModel, context: RenderContext) -> str:
    """The picture's SVG, fitted (ratio kept) inside a white 1200 x 630 canvas."""
    inner = _PROLOG.sub("", svg.render(view, context).decode("utf-8"), count=1)
    head, _, body = inner.partition(">")
    head = _SIZE.sub("", head)  # the canvas sizes it instead
    box = f'x="{MARGIN}" y="{MARGIN}" width="{WIDTH - 2 * MARGIN}" height="{HEIGHT - 2 * MARGIN}"'
    inner = f'{head} {box} preserveAspectRatio="xMidYMid meet">{body}'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f"{inner}</svg>"
    )


def typeset(markup: str) -> bytes:
    """The PNG of ``markup``; nothing outside it is fetched."""
    png: bytes = _cairosvg().svg2png(bytestring=markup.encode("utf-8"), unsafe=False)
    return png


def _cairosvg() -> Any:
    try:
        import cairosvg  # type: ignore[import-untyped]  # noqa: PLC0415 - needs cairo
    except OSError as error:
        message = "PNG is unavailable here: this server lacks cairo (libcairo2)"
        raise Unavailable(f"{message}. The other representations work.") from error
    return cairosvg
