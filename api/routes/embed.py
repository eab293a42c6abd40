"""Embedding: the web component's script, and the self-test pages made for iframes.

``/v1/embed.js`` is the script under a stable name (revalidated like content);
``/v1/embed/{version}.js`` is the same bytes under a name that changes with them, cached for a
year; ``/v1/embed`` says both, and the Subresource Integrity hash.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi import Path as PathParameter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.bundle.labels import LABELS
from api.bundle.urls import PREFIX
from api.content.languages import DEFAULT_LOCALE
from api.http.errors import NotFound, error_responses
from api.http.etags import Asset, cache_control, conditional
from api.http.negotiation import force_representation
from api.render import by_media_type, html
from api.render import embedpage as page
from api.routes import self_tests
from api.routes.common import reject_unknown_parameters

SCRIPT_FILE = Path(__file__).resolve().parent.parent / "static" / "embed.js"
SCRIPT_MEDIA_TYPE = "text/javascript; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"
# The HTML representation, rendered as a page for an iframe.
EMBED_PAGE = replace(by_media_type(html.MEDIA_TYPE), render=page.render)
ELEMENTS = ("fascia-self-test", "fascia-step")

router = APIRouter(tags=["embed"], dependencies=[Depends(reject_unknown_parameters)])


@dataclass(frozen=True)
class Script:
    asset: Asset
    version: str  # changes with the bytes: names the versioned URL
    integrity: str  # Subresource Integrity: sha384 of the bytes

    @property
    def path(self) -> str:
        return f"{PREFIX}/embed/{self.version}.js"


SERVED_PLACEHOLDER = "const SERVED = /* filled in when served */ {};"
_LABEL_USE = re.compile(r'\btext\("([a-z_.]+)"')


def script_source(source: str) -> str:
    """The web component as served: ``source`` with the API's prefix, its default language and,
    in every language, the labels the script uses (each ``text("key", ...)`` in it) filled in,
    so the script names no path, language or label of its own."""
    keys = sorted(set(_LABEL_USE.findall(source)))
    served = {
        "prefix": PREFIX,
        "defaultLanguage": DEFAULT_LOCALE,
        "labels": {code: {key: labels[key] for key in keys} for code, labels in LABELS.items()},
    }
    filled = f"const SERVED = {json.dumps(served, ensure_ascii=False, sort_keys=True)};"
    if source.count(SERVED_PLACEHOLDER) != 1:
        raise ValueError(f"{SCRIPT_FILE} must hold {SERVED_PLACEHOLDER!r} once")
    return source.replace(SERVED_PLACEHOLDER, filled)


@functools.cache
def embed_script() -> Script:
    """The web component as served, made once."""
    body = script_source(SCRIPT_FILE.read_text(encoding="utf-8")).encode()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    version = hashlib.sha256(body).hexdigest()[:16]
    return Script(Asset.of(body, SCRIPT_MEDIA_TYPE), version, integrity)


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


def _script_response(control: str, if_none_match: str | None) -> Response:
    asset = embed_script().asset
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
    description="The self-test's HTML handout made for an iframe: no script, links open "
    "outside the frame, and `frame-ancestors` from FASCIA_EMBED_FRAME_ANCESTORS. Give the frame "
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
    description="One step, with the red flags and the disclaimer before it and its own "
    "warnings, as a page for an iframe (see getSelfTestEmbedPage).",
    response_class=Response,
    response_model=None,
    responses=_PAGE_RESPONSES,
)(self_tests.get_step)
router.include_router(pages)
