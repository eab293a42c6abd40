"""oEmbed 1.0 (https://oembed.com): a CMS given a Fascia URL gets the code to embed it.

A self-test or a step (as ``/v1/...`` in any representation, or its ``/embed/...`` page) is a
``rich`` embed: an iframe of its ``/embed/...`` page. Any other item or collection is a ``link``:
its title, for a bookmark card. Every HTML page names this endpoint in its head (discovery).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.bundle.resources import SelfTestView
from api.bundle.store import Store
from api.bundle.urls import PREFIX
from api.content.kinds import COLLECTIONS, is_collection
from api.http.errors import Problem, problem_response
from api.http.negotiation import choose_locale
from api.http.urls import public_base
from api.render import SUFFIXES
from api.render.embedpage import EMBED_RATIO, EMBED_WIDTH, embed_height
from api.render.preview import OEMBED_PATH, PROVIDER
from api.routes.common import Locale
from api.settings import EXAMPLE_ORIGIN

router = APIRouter(tags=["embed"])
EmbedType = Literal["rich", "link"]
MAX_SIZE = 10_000
_SELF_TEST = re.compile(
    rf"^(?:{PREFIX}|/embed)/self-tests/([a-z0-9-]{{1,80}})(?:/steps/([0-9]{{1,4}}))?$"
)
# A self-test's steps, each with its safety or with the safety stated once: the same handout.
_STEPS = re.compile(rf"^{PREFIX}/self-tests/([a-z0-9-]{{1,80}})/steps(?:-safety-once)?$")
# Pages of more than one item, titled as their handouts are: by the label of their name.
_LISTS = (*COLLECTIONS, "locales", "search", "export", "manifest", "changes")
_ITEM = re.compile(rf"^{PREFIX}(?:/([a-z-]{{1,40}})(?:/([a-z0-9-]{{1,80}}))?)?$")


class OEmbed(BaseModel):
    """An oEmbed 1.0 response: `rich` (with `html`, `width`, `height`) or `link`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal["1.0"]
    type: EmbedType
    title: str
    provider_name: str
    provider_url: str
    cache_age: Annotated[int, Field(description="Seconds a consumer may keep this answer.")]
    html: Annotated[
        str | None, Field(description="`rich`: the iframe to put in the page, as it is.")
    ] = None
    width: int | None = None
    height: int | None = None


class NotOurs(Exception):
    """The URL is not a Fascia page that can be embedded."""


def _size(maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The embed's width and height: as large as allowed, at the embed's ratio."""
    width = min(EMBED_WIDTH, maxwidth or EMBED_WIDTH)
    if maxheight is not None:
        width = min(width, maxheight * EMBED_RATIO[0] // EMBED_RATIO[1])
    width = max(width, 1)
    return width, embed_height(width)


def _lang(query: dict[str, list[str]], store: Store) -> str:
    """The locale the URL's ``lang`` chooses, as every page chooses it (no header: the
    consumer's Accept-Language is not the reader's)."""
    asked = (query.get("lang") or [""])[0] or None
    return choose_locale(None, asked, store.meta.locales, store.meta.default_locale)


def _describe(url: str, locales: Mapping[str, Locale], origin: str) -> tuple[str, str | None]:
    """The title of the page at ``url`` and, for a self-test or step, its embed page path."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # a malformed host, such as an unclosed IPv6 bracket
        raise NotOurs(f"{url!r} is not a URL: {error}.") from error
    if f"{parts.scheme}://{parts.netloc}".lower() != origin.lower():
        raise NotOurs(f"{url!r} is not at {origin}.")
    path = parts.path
    for suffix in SUFFIXES:
        path = path.removesuffix(suffix)
    query = parse_qs(parts.query)
    store = next(iter(locales.values())).store
    locale = _lang(query, store)
    if match := _SELF_TEST.match(path):
        variant = query["variant"][0] if query.get("variant") else None
        return _self_test(store, locale, match[1], match[2], variant)
    label = locales[locale].render_context.label
    if (match := _STEPS.match(path)) and store.exists("self-tests", match[1]):
        return label("steps"), None
    if match := _ITEM.match(path):
        collection, item_id = match[1], match[2]
        if collection is None:
            return PROVIDER, None
        if collection in _LISTS and item_id is None:
            return label(collection), None
        item = (
            store.item(locale, collection, item_id)
            if is_collection(collection) and item_id
            else None
        )
        if item is not None:
            return str(getattr(item, "name", None) or getattr(item, "title", item_id)), None
    raise NotOurs(f"There is nothing at {path} to embed.")


def _self_test(
    store: Store, locale: str, self_test_id: str, number: str | None, variant: str | None
) -> tuple[str, str]:
    self_test = store.item(locale, "self-tests", self_test_id)
    if not isinstance(self_test, SelfTestView):
        raise NotOurs(f"There is no self-test with id '{self_test_id}'.")
    chosen = next((v for v in self_test.variants if v.id == variant), None)
    if variant is not None and chosen is None:
        raise NotOurs(f"Self-test '{self_test_id}' has no variant '{variant}'.")
    query = {"variant": variant} if variant else {}
    page = f"/embed/self-tests/{self_test_id}"
    if number is None:
        return self_test.name, f"{page}?{urlencode(query | {'lang': locale})}"
    default = next(v for v in self_test.variants if v.id == self_test.default_variant)
    steps = (chosen or default).steps
    if not 1 <= int(number) <= len(steps):
        raise NotOurs(f"Self-test '{self_test_id}' has no step {number}.")
    step = steps[int(number) - 1]
    path = f"{page}/steps/{int(number)}?{urlencode(query | {'lang': locale})}"
    return f"{step.number}. {step.title}", path


@router.get(
    OEMBED_PATH,
    operation_id="getOEmbed",
    summary="oEmbed: how to embed a Fascia URL",
    response_model=OEmbed,
    response_model_exclude_none=True,
    responses={
        404: {"model": Problem, "description": "The URL is not a Fascia page (or names nothing)."},
        422: {"model": Problem, "description": "A query parameter is invalid."},
        501: {"model": Problem, "description": "A format other than json was asked for."},
    },
)
async def get_oembed(
    request: Request,
    url: Annotated[
        str,
        Query(
            max_length=2048,
            description="The Fascia page to embed, at FASCIA_PUBLIC_URL.",
            examples=[f"{EXAMPLE_ORIGIN}{PREFIX}/self-tests/muscular-minesweeper?variant=partner"],
        ),
    ],
    format: Annotated[str, Query(max_length=16, description="Only `json`.")] = "json",
    maxwidth: Annotated[int | None, Query(ge=1, le=MAX_SIZE, description="Widest, in px.")] = None,
    maxheight: Annotated[int | None, Query(ge=1, le=MAX_SIZE, description="Tallest, px.")] = None,
) -> Any:
    """For a self-test or a step, an iframe of its `/embed/...` page (`type: rich`), as large as
    `maxwidth` and `maxheight` allow at a 3:4 ratio; for any other page, its title (`link`).
    The language is the URL's `lang`, else English."""
    if format != "json":
        detail = f"Only format=json is available, not {format!r}."
        return problem_response(request, 501, detail)
    settings = request.app.state.settings
    # The address this request reached us at, as handouts link (the setting, if set).
    origin = public_base(request.scope, settings.public_url, settings.hosts) or settings.origin
    try:
        title, page = _describe(url, request.app.state.locales, origin)
    except NotOurs as error:
        return problem_response(request, 404, str(error))
    common = {"title": title, "provider_url": f"{origin}/", "cache_age": settings.cache_max_age}
    common |= {"version": "1.0", "provider_name": PROVIDER}
    if page is None:
        return OEmbed(type="link", **common)
    width, height = _size(maxwidth, maxheight)
    frame = (
        f'<iframe src="{escape(origin + page)}" width="{width}" height="{height}" '
        f'title="{escape(title)}" loading="lazy" style="border:0;max-width:100%" '
        'sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )
    return OEmbed(type="rich", html=frame, width=width, height=height, **common)
