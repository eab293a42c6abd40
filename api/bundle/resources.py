"""Response models: the content models plus resolved references, embedded details and links.

Each view extends its content model, so a field added to the content schema reaches the API
without a second definition. References keep their ``*_ids`` and gain ``Ref`` objects with names
and links, so a client renders without a second request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, create_model

from api.content import models
from api.content.hazards import ControlKind, LikelihoodLevel, SeverityLevel
from api.content.kinds import COLLECTIONS, CollectionName
from api.content.signoffs import Decision, Status


class View(BaseModel):
    """A response model. Every field is always written, so all are required in its schema."""

    model_config = ConfigDict(
        frozen=True,
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )


def _next_is_optional(schema: dict[str, Any]) -> None:
    """``next`` is left out of the last page, so it is the one field not always present."""
    schema["required"] = [name for name in schema.get("required", []) if name != "next"]
    schema["properties"]["next"] = {
        key: value
        for key, value in schema["properties"]["next"].items()
        if key not in ("anyOf", "default")
    } | {"type": "string"}


SVG_SUFFIX = ".svg"  # a resource's picture is its own URL with this suffix
STATUS_DESCRIPTION = (
    "`draft` until a registered clinician has signed this content version off, then `active` "
    "(`/v1`'s `governance` says who and when). Show a draft as a draft: every handout, page "
    "and text of this API starts with a line that says so."
)


class Governed(BaseModel):
    """A piece of content as published: whether its version is signed off."""

    status: Annotated[Status, Field(description=STATUS_DESCRIPTION)]


class Links(View):
    model_config = ConfigDict(json_schema_extra=_next_is_optional)

    self_: Annotated[
        str,
        Field(
            alias="self",
            description="This resource's own URL: absolute on a page of a collection (from "
            "FASCIA_PUBLIC_URL, else the request's allowed origin), a path on this server for "
            "the items within it (resolve it against the page's `self`).",
        ),
    ]
    next: Annotated[
        str | None,
        Field(
            description="The absolute URL of the next page of a paged answer; absent on the "
            'last page (also sent as `Link: <...>; rel="next"`).',
            exclude_if=lambda value: value is None,
        ),
    ] = None
    diagram: Annotated[
        str | None,
        Field(
            description="The picture of this resource (`image/svg+xml`), with what it names "
            "highlighted; absent when no diagram shows it.",
            exclude_if=lambda value: value is None,
        ),
    ] = None


def label_of(code: str) -> Any:
    """A field holding the display label of the code field ``code``, in the served language."""
    return Field(description=f"`{code}` as a reader sees it, in the served language.")


DiagramId = Annotated[
    str | None,
    Field(description="The diagram that shows this (`/v1/diagrams/{id}`), or null when none does."),
]


class Ref(View):
    """Another resource, named and linked."""

    id: str
    name: str
    href: str


class CodeView(models.OntologyCode):
    uri: Annotated[str | None, Field(description="The term's URI, where the system has one.")]
    system_uri: Annotated[
        str | None,
        Field(
            description="The code system as FHIR names it (`http://snomed.info/sct`), for the "
            "clinical systems `/v1/lookup` takes; null for anatomy ontologies."
        ),
    ] = None


class RelationView(models.Relation):
    codes: tuple[CodeView, ...] = ()


class Translation(View):
    """The locale an item is served in, and which of its fields fell back to English."""

    locale: str
    untranslated_fields: Annotated[
        tuple[str, ...],
        Field(description="Dotted paths of fields shown in English; empty when complete."),
    ] = ()


class CareAdvice(View):
    """Where to get the care a red flag calls for, in the reader's region."""

    safety_critical: ClassVar[bool] = True  # every field is safety text (api.content.changes)

    urgency: models.Urgency
    region: Annotated[
        str,
        Field(
            description="The region the advice is for (`/v1/regions/{id}`): chosen by the "
            "`region` parameter or the region of `Accept-Language` (`en-US`); `default` names "
            "no number."
        ),
    ]
    advice: Annotated[str, Field(description="What to do, with the number to call.")]


class EscalationView(models.Escalation):
    """Readers who need more urgent care than the warning's own, and where they get it."""

    safety_critical: ClassVar[bool] = True

    care: Annotated[
        CareAdvice, Field(description="Where to get care of that urgency, in the reader's region.")
    ]

    def sentence(self, if_label: str) -> str:
        """The escalation as one line: "If <when>: <action> <care>"."""
        then = f"{self.action} {self.care.advice}" if self.action else self.care.advice
        return f"{if_label} {self.when}: {then}"


Escalations = Annotated[
    tuple[EscalationView, ...],
    Field(
        description="Readers who need more urgent care than this warning's own urgency: show "
        "each wherever the warning or its question is shown."
    ),
]


class WarningBrief(View):
    """A warning as shown beside a step: enough to render it without another request."""

    safety_critical: ClassVar[bool] = True  # like the warning it shows

    id: str
    kind: models.WarningKind
    severity: models.Severity
    severity_label: Annotated[str, label_of("severity")]
    title: str
    sign: str
    action: str
    question: Annotated[
        str | None,
        Field(description="Red flags and contraindications: the yes/no screening question."),
    ] = None
    reason: Annotated[
        str | None,
        Field(
            description="Contraindications: why the check is not for this reader. Red flags: "
            "what the sign may mean."
        ),
    ] = None
    care: Annotated[
        CareAdvice | None,
        Field(description="Red flags: where to get that care, for the reader's region."),
    ] = None
    escalations: Escalations = ()
    href: str


def warning_parts(warning: WarningBrief | WarningView, if_label: str) -> list[str]:
    """A warning word for word: its sign and action, where to get care in the reader's region,
    and each escalation ("If <when>: <action> <care>")."""
    parts = [warning.sign, warning.action]
    if warning.care is not None:
        parts.append(warning.care.advice)
    parts += [escalation.sentence(if_label) for escalation in warning.escalations]
    return parts


def warning_text(warning: WarningBrief | WarningView, if_label: str) -> str:
    """A warning word for word in one paragraph (``warning_parts``)."""
    return " ".join(warning_parts(warning, if_label))


def escalation_text(escalations: tuple[EscalationView, ...], if_label: str) -> str:
    """Escalations as sentences after a question's answer; empty when there are none."""
    return "".join(f" {escalation.sentence(if_label)}" for escalation in escalations)


class LandmarkBrief(View):
    id: str
    name: str
    how_to_find: str
    diagram_colour: models.DiagramColour | None
    diagram_colour_label: Annotated[str | None, label_of("diagram_colour")]
    avoid_pressure: Annotated[bool, models.SAFETY]
    href: str


class TechniqueBrief(View):
    id: str
    name: str
    how_to: Annotated[str, models.SAFETY]
    href: str


class Attribution(View):
    """A ready credit line: plain text, and HTML with its links."""

    text: str
    html: str


class SourceView(models.Source, Governed):
    attribution: Annotated[
        Attribution, Field(description="How to credit this source: title, publisher, URL, licence.")
    ]
    translation: Translation
    links: Links


class MuscleView(models.Muscle, Governed):
    codes: tuple[CodeView, ...] = ()
    relations: tuple[RelationView, ...] = ()
    actions: tuple[Ref, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class ActionView(models.Action, Governed):
    muscles: tuple[Ref, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class LandmarkView(models.Landmark, Governed):
    diagram_colour_label: Annotated[str | None, label_of("diagram_colour")]
    codes: tuple[CodeView, ...] = ()
    diagram_id: DiagramId
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class TechniqueView(models.Technique, Governed):
    diagram_colour_label: Annotated[str | None, label_of("diagram_colour")]
    diagram_id: DiagramId
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class ConditionView(models.Condition, Governed):
    codes: tuple[CodeView, ...] = ()
    related_muscles: tuple[Ref, ...]
    self_tests: tuple[Ref, ...]
    warnings: tuple[WarningBrief, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class StepSafety(View):
    """What must be shown with any step, however the step is cut out of its self-test."""

    safety_critical: ClassVar[bool] = True

    red_flags: Annotated[
        tuple[WarningBrief, ...],
        Field(description="Signs that rule the whole check out: ask or show them before step 1."),
    ]
    contraindications: Annotated[
        tuple[WarningBrief, ...],
        Field(
            description="Who should not do the check, or only after asking a professional: ask "
            "or show them before step 1, like the red flags."
        ),
    ]
    disclaimer: WarningBrief
    screening: Annotated[
        str, Field(description="The self-test, whose `screening` asks the red flags in order.")
    ]


class StepFields(models.Step, Governed):
    """What a step says about itself, however its safety is given (the fields both step shapes
    share, in their order)."""

    actor_label: Annotated[str, label_of("actor")]
    pressure_label: Annotated[str, label_of("pressure"), models.SAFETY]
    self_test_id: str
    variant_id: str
    diagram_id: DiagramId
    landmarks: tuple[LandmarkBrief, ...]
    techniques: tuple[TechniqueBrief, ...]
    warnings: Annotated[
        tuple[WarningBrief, ...], Field(description="Warnings for this step, `stop` first.")
    ]


class StepView(StepFields):
    safety: Annotated[
        StepSafety,
        Field(
            description="Always present, never optional to show: the red flags, the "
            "contraindications and the disclaimer of the self-test this step belongs to."
        ),
    ]
    translation: Translation
    links: Links


SAFETY_POINTER = "#/safety"  # where a step of a list with its safety stated once finds it


class SafetyOnceStepView(StepFields):
    """A step of a list that states its self-test's safety once, in the list's `safety`: every
    field of the step but its own copy of `safety`, and `safety_ref` to where it is."""

    safety_ref: Annotated[
        str,
        Field(
            description="Where this step's safety is, never optional to show: a JSON Pointer "
            f"(RFC 6901, as a URI fragment: `{SAFETY_POINTER}`) to the `safety` of the page "
            "this step is on, the red flags, contraindications and disclaimer that the step "
            "carries itself in `/steps` and `/steps/{number}`.",
            examples=[SAFETY_POINTER],
        ),
    ]
    translation: Translation
    links: Links

    @classmethod
    def of(cls, step: StepView) -> SafetyOnceStepView:
        """``step`` pointing to its page's ``safety`` instead of carrying its own copy."""
        shared = {name: getattr(step, name) for name in StepFields.model_fields}
        return cls(
            **shared, safety_ref=SAFETY_POINTER, translation=step.translation, links=step.links
        )


class VariantView(models.Variant):
    steps: tuple[StepView, ...]
    warnings: Annotated[
        tuple[WarningBrief, ...], Field(description="Warnings for the whole variant.")
    ]
    links: Links


class ScreeningQuestion(View):
    """One red flag asked as a question before the check; a yes means: do not do the check."""

    safety_critical: ClassVar[bool] = True

    warning_id: str
    question: str
    if_yes: Annotated[str, Field(description="What a yes means: the red flag's action.")]
    care: CareAdvice
    escalations: Escalations = ()
    href: str

    def if_yes_text(self, if_label: str) -> str:
        """What a yes means, word for word: the red flag's action, where to get that care in
        the reader's region, and each escalation."""
        return f"{self.if_yes} {self.care.advice}" + escalation_text(self.escalations, if_label)


class ContraindicationQuestion(View):
    """Who should not do the check, asked before it; a yes means: do not do the check now, do
    what ``instead`` says (often: ask a professional first)."""

    safety_critical: ClassVar[bool] = True

    warning_id: str
    question: str
    reason: str
    instead: Annotated[str, Field(description="What to do instead: the warning's action.")]
    escalations: Escalations = ()
    href: str

    def if_yes_text(self, if_label: str) -> str:
        """What a yes means, word for word: why the check is not for this reader, what to do
        instead, and each escalation."""
        return f"{self.reason} {self.instead}" + escalation_text(self.escalations, if_label)


class SelfTestView(models.SelfTest, Governed):
    screening: Annotated[
        tuple[ScreeningQuestion, ...],
        Field(description="Ask these, in order, before step 1; any yes rules the check out."),
    ]
    contraindications: Annotated[
        tuple[ContraindicationQuestion, ...],
        Field(
            description="Ask these too, before step 1: a yes means the check is not for this "
            "reader now; `instead` says what to do."
        ),
    ]
    variants: tuple[VariantView, ...]
    warnings: Annotated[
        tuple[WarningBrief, ...],
        Field(
            description="Read before starting: red flags, contraindications, the disclaimer "
            "and what to know before any pressure."
        ),
    ]
    conditions: tuple[Ref, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links

    def narrowed(self, variant: str) -> SelfTestView:
        """The self-test as one of its variants shows it: that variant's steps, the advice that
        applies to it, and a self link that names it. KeyError when it has no such variant."""
        chosen = tuple(candidate for candidate in self.variants if candidate.id == variant)
        if not chosen:
            raise KeyError(variant)
        link = f"{self.links.self_}?{urlencode({'variant': variant})}"
        return self.model_copy(
            update={
                "variants": chosen,
                "advice": tuple(a for a in self.advice if a.variant in (None, variant)),
                "links": self.links.model_copy(update={"self_": link}),
            }
        )


class WarningTargetView(models.WarningTarget):
    href: str


class WarningView(models.SafetyWarning, Governed):
    severity_label: Annotated[str, label_of("severity")]
    care: Annotated[
        CareAdvice | None,
        Field(description="Red flags: where to get that care, for the reader's region."),
    ] = None
    escalations: Escalations = ()
    applies_to: tuple[WarningTargetView, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class RegionView(models.Region, Governed):
    translation: Translation
    links: Links


class DiagramView(models.Diagram, Governed):
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


class GuideView(models.Guide, Governed):
    attribution: Annotated[
        Attribution,
        Field(description="How to credit this guide where its text is shown: holder and licence."),
    ]
    disclaimer: WarningBrief
    safety: Annotated[
        tuple[StepSafety, ...],
        Field(
            description="For each self-test the guide describes, in order: its red flags "
            "(emergencies first) and contraindications, to show wherever the guide is shown."
        ),
    ] = ()
    muscles: tuple[Ref, ...]
    actions: tuple[Ref, ...]
    landmarks: tuple[Ref, ...]
    conditions: tuple[Ref, ...]
    techniques: tuple[Ref, ...]
    self_tests: tuple[Ref, ...]
    warnings: tuple[Ref, ...]
    sources: tuple[Ref, ...]
    translation: Translation
    links: Links


ItemView = TypeVar("ItemView", bound=BaseModel)


class Collection(View, Generic[ItemView]):
    """A list of resources, in a stable order, with the filters applied."""

    items: tuple[ItemView, ...]
    count: int
    links: Links


# Named subclasses give the OpenAPI document readable schema names.
class GuideCollection(Collection[GuideView]): ...


class MuscleCollection(Collection[MuscleView]): ...


class ActionCollection(Collection[ActionView]): ...


class LandmarkCollection(Collection[LandmarkView]): ...


class ConditionCollection(Collection[ConditionView]): ...


class TechniqueCollection(Collection[TechniqueView]): ...


class SelfTestCollection(Collection[SelfTestView]): ...


class StepCollection(Collection[StepView]): ...


class SafetyOnceStepCollection(Collection[SafetyOnceStepView]):
    """The steps of a self-test with its safety stated once, on every page: `safety` holds the
    red flags, contraindications and disclaimer that each step of `/steps` carries, and each
    step's `safety_ref` points to it."""

    safety: Annotated[
        StepSafety,
        Field(
            description="Always present, never optional to show, before the first step shown: "
            "the red flags, the contraindications and the disclaimer of the self-test, which "
            "apply to every step of this page (each one's `safety_ref` points here)."
        ),
    ]


class WarningCollection(Collection[WarningView]): ...


class SourceCollection(Collection[SourceView]): ...


class RegionCollection(Collection[RegionView]): ...


class DiagramCollection(Collection[DiagramView]): ...


class LocaleView(View):
    """One locale and how much of the content is translated into it."""

    locale: str
    name: str
    default: bool
    complete: bool
    translated_fields: int
    total_fields: int
    untranslated_items: Annotated[
        tuple[str, ...], Field(description="Paths of items with any field shown in English.")
    ]
    links: Links


class LocaleCollection(Collection[LocaleView]): ...


class SignOffView(View):
    """A clinician's decision on one content version (``content/governance/sign-offs.yaml``)."""

    content_version: str
    role: str
    name: str
    professional_body: str
    registration: str
    date: date
    decision: Decision
    scope: tuple[str, ...]
    notes: str | None


class GovernanceView(View):
    """Whether the content version served is signed off, and by whom."""

    status: Annotated[Status, Field(description=STATUS_DESCRIPTION)]
    content_version: str
    sign_off: Annotated[
        SignOffView | None,
        Field(description="The last decision on this version; null when none was made yet."),
    ]
    notice: Annotated[
        str | None,
        Field(description="The line every surface shows first while the content is a draft."),
    ]

    def in_words(self, labels: Mapping[str, str]) -> GovernanceView:
        """This state with its notice in a locale's words (none once active)."""
        notice = labels["status.draft"] if self.status == "draft" else None
        return self.model_copy(update={"notice": notice})


class ApiIndex(View):
    """Where everything is, and which content version is being served."""

    content_version: str
    governance: GovernanceView
    locale: str
    collections: dict[str, str]
    search: Annotated[str, Field(description="Search, with {query} to fill in.")]
    links: Links


class RiskView(View):
    """A risk on DCB0129's scales, and its rating in the standard's 5x5 matrix."""

    severity: SeverityLevel
    likelihood: LikelihoodLevel
    rating: Annotated[
        int, Field(ge=1, le=5, description="1 (acceptable) to 5 (unacceptable), DCB0129's matrix.")
    ]


class VerificationView(View):
    """What shows a control works: a test of Fascia's suite, or a rule `check` applies."""

    test: Annotated[str | None, Field(description="A pytest node id, such as tests/x.py::test_y.")]
    rule: Annotated[str | None, Field(description="The name of a content check rule.")]
    checks: Annotated[str | None, Field(description="What the rule refuses; null for a test.")]


class ControlView(View):
    kind: ControlKind
    description: str
    verified_by: tuple[VerificationView, ...]


class HazardView(View):
    """One hazard of the log: its causes, its effect on a reader, its risk and its controls."""

    id: str
    title: str
    causes: tuple[str, ...]
    effect: str
    initial: Annotated[RiskView, Field(description="Before any control.")]
    residual: Annotated[RiskView, Field(description="With every control in place.")]
    controls: tuple[ControlView, ...]


class SafetyCaseView(View):
    """The clinical safety case report of the content served (DCB0129's, the maker's): its
    scope, the sign-off state, the hazard log with each risk before and after its controls, and
    what remains open. A platform deploying the content writes its own under DCB0160."""

    title: str
    content_version: str
    governance: GovernanceView
    scope: tuple[str, ...]
    hazards: tuple[HazardView, ...]
    open_issues: Annotated[
        tuple[str, ...], Field(description="What is not yet done or not yet low enough.")
    ]
    links: Links


class SearchHit(View):
    """One item that matches a search, with where its text matched."""

    kind: Annotated[
        str,
        Field(
            description="The collection the item is in.",
            json_schema_extra={"enum": list(COLLECTIONS)},
        ),
    ]
    id: str
    name: str
    snippet: Annotated[str, Field(description="The text around the first match.")]
    score: Annotated[
        float,
        Field(
            description="Higher is better: 10 per query word when the name holds every word, "
            "1 per word otherwise."
        ),
    ]
    href: str


class SearchResults(Collection[SearchHit]):
    query: str


LookupKind = Literal["conditions", "guides", "self-tests"]


class LookupMatch(View):
    """Content for a clinical code: the condition that carries it, a guide about that
    condition, or a self-test that helps check for it."""

    kind: Annotated[LookupKind, Field(description="The collection the item is in.")]
    id: str
    name: str
    summary: str
    condition_id: Annotated[str, Field(description="The condition that carries the code.")]
    href: str


class LookupResults(Collection[LookupMatch]):
    """Conditions with the code, then guides about them, then self-tests for them."""

    system: Annotated[str, Field(description="The code system's URI, as asked.")]
    code: Annotated[str, Field(description="The code, as the content writes it.")]
    display: Annotated[str | None, Field(description="The code system's label for the code.")]


AtomTextType = Literal["text", "html"]


class AtomText(View):
    """An Atom text construct, as JSON: the text in `_value`, its `type` beside it."""

    value: Annotated[str, Field(alias="_value")]
    type: AtomTextType = "text"


class AtomValue(View):
    """An Atom element's value, as JSON."""

    value: Annotated[str, Field(alias="_value")]


class AtomLink(View):
    href: str
    rel: str
    type: Annotated[str, Field(description="The media type of what the link leads to.")]
    hreflang: str
    title: str


class AtomCategory(View):
    """One parameter of the request, echoed: `scheme` names it, `term` gives its value."""

    scheme: str
    term: str


class AtomPerson(View):
    name: AtomValue
    uri: AtomValue


class InfobuttonEntry(View):
    """One item for the code: its title, links to it (a page for people and JSON), and a
    summary whose last sentences are the safety a reader needs before opening it."""

    lang: str
    title: AtomText
    link: tuple[AtomLink, ...]
    id: AtomValue
    updated: AtomValue
    summary: AtomText
    rights: AtomText


class InfobuttonFeed(View):
    lang: str
    base: str
    title: AtomText
    subtitle: AtomText
    author: AtomPerson
    updated: AtomValue
    id: AtomValue
    rights: AtomText
    category: tuple[AtomCategory, ...]
    entry: tuple[InfobuttonEntry, ...]


class InfobuttonResponse(View):
    """An HL7 Infobutton answer as JSON: the Atom feed's elements, each value under `_value`,
    as MedlinePlus Connect writes them."""

    feed: InfobuttonFeed


# Every kind's item and collection models, by collection name, in registry order.
ITEM_MODELS: Mapping[CollectionName, type[BaseModel]] = {
    "guides": GuideView,
    "muscles": MuscleView,
    "actions": ActionView,
    "landmarks": LandmarkView,
    "conditions": ConditionView,
    "techniques": TechniqueView,
    "self-tests": SelfTestView,
    "warnings": WarningView,
    "sources": SourceView,
    "regions": RegionView,
    "diagrams": DiagramView,
}
COLLECTION_MODELS: Mapping[CollectionName, type[Collection[Any]]] = {
    "guides": GuideCollection,
    "muscles": MuscleCollection,
    "actions": ActionCollection,
    "landmarks": LandmarkCollection,
    "conditions": ConditionCollection,
    "techniques": TechniqueCollection,
    "self-tests": SelfTestCollection,
    "warnings": WarningCollection,
    "sources": SourceCollection,
    "regions": RegionCollection,
    "diagrams": DiagramCollection,
}
assert tuple(ITEM_MODELS) == tuple(COLLECTION_MODELS) == COLLECTIONS  # one registry
COLLECTION_OF: Mapping[type[BaseModel], CollectionName] = {
    model: name for name, model in ITEM_MODELS.items()
}


def export_field(collection: str) -> str:
    """The ExportView field of a collection (``self-tests`` -> ``self_tests``)."""
    return collection.replace("-", "_")


class ExportPage(View):
    """One page of every item of one locale, kind after kind, for syncing a CMS."""

    content_version: str
    locale: str
    links: Links

    def sections(self) -> list[tuple[str, tuple[BaseModel, ...]]]:
        """(collection, items on this page) for every kind, in registry order."""
        return [(name, getattr(self, export_field(name))) for name in COLLECTIONS]


_export_fields: dict[str, Any] = {
    export_field(name): (tuple[model, ...], ...)  # type: ignore[valid-type]
    for name, model in ITEM_MODELS.items()
}
ExportView = create_model(
    "ExportView",
    __base__=ExportPage,
    __doc__="One page of the export: every item of one locale, kind after kind, with the "
    "content version. Pages follow `links.next`; each kind's list holds that kind's items on "
    "this page.",
    **_export_fields,
)
