"""The MCP server, through the official SDK's own client: in-process for every combination of
arguments, over streamable HTTP against a live server, and over stdio."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.request
from collections.abc import Awaitable, Callable
from itertools import product
from typing import Any, TypeVar

# Imported here, not lazily deep inside the stdio client: pytest rewrites anyio's modules (a
# plugin), and CPython 3.11 can fail to compile one at a deep recursion depth.
import anyio._core._subprocesses  # noqa: F401
import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from api.app import mcp_server
from api.bundle.labels import labels_for
from api.bundle.store import Store
from api.content.kinds import COLLECTIONS
from api.edge.keys import new_key
from api.render.assistant import warning_line
from tests.conftest import ROOT, MakeClient
from tests.servers import fascia, free_port

pytestmark = pytest.mark.unit

TOOLS = {"search", "get_self_test", "get_step", "get_screening"}
SELF_TEST = "/v1/self-tests/muscular-minesweeper"
T = TypeVar("T")


def run(work: Callable[[Client], Awaitable[T]], server: Any) -> T:
    async def session() -> T:
        async with Client(server) as client:
            return await work(client)

    return asyncio.run(session())


def text_of(result: Any) -> str:
    assert not result.is_error, result.content
    (block,) = result.content
    text: str = block.text
    return text


def safety_first(text: str, self_test: dict[str, Any]) -> None:
    """The answer opens with the draft notice (the content is not signed off), the title, then
    every screening question with what a yes means, the contraindications, and the disclaimer,
    before anything else."""
    lines = text.splitlines()
    assert lines[0] == labels_for(self_test["translation"]["locale"])["status.draft"]
    assert lines[1].startswith("# ")
    disclaimer = next(w for w in self_test["warnings"] if w["kind"] == "disclaimer")
    end = lines.index(disclaimer["action"])
    head = "\n".join(lines[: end + 1])
    said = labels_for(self_test["translation"]["locale"])["escalation_if"]
    for flag in self_test["screening"]:
        assert f"{flag['question']} " in head
        assert f"{flag['if_yes']} {flag['care']['advice']}" in head
        for escalation in flag["escalations"]:
            assert f"{said} {escalation['when']}: " in head
    for question in self_test["contraindications"]:
        assert f"{question['question']} " in head
        assert f"{question['reason']} {question['instead']}" in head
        for escalation in question["escalations"]:
            assert f"{said} {escalation['when']}: " in head
    assert not any(line.startswith("### ") for line in lines[:end])  # no step before it


def brief(warning: dict[str, Any]) -> Any:
    from api.bundle.resources import WarningBrief  # noqa: PLC0415

    return WarningBrief.model_validate(warning)


CASES = list(product(["partner", "ball", None], ["en", "es"], ["US", "GB", "MX", None]))


@pytest.mark.parametrize(("variant", "language", "region"), CASES)
def test_no_tool_answer_omits_the_safety_lines(
    app: FastAPI, client: TestClient, variant: str | None, language: str, region: str | None
) -> None:
    """Every self-test, step and screening answer, for each variant, language and region:
    safety first, and each step's warnings word for word, STOP first."""
    query = {"lang": language, **({"region": region} if region else {})}
    self_test = client.get(SELF_TEST, params=query).json()
    arguments = {"language": language, **({"region": region} if region else {})}
    chosen = variant or self_test["default_variant"]
    steps = next(v for v in self_test["variants"] if v["id"] == chosen)["steps"]
    said = labels_for(language)["escalation_if"]

    async def work(mcp: Client) -> list[tuple[str, Any]]:
        answers = [
            ("self_test", await mcp.call_tool("get_self_test", {**arguments, "variant": variant})),
            ("screening", await mcp.call_tool("get_screening", arguments)),
        ]
        for step in steps:
            call = {**arguments, "number": step["number"], "variant": variant}
            answers.append((f"step {step['number']}", await mcp.call_tool("get_step", call)))
        return answers

    answers = run(work, mcp_server(app))
    for name, result in answers:
        text = text_of(result)
        safety_first(text, self_test)
        if name.startswith("step"):
            step = steps[int(name.split()[1]) - 1]
            assert result.structured_content == step
            variant_shown = next(v for v in self_test["variants"] if v["id"] == chosen)
            # The step's own warnings in order (stop first), after its variant's and the
            # self-test's: everything that applies to it, word for word.
            before = [w for w in self_test["warnings"] if w["kind"] in ("safety",)]
            for warning in (*before, *variant_shown["warnings"]):
                assert warning_line(brief(warning), said) in text
            assert variant_shown["pressure_guidance"] in text
            section = text[text.index(f"### {step['number']}. ") :]
            places = [section.index(warning_line(brief(w), said)) for w in step["warnings"]]
            assert places == sorted(places)
    whole = answers[0][1]
    shown = whole.structured_content
    assert [v["id"] for v in shown["variants"]] == ([variant] if variant else ["partner", "ball"])
    text = text_of(whole)
    for chosen_variant in shown["variants"]:
        for step in chosen_variant["steps"]:
            for warning in step["warnings"]:
                assert warning_line(brief(warning), said) in text


def test_language_is_described_and_defaulted_from_the_bundles_locales(app: FastAPI) -> None:
    """The tools' `language` names the locales the bundle has and defaults to its default
    locale; a server over other locales says so, and answers in its own default."""
    from api.routes import mcp  # noqa: PLC0415 - as the app imports it: on first use

    meta = app.state.store.meta
    names = {s.locale: s.name for s in meta.locale_summaries}

    async def work(client: Client) -> tuple[list[Any], Any]:
        tools = (await client.list_tools()).tools
        return tools, await client.call_tool("get_screening", {})

    tools, _ = run(work, mcp_server(app))
    for tool in tools:
        language = tool.input_schema["properties"]["language"]
        assert language["default"] == meta.default_locale
        assert all(f"`{locale}`" in language["description"] for locale in meta.locales)
        assert language["description"].endswith(f"others get {names[meta.default_locale]}.")
    spanish = mcp.build({"es": app.state.locales["es"]}, "es", "http://x", meta.version)
    tools, screening = run(work, spanish)
    for tool in tools:
        language = tool.input_schema["properties"]["language"]
        assert language["default"] == "es"
        assert language["description"] == f"`es`; others get {names['es']}."
    assert labels_for("es")["screening"] in text_of(screening)


def test_tools_say_what_was_wrong(app: FastAPI) -> None:
    async def work(mcp: Client) -> list[Any]:
        return [
            await mcp.call_tool("get_step", {"number": 50}),
            await mcp.call_tool("get_self_test", {"self_test_id": "nope"}),
            await mcp.call_tool("get_self_test", {"variant": "tennis-ball"}),
            await mcp.call_tool("get_screening", {"region": "USA"}),
            await mcp.call_tool("get_step", {"number": 2, "variant": "all"}),
        ]

    step, unknown, variant, region, every = run(work, mcp_server(app))
    assert every.is_error  # a step is numbered in one variant: "all" names none
    assert "partner, ball" in every.content[0].text
    assert step.is_error
    assert "numbered 1 to 9" in step.content[0].text
    assert unknown.is_error
    assert "muscular-minesweeper" in unknown.content[0].text
    assert variant.is_error
    assert "partner, ball" in variant.content[0].text
    assert region.is_error
    assert "region" in region.content[0].text


def every_resource(client: Client) -> Any:
    """Every page of ``resources/list``, following ``nextCursor``."""

    async def pages() -> list[Any]:
        found = [await client.list_resources()]
        while found[-1].next_cursor:
            found.append(await client.list_resources(cursor=found[-1].next_cursor))
        return found

    return pages()


async def refusal(request: Awaitable[Any]) -> MCPError:
    """The MCP error ``request`` is answered with (raised inside the session, which would
    wrap it in an exception group on leaving)."""
    with pytest.raises(MCPError) as raised:
        await request
    return raised.value


def test_resources_and_the_prompt(app: FastAPI, client: TestClient) -> None:
    async def work(mcp: Client) -> tuple[Any, Any, Any, Any]:
        return (
            await every_resource(mcp),
            await mcp.read_resource("fascia://self-tests/muscular-minesweeper"),
            await mcp.read_resource("fascia://es/muscles/gluteus-maximus"),
            await mcp.get_prompt("client_handout", {"language": "es", "region": "MX"}),
        )

    pages, self_test, muscle, prompt = run(work, mcp_server(app))
    version = client.get("/v1").headers["fascia-content-version"]
    listed = [resource for page in pages for resource in page.resources]
    uris = {resource.uri for resource in listed}
    items = sum(len(list(app.state.store.ids("en", c))) for c in COLLECTIONS)
    assert len(uris) == 2 * items  # every item, in both languages
    assert all(resource.meta["content_version"] == version for resource in listed)
    assert json.loads(self_test.contents[0].text) == client.get(SELF_TEST).json()
    assert self_test.contents[0].mime_type == "application/json"
    assert self_test.contents[0].meta == {"content_version": version, "language": "en"}
    spanish = client.get("/v1/muscles/gluteus-maximus", params={"lang": "es"}).json()
    assert json.loads(muscle.contents[0].text) == spanish
    assert muscle.contents[0].meta["language"] == "es"
    (message,) = prompt.messages
    text = message.content.text
    assert "word for word" in text
    assert "no clinical claims" in text
    guide = client.get("/v1/guides/glutes-and-low-back-pain", params={"lang": "es"}).json()
    assert guide["attribution"]["text"] in text
    mexico = client.get(SELF_TEST, params={"lang": "es", "region": "MX"}).json()
    safety_first(text.split("Material:\n\n", 1)[1], mexico)


def test_resources_are_listed_a_page_at_a_time_each_once(app: FastAPI) -> None:
    """``resources/list`` is paged by cursor: no page over the page size, and the pages
    together list every item of every locale exactly once, in the bundle's order."""
    from api.routes.mcp import RESOURCES_PAGE  # noqa: PLC0415 - as the app imports it

    store = app.state.store
    expected = [
        f"fascia://{'' if locale == 'en' else locale + '/'}{collection}/{item_id}"
        for locale in store.meta.locales
        for collection in COLLECTIONS
        for item_id in store.ids(locale, collection)
    ]
    pages = run(every_resource, mcp_server(app))
    assert len(pages) == -(-len(expected) // RESOURCES_PAGE) > 1
    assert all(len(page.resources) <= RESOURCES_PAGE for page in pages)
    assert [r.uri for page in pages for r in page.resources] == expected
    assert pages[-1].next_cursor is None
    # Pages of any size cross collections and locales without a gap or a repeat.
    server: Any = mcp_server(app)
    for size in (1, 7, len(expected) - 1, len(expected), len(expected) + 1):
        seen, cursor = [], None
        while True:
            page = server.resources.page(cursor, size)
            assert len(page.resources) <= size
            seen += [resource.uri for resource in page.resources]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == expected, size


@pytest.mark.parametrize(
    "cursor", ["nope", "", "WyJlbiIsIm11c2NsZXMiXQ", "WyJmciIsIm11c2NsZXMiLDNd"]
)
def test_a_cursor_that_was_not_given_is_an_invalid_params_error(app: FastAPI, cursor: str) -> None:
    async def work(mcp: Client) -> Any:
        return await refusal(mcp.list_resources(cursor=cursor))

    error = run(work, mcp_server(app))
    assert error.code == INVALID_PARAMS
    assert "nextCursor" in error.message


def test_resource_templates_name_every_item_in_each_language(app: FastAPI) -> None:
    async def work(mcp: Client) -> Any:
        return await mcp.list_resource_templates()

    templates = run(work, mcp_server(app)).resource_templates
    assert [t.uri_template for t in templates] == [
        "fascia://{collection}/{id}",
        "fascia://es/{collection}/{id}",
    ]
    for template in templates:
        assert template.mime_type == "application/json"
        assert all(collection in template.description for collection in COLLECTIONS)


@pytest.mark.parametrize(
    ("uri", "said"),
    [
        ("fascia://muscles/no-such-muscle", "muscles has no item 'no-such-muscle'"),
        ("fascia://es/muscles/no-such-muscle", "muscles has no item 'no-such-muscle'"),
        ("fascia://tendons/achilles", "'tendons' is not a collection"),
        ("fascia://fr/muscles/gluteus-maximus", "Unknown resource"),
        ("fascia://muscles/..", "Unknown resource"),
        ("other://muscles/gluteus-maximus", "Unknown resource"),
    ],
)
def test_an_unknown_resource_is_an_mcp_error_that_says_what_is_wrong(
    app: FastAPI, uri: str, said: str
) -> None:
    async def work(mcp: Client) -> Any:
        return await refusal(mcp.read_resource(uri))

    error = run(work, mcp_server(app))
    assert error.code == INVALID_PARAMS
    assert said in error.message
    assert uri in error.message


def test_building_the_mcp_server_reads_no_item(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resources are read from the bundle when asked for: building the server parses no item
    and lists no collection, whatever the size of the library."""
    from api.routes import mcp  # noqa: PLC0415 - as the app imports it

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read an item while building the MCP server")

    for method in ("_parse", "page", "body", "keys"):
        monkeypatch.setattr(Store, method, refused)
    meta = app.state.store.meta
    mcp.build(app.state.locales, meta.default_locale, "http://x", meta.version)


def run_http(
    work: Callable[[Client], Awaitable[T]], base: str, headers: dict[str, str] | None = None
) -> T:
    """``work`` with the SDK's client over streamable HTTP; the HTTP client is ours to close."""

    async def session() -> T:
        async with httpx2.AsyncClient(headers=headers or {}, timeout=30) as http_client:
            transport = streamable_http_client(f"{base}/mcp", http_client=http_client)
            async with Client(transport) as client:
                return await work(client)

    return asyncio.run(session())


@pytest.mark.live
def test_the_sdk_client_over_streamable_http(base: str) -> None:
    """List the tools, call each, read a resource, get the prompt: over HTTP, through the
    gateway (metrics count /mcp)."""

    async def work(mcp: Client) -> dict[str, Any]:
        tools = await mcp.list_tools()
        return {
            "tools": tools.tools,
            "search": await mcp.call_tool("search", {"query": "sciatic nerve"}),
            "self_test": await mcp.call_tool("get_self_test", {"variant": "ball"}),
            "step": await mcp.call_tool("get_step", {"number": 3, "region": "GB"}),
            "screening": await mcp.call_tool("get_screening", {"language": "es"}),
            "resource": await mcp.read_resource(
                "fascia://warnings/sciatic-nerve-electric-sensation"
            ),
            "prompt": await mcp.get_prompt("client_handout", {}),
        }

    found = run_http(work, base)
    assert {tool.name for tool in found["tools"]} == TOOLS
    for tool in found["tools"]:
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.destructive_hint is False
    hits = found["search"].structured_content["hits"]
    assert any(hit["id"] == "sciatic-nerve" for hit in hits)
    draft, first = text_of(found["search"]).splitlines()[:2]
    assert draft == labels_for("en")["status.draft"]  # the content is not signed off
    assert first.startswith("## ")  # then the disclaimer
    assert found["self_test"].structured_content["variants"][0]["id"] == "ball"
    assert "999" in text_of(found["step"])  # the UK's emergency number, for region GB
    screening = found["screening"].structured_content
    assert screening["questionnaire"].endswith(f"{SELF_TEST}.fhir")
    warning = json.loads(found["resource"].contents[0].text)
    assert warning["severity"] == "stop"
    assert found["prompt"].messages
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    assert 'route="/mcp"' in metrics


@pytest.mark.live
def test_mcp_takes_the_same_keys_and_only_post() -> None:
    key, digest = new_key()
    port = free_port()
    with fascia(port, env={"FASCIA_API_KEY_DIGESTS": digest}):
        base = f"http://127.0.0.1:{port}"

        async def listed(mcp: Client) -> set[str]:
            return {tool.name for tool in (await mcp.list_tools()).tools}

        assert run_http(listed, base, {"X-API-Key": key}) == TOOLS
        refused = httpx2.post(
            f"{base}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"},
        )
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        got = httpx2.get(f"{base}/mcp", headers={"X-API-Key": key})
        assert got.status_code == 405
        assert got.headers["allow"] == "POST, OPTIONS"
        assert got.headers["content-type"] == "application/problem+json"
        infobutton = httpx2.get(
            f"{base}/infobutton?mainSearchCriteria.v.cs=2.16.840.1.113883.6.96"
            "&mainSearchCriteria.v.c=279039007"
        )
        assert infobutton.status_code == 401


@pytest.mark.live
def test_the_sdk_client_over_stdio() -> None:
    server = StdioServerParameters(command=sys.executable, args=["-m", "api", "mcp"], cwd=str(ROOT))

    async def work(mcp: Client) -> Any:
        return await mcp.call_tool("get_screening", {"language": "es", "region": "MX"})

    result = run(work, server)
    text = text_of(result)
    assert "911" in text
    assert result.structured_content["self_test_id"] == "muscular-minesweeper"
    # Nothing but protocol messages on standard output: logs go to standard error.
    probe = subprocess.run(
        [sys.executable, "-m", "api", "mcp"],
        input=b"", capture_output=True, timeout=30, cwd=ROOT, check=False,
    )  # fmt: skip
    assert probe.stdout == b""


def test_mcp_without_the_lifespan_is_a_503_problem(make_client: MakeClient) -> None:
    bare = make_client(lifespan=False)  # the app's lifespan, which starts the endpoint, never runs
    answer = bare.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "1"


def test_mcp_and_infobutton_count_against_the_same_quota(make_client: MakeClient) -> None:
    client = make_client(rate_limit="3/minute")
    statuses = [
        client.get("/v1/muscles").status_code,
        client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}).status_code,
        client.get("/infobutton", params={"mainSearchCriteria.v.c": "1"}).status_code,
        client.post("/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "ping"}).status_code,
    ]
    assert statuses[0] == 200
    assert statuses[3] == 429  # the fourth request of the minute, whichever door it used


@pytest.mark.parametrize(
    ("variant", "language"), list(product(["partner", "ball", None], ["en", "es"]))
)
def test_mcp_and_rest_narrow_a_self_test_to_a_variant_alike(
    app: FastAPI, client: TestClient, variant: str | None, language: str
) -> None:
    """One rule for a variant, whoever asks: the same steps, advice and self link."""
    query = {"lang": language, **({"variant": variant} if variant else {})}
    rest = client.get(SELF_TEST, params=query).json()

    async def work(mcp: Client) -> Any:
        return await mcp.call_tool("get_self_test", {"language": language, "variant": variant})

    shown = expanded(run(work, mcp_server(app)).structured_content)
    assert shown == rest
    advised = {a["variant"] for a in shown["advice"]}
    expected = {None, variant} if variant == "ball" else {None} if variant else {None, "ball"}
    assert advised == expected  # the ball-only advice, only where the ball version is shown


def expanded(structured: dict[str, Any]) -> dict[str, Any]:
    """``get_self_test``'s structured answer with each step's safety put back in place of its
    ``safety_ref``: the REST JSON, if nothing was lost."""
    shown = dict(structured)
    safety = shown.pop("step_safety")
    shown["variants"] = [
        {
            **variant,
            "steps": [
                {
                    **{k: v for k, v in step.items() if k != "safety_ref"},
                    "safety": safety if step["safety_ref"] == "#/step_safety" else None,
                }
                for step in variant["steps"]
            ],
        }
        for variant in shown["variants"]
    ]
    return shown


@pytest.mark.parametrize("language", ["en", "es"])
def test_get_self_test_states_the_steps_safety_once_for_a_models_context(
    app: FastAPI, client: TestClient, language: str
) -> None:
    """The structured answer is the REST JSON with each step's safety block (the same red flags,
    contraindications and disclaimer on every step) stated once: put back, it is the REST JSON
    exactly, and it is under a third of the size."""

    async def work(mcp: Client) -> Any:
        return await mcp.call_tool("get_self_test", {"language": language})

    shown = run(work, mcp_server(app)).structured_content
    rest = client.get(SELF_TEST, params={"lang": language}).json()
    steps = [step for variant in shown["variants"] for step in variant["steps"]]
    assert steps
    assert not any("safety" in step for step in steps)
    assert expanded(shown) == rest
    assert len(json.dumps(shown)) < len(json.dumps(rest)) / 3
