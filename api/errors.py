"""One error shape everywhere: RFC 9457 ``application/problem+json``.

NotFound                 a resource or filter value that names nothing -> 404
NotAcceptable            nothing in Accept is available                 -> 406
RequestValidationError   a bad path or query parameter                 -> 422
InvalidParameter         a parameter that passed its schema but means nothing (a cursor) -> 422
HTTPException            routing errors (unknown path 404, method 405)  -> as raised
Exception                anything unforeseen                            -> 500, no details
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# RFC 9110 phrases, fixed here so titles do not change with the Python version.
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    414: "URI Too Long",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}
logger = logging.getLogger("api")


class InvalidParam(BaseModel):
    name: str = Field(description="Where the bad value was, e.g. 'query.severity'.")
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

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


class NotAcceptable(Exception):
    """Nothing the client accepts is available."""

    def __init__(self, available: tuple[str, ...]) -> None:
        self.available = available
        super().__init__(
            "None of the media types in Accept is available here. "
            f"Available: {', '.join(available)} (or a .json, .jsonld, .html or .md URL)."
        )


class InvalidParameter(Exception):
    """A parameter that matches its schema but means nothing here."""

    def __init__(self, name: str, reason: str) -> None:
        self.param = InvalidParam(name=name, reason=reason)
        super().__init__(f"{name}: {reason}")


class NotFound(Exception):
    """The request names an id that does not exist."""

    def __init__(self, kind: str, item_id: str, parameter: str | None = None) -> None:
        where = f" (query parameter '{parameter}')" if parameter else ""
        super().__init__(f"There is no {kind} with id '{item_id}'{where}.")


def problem_response(
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    invalid_params: list[InvalidParam] | None = None,
    available: list[str] | None = None,
) -> Response:
    body = problem_body(status, detail, request.url.path, invalid_params, available)
    return Response(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def problem_body(
    status: int,
    detail: str,
    instance: str,
    invalid_params: list[InvalidParam] | None = None,
    available: list[str] | None = None,
) -> bytes:
    """The bytes of a problem detail: the one error shape, wherever the error is found."""
    problem = Problem(
        title=TITLES.get(status) or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        invalid_params=invalid_params,
        available=available,
    )
    return problem.model_dump_json(exclude_none=True).encode()


async def _not_acceptable(request: Request, error: Exception) -> Response:
    assert isinstance(error, NotAcceptable)
    available = list(error.available)
    return problem_response(request, 406, str(error), {"Vary": "Accept"}, available=available)


async def _not_found(request: Request, error: Exception) -> Response:
    return problem_response(request, 404, str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ALLOWED_METHODS
        detail = (
            f"{request.method} is not supported here; this API is read-only ({ALLOWED_METHODS})."
        )
    elif error.status_code == 404:
        detail = f"No resource at {request.url.path}. Start at /v1 for the list of collections."
    else:
        detail = str(error.detail)
    return problem_response(request, error.status_code, detail, headers)


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    params = [_invalid_param(detail) for detail in error.errors()]
    detail = "; ".join(f"{param.name}: {param.reason}" for param in params)
    return problem_response(request, 422, f"Invalid request: {detail}", invalid_params=params)


async def _invalid_parameter(request: Request, error: Exception) -> Response:
    assert isinstance(error, InvalidParameter)
    detail = f"Invalid request: {error}"
    return problem_response(request, 422, detail, invalid_params=[error.param])


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
    app.add_exception_handler(NotAcceptable, _not_acceptable)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(InvalidParameter, _invalid_parameter)
    app.add_exception_handler(Exception, _unexpected)
