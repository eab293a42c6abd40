"""The one registry of content kinds: everything that lists the kinds derives from ``KINDS``.

A kind's ``collection`` names its content folder (``content/<locale>/<collection>/``), its URL
(``/v1/<collection>``) and its search and export section; ``singular`` is how messages name one
item; ``guide_field`` is the field of a guide that lists the items of this kind it uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from api.content import models


@dataclass(frozen=True)
class Kind:
    collection: str
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
COLLECTIONS: tuple[str, ...] = tuple(kind.collection for kind in KINDS)
