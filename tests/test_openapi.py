"""The committed OpenAPI document is the app's, documents every operation fully, and is shaped
for client generators: one JSON type per 200, closed sets as enums, always-present fields
required, small examples cut from real responses."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.content.kinds import COLLECTIONS
from api.openapi import render_examples, render_openapi, trimmed
from api.render import by_suffix
from tests.conftest import ORIGIN, ROOT, MakeClient
from tests.spec import json_operations, operations, parameters, resolve, responses

pytestmark = pytest.mark.unit

COMMITTED = ROOT / "openapi" / "openapi.json"
EXAMPLES = ROOT / "openapi" / "examples.json"
# How `make examples` generates the Python client (openapi-python-client --config).
PYTHON_CLIENT_CONFIG = ROOT / "openapi" / "openapi-python-client.yaml"
MEDIA_TYPES = {
    ".jsonld": "application/ld+json",
    ".html": "text/html",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
}
PICTURED = {"getDiagram", "getLandmark", "getTechnique", "getSelfTest", "getSelfTestStep"}


def named(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(f"GET {path}", path, operation) for path, operation in operations(spec)]


def test_committed_spec_matches_the_app(app: FastAPI) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(app), (
        "openapi/openapi.json is stale: run `make openapi` and commit the result"
    )


def test_committed_examples_match_the_app(app: FastAPI) -> None:
    assert EXAMPLES.read_text(encoding="utf-8") == render_examples(app), (
        "openapi/examples.json is stale: run `make openapi` and commit the result"
    )


def test_served_spec_is_the_committed_one(client: TestClient) -> None:
    """As committed, but naming the server it is served by, and with no security requirement
    where the server asks for no key (so /docs shows no lock)."""
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    served = client.get("/openapi.json").json()
    assert served["servers"] == [{"url": ORIGIN, "description": "This server."}]
    assert "securitySchemes" not in served["components"]
    assert not any("security" in item["get"] for item in served["paths"].values())
    for item in committed["paths"].values():
        item["get"].pop("security", None)
    del committed["components"]["securitySchemes"]
    assert served == {**committed, "servers": served["servers"]}
    other = client.get("/openapi.json", headers={"Host": "localhost:8000"}).json()
    assert other["servers"][0]["url"] == "http://localhost:8000"


def test_with_keys_on_the_served_document_asks_for_them(make_client: MakeClient) -> None:
    digest = hashlib.sha256(b"fascia_key").hexdigest()
    keyed = make_client(api_key_digests=(digest,))
    served = keyed.get("/openapi.json").json()
    assert served["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    assert served["paths"]["/v1/muscles"]["get"]["security"] == [{}, {"ApiKey": []}]


def test_every_operation_is_documented(app: FastAPI) -> None:
    spec = app.openapi()
    for name, _, operation in named(spec):
        assert operation.get("summary"), name
        assert operation.get("description"), name
        assert operation.get("operationId"), name
        contents = resolve(spec, operation["responses"]["200"])["content"]
        # One media type per 200, but for HL7 Infobutton, whose request names the format.
        assert len(contents) == 1 or name == "GET /infobutton", name
        content = next(iter(contents.values()))
        binary = content["schema"].get("format") == "binary"  # a PDF: described, not shown
        script_or_frame = "example" not in content and name.startswith(
            ("GET /v1/embed.js", "GET /v1/embed/{version}.js", "GET /embed/")
        )  # the web component's script, the pages for iframes: their operations describe them
        assert binary or script_or_frame or content["example"], name


def test_every_error_response_is_problem_json(app: FastAPI) -> None:
    spec = app.openapi()
    errors = [
        (name, int(status), response)
        for name, _, operation in named(spec)
        for status, response in responses(spec, operation).items()
        if status.startswith("4")
    ]
    assert len(errors) > 20
    for name, status, response in errors:
        assert list(response["content"]) == ["application/problem+json"], name
        media = response["content"]["application/problem+json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}, name
        assert media["example"]["status"] == status, name
        jsonschema.validate(media["example"], {**spec, **media["schema"]})


def test_each_200_describes_one_media_type_and_json_ops_name_the_others(app: FastAPI) -> None:
    """Generators type a 200's data as the union of its media types: one each, so no union."""
    spec = app.openapi()
    v1 = [
        (path, op)
        for path, op in json_operations(spec)
        if path.startswith("/v1") and "406" in op["responses"]
    ]
    assert len(v1) == 2 * len(COLLECTIONS) + 11  # list and get each; index, locales, search,
    # lookup, export, steps, steps with the safety once, one step, manifest, changes and the
    # safety case
    for path, operation in v1:
        ok = resolve(spec, operation["responses"]["200"])
        assert list(ok["content"]) == ["application/json"], path
        pictured = operation["operationId"] in PICTURED
        pictures = {".svg": "image/svg+xml", ".png": "image/png"}
        alternates = {**MEDIA_TYPES, **(pictures if pictured else {})}
        assert (path + ".svg" in spec["paths"]) == pictured, path
        assert (path + ".png" in spec["paths"]) == pictured, path
        questionnaire = operation["operationId"] == "getSelfTest"  # its screening, as FHIR
        assert (path + ".fhir" in spec["paths"]) == questionnaire, path
        if questionnaire:
            alternates[".fhir"] = "application/fhir+json"
        for suffix, media_type in alternates.items():
            assert f"`{media_type}`" in ok["description"], path
            alternate = spec["paths"][path + suffix]["get"]
            representation = by_suffix(suffix)
            assert representation is not None
            assert alternate["operationId"] == f"{operation['operationId']}As{representation.name}"
            (offered,) = resolve(spec, alternate["responses"]["200"])["content"]
            assert offered == media_type, path
            assert alternate["parameters"] == operation["parameters"], path
    others = [path for path, _ in json_operations(spec) if (path, _) not in v1]
    assert len(spec["paths"]) == len(v1) * 5 + 2 * len(PICTURED) + 1 + len(others)


# A PDF of each shape of page: the index, a list, an item, a self-test and one of its steps.
PDF_SAMPLE = {
    "/v1",
    "/v1/warnings",
    "/v1/muscles/{muscle_id}",
    "/v1/self-tests/{self_test_id}",
    "/v1/self-tests/{self_test_id}/steps/{number}",
}


@pytest.mark.contract
@pytest.mark.parametrize("suffix", MEDIA_TYPES)
def test_the_suffix_operations_answer_what_they_document(
    app: FastAPI, client: TestClient, suffix: str
) -> None:
    """Every operation's suffix path, with its documented parameters, answers 200 in its media
    type. PDFs on a sample (``PDF_SAMPLE``): a PDF is its operation's HTML page, which the
    ``.html`` case asks of every operation, typeset by the one typesetter, and test_contract
    asks every PDF operation for its documented examples and checks status and media type;
    typesetting all 31 here took 20 s, and over a minute on a busy machine."""
    spec = app.openapi()
    for path, operation in json_operations(spec):
        if not path.startswith("/v1") or "406" not in operation["responses"]:
            continue  # not content: the web component's script and where it is
        if suffix == ".pdf" and path not in PDF_SAMPLE:
            continue
        url = path.replace("{self_test_id}", "muscular-minesweeper").replace("{number}", "5")
        for parameter in parameters(spec, operation):
            if parameter["in"] == "path":
                example = parameter["schema"]["examples"][0]
                url = url.replace("{" + parameter["name"] + "}", str(example))
        required = [
            f"{p['name']}={p['schema']['examples'][0]}"
            for p in parameters(spec, operation)
            if p["in"] == "query" and p.get("required")
        ]
        query = f"?{'&'.join(required)}" if required else ""
        response = client.get(url + suffix + query)
        assert response.status_code == 200, url
        assert response.headers["content-type"].split(";")[0] == MEDIA_TYPES[suffix], url


def test_examples_are_cut_from_real_responses(app: FastAPI, client: TestClient) -> None:
    spec = app.openapi()
    full = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    json_ops = [
        (path, op)
        for path, op in json_operations(spec)
        if "application/json" in resolve(spec, op["responses"]["200"]).get("content", {})
    ]
    assert set(full) == {operation["operationId"] for _, operation in json_ops}
    for path, operation in json_ops:
        whole = full[operation["operationId"]]
        # As asked at the default address, which the examples name (oEmbed's `url`).
        headers = {"Host": "127.0.0.1:8000", "Accept": "application/json"}  # Infobutton: Atom
        asked = client.get(whole["request"], headers=headers)
        assert asked.json() == whole["application/json"], path
        example = operation["responses"]["200"]["content"]["application/json"]["example"]
        assert example == trimmed(whole["application/json"]), path
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(example, {**spec, **schema})


def test_examples_are_small(app: FastAPI) -> None:
    document = json.dumps(app.openapi())
    # It was about 1 MB with whole examples; it now describes 163 operations (every
    # representation on its own path, diagrams, sync and embedding), and its step examples
    # carry every red flag and contraindication a step does; each JSON-LD operation has an
    # example of its own resource (trimmed like the JSON ones). The second clinical review took
    # the screening from 21 questions to 34, with escalations, and gave the guide its screening:
    # about 511 KB.
    assert len(document) < 600_000
    examples = [
        json.dumps(media["example"])
        for _, operation in json_operations(app.openapi())
        for media in operation["responses"]["200"]["content"].values()
        if "example" in media  # not the script and iframe pages, described in words
    ]
    assert max(len(example) for example in examples) < 32_000  # the export: one of each kind


def test_trimming_keeps_one_of_each_list_and_the_counts() -> None:
    page = {"items": [{"ids": [1, 2]}, {"ids": [3]}], "count": 2, "links": {"self": "/x"}}
    # Lists keep their first entry; lists of numbers (a point: [x, y]) stay whole.
    assert trimmed(page) == {"items": [{"ids": [1, 2]}], "count": 1, "links": {"self": "/x"}}
    listed = [{"position": 1}, {"position": 2}]
    assert trimmed({"numberOfItems": 2, "itemListElement": listed}) == {
        "numberOfItems": 1,
        "itemListElement": [{"position": 1}],
    }


def test_servers_point_at_the_serving_origin(app: FastAPI) -> None:
    assert [server["url"] for server in app.openapi()["servers"]] == ["/"]


def test_closed_value_sets_are_enums(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    kinds = ["safety", "red-flag", "contraindication", "disclaimer"]
    # Each set is one named schema that every use refers to: one type in a generated client.
    warning_kind = {"$ref": "#/components/schemas/WarningKind"}
    assert schemas["WarningBrief"]["properties"]["kind"] == warning_kind
    assert schemas["WarningView"]["properties"]["kind"]["$ref"] == warning_kind["$ref"]
    assert schemas["WarningKind"]["enum"] == kinds
    assert schemas["SearchHit"]["properties"]["kind"]["$ref"] == "#/components/schemas/SearchKind"
    assert schemas["SearchKind"]["enum"] == list(COLLECTIONS)
    for name in ("Severity", "Urgency", "ChangeType", "LandmarkKind", "SourceKind", "Pressure"):
        assert schemas[name]["type"] == "string", name
    inline = [s for s in schemas.values() if "enum" not in s and '"enum"' in json.dumps(s)]
    assert inline == []
    assert schemas["Health"]["properties"]["status"]["const"] == "ok"


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        ("StepView", {"note", "pressure", "landmark_ids", "technique_ids"}),
        ("TechniqueView", {"diagram_colour"}),
        ("WarningView", {"kind", "question", "urgency", "care"}),
        ("LandmarkView", {"diagram_colour", "avoid_pressure", "codes"}),
        ("Problem", {"type", "title", "status", "detail", "instance"}),
    ],
)
def test_always_present_fields_are_required(app: FastAPI, schema: str, fields: set[str]) -> None:
    assert fields <= set(app.openapi()["components"]["schemas"][schema]["required"])


def test_every_field_but_next_and_problem_extensions_is_required(app: FastAPI) -> None:
    """Responses write every field (null where there is no value), except a last page's
    ``links.next`` and the extension members of a problem, which are left out."""
    schemas = app.openapi()["components"]["schemas"]
    optional = {
        (name, field)
        for name, schema in schemas.items()
        for field in schema.get("properties", {})
        if field not in schema.get("required", [])
    }
    problem_extensions = {("Problem", field) for field in schemas["Problem"]["properties"]} - {
        ("Problem", f) for f in ("type", "title", "status", "detail", "instance")
    }
    json_ld = {("JsonLd", field) for field in schemas["JsonLd"]["properties"]}
    # oEmbed's `rich` members are absent from a `link` answer, as its specification asks.
    oembed = {("OEmbed", field) for field in ("html", "width", "height")}
    # A webhook's change has its absolute url only when the server has FASCIA_PUBLIC_URL.
    absent = {("Links", "next"), ("Links", "diagram"), ("DeliveredChange", "url")} | oembed
    assert optional == absent | problem_extensions | (json_ld - {
        ("JsonLd", "@context"), ("JsonLd", "@type"), ("JsonLd", "@id")})  # fmt: skip
    assert schemas["Links"]["properties"]["next"]["type"] == "string"  # absent, never null


LINTERS = ROOT / "node_modules" / ".bin"


def lint(folder: Path) -> dict[str, list[Any]]:
    """What Spectral (spectral:oas) and Redocly (recommended) find in ``folder``/openapi.json,
    with the project's configuration: every problem, whatever its severity."""
    spectral = subprocess.run(
        [
            LINTERS / "spectral",
            "lint",
            "openapi.json",
            "--ruleset",
            ".spectral.yaml",
            "-f",
            "json",
            "--fail-severity",
            "hint",
            "--quiet",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    redocly = subprocess.run(
        [
            LINTERS / "redocly",
            "lint",
            "openapi.json",
            "--config",
            "redocly.yaml",
            "--format",
            "json",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    found = json.loads(redocly.stdout)
    assert found["totals"]["ignored"] == 0
    return {"spectral": json.loads(spectral.stdout or "[]"), "redocly": found["problems"]}


@pytest.mark.contract
def test_the_ecosystems_linters_find_nothing(tmp_path: Path) -> None:
    assert lint(ROOT / "openapi") == {"spectral": [], "redocly": []}
    # They can fail: the same document without a licence and with a tuple lacking `items`.
    broken = json.loads(COMMITTED.read_text(encoding="utf-8"))
    del broken["info"]["license"]
    del broken["components"]["schemas"]["DiagramShape"]["properties"]["label_at"]["items"]
    (tmp_path / "openapi.json").write_text(json.dumps(broken), encoding="utf-8")
    for config in (".spectral.yaml", "redocly.yaml"):
        shutil.copy(ROOT / "openapi" / config, tmp_path / config)
    found = lint(tmp_path)
    assert {problem["ruleId"] for problem in found["redocly"]} >= {"info-license"}
    assert {problem["code"] for problem in found["spectral"]} >= {"array-items"}


def test_optional_parameters_are_plain_for_generated_clients() -> None:
    """An optional parameter is not required, never "a string or null" (a client would send
    `?variant=null`), and has no title (generators name types after titles)."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    found = [
        parameter
        if "$ref" not in parameter
        else document["components"]["parameters"][parameter["$ref"].rpartition("/")[2]]
        for item in document["paths"].values()
        for parameter in item["get"].get("parameters", [])
    ]
    assert len(found) > 100
    for parameter in found:
        assert "anyOf" not in parameter["schema"], parameter["name"]
        assert "title" not in parameter["schema"], parameter["name"]
        assert "null" not in json.dumps(parameter["schema"]), parameter["name"]


NUMBERED = re.compile(r"^[A-Za-z_]+[0-9]+$")  # Kind3, Change1, Severity2: a clash resolved blindly


@pytest.mark.contract
def test_generated_clients_have_no_numbered_or_shadowing_names(tmp_path: Path) -> None:
    """Types generated by @hey-api/openapi-ts and by datamodel-code-generator are each named
    once, after the schema or parameter they come from."""
    subprocess.run(
        [LINTERS / "openapi-ts", "-i", str(COMMITTED), "-o", str(tmp_path / "hey"),
         "--no-log-file"],
        check=True, capture_output=True, timeout=180, cwd=tmp_path,
    )  # fmt: skip
    types = (tmp_path / "hey" / "types.gen.ts").read_text(encoding="utf-8")
    hey = re.findall(r"^export type ([A-Za-z0-9_]+)", types, re.MULTILINE)
    models = tmp_path / "models.py"
    subprocess.run(
        [
            Path(sys.executable).parent / "datamodel-codegen", "--input", str(COMMITTED),
            "--input-file-type", "openapi", "--output", str(models),
            "--output-model-type", "pydantic_v2.BaseModel", "--use-annotated",
            "--formatters", "ruff-format",
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    classes = re.findall(r"^class ([A-Za-z0-9_]+)", models.read_text(encoding="utf-8"), re.M)
    assert len(hey) > 100
    assert len(classes) > 100
    assert [name for name in hey + classes if NUMBERED.match(name)] == []
    assert len(set(hey)) == len(hey)
    assert len(set(classes)) == len(classes)
    for name in ("WarningKind", "Severity", "ChangeType", "Urgency", "SearchKind"):
        assert name in hey
        assert name in classes


@pytest.mark.contract  # seconds: one generation, one mypy run
def test_the_generated_python_client_passes_mypy_strict(tmp_path: Path) -> None:
    """The Python client `make examples` generates (openapi-python-client, with the committed
    configuration) passes `mypy --strict`, so a typed app can use it as it is. Without the
    configuration the model `Change` lost its field `change` to a local of the same name."""
    tools = Path(sys.executable).parent
    # `make examples` runs the generator under `uv run`: its ruff hooks find ruff on the PATH.
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [tools / "openapi-python-client", "generate", "--path", str(COMMITTED),
         "--meta", "none", "--config", str(PYTHON_CLIENT_CONFIG),
         "--output-path", str(tmp_path / "fascia_client")],
        check=True, capture_output=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    checked = subprocess.run(
        [tools / "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy_cache"),
         "fascia_client"],
        capture_output=True, text=True, check=False, timeout=180, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout
    models = (tmp_path / "fascia_client" / "models" / "__init__.py").read_text(encoding="utf-8")
    assert '"Change",' in models  # the class keeps its name; only its module is renamed


def test_each_json_ld_operation_shows_its_own_resource() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    full = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    checked = 0
    for path, item in document["paths"].items():
        if not path.endswith(".jsonld"):
            continue
        json_operation = document["paths"][path.removesuffix(".jsonld")]["get"]
        request = full[json_operation["operationId"]]["request"]
        response = item["get"]["responses"]["200"]
        example = response["content"]["application/ld+json"]["example"]
        assert example["@id"].partition("?")[0] == ORIGIN + request.partition("?")[0], path
        checked += 1
    assert checked >= 25
