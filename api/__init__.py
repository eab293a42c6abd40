"""Fascia: a read-only content API for expert bodywork guides."""

from api.app import create_app
from api.content.catalog import Catalog
from api.content.diagnostics import ContentError, ContentProblem
from api.content.library import Library, check_content, load_catalog, load_library
from api.settings import Settings

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
