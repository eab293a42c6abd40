"""Embedding, in-process: the script and its integrity hash, the /embed pages and their CSP,
oEmbed field by field, discovery as a CMS finds it, and link-preview metadata."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from api import Settings
from api.bundle.labels import LABELS
from api.bundle.urls import PREFIX
from api.content.languages import DEFAULT_LOCALE, LANGUAGES
from api.render.context import RenderContext
from api.render.preview import page_head
from api.routes.embed import SCRIPT_FILE, embed_script, script_source
from tests.conftest import ROOT, MakeClient
from tests.test_browser import _html, html_pages

pytestmark = pytest.mark.unit

ORIGIN = "http://127.0.0.1:8000"  # FASCIA_PUBLIC_URL unset, Host not allowed: the bind address
SELF_TEST = f"{ORIGIN}/v1/self-tests/muscular-minesweeper"


class Head(HTMLParser):
    """What a CMS reads from a page's head: its <link> and <meta> tags."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.append(found)
        elif tag == "meta" and "content" in found:
            self.meta[found.get("property") or found.get("name", "")] = found["content"]


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html.split("</head>", maxsplit=1)[0])
    return parser


def local(url: str) -> str:
    """An absolute URL of ours as a path and query, for the test client."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN
    return f"{parts.path}?{parts.query}"


def test_embed_script_is_the_committed_file_with_a_strong_etag(client: TestClient) -> None:
    response = client.get("/v1/embed.js")
    assert response.content == script_source(SCRIPT_FILE.read_text(encoding="utf-8")).encode()
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["etag"].startswith('"')
    assert "max-age=300" in response.headers["cache-control"]
    again = client.get("/v1/embed.js", headers={"If-None-Match": response.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


def test_embed_script_is_a_small_module_that_imports_nothing() -> None:
    text = SCRIPT_FILE.read_text(encoding="utf-8")
    assert len(text.encode()) < 24_000
    statements = [line.strip() for line in text.splitlines()]
    assert not [line for line in statements if line.startswith(("import ", "export "))]
    assert "import(" not in text
    assert "require(" not in text
    assert "import.meta.url" in text  # the origin it fetches from is the one it came from


def test_the_script_names_no_path_language_or_label_of_its_own() -> None:
    """Its prefix, default language and every label it shows come from the API's registries
    when it is served: labels in each registered language, the same as the handouts use."""
    source = SCRIPT_FILE.read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    assert "/v1" not in code
    assert '"en"' not in code
    assert "Loading" not in code
    assert "Cargando" not in code
    served = script_source(source)
    start = served.index("const SERVED = ") + len("const SERVED = ")
    filled = json.loads(served[start : served.index(";\n", start)])
    assert filled["prefix"] == PREFIX
    assert filled["defaultLanguage"] == DEFAULT_LOCALE
    assert filled["labels"].keys() == LANGUAGES.keys()
    for code_, labels in filled["labels"].items():
        assert {"embed.loading", "if_yes", "escalation_if"} <= labels.keys()
        assert all(LABELS[code_][key] == text for key, text in labels.items())


def test_a_script_without_its_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="must hold"):
        script_source("const TEXT = {};")


def test_embed_script_integrity_matches_the_served_bytes(client: TestClient) -> None:
    info = client.get("/v1/embed").json()
    served = client.get(info["script"])
    digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
    assert info["integrity"] == f"sha384-{digest}"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.content == client.get("/v1/embed.js").content
    assert info["elements"] == ["fascia-self-test", "fascia-step"]


def test_the_docs_publish_the_current_script_version_and_integrity() -> None:
    page = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    script = embed_script()
    # After a change to api/static/embed.js, put these two in the snippet of docs/embedding.md.
    assert f'src="https://fascia.example.org{script.path}"' in page, script.path
    assert f'integrity="{script.integrity}"' in page, script.integrity


def test_embed_script_of_another_version_is_a_problem(client: TestClient) -> None:
    response = client.get("/v1/embed/0123456789abcdef.js")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["allowed_values"] == [embed_script().version]


@pytest.mark.parametrize(
    "path",
    [
        "/embed/self-tests/muscular-minesweeper?variant=partner&lang=es",
        "/embed/self-tests/muscular-minesweeper/steps/5?variant=ball",
    ],
)
def test_embed_pages_run_only_the_pinned_component_and_are_framable_by_anyone(
    client: TestClient, path: str
) -> None:
    """Their one script is the web component's, from this origin, pinned by version and
    integrity hash (it makes the screening a checklist); the CSP allows scripts from this origin
    only, none inline."""
    response = client.get(path)
    assert response.status_code == 200
    script = embed_script()
    assert response.text.count("<script") == 1
    assert (
        f'<script type="module" src="{script.path}" integrity="{script.integrity}" '
        'crossorigin="anonymous"></script>'
    ) in response.text
    policy = response.headers["content-security-policy"]
    assert policy.endswith("frame-ancestors *")
    assert "script-src 'self'; " in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "default-src 'none'" in policy
    canonical = [link for link in head_of(response.text).links if link["rel"] == "canonical"]
    assert canonical[0]["href"].startswith(f"{SELF_TEST}")


def test_other_pages_still_cannot_be_framed(client: TestClient) -> None:
    page = client.get("/v1/self-tests/muscular-minesweeper.html")
    assert page.headers["content-security-policy"].endswith("frame-ancestors 'none'")


def test_frame_ancestors_come_from_the_setting(make_client: MakeClient) -> None:
    sites = "https://cms.example.org, https://*.example.net"
    client = make_client(embed_frame_ancestors=sites)
    response = client.get("/embed/self-tests/muscular-minesweeper")
    policy = response.headers["content-security-policy"]
    assert policy.endswith("frame-ancestors https://cms.example.org https://*.example.net")


@pytest.mark.parametrize(
    "value",
    ["https://a.org; script-src *", "'unsafe-inline'", "a b", "https://a.org,", ""],
)
def test_a_bad_frame_ancestor_stops_start_up_naming_the_setting(value: str) -> None:
    if value == "https://a.org,":
        settings = Settings(embed_frame_ancestors=value)  # type: ignore[arg-type]
        assert settings.embed_frame_ancestors == ("https://a.org",)
        return
    with pytest.raises(ValidationError, match="embed_frame_ancestors"):
        Settings(embed_frame_ancestors=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["fascia.example.org", "ftp://x.org", "https://x.org/?a=1"])
def test_a_bad_public_url_stops_start_up_naming_the_setting(value: str) -> None:
    with pytest.raises(ValidationError, match="public_url"):
        Settings(public_url=value)


def test_oembed_of_a_self_test_is_a_rich_iframe(client: TestClient) -> None:
    url = f"{SELF_TEST}.html?variant=partner&lang=es"
    response = client.get("/oembed", params={"url": url, "format": "json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["version"] == "1.0"
    assert body["type"] == "rich"
    assert body["title"] == "Autoexploración de los glúteos para el dolor lumbar"
    assert body["provider_name"] == "Fascia"
    assert body["provider_url"] == f"{ORIGIN}/"
    assert body["cache_age"] == 300
    assert (body["width"], body["height"]) == (600, 800)
    src = f"{ORIGIN}/embed/self-tests/muscular-minesweeper?variant=partner&amp;lang=es"
    assert body["html"] == (
        f'<iframe src="{src}" width="600" height="800" title="{body["title"]}" loading="lazy" '
        'style="border:0;max-width:100%" sandbox="allow-popups allow-popups-to-escape-sandbox">'
        "</iframe>"
    )
    assert set(body) == {
        "version", "type", "title", "provider_name", "provider_url", "cache_age", "html",
        "width", "height",
    }  # fmt: skip


def test_oembed_of_a_step_frames_the_step_page(client: TestClient) -> None:
    body = client.get("/oembed", params={"url": f"{SELF_TEST}/steps/5"}).json()
    assert body["title"] == "5. Watch out for the sciatic nerve"
    assert f'src="{ORIGIN}/embed/self-tests/muscular-minesweeper/steps/5?lang=en"' in body["html"]
    page = client.get(local(body["html"].split('"')[1].replace("&amp;", "&")))
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "size"),
    [
        (None, None, (600, 800)),
        (320, None, (320, 426)),
        (None, 400, (300, 400)),
        (1000, 2000, (600, 800)),
        (500, 400, (300, 400)),
    ],
)
def test_oembed_honours_maxwidth_and_maxheight(
    client: TestClient, maxwidth: int | None, maxheight: int | None, size: tuple[int, int]
) -> None:
    params = {"url": SELF_TEST, "maxwidth": maxwidth, "maxheight": maxheight}
    body = client.get("/oembed", params={k: v for k, v in params.items() if v}).json()
    assert (body["width"], body["height"]) == size
    assert f'width="{size[0]}" height="{size[1]}"' in body["html"]


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (f"{ORIGIN}/v1/muscles/gluteus-maximus.html?lang=es", "Músculo glúteo mayor"),
        (f"{ORIGIN}/v1/muscles?lang=es", "Músculos"),
        (f"{SELF_TEST}/steps.html?variant=ball", "Steps"),
        (f"{SELF_TEST}/steps-safety-once.html?variant=ball", "Steps"),
        (f"{ORIGIN}/v1", "Fascia"),
    ],
)
def test_oembed_of_other_pages_is_a_link(client: TestClient, url: str, title: str) -> None:
    body = client.get("/oembed", params={"url": url}).json()
    assert body == {
        "version": "1.0",
        "type": "link",
        "title": title,
        "provider_name": "Fascia",
        "provider_url": f"{ORIGIN}/",
        "cache_age": 300,
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/v1/self-tests/muscular-minesweeper",
        "http://127.0.0.1:8001/v1/self-tests/muscular-minesweeper",
        f"{ORIGIN}/v1/self-tests/no-such-test",
        f"{SELF_TEST}?variant=no-such-variant",
        f"{SELF_TEST}/steps/10?variant=partner",
        f"{ORIGIN}/v1/muscles/no-such-muscle",
        f"{ORIGIN}/openapi.json",
        "not a url",
        "http://[::1/v1",
    ],
)
def test_oembed_of_a_url_that_is_not_ours_is_a_404_problem(client: TestClient, url: str) -> None:
    response = client.get("/oembed", params={"url": url})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/oembed"


@pytest.mark.parametrize(("query", "status"), [("format=xml", 501), ("maxwidth=0", 422), ("", 422)])
def test_oembed_refusals_are_problems(client: TestClient, query: str, status: int) -> None:
    url = f"url={SELF_TEST}&{query}" if query else ""
    response = client.get(f"/oembed?{url}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_html_page_leads_a_cms_to_its_oembed(client: TestClient, lang: str) -> None:
    pages = [_html(path) + f"{'&' if '?' in path else '?'}lang={lang}" for path in html_pages()]
    pages.append("/v1/search.html?q=sciatic")
    assert len(pages) > 60
    for path in pages:
        _discover(client, path)


def _discover(client: TestClient, path: str) -> None:
    """Find the oEmbed of the page at ``path`` as a CMS would, and check it answers."""
    page = client.get(path)
    head = head_of(page.text)
    (discovery,) = [
        link
        for link in head.links
        if link["rel"] == "alternate" and link.get("type") == "application/json+oembed"
    ]
    (canonical,) = [link["href"] for link in head.links if link["rel"] == "canonical"]
    assert client.get(local(canonical)).text == page.text, path
    found = client.get(local(discovery["href"]))
    assert found.status_code == 200, path
    assert found.json()["title"] == head.meta["og:title"] == discovery["title"], path


def test_html_pages_carry_link_preview_metadata(client: TestClient) -> None:
    page = client.get("/v1/self-tests/muscular-minesweeper/steps/5.html?lang=es")
    meta = head_of(page.text).meta
    canonical = f"{SELF_TEST}/steps/5.html?variant=partner&lang=es"
    assert meta["og:url"] == canonical
    assert meta["og:title"] == meta["twitter:title"] == "5. Cuidado con el nervio ciático"
    assert meta["og:locale"] == "es_ES"
    assert meta["og:description"].startswith("Ten presente el nervio ciático")
    assert meta["og:description"] == meta["description"]
    assert meta["twitter:card"] == "summary_large_image"  # the step's diagram
    assert meta["og:image"] == f"{SELF_TEST}/steps/5.png?variant=partner&lang=es"  # unfurlers: PNG
    assert meta["og:image:alt"] == meta["og:title"] == meta["twitter:image:alt"]
    assert meta["twitter:image"] == meta["og:image"]
    assert (meta["og:image:type"], meta["og:image:width"], meta["og:image:height"]) == (
        "image/png",
        "1200",
        "630",
    )
    picture = client.get(meta["og:image"])  # in the page's language already
    assert picture.headers["content-type"] == "image/png"
    assert picture.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", picture.content[16:24])  # the IHDR chunk
    assert (width, height) == (1200, 630)
    alternates = {
        link["hreflang"]: link["href"]
        for link in head_of(page.text).links
        if link["rel"] == "alternate" and "hreflang" in link
    }
    assert alternates == {
        "en": f"{SELF_TEST}/steps/5.html?variant=partner&lang=en",
        "es": canonical,
        "x-default": f"{SELF_TEST}/steps/5.html?variant=partner&lang=en",
    }
    muscle = head_of(client.get("/v1/muscles/gluteus-maximus.html").text).meta
    assert muscle["twitter:card"] == "summary"
    assert "og:image" not in muscle  # no diagram shows a muscle


def test_link_previews_show_the_diagram_when_there_is_one() -> None:
    class Links(BaseModel):
        self_: str
        diagram: str

    class Pictured(BaseModel):
        summary: str
        links: Links

    context = RenderContext(
        "en",
        None,  # type: ignore[arg-type]
        {},
        lambda _: (),
        lambda *_: None,
        None,
        "1",
        base_url="https://fascia.example.org",
    )
    view = Pictured(summary="S", links=Links(self_="/v1/x/y", diagram="/v1/x/y.svg"))
    meta = head_of(page_head(view, "T", context)).meta
    assert meta["og:image"] == "https://fascia.example.org/v1/x/y.png?lang=en"  # its language
    assert meta["twitter:card"] == "summary_large_image"


def test_a_page_for_people_ignores_tracking_whatever_accept_says(make_client: MakeClient) -> None:
    """Link-preview bots (Facebook's, Slack's) send ``Accept: */*`` and a tracking parameter: an
    /embed page is a page for people by its path, on a cold cache as on a warm one."""
    for cache in (0, 16):
        client = make_client(response_cache_mb=cache)
        url = "/embed/self-tests/muscular-minesweeper?fbclid=y&utm_source=slack"
        assert client.get(url, headers={"Accept": "*/*"}).status_code == 200


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_pages_preview_picture_is_in_its_language(client: TestClient, lang: str) -> None:
    head = Head()
    head.feed(client.get(f"{SELF_TEST}.html?lang={lang}").text)
    image = head.meta["og:image"]
    assert image.endswith(f".png?lang={lang}")
    picture = client.get(image.removeprefix(ORIGIN))
    assert picture.status_code == 200
    assert picture.headers["content-language"] == lang
