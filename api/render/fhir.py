"""A self-test's screening as a FHIR R4 ``Questionnaire`` (``application/fhir+json``).

Clinical platforms collect answers as FHIR resources. This is the screening a reader answers
before step 1: the disclaimer first (a display item), then one group of yes/no questions for
the red flags and one for the contraindications, in the order the self-test asks them. After
each question, a display item that is shown only when it is answered yes (``enableWhen``) says
what a yes means: for a red flag, its action and where to get that care in the reader's region
(``?region=US``); for a contraindication, why and what to do instead. Question items are
``required``. Red flags carry no code in the content today; ``code`` is written for a question
whose warning has one. A FHIR ``QuestionnaireResponse`` answers it by ``linkId`` (the warning's
id); docs/clinical-systems-and-assistants.md has a worked example.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel

from api.bundle.resources import ContraindicationQuestion, ScreeningQuestion, SelfTestView
from api.bundle.urls import href
from api.render.context import RenderContext

MEDIA_TYPE = "application/fhir+json"
ALIASES = ("application/json+fhir",)  # FHIR DSTU2's name, which older clients still send
SUFFIX = ".fhir"
NAME = "Fhir"
TAG = "fhir"
PHRASE = "as a FHIR R4 Questionnaire of its screening"
DESCRIPTION = (
    "A self-test's screening (red flags, contraindications, the disclaimer) as a FHIR R4 "
    "`Questionnaire` (`application/fhir+json`): the `.fhir` suffix, or `Accept: "
    "application/fhir+json`. Other resources answer 406."
)
VIEWS = (SelfTestView,)
FHIR_VERSION = "4.0.1"
RED_FLAGS = "red-flags"
CONTRAINDICATIONS = "contraindications"
DISCLAIMER = "disclaimer"
IF_YES = ".if-yes"  # the display item after a question, shown when it is answered yes
OUTCOME_STOP = "outcome-stop"  # shown when any question is answered yes
OUTCOME_GO = "outcome-go"  # shown when every question is answered no


def draws(view: BaseModel) -> bool:
    return isinstance(view, SelfTestView)


def render(view: BaseModel, context: RenderContext) -> bytes:
    assert isinstance(view, SelfTestView), "offered for self-tests only"
    return json.dumps(questionnaire(view, context), ensure_ascii=False, indent=1).encode()


def questionnaire(view: SelfTestView, context: RenderContext) -> dict[str, Any]:
    """The Questionnaire resource of ``view``'s screening, in ``context``'s language."""
    disclaimer = context.disclaimer
    day = view.modified or view.published
    credit = context.credit
    if_label = context.label("escalation_if")
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{view.id}-screening",
        "language": context.locale,
        "url": canonical_url(view, context),
        "version": context.version,
        "name": "".join(part.capitalize() for part in view.id.split("-")) + "Screening",
        "title": context.label("fhir.title").format(name=view.name),
        # A draft until a registered clinician signs the content version off.
        "status": "draft" if context.draft_notice else "active",
        "experimental": bool(context.draft_notice),
        "subjectType": ["Patient"],
        "date": day.isoformat() if day else None,
        "publisher": context.publisher or None,
        "description": view.summary,
        "purpose": context.label("fhir.purpose"),
        "copyright": credit.text if credit is not None else None,
        "item": [
            _display(DISCLAIMER, f"{disclaimer.title}: {disclaimer.action}"),
            *_group(
                RED_FLAGS,
                context.label("screening"),
                (_red_flag(flag, if_label) for flag in view.screening),
            ),
            *_group(
                CONTRAINDICATIONS,
                context.label("contraindications"),
                (_contraindication(flag, if_label) for flag in view.contraindications),
            ),
            *_outcome(view, context),
        ],
    }
    return {key: value for key, value in resource.items() if value is not None}


def canonical_url(view: SelfTestView, context: RenderContext) -> str:
    """One identity per distinct text: the self-test's, in this language and for this region,
    at the server's canonical address (FASCIA_PUBLIC_URL, else the address it listens on),
    never the Host a request happened to send. Its ``version`` is the content version."""
    query = {"lang": context.locale} | ({"region": context.country} if context.country else {})
    return f"{context.canonical_base}{href('self-tests', view.id)}{SUFFIX}?{urlencode(query)}"


def _outcome(view: SelfTestView, context: RenderContext) -> list[dict[str, Any]]:
    """The rule "any yes means do not do the check", computable: a STOP shown when any question
    is answered yes, and the way to step 1 shown only when every one is answered no."""
    asked = [flag.warning_id for flag in view.screening]
    asked += [flag.warning_id for flag in view.contraindications]
    if not asked:
        return []

    def when(answer: bool) -> list[dict[str, Any]]:
        return [{"question": q, "operator": "=", "answerBoolean": answer} for q in asked]

    stop = _display(OUTCOME_STOP, context.label("fhir.outcome_stop"))
    go = _display(OUTCOME_GO, context.label("fhir.outcome_go"))
    stop |= {"enableWhen": when(True), "enableBehavior": "any"}
    go |= {"enableWhen": when(False), "enableBehavior": "all"}
    return [stop, go]


def _group(link_id: str, text: str, pairs: Any) -> list[dict[str, Any]]:
    items = [item for pair in pairs for item in pair]
    if not items:
        return []
    return [{"linkId": link_id, "type": "group", "text": text, "item": items}]


def _question(warning_id: str, question: str) -> dict[str, Any]:
    return {"linkId": warning_id, "type": "boolean", "text": question, "required": True}


def _display(link_id: str, text: str, when_yes: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "type": "display", "text": text}
    if when_yes is not None:
        item["enableWhen"] = [{"question": when_yes, "operator": "=", "answerBoolean": True}]
    return item


def _red_flag(flag: ScreeningQuestion, if_label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The question, then what a yes means: the action and the regional care, word for word."""
    return _question(flag.warning_id, flag.question), _display(
        flag.warning_id + IF_YES, flag.if_yes_text(if_label), flag.warning_id
    )


def _contraindication(
    flag: ContraindicationQuestion, if_label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    return _question(flag.warning_id, flag.question), _display(
        flag.warning_id + IF_YES, flag.if_yes_text(if_label), flag.warning_id
    )
