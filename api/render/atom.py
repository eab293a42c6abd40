"""HL7 Infobutton answers: what a code lookup found, as an Atom 1.0 feed (RFC 4287) or as the
same feed in JSON (each element's value under ``_value``, as MedlinePlus Connect writes it).

Only ``/infobutton`` answers with a feed, so this module is not one of the negotiated
representations (``REPRESENTATIONS``): ``api.routes.infobutton`` parses the request, chooses
the media type and calls ``feed`` and ``render``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from pydantic import BaseModel

from api.bundle.lookup import Found
from api.bundle.resources import (
    AtomCategory,
    AtomLink,
    AtomPerson,
    AtomText,
    AtomValue,
    InfobuttonEntry,
    InfobuttonFeed,
    InfobuttonResponse,
    LookupMatch,
    SelfTestView,
)
from api.render import html, jsonview
from api.render.context import RenderContext

MEDIA_TYPE = "application/atom+xml"
JSON_MEDIA_TYPE = jsonview.MEDIA_TYPE
CONTENT_TYPES = {MEDIA_TYPE: f"{MEDIA_TYPE}; charset=utf-8", JSON_MEDIA_TYPE: JSON_MEDIA_TYPE}


def feed(
    found: Found,
    items: Sequence[BaseModel | None],
    system: str,
    feed_id: str,
    categories: Sequence[tuple[str, str]],
    context: RenderContext,
) -> InfobuttonResponse:
    """The feed for ``found`` (whose matches are ``items``, in the lookup's order; none for a
    code nothing is written for) of the code system titled ``system``: one entry per match,
    each summary ending with the safety to read first. ``feed_id`` is the canonical request;
    ``categories`` echo the request's parameters; links are absolute from the context's base
    URL."""
    base, locale = context.base_url, context.locale
    disclaimer = context.disclaimer
    credit = context.credit.text if context.credit is not None else ""
    entries = []
    for match, item in zip(found.matches, items, strict=True):
        safety = [f"{disclaimer.title}: {disclaimer.action}"]
        if isinstance(item, SelfTestView):
            screening = context.label("lookup.screening").format(
                flags=len(item.screening), contraindications=len(item.contraindications)
            )
            safety.insert(0, screening)
        day = item_date(item) or item_date(disclaimer)
        entries.append(_entry(match, day, safety, credit, context))
    latest = _stamp(item_date(disclaimer))  # an empty feed: when the disclaimer last changed
    updated = max((entry.updated.value for entry in entries), default=latest)
    title = context.label("lookup.results").format(system=system, code=found.code)
    return InfobuttonResponse(
        feed=InfobuttonFeed(
            lang=locale,
            base=f"{base}/",
            title=AtomText(value="Fascia"),
            subtitle=AtomText(value=title),
            author=AtomPerson(name=AtomValue(value="Fascia"), uri=AtomValue(value=f"{base}/")),
            updated=AtomValue(value=updated),
            id=AtomValue(value=feed_id),
            rights=AtomText(value=credit),
            category=tuple(AtomCategory(scheme=s, term=t) for s, t in categories),
            entry=tuple(entries),
        )
    )


def item_date(item: object) -> date | None:
    """When the item last changed: its modified date, else its publication date."""
    modified = getattr(item, "modified", None)
    return modified if isinstance(modified, date) else getattr(item, "published", None)


def _stamp(day: date | None) -> str:
    """An Atom date; content without dates (never published) shows the epoch."""
    return f"{(day or date(1970, 1, 1)).isoformat()}T00:00:00Z"


def _entry(
    match: LookupMatch, day: date | None, safety: list[str], credit: str, context: RenderContext
) -> InfobuttonEntry:
    """One match: a link for people (its HTML handout) and one for programs (its JSON), both in
    the feed's language; its summary starts with the draft notice while there is one."""
    lang = context.locale
    draft = [context.draft_notice] if context.draft_notice else []
    links = ((html.MEDIA_TYPE, html.SUFFIX), (JSON_MEDIA_TYPE, ""))
    return InfobuttonEntry(
        lang=lang,
        title=AtomText(value=match.name),
        link=tuple(
            AtomLink(
                href=context.url(match.href + suffix),
                rel="alternate",
                type=media_type,
                hreflang=lang,
                title=match.name,
            )
            for media_type, suffix in links
        ),
        id=AtomValue(value=f"{context.base_url}{match.href}"),
        updated=AtomValue(value=_stamp(day)),
        summary=AtomText(value="\n\n".join([*draft, match.summary, *safety])),
        rights=AtomText(value=credit),
    )


def render(answer: InfobuttonResponse, media_type: str) -> bytes:
    """``answer`` as an Atom document, or as JSON when ``media_type`` is JSON's."""
    if media_type == JSON_MEDIA_TYPE:
        return answer.model_dump_json(by_alias=True).encode()
    return atom(answer.feed)


def quoteattr(value: str) -> str:
    """An XML attribute value, quoted (``html.escape`` escapes both quotes: valid XML)."""
    return f'"{escape(value)}"'


def atom(feed: InfobuttonFeed) -> bytes:
    """``feed`` as an Atom 1.0 document (RFC 4287)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(feed.lang)} '
        f"xml:base={quoteattr(feed.base)}>",
        f'<title type="text">{escape(feed.title.value, quote=False)}</title>',
        f'<subtitle type="text">{escape(feed.subtitle.value, quote=False)}</subtitle>',
        f"<author><name>{escape(feed.author.name.value, quote=False)}</name>"
        f"<uri>{escape(feed.author.uri.value, quote=False)}</uri></author>",
        f"<updated>{feed.updated.value}</updated>",
        f"<id>{escape(feed.id.value, quote=False)}</id>",
        f'<rights type="text">{escape(feed.rights.value, quote=False)}</rights>',
    ]
    out += [
        f"<category scheme={quoteattr(c.scheme)} term={quoteattr(c.term)}/>" for c in feed.category
    ]
    for entry in feed.entry:
        out.append(f"<entry xml:lang={quoteattr(entry.lang)}>")
        out.append(f'<title type="text">{escape(entry.title.value, quote=False)}</title>')
        out += [
            f"<link href={quoteattr(link.href)} rel={quoteattr(link.rel)} "
            f"type={quoteattr(link.type)} hreflang={quoteattr(link.hreflang)} "
            f"title={quoteattr(link.title)}/>"
            for link in entry.link
        ]
        out.append(f"<id>{escape(entry.id.value, quote=False)}</id>")
        out.append(f"<updated>{entry.updated.value}</updated>")
        out.append(f'<summary type="text">{escape(entry.summary.value, quote=False)}</summary>')
        out.append(f'<rights type="text">{escape(entry.rights.value, quote=False)}</rights>')
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")
