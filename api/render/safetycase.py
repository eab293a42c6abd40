"""The safety case report as a Markdown page of the docs site (``docs/safety-case.md``), written
by ``python -m api safety-case`` from the same view ``GET /v1/safety-case`` serves."""

from __future__ import annotations

from api.bundle import resources as v
from api.content.hazards import LIKELIHOODS, RATING_WORDS, RISK_MATRIX, SEVERITIES

GENERATED = (
    "<!-- Written by `python -m api safety-case` from content/governance/hazards.yaml and "
    "sign-offs.yaml: edit those and run it again, never this file (a test compares them). -->"
)


def render_markdown(view: v.SafetyCaseView) -> str:
    lines = [f"# {view.title}", "", GENERATED, ""]
    lines += [f"Content version: `{view.content_version}`.", ""]
    lines += ["## Scope", ""]
    for paragraph in view.scope:
        lines += [paragraph, ""]
    lines += ["## Sign-off", "", *_sign_off(view.governance), ""]
    lines += ["## How risk is rated", "", *_matrix(), ""]
    lines += ["## Hazard log", "", *_table(view.hazards), ""]
    for hazard in view.hazards:
        lines += _hazard(hazard)
    lines += ["## Open issues", ""]
    lines += [f"- {issue}" for issue in view.open_issues] or ["None."]
    return "\n".join(lines).rstrip() + "\n"


def _sign_off(governance: v.GovernanceView) -> list[str]:
    status = f"Status: **{governance.status}**."
    record = governance.sign_off
    if record is None:
        return [f"{status} No clinician has signed off this content version yet."]
    scope = ", ".join(record.scope)
    said = (
        f"The last decision on this version: {record.decision}, on {record.date}, by "
        f"{record.name}, {record.role} ({record.professional_body} {record.registration}), "
        f"for {scope}."
    )
    return [f"{status} {said}", *([f"Notes: {record.notes}"] if record.notes else [])]


def _matrix() -> list[str]:
    header = "| Likelihood \\ severity | " + " | ".join(SEVERITIES) + " |"
    rows = [header, "|---|" + "---|" * len(SEVERITIES)]
    for likelihood, row in reversed(list(zip(LIKELIHOODS, RISK_MATRIX, strict=True))):
        rows.append(f"| {likelihood} | " + " | ".join(str(r) for r in row) + " |")
    words = [f"{rating}: {word}" for rating, word in RATING_WORDS.items()]
    intro = (
        "Each hazard's severity and likelihood are estimated on DCB0129's scales, before any "
        "control (initial) and with every control in place (residual); the rating is where "
        "they meet in DCB0129's matrix:"
    )
    return [intro, "", *rows, "", "Ratings: " + "; ".join(words) + "."]


def _risk(risk: v.RiskView) -> str:
    return f"{risk.rating} ({risk.severity}, {risk.likelihood})"


def _table(hazards: tuple[v.HazardView, ...]) -> list[str]:
    rows = ["| Hazard | Initial risk | Residual risk | Controls |", "|---|---|---|---|"]
    for hazard in hazards:
        rows.append(
            f"| [{hazard.title}](#{hazard.id}) | {_risk(hazard.initial)} | "
            f"{_risk(hazard.residual)} | {len(hazard.controls)} |"
        )
    return rows


def _hazard(hazard: v.HazardView) -> list[str]:
    lines = [f"### {hazard.title} {{#{hazard.id}}}", "", f"Id: `{hazard.id}`.", ""]
    lines += ["Causes:", "", *(f"- {cause}" for cause in hazard.causes), ""]
    lines += [f"Effect on the reader: {hazard.effect}", ""]
    lines += [
        f"Risk: initial {_risk(hazard.initial)}; residual {_risk(hazard.residual)}.",
        "",
        "Controls:",
        "",
    ]
    for number, control in enumerate(hazard.controls, start=1):
        lines.append(f"{number}. **{control.kind}**: {control.description}")
        for check in control.verified_by:
            if check.test is not None:
                lines.append(f"    - verified by the test `{check.test}`")
            else:
                lines.append(f"    - verified by the check rule `{check.rule}`: {check.checks}")
    return [*lines, ""]
