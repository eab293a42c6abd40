"""Representations: one module per media type, each a pure function from a view to bytes.

Adding a representation means adding a module here and a line to ``REPRESENTATIONS``; no route
changes. A module declares its ``MEDIA_TYPE``, its URL ``SUFFIX``, and how the OpenAPI document
lists its suffix operations (``NAME``, ``TAG``, ``PHRASE``, ``DESCRIPTION``); the document, the
app's description and the URL rewriter read them from here. The first entry is the default.
A module with a ``draws(view)`` function exists only for
the views it returns True for (the picture, for what a diagram shows); for any other view it is
not acceptable (406). A module with ``markup(view, context)`` and ``typeset(markup)`` is slow: the
server typesets it in a worker process (``api.render.pool``).

Two modules here render for one door each and are not negotiated, so they are not in the
registry: ``atom`` writes the HL7 Infobutton feed (Atom or JSON), ``assistant`` the text of the
MCP tools' answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from pydantic import BaseModel

from api.render import fhir, html, jsonld, jsonview, markdown, pdf, png, svg
from api.render.context import RenderContext

__all__ = [
    "ALTERNATES",
    "MEDIA_TYPES",
    "MEDIA_TYPE_ALIASES",
    "REPRESENTATIONS",
    "SUFFIXES",
    "RenderContext",
    "Representation",
    "by_media_type",
    "by_suffix",
    "fhir",
    "html",
    "jsonld",
    "jsonview",
    "markdown",
    "offered_for",
    "pdf",
    "png",
    "svg",
]


@dataclass(frozen=True)
class Representation:
    media_type: str
    suffix: str
    # Its suffix operations in the OpenAPI document: operation id ``<id>As<name>``, response
    # component ``<name>``, tag ``tag``, summary "<summary>, <phrase>".
    name: str
    tag: str
    phrase: str
    description: str  # the tag's description
    render: Callable[[BaseModel, RenderContext], bytes]
    # Whether this representation exists for a view: a picture only where a diagram shows it.
    draws: Callable[[BaseModel], bool] = lambda view: True
    # The views it can exist for (None: all); an item of these may still have none.
    views: tuple[type[BaseModel], ...] | None = None
    exported: bool = True  # written by the static export (PDFs are typeset on request only)
    # A slow representation renders in two parts: ``markup`` (quick, on the event loop) and
    # ``typeset`` (slow, in a worker process); ``render`` does both, for callers that may wait.
    markup: Callable[[BaseModel, RenderContext], str] | None = None
    typeset: Callable[[str], bytes] | None = None
    # Other names clients send in Accept for the same media type (an older standard's).
    aliases: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return self.views is not None

    @property
    def content_type(self) -> str:
        """The Content-Type header: text types say their charset."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


def _representation(module: ModuleType) -> Representation:
    return Representation(
        module.MEDIA_TYPE,
        module.SUFFIX,
        module.NAME,
        module.TAG,
        module.PHRASE,
        module.DESCRIPTION,
        module.render,
        getattr(module, "draws", lambda view: True),
        getattr(module, "VIEWS", None),
        getattr(module, "EXPORTED", True),
        getattr(module, "markup", None),
        getattr(module, "typeset", None),
        getattr(module, "ALIASES", ()),
    )


REPRESENTATIONS: tuple[Representation, ...] = tuple(
    _representation(module) for module in (jsonview, jsonld, html, markdown, pdf, svg, png, fhir)
)
MEDIA_TYPES: tuple[str, ...] = tuple(r.media_type for r in REPRESENTATIONS)
SUFFIXES: tuple[str, ...] = tuple(r.suffix for r in REPRESENTATIONS)
# Each alias an Accept header may name, and the media type it means.
MEDIA_TYPE_ALIASES: dict[str, str] = {
    alias: r.media_type for r in REPRESENTATIONS for alias in r.aliases
}
ALTERNATES: tuple[Representation, ...] = REPRESENTATIONS[1:]  # the others, on suffix paths


def offered_for(model: object) -> tuple[Representation, ...]:
    """The representations answers of this response model can have."""
    return tuple(r for r in REPRESENTATIONS if r.views is None or model in r.views)


def by_suffix(suffix: str) -> Representation | None:
    return next((r for r in REPRESENTATIONS if r.suffix == suffix), None)


def by_media_type(media_type: str) -> Representation:
    return next(r for r in REPRESENTATIONS if r.media_type == media_type)
