"""Warnings: safety warnings, red flags and disclaimers, with where each one applies."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.models import Severity
from api.routes.common import ViewsDep, collection, find, id_path, id_query, problems
from api.views import WarningCollection, WarningView

router = APIRouter(prefix="/v1/warnings", tags=["warnings"])
WarningKind = Literal["safety", "red-flag", "disclaimer"]


@router.get(
    "",
    operation_id="listWarnings",
    summary="List warnings",
    response_model=WarningCollection,
    responses=problems(404, 422),
)
def list_warnings(
    request: Request,
    views: ViewsDep,
    severity: Annotated[Severity | None, Query(description="Only this severity.")] = None,
    kind: Annotated[WarningKind | None, Query(description="Only this kind.")] = None,
    self_test: Annotated[str | None, id_query("self-test", "muscular-minesweeper")] = None,
    condition: Annotated[str | None, id_query("condition", "low-back-pain")] = None,
) -> WarningCollection:
    """All warnings, `stop` first, then `caution`, then `info`; filters combine with AND."""
    if self_test is not None:
        find(views.self_tests, "self-test", self_test, "self_test")
    if condition is not None:
        find(views.conditions, "condition", condition, "condition")
    warnings = [
        warning
        for warning in views.warnings.values()
        if severity in (None, warning.severity)
        and kind in (None, warning.kind)
        and (self_test is None or any(t.self_test == self_test for t in warning.applies_to))
        and (condition is None or any(t.condition == condition for t in warning.applies_to))
    ]
    return collection(request, WarningCollection, warnings)


@router.get(
    "/{warning_id}",
    operation_id="getWarning",
    summary="Get a warning",
    response_model=WarningView,
    responses=problems(404, 422),
)
def get_warning(
    views: ViewsDep, warning_id: Annotated[str, id_path("sciatic-nerve-electric-sensation")]
) -> WarningView:
    """One warning: its severity, the sign to watch for, what to do, and where it applies."""
    return find(views.warnings, "warning", warning_id)
