"""Fascia: a read-only content API for expert bodywork guides.

The public names are imported on first use, so that importing the server (``api.app``) loads
nothing of the build: content loading parses YAML, and a server only reads the bundle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "1.6.0"  # the API's version, written once: the OpenAPI document and the app read it

if TYPE_CHECKING:
    from api.app import create_app
    from api.content.catalog import Catalog
    from api.content.diagnostics import ContentError, ContentProblem
    from api.content.library import Library, check_content, load_catalog, load_library
    from api.settings import Settings

_HOMES = {
    "Catalog": "api.content.catalog",
    "ContentError": "api.content.diagnostics",
    "ContentProblem": "api.content.diagnostics",
    "Library": "api.content.library",
    "Settings": "api.settings",
    "check_content": "api.content.library",
    "create_app": "api.app",
    "load_catalog": "api.content.library",
    "load_library": "api.content.library",
}

__all__ = [
    "Catalog",
    "ContentError",
    "ContentProblem",
    "Library",
    "Settings",
    "check_content",
    "create_app",
    "load_catalog",
    "load_library",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'api' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
