"""Export: every item of a locale in one document, for CMSs that sync everything at once."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.presenter import href, links
from api.routes.common import ContextDep, problems
from api.views import ExportView

router = APIRouter(prefix="/v1/export", tags=["export"])


@router.get(
    "",
    operation_id="exportContent",
    summary="Export everything",
    response_model=ExportView,
    responses=problems(406),
)
async def export_content(ctx: ContextDep) -> Response:
    """Every guide, muscle, action, landmark, condition, technique, self-test, warning and source
    of the requested locale in one response, with the content version: compare its ETag to
    know whether anything changed."""
    views = ctx.views
    return ctx.respond(
        ExportView(
            content_version=views.version,
            locale=views.locale,
            guides=tuple(views.guides.values()),
            muscles=tuple(views.muscles.values()),
            actions=tuple(views.actions.values()),
            landmarks=tuple(views.landmarks.values()),
            conditions=tuple(views.conditions.values()),
            techniques=tuple(views.techniques.values()),
            self_tests=tuple(views.self_tests.values()),
            warnings=tuple(views.warnings.values()),
            sources=tuple(views.sources.values()),
            links=links(href("export")),
        )
    )
