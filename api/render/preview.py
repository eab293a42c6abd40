"""What an HTML page says about itself in its head: its canonical URL, oEmbed discovery, and the
Open Graph and Twitter card metadata that chat apps and CMSs build link previews from.

URLs are absolute, at the configured origin (``FASCIA_PUBLIC_URL``), and name the page's
language, so a preview or an embed shows what the reader saw.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from pydantic import BaseModel

from api.bundle.resources import SVG_SUFFIX
from api.content.languages import language_of
from api.render.context import RenderContext
from api.render.png import HEIGHT as PNG_HEIGHT
from api.render.png import MEDIA_TYPE as PNG_MEDIA_TYPE
from api.render.png import SUFFIX as PNG_SUFFIX
from api.render.png import WIDTH as PNG_WIDTH

OEMBED_PATH = "/oembed"
PROVIDER = "Fascia"
DESCRIPTION_LIMIT = 200  # characters: previews cut longer descriptions anyway
# Open Graph wants language_TERRITORY; the content is written for no one territory, so each
# language names the territory where most of its readers are.
_DESCRIBED_BY = ("summary", "instruction", "how_to_find", "sign", "description")


def page_url(path: str, locale: str, origin: str, suffix: str = ".html") -> str:
    """The absolute URL of ``path`` (a ``links.self``, query and all) as the page with
    ``suffix`` in ``locale``."""
    if origin and path.startswith(f"{origin}/"):  # a page's own link is absolute already
        path = path[len(origin) :]
    stem, _, query = path.partition("?")
    query = "&".join(part for part in (query, f"lang={quote(locale)}") if part)
    return f"{origin}{stem}{suffix}?{query}"


def oembed_url(url: str, origin: str) -> str:
    """Where a consumer asks for the oEmbed of ``url``."""
    return f"{origin}{OEMBED_PATH}?{urlencode({'url': url, 'format': 'json'})}"


def diagram_url(view: BaseModel) -> str | None:
    """The view's diagram link, when its kind has diagrams."""
    links = getattr(view, "links", None)
    diagram = getattr(links, "diagram", None)
    return diagram if isinstance(diagram, str) else None


def description(view: BaseModel) -> str | None:
    """A sentence or two saying what the page holds, for previews."""
    for name in _DESCRIBED_BY:
        value = getattr(view, name, None)
        if isinstance(value, str) and value:
            if len(value) <= DESCRIPTION_LIMIT:
                return value
            return value[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return None


def page_head(view: BaseModel, title: str, context: RenderContext) -> str:
    """The ``<head>`` lines describing the page of ``view``; none when it has no own URL."""
    links = getattr(view, "links", None)
    path = getattr(links, "self_", None)
    if not isinstance(path, str):
        return ""
    canonical = page_url(path, context.locale, context.base_url)
    meta = [
        ("og:type", "article"),
        ("og:site_name", PROVIDER),
        ("og:title", title),
        ("og:url", canonical),
    ]
    meta.append(("og:locale", language_of(context.locale).open_graph))
    if (text := description(view)) is not None:
        meta.append(("og:description", text))
    image = diagram_url(view)
    if image is not None:
        picture = context.url(image.replace(SVG_SUFFIX, PNG_SUFFIX, 1))  # in this language
        meta += [
            ("og:image", picture),
            ("og:image:type", PNG_MEDIA_TYPE),
            ("og:image:width", str(PNG_WIDTH)),
            ("og:image:height", str(PNG_HEIGHT)),
            ("og:image:alt", title),
        ]
    card = [("twitter:card", "summary_large_image" if image else "summary")]
    card.append(("twitter:title", title))
    if image is not None:
        card += [("twitter:image", picture), ("twitter:image:alt", title)]
    alternates = [
        f'<link rel="alternate" hreflang="{escape(locale)}" '
        f'href="{escape(page_url(path, locale, context.base_url))}">'
        for locale in context.locales
    ]
    if context.locales:  # x-default: the first locale, the library's default
        default = page_url(path, context.locales[0], context.base_url)
        alternates.append(f'<link rel="alternate" hreflang="x-default" href="{escape(default)}">')
    lines = [
        f'<link rel="canonical" href="{escape(canonical)}">',
        *alternates,
        '<link rel="alternate" type="application/json+oembed" '
        f'href="{escape(oembed_url(canonical, context.base_url))}" title="{escape(title)}">',
        *(f'<meta property="{p}" content="{escape(v)}">' for p, v in meta),
        *(f'<meta name="{n}" content="{escape(v)}">' for n, v in card),
    ]
    if text is not None:
        lines.append(f'<meta name="description" content="{escape(text)}">')
    return "\n".join(lines) + "\n"
