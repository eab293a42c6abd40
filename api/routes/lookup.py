"""Lookup by clinical code: the conditions, guides and self-tests for a diagnosis code."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bundle.lookup import Found, Lookup
from api.bundle.resources import LookupResults
from api.bundle.urls import href
from api.content.terminology import BY_URI, CLINICAL, CodeSystem
from api.http.errors import NotFound, UnknownValue
from api.routes.common import ContextDep, PagingDep, paged_list, problems

router = APIRouter(prefix=href("lookup"), tags=["lookup"])
SYSTEMS = ", ".join(f"`{system.uri}` ({system.title})" for system in CLINICAL)


def find(lookup: Lookup, locale: str, system: CodeSystem, code: str, parameter: str) -> Found:
    """What ``code`` finds, or a 404 problem listing the codes of ``system`` that find content."""
    found = lookup.find(locale, system, code)
    if found is None:
        known = list(lookup.codes(locale, system))
        raise NotFound(f"content for {system.title} code", code, parameter, allowed=known)
    return found


@router.get(
    "",
    operation_id="lookupByCode",
    summary="Find content by clinical code",
    response_model=LookupResults,
    responses=problems(404),
)
async def lookup_by_code(
    ctx: ContextDep,
    paging: PagingDep,
    system: Annotated[
        str,
        Query(
            max_length=200,
            description=f"The code system, as FHIR names it: {SYSTEMS}. Any other is a 400 "
            "listing these.",
            examples=["http://snomed.info/sct"],
            json_schema_extra={"enum": list(BY_URI)},
        ),
    ],
    code: Annotated[
        str,
        Query(
            min_length=1,
            max_length=40,
            description="A code of that system. ICD codes match without regard to case or the "
            "dot (`m5450` is `M54.50`). A code that finds nothing is a 404 listing the codes "
            "of the system that do.",
            examples=["279039007"],
        ),
    ],
) -> Response:
    """What a clinical system finds for a diagnosis code: the conditions that carry it, then
    the guides about them, then the self-tests that help check for them. Each item is fetched
    from its `href`, where its red flags, contraindications and disclaimer come first. Paged like
    every collection."""
    chosen = BY_URI.get(system)
    if chosen is None:
        raise UnknownValue("system", system, "code system", list(BY_URI))
    found = find(ctx.request.app.state.lookup, ctx.locale.name, chosen, code, "code")
    return await paged_list(
        ctx,
        LookupResults,
        found.matches,
        paging,
        system=chosen.uri,
        code=found.code,
        display=found.display,
    )
