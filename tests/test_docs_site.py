"""The docs site (``docs/``, ``mkdocs.yml``) and the README, kept true.

The site builds with MkDocs in strict mode, where a broken link or anchor, or a page left out of
the navigation, is an error (and a broken link is caught, so the check can fail). Every table
that restates the code is read back and compared with it: the settings and their defaults, the
errors and their titles, the representations and their suffixes, the collections and their
filters, the clinical code systems, the limits and the make targets. Every ``curl`` example runs
against the app, and every repository path the pages name exists.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api import Settings
from api.__main__ import main
from api.bundle.urls import href
from api.content.kinds import KINDS
from api.content.terminology import CLINICAL
from api.edge.quota import NEAR, SYNC_SECONDS
from api.http.errors import (
    ERROR_RESPONSES,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_QUERY_PARAMETERS,
    MAX_URL,
    Problem,
    problem_body,
)
from api.http.urls import TRACKING, TRACKING_PREFIXES
from api.ops.protocol import HEAD_LIMIT
from api.ops.serve import DRAIN_SECONDS, KEEP_ALIVE_SECONDS
from api.render import REPRESENTATIONS
from api.routes.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
# Files the site includes whole (pymdownx.snippets), read as part of it.
INCLUDED = [ROOT / "content" / "README.md", ROOT / "openapi" / "STABILITY.md"]
SPEC = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict"]
QUIET = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's banner about MkDocs 2.0


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def flat(text: str) -> str:
    """``text`` with every run of white space as one space, so a phrase may wrap."""
    return " ".join(text.split())


def table(page: Path, marker: str) -> list[dict[str, str]]:
    """The Markdown table right after ``<!-- marker -->`` on ``page``, as rows keyed by header."""
    after = read(page).split(f"<!-- {marker} -->\n", 1)
    assert len(after) == 2, f"{page.name} has no table marked {marker}"
    lines = []
    for line in after[1].splitlines():
        if not line.startswith("|"):
            break
        lines.append(line)
    header, _, *rows = ([cell.strip() for cell in _cells(line)] for line in lines)
    assert rows, f"the {marker} table of {page.name} is empty"
    return [dict(zip(header, row, strict=True)) for row in rows]


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def code(cell: str) -> list[str]:
    """The `code` spans of a cell."""
    return re.findall(r"`([^`]+)`", cell)


# Settings -------------------------------------------------------------------------------------

SETTINGS_PAGE = DOCS / "operators" / "settings.md"
# Defaults the table states in words, because the code computes them: checked just below.
DEFAULTS_IN_WORDS = {
    "render_processes": "one fewer than the CPUs, at least `1`",
    "allowed_hosts": "the bind address, `127.0.0.1`, `localhost` and `[::1]`, on the bind port",
}


def settings_rows() -> dict[str, str]:
    return {row["variable"]: row["default"] for row in table(SETTINGS_PAGE, "settings")}


def documented_default(name: str) -> str:
    """How the settings table writes the default of ``name``."""
    if name in DEFAULTS_IN_WORDS:
        return DEFAULTS_IN_WORDS[name]
    value = Settings.model_fields[name].default
    if value is None:
        return "unset"
    if isinstance(value, tuple):
        return f"`{','.join(value)}`" if value else "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_the_settings_table_lists_every_setting_and_nothing_else() -> None:
    variables = {f"FASCIA_{name.upper()}" for name in Settings.model_fields}
    assert {code(variable)[0] for variable in settings_rows()} == variables


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_the_settings_table_gives_each_default(name: str) -> None:
    rows = settings_rows()
    assert rows[f"`FASCIA_{name.upper()}`"] == documented_default(name)


def test_the_defaults_in_words_are_what_the_code_computes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert Settings().render_processes == 3  # one fewer than the CPUs
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert Settings().render_processes == 1  # at least 1
    assert Settings(host="10.0.0.5", port=9000).hosts == (
        "10.0.0.5:9000",
        "127.0.0.1:9000",
        "localhost:9000",
        "[::1]:9000",
    )


# Errors ---------------------------------------------------------------------------------------

ERRORS_PAGE = DOCS / "integrators" / "errors.md"


def error_rows() -> list[dict[str, str]]:
    return table(ERRORS_PAGE, "errors")


def title_of(status: int) -> str:
    """The title the app gives a problem of ``status``."""
    title: str = json.loads(problem_body(status, "", "/"))["title"]
    return title


def test_the_errors_table_gives_each_status_its_title() -> None:
    for row in error_rows():
        assert row["title"] == title_of(int(row["status"])), row


def test_the_errors_table_covers_every_error_an_operation_can_answer() -> None:
    documented = {int(row["status"]) for row in error_rows()}
    assert documented >= {*ERROR_RESPONSES, 405}


def test_each_field_the_errors_table_names_is_a_field_of_the_problem() -> None:
    headers = {"Allow", "WWW-Authenticate", "Retry-After", "Link"}
    for row in error_rows():
        for name in code(row["says"]):
            word = re.match(r"[A-Za-z_-]+", name)
            if word and not name.startswith(("{", "GET")):
                assert word.group() in Problem.model_fields or word.group() in headers, name


@pytest.mark.parametrize(
    "row", [r for r in error_rows() if r["example"]], ids=lambda r: r["example"][:60]
)
def test_each_error_example_answers_as_the_table_says(
    client: TestClient, row: dict[str, str]
) -> None:
    method, target = code(row["example"])[0].split(" ", 1)
    response = client.request(method, target)
    status = int(row["status"])
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == row["title"]
    said = code(row["says"])
    for index, name in enumerate(said):
        if name in Problem.model_fields:
            assert name in body, (name, body)
        elif name.startswith("{"):
            assert body[said[index - 1]] == json.loads(name)
        elif name in response.headers:
            assert response.headers[name] == said[index + 1], name
    # The other mistakes the row names, on the same path: the same status.
    stem = target.split("?", 1)[0]
    for query in (q for q in code(row["mistake"]) if q.startswith("?")):
        assert client.request(method, stem + query).status_code == status, query


def test_the_tracking_parameters_listed_are_the_ones_ignored() -> None:
    text = flat(read(ERRORS_PAGE)).split("ignore the tracking parameters", 1)[1]
    listed = code(text.split(")", 1)[0])
    assert set(listed) == TRACKING | {f"{prefix}*" for prefix in TRACKING_PREFIXES}


# Representations, collections, paging --------------------------------------------------------

TOUR = DOCS / "integrators" / "tour.md"
# The words the README and the home page use for each representation.
NAMES = {
    "application/json": "JSON",
    "application/ld+json": "JSON-LD",
    "text/html": "HTML",
    "text/markdown": "Markdown",
    "application/pdf": "PDF",
    "image/svg+xml": "SVG",
    "image/png": "PNG",
    "application/fhir+json": "FHIR Questionnaire",
}


def test_the_representations_table_is_the_apps_list() -> None:
    rows = table(TOUR, "representations")
    documented = [(code(row["media type"])[0], code(row["suffix"])[0]) for row in rows]
    assert documented == [(r.media_type, r.suffix) for r in REPRESENTATIONS]


@pytest.mark.parametrize("representation", REPRESENTATIONS[1:], ids=lambda r: r.suffix)
def test_each_suffix_is_an_operation_of_the_openapi_document(representation: Any) -> None:
    assert any(path.endswith(representation.suffix) for path in SPEC["paths"])


def test_the_default_suffix_chooses_json(client: TestClient) -> None:
    (default, *_) = REPRESENTATIONS
    response = client.get(f"/v1/muscles/gluteus-maximus{default.suffix}")
    assert response.headers["content-type"] == default.content_type
    assert response.content == client.get("/v1/muscles/gluteus-maximus").content


@pytest.mark.parametrize("page", [README, DOCS / "index.md"], ids=lambda p: p.name)
def test_the_front_pages_name_every_representation(page: Path) -> None:
    opening = flat(read(page)).split("Every resource is available as ", 1)[1].split(". ", 1)[0]
    for representation in REPRESENTATIONS:
        assert NAMES[representation.media_type] in opening, representation.media_type


def test_the_readme_offers_only_suffixes_the_app_serves() -> None:
    bullet = flat(read(README)).split("**One URL, many representations.**", 1)[1].split(" - ")[0]
    offered = set(re.findall(r"`(\.[a-z]+)`", bullet))
    assert offered
    assert offered <= {r.suffix for r in REPRESENTATIONS}


def parameters(path: str) -> dict[str, bool]:
    """The query parameters of ``GET path`` in the OpenAPI document: name -> required."""
    found = {}
    components = SPEC["components"]["parameters"]
    for listed in SPEC["paths"][path]["get"].get("parameters", []):
        parameter = components[listed["$ref"].rsplit("/", 1)[1]] if "$ref" in listed else listed
        if parameter["in"] == "query":
            found[parameter["name"]] = parameter.get("required", False)
    return found


COMMON = {"lang", "region", "paper", "print", "page_size", "cursor"}  # every collection takes these


def test_the_collections_table_gives_each_collection_its_filters() -> None:
    rows = table(TOUR, "collections")
    for row in rows:
        (path,) = code(row["collection"])
        filters = {
            name: bool(required)
            for name, required in re.findall(r"`([^`]+)`( \(required\))?", row["filters"])
        }
        taken = {n: required for n, required in parameters(path).items() if n not in COMMON}
        assert filters == taken, path
    documented = {code(row["collection"])[0] for row in rows}
    assert documented >= {href(kind.collection) for kind in KINDS}


def test_paging_is_documented_as_the_code_does_it() -> None:
    phrase = f"`page_size` (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE:,})"
    assert phrase in flat(read(TOUR))
    page_size = SPEC["components"]["parameters"]["page_sizeParameter"]["schema"]
    assert (page_size["maximum"], page_size["default"]) == (MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)


def test_the_warning_kinds_named_are_the_documents_enum() -> None:
    text = flat(read(DOCS / "integrators" / "index.md"))
    (kinds,) = re.findall(r"a warning's `kind` is `([^`]+)`", text)
    assert kinds.split(" | ") == [
        f'"{k}"' for k in SPEC["components"]["schemas"]["WarningKind"]["enum"]
    ]


# Clinical systems ----------------------------------------------------------------------------

CLINICAL_PAGE = DOCS / "clinical-systems-and-assistants.md"


def test_the_code_systems_table_is_the_terminology(client: TestClient) -> None:
    rows = table(CLINICAL_PAGE, "code-systems")
    assert [row["system"] for row in rows] == [system.title for system in CLINICAL]
    for row, system in zip(rows, CLINICAL, strict=True):
        assert code(row["URI"]) == [system.uri]
        assert row["HL7 OID"] == (f"`{system.oid}`" if system.oid else "none")
        for value in code(row["codes the guide carries"]):
            answer = client.get("/v1/lookup", params={"system": system.uri, "code": value})
            assert answer.status_code == 200, (system.uri, value)


# Limits ----------------------------------------------------------------------------------------


def test_the_limits_are_the_ones_enforced() -> None:
    limits = flat(read(DOCS / "operators" / "access-and-limits.md"))
    for phrase in (
        f"URLs over {MAX_URL:,} bytes are 414",
        f"more than {MAX_QUERY_PARAMETERS} query parameters",
        f"more than {MAX_HEADERS} headers or {MAX_HEADER_BYTES // 1024} KB of them 431",
        f"more than {HEAD_LIMIT // 2**20} MB before a request's headers are complete",
        f"keep-alive connection is closed after {KEEP_ALIVE_SECONDS} s",
        f"in one pipeline every {SYNC_SECONDS} s",
        f"(or its last {NEAR} requests)",
    ):
        assert phrase in limits, phrase
    errors = flat(read(ERRORS_PAGE))
    assert f"a URL over {MAX_URL:,} bytes" in errors
    assert f"more than {MAX_QUERY_PARAMETERS} query parameters" in errors
    assert f"more than {MAX_HEADERS} headers, or {MAX_HEADER_BYTES // 1024} KB" in errors
    deployment = flat(read(DOCS / "operators" / "deployment.md"))
    assert f"after at most {DRAIN_SECONDS:g} s it closes what is left" in deployment


# Make targets ---------------------------------------------------------------------------------


def test_the_make_targets_table_is_the_makefiles_list() -> None:
    makefile = read(ROOT / "Makefile")
    targets = set(re.findall(r"^([a-z-]+):.*## ", makefile, re.MULTILINE))
    rows = table(DOCS / "contributors.md", "make-targets")
    assert {code(row["command"])[0].removeprefix("make ") for row in rows} == targets


# Examples ---------------------------------------------------------------------------------------

# Examples that show an error on purpose.
ERROR_EXAMPLES = {
    "/v1/muscles/gluteus-maximum": 404,
    "/v1/self-tests/muscular-minesweeper/steps/12": 404,
}


def curl_examples() -> list[tuple[str, str]]:
    """Every ``curl`` line of a shell block, in the README and the site: (page, command)."""
    found = []
    for page in [README, *PAGES]:
        for block in re.findall(r"```sh\n(.*?)```", read(page), re.S):
            for line in block.splitlines():
                command = line.removeprefix("$ ")
                if command.startswith("curl ") and "$" not in command and "<" not in command:
                    found.append((page.relative_to(ROOT).as_posix(), command))
    return found


def request_of(command: str) -> tuple[str, str, dict[str, str]]:
    """The method, the path and query, and the headers a ``curl`` command sends."""
    saved = command.partition(" > ")[0]  # what curl is asked for, not where it is saved
    words = shlex.split(saved, comments=True)[1:]
    method, headers, target = "GET", {}, ""
    while words:
        word = words.pop(0)
        if word == "-H":
            name, value = words.pop(0).split(":", 1)
            headers[name] = value.strip()
        elif word in ("-o", "-w", "-D"):
            words.pop(0)
        elif word.startswith("-"):
            method = "HEAD" if "I" in word else method
        else:
            target = word
    parts = urlsplit(target if target.startswith("http://") else f"http://{target}")
    assert parts.netloc in ("localhost:8000", "127.0.0.1:8000"), command
    return method, parts.path + (f"?{parts.query}" if parts.query else ""), headers


def test_there_are_examples_in_each_place() -> None:
    pages = {page for page, _ in curl_examples()}
    assert {"README.md", "docs/integrators/tour.md", "docs/embedding.md"} <= pages


@pytest.mark.parametrize(("page", "command"), curl_examples(), ids=lambda v: v[-70:])
def test_each_curl_example_works(client: TestClient, page: str, command: str) -> None:
    method, target, headers = request_of(command)
    response = client.request(method, target, headers=headers)
    assert response.status_code == ERROR_EXAMPLES.get(target.split("?")[0], 200), response.text


def test_an_error_transcript_is_what_the_app_answers(client: TestClient) -> None:
    text = read(ERRORS_PAGE)
    (command, output) = re.findall(r"```sh\n\$ (curl [^\n]+)\n([^\n]+)\n```", text)[0]
    _, target, _ = request_of(command)
    assert client.get(target).content.decode() == output


def test_what_the_examples_comments_promise(client: TestClient) -> None:
    chest = client.get("/v1/warnings/red-flag-chest-pain?region=GB").json()
    assert chest["care"]["advice"] == "Call 999 or go to A&E now."
    mexico = client.get("/v1/self-tests/muscular-minesweeper", headers={"Accept-Language": "es-MX"})
    assert mexico.headers["content-language"] == "es-MX"
    assert "911" in mexico.text
    page = client.get("/v1/warnings?severity=stop&page_size=3").json()
    assert page["links"]["next"].endswith("&cursor=2")
    oembed = client.get(
        "/oembed?url=http://127.0.0.1:8000/v1/self-tests/muscular-minesweeper&maxwidth=480"
    ).json()
    shown = read(DOCS / "embedding.md").split("# {", 1)[1].split("```", 1)[0]
    for field in ("version", "type", "title", "provider_name", "provider_url", "cache_age"):
        assert f'"{field}":{json.dumps(oembed[field], ensure_ascii=False)}' in shown, field
    assert (oembed["width"], oembed["height"]) == (480, 640)


def quick_start_output(client: TestClient) -> list[str]:
    """What every quick start prints, worked out from the app (as tests/test_clients.py does
    against a live server), with the identity bytes' ETag."""
    identity = {"Accept-Encoding": "identity"}
    lines = []
    for lang in ("en", "es"):
        url = f"/v1/self-tests/muscular-minesweeper?variant=partner&lang={lang}"
        self_test = client.get(url).json()
        lines.append(f"# {self_test['name']} ({lang})")
        lines += [f"Ask first: {question['question']}" for question in self_test["screening"]]
        (disclaimer,) = [w for w in self_test["warnings"] if w["kind"] == "disclaimer"]
        lines.append(f"Disclaimer: {disclaimer['title']}")
        for step in self_test["variants"][0]["steps"]:
            lines.append(f"{step['number']}. {step['title']}")
            lines += [f"   STOP: {w['title']}" for w in step["warnings"] if w["severity"] == "stop"]
    muscle = client.get("/v1/muscles/gluteus-maximus", headers=identity)
    lines.append(f"304: {muscle.json()['name']} is unchanged since {muscle.headers['etag']}")
    problem = client.get("/v1/self-tests/muscular-minesweeper?variant=tennis-ball").json()
    lines.append(f"{problem['status']} {problem['title']}: {problem['detail']}")
    lines.append(f"Variants: {', '.join(problem['allowed_values'])}")
    return lines


def test_the_quick_start_output_shown_is_what_they_print(client: TestClient) -> None:
    """Each run of lines between the `...` of the page is printed, whole and in order."""
    text = read(DOCS / "integrators" / "clients.md")
    (shown,) = re.findall(r"<!-- quick-start-output -->\n```text\n(.*?)```", text, re.S)
    etag = re.compile(r'since "[^"]+"')  # the ETag changes with the muscle's content
    printed = "\n".join(etag.sub("since ETAG", line) for line in quick_start_output(client))
    position = 0
    for run in etag.sub("since ETAG", shown).split("...\n"):
        found = printed.find(run.rstrip("\n"), position)
        assert found >= 0, run
        position = found + len(run.rstrip("\n"))


def test_the_compression_sizes_are_measured(client: TestClient) -> None:
    text = flat(read(DOCS / "integrators" / "caching.md"))
    (sizes,) = re.findall(
        r"The whole self-test is about (\d+) KB as JSON, (\d+) KB gzipped and (\d+) KB in br or",
        text,
    )
    url = "/v1/self-tests/muscular-minesweeper"
    measured = {coding: len(_wire(client, url, coding)) for coding in ("identity", "gzip", "br")}
    measured["zstd"] = len(_wire(client, url, "zstd"))
    said = dict(zip(("identity", "gzip", "br"), (int(size) * 1024 for size in sizes), strict=True))
    said["zstd"] = said["br"]
    for coding, size in measured.items():
        assert abs(size - said[coding]) <= 0.15 * said[coding], (coding, size, said[coding])


def _wire(client: TestClient, url: str, coding: str) -> bytes:
    """The bytes on the wire for ``coding``, as the server compressed them."""
    with client.stream("GET", url, headers={"Accept-Encoding": coding}) as response:
        assert response.headers.get("content-encoding", "identity") == coding
        return b"".join(response.iter_raw())


def test_the_content_check_example_is_what_check_prints(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = flat(read(DOCS / "content-editors" / "index.md"))
    (example,) = re.findall(r"for example `([^`]+)`", page)
    action = content_copy / "en" / "actions" / "hip-abduction.yaml"
    text = read(action)
    action.write_text(text.replace("gluteus-medius", "gluteus-medial", 1), encoding="utf-8")
    assert main(["check", str(content_copy)]) == 1
    printed = capsys.readouterr()
    assert example in (printed.out + printed.err).splitlines()[-1]


# Paths and links -------------------------------------------------------------------------------

# Made by `make examples`, so absent from a fresh checkout.
GENERATED = {
    "examples/python/fascia_client",
    "examples/typescript/fascia-api.d.ts",
    "examples/typescript/dist/quickstart.mjs",
}
TOP = ("api/", "tests/", "content/", "examples/", "openapi/", "bench/", "docs/")


@pytest.mark.parametrize(
    "page", [README, *PAGES, *INCLUDED], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_repository_path_named_exists(page: Path) -> None:
    named = {
        word.split(" ")[0].split(":")[0]
        for word in code(read(page))
        if word.startswith(TOP) and not re.search(r"[<>{}*]|\.\.\.", word)
    }
    missing = sorted(path for path in named - GENERATED if not (ROOT / path).exists())
    assert missing == []


def test_every_file_the_layout_table_names_exists() -> None:
    for row in table(DOCS / "contributors.md", "layout"):
        (folder, *_) = code(row["path"])
        if not folder.endswith("/"):
            continue
        named = [w for w in code(row["what"]) if re.fullmatch(r"[a-z_]+\.(py|js)|[a-z]+/", w)]
        if folder == "api/render/":  # the representations, by module name
            named += [f"{w}.py" for w in code(row["what"]) if re.fullmatch(r"[a-z]+", w)]
        assert named, folder
        assert [name for name in named if not (ROOT / folder / name).exists()] == [], folder


def test_the_readme_is_a_front_door() -> None:
    text = read(README)
    assert len(text.splitlines()) <= 200
    assert "make run" in text
    assert "make test" in text
    assert "`make docs`" in text
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    assert local
    assert [link for link in local if not (ROOT / link).exists()] == []
    for page in PAGES:  # every page of the site, or its section, is one click away
        relative = page.relative_to(ROOT).as_posix()
        assert relative in local or page.parent.name == "content-editors", relative


# The build ------------------------------------------------------------------------------------


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "--config-file", str(config), "--site-dir", str(site)],
        cwd=ROOT,  # where the included files are found
        env=QUIET,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_site_builds_strict_and_needs_no_network(tmp_path: Path) -> None:
    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) > len(PAGES)  # each page, and the 404 page
    for html in pages:
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text, html
        assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="https?://', text), html
    model = (tmp_path / "site" / "content-editors" / "model" / "index.html").read_text()
    assert "Kinds and their fields" in model  # content/README.md, included whole


def test_a_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    page = tmp_path / "docs" / "cms-sync.md"
    page.write_text(read(page) + "\n[Paging](integrators/tour.md#no-such-part)\n")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-part'" in result.stderr


def test_a_page_left_out_of_the_navigation_fails_the_build(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "orphan.md").write_text("# Orphan\n")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "orphan.md" in result.stderr
