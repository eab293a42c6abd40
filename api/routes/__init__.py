"""One router per resource; ``ROUTERS`` is the order they appear in the OpenAPI document.

A content kind's router is the module named after its collection (``self-tests`` ->
``api.routes.self_tests``), found from the kind registry, so a new kind without a router fails
at import, not in production.
"""

from importlib import import_module

from fastapi import APIRouter

from api.content.kinds import KINDS
from api.routes import (
    embed,
    export,
    health,
    index,
    infobutton,
    locales,
    lookup,
    oembed,
    safety_case,
    search,
    sync,
)

KIND_ROUTERS: tuple[APIRouter, ...] = tuple(
    import_module(f"{__name__}.{kind.collection.replace('-', '_')}").router for kind in KINDS
)
ROUTERS: tuple[APIRouter, ...] = (
    index.router,
    *KIND_ROUTERS,
    locales.router,
    search.router,
    lookup.router,
    infobutton.router,
    export.router,
    sync.router,
    safety_case.router,
    embed.router,
    oembed.router,
    health.router,
)
