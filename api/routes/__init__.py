"""One router per resource; ``ROUTERS`` is the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routes import (
    actions,
    conditions,
    diagrams,
    embed,
    export,
    guides,
    health,
    index,
    landmarks,
    locales,
    muscles,
    oembed,
    regions,
    search,
    self_tests,
    sources,
    sync,
    techniques,
    warnings,
)

ROUTERS: tuple[APIRouter, ...] = (
    index.router,
    guides.router,
    muscles.router,
    actions.router,
    landmarks.router,
    conditions.router,
    techniques.router,
    self_tests.router,
    warnings.router,
    sources.router,
    regions.router,
    diagrams.router,
    locales.router,
    search.router,
    export.router,
    sync.router,
    embed.router,
    oembed.router,
    health.router,
)
