"""Embedding: the web component's script, and the self-test pages made for iframes.

``/v1/embed.js`` is the script under a stable name (revalidated like content);
``/v1/embed/{version}.js`` is the same bytes under a name that changes with them, cached for a
year; ``/v1/embed`` says both, and the Subresource Integrity hash.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi import Path as PathParameter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.bundle.urls import PREFIX
from api.http.errors import NotFound, error_responses
from api.http.etags import Asset, cache_control, conditional
from api.http.negotiation import force_representation
from api.render import by_media_type, html
from api.render import embedpage as page
from api.render.embedscript import (
    SCRIPT_FILE,
    SCRIPT_MEDIA_TYPE,
    SERVED_PLACEHOLDER,
    Script,
    embed_script,
    script_source,
)
from api.routes import self_tests
from api.routes.common import reject_unknown_parameters

IMMUTABLE = "public, max-age=31536000, immutable"
# The HTML representation, rendered as a page for an iframe.
EMBED_PAGE = replace(by_media_type(html.MEDIA_TYPE), render=page.render)
ELEMENTS = ("fascia-self-test", "fascia-step")
# The script itself is made in api.render.embedscript (the /embed pages load it too).
__all__ = [
    "SCRIPT_FILE",
    "SCRIPT_MEDIA_TYPE",
    "SERVED_PLACEHOLDER",
    "Script",
    "embed_script",
    "pages",
    "router",
    "script_source",
]

router = APIRouter(tags=["embed"], dependencies=[Depends(reject_unknown_parameters)])


class EmbedInfo(BaseModel):
    """How to load the web component, pinned to the version served now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    script: Annotated[str, Field(description="The script's versioned path, cached for a year.")]
    integrity: Annotated[
        str, Field(description="Its Subresource Integrity hash, for `integrity=` on the tag.")
    ]
    elements: Annotated[tuple[str, ...], Field(description="The custom elements it defines.")]


_UNKNOWN = error_responses(400)
_SCRIPT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/javascript": {"schema": {"type": "string"}}}},
    304: {"description": "Not Modified: If-None-Match matched the script's ETag."},
    **_UNKNOWN,
}
_PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}},
    **error_responses(400, 404, 422),
}
IfNoneMatch = Annotated[str | None, Header(description="ETags of copies you hold.")]


@functools.cache
def script_asset() -> Asset:
    """The script's bytes as served, with their ETag."""
    return Asset.of(embed_script().body, SCRIPT_MEDIA_TYPE)


def _script_response(control: str, if_none_match: str | None) -> Response:
    asset = script_asset()
    headers = {"Content-Type": asset.content_type, "ETag": asset.etag, "Cache-Control": control}
    return conditional(asset.body, headers, if_none_match)


@router.get(
    f"{PREFIX}/embed",
    operation_id="getEmbedScriptInfo",
    summary="Where the web component is, and its integrity hash",
    response_model=EmbedInfo,
    responses=_UNKNOWN,
)
async def get_embed_info() -> EmbedInfo:
    """The versioned path of the web component's script and its Subresource Integrity hash.
    Load it with a `script` element of type `module` whose `src` is the server's origin
    followed by `script`, with `integrity` set to `integrity` and `crossorigin` to
    `anonymous` (docs/embedding.md shows the whole element)."""
    script = embed_script()
    return EmbedInfo(script=script.path, integrity=script.integrity, elements=ELEMENTS)


@router.get(
    f"{PREFIX}/embed.js",
    operation_id="getEmbedScript",
    summary="The web component (latest)",
    response_class=Response,
    responses=_SCRIPT_RESPONSE,
)
async def get_embed_script(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    """A dependency-free ES module defining `<fascia-self-test>` and `<fascia-step>`. It
    fetches the JSON from the origin it was loaded from; cached like content, with a strong
    ETag. Pin a version with `/v1/embed/{version}.js` (see `/v1/embed`)."""
    settings = request.app.state.settings
    control = cache_control(settings.cache_max_age, settings.cache_stale_while_revalidate)
    return _script_response(control, if_none_match)


@router.get(
    PREFIX + "/embed/{version}.js",
    operation_id="getEmbedScriptVersion",
    summary="The web component, one version",
    response_class=Response,
    responses={**_SCRIPT_RESPONSE, **error_responses(404)},
)
async def get_embed_script_version(
    version: Annotated[
        str, PathParameter(pattern="^[0-9a-f]{16}$", description="The version from /v1/embed.")
    ],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The same bytes as `/v1/embed.js`, never changing: cached for a year (`immutable`). Only
    the version being served exists; `/v1/embed` names it."""
    if version != embed_script().version:
        raise NotFound("version of the embed script", version, allowed=[embed_script().version])
    return _script_response(IMMUTABLE, if_none_match)


async def _as_embed_page(request: Request) -> None:
    """The routes below answer the self-test routes' views as pages for an iframe."""
    force_representation(request.scope, EMBED_PAGE)


pages = APIRouter(prefix="/embed", tags=["embed"], dependencies=[Depends(_as_embed_page)])
pages.get(
    "/self-tests/{self_test_id}",
    operation_id="getSelfTestEmbedPage",
    summary="A self-test as a page for an iframe",
    description="The self-test's HTML handout made for an iframe: its screening one question "
    "a line in the API's order, each with what a yes means; the web component's script (from "
    "this origin, the page's only one) makes it a yes/no checklist that shows the steps after no "
    "to every question. Links open outside the frame, and `frame-ancestors` comes from "
    "FASCIA_EMBED_FRAME_ANCESTORS. Give the frame "
    f"a {page.EMBED_RATIO[0]}:{page.EMBED_RATIO[1]} ratio; the page scrolls inside it. "
    "`variant` narrows it to one variant.",
    response_class=Response,
    response_model=None,
    responses=_PAGE_RESPONSES,
)(self_tests.get_self_test)
pages.get(
    "/self-tests/{self_test_id}/steps/{number}",
    operation_id="getSelfTestStepEmbedPage",
    summary="One step as a page for an iframe",
    description="One step, with the screening and the disclaimer before it and its own "
    "warnings, as a page for an iframe (see getSelfTestEmbedPage).",
    response_class=Response,
    response_model=None,
    responses=_PAGE_RESPONSES,
)(self_tests.get_step)
router.include_router(pages)
