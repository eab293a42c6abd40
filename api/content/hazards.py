"""The hazard log: what could harm a reader of this content, how likely and how badly, and the
controls that bring the risk down, each verified by a test or a ``check`` rule.

``content/governance/hazards.yaml`` holds the log (read at build time by
``api.content.governance``); these are its models, free of YAML so the server may read them.

Risk is estimated as NHS Digital's DCB0129 (Clinical Risk Management: its Application in the
Manufacture of Health IT Systems) asks: a severity of harm and a likelihood, each on five
levels, and the risk rating where they meet in the standard's 5x5 matrix (``RISK_MATRIX``),
once before the controls (``initial``) and once with them in place (``residual``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from api.content.models import Frozen, Label, Slug

SeverityLevel = Literal["minor", "significant", "considerable", "major", "catastrophic"]
LikelihoodLevel = Literal["very low", "low", "medium", "high", "very high"]
ControlKind = Literal["content", "design", "code", "process"]
SEVERITIES: tuple[SeverityLevel, ...] = (
    "minor",
    "significant",
    "considerable",
    "major",
    "catastrophic",
)
LIKELIHOODS: tuple[LikelihoodLevel, ...] = ("very low", "low", "medium", "high", "very high")

# DCB0129's risk matrix (the clinical risk management specification's table of risk ratings):
# rows are the likelihood, very low to very high; columns the severity, minor to catastrophic.
# The rating runs from 1 (acceptable) to 5 (unacceptable).
RISK_MATRIX: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 1, 2, 2, 3),  # very low
    (1, 2, 2, 3, 4),  # low
    (2, 2, 3, 3, 4),  # medium
    (2, 3, 3, 4, 5),  # high
    (3, 4, 4, 5, 5),  # very high
)
RATING_WORDS = {
    1: "acceptable",
    2: "acceptable where cost of further reduction outweighs benefit",
    3: "undesirable: accepted only when further reduction is impractical",
    4: "mandatory elimination or reduction to an acceptable level",
    5: "unacceptable",
}

TestId = Annotated[
    str,
    StringConstraints(
        pattern=r"^tests/[A-Za-z0-9_/]+\.py::[A-Za-z_][A-Za-z0-9_]*"
        r"(::[A-Za-z_][A-Za-z0-9_]*)?(\[.*\])?$"
    ),
]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Risk(Frozen):
    """A severity of harm and its likelihood, on DCB0129's scales."""

    severity: SeverityLevel
    likelihood: LikelihoodLevel

    @property
    def rating(self) -> int:
        row = RISK_MATRIX[LIKELIHOODS.index(self.likelihood)]
        return row[SEVERITIES.index(self.severity)]

    def above(self, other: Risk) -> bool:
        """Whether this risk is worse than ``other`` on any scale, or in its rating."""
        return (
            SEVERITIES.index(self.severity) > SEVERITIES.index(other.severity)
            or LIKELIHOODS.index(self.likelihood) > LIKELIHOODS.index(other.likelihood)
            or self.rating > other.rating
        )

    def __str__(self) -> str:
        return f"{self.rating} ({self.severity}, {self.likelihood} likelihood)"


class Verification(Frozen):
    """A test of the suite (a pytest node id) or a ``check`` rule (``api.content.checks``)."""

    test: TestId | None = None
    rule: Slug | None = None

    @model_validator(mode="after")
    def _one(self) -> Verification:
        if (self.test is None) == (self.rule is None):
            raise ValueError("give either test or rule")
        return self

    def __str__(self) -> str:
        return f"test {self.test}" if self.test is not None else f"check rule {self.rule}"


class Control(Frozen):
    """What brings a hazard's risk down, and what shows it works."""

    kind: ControlKind
    description: Sentence
    verified_by: tuple[Verification, ...] = ()


class Hazard(Frozen):
    id: Slug
    title: Label
    causes: Annotated[tuple[Sentence, ...], Field(min_length=1)]
    effect: Annotated[Sentence, Field(description="What could happen to the reader.")]
    initial: Annotated[Risk, Field(description="The risk before any control.")]
    residual: Annotated[Risk, Field(description="The risk with every control in place.")]
    controls: tuple[Control, ...] = ()


class HazardLog(Frozen):
    hazards: tuple[Hazard, ...] = ()
