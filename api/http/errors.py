"""One error shape everywhere: RFC 9457 ``application/problem+json``.

``ERROR_RESPONSES`` is the one table of error statuses: the title every problem of that status
carries, and the name and description the routes' ``responses=`` and the OpenAPI document use.
Each exception below says the status it answers (``status``); ``install_error_handlers`` turns
it into a problem. Every problem says in ``detail`` what would have worked, and in a field a
program can read: ``accepted_params``, ``allowed_values``, ``allowed_range``, ``available``,
``available_suffixes``. Routing errors (unknown path, method) answer as raised; anything
unforeseen is a 500 with no details.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from api.bundle.urls import PREFIX
from api.http.limits import MAX_HEADER_BYTES, MAX_HEADERS, MAX_QUERY_PARAMETERS, MAX_URL
from api.http.negotiation import target_of
from api.render.context import Unavailable
from api.render.pool import Busy

PROBLEM_MEDIA_TYPE = "application/problem+json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
logger = logging.getLogger("api")


@dataclass(frozen=True)
class ErrorResponse:
    """One error status: its title in every problem, and how the OpenAPI document names and
    describes it."""

    title: str  # the RFC 9110 phrase, fixed here so titles do not change with Python's version
    name: str  # the component under #/components/responses
    description: str


# Every error an operation under /v1 can answer, by status: the one table the handlers'
# `responses=` and the OpenAPI document both read.
ERROR_RESPONSES: dict[int, ErrorResponse] = {
    400: ErrorResponse(
        "Bad Request",
        "BadRequest",
        "The query names a parameter this operation does not take (the problem lists those it "
        f"does, `accepted_params`), has more than {MAX_QUERY_PARAMETERS} parameters, or gives "
        "one twice.",
    ),
    401: ErrorResponse(
        "Unauthorized",
        "Unauthorized",
        "API keys are on and the {header} header is missing or wrong.",
    ),
    405: ErrorResponse(
        "Method Not Allowed",
        "MethodNotAllowed",
        f"Only {ALLOWED_METHODS} (and POST on /mcp); `Allow` lists them.",
    ),
    404: ErrorResponse(
        "Not Found",
        "NotFound",
        "No resource with that id (or a filter names an unknown id); where it can, the problem "
        "lists what exists (`allowed_values`, `allowed_range`).",
    ),
    406: ErrorResponse(
        "Not Acceptable",
        "NotAcceptable",
        "None of the media types in Accept is available, or the URL has a suffix that chooses "
        "none; the problem lists those that are (`available`, `available_suffixes`).",
    ),
    410: ErrorResponse(
        "Gone",
        "Gone",
        "The id was published and has been retired; the problem says when and why, and "
        '`replaced_by` (with a `Link: <...>; rel="successor-version"` header) names what '
        "replaces it.",
    ),
    414: ErrorResponse("URI Too Long", "UriTooLong", f"The URL is longer than {MAX_URL} bytes."),
    422: ErrorResponse(
        "Unprocessable Content",
        "UnprocessableContent",
        "A path, query or header parameter is invalid; `invalid_params` says which and why.",
    ),
    429: ErrorResponse(
        "Too Many Requests",
        "TooManyRequests",
        "The quota is used up, or this client already has 8 costly requests waiting (uncached "
        "export pages, self-tests, guides, PDFs, PNGs, MCP calls); Retry-After says when to try "
        "again.",
    ),
    431: ErrorResponse(
        "Request Header Fields Too Large",
        "RequestHeaderFieldsTooLarge",
        f"More than {MAX_HEADERS} headers, or more than {MAX_HEADER_BYTES} bytes of them.",
    ),
    501: ErrorResponse(
        "Not Implemented", "NotImplemented", "oEmbed: a `format` other than `json`."
    ),
    503: ErrorResponse(
        "Service Unavailable",
        "ServiceUnavailable",
        "This server cannot make the representation asked for now (PDF without its system "
        "libraries, or too many PDFs being typeset: Retry-After says when to try again), or "
        "the quota store is unreachable and quotas fail closed.",
    ),
    500: ErrorResponse(
        "Internal Server Error",
        "InternalServerError",
        "Something unforeseen went wrong; it is logged with the request id, and the problem "
        "gives no details.",
    ),
}
TITLES = {status: response.title for status, response in ERROR_RESPONSES.items()}
# Operations outside /v1 take no query: their 400 is the gateway's alone.
MALFORMED = ErrorResponse(
    "Bad Request",
    "MalformedRequest",
    f"More than {MAX_QUERY_PARAMETERS} query parameters, or one given twice.",
)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for an operation that can answer ``statuses``."""
    return {
        status: {"model": Problem, "description": ERROR_RESPONSES[status].description}
        for status in sorted(statuses)
    }


class InvalidParam(BaseModel):
    name: str = Field(description="Where the bad value was, e.g. 'query.severity'.")
    reason: str


class AllowedRange(BaseModel):
    minimum: int
    maximum: int


def _problem_schema(schema: dict[str, Any]) -> None:
    """As sent: the RFC 9457 members always, each extension member only when it says something
    (never as null)."""
    always = ["type", "title", "status", "detail", "instance"]
    schema["required"] = always
    for name, field in schema["properties"].items():
        if name not in always and "anyOf" in field:
            (kept,) = [option for option in field.pop("anyOf") if option != {"type": "null"}]
            field.update(kept)
            field.pop("default", None)


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    model_config = ConfigDict(json_schema_extra=_problem_schema)
    type: str = Field(default="about:blank", description="'about:blank': the status says it all.")
    title: str = Field(description="The HTTP status phrase.")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What was wrong with this request, in plain words.")
    instance: str = Field(description="The path that was requested.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="For 422: each bad parameter and why."
    )
    available: list[str] | None = Field(
        default=None, description="For 406: the media types this resource is available in."
    )
    available_suffixes: list[str] | None = Field(
        default=None, description="For 406: the URL suffixes that choose a representation."
    )
    unknown_params: list[str] | None = Field(
        default=None, description="For 400: the query parameters this operation does not take."
    )
    accepted_params: list[str] | None = Field(
        default=None, description="For 400: the query parameters this operation takes."
    )
    allowed_values: list[str] | None = Field(
        default=None,
        description="For 404: the values that exist (such as a self-test's variants); for 400 "
        "on an unknown `since`: the versions the change feed starts from.",
    )
    allowed_range: AllowedRange | None = Field(
        default=None, description="For 404: the numbers that exist (such as a variant's steps)."
    )
    replaced_by: str | None = Field(
        default=None, description="For 410: the URL of the item that replaces the retired one."
    )
    full_sync: str | None = Field(
        default=None,
        description="For 400 on an unknown `since`: where to sync everything from instead.",
    )


class NotAcceptable(Exception):
    """Nothing the client accepts is available, or the URL has a suffix we do not serve."""

    status: ClassVar[int] = 406

    def __init__(
        self,
        available: tuple[str, ...],
        suffixes: tuple[str, ...],
        suffix: str | None = None,
        detail: str = "",
    ) -> None:
        self.available = available
        self.suffixes = suffixes
        listed = ", ".join(suffixes)
        if detail:
            message = f"{detail} Use one of {listed}, or Accept: "
        elif suffix is not None:
            message = f"There is no {suffix} representation. Use one of {listed}, or Accept: "
        else:
            message = "None of the media types in Accept is available here. Available: "
        super().__init__(f"{message}{', '.join(available)} (suffixes: {listed}).")


class UnknownParameters(Exception):
    """The query names parameters the operation does not take."""

    status: ClassVar[int] = 400

    def __init__(self, unknown: list[str], accepted: list[str]) -> None:
        self.unknown = unknown
        self.accepted = accepted
        super().__init__(
            f"Unknown query parameter(s): {', '.join(unknown)}. This operation takes: "
            f"{', '.join(accepted) or 'none'}."
        )


class NotFound(Exception):
    """The request names an id (or a number) that does not exist."""

    status: ClassVar[int] = 404

    def __init__(
        self,
        kind: str,
        item_id: str,
        parameter: str | None = None,
        allowed: list[str] | None = None,
        allowed_range: tuple[int, int] | None = None,
    ) -> None:
        where = f" (query parameter '{parameter}')" if parameter else ""
        message = f"There is no {kind} with id '{item_id}'{where}."
        if allowed:
            message += f" There are: {', '.join(allowed)}."
        if allowed_range is not None:
            message = f"There is no {kind} {item_id}: they are numbered {allowed_range[0]} to "
            message += f"{allowed_range[1]}."
        self.allowed = allowed
        self.allowed_range = allowed_range
        super().__init__(message)


class Gone(Exception):
    """The request names an id that was published and has been retired."""

    status: ClassVar[int] = 410

    def __init__(self, kind: str, item_id: str, on: str, reason: str, replaced_by: str | None):
        message = f"The {kind} '{item_id}' was retired on {on}: {reason}"
        if replaced_by is not None:
            message += f" It is replaced by {replaced_by}."
        self.replaced_by = replaced_by
        super().__init__(message)


class UnknownVersion(Exception):
    """A change feed was asked for since a version that was never released."""

    status: ClassVar[int] = 400

    def __init__(self, version: str, known: list[str], full_sync: str) -> None:
        self.known = known
        self.full_sync = full_sync
        super().__init__(
            f"No release has content version '{version}', so there are no changes to list from "
            f"it. Sync everything from {full_sync}, then ask for the changes since its "
            "content_version."
        )


class UnknownValue(Exception):
    """A query parameter names something this API does not know, such as a code system."""

    status: ClassVar[int] = 400

    def __init__(self, parameter: str, value: str, what: str, known: list[str]) -> None:
        self.known = known
        super().__init__(
            f"The {what} '{value}' (query parameter '{parameter}') is not one this API knows. "
            f"It knows: {', '.join(known)}."
        )


def problem_response(
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem about ``request``; its ``instance`` is the path as requested (suffix and all)."""
    instance = target_of(request.scope).requested
    body = problem_body(status, detail, instance, **extra)
    return Response(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def problem_body(status: int, detail: str, instance: str, **extra: Any) -> bytes:
    """The bytes of a problem detail: the one error shape, wherever the error is found."""
    problem = Problem(
        title=TITLES.get(status) or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        **extra,
    )
    return problem.model_dump_json(exclude_none=True).encode()


async def _not_acceptable(request: Request, error: Exception) -> Response:
    assert isinstance(error, NotAcceptable)
    return problem_response(
        request,
        error.status,
        str(error),
        {"Vary": "Accept"},
        available=list(error.available),
        available_suffixes=list(error.suffixes),
    )


async def _unknown_parameters(request: Request, error: Exception) -> Response:
    assert isinstance(error, UnknownParameters)
    return problem_response(
        request,
        error.status,
        str(error),
        unknown_params=error.unknown,
        accepted_params=error.accepted,
    )


async def _not_found(request: Request, error: Exception) -> Response:
    assert isinstance(error, NotFound)
    limits = None
    if error.allowed_range is not None:
        limits = AllowedRange(minimum=error.allowed_range[0], maximum=error.allowed_range[1])
    return problem_response(
        request, error.status, str(error), allowed_values=error.allowed, allowed_range=limits
    )


async def _unknown_value(request: Request, error: Exception) -> Response:
    assert isinstance(error, UnknownValue)
    return problem_response(request, error.status, str(error), allowed_values=error.known)


async def _gone(request: Request, error: Exception) -> Response:
    assert isinstance(error, Gone)
    headers = None
    if error.replaced_by is not None:
        headers = {"Link": f'<{error.replaced_by}>; rel="successor-version"'}
    return problem_response(
        request, error.status, str(error), headers, replaced_by=error.replaced_by
    )


async def _unknown_version(request: Request, error: Exception) -> Response:
    assert isinstance(error, UnknownVersion)
    return problem_response(
        request, error.status, str(error), allowed_values=error.known, full_sync=error.full_sync
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ALLOWED_METHODS
        detail = (
            f"{request.method} is not supported here; this API is read-only ({ALLOWED_METHODS})."
        )
    elif error.status_code == 404:
        path = target_of(request.scope).requested
        detail = f"No resource at {path}. Start at {PREFIX} for the list of collections."
    else:
        detail = str(error.detail)
    return problem_response(request, error.status_code, detail, headers)


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    params = [_invalid_param(detail) for detail in error.errors()]
    detail = "; ".join(f"{param.name}: {param.reason}" for param in params)
    return problem_response(request, 422, f"Invalid request: {detail}", invalid_params=params)


async def _unavailable(request: Request, error: Exception) -> Response:
    return problem_response(request, 503, str(error))


async def _busy(request: Request, error: Exception) -> Response:
    assert isinstance(error, Busy)
    detail = (
        "Too many handouts are being typeset now; try again in "
        f"{error.retry_after} s. The other representations are answered at once."
    )
    return problem_response(request, 503, detail, {"Retry-After": str(error.retry_after)})


async def _unexpected(request: Request, error: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "Something went wrong on our side; it has been logged.")


def _invalid_param(detail: dict[str, Any]) -> InvalidParam:
    name = ".".join(str(part) for part in detail.get("loc", ()))
    reason = str(detail.get("msg", "invalid value"))
    if "input" in detail and detail["input"] is not None:
        reason += f" (got {str(detail['input'])[:80]!r})"
    return InvalidParam(name=name, reason=reason)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through ``problem_response``."""
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Gone, _gone)
    app.add_exception_handler(UnknownVersion, _unknown_version)
    app.add_exception_handler(UnknownValue, _unknown_value)
    app.add_exception_handler(NotAcceptable, _not_acceptable)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(UnknownParameters, _unknown_parameters)
    app.add_exception_handler(Unavailable, _unavailable)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(Exception, _unexpected)
