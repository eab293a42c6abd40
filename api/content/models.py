"""Content models: one frozen pydantic model per kind of content file.

These models are the content schema. Every file under ``content/<locale>/<kind>/`` is validated
against the model of its kind; the rules live in the types so that a bad file fails loudly at
build time (``check``, ``build``), never at request time. Cross-references (fields ending in
``_ids`` or naming another item) are plain slugs here and are resolved by ``api.content.catalog``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from api.content import geometry
from api.content.terminology import OntologySystem, well_formed

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Translatable:
    """Marks text written anew in each locale; every other field is shared by all locales."""

    def __repr__(self) -> str:
        return "Translatable()"


TRANSLATABLE = Translatable()


class SafetyCritical:
    """Marks a field whose change can change how safe a reader is (``api.content.changes``)."""

    def __repr__(self) -> str:
        return "SafetyCritical()"


SAFETY = SafetyCritical()
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), TRANSLATABLE
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), TRANSLATABLE
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Severity = Literal["info", "caution", "stop"]
DiagramColour = Literal["green", "blue", "yellow"]
DiagramStyle = Literal["outline", "area", "line", "arrows"]
Actor = Literal["you", "partner"]
Urgency = Literal["emergency", "urgent"]
WarningKind = Literal["safety", "red-flag", "contraindication", "disclaimer"]
SourceKind = Literal[
    "article", "guideline", "patient-information", "textbook", "terminology", "editorial"
]
Attachment = Literal["origin", "insertion"]
LandmarkKind = Literal["bone", "bony-landmark", "nerve", "soft-tissue-region"]
Pressure = Literal["none", "gentle", "moderate"]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
DEFAULT_REGION = "default"


class Frozen(BaseModel):
    """Base for every content model: immutable, and unknown fields are an error.

    Serialized, a model writes every field, defaults included, so its serialization schema
    (what the API's responses promise) lists every field as required.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_serialization_defaults_required=True,
    )


class OntologyCode(Frozen):
    """A code for the same thing in a published terminology."""

    system: OntologySystem
    code: Label
    label: Annotated[Label | None, Field(description="The ontology's own label.")] = None

    @model_validator(mode="after")
    def _code_matches_system(self) -> OntologyCode:
        if not well_formed(self.system, self.code):
            raise ValueError(f"code {self.code!r} is not a well-formed {self.system} code")
        return self


class Dated(Frozen):
    """The dates editors keep on a record: published, last changed, last reviewed, next due."""

    published: date | None = None
    modified: date | None = None
    last_reviewed: date | None = None
    next_review: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Dated:
        published, modified = self.published, self.modified
        if modified is not None and (published is None or modified < published):
            raise ValueError("modified needs a published date on or before it")
        last, following = self.last_reviewed, self.next_review
        if (last is None) != (following is None):
            raise ValueError("give last_reviewed and next_review together")
        if last is not None and following is not None and following <= last:
            raise ValueError("next_review must be after last_reviewed")
        return self


class Item(Dated):
    """Fields every content item has: a stable id, the sources of its facts and, where editors
    keep them, the dates it was published, last changed, last reviewed and is next due a review.
    """

    id: Slug
    source_ids: Annotated[tuple[Slug, ...], Field(min_length=1)]
    # A change to any field of a kind marked so is a safety change (warnings, red flags).
    safety_critical: ClassVar[bool] = False


class Reviewed(Item):
    """An item that must carry all four dates: what a reader acts on (guides, self-tests,
    warnings, regions)."""

    published: date
    modified: date
    last_reviewed: date
    next_review: date


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError("values must be unique")
    return values


SlugList = Annotated[tuple[Slug, ...], AfterValidator(_unique)]


HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://\S+$")]


class Licence(Frozen):
    """A licence, named as its owner names it (``CC BY 4.0``), with where to read it."""

    name: Label
    url: HttpsUrl | None = None


class Source(Dated):
    """Where facts come from: the article, a clinical guideline, a textbook, our own review.

    Its four dates are this record's, like any item's (when it was first cited, last changed,
    last checked against the publisher, next due); ``accessed`` is when the work was read.
    """

    id: Slug
    kind: SourceKind
    title: Annotated[Label, Field(description="The work's own title, never translated.")]
    publisher: Label | None = None
    url: HttpsUrl | None = None
    license: Annotated[
        Licence | None,
        Field(description="The source's own licence, where it states one; null when unknown."),
    ] = None
    accessed: Annotated[date | None, Field(description="When the source was read.")] = None
    used_for: Text
    published: date
    modified: date
    last_reviewed: date
    next_review: date


class Relation(Frozen):
    """A named structure a muscle attaches to or works through."""

    structure: ShortText
    role: Text
    attachment: Attachment | None = None
    codes: tuple[OntologyCode, ...] = ()


class Muscle(Item):
    name: ShortText
    common_name: ShortText
    size_rank: Annotated[int, Field(ge=1, description="1 is the largest in its group.")]
    summary: Text
    functions: Annotated[tuple[Text, ...], Field(min_length=1)]
    nerve: ShortText | None = None
    relations: tuple[Relation, ...] = ()
    codes: tuple[OntologyCode, ...] = ()


class Action(Item):
    name: ShortText
    description: Text
    muscle_ids: Annotated[SlugList, Field(min_length=1)]
    everyday_activities: Annotated[tuple[ShortText, ...], Field(min_length=1)]


class Landmark(Item):
    name: ShortText
    kind: LandmarkKind
    description: Text
    how_to_find: Text
    diagram_colour: DiagramColour | None = None
    avoid_pressure: Annotated[bool, SAFETY] = False
    pressing_area: Annotated[
        bool,
        Field(
            description="Where the pressure goes: a diagram's shapes of it keep the pressing "
            "tool's radius away from every shape of a landmark to avoid."
        ),
        SAFETY,
    ] = False
    codes: tuple[OntologyCode, ...] = ()


class Technique(Item):
    name: ShortText
    description: Text
    how_to: Annotated[Text, SAFETY]  # what hands or a ball do: read like a step's instruction
    diagram_colour: DiagramColour | None = None


class Mechanism(Frozen):
    """One reason a condition can start somewhere other than where it is felt."""

    title: ShortText
    explanation: Text


class Remedy(Frozen):
    name: ShortText
    note: Text


class Condition(Item):
    name: ShortText
    summary: Text
    sensations: Annotated[tuple[ShortText, ...], Field(min_length=1)]
    course: Text
    aggravating_activities: tuple[ShortText, ...] = ()
    common_triggers: tuple[ShortText, ...] = ()
    mechanisms: tuple[Mechanism, ...] = ()
    common_remedies: tuple[Remedy, ...] = ()
    related_muscle_ids: SlugList = ()
    self_test_ids: SlugList = ()
    codes: tuple[OntologyCode, ...] = ()


class Step(Frozen):
    number: Annotated[int, Field(ge=1)]
    title: ShortText
    instruction: Annotated[Text, SAFETY]
    actor: Actor
    landmark_ids: SlugList = ()
    technique_ids: SlugList = ()
    pressure: Annotated[Pressure, SAFETY] = "none"
    note: Text | None = None


class Variant(Frozen):
    id: Slug
    name: ShortText
    summary: Text
    position: Text
    you_need: Annotated[tuple[ShortText, ...], Field(min_length=1)]
    pressure_guidance: Annotated[Text, SAFETY]
    tool_width_cm: Annotated[
        float,
        Field(
            gt=0,
            le=30,
            description="How wide the thing that presses is (a fist, a ball), in centimetres: "
            "pressing paths keep half of it away from a no-press zone.",
        ),
        SAFETY,
    ]
    limitations: Text | None = None
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _steps_numbered_in_order(self) -> Variant:
        numbers = [step.number for step in self.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"steps must be numbered 1..{len(numbers)} in order, got {numbers}")
        return self


AdviceTopic = Literal[
    "duration",
    "equipment",
    "surface",
    "aftercare",
    "alternative",
    "stop-word",
    "first-line-care",
    "not-a-diagnosis",
]


class Advice(Frozen):
    """What a reader asks next (how long, which ball, what is normal afterwards), with the
    sources that back it; ``variant`` narrows it to one way of doing the check."""

    topic: AdviceTopic
    title: ShortText
    text: Annotated[Text, SAFETY]
    variant: Slug | None = None
    source_ids: Annotated[SlugList, Field(min_length=1)]


class SelfTest(Reviewed):
    name: ShortText
    nickname: ShortText | None = None
    summary: Text
    who_it_is_for: Text
    positive_finding: Text
    negative_finding: Text | None = None
    default_variant: Slug
    variants: Annotated[tuple[Variant, ...], Field(min_length=1)]
    condition_ids: SlugList = ()
    diagram_id: Slug | None = None
    advice: Annotated[
        tuple[Advice, ...], Field(description="Practical advice, each item with its sources.")
    ] = ()

    @model_validator(mode="after")
    def _variants_unique(self) -> SelfTest:
        # That default_variant names one of them is checked with the other references, since a
        # response may narrow `variants` to one.
        ids = [variant.id for variant in self.variants]
        if len(set(ids)) != len(ids):
            raise ValueError(f"variant ids must be unique, got {ids}")
        for advice in self.advice:
            if advice.variant is not None and advice.variant not in ids:
                raise ValueError(f"advice {advice.title!r} names no variant of {ids}")
        return self


class WarningTarget(Frozen):
    """Where a warning applies: a self-test (or one variant, or some steps) or a condition."""

    self_test: Slug | None = None
    variant: Slug | None = None
    steps: tuple[Annotated[int, Field(ge=1)], ...] = ()
    condition: Slug | None = None

    @model_validator(mode="after")
    def _one_kind_of_target(self) -> WarningTarget:
        if (self.self_test is None) == (self.condition is None):
            raise ValueError("give exactly one of self_test or condition")
        if self.condition is not None and (self.variant or self.steps):
            raise ValueError("variant and steps only apply to a self_test target")
        if self.steps and self.variant is None:
            raise ValueError("steps need a variant: step numbers are per variant")
        return self


URGENCY_ORDER: dict[Urgency, int] = {"urgent": 1, "emergency": 2}


class Escalation(Frozen):
    """Some readers need more urgent care than the warning's own: who (``when``, in plain words,
    read after "If"), how urgent, and what to do first where that is more than the region's
    advice for that urgency (call the chemotherapy helpline); at the warning's own urgency, only
    that first step. Shown wherever the warning is."""

    when: Annotated[Text, SAFETY, Field(description='Who, in plain words; read after "If".')]
    urgency: Annotated[Urgency, SAFETY]
    action: Annotated[
        Text | None,
        SAFETY,
        Field(description="What to do first, where that is more than the region's advice."),
    ] = None


class SafetyWarning(Reviewed):
    """A warning, red flag, contraindication or disclaimer, attached to what it guards.

    A red flag ("get help") has a yes/no ``question`` for screening and the ``urgency`` of the
    care it calls for; where to get that care is regional (``Region``), so its ``action`` names no
    number, and red flags of one urgency share one action, so that they can be asked together;
    its ``reason`` says what the sign may mean. A contraindication ("do not do this check, or only
    after asking a professional") has a ``question``, the ``reason`` and, as its ``action``, what
    to do instead.
    """

    safety_critical: ClassVar[bool] = True

    kind: WarningKind = "safety"
    severity: Severity
    title: ShortText
    sign: Text
    action: Text
    question: ShortText | None = None
    urgency: Urgency | None = None
    reason: Annotated[
        Text | None,
        Field(
            description="Contraindications: why the check is not for this reader. Red flags: "
            "what the sign may mean, and when it calls for emergency help instead."
        ),
    ] = None
    landmark_ids: Annotated[
        SlugList,
        Field(description="The landmarks this warning protects, such as a nerve not to press on."),
    ] = ()
    escalations: Annotated[
        tuple[Escalation, ...],
        Field(
            description="Readers who need more urgent care than this warning's own urgency, "
            "and where to get it: shown wherever the warning or its question is."
        ),
    ] = ()
    applies_to: Annotated[tuple[WarningTarget, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _screened_kinds_ask_and_say_what_follows(self) -> SafetyWarning:
        screened = self.kind in ("red-flag", "contraindication")
        if screened and self.question is None:
            raise ValueError(f"a {self.kind} needs a screening question")
        if not screened and self.question is not None:
            raise ValueError("only red flags and contraindications have a screening question")
        if (self.kind == "red-flag") != (self.urgency is not None):
            raise ValueError("a red flag, and only a red flag, has an urgency")
        if self.kind == "contraindication" and self.reason is None:
            raise ValueError("a contraindication needs a reason")
        if not screened and self.reason is not None:
            raise ValueError("only red flags and contraindications have a reason")
        if self.kind == "contraindication" and self.severity != "stop":
            raise ValueError("a contraindication rules the check out: its severity is stop")
        own = URGENCY_ORDER[self.urgency] if self.urgency else 0
        for escalation in self.escalations:
            # At the warning's own urgency, an escalation only adds a first step (a helpline).
            rank = URGENCY_ORDER[escalation.urgency]
            if rank < own or (rank == own and escalation.action is None):
                raise ValueError(
                    f"an escalation is more urgent than the warning, or adds an action: "
                    f"{escalation.urgency!r} is not more urgent than {self.urgency!r}"
                )
        return self


class Region(Reviewed):
    """Where readers in some countries get emergency and urgent care.

    The region with no countries (id ``default``) is for readers whose country is unknown or
    in no region: its advice names no number. Its sources back the numbers it gives.
    """

    safety_critical: ClassVar[bool] = True

    name: ShortText
    countries: Annotated[tuple[CountryCode, ...], AfterValidator(_unique)] = ()
    emergency: Text
    urgent: Text

    def advice(self, urgency: Urgency) -> str:
        """What to do for care of ``urgency`` here: the one mapping of urgency to advice."""
        return self.emergency if urgency == "emergency" else self.urgent


class Section(Frozen):
    id: Slug
    title: ShortText
    body: Annotated[tuple[Text, ...], Field(min_length=1)]


class Guide(Reviewed):
    title: ShortText
    subtitle: ShortText | None = None
    summary: Text
    audience: Text
    disclaimer_id: Slug
    license: Annotated[Licence, Field(description="The licence of this guide's own text.")]
    copyright_holder: Label
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    muscle_ids: SlugList = ()
    action_ids: SlugList = ()
    landmark_ids: SlugList = ()
    condition_ids: SlugList = ()
    technique_ids: SlugList = ()
    self_test_ids: SlugList = ()
    warning_ids: SlugList = ()


def _path_data(value: str) -> str:
    geometry.parse_path(value)
    return value


PathData = Annotated[
    str, StringConstraints(min_length=2, max_length=4000), AfterValidator(_path_data)
]
Point = tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]]


class DiagramShape(Frozen):
    """One drawn part of a diagram, tied to the landmark or technique it shows.

    ``colour`` is the item's ``diagram_colour`` (checked with the references); ``style`` is how it
    is drawn besides colour, so that no colour has to be told apart to read the picture.
    """

    id: Slug
    label: ShortText
    landmark_id: Slug | None = None
    technique_id: Slug | None = None
    colour: DiagramColour | None = None
    style: DiagramStyle
    path: PathData
    mirror: Annotated[bool, Field(description="Also drawn mirrored about the centre line.")] = False
    label_at: Annotated[Point, Field(description="Where the label's text sits.")]
    points_to: Annotated[Point | None, Field(description="The end of the label's line.")] = None

    @model_validator(mode="after")
    def _shows_one_thing(self) -> DiagramShape:
        if self.landmark_id is not None and self.technique_id is not None:
            raise ValueError("a shape shows one landmark or one technique, not both")
        return self


class Diagram(Item):
    """A picture drawn from content: shapes in a ``width`` by ``height`` box, labelled."""

    title: ShortText
    description: Annotated[Text, Field(description="The picture in words, for screen readers.")]
    width: Annotated[int, Field(ge=100, le=2000)]
    height: Annotated[int, Field(ge=100, le=2000)]
    units_per_cm: Annotated[
        float,
        Field(
            gt=0,
            le=100,
            description="The scale: picture units to one centimetre of the body drawn. Pressing "
            "paths are checked against no-press shapes in centimetres with it.",
        ),
    ]
    shapes: Annotated[tuple[DiagramShape, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _shape_ids_unique(self) -> Diagram:
        # That every shape fits the picture is checked with the references, field by field.
        ids = [shape.id for shape in self.shapes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"shape ids must be unique, got {ids}")
        return self
