"""What every resource router shares: negotiation, id parameters, errors and collections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.bundle.care import Advice, region_of, with_care
from api.bundle.resources import COLLECTION_OF, Collection, Links
from api.bundle.store import Page, Store
from api.bundle.urls import href
from api.content.kinds import BY_COLLECTION, CollectionName
from api.content.languages import DEFAULT_LOCALE, LANGUAGES, listed
from api.content.models import SLUG_PATTERN
from api.http.errors import (
    Gone,
    NotAcceptable,
    NotFound,
    UnknownParameters,
    error_responses,
)
from api.http.headers import VARY_BY_SUFFIX, VARY_NEGOTIATED, content_response
from api.http.limits import EXPENSIVE_KEY
from api.http.negotiation import (
    COUNTRY_PATTERN,
    LANGUAGE_MAX_LENGTH,
    LANGUAGE_PATTERN,
    NEGOTIATED,
    Negotiator,
    accepted_media_type,
    choose_media_type,
    target_of,
)
from api.http.urls import (
    CURSOR,
    CURSOR_PATTERN,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    canonical_query,
    is_tracking,
)
from api.render import (
    REPRESENTATIONS,
    RenderContext,
    Representation,
    by_media_type,
    offered_for,
)
from api.render.context import LETTER_COUNTRIES, Paper, Print, paper_for
from api.render.embedpage import EMBED_PATH_PREFIX
from api.render.html import MEDIA_TYPE as PAGE_MEDIA_TYPE
from api.render.pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from api.render.pool import RenderPool

CollectionT = TypeVar("CollectionT", bound=Collection[Any])
T = TypeVar("T")
ViewT = TypeVar("ViewT", bound=BaseModel)


@dataclass(frozen=True)
class Locale:
    """Everything needed to answer in one locale: the store, how to render, how to cache, and
    each region's care advice in this language."""

    name: str
    store: Store
    render_context: RenderContext
    cache_control: str
    advice: Mapping[str, Advice]


@dataclass(frozen=True)
class Paging:
    """A page size and where the page starts (after this position; -1: from the start)."""

    size: int
    after: int


@dataclass(frozen=True)
class Context:
    """The request's negotiated representation and locale, and how to answer in them."""

    request: Request
    locale: Locale
    country: str  # the reader's country where it has a region of its own, else ""
    representation: Representation
    by_suffix: bool  # the URL's suffix chose the representation, not Accept
    vary: str
    if_none_match: str | None
    base: str  # the public base URL handouts link with ("": relative links)
    paper: Paper = "a4"
    large_print: bool = False

    @property
    def asked(self) -> Hashable:
        """What this request asks for (path, query and what was negotiated): two requests asked
        alike get the same answer, so one joins the other's render."""
        return _asked(self.request, self.representation, self.locale.name, self.country)

    async def off_loop(self, work: Callable[[], T]) -> T:
        """``work()``, in a thread when this request is a costly one (``api.edge.fairness``),
        so that the event loop keeps answering others meanwhile; else at once."""
        if self.request.scope.get(EXPENSIVE_KEY):
            return await asyncio.to_thread(work)
        return work()

    @property
    def store(self) -> Store:
        return self.locale.store

    def item(self, kind: type[ViewT], item_id: str) -> ViewT:
        """The ``kind`` (a response model) with ``item_id`` in this locale, or a 410 problem if
        it was retired, or a 404 one."""
        collection = COLLECTION_OF[kind]
        found = self.store.item(self.locale.name, collection, item_id)
        if isinstance(found, kind):
            return found
        if found is None:
            retired = self.store.retirement(collection, item_id)
            singular = BY_COLLECTION[collection].singular
            if retired is not None:
                successor = href(collection, retired.replaced_by) if retired.replaced_by else None
                raise Gone(singular, item_id, str(retired.date), retired.reason, successor)
            raise NotFound(singular, item_id)
        raise TypeError(f"{collection} holds a {type(found).__name__}, not a {kind.__name__}")

    def require(self, collection: CollectionName, item_id: str | None, parameter: str) -> None:
        """A 404 problem naming ``parameter`` unless ``item_id`` (if given) exists."""
        if item_id is not None and not self.store.exists(collection, item_id):
            raise NotFound(BY_COLLECTION[collection].singular, item_id, parameter)

    def page(self, collection: CollectionName, paging: Paging, **filters: str | None) -> Page:
        """One page of ``collection`` in this locale, matching every filter that is set."""
        chosen = {facet: value for facet, value in filters.items() if value is not None}
        return self.store.page(self.locale.name, collection, chosen, paging.after, paging.size)

    def _representation_for(self, view: BaseModel) -> Representation:
        """The negotiated representation, or the best other one when it does not exist for
        ``view`` (a picture of what no diagram shows); a 406 problem when none is acceptable."""
        if self.representation.draws(view):
            return self.representation
        existing = tuple(r for r in REPRESENTATIONS if r.draws(view))
        media_types = tuple(r.media_type for r in existing)
        suffixes = tuple(r.suffix for r in existing)
        detail = "No diagram shows this resource, so it has no picture."
        if not self.by_suffix:
            media_type = choose_media_type(self.request.headers.get("accept"), media_types)
            if media_type is not None:
                return by_media_type(media_type)
            raise NotAcceptable(media_types, suffixes, detail=detail)
        raise NotAcceptable(media_types, suffixes, self.representation.suffix, detail)

    def render_context(self, representation: Representation) -> RenderContext:
        """How to render for this request. A PDF is read on paper, so it links to this server
        only at its public address (FASCIA_PUBLIC_URL): never to an address such as localhost
        that will not work where the paper is read."""
        public = self.request.app.state.negotiator.public_url is not None
        base = self.base if public or representation.media_type != PDF_MEDIA_TYPE else ""
        settings = self.request.app.state.settings
        return replace(
            self.locale.render_context,
            base_url=base,
            public=public,
            paper=self.paper,
            large_print=self.large_print,
            canonical_base=settings.origin,
            country=self.country,
        )

    async def respond(self, view: BaseModel, link: str | None = None) -> Response:
        """``view`` rendered in the negotiated representation, locale and region; 304 if
        unchanged."""
        representation = self._representation_for(view)
        language = self.locale.name
        if self.country:
            view = with_care(
                view, self.locale.advice[region_of(self.country, self.store.countries)]
            )
            language = f"{language}-{self.country}"
        render_context = self.render_context(representation)
        # A costly request (``api.edge.fairness``) builds its bytes in a thread, so that the event
        # loop keeps answering other requests meanwhile; a cheap one at once.
        off_loop = bool(self.request.scope.get(EXPENSIVE_KEY))
        if representation.markup is not None and representation.typeset is not None:
            pool: RenderPool = self.request.app.state.render_pool
            if off_loop:
                markup = await asyncio.to_thread(representation.markup, view, render_context)
            else:
                markup = representation.markup(view, render_context)
            body = await pool.run(representation.typeset, markup, self.asked)
        elif off_loop:
            body = await asyncio.to_thread(representation.render, view, render_context)
        else:
            body = representation.render(view, render_context)
        return content_response(
            body,
            representation.content_type,
            language=language,
            vary=self.vary,
            cache_control=self.locale.cache_control,
            version=self.store.meta.version,
            if_none_match=self.if_none_match,
            link=link,
        )


async def get_context(
    request: Request,
    lang: Annotated[
        str | None,
        Query(
            pattern=LANGUAGE_PATTERN,
            max_length=LANGUAGE_MAX_LENGTH,
            description=f"Language to answer in (overrides Accept-Language): {listed()}; any "
            f"other falls back to {LANGUAGES[DEFAULT_LOCALE].name}, and Content-Language says "
            "what was served.",
            examples=["es"],
        ),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            pattern=COUNTRY_PATTERN,
            description="The reader's country (ISO 3166-1 alpha-2, such as `US` or `MX`), for "
            "the emergency and urgent-care advice of red flags (overrides the region of "
            "Accept-Language). Unknown countries get advice that names no number; "
            "Content-Language says which country was served (`en-US`).",
            examples=["US"],
        ),
    ] = None,
    accept_language: Annotated[
        str | None,
        Header(
            description="Preferred languages with q-values; regional variants match their "
            "language (es-MX gets es), and their region chooses the care advice (MX).",
            examples=["es-MX,es;q=0.9,en;q=0.5"],
        ),
    ] = None,
    paper: Annotated[
        Paper | None,
        Query(
            description="The paper a PDF handout (and the HTML handout, printed) is set on: "
            "`letter` (US Letter) or `a4`. By default Letter for a reader in "
            f"{' or '.join(sorted(LETTER_COUNTRIES))} (by `region` or Accept-Language), "
            "A4 anywhere else. Other representations ignore it.",
            examples=["letter"],
        ),
    ] = None,
    print_: Annotated[
        Print | None,
        Query(
            alias="print",
            description="`large` sets a PDF handout (and the HTML handout, printed) in large "
            "print: body text at 16 pt instead of 12 pt (`standard`, the default). Other "
            "representations ignore it.",
            examples=["large"],
        ),
    ] = None,
    if_none_match: Annotated[
        str | None,
        Header(
            description="ETags of copies you hold (`*` for any); a match answers 304 with no "
            "body. Compared weakly, as RFC 9110 asks for If-None-Match.",
            examples=['"3q2-7w"'],
        ),
    ] = None,
) -> Context:
    """Check the query names only parameters of this operation; negotiate the representation
    from the URL suffix or Accept, the language from lang or Accept-Language, and the region
    from region or Accept-Language."""
    reject_unknown_parameters(request)
    negotiator: Negotiator = request.app.state.negotiator
    audience = negotiator.audience(request.scope, lang, region)
    chosen: Locale = request.app.state.locales[audience.locale]
    country, base = audience.country, audience.base
    sheet, large = paper or paper_for(country), print_ == "large"
    offered = _offered(request)
    media_types = tuple(r.media_type for r in offered)
    suffixes = tuple(r.suffix for r in offered)
    target = target_of(request.scope)
    if target.unknown_suffix is not None:
        raise NotAcceptable(media_types, suffixes, target.unknown_suffix)
    forced = target.representation
    if forced is not None:
        if forced.partial and forced not in offered:
            raise NotAcceptable(media_types, suffixes, forced.suffix, _NONE_HERE)
        _admit(request, forced, chosen.name, country)
        return Context(
            request,
            chosen,
            country,
            forced,
            True,
            VARY_BY_SUFFIX,
            if_none_match,
            base,
            sheet,
            large,
        )
    media_type = accepted_media_type(request.scope)
    if media_type not in media_types:  # not here: the best of those that are
        media_type = choose_media_type(request.headers.get("accept"), media_types)
    if media_type is None:
        raise NotAcceptable(media_types, suffixes)
    representation = by_media_type(media_type)
    _admit(request, representation, chosen.name, country)
    return Context(
        request,
        chosen,
        country,
        representation,
        False,
        VARY_NEGOTIATED,
        if_none_match,
        base,
        sheet,
        large,
    )


_NONE_HERE = "This resource has no such representation."


def _admit(request: Request, representation: Representation, locale: str, country: str) -> None:
    """A PDF or PNG that would be refused for want of a render worker is refused here, before its
    view or markup is built (a 503 with Retry-After); one already cached never gets here."""
    if representation.typeset is not None:
        pool: RenderPool = request.app.state.render_pool
        pool.admit(_asked(request, representation, locale, country))


def _asked(request: Request, representation: Representation, locale: str, country: str) -> Hashable:
    query = tuple(sorted(request.query_params.multi_items()))
    return (request.url.path, query, representation.media_type, locale, country)


def _offered(request: Request) -> tuple[Representation, ...]:
    """The representations the operation's answers can have: pictures only for what a diagram
    can show."""
    route = request.scope.get("route")
    return offered_for(route.response_model if isinstance(route, APIRoute) else None)


def reject_unknown_parameters(request: Request) -> None:
    """An UnknownParameters error when the query names what the operation does not take."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    accepted = _ACCEPTED.get(route.unique_id)
    if accepted is None:
        accepted = tuple(dict.fromkeys(_query_names(route.dependant)))
        _ACCEPTED[route.unique_id] = accepted
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in accepted]
    if unknown and _for_people(request):
        unknown = [name for name in unknown if not is_tracking(name)]
    if unknown:
        raise UnknownParameters(unknown, list(accepted))


def _for_people(request: Request) -> bool:
    """A page for people: an HTML handout (by suffix or Accept) or an /embed page, whatever its
    Accept says (link-preview bots send ``*/*``)."""
    if target_of(request.scope).path.startswith(EMBED_PATH_PREFIX):
        return True
    forced = target_of(request.scope).representation
    if forced is not None:
        return forced.media_type == PAGE_MEDIA_TYPE
    return accepted_media_type(request.scope) == PAGE_MEDIA_TYPE


_ACCEPTED: dict[str, tuple[str, ...]] = {}  # by route: the same in every app


def _query_names(dependant: Dependant) -> Iterator[str]:
    for parameter in dependant.query_params:
        yield parameter.alias
    for dependency in dependant.dependencies:
        yield from _query_names(dependency)


ContextDep = Annotated[Context, Depends(get_context)]


def id_path(example: str) -> Any:
    """A path parameter holding a content id (a kebab-case slug)."""
    return Path(pattern=SLUG_PATTERN, max_length=80, description="A stable id.", examples=[example])


def id_query(kind: str, example: str) -> Any:
    """An optional query parameter filtering by the id of another resource."""
    description = f"Only items related to this {kind} id; an unknown id is a 404."
    return Query(pattern=SLUG_PATTERN, max_length=80, description=description, examples=[example])


def cursor_for(after: int) -> str:
    """The cursor of the page that follows position ``after``."""
    return str(after)


CursorQuery = Annotated[
    str | None,
    Query(
        alias=CURSOR,
        pattern=CURSOR_PATTERN,
        description="Where the page starts: take it from the previous page's `links.next` "
        '(or its `Link: rel="next"` header); absent for the first page. A cursor is a '
        "position in the collection's order, valid for one content version.",
    ),
]


async def get_paging(
    page_size: Annotated[
        int,
        Query(
            alias=PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page, 1 to {MAX_PAGE_SIZE}.",
            examples=[DEFAULT_PAGE_SIZE],
        ),
    ] = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> Paging:
    return Paging(page_size, -1 if cursor is None else int(cursor))


PagingDep = Annotated[Paging, Depends(get_paging)]


async def paged(
    context: Context,
    kind: type[CollectionT],
    items: Sequence[Any],
    after: int | None,
    **fields: Any,
) -> Response:
    """A ``kind`` collection holding one page of ``items``; ``after`` is the position the next
    page starts after, None on the last page. Links keep the query, less ``lang`` and ``region``."""
    links, link_header = paged_links(context, after)
    view = kind(items=tuple(items), count=len(items), links=links, **fields)
    return await context.respond(view, link_header)


def paged_links(context: Context, after: int | None) -> tuple[Links, str | None]:
    """The links of a page (and its Link header), absolute from the request's base URL: ``self``
    is the request's path and canonical query (parsed and encoded again, less ``lang`` and
    ``region``); ``next`` the same (suffix kept) with the cursor after position ``after``."""
    request = context.request
    for_people = context.representation.media_type == PAGE_MEDIA_TYPE
    query = canonical_query(request.url.query, NEGOTIATED, for_people)
    path = request.url.path
    self_link = context.base + (f"{path}?{query}" if query else path)
    if after is None:
        return Links(self_=self_link), None
    kept = canonical_query(request.url.query, (*NEGOTIATED, CURSOR), for_people)
    # The next page in the same representation: a suffix URL's next page keeps its suffix.
    requested = target_of(request.scope).requested
    next_link = (
        f"{context.base}{requested}?{kept + '&' if kept else ''}{CURSOR}={cursor_for(after)}"
    )
    return Links(self_=self_link, next=next_link), f'<{next_link}>; rel="next"'


async def paged_list(
    context: Context, kind: type[CollectionT], items: Sequence[Any], paging: Paging, **fields: Any
) -> Response:
    """``paged`` over a list that is already in memory (steps, locales): positions are indexes."""
    start = paging.after + 1
    chosen = items[start : start + paging.size]
    more = start + paging.size < len(items)
    return await paged(context, kind, chosen, start + paging.size - 1 if more else None, **fields)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a content operation: 400, 406 and 422 (every one negotiates and checks
    its query), plus ``statuses``; whatever answers 404 for an unknown id answers 410 for a
    retired one."""
    entries = error_responses(400, 406, 422, *statuses, *([410] if 404 in statuses else []))
    if 410 in entries:
        link = 'The replacement, when there is one: `<url>; rel="successor-version"`.'
        entries[410]["headers"] = {"Link": {"description": link, "schema": {"type": "string"}}}
    return entries
