"""What a renderer knows besides the view: locale, labels, disclaimer, sources and credits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from api.render.labels import labels_for
from api.views import SourceView, WarningView


@dataclass(frozen=True)
class RenderContext:
    """Everything a renderer needs that is not in the view itself; the same for every request."""

    locale: str
    disclaimer: WarningView
    sources: Mapping[str, SourceView]
    # The sources a handout of an item credits besides those it cites (its guide's articles).
    credits: Callable[[BaseModel], tuple[str, ...]]
    # Scheme, host and port of absolute URLs (canonical links, link previews, oEmbed).
    origin: str = ""

    @property
    def labels(self) -> Mapping[str, str]:
        return labels_for(self.locale)

    def label(self, key: str) -> str:
        return self.labels.get(key) or labels_for("en").get(key, key)
