"""Build every response view from the catalog, once, when the bundle is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from pydantic import BaseModel

from api.bundle.care import care_advice
from api.bundle.labels import labels_for
from api.bundle.resources import (
    ActionView,
    Attribution,
    CareAdvice,
    CodeView,
    ConditionView,
    ContraindicationQuestion,
    DiagramView,
    EscalationView,
    GuideView,
    LandmarkBrief,
    LandmarkView,
    MuscleView,
    Ref,
    RegionView,
    RelationView,
    ScreeningQuestion,
    SelfTestView,
    SourceView,
    StepSafety,
    StepView,
    TechniqueBrief,
    TechniqueView,
    Translation,
    VariantView,
    WarningBrief,
    WarningTargetView,
    WarningView,
)
from api.bundle.urls import drawn, href, links
from api.content import models
from api.content.catalog import Catalog
from api.content.kinds import COLLECTIONS, CollectionName
from api.content.languages import DEFAULT_LOCALE
from api.content.signoffs import Status
from api.content.terminology import system_uri

Presented = dict[str, dict[str, BaseModel]]  # collection -> id -> response model


def present(catalog: Catalog, status: Status) -> Presented:
    """Every item of the catalog as its response model, references resolved, by collection in
    registry order and each collection in catalog order; each says the version's ``status``."""
    p = _Presenter(catalog, status)
    build: dict[str, Callable[[Any], BaseModel]] = {
        "guides": p.guide,
        "muscles": p.muscle,
        "actions": p.action,
        "landmarks": p.landmark,
        "conditions": p.condition,
        "techniques": p.technique,
        "self-tests": p.self_test,
        "warnings": p.warning,
        "sources": p.source,
        "regions": p.region,
        "diagrams": p.diagram,
    }
    return {
        collection: {key: build[collection](item) for key, item in catalog.items(collection)}
        for collection in COLLECTIONS
    }


def code_view(code: models.OntologyCode) -> CodeView:
    return CodeView(**code.model_dump(), uri=code_uri(code), system_uri=system_uri(code.system))


def code_uri(code: models.OntologyCode) -> str | None:
    """The term's URI in its ontology's own namespace; TA98 and ICD have no stable one."""
    match code.system:
        case "UBERON":
            return "http://purl.obolibrary.org/obo/" + code.code.replace(":", "_")
        case "FMA":
            return "http://purl.org/sig/ont/fma/fma" + code.code.removeprefix("FMA:")
        case "SNOMED-CT":
            return "http://snomed.info/id/" + code.code
        case _:
            return None


class _Presenter:
    def __init__(self, catalog: Catalog, status: Status) -> None:
        self.catalog = catalog
        self.status = status
        self.warning_order = {item_id: n for n, item_id in enumerate(catalog.warnings)}
        self.safety_by_self_test: dict[str, StepSafety] = {}
        self.labels = labels_for(catalog.locale)
        guides = list(catalog.guides.values())
        self.guide_disclaimer = guides[0].disclaimer_id if guides else ""

    def label(self, field: str, code: str | None) -> str | None:
        """The display label of a code (``pressure`` ``gentle``) in this locale."""
        if code is None:
            return None
        key = f"{field}.{code}"
        return self.labels.get(key) or labels_for(DEFAULT_LOCALE)[key]

    def translation(
        self, collection: CollectionName, item_id: str, prefix: str = ""
    ) -> Translation:
        """The locale served and the fields (under ``prefix``) that fell back to English."""
        fields = self.catalog.untranslated.get((collection, item_id), ())
        if prefix:
            fields = tuple(f.removeprefix(prefix) for f in fields if f.startswith(prefix))
        return Translation(locale=self.catalog.locale, untranslated_fields=fields)

    def refs(self, collection: CollectionName, ids: tuple[str, ...]) -> tuple[Ref, ...]:
        items: Mapping[str, BaseModel] = getattr(self.catalog, collection.replace("-", "_"))
        return tuple(
            Ref(id=item_id, name=_name(items[item_id]), href=href(collection, item_id))
            for item_id in ids
        )

    def warning_briefs(self, ids: tuple[str, ...]) -> tuple[WarningBrief, ...]:
        # Catalog order is severity first, so a stop warning always leads.
        return tuple(
            WarningBrief(
                **self.catalog.warnings[item_id].model_dump(include=_BRIEF),
                severity_label=self.label("severity", self.catalog.warnings[item_id].severity),
                care=self.care(self.catalog.warnings[item_id]),
                escalations=self.escalations(self.catalog.warnings[item_id]),
                href=href("warnings", item_id),
            )
            for item_id in sorted(ids, key=self.warning_order.__getitem__)
        )

    def care(self, warning: models.SafetyWarning) -> CareAdvice | None:
        """The default region's advice for a red flag (a request may ask for its own region)."""
        if warning.urgency is None:
            return None
        return self.advice(warning.urgency)

    def advice(self, urgency: models.Urgency) -> CareAdvice:
        return care_advice(self.catalog.regions[models.DEFAULT_REGION], urgency)

    def escalations(self, warning: models.SafetyWarning) -> tuple[EscalationView, ...]:
        """Each escalation with the default region's advice for its urgency."""
        return tuple(
            EscalationView(
                **escalation.model_dump(),
                care=self.advice(escalation.urgency),
            )
            for escalation in warning.escalations
        )

    def safety(self, self_test_id: str) -> StepSafety:
        """The red flags (emergencies first), contraindications and disclaimer every step of a
        self-test carries (built once)."""
        found = self.safety_by_self_test.get(self_test_id)
        if found is None:
            ids = self.catalog.warnings_by_self_test.get(self_test_id, ())
            briefs = self.warning_briefs(ids)
            disclaimers = [b for b in briefs if b.kind == "disclaimer"] or [
                self.warning_briefs((self.guide_disclaimer,))[0]
            ]
            flags = [b for b in briefs if b.kind == "red-flag"]
            # Emergencies first: a reader (or an app) that stops at a yes has met them first.
            flags.sort(key=lambda b: b.care is None or b.care.urgency != "emergency")
            found = StepSafety(
                red_flags=tuple(flags),
                contraindications=tuple(b for b in briefs if b.kind == "contraindication"),
                disclaimer=disclaimers[0],
                screening=href("self-tests", self_test_id),
            )
            self.safety_by_self_test[self_test_id] = found
        return found

    def screening(self, self_test_id: str) -> tuple[ScreeningQuestion, ...]:
        return tuple(
            ScreeningQuestion(
                warning_id=flag.id,
                question=flag.question or "",
                if_yes=flag.action,
                care=flag.care,
                escalations=flag.escalations,
                href=flag.href,
            )
            for flag in self.safety(self_test_id).red_flags
            if flag.care is not None
        )

    def contraindications(self, self_test_id: str) -> tuple[ContraindicationQuestion, ...]:
        return tuple(
            ContraindicationQuestion(
                warning_id=warning.id,
                question=warning.question or "",
                reason=warning.reason or "",
                instead=warning.action,
                escalations=warning.escalations,
                href=warning.href,
            )
            for warning in self.safety(self_test_id).contraindications
        )

    def region(self, region: models.Region) -> RegionView:
        return RegionView(
            status=self.status,
            **region.model_dump(),
            translation=self.translation("regions", region.id),
            links=links(href("regions", region.id)),
        )

    def muscle(self, muscle: models.Muscle) -> MuscleView:
        return MuscleView(
            status=self.status,
            **muscle.model_dump(exclude={"codes", "relations"}),
            codes=tuple(code_view(code) for code in muscle.codes),
            relations=tuple(
                RelationView(
                    **relation.model_dump(exclude={"codes"}),
                    codes=tuple(code_view(code) for code in relation.codes),
                )
                for relation in muscle.relations
            ),
            actions=self.refs("actions", self.catalog.actions_by_muscle.get(muscle.id, ())),
            sources=self.refs("sources", muscle.source_ids),
            translation=self.translation("muscles", muscle.id),
            links=links(href("muscles", muscle.id)),
        )

    def action(self, action: models.Action) -> ActionView:
        return ActionView(
            status=self.status,
            **action.model_dump(),
            muscles=self.refs("muscles", action.muscle_ids),
            sources=self.refs("sources", action.source_ids),
            translation=self.translation("actions", action.id),
            links=links(href("actions", action.id)),
        )

    def landmark(self, landmark: models.Landmark) -> LandmarkView:
        diagram_id = self.catalog.diagram_by_item.get(("landmarks", landmark.id))
        return LandmarkView(
            status=self.status,
            **landmark.model_dump(exclude={"codes"}),
            codes=tuple(code_view(code) for code in landmark.codes),
            diagram_colour_label=self.label("diagram_colour", landmark.diagram_colour),
            diagram_id=diagram_id,
            sources=self.refs("sources", landmark.source_ids),
            translation=self.translation("landmarks", landmark.id),
            links=drawn(href("landmarks", landmark.id), diagram_id),
        )

    def technique(self, technique: models.Technique) -> TechniqueView:
        diagram_id = self.catalog.diagram_by_item.get(("techniques", technique.id))
        return TechniqueView(
            status=self.status,
            **technique.model_dump(),
            diagram_colour_label=self.label("diagram_colour", technique.diagram_colour),
            diagram_id=diagram_id,
            sources=self.refs("sources", technique.source_ids),
            translation=self.translation("techniques", technique.id),
            links=drawn(href("techniques", technique.id), diagram_id),
        )

    def diagram(self, diagram: models.Diagram) -> DiagramView:
        return DiagramView(
            status=self.status,
            **diagram.model_dump(),
            sources=self.refs("sources", diagram.source_ids),
            translation=self.translation("diagrams", diagram.id),
            links=drawn(href("diagrams", diagram.id), diagram.id),
        )

    def condition(self, condition: models.Condition) -> ConditionView:
        return ConditionView(
            status=self.status,
            **condition.model_dump(exclude={"codes"}),
            codes=tuple(code_view(code) for code in condition.codes),
            related_muscles=self.refs("muscles", condition.related_muscle_ids),
            self_tests=self.refs("self-tests", condition.self_test_ids),
            warnings=self.warning_briefs(self.catalog.warnings_by_condition.get(condition.id, ())),
            sources=self.refs("sources", condition.source_ids),
            translation=self.translation("conditions", condition.id),
            links=links(href("conditions", condition.id)),
        )

    def step(self, self_test_id: str, variant: int, variant_id: str, step: models.Step) -> StepView:
        catalog = self.catalog
        key = (self_test_id, variant_id, step.number)
        diagram_id = catalog.self_tests[self_test_id].diagram_id
        prefix = f"variants.{variant}.steps.{step.number - 1}."
        return StepView(
            status=self.status,
            **step.model_dump(),
            actor_label=self.label("actor", step.actor),
            pressure_label=self.label("pressure", step.pressure),
            self_test_id=self_test_id,
            variant_id=variant_id,
            diagram_id=diagram_id,
            landmarks=tuple(
                LandmarkBrief(
                    **catalog.landmarks[i].model_dump(include=_LANDMARK_BRIEF),
                    diagram_colour_label=self.label(
                        "diagram_colour", catalog.landmarks[i].diagram_colour
                    ),
                    href=href("landmarks", i),
                )
                for i in step.landmark_ids
            ),
            techniques=tuple(
                TechniqueBrief(
                    **catalog.techniques[i].model_dump(include={"id", "name", "how_to"}),
                    href=href("techniques", i),
                )
                for i in step.technique_ids
            ),
            warnings=self.warning_briefs(catalog.warnings_by_step.get(key, ())),
            safety=self.safety(self_test_id),
            translation=self.translation("self-tests", self_test_id, prefix),
            links=drawn(step_href(self_test_id, variant_id, step.number), diagram_id),
        )

    def self_test(self, self_test: models.SelfTest) -> SelfTestView:
        variants = tuple(
            VariantView(
                **variant.model_dump(exclude={"steps"}),
                steps=tuple(
                    self.step(self_test.id, index, variant.id, step) for step in variant.steps
                ),
                warnings=self.warning_briefs(
                    self.catalog.warnings_by_variant.get((self_test.id, variant.id), ())
                ),
                links=links(f"{href('self-tests', self_test.id)}?variant={variant.id}"),
            )
            for index, variant in enumerate(self_test.variants)
        )
        return SelfTestView(
            status=self.status,
            **self_test.model_dump(exclude={"variants"}),
            screening=self.screening(self_test.id),
            contraindications=self.contraindications(self_test.id),
            variants=variants,
            warnings=self.warning_briefs(self.catalog.warnings_by_self_test.get(self_test.id, ())),
            conditions=self.refs("conditions", self_test.condition_ids),
            sources=self.refs("sources", self_test.source_ids),
            translation=self.translation("self-tests", self_test.id),
            links=drawn(href("self-tests", self_test.id), self_test.diagram_id),
        )

    def warning(self, warning: models.SafetyWarning) -> WarningView:
        return WarningView(
            status=self.status,
            **warning.model_dump(exclude={"applies_to", "escalations"}),
            severity_label=self.label("severity", warning.severity),
            care=self.care(warning),
            escalations=self.escalations(warning),
            applies_to=tuple(
                WarningTargetView(**target.model_dump(), href=_target_href(target))
                for target in warning.applies_to
            ),
            sources=self.refs("sources", warning.source_ids),
            translation=self.translation("warnings", warning.id),
            links=links(href("warnings", warning.id)),
        )

    def source(self, source: models.Source) -> SourceView:
        return SourceView(
            status=self.status,
            **source.model_dump(),
            attribution=source_attribution(source, labels_for(self.catalog.locale)["accessed"]),
            translation=self.translation("sources", source.id),
            links=links(href("sources", source.id)),
        )

    def guide(self, guide: models.Guide) -> GuideView:
        return GuideView(
            status=self.status,
            **guide.model_dump(),
            attribution=guide_attribution(guide),
            disclaimer=self.warning_briefs((guide.disclaimer_id,))[0],
            safety=tuple(self.safety(self_test_id) for self_test_id in guide.self_test_ids),
            muscles=self.refs("muscles", guide.muscle_ids),
            actions=self.refs("actions", guide.action_ids),
            landmarks=self.refs("landmarks", guide.landmark_ids),
            conditions=self.refs("conditions", guide.condition_ids),
            techniques=self.refs("techniques", guide.technique_ids),
            self_tests=self.refs("self-tests", guide.self_test_ids),
            warnings=self.refs("warnings", guide.warning_ids),
            sources=self.refs("sources", guide.source_ids),
            translation=self.translation("guides", guide.id),
            links=links(href("guides", guide.id)),
        )


_BRIEF = {"id", "kind", "severity", "title", "sign", "action", "question", "reason"}
_LANDMARK_BRIEF = {"id", "name", "how_to_find", "diagram_colour", "avoid_pressure"}


def source_attribution(source: models.Source, accessed: str) -> Attribution:
    """Title, publisher, address, licence and when it was read, as far as each is known."""
    parts = [source.title, source.publisher, source.url]
    markup = [f"<cite>{escape(source.title)}</cite>", _escaped(source.publisher), _link(source.url)]
    if source.license is not None:
        parts.append(source.license.name)
        markup.append(_link(source.license.url, source.license.name))
    if source.accessed is not None:
        parts.append(f"{accessed} {source.accessed.isoformat()}")
        markup.append(f"{escape(accessed)} {source.accessed.isoformat()}")
    return Attribution(
        text=". ".join(filter(None, parts)) + ".", html=". ".join(filter(None, markup)) + "."
    )


def guide_attribution(guide: models.Guide) -> Attribution:
    """Who holds the guide's text and under which licence."""
    licence = guide.license
    return Attribution(
        text=f"{guide.title}, © {guide.copyright_holder}. {licence.name}"
        + (f" ({licence.url})." if licence.url else "."),
        html=f"<cite>{escape(guide.title)}</cite>, © {escape(guide.copyright_holder)}. "
        + (_link(licence.url, licence.name) or escape(licence.name))
        + ".",
    )


def _escaped(text: str | None) -> str | None:
    return escape(text) if text else None


def _link(url: str | None, text: str | None = None) -> str | None:
    if url is None:
        return None
    return f'<a href="{escape(url)}">{escape(text or url)}</a>'


def step_href(self_test_id: str, variant_id: str, number: int) -> str:
    return f"{href('self-tests', self_test_id)}/steps/{number}?variant={variant_id}"


def _target_href(target: models.WarningTarget) -> str:
    if target.condition is not None:
        return href("conditions", target.condition)
    assert target.self_test is not None
    path = href("self-tests", target.self_test)
    if target.variant is None:
        return path
    if len(target.steps) == 1:
        return step_href(target.self_test, target.variant, target.steps[0])
    suffix = "/steps" if target.steps else ""
    return f"{path}{suffix}?variant={target.variant}"


def _name(item: BaseModel) -> str:
    for field in ("name", "title"):
        value = getattr(item, field, None)
        if isinstance(value, str):
            return value
    return str(getattr(item, "id", ""))
