"""The immutable catalog: every item of one locale by kind and id, plus the derived indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from pydantic import BaseModel

from api.content import models
from api.content.kinds import CollectionName

SEVERITY_ORDER = {"stop": 0, "caution": 1, "info": 2}
StepKey = tuple[str, str, int]  # self-test id, variant id, step number
ItemT = TypeVar("ItemT", bound=BaseModel)
KeyT = TypeVar("KeyT")


@dataclass(frozen=True)
class Catalog:
    """All content of one locale. Built once when the bundle is built; never changed afterwards."""

    locale: str
    version: str
    guides: Mapping[str, models.Guide]
    muscles: Mapping[str, models.Muscle]
    actions: Mapping[str, models.Action]
    landmarks: Mapping[str, models.Landmark]
    conditions: Mapping[str, models.Condition]
    techniques: Mapping[str, models.Technique]
    self_tests: Mapping[str, models.SelfTest]
    warnings: Mapping[str, models.SafetyWarning]
    sources: Mapping[str, models.Source]
    regions: Mapping[str, models.Region]
    diagrams: Mapping[str, models.Diagram]
    diagram_by_item: Mapping[tuple[str, str], str]  # (kind, id) -> the first diagram showing it
    actions_by_muscle: Mapping[str, tuple[str, ...]]
    warnings_by_step: Mapping[StepKey, tuple[str, ...]]
    warnings_by_variant: Mapping[tuple[str, str], tuple[str, ...]]
    warnings_by_self_test: Mapping[str, tuple[str, ...]]
    warnings_by_condition: Mapping[str, tuple[str, ...]]
    untranslated: Mapping[tuple[str, str], tuple[str, ...]]

    def items(self, collection: CollectionName) -> Iterable[tuple[str, BaseModel]]:
        """(id, item) of one collection, in catalog order."""
        found: Mapping[str, BaseModel] = getattr(self, collection.replace("-", "_"))
        return found.items()


def build_catalog(
    locale: str,
    version: str,
    items: Iterable[tuple[str, BaseModel]],
    untranslated: Mapping[tuple[str, str], tuple[str, ...]] | None = None,
) -> Catalog:
    """Index validated items whose references have already been checked.

    ``untranslated`` maps (kind, id) to the fields served in English in this locale.
    """
    by_kind: dict[str, list[BaseModel]] = defaultdict(list)
    for kind, model in items:
        by_kind[kind].append(model)
    muscles = sorted(_of(by_kind["muscles"], models.Muscle), key=lambda m: (m.size_rank, m.id))
    actions = _of(by_kind["actions"], models.Action)
    warnings = sorted(
        _of(by_kind["warnings"], models.SafetyWarning),
        key=lambda w: (SEVERITY_ORDER[w.severity], w.id),
    )
    targets = _warning_targets(warnings)
    diagrams = _of(by_kind["diagrams"], models.Diagram)
    return Catalog(
        locale=locale,
        version=version,
        guides=_index(_of(by_kind["guides"], models.Guide)),
        muscles=_index(muscles),
        actions=_index(actions),
        landmarks=_index(_of(by_kind["landmarks"], models.Landmark)),
        conditions=_index(_of(by_kind["conditions"], models.Condition)),
        techniques=_index(_of(by_kind["techniques"], models.Technique)),
        self_tests=_index(_of(by_kind["self-tests"], models.SelfTest)),
        warnings=_index(warnings),
        sources=_index(_of(by_kind["sources"], models.Source)),
        regions=_index(_of(by_kind["regions"], models.Region)),
        diagrams=_index(diagrams),
        diagram_by_item=MappingProxyType(_diagram_by_item(diagrams)),
        actions_by_muscle=_freeze(_actions_by_muscle(actions)),
        warnings_by_step=_freeze(targets.by_step),
        warnings_by_variant=_freeze(targets.by_variant),
        warnings_by_self_test=_freeze(targets.by_self_test),
        warnings_by_condition=_freeze(targets.by_condition),
        untranslated=MappingProxyType(dict(untranslated or {})),
    )


def _of(items: list[BaseModel], model: type[ItemT]) -> list[ItemT]:
    """The items of one model, in id order."""
    found = [item for item in items if isinstance(item, model)]
    return sorted(found, key=lambda item: str(getattr(item, "id", "")))


def _index(items: Iterable[ItemT]) -> Mapping[str, ItemT]:
    """Map id -> item, keeping the order given."""
    return MappingProxyType({str(getattr(item, "id", "")): item for item in items})


def _actions_by_muscle(actions: list[models.Action]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for action in sorted(actions, key=lambda a: a.id):
        for muscle_id in action.muscle_ids:
            result[muscle_id].append(action.id)
    return result


def _diagram_by_item(diagrams: list[models.Diagram]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for diagram in diagrams:
        for shape in diagram.shapes:
            if shape.landmark_id is not None:
                found.setdefault(("landmarks", shape.landmark_id), diagram.id)
            if shape.technique_id is not None:
                found.setdefault(("techniques", shape.technique_id), diagram.id)
    return found


@dataclass
class _Targets:
    by_step: dict[StepKey, list[str]]
    by_variant: dict[tuple[str, str], list[str]]
    by_self_test: dict[str, list[str]]
    by_condition: dict[str, list[str]]


def _warning_targets(warnings: list[models.SafetyWarning]) -> _Targets:
    """Invert ``applies_to`` so that steps, variants and conditions know their warnings."""
    targets = _Targets(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list))
    for warning in warnings:  # already in severity order, so every list is too
        for target in warning.applies_to:
            if target.condition is not None:
                targets.by_condition[target.condition].append(warning.id)
            elif target.variant is None:
                assert target.self_test is not None
                targets.by_self_test[target.self_test].append(warning.id)
            elif not target.steps:
                assert target.self_test is not None
                targets.by_variant[(target.self_test, target.variant)].append(warning.id)
            else:
                assert target.self_test is not None
                for number in target.steps:
                    targets.by_step[(target.self_test, target.variant, number)].append(warning.id)
    return targets


def _freeze(index: Mapping[KeyT, list[str]]) -> Mapping[KeyT, tuple[str, ...]]:
    return MappingProxyType({key: tuple(dict.fromkeys(values)) for key, values in index.items()})
