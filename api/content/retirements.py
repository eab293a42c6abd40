"""A retirement record: an id that was published and is no longer served (410 Gone).

Its own module, so that the server reads retirement records without loading the release
machinery (``api.content.releases``), which parses YAML.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, field_validator

from api.content.kinds import BY_COLLECTION
from api.content.models import Frozen, Slug, Text


class Retirement(Frozen):
    """An id that was published and is no longer served: it answers 410 Gone."""

    kind: Annotated[str, Field(description="The collection, such as `muscles`.")]
    id: Slug
    date: date
    reason: Text
    replaced_by: Slug | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in BY_COLLECTION:
            raise ValueError(f"not a kind of content: use one of {', '.join(BY_COLLECTION)}")
        return value
