"""What every resource router shares: negotiation, id parameters, errors and collections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.caching import VERSION_HEADER, etag_for, none_match
from api.errors import NotAcceptable, NotFound, Problem
from api.models import SLUG_PATTERN
from api.negotiation import choose_locale, choose_media_type
from api.presenter import Views, links
from api.render import MEDIA_TYPES, RenderContext, Representation, by_media_type
from api.views import Collection

ViewT = TypeVar("ViewT", bound=BaseModel)
CollectionT = TypeVar("CollectionT", bound=Collection[Any])
SUFFIX_SCOPE_KEY = "fascia.representation"
LANGUAGE_PATTERN = r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"
LANGUAGE_MAX_LENGTH = 35


@dataclass(frozen=True)
class Locale:
    """Everything served in one locale, built once at start-up."""

    views: Views
    render_context: RenderContext
    cache_control: str


@dataclass(frozen=True)
class Context:
    """The request's negotiated representation and locale, and how to answer in them."""

    request: Request
    locale: Locale
    representation: Representation
    vary: str
    if_none_match: str | None

    @property
    def views(self) -> Views:
        return self.locale.views

    def respond(self, view: BaseModel) -> Response:
        """``view`` rendered in the negotiated representation and locale; 304 if unchanged."""
        body = self.representation.render(view, self.locale.render_context)
        etag = etag_for(body)
        headers = {
            "Content-Type": self.representation.content_type,
            "Content-Language": self.locale.render_context.locale,
            "Vary": self.vary,
            "ETag": etag,
            "Cache-Control": self.locale.cache_control,
            VERSION_HEADER: self.views.version,
        }
        if none_match(self.if_none_match, etag):
            del headers["Content-Type"]
            return Response(status_code=304, headers=headers)
        return Response(body, headers=headers)


async def get_context(
    request: Request,
    lang: Annotated[
        str | None,
        Query(
            pattern=LANGUAGE_PATTERN,
            max_length=LANGUAGE_MAX_LENGTH,
            description="Language to answer in (overrides Accept-Language); an unknown one "
            "falls back to English, and Content-Language says what was served.",
            examples=["es"],
        ),
    ] = None,
    accept_language: Annotated[
        str | None,
        Header(
            description="Preferred languages with q-values; regional variants match their "
            "language (es-MX gets es).",
            examples=["es-MX,es;q=0.9,en;q=0.5"],
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
    """Negotiate from the URL suffix or Accept, and from lang or Accept-Language."""
    locales: Mapping[str, Locale] = request.app.state.locales
    locale = choose_locale(accept_language, lang, list(locales), request.app.state.default_locale)
    forced: Representation | None = request.scope.get(SUFFIX_SCOPE_KEY)
    if forced is not None:
        return Context(request, locales[locale], forced, "Accept-Language", if_none_match)
    media_type = choose_media_type(request.headers.get("accept"), MEDIA_TYPES)
    if media_type is None:
        raise NotAcceptable(MEDIA_TYPES)
    representation = by_media_type(media_type)
    vary = "Accept, Accept-Language"
    return Context(request, locales[locale], representation, vary, if_none_match)


ContextDep = Annotated[Context, Depends(get_context)]


def id_path(example: str) -> Any:
    """A path parameter holding a content id (a kebab-case slug)."""
    return Path(pattern=SLUG_PATTERN, max_length=80, description="A stable id.", examples=[example])


def id_query(kind: str, example: str) -> Any:
    """An optional query parameter filtering by the id of another resource."""
    description = f"Only items related to this {kind} id; an unknown id is a 404."
    return Query(pattern=SLUG_PATTERN, max_length=80, description=description, examples=[example])


def find(
    items: Mapping[str, ViewT], kind: str, item_id: str, parameter: str | None = None
) -> ViewT:
    """The item with ``item_id``, or a 404 problem naming the kind and id."""
    item = items.get(item_id)
    if item is None:
        raise NotFound(kind, item_id, parameter)
    return item


def collection(
    context: Context, kind: type[CollectionT], items: Iterable[Any], **fields: Any
) -> Response:
    """A ``kind`` collection of ``items`` (plus any ``fields`` of its own) whose self link is
    the request's path and query."""
    chosen = tuple(items)
    url = context.request.url
    query = canonical_query(url.query)
    path = f"{url.path}?{query}" if query else url.path
    return context.respond(kind(items=chosen, count=len(chosen), links=links(path), **fields))


def canonical_query(query: str) -> str:
    """The query without ``lang`` (the language is in Content-Language), as given otherwise."""
    kept = [part for part in query.split("&") if part and not part.startswith("lang=")]
    return "&".join(kept)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an operation can answer."""
    descriptions = {
        404: "No resource with that id (or a filter names an unknown id).",
        406: "None of the media types in Accept is available; the problem lists those that are.",
        422: "A path or query parameter is invalid.",
    }
    return {status: {"model": Problem, "description": descriptions[status]} for status in statuses}
