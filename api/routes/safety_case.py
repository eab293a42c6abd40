"""The clinical safety case report: the hazard log of the content served, each risk before and
after its controls and what verifies them, the sign-off state and what remains open."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.bundle.resources import SafetyCaseView
from api.bundle.safety import PATH, safety_case
from api.routes.common import ContextDep, problems

router = APIRouter(tags=["safety"])


@router.get(
    PATH,
    operation_id="getSafetyCase",
    summary="Get the clinical safety case report",
    response_model=SafetyCaseView,
    responses=problems(),
)
async def get_safety_case(ctx: ContextDep) -> Response:
    """The maker's clinical safety case report (NHS DCB0129) of the content version served: its
    scope, whether a registered clinician has signed the version off, every hazard with its
    causes, its effect on a reader and its risk on DCB0129's 5x5 matrix before and after its
    controls, each control with the tests and content checks that verify it, and the open
    issues. A platform that deploys the content writes its own under DCB0160 and may start
    from this. The report is in English."""
    meta = ctx.store.meta
    governance = meta.governance.in_words(ctx.locale.render_context.labels)
    return await ctx.respond(safety_case(meta.hazards, governance, meta.version))
