"""The one place URL paths are made: the API prefix, an item's or collection's path, links."""

from __future__ import annotations

from api.bundle.resources import SVG_SUFFIX, Links

PREFIX = "/v1"
INFOBUTTON_PATH = "/infobutton"  # HL7 Infobutton (api.routes.infobutton)
MCP_PATH = "/mcp"  # the MCP server (api.routes.mcp): the one path that takes POST


def href(collection: str, item_id: str = "") -> str:
    """The URL path of a collection, or of one item in it."""
    return f"{PREFIX}/{collection}/{item_id}" if item_id else f"{PREFIX}/{collection}"


def links(path: str) -> Links:
    return Links(self_=path)


def drawn(path: str, diagram_id: str | None) -> Links:
    """Links of a resource a diagram shows: its picture is the same URL as ``.svg``."""
    if diagram_id is None:
        return links(path)
    stem, _, query = path.partition("?")
    return Links(self_=path, diagram=f"{stem}{SVG_SUFFIX}" + (f"?{query}" if query else ""))
