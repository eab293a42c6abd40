"""The interactive API reference at ``/docs``: Swagger UI, every file served by Fascia itself.

Swagger UI's script and stylesheet come from the ``fastapi-offline`` package (PyPI, pinned and
hashed in uv.lock), whose copies are byte for byte those of the ``swagger-ui-dist`` release it
names; nothing is fetched from a CDN, so the page works offline. The page and the script that
starts Swagger UI are Fascia's own files (``api/static/``): the page holds no inline script, and
its Content-Security-Policy allows scripts, styles and requests from this origin only.

Each file is served under a name that holds a digest of its bytes
(``/docs/swagger-ui-bundle.4b5a9b35a1ad.js``), so it can be cached for a year
(``immutable``); the page itself is cached like the API's responses and revalidated with its
ETag. ``/openapi.json`` gets an ETag and the same caching.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.http.codings import IDENTITY, choose_coding, coded_etag, compress, worth_compressing
from api.http.errors import PROBLEM_MEDIA_TYPE
from api.http.etags import Asset, conditional
from api.http.urls import public_base

STATIC = Path(__file__).parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
# The page may run scripts and load styles from this origin only, and fetch from it ("try it");
# Swagger UI's stylesheet draws its icons as data: images.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


@dataclass(frozen=True)
class Docs:
    """The page and its files, by the name each is served under."""

    page: Asset
    assets: dict[str, Asset]

    @classmethod
    def load(cls) -> Docs:
        swagger_ui = _package_folder("fastapi_offline") / "static"
        sources = {
            "swagger-ui-bundle.js": swagger_ui / "swagger-ui-bundle.js",
            "swagger-ui.css": swagger_ui / "swagger-ui.css",
            "docs.js": STATIC / "docs.js",
            "docs.css": STATIC / "docs.css",
        }
        assets: dict[str, Asset] = {}
        page = (STATIC / "docs.html").read_text(encoding="utf-8")
        for name, source in sources.items():
            body = source.read_bytes()
            stem, _, extension = name.rpartition(".")
            served = f"{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{extension}"
            assets[served] = Asset.of(body, CONTENT_TYPES[f".{extension}"])
            page = page.replace("{" + name + "}", f"/docs/{served}")
        html = page.encode()
        return cls(Asset.of(html, "text/html; charset=utf-8"), assets)


def _package_folder(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is missing: `make install` installs it")
    return Path(next(iter(spec.submodule_search_locations)))


router = APIRouter(include_in_schema=False)
IfNoneMatch = Annotated[str | None, Header()]


@router.get("/docs")
async def docs_page(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    docs: Docs = request.app.state.docs
    control: str = request.app.state.page_cache_control
    return _answer(request, docs.page, control, if_none_match, DOCS_POLICY)


@router.get("/docs/{name}")
async def docs_asset(request: Request, name: str, if_none_match: IfNoneMatch = None) -> Response:
    docs: Docs = request.app.state.docs
    asset = docs.assets.get(name)
    if asset is None:
        raise HTTPException(404)  # a problem, like any unknown path
    return _answer(request, asset, IMMUTABLE, if_none_match)


@router.get("/openapi.json")
async def openapi_document(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    state = request.app.state
    settings = state.settings
    base = public_base(request.scope, settings.public_url, settings.hosts)
    assets: dict[str, Asset] | None = getattr(state, "openapi_assets", None)
    if assets is None:
        assets = state.openapi_assets = {}
    if base not in assets:  # one per allowed origin: a handful
        document = served_document(request.app.openapi(), base, bool(settings.api_key_digests))
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        assets[base] = Asset.of(body, "application/json")
    return _answer(request, assets[base], state.page_cache_control, if_none_match)


def _answer(
    request: Request,
    asset: Asset,
    cache_control: str,
    if_none_match: str | None,
    policy: str | None = None,
) -> Response:
    """``asset`` in the coding Accept-Encoding prefers (compressed once, then kept)."""
    coding = choose_coding(request.headers.get("accept-encoding", ""))
    coded = _coded(asset, coding)
    headers = {"Content-Type": asset.content_type, "ETag": coded.etag}
    headers["Cache-Control"] = cache_control
    headers["Vary"] = "Accept-Encoding"
    if coded is not asset:
        headers["Content-Encoding"] = coding
    if policy is not None:
        headers["Content-Security-Policy"] = policy
    return conditional(coded.body, headers, if_none_match)


_CODED: dict[tuple[str, str], Asset] = {}  # by the identity ETag and coding: a few assets


def _coded(asset: Asset, coding: str) -> Asset:
    """``asset`` compressed with ``coding``, or itself when that gains nothing."""
    if coding == IDENTITY or not worth_compressing(asset.body, asset.content_type):
        return asset
    key = (asset.etag, coding)
    coded = _CODED.get(key)
    if coded is None:
        body = compress(asset.body, coding)
        coded = Asset(body, asset.content_type, coded_etag(asset.etag, coding))
        _CODED[key] = coded if len(body) < len(asset.body) else asset
    return _CODED[key]


def served_document(document: dict[str, Any], base: str, keys: bool) -> dict[str, Any]:
    """The document as this server serves it: naming itself (``base``) as the server, so the
    reference at /docs tries requests here; with API keys on, without answers cut from the
    content; with them off, without security requirements (no lock where no key is needed)."""
    served = without_content_examples(document) if keys else copy.deepcopy(document)
    served["servers"] = [{"url": base or "/", "description": "This server."}]
    if not keys:
        served["components"].pop("securitySchemes", None)
        for item in served["paths"].values():
            item["get"].pop("security", None)
    return served


def without_content_examples(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without the example answers cut from the content: what a server with API
    keys publishes, since its document is open to anyone (the error examples stay)."""
    public = copy.deepcopy(document)
    for item in public["paths"].values():
        for response in item["get"]["responses"].values():
            for media in response.get("content", {}).values():
                media.pop("example", None)
    for response in public["components"]["responses"].values():
        if not response.get("description", "").startswith("Not Modified"):
            for media_type, media in response.get("content", {}).items():
                if media_type != PROBLEM_MEDIA_TYPE:
                    media.pop("example", None)
    return public
