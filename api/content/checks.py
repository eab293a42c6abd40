"""The rules ``python -m api check`` applies, by a stable name, so that a control in the hazard
log (``api.content.hazards``) can say which rule verifies it.

Each name maps to what the rule refuses and the function that applies it; a test
(``tests/test_hazards.py``) runs ``check`` over the real content and sees every one of these
functions called, so no name here is a rule that does not run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class CheckRule:
    description: str
    function: str  # the module and name of the function that applies it


CHECK_RULES: Mapping[str, CheckRule] = MappingProxyType(
    {
        "schema": CheckRule(
            "every content file parses and holds exactly the fields of its kind, with valid "
            "values (clinical codes well-formed in a known terminology, review dates in order)",
            "api.content.loader.validate",
        ),
        "unique-ids": CheckRule(
            "no two items of a kind share an id", "api.content.loader.duplicate_ids"
        ),
        "references": CheckRule(
            "every id an item names exists (warnings, landmarks, techniques, sources, regions)",
            "api.content.references.find_broken_references",
        ),
        "pressing-steps": CheckRule(
            "every step that presses names the no-press landmark (the sciatic nerve) and "
            "carries a stop warning that protects it",
            "api.content.references._pressing_step_problems",
        ),
        "no-press-zone": CheckRule(
            "by geometry: every pressing area of the diagram keeps half the widest tool's width "
            "away from the no-press zone, mirrored copies included, and the zone is wider than "
            "that tool",
            "api.content.references._pressing_problems",
        ),
        "escalations": CheckRule(
            "a warning's words never ask for more urgent care than its urgency unless that advice "
            "is an escalation every surface shows with the reader's regional care, in every "
            "locale",
            "api.content.rules.escalation_problems",
        ),
        "questions": CheckRule(
            "an English screening question never mixes 'and' with 'or', so it reads one way",
            "api.content.rules.question_problems",
        ),
        "readability": CheckRule(
            "safety text reads at or below grade 6 (English) or its Spanish band, at most 25 "
            "words a sentence",
            "api.content.rules.readability_problems",
        ),
        "translation-overlay": CheckRule(
            "a translation changes only translatable text: never ids, numbers, severities, "
            "urgencies or step order",
            "api.content.locales.overlay_problems",
        ),
        "review-due": CheckRule(
            "every item past its next review date is reported", "api.content.rules.overdue_problems"
        ),
        "releases": CheckRule(
            "an id of the last release never disappears without a retirement record",
            "api.content.releases.release_problems",
        ),
        "sign-offs": CheckRule(
            "every sign-off record names a role, name, professional body, registration number, "
            "content version, decision and scope, and is not dated in the future",
            "api.content.governance.read_sign_offs",
        ),
        "sign-off-scope": CheckRule(
            "a sign-off's scope names only items the content holds",
            "api.content.governance.scope_problems",
        ),
        "hazard-log": CheckRule(
            "every hazard has a control, every control is verified by a test that exists or a "
            "rule named here, and no residual risk is above the initial one",
            "api.content.governance.hazard_problems",
        ),
    }
)
