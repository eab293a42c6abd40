"""The clinical safety case report, made from the hazard log and the sign-off state: the bundle
carries it (meta ``safety_case``), ``GET /v1/safety-case`` serves it and
``python -m api safety-case`` writes it as the docs page ``docs/safety-case.md``."""

from __future__ import annotations

from api.bundle import resources as v
from api.bundle.urls import PREFIX, links
from api.content.checks import CHECK_RULES
from api.content.hazards import Hazard, Risk

PATH = f"{PREFIX}/safety-case"
TITLE = "Fascia clinical safety case report"
ACCEPTABLE = 2  # DCB0129's ratings 1 and 2 are acceptable; 3 and above need a reason to accept
SCOPE = (
    "Fascia publishes bodywork guides for the public and for the platforms that show them: a "
    "self-test of the gluteal muscles with the red flags and contraindications screened first, "
    "the sciatic nerve's no-press zone, emergency advice by region, in English and Spanish, as "
    "JSON, pages, handouts and PDFs, an embeddable web component, an MCP server for AI "
    "assistants, a FHIR Questionnaire and an HL7 Infobutton and code lookup for clinical "
    "systems, and a manifest and change feed for a CMS.",
    "This report covers the content and the software that serves it, as the manufacturer's "
    "safety case under DCB0129: the hazards a reader could come to through them, the risk of "
    "each before and after its controls on DCB0129's 5x5 matrix, and what verifies each "
    "control. Every control is verified by tests of the suite, which make test runs, or by "
    "content checks, which every build runs too: a control that stops working fails the build.",
    "It does not cover a deploying platform's own use of the content: a platform that shows it "
    "writes its own hazard log and safety case under DCB0160, and may start from this one. It "
    "is not medical advice, and the guides are not a diagnosis.",
)


def safety_case(
    hazards: tuple[Hazard, ...], governance: v.GovernanceView, version: str
) -> v.SafetyCaseView:
    return v.SafetyCaseView(
        title=TITLE,
        content_version=version,
        governance=governance,
        scope=SCOPE,
        hazards=tuple(_hazard(hazard) for hazard in hazards),
        open_issues=open_issues(hazards, governance),
        links=links(PATH),
    )


def open_issues(hazards: tuple[Hazard, ...], governance: v.GovernanceView) -> tuple[str, ...]:
    """What keeps this from being a finished safety case: the sign-off first, then each hazard
    whose residual risk is still above the acceptable ratings."""
    issues = []
    sign_off = governance.sign_off
    if governance.status == "draft":
        if sign_off is None:
            issues.append(
                f"No registered clinician has signed off content version "
                f"{governance.content_version}, and no Clinical Safety Officer has reviewed this "
                "report: the content is published as a draft, and every surface says so."
            )
        else:
            issues.append(
                f"The last decision on content version {governance.content_version} "
                f"({sign_off.date}, {sign_off.role} {sign_off.name}) is {sign_off.decision} and "
                "does not approve every item: the content is published as a draft."
            )
    for hazard in hazards:
        if hazard.residual.rating > ACCEPTABLE:
            issues.append(
                f"{hazard.title}: the residual risk is still {hazard.residual.rating}, "
                "accepted only while reducing it further is impractical; it needs a clinician's "
                "review of the controls."
            )
    if not hazards:
        issues.append("The hazard log is empty.")
    return tuple(issues)


def _hazard(hazard: Hazard) -> v.HazardView:
    return v.HazardView(
        id=hazard.id,
        title=hazard.title,
        causes=hazard.causes,
        effect=hazard.effect,
        initial=_risk(hazard.initial),
        residual=_risk(hazard.residual),
        controls=tuple(
            v.ControlView(
                kind=control.kind,
                description=control.description,
                verified_by=tuple(
                    v.VerificationView(
                        test=check.test,
                        rule=check.rule,
                        checks=_checks(check.rule),
                    )
                    for check in control.verified_by
                ),
            )
            for control in hazard.controls
        ),
    )


def _risk(risk: Risk) -> v.RiskView:
    return v.RiskView(severity=risk.severity, likelihood=risk.likelihood, rating=risk.rating)


def _checks(rule: str | None) -> str | None:
    found = CHECK_RULES.get(rule) if rule is not None else None
    return found.description if found is not None else None
