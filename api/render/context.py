"""What a renderer knows besides the view: the locale, its labels, the disclaimer, the sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from api.render.labels import labels_for
from api.views import SourceView, WarningView


@dataclass(frozen=True)
class RenderContext:
    """Everything a renderer needs that is not in the view itself; the same for every request."""

    locale: str
    disclaimer: WarningView
    sources: Mapping[str, SourceView]

    @property
    def labels(self) -> Mapping[str, str]:
        return labels_for(self.locale)

    def label(self, key: str) -> str:
        return self.labels.get(key) or labels_for("en").get(key, key)
