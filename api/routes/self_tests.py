"""Self-tests: every variant's steps in order, each with its landmarks, techniques and warnings."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.bundle.resources import (
    SafetyOnceStepCollection,
    SafetyOnceStepView,
    SelfTestCollection,
    SelfTestView,
    StepCollection,
    StepView,
    VariantView,
)
from api.bundle.urls import href
from api.http.errors import NotFound
from api.render.jsonview import MEDIA_TYPE as JSON_MEDIA_TYPE
from api.render.pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from api.routes.common import (
    ContextDep,
    PagingDep,
    id_path,
    id_query,
    paged,
    paged_list,
    problems,
)

router = APIRouter(prefix=href("self-tests"), tags=["self-tests"])
SelfTestId = Annotated[str, id_path("muscular-minesweeper")]
VariantQuery = Annotated[
    str | None,
    Query(
        max_length=80,
        description="A variant id (for example `partner` or `ball`), or `all` for every "
        "variant; an unknown one is a 404 listing the variants there are.",
        examples=["ball"],
    ),
]


EVERY_VARIANT = "all"


def narrowed(self_test: SelfTestView, variant: str | None) -> SelfTestView:
    """The self-test as ``variant`` shows it (whole for None or ``all``), for every caller: REST
    and MCP; an unknown variant is a 404 listing the variants there are."""
    if variant is None or variant == EVERY_VARIANT:
        return self_test
    try:
        return self_test.narrowed(variant)
    except KeyError:
        names = [candidate.id for candidate in self_test.variants] + [EVERY_VARIANT]
        raise NotFound(
            f"variant of self-test '{self_test.id}'", variant, "variant", allowed=names
        ) from None


def one_variant(self_test: SelfTestView, variant: str | None) -> VariantView:
    """The variant a step is numbered in, for every caller: ``variant``, else the default.
    ``all`` names no one variant: a 404 listing those there are, as for an unknown one."""
    chosen = variant or self_test.default_variant
    if chosen == EVERY_VARIANT:
        names = [candidate.id for candidate in self_test.variants]
        what = f"single variant of self-test '{self_test.id}' (a step is numbered in one)"
        raise NotFound(what, chosen, "variant", allowed=names)
    (found,) = narrowed(self_test, chosen).variants
    return found


@router.get(
    "",
    operation_id="listSelfTests",
    summary="List self-tests",
    response_model=SelfTestCollection,
    responses=problems(404),
)
async def list_self_tests(
    ctx: ContextDep,
    paging: PagingDep,
    condition: Annotated[str | None, id_query("condition", "low-back-pain")] = None,
) -> Response:
    """All self-tests, whole. `condition` keeps the ones that help check for that condition."""
    ctx.require("conditions", condition, "condition")
    page = ctx.page("self-tests", paging, condition=condition)
    return await paged(ctx, SelfTestCollection, page.items, page.after)


@router.get(
    "/{self_test_id}",
    operation_id="getSelfTest",
    summary="Get a self-test, whole",
    response_model=SelfTestView,
    responses=problems(404),
)
async def get_self_test(
    ctx: ContextDep, self_test_id: SelfTestId, variant: VariantQuery = None
) -> Response:
    """Everything needed to show a self-test in one request: who it is for, what you need, and
    every variant's steps in order, each with its landmarks, techniques and warnings. Red flags,
    contraindications and the disclaimer come first, in `warnings`; practical advice in `advice`.
    `variant` narrows the answer to one variant, and its advice to what applies to it. A PDF
    handout is of one variant unless asked otherwise: the `default_variant`, or `variant=all`
    for the whole self-test."""
    self_test = ctx.item(SelfTestView, self_test_id)
    if variant is None and ctx.representation.media_type == PDF_MEDIA_TYPE:
        variant = self_test.default_variant
    return await ctx.respond(narrowed(self_test, variant))


@router.get(
    "/{self_test_id}/steps",
    operation_id="listSelfTestSteps",
    summary="List the steps of a self-test",
    response_model=StepCollection,
    responses=problems(404),
)
async def list_steps(
    ctx: ContextDep, paging: PagingDep, self_test_id: SelfTestId, variant: VariantQuery = None
) -> Response:
    """The steps in order, variant by variant; `variant` keeps one variant's steps. Each step
    carries its self-test's safety whole; `/steps-safety-once` gives the same steps with the
    safety stated once per page."""
    steps = steps_of(ctx.item(SelfTestView, self_test_id), variant)
    return await paged_list(ctx, StepCollection, steps, paging)


def steps_of(self_test: SelfTestView, variant: str | None) -> list[StepView]:
    """The steps in order, variant by variant (one variant's for ``variant``)."""
    return [step for chosen in narrowed(self_test, variant).variants for step in chosen.steps]


@router.get(
    "/{self_test_id}/steps-safety-once",
    operation_id="listSelfTestStepsSafetyOnce",
    summary="List the steps of a self-test, its safety stated once",
    response_model=SafetyOnceStepCollection,
    responses=problems(404),
)
async def list_steps_safety_once(
    ctx: ContextDep, paging: PagingDep, self_test_id: SelfTestId, variant: VariantQuery = None
) -> Response:
    """The same steps as `/steps`, in the same order and pages, for an app that fetches the
    list and shows it whole: the self-test's red flags, contraindications and disclaimer are
    stated once, in `safety` (on every page), instead of in each step, and each step's
    `safety_ref` points to it: a fraction of the bytes of `/steps`. The rule does not change:
    show `safety` before the first step shown, and with each step its own `warnings`; a step
    shown apart from this page takes its safety along (`/steps/{number}` carries it). This
    shape is JSON's: the handouts (HTML, Markdown, PDF) and JSON-LD here are those of
    `/steps`, whose handouts already ask the screening once, before the first step."""
    self_test = ctx.item(SelfTestView, self_test_id)
    steps = steps_of(self_test, variant)
    if ctx.representation.media_type != JSON_MEDIA_TYPE:
        return await paged_list(ctx, StepCollection, steps, paging)
    (safety,) = dict.fromkeys(step.safety for step in steps)  # one self-test's: the same
    lean = [SafetyOnceStepView.of(step) for step in steps]
    return await paged_list(ctx, SafetyOnceStepCollection, lean, paging, safety=safety)


@router.get(
    "/{self_test_id}/steps/{number}",
    operation_id="getSelfTestStep",
    summary="Get one step of a self-test",
    response_model=StepView,
    responses=problems(404),
)
async def get_step(
    ctx: ContextDep,
    self_test_id: SelfTestId,
    number: Annotated[int, Path(ge=1, le=1000, description="Step number, from 1.", examples=[5])],
    variant: VariantQuery = None,
) -> Response:
    """One step with its landmarks, techniques and warnings. Step numbers are per variant;
    without `variant`, the self-test's `default_variant` is used (`all` names no single
    variant: a 404 listing them)."""
    self_test = ctx.item(SelfTestView, self_test_id)
    chosen = one_variant(self_test, variant)
    if number > len(chosen.steps):
        which = f"{number} in variant '{chosen.id}' of '{self_test.id}'"
        raise NotFound("step", which, allowed_range=(1, len(chosen.steps)))
    return await ctx.respond(chosen.steps[number - 1])
