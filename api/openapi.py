"""The OpenAPI document: FastAPI's, made truthful about errors, with real examples.

Error responses are declared as ``application/problem+json`` (what the app really sends), and every
success response carries an example produced by calling the operation itself on the content served,
so the examples can never drift from the API (lists at the top of a JSON example are cut to their
first entry).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp

from api import views
from api.caching import VERSION_HEADER
from api.errors import PROBLEM_MEDIA_TYPE
from api.inprocess import get_all
from api.render import offered_for
from api.settings import EXAMPLE_ORIGIN

JSON = "application/json"
PDF = "application/pdf"
TEXT_EXAMPLE_LIMIT = 1500  # characters of a Markdown or HTML example kept in the document
HEADERS = {
    "Content-Language": {
        "description": "The locale served: the one asked for, or English when it is not available.",
        "schema": {"type": "string", "example": "es"},
    },
    "Vary": {
        "description": "`Accept, Accept-Language`; only `Accept-Language` on a URL with a "
        "representation suffix.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "Strong entity tag derived from the bytes of this representation; send "
        "it back in If-None-Match to revalidate.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`public, max-age=<FASCIA_CACHE_MAX_AGE>, "
        "stale-while-revalidate=<FASCIA_CACHE_STALE_WHILE_REVALIDATE>`.",
        "schema": {"type": "string"},
    },
    VERSION_HEADER: {
        "description": "The version of the content served: a hash that changes with any "
        "content file.",
        "schema": {"type": "string"},
    },
}
NOT_MODIFIED = {
    "description": "Not Modified: If-None-Match matched the current ETag. No body; the same "
    "ETag, Cache-Control, Vary, Content-Language and content version headers as a 200.",
    "headers": {name: HEADERS[name] for name in ("ETag", "Cache-Control", "Vary")},
}


def _problem(status: int, title: str, detail: str, instance: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }


# Errors the gateway can answer on any operation, before it reaches the app.
GATEWAY_ERRORS = {
    "400": "Malformed request: more than 16 query parameters, or one given twice.",
    "414": "The URL is longer than 4096 bytes.",
    "431": "More than 64 headers, or more than 16 KB of them.",
}
# Only when API keys or quotas are configured (FASCIA_API_KEY_DIGESTS, FASCIA_RATE_LIMIT).
ACCESS_ERRORS = {
    "401": "API keys are on and the X-API-Key header is missing or wrong.",
    "429": "The quota is used up; Retry-After says when to try again.",
}
PROBLEM_EXAMPLES: dict[str, dict[str, Any]] = {
    "400": _problem(
        400,
        "Bad Request",
        "The query parameter 'severity' is given more than once.",
        "/v1/warnings",
    ),
    "401": _problem(
        401, "Unauthorized", "A valid API key is required in the X-API-Key header.", "/v1/muscles"
    ),
    "414": _problem(414, "URI Too Long", "The URL is longer than 4096 bytes.", "/v1/muscles"),
    "429": _problem(
        429, "Too Many Requests", "Too many requests; try again in 12 s.", "/v1/muscles"
    ),
    "431": _problem(
        431,
        "Request Header Fields Too Large",
        "Send at most 64 headers and 16384 bytes of them.",
        "/v1/muscles",
    ),
    "501": _problem(501, "Not Implemented", "Only format=json is available, not 'xml'.", "/oembed"),
    "404": {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is no muscle with id 'gluteus-maximum'.",
        "instance": "/v1/muscles/gluteus-maximum",
    },
    "410": {
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": "The technique 'slow-arc-sweep' was retired on 2026-12-01: Renamed to match how "
        "therapists name the sweep. It is replaced by /v1/techniques/slow-arc-sweeps.",
        "instance": "/v1/techniques/slow-arc-sweep",
        "replaced_by": "/v1/techniques/slow-arc-sweeps",
    },
    "406": {
        "type": "about:blank",
        "title": "Not Acceptable",
        "status": 406,
        "detail": "None of the media types in Accept is available here. Available: "
        "application/json, application/ld+json, text/html, text/markdown (or a .json, .jsonld, "
        ".html or .md URL).",
        "instance": "/v1/muscles/gluteus-maximus",
        "available": ["application/json", "application/ld+json", "text/html", "text/markdown"],
    },
    "422": {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "Invalid request: query.severity: Input should be 'info', 'caution' or 'stop' "
        "(got 'urgent')",
        "instance": "/v1/warnings",
        "invalid_params": [
            {
                "name": "query.severity",
                "reason": "Input should be 'info', 'caution' or 'stop' (got 'urgent')",
            }
        ],
    },
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document for ``app``, with problem responses and examples taken from the app itself."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    for path, operation in _operations(schema):
        errors = GATEWAY_ERRORS | (ACCESS_ERRORS if path.startswith("/v1") else {})
        for status, description in errors.items():
            operation["responses"][status] = {"description": description}
        _declare_problems(operation)
        ok = operation["responses"]["200"]
        if JSON not in ok["content"]:  # a page or a script, described by its operation
            continue
        _name_origin(operation, app.state.settings.origin)
        example_path = _example_path(path, operation)
        if "406" not in operation["responses"]:  # not negotiated: JSON only
            ok["content"][JSON]["example"] = _json_example(_call(app, example_path, JSON))
            continue
        json_schema = ok["content"][JSON]["schema"]
        ok["headers"] = HEADERS
        operation["responses"]["304"] = NOT_MODIFIED
        ok["content"] = {
            representation.media_type: _media(
                app, example_path, representation.media_type, json_schema
            )
            for representation in offered_for(_response_model(json_schema))
        }
    for path, operation in _operations(schema):
        operation["responses"] = dict(sorted(operation["responses"].items()))
        if path.startswith("/v1"):
            operation["security"] = [{}, {"ApiKey": []}]  # a key only when keys are configured
    schema["components"]["securitySchemes"] = {
        "ApiKey": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Needed on /v1 only when the server has API keys configured "
            "(FASCIA_API_KEY_DIGESTS); FASCIA_API_KEY_HEADER can rename the header.",
        }
    }
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)
    return schema


def render_openapi(app: FastAPI) -> str:
    """The document as committed under openapi/: stable formatting, newline at the end."""
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def _response_model(json_schema: dict[str, Any]) -> object:
    """The response model a schema reference names (views are named after their models)."""
    return getattr(views, json_schema.get("$ref", "").rpartition("/")[2], None)


def _media(app: ASGIApp, path: str, media_type: str, json_schema: Any) -> dict[str, Any]:
    if media_type == PDF:  # binary: described, not shown
        return {"schema": {"type": "string", "format": "binary"}}
    body = _call(app, path, media_type)
    if media_type == JSON:
        return {"schema": json_schema, "example": _json_example(body)}
    if media_type.endswith("json"):
        return {"schema": {"type": "object"}, "example": _json_example(body)}
    text = body.decode()
    if len(text) > TEXT_EXAMPLE_LIMIT:
        text = text[:TEXT_EXAMPLE_LIMIT] + "\n[... cut short for this example ...]\n"
    return {"schema": {"type": "string"}, "example": text}


def _json_example(body: bytes) -> Any:
    """The response as an example; a collection's (or the export's) lists are cut to their first
    entry to keep the document small, and its counts follow."""
    example = json.loads(body)
    if not isinstance(example, dict):
        return example
    lists = {"items", "itemListElement"}
    if "content_version" in example and "muscles" in example:  # the export
        lists |= {key for key, value in example.items() if isinstance(value, list)}
    cut = {key: value[:1] if key in lists else value for key, value in example.items()}
    for count in ("count", "numberOfItems"):
        if count in cut:
            cut[count] = min(cut[count], 1)
    return cut


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for operation in item.values():
            yield path, operation


def _declare_problems(operation: dict[str, Any]) -> None:
    for status, response in operation["responses"].items():
        if not status.startswith(("4", "5")):
            continue
        if status == "422":
            response["description"] = "A path, query or header parameter is invalid."
        response["content"] = {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": PROBLEM_EXAMPLES[status],
            }
        }


def _name_origin(operation: dict[str, Any], origin: str) -> None:
    """URLs in parameter examples name the app's own ``origin`` (oEmbed embeds only those)."""
    for parameter in operation.get("parameters", []):
        if examples := parameter["schema"].get("examples"):
            parameter["schema"]["examples"] = [
                e.replace(EXAMPLE_ORIGIN, origin) if isinstance(e, str) else e for e in examples
            ]


def _example_path(path: str, operation: dict[str, Any]) -> str:
    """``path`` with its parameters' examples filled in, required query parameters included."""
    query = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            example = parameter["schema"]["examples"][0]
            path = path.replace("{" + parameter["name"] + "}", str(example))
        elif parameter["in"] == "query" and parameter.get("required"):
            query.append(f"{parameter['name']}={quote(parameter['schema']['examples'][0])}")
    return f"{path}?{'&'.join(query)}" if query else path


def _call(app: ASGIApp, url: str, accept: str) -> bytes:
    """GET ``url`` from ``app`` in-process and return the body."""
    path, _, query = url.partition("?")
    ((start, body),) = get_all(app, [(path, query, accept)])
    if start["status"] != 200:
        raise RuntimeError(f"example request GET {url} answered {start['status']}")
    body_bytes: bytes = body["body"]
    return body_bytes
