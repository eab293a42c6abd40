"""HL7 Infobutton: patient education for a problem code, as EHRs and patient portals ask for it.

The request is HL7's URL-based Context-Aware Knowledge Retrieval: the code system as an OID in
``mainSearchCriteria.v.cs``, the code in ``mainSearchCriteria.v.c``, the reader's language in
``informationRecipient.languageCode.c``, and ``knowledgeResponseType`` (``application/json``,
else an Atom 1.0 feed). The answer is what ``/v1/lookup`` finds, one entry per item, each with
a link for people and one for programs, its summary, and the safety to read before opening it.
Other Infobutton parameters (patient, performer, encounter...) are accepted and ignored, as the
implementation guide asks of a knowledge resource that does not use them.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api.bundle.labels import labels_for
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
    WarningView,
)
from api.bundle.urls import INFOBUTTON_PATH
from api.content.terminology import BY_OID, CodeSystem
from api.http.errors import UnknownParameters, UnknownValue, error_responses
from api.http.headers import VARY_NEGOTIATED, content_response
from api.http.negotiation import (
    LANGUAGE_MAX_LENGTH,
    LANGUAGE_PATTERN,
    Negotiator,
    choose_media_type,
)
from api.routes.common import Locale
from api.routes.lookup import find

ATOM = "application/atom+xml"
JSON = "application/json"
ResponseType = Literal["application/json", "application/atom+xml", "text/xml"]
Recipient = Literal["PAT", "PROV", "PAYOR"]
# The roots of the Infobutton parameters a knowledge request may carry (HL7 URL-based
# implementation guide): accepted, and ignored unless named below.
CONTEXT_ROOTS = (
    "taskContext.",
    "subTopic.",
    "mainSearchCriteria.",
    "severityObservation.",
    "patientPerson.",
    "age.",
    "ageGroup.",
    "informationRecipient",
    "performer",
    "encounter.",
    "serviceDeliveryLocation.",
    "holder.",
    "locationOfInterest.",
    "executionTimeStamp",
)

router = APIRouter(tags=["lookup"])
OIDS = ", ".join(f"`{system.oid}` ({system.title})" for system in BY_OID.values())


@router.get(
    INFOBUTTON_PATH,
    operation_id="infobuttonLookup",
    summary="HL7 Infobutton: patient education for a problem code",
    response_model=InfobuttonResponse,
    responses={
        200: {
            "description": "An Atom 1.0 feed (the default), or the same feed as JSON when "
            "`knowledgeResponseType` or `Accept` asks for `application/json`.",
            "content": {ATOM: {"schema": {"type": "string"}}},
        },
        **error_responses(400, 404, 422),
    },
)
async def infobutton(
    request: Request,
    system: Annotated[
        str,
        Query(
            alias="mainSearchCriteria.v.cs",
            max_length=64,
            description=f"The code system's OID: {OIDS}. Any other is a 400 listing these.",
            examples=["2.16.840.1.113883.6.96"],
            json_schema_extra={"enum": list(BY_OID)},
        ),
    ],
    code: Annotated[
        str,
        Query(
            alias="mainSearchCriteria.v.c",
            min_length=1,
            max_length=40,
            description="The problem code. ICD codes match without regard to case or the dot.",
            examples=["279039007"],
        ),
    ],
    display: Annotated[
        str | None,
        Query(
            alias="mainSearchCriteria.v.dn",
            max_length=200,
            description="The code's display name, as the EHR shows it: echoed in the feed's "
            "categories, not used to search.",
            examples=["Low back pain"],
        ),
    ] = None,
    language: Annotated[
        str | None,
        Query(
            alias="informationRecipient.languageCode.c",
            pattern=LANGUAGE_PATTERN,
            max_length=LANGUAGE_MAX_LENGTH,
            description="The reader's language (`en`, `es`); else `Accept-Language`. An unknown "
            "one falls back to English; Content-Language and the feed's `lang` say which.",
            examples=["es"],
        ),
    ] = None,
    recipient: Annotated[
        Recipient | None,
        Query(
            alias="informationRecipient",
            description="Who will read it: the patient (`PAT`, the content's audience) or a "
            "provider. Echoed in the feed's categories.",
        ),
    ] = None,
    response_type: Annotated[
        ResponseType | None,
        Query(
            alias="knowledgeResponseType",
            description="`application/json` for JSON; `application/atom+xml` or `text/xml` for "
            "Atom. Without it, `Accept` chooses, and Atom is the default.",
        ),
    ] = None,
    if_none_match: Annotated[str | None, Header(description="ETags of copies you hold.")] = None,
) -> Response:
    """The conditions, guides and self-tests for one problem code, as HL7 Infobutton (URL-based
    implementation) answers: the feed names the request in its `category` list, each entry has
    a title, links (HTML for people, JSON for programs), a summary ending with the safety to read
    first (for a self-test: its screening questions come before step 1; for every entry: the
    disclaimer), and the credit line. Other Infobutton parameters are accepted and ignored."""
    _check_names(request)
    chosen = BY_OID.get(system)
    if chosen is None:
        raise UnknownValue("mainSearchCriteria.v.cs", system, "code system OID", list(BY_OID))
    negotiator: Negotiator = request.app.state.negotiator
    audience = negotiator.audience(request.scope, language, None)
    locale: Locale = request.app.state.locales[audience.locale]
    found = find(request.app.state.lookup, locale.name, chosen, code, "mainSearchCriteria.v.c")
    categories = [
        ("mainSearchCriteria.v.c", found.code),
        ("mainSearchCriteria.v.cs", system),
        *([("mainSearchCriteria.v.dn", display)] if display else []),
        ("informationRecipient", recipient or "PAT"),
    ]
    feed = build_feed(locale, chosen, found, audience.base, categories)
    media_type = _media_type(response_type, request.headers.get("accept"))
    body = feed.model_dump_json(by_alias=True).encode() if media_type == JSON else atom(feed.feed)
    return content_response(
        body,
        media_type + ("; charset=utf-8" if media_type == ATOM else ""),
        language=locale.name,
        vary=VARY_NEGOTIATED,
        cache_control=locale.cache_control,
        version=locale.store.meta.version,
        if_none_match=if_none_match,
    )


def _check_names(request: Request) -> None:
    """A 400 for a parameter that is neither ours nor an Infobutton one."""
    unknown = [
        name
        for name in dict.fromkeys(request.query_params)
        if not name.startswith(CONTEXT_ROOTS) and name != "knowledgeResponseType"
    ]
    if unknown:
        accepted = ["mainSearchCriteria.v.cs", "mainSearchCriteria.v.c", "mainSearchCriteria.v.dn"]
        accepted += ["informationRecipient.languageCode.c", "knowledgeResponseType"]
        accepted += [f"{root}*" for root in CONTEXT_ROOTS if root.endswith(".")]
        raise UnknownParameters(unknown, accepted)


def _media_type(response_type: str | None, accept: str | None) -> str:
    if response_type is not None:
        return JSON if response_type == JSON else ATOM
    return choose_media_type(accept, (ATOM, JSON)) or ATOM


def build_feed(
    locale: Locale,
    system: CodeSystem,
    found: Found,
    base: str,
    categories: list[tuple[str, str]],
) -> InfobuttonResponse:
    """The feed for ``found``, in ``locale``: one entry per match, in the lookup's order."""
    labels = labels_for(locale.name)
    store, context = locale.store, locale.render_context
    disclaimer: WarningView = context.disclaimer
    credit = context.credit.text if context.credit is not None else ""
    entries = []
    for match in found.matches:
        item = store.item(locale.name, match.kind, match.id)
        safety = [f"{disclaimer.title}: {disclaimer.action}"]
        if isinstance(item, SelfTestView):
            screening = labels["lookup.screening"].format(
                flags=len(item.screening), contraindications=len(item.contraindications)
            )
            safety.insert(0, screening)
        day = item_date(item) or item_date(disclaimer)
        entries.append(_entry(match, day, locale.name, base, safety, credit))
    updated = max((entry.updated.value for entry in entries), default=_stamp(None))
    title = labels["lookup.results"].format(system=system.title, code=found.code)
    return InfobuttonResponse(
        feed=InfobuttonFeed(
            lang=locale.name,
            base=f"{base}/",
            title=AtomText(value="Fascia"),
            subtitle=AtomText(value=title),
            author=AtomPerson(name=AtomValue(value="Fascia"), uri=AtomValue(value=f"{base}/")),
            updated=AtomValue(value=updated),
            id=AtomValue(
                value=f"{base}{INFOBUTTON_PATH}?{urlencode(request_names(system, found, locale))}"
            ),
            rights=AtomText(value=credit),
            category=tuple(AtomCategory(scheme=s, term=t) for s, t in categories),
            entry=tuple(entries),
        )
    )


def request_names(system: CodeSystem, found: Found, locale: Locale) -> dict[str, str]:
    """The parameters that choose the feed: its id is the canonical request."""
    return {
        "mainSearchCriteria.v.cs": system.oid or system.uri,
        "mainSearchCriteria.v.c": found.code,
        "informationRecipient.languageCode.c": locale.name,
    }


def item_date(item: object) -> date | None:
    modified = getattr(item, "modified", None)
    return modified if isinstance(modified, date) else getattr(item, "published", None)


def _stamp(day: date | None) -> str:
    """An Atom date; content without dates (never published) shows the epoch."""
    return f"{(day or date(1970, 1, 1)).isoformat()}T00:00:00Z"


def _entry(
    match: LookupMatch,
    day: date | None,
    lang: str,
    base: str,
    safety: list[str],
    credit: str,
) -> InfobuttonEntry:
    url = f"{base}{match.href}"
    return InfobuttonEntry(
        lang=lang,
        title=AtomText(value=match.name),
        link=(
            AtomLink(
                href=f"{url}.html?lang={lang}",
                rel="alternate",
                type="text/html",
                hreflang=lang,
                title=match.name,
            ),
            AtomLink(
                href=f"{url}?lang={lang}",
                rel="alternate",
                type=JSON,
                hreflang=lang,
                title=match.name,
            ),
        ),
        id=AtomValue(value=url),
        updated=AtomValue(value=_stamp(day)),
        summary=AtomText(value="\n\n".join([match.summary, *safety])),
        rights=AtomText(value=credit),
    )


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
