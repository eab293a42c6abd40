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

import re
from dataclasses import replace
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api.bundle.lookup import Found
from api.bundle.resources import InfobuttonResponse
from api.bundle.urls import INFOBUTTON_PATH
from api.content.languages import DEFAULT_LOCALE, LANGUAGES, listed
from api.content.terminology import BY_OID
from api.http.errors import UnknownParameters, UnknownValue, error_responses
from api.http.headers import VARY_NEGOTIATED, content_response
from api.http.negotiation import (
    LANGUAGE_MAX_LENGTH,
    LANGUAGE_PATTERN,
    Negotiator,
    choose_media_type,
)
from api.render import atom
from api.routes.common import Locale

ATOM = atom.MEDIA_TYPE
JSON = atom.JSON_MEDIA_TYPE
# JSONP (MedlinePlus Connect's application/javascript) would run our answer as script in the
# asking page; the JSON is readable from any origin with CORS instead: not offered (422).
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

# Text a feed echoes: only characters XML 1.0 allows (control characters would make an Atom
# feed ill-formed), so that a request with others is refused, not answered with a broken feed.
OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*))+")  # an ISO object identifier, well formed
XML_TEXT = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]*$"

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
            "`knowledgeResponseType` or `Accept` asks for `application/json`. A code, or a "
            "code system OID, that nothing is written for is an empty feed, not an error.",
            "content": {ATOM: {"schema": {"type": "string"}}},
        },
        **error_responses(400, 422),
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
            pattern=XML_TEXT,
            description="The problem code. ICD codes match without regard to case or the dot.",
            examples=["279039007"],
        ),
    ],
    display: Annotated[
        str | None,
        Query(
            alias="mainSearchCriteria.v.dn",
            max_length=200,
            pattern=XML_TEXT,
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
            description=f"The reader's language ({listed()}); else `Accept-Language`. Any other "
            f"falls back to {LANGUAGES[DEFAULT_LOCALE].name}; Content-Language and the feed's "
            "`lang` say which.",
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
            "Atom. Without it, `Accept` chooses, and Atom is the default. JSONP "
            "(`application/javascript`) is not offered (422): read the JSON, which any origin "
            "may (CORS).",
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
    if chosen is None and not OID.fullmatch(system):
        raise UnknownValue("mainSearchCriteria.v.cs", system, "code system OID", list(BY_OID))
    negotiator: Negotiator = request.app.state.negotiator
    audience = negotiator.audience(request.scope, language, None)
    locale: Locale = request.app.state.locales[audience.locale]
    # An EHR sends whatever code is on the chart: a code, or a code system, that nothing is
    # written for is an empty feed (as MedlinePlus Connect answers), not an error.
    found: Found | None = None
    if chosen is not None:
        found = request.app.state.lookup.find(locale.name, chosen, code)
    if found is None:
        found = Found(code.strip(), None, ())
    categories = [
        ("mainSearchCriteria.v.c", found.code),
        ("mainSearchCriteria.v.cs", system),
        *([("mainSearchCriteria.v.dn", display)] if display else []),
        ("informationRecipient", recipient or "PAT"),
    ]
    context = replace(locale.render_context, base_url=audience.base)
    items = [locale.store.item(locale.name, match.kind, match.id) for match in found.matches]
    names = request_names(chosen.oid or chosen.uri if chosen else system, found, locale)
    feed_id = f"{audience.base}{INFOBUTTON_PATH}?{urlencode(names)}"
    answer = atom.feed(
        found, items, chosen.title if chosen else system, feed_id, categories, context
    )
    media_type = _media_type(response_type, request.headers.get("accept"))
    return content_response(
        atom.render(answer, media_type),
        atom.CONTENT_TYPES[media_type],
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


def request_names(system: str, found: Found, locale: Locale) -> dict[str, str]:
    """The parameters that choose the feed: its id is the canonical request."""
    return {
        "mainSearchCriteria.v.cs": system,
        "mainSearchCriteria.v.c": found.code,
        "informationRecipient.languageCode.c": locale.name,
    }
