"""The one registry of content kinds: everything that lists the kinds derives from ``KINDS``.

A kind's ``collection`` names its content folder (``content/<locale>/<collection>/``), its URL
(``/v1/<collection>``) and its search and export section; ``singular`` is how messages name one
item; ``guide_field`` is the field of a guide that lists the items of this kind it uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeGuard

from pydantic import BaseModel

from api.content import models

# The collections' names, as a type: a misspelt name is a type error, not a 404 at run time. The
# kinds below list exactly these, in this order (a test holds them together).
CollectionName = Literal[
    "guides",
    "muscles",
    "actions",
    "landmarks",
    "conditions",
    "techniques",
    "self-tests",
    "warnings",
    "sources",
    "regions",
    "diagrams",
]


@dataclass(frozen=True)
class Kind:
    collection: CollectionName
    singular: str
    model: type[BaseModel]
    guide_field: str | None


KINDS: tuple[Kind, ...] = (
    Kind("guides", "guide", models.Guide, None),
    Kind("muscles", "muscle", models.Muscle, "muscle_ids"),
    Kind("actions", "action", models.Action, "action_ids"),
    Kind("landmarks", "landmark", models.Landmark, "landmark_ids"),
    Kind("conditions", "condition", models.Condition, "condition_ids"),
    Kind("techniques", "technique", models.Technique, "technique_ids"),
    Kind("self-tests", "self-test", models.SelfTest, "self_test_ids"),
    Kind("warnings", "warning", models.SafetyWarning, "warning_ids"),
    Kind("sources", "source", models.Source, "source_ids"),
    Kind("regions", "region", models.Region, None),
    Kind("diagrams", "diagram", models.Diagram, None),
)
BY_COLLECTION: Mapping[str, Kind] = {kind.collection: kind for kind in KINDS}
COLLECTIONS: tuple[CollectionName, ...] = tuple(kind.collection for kind in KINDS)


def is_collection(name: str) -> TypeGuard[CollectionName]:
    """Whether ``name`` (from a URL, a tool's argument) names a collection."""
    return name in BY_COLLECTION
