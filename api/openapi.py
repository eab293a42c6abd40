"""The OpenAPI document: FastAPI's, made truthful about errors, with real examples, shaped for
client generators.

* An operation's 200 describes JSON only, so generated clients get one type for its data. The
  other representations are operations of their own on the suffix paths (``/v1/muscles/{id}.md``,
  tags ``json-ld``, ``html`` and ``markdown``), and each JSON operation's description names the
  ``Accept`` values that choose them on its own path.
* Error responses are ``application/problem+json`` (what the app really sends), shared as
  ``components/responses``; the parameters every operation takes are ``components/parameters``.
* Every example is produced by calling the operation itself on the content served, so examples
  cannot drift from the API. In the document every list is cut to its first entry (and Markdown
  and HTML to their first lines); ``openapi/examples.json`` keeps the whole JSON responses.
"""

from __future__ import annotations

import copy
import enum
import json
import re
import sys
import typing
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp

from api.bundle import resources as views
from api.bundle.urls import PREFIX
from api.content.terminology import BY_OID, BY_URI
from api.http.errors import ERROR_RESPONSES, MALFORMED, PROBLEM_MEDIA_TYPE, TITLES
from api.http.etags import VERSION_HEADER
from api.http.inprocess import get_all
from api.http.limits import TOO_MANY_HEADERS, URL_TOO_LONG, repeated_parameter
from api.render import ALTERNATES, by_suffix, fhir, jsonld, offered_for
from api.settings import EXAMPLE_ORIGIN

JSON = "application/json"
TEXT_EXAMPLE_LIMIT = 3000  # characters of an HTML, Markdown or SVG example kept in the document
SERVERS = [
    {
        "url": "/",
        "description": "The server this document is served by (`make run`: http://127.0.0.1:8000).",
    }
]
# A representation only some resources have is shown on one of them.
ALTERNATE_EXAMPLES = {".fhir": f"{PREFIX}/self-tests/muscular-minesweeper"}
# The one example of each alternate representation: a step, with the safety it carries.
ALTERNATE_EXAMPLE = f"{PREFIX}/self-tests/muscular-minesweeper/steps/5"
TAGS = [
    {"name": "index", "description": "Where everything is, and the content version."},
    {"name": "guides", "description": "Whole guides, in sections."},
    {"name": "muscles", "description": "Muscles, with their actions, codes and relations."},
    {"name": "actions", "description": "What muscles do, and everyday activities that use it."},
    {
        "name": "landmarks",
        "description": "Anatomical landmarks: how to find them, where not to press.",
    },
    {"name": "conditions", "description": "Conditions, their mechanisms and remedies."},
    {"name": "techniques", "description": "Hands-on techniques the steps use."},
    {
        "name": "self-tests",
        "description": "Self-tests, whole or step by step, with their safety information.",
    },
    {"name": "warnings", "description": "Safety warnings, red flags and the disclaimer."},
    {"name": "sources", "description": "The works the content is based on."},
    {"name": "regions", "description": "Regional emergency and urgent-care advice."},
    {"name": "locales", "description": "The languages served, and how complete each is."},
    {"name": "search", "description": "Full-text search over every kind of item."},
    {
        "name": "lookup",
        "description": "Content by clinical code, for EHRs and patient portals: `/v1/lookup` "
        "with FHIR system URIs, and HL7 Infobutton (`/infobutton`, OIDs, Atom or JSON).",
    },
    {"name": "export", "description": "Every item of a locale, paged, for syncing a CMS."},
    {"name": "health", "description": "Liveness and readiness probes."},
    *({"name": r.tag, "description": r.description} for r in ALTERNATES),
    {"name": "diagrams", "description": "The diagrams the steps point to, as shapes."},
    {"name": "sync", "description": "The manifest and the change feed, for mirroring."},
    {"name": "embed", "description": "The web component, pages for iframes, and oEmbed."},
    {
        "name": "safety",
        "description": "The clinical safety case report (DCB0129): hazards, risks, controls and "
        "the tests that verify them, and the sign-off state.",
    },
]
HEADERS: dict[str, dict[str, Any]] = {
    "Content-Language": {
        "description": "The locale served (`es`), with the reader's country when care advice "
        "was chosen for it (`es-MX`): the one asked for, or English when it is not available.",
        "schema": {"type": "string", "examples": ["es"]},
    },
    "Vary": {
        "description": "`Accept, Accept-Language, Accept-Encoding`; without `Accept` on a URL "
        "with a representation suffix.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "Strong entity tag derived from the bytes of this representation (a "
        'compressed body has its own: `"<tag>-gzip"`); send it back in If-None-Match to '
        "revalidate.",
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
OK_HEADERS = {name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS}
NOT_MODIFIED = {
    "description": "Not Modified: If-None-Match matched the current ETag. No body; the same "
    "ETag, Cache-Control, Vary, Content-Language and content version headers as a 200.",
    "headers": {name: OK_HEADERS[name] for name in ("ETag", "Cache-Control", "Vary")},
}
JSON_LD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "JsonLd",
    "description": "A schema.org JSON-LD document: an item as its schema.org type "
    "(`MedicalWebPage`, `HowTo`, `HowToStep`, `Muscle`, `AnatomicalStructure`, "
    "`MedicalCondition`...), a collection as an `ItemList` of them. Properties are "
    "schema.org's; those with no value are left out.",
    "required": ["@context", "@type", "@id"],
    "properties": {
        "@context": {"type": "string", "const": "https://schema.org"},
        "@type": {"type": "string", "description": "The schema.org type.", "examples": ["HowTo"]},
        "@id": {"type": "string", "description": "The resource's path on this server."},
        "name": {"type": "string"},
        "numberOfItems": {"type": "integer", "description": "An `ItemList`'s size."},
        "itemListElement": {
            "type": "array",
            "description": "An `ItemList`'s items (`ListItem`s), or a `HowTo`'s sections and "
            "steps.",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
    "additionalProperties": True,
}
QUESTIONNAIRE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Questionnaire",
    "description": "A FHIR R4 Questionnaire resource (https://hl7.org/fhir/R4/questionnaire.html), "
    "as FHIR defines it; the properties listed are those this API always writes. Items: a "
    "`display` item (the disclaimer), then groups `red-flags` and `contraindications` of "
    "`boolean` questions (`linkId`: the warning's id), each followed by a `display` item "
    "(`<id>.if-yes`) enabled when the question is answered yes.",
    "required": [
        "resourceType",
        "id",
        "url",
        "version",
        "name",
        "title",
        "status",
        "date",
        "publisher",
        "copyright",
        "item",
    ],
    "properties": {
        "resourceType": {"type": "string", "const": "Questionnaire"},
        "id": {"type": "string"},
        "url": {"type": "string", "description": "The canonical URL: this resource's address."},
        "version": {"type": "string", "description": "The content version."},
        "name": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string", "description": "FHIR's publication status: `active`."},
        "date": {"type": "string"},
        "publisher": {"type": "string"},
        "copyright": {"type": "string"},
        "item": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
    "additionalProperties": True,
}
TEXT_SCHEMA = {"type": "string"}


_MUSCLES = f"{PREFIX}/muscles"


WEBHOOK_HEADERS = {
    "webhook-id": "The message id: the same on every attempt of one message, so a receiver can "
    "ignore repeats.",
    "webhook-timestamp": "When this attempt was signed (Unix seconds); reject old ones.",
    "webhook-signature": "`v1,` + base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>."
    "<body>`, keyed with the base64 secret after `whsec_` (Standard Webhooks).",
}
CONTENT_CHANGED: dict[str, Any] = {
    "type": "object",
    "title": "ContentChanged",
    "description": "What `python -m api notify --since <version>` posts after a deploy.",
    "required": ["type", "timestamp", "data"],
    "properties": {
        "type": {"type": "string", "const": "content.changed"},
        "timestamp": {"type": "string", "format": "date-time"},
        "data": {
            "type": "object",
            "required": ["since", "content_version", "changes"],
            "properties": {
                "since": {"type": "string", "description": "The version deployed before."},
                "content_version": {"type": "string", "description": "The version now served."},
                "changes": {
                    "type": "object",
                    "description": "Each locale's changes, as the change feed lists them; "
                    "`url` is the change's absolute address when the server has "
                    "FASCIA_PUBLIC_URL.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/DeliveredChange"},
                    },
                },
            },
        },
    },
}
DELIVERED_CHANGE: dict[str, Any] = {
    "title": "DeliveredChange",
    "description": "A change as a webhook delivers it: with its absolute `url` when the server "
    "has FASCIA_PUBLIC_URL.",
    "allOf": [{"$ref": "#/components/schemas/Change"}],
    "properties": {"url": {"type": "string", "format": "uri"}},
}
WEBHOOKS = {
    "content.changed": {
        "post": {
            "operationId": "contentChanged",
            "summary": "The content changed: what was created, updated or retired",
            "description": "Posted to each of FASCIA_WEBHOOK_URLS by `notify`, signed as "
            "Standard Webhooks asks. Answer 2xx; anything else (a redirect included: it is not "
            "followed) is tried again with doubling delays, up to FASCIA_WEBHOOK_ATTEMPTS times.",
            "tags": ["sync"],
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "description": description,
                    "schema": {"type": "string"},
                }
                for name, description in WEBHOOK_HEADERS.items()
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ContentChanged"}}
                },
            },
            "responses": {"2XX": {"description": "Received."}},
            "security": [],  # the receiver checks the signature, not a key
        }
    }
}


def _problem(status: int, title: str, detail: str, instance: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }


# An example of every error response, by status (names and descriptions: ERROR_RESPONSES). The
# app's own errors are examples it answers (the example is the request); the gateway's (400,
# 414, 431 on any operation; 401 and 429 on /v1 when API keys or quotas are configured) are
# written here.
EXAMPLES: dict[int, dict[str, Any] | str] = {
    400: f"{PREFIX}/self-tests/muscular-minesweeper?varient=ball",
    401: _problem(
        401, TITLES[401], "A valid API key is required in the {header} header.", _MUSCLES
    ),
    404: f"{PREFIX}/self-tests/muscular-minesweeper?variant=tennis-ball",
    406: f"{PREFIX}/muscles/gluteus-maximus.xml",
    410: {
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": "The technique 'slow-arc-sweep' was retired on 2026-12-01: Renamed to "
        "match how therapists name the sweep. It is replaced by "
        f"{PREFIX}/techniques/slow-arc-sweeps.",
        "instance": f"{PREFIX}/techniques/slow-arc-sweep",
        "replaced_by": f"{PREFIX}/techniques/slow-arc-sweeps",
    },
    414: _problem(414, TITLES[414], URL_TOO_LONG, _MUSCLES),
    422: f"{PREFIX}/warnings?severity=urgent",
    429: _problem(429, TITLES[429], "Too many requests; try again in 12 s.", _MUSCLES),
    431: _problem(431, TITLES[431], TOO_MANY_HEADERS, _MUSCLES),
    501: "/oembed?url=http%3A%2F%2F127.0.0.1%3A8000%2Fv1&format=xml",
    503: _problem(
        503,
        TITLES[503],
        "PDF is unavailable here: this server lacks Pango (libpango-1.0-0). The other "
        "representations work.",
        f"{PREFIX}/muscles/gluteus-maximus.pdf",
    ),
}
MALFORMED_EXAMPLE = _problem(400, TITLES[400], repeated_parameter("severity"), "/readyz")
GATEWAY_STATUSES = (400, 414, 431)
ACCESS_STATUSES = (401, 429)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document for ``app``; see the module's docstring."""
    return _document(app)["spec"]


def full_examples(app: FastAPI) -> dict[str, Any]:
    """Every JSON operation's whole example response, by operation id (openapi/examples.json)."""
    return _document(app)["examples"]


def _document(app: FastAPI) -> dict[str, dict[str, Any]]:
    """The document and the whole examples, built once per app."""
    parts: dict[str, dict[str, Any]] | None = getattr(app.state, "openapi_parts", None)
    if parts is None:
        parts = _build(app)
        app.state.openapi_parts = parts
    return parts


def _build(app: FastAPI) -> dict[str, dict[str, Any]]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        contact=app.contact,
        license_info=app.license_info,
        routes=app.routes,
        servers=SERVERS,
        tags=TAGS,
    )
    paths: dict[str, Any] = {}
    examples: dict[str, Any] = {}
    for path, item in schema["paths"].items():
        operation = item["get"]
        _name_origin(operation, app.state.settings.origin)
        ok = operation["responses"]["200"]
        if JSON not in ok["content"]:  # a page or a script, described by its operation
            _declare_errors(operation, path.startswith(PREFIX))
            paths[path] = item
            continue
        example_path = _example_path(path, operation)
        json_schema = ok["content"][JSON]["schema"]
        body = json.loads(_call(app, example_path, JSON))
        examples[operation["operationId"]] = {"request": example_path, JSON: body}
        ok["content"] = _with_examples(app, ok["content"], json_schema, body, example_path)
        negotiated = "406" in operation["responses"]
        _declare_errors(operation, path.startswith(PREFIX))
        paths[path] = item
        if not negotiated:
            continue
        ok["headers"] = OK_HEADERS
        suffixes = [r.suffix for r in offered_for(_response_model(json_schema))[1:]]
        ok["description"] = _json_description(path, suffixes)
        operation["responses"]["304"] = {"$ref": "#/components/responses/NotModified"}
        paths |= _alternates(app, operation, path, suffixes, example_path)
    for operation in (item["get"] for item in paths.values()):
        operation["responses"] = dict(sorted(operation["responses"].items()))
        if operation["operationId"] in ("getHealth", "getReadiness"):
            operation["security"] = []  # probes are always open
        else:
            operation["security"] = [{}, {"ApiKey": []}]  # a key only when keys are configured
    schema["paths"] = paths
    components = schema["components"]
    components["schemas"].pop("HTTPValidationError", None)
    components["schemas"].pop("ValidationError", None)
    components["schemas"]["JsonLd"] = JSON_LD_SCHEMA
    components["schemas"]["Questionnaire"] = QUESTIONNAIRE_SCHEMA
    components["schemas"]["ContentChanged"] = CONTENT_CHANGED
    components["schemas"]["DeliveredChange"] = DELIVERED_CHANGE
    schema["webhooks"] = WEBHOOKS
    components["schemas"] = {
        name: _closed_tuples(value) for name, value in sorted(components["schemas"].items())
    }
    components["parameters"] = _share_parameters(paths)
    components["headers"] = HEADERS
    components["responses"] = {"NotModified": NOT_MODIFIED}
    components["responses"] |= dict(  # JSON-LD has one per operation, with its own example
        _alternate_response(app, r.suffix) for r in ALTERNATES if r.suffix != LINKED_DATA_SUFFIX
    )
    components["responses"] = dict(sorted(components["responses"].items()))
    components["responses"] |= _error_responses(app)
    components["responses"]["Gone"]["headers"] = {
        "Link": {
            "description": '`<...>; rel="successor-version"`: what replaces the retired id.',
            "schema": {"type": "string"},
        }
    }
    _name_enums(schema)
    components["securitySchemes"] = {
        "ApiKey": {
            "type": "apiKey",
            "in": "header",
            "name": app.state.settings.api_key_header,
            "description": "Needed on /v1 only when the server has API keys configured "
            "(FASCIA_API_KEY_DIGESTS); FASCIA_API_KEY_HEADER can rename the header.",
        }
    }
    return {"spec": schema, "examples": examples}


def _with_examples(
    app: ASGIApp, content: dict[str, Any], json_schema: dict[str, Any], body: Any, path: str
) -> dict[str, Any]:
    """JSON first, with its trimmed example; another media type an operation names
    (Infobutton's Atom) stays, with the app's answer to the same request as its example."""
    others = {
        media: {**value, "example": _first_entry(_call(app, path, media).decode())}
        for media, value in content.items()
        if media != JSON
    }
    return {JSON: {"schema": json_schema, "example": trimmed(body)}, **others}


def _first_entry(feed: str) -> str:
    """An Atom feed cut to its first entry, as JSON examples are cut to their first item."""
    return re.sub(r"(?<=</entry>\n)<entry.*</entry>\n", "", feed, flags=re.S)


def _enum_names() -> dict[tuple[str, ...], str]:
    """Every closed set of values the code names (a ``Literal`` alias or a ``str`` Enum, in the
    content models, the response models and the routes), by its values."""
    # The routes are loaded with the app: their modules are in sys.modules (not imported here).
    wanted = (
        "api.content.models",
        "api.content.signoffs",
        "api.bundle.feeds",
        views.__name__,
        "api.routes.",
    )
    modules = [module for name, module in sorted(sys.modules.items()) if name.startswith(wanted)]
    named: dict[tuple[str, ...], str] = {}
    for module in modules:
        for name, value in vars(module).items():
            if typing.get_origin(value) is typing.Literal:
                named[tuple(typing.get_args(value))] = name
            elif isinstance(value, type) and issubclass(value, enum.Enum):
                named[tuple(member.value for member in value)] = name
    # Sets the code builds from a table rather than writes as a Literal: the code systems.
    named[tuple(BY_URI)] = "CodeSystemUri"
    named[tuple(BY_OID)] = "CodeSystemOid"
    return named


def _name_enums(document: dict[str, Any]) -> None:
    """Each closed set of values becomes one named schema (``WarningKind``, ``Severity``...)
    that every use refers to, so generated clients get one named type, not ``Kind3``."""
    named = _enum_names()
    schemas = document["components"]["schemas"]
    for name in set(named.values()) & set(schemas):  # an Enum FastAPI named already
        if "enum" in schemas[name]:
            del schemas[name]
    used: dict[str, Any] = {}

    def refer(node: Any) -> Any:
        if isinstance(node, list):
            return [refer(item) for item in node]
        if not isinstance(node, dict):
            return node
        values = node.get("enum")
        name = named.get(tuple(values)) if isinstance(values, list) else None
        if name is None:
            return {key: refer(value) for key, value in node.items()}
        used[name] = values
        kept = {k: v for k, v in node.items() if k in ("description", "default", "examples")}
        return {"$ref": f"#/components/schemas/{name}", **kept}

    for section in ("schemas", "parameters"):
        document["components"][section] = refer(document["components"].get(section, {}))
    document["paths"] = refer(document["paths"])
    document["webhooks"] = refer(document.get("webhooks", {}))
    for name, values in used.items():
        assert name not in schemas, f"{name} names an enum and a model"
        document["components"]["schemas"][name] = {"type": "string", "enum": values}
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))


def _closed_tuples(schema: Any) -> Any:
    """A tuple (``prefixItems`` and ``maxItems``) gets an ``items`` schema too, which linters
    (Spectral's ``array-items``) and generators (openapi-python-client cannot read
    ``items: false``) need; ``maxItems`` keeps it a pair. Objects
    are open: ``additionalProperties: false`` (from models that forbid unknown fields when the
    bundle is read) is left out of the published schemas."""
    if isinstance(schema, list):
        return [_closed_tuples(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed_tuples(value) for key, value in schema.items()}
    for prop in closed.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)  # the name says it; generators would name types after it
    prefix = closed.get("prefixItems")
    if isinstance(prefix, list) and "items" not in closed and "maxItems" in closed:
        # The items past the prefix: none can exist (maxItems), so any schema is exact. The
        # prefix's own, when all agree, reads best in clients that cannot do `items: false`.
        closed["items"] = prefix[0] if all(item == prefix[0] for item in prefix) else {}
    if closed.get("additionalProperties") is False:
        # Responses are open: a field added later must not break a client (STABILITY.md).
        del closed["additionalProperties"]
    return closed


def _error_responses(app: FastAPI) -> dict[str, Any]:
    """Every error response component, with its example."""
    header = app.state.settings.api_key_header
    described = [(ERROR_RESPONSES[status], EXAMPLES[status]) for status in sorted(EXAMPLES)]
    responses = {}
    for error, example in (*described, (MALFORMED, MALFORMED_EXAMPLE)):
        if isinstance(example, str):  # a request: the app's own answer is the example
            example = json.loads(_call(app, example, JSON, None))  # noqa: PLW2901
        else:  # the API key header is the one the server is configured with
            example = example | {"detail": example["detail"].format(header=header)}  # noqa: PLW2901
        description = error.description.format(header=header)
        responses[error.name] = _problem_response(description, example)
    return responses


def render_openapi(app: FastAPI) -> str:
    """The document as committed under openapi/: stable formatting, newline at the end."""
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def render_examples(app: FastAPI) -> str:
    """openapi/examples.json: the whole JSON responses the document's examples are cut from."""
    return json.dumps(full_examples(app), indent=1, ensure_ascii=False) + "\n"


def trimmed(example: Any) -> Any:
    """``example`` with every list cut to its first entry, and the counts that go with them;
    lists of numbers stay whole (some are pairs, such as a point's ``[x, y]``)."""
    if isinstance(example, list):
        if not example or isinstance(example[0], int | float):
            return example
        return [trimmed(example[0])]
    if not isinstance(example, dict):
        return example
    cut = {key: trimmed(value) for key, value in example.items()}
    for count, listed in (("count", "items"), ("numberOfItems", "itemListElement")):
        if isinstance(cut.get(count), int) and isinstance(cut.get(listed), list):
            cut[count] = len(cut[listed])
    return cut


def _json_description(path: str, suffixes: list[str]) -> str:
    """What a JSON operation's 200 says about the other representations of its resource."""
    offered = [by_suffix(suffix) for suffix in suffixes]
    accepts = ", ".join(f"`{r.media_type}`" for r in offered if r is not None)
    urls = ", ".join(f"`{path}{suffix}`" for suffix in suffixes)
    pictured = " (pictures only where a diagram shows the resource)" if ".svg" in suffixes else ""
    if ".fhir" in suffixes:
        pictured += " (its screening also as a FHIR Questionnaire)"
    return (
        f"JSON. The same resource comes in other representations{pictured}: send `Accept:` "
        f"{accepts} to this path, or GET {urls}."
    )


def _response_model(json_schema: dict[str, Any]) -> object:
    """The response model a schema reference names (views are named after their models)."""
    return getattr(views, json_schema.get("$ref", "").rpartition("/")[2], None)


def _alternate(operation: dict[str, Any], suffix: str, path: str) -> dict[str, Any]:
    """The JSON ``operation`` on ``path``, as its representation on ``path + suffix``."""
    representation = by_suffix(suffix)
    assert representation is not None
    phrase = representation.phrase
    alternate = copy.deepcopy(operation)
    alternate["tags"] = [representation.tag]
    alternate["operationId"] = f"{operation['operationId']}As{representation.name}"
    alternate["summary"] = f"{operation['summary']}, {phrase}"
    alternate["description"] = (
        f"`GET {path}` {phrase}: the same resource, in the same locale, with the same "
        "parameters. The suffix chooses the representation; `Accept` is not consulted."
    )
    alternate["responses"]["200"] = {"$ref": f"#/components/responses/{representation.name}"}
    del alternate["responses"]["406"]  # the suffix decides: Accept is never unsatisfiable
    if representation.partial:  # a picture, a questionnaire
        alternate["responses"]["406"] = {"$ref": "#/components/responses/NotAcceptable"}
    if not representation.exported:  # made on request: needs Pango or cairo on the server
        alternate["responses"]["503"] = {"$ref": "#/components/responses/ServiceUnavailable"}
    alternate["responses"] = dict(sorted(alternate["responses"].items()))
    return alternate


LINKED_DATA_SUFFIX = jsonld.SUFFIX


def _alternates(
    app: ASGIApp, operation: dict[str, Any], path: str, suffixes: list[str], example_path: str
) -> dict[str, Any]:
    """The operations on ``path``'s suffix paths; JSON-LD's with its own example."""
    found = {}
    for suffix in suffixes:
        alternate = _alternate(operation, suffix, path)
        if suffix == LINKED_DATA_SUFFIX:  # its own example, like the JSON it mirrors
            alternate["responses"]["200"] = _linked_data_response(app, example_path)
        found[path + suffix] = {"get": alternate}
    return found


def _linked_data_response(app: ASGIApp, example_path: str) -> dict[str, Any]:
    """The 200 of a JSON-LD operation, with the JSON-LD of the JSON operation's own example."""
    stem, _, query = example_path.partition("?")
    request = f"{stem}{LINKED_DATA_SUFFIX}" + (f"?{query}" if query else "")
    body = trimmed(json.loads(_call(app, request, JSON)))
    media_type = "application/ld+json"
    return {
        "description": f"The resource as schema.org JSON-LD (`{media_type}`). The example is "
        f"`{request}`.",
        "headers": OK_HEADERS,
        "content": {
            media_type: {"schema": {"$ref": "#/components/schemas/JsonLd"}, "example": body}
        },
    }


def _alternate_response(app: ASGIApp, suffix: str) -> tuple[str, dict[str, Any]]:
    """The 200 of every operation on a ``suffix`` path, with one example (a step)."""
    representation = by_suffix(suffix)
    assert representation is not None
    phrase, name = representation.phrase, representation.name
    media_type = representation.media_type
    example = ALTERNATE_EXAMPLES.get(suffix, ALTERNATE_EXAMPLE)
    if not media_type.startswith(("text/", "application/ld", "application/fhir", "image/svg")):
        media: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
    elif media_type == fhir.MEDIA_TYPE:
        body = _call(app, example + suffix, JSON)
        example_body = trimmed(json.loads(body))  # the disclaimer and the first group, cut
        media = {"schema": {"$ref": "#/components/schemas/Questionnaire"}, "example": example_body}
    elif media_type.endswith("json"):
        body = _call(app, example + suffix, JSON)
        media = {"schema": {"$ref": "#/components/schemas/JsonLd"}, "example": json.loads(body)}
    else:
        text = _call(app, example + suffix, JSON).decode()
        if len(text) > TEXT_EXAMPLE_LIMIT:
            text = text[:TEXT_EXAMPLE_LIMIT] + "\n[... cut short for this example ...]\n"
        media = {"schema": {"type": "string"}, "example": text}
    description = f"The resource {phrase} (`{media_type}`). The example is `{example}{suffix}`."
    return name, {"description": description, "headers": OK_HEADERS, "content": {media_type: media}}


def _plain(parameter: dict[str, Any]) -> dict[str, Any]:
    """A parameter as generated clients read it best: an optional one is just not required (not
    "a string or null", which some clients send as `?variant=null`), and no schema title (which
    generators turn into type names)."""
    schema = dict(parameter.get("schema", {}))
    schema.pop("title", None)
    options = schema.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (kept,) = [option for option in options if option != {"type": "null"}]
        del schema["anyOf"]
        schema = {**kept, **schema}
    return {**parameter, "schema": schema}


def _share_parameters(paths: dict[str, Any]) -> dict[str, Any]:
    """Move every parameter that several operations take to components/parameters, named after
    it (and after the first operation's tag where two parameters share a name); the operations
    refer to it. The components, sorted by name."""
    operations = [item["get"] for item in paths.values()]
    for operation in operations:
        operation["parameters"] = [_plain(p) for p in operation.get("parameters", [])]
        if not operation["parameters"]:
            del operation["parameters"]
    found = [
        json.dumps(parameter, sort_keys=True)
        for operation in operations
        for parameter in operation.get("parameters", [])
    ]
    shared = {key for key in found if found.count(key) > 1}
    by_name: dict[str, set[str]] = {}
    for key in shared:
        by_name.setdefault(json.loads(key)["name"], set()).add(key)
    names: dict[str, str] = {}
    for operation in operations:
        for key in (json.dumps(p, sort_keys=True) for p in operation.get("parameters", [])):
            if key in shared and key not in names:
                name = json.loads(key)["name"]
                # The commonest form of a parameter keeps its plain name; another form (the
                # export's own page sizes) is named after the operations' tag.
                commonest = max(sorted(by_name[name]), key=found.count)
                # Named as parameters, so no generator takes them for the schemas they use.
                names[key] = (
                    f"{name}Parameter"
                    if key == commonest
                    else f"{operation['tags'][0]}.{name}Parameter"
                )
    for operation in operations:
        if "parameters" in operation:
            operation["parameters"] = [
                {"$ref": f"#/components/parameters/{names[key]}"} if key in names else parameter
                for parameter, key in (
                    (p, json.dumps(p, sort_keys=True)) for p in operation["parameters"]
                )
            ]
    return {name: json.loads(key) for key, name in sorted(names.items(), key=lambda kv: kv[1])}


def _declare_errors(operation: dict[str, Any], v1: bool) -> None:
    """Every error status the operation can answer, as a reference to its problem response."""
    responses = operation["responses"]
    statuses = {int(s) for s in responses if s.startswith(("4", "5"))} | set(GATEWAY_STATUSES)
    if v1:
        statuses |= set(ACCESS_STATUSES)
    for status in statuses:
        name = ERROR_RESPONSES[status].name if v1 or status != 400 else MALFORMED.name
        responses[str(status)] = {"$ref": f"#/components/responses/{name}"}


def _problem_response(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
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


def _call(app: ASGIApp, url: str, accept: str, status: int | None = 200) -> bytes:
    """GET ``url`` from ``app`` in-process and return the body (of a 200, unless ``status`` is
    None)."""
    path, _, query = url.partition("?")
    # As a server at the example origin answers: links absolute from it.
    ((start, body),) = get_all(app, [(path, query, accept)], EXAMPLE_ORIGIN.removeprefix("http://"))
    if status is not None and start["status"] != status:
        raise RuntimeError(f"example request GET {url} answered {start['status']}")
    body_bytes: bytes = body["body"]
    return body_bytes
