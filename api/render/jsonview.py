"""Plain JSON, the default: the view's own fields, as described by the OpenAPI schemas."""

from __future__ import annotations

from pydantic import BaseModel

from api.render.context import RenderContext

MEDIA_TYPE = "application/json"
SUFFIX = ".json"
NAME = "Json"
TAG = "json"
PHRASE = "as JSON"
DESCRIPTION = "Every resource as JSON (`application/json`), the default."


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view as compact JSON."""
    return view.model_dump_json(by_alias=True).encode("utf-8")
