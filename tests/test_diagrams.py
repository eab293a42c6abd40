"""Diagrams: geometry as content, checked at build; drawn as SVG; linked from what they show."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from api.content.diagnostics import ContentProblem
from api.content.geometry import bounds, parse_path
from tests.test_loader import check_content, line_of, replace

pytestmark = pytest.mark.unit

DIAGRAM = "diagrams/glutes-from-behind.yaml"
SELF_TEST = "/v1/self-tests/muscular-minesweeper"
SVG = "{http://www.w3.org/2000/svg}"
BASE = "http://127.0.0.1:8000"  # handouts link absolutely; TestClient's Host is not allowed
PICTURES = [
    f"{SELF_TEST}.svg",
    f"{SELF_TEST}/steps/5.svg?variant=partner",
    f"{SELF_TEST}/steps/3.svg?variant=ball",
    "/v1/landmarks/sacrum.svg",
    "/v1/techniques/slow-arc-sweep.svg",
    "/v1/diagrams/glutes-from-behind.svg",
]


def diagram_problems(content: Path) -> list[ContentProblem]:
    """The errors in the diagram's file only: other files may be mid-edit in a working copy."""
    return [p for p in check_content(content) if p.file == f"content/en/{DIAGRAM}"]


@pytest.mark.parametrize(
    ("data", "points"),
    [
        ("M 1 2 L 3 4", [(1, 2), (3, 4)]),
        ("M1,2 l3-4 z", [(1, 2), (4, -2)]),
        ("M 0 0 C 1 1 2 2 3 3 Q 4 4 5 5", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]),
        ("M 0 0 H 5 V 6 A 2 2 0 0 1 8 8", [(0, 0), (5, 6), (8, 8)]),
    ],
)
def test_path_data_is_read_into_its_points(data: str, points: list[tuple[int, int]]) -> None:
    left, top, right, bottom = bounds(data)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert (left, top, right, bottom) == (min(xs), min(ys), max(xs), max(ys))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("L 1 2", "must start with a move"),
        ("M 1", "M takes groups of 2 numbers, got 1"),
        ("M 1 2 C 3 4 5 6", "C takes groups of 6 numbers, got 4"),
        ("M 1 2 Z 3", "Z takes no numbers"),
        ("M 1 2 X 3 4", "unexpected 'X 3 4'"),
        ("M 1 2 url(#x)", "unexpected"),
    ],
)
def test_malformed_path_data_says_what_is_wrong(data: str, message: str) -> None:
    with pytest.raises(ValueError, match="path") as raised:
        parse_path(data)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "landmark_id: sciatic-nerve",
            "landmark_id: sciatic-nerv",
            "shapes.13.landmark_id",
            "no landmark with id 'sciatic-nerv'",
        ),
        (
            "colour: yellow",
            "colour: blue  # not yellow",
            "shapes.7.colour",
            "differs from the diagram_colour of landmark 'sciatic-no-press-zone': yellow",
        ),
        ("M 338 207", "M 338 207 C 1 2", "shapes.13.path", "C takes groups of 6 numbers"),
        ("M 338 207", "M 338 999", "shapes.13.path", "reaches outside the 800x540 picture"),
        ("label_at: [614, 440]", "label_at: [900, 440]", "shapes.13.label_at", "outside"),
    ],
)
def test_a_bad_shape_is_a_content_error_at_its_field_and_line(
    content_copy: Path, old: str, new: str, field: str, message: str
) -> None:
    replace(content_copy, DIAGRAM, old, new)
    (problem,) = diagram_problems(content_copy)
    assert problem.file == f"content/en/{DIAGRAM}"
    assert problem.field == field
    assert message in problem.message
    # A folded path is reported at its key, the line before its text.
    expected = line_of(content_copy, DIAGRAM, new) - (field.endswith("path"))
    assert problem.line == expected


def test_a_neutral_shape_may_not_have_a_colour(content_copy: Path) -> None:
    replace(
        content_copy,
        DIAGRAM,
        "style: outline\n    mirror: true",
        "colour: green\n    style: outline\n    mirror: true",
    )
    (problem,) = diagram_problems(content_copy)
    assert (problem.field, problem.line) == (
        "shapes.0.colour",
        line_of(content_copy, DIAGRAM, "colour: green"),
    )


@pytest.mark.parametrize("url", PICTURES)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_pictures_are_standalone_svg_with_no_script_or_outside_reference(
    client: TestClient, url: str, locale: str
) -> None:
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-language"] == locale
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == locale
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.text
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in {"script", "foreignObject", "image", "style"}
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (element.tag, name)
            assert name != "style", (element.tag, name)
            assert "href" not in name, (element.tag, name)
            assert "url(" not in value or value.startswith("url(#"), (element.tag, value)


def test_labels_and_words_are_in_the_readers_language(client: TestClient) -> None:
    english = client.get(f"{SELF_TEST}.svg").text
    spanish = client.get(f"{SELF_TEST}.svg?lang=es").text
    assert "Sciatic nerve" in english
    assert "Yellow: No-press zone, Sciatic nerve" in english
    assert "Nervio ciático" in spanish
    assert "Amarillo: No presionar aquí, Nervio ciático" in spanish
    assert "sin presión" not in spanish  # it must forbid pressing, not promise no pressure
    assert "Sciatic nerve" not in spanish


def test_a_step_puts_what_it_names_forward_and_fades_the_rest(client: TestClient) -> None:
    root = ElementTree.fromstring(client.get(f"{SELF_TEST}/steps/5.svg?variant=partner").content)
    # Faded shapes lie in groups drawn at a quarter opacity: faded together where they overlap.
    faded = {
        shape.get("data-shape"): group.get("opacity")
        for group in root.iter(f"{SVG}g")
        if group.get("data-shape") is None
        for shape in group
        if shape.get("data-shape")
    }
    faded |= {
        shape.get("data-shape"): None
        for shape in root
        if shape.tag == f"{SVG}g" and shape.get("data-shape")
    }
    assert faded == {
        "pelvis": "0.25",
        "top-of-femur": "0.25",
        "thigh": "0.25",
        "buttock": "0.25",
        "sacrum": "0.25",
        "pressing-area": None,
        "sweep-arcs": None,
        "no-press-zone": None,
        "piriformis": "0.25",
        "sciatic-notch": "0.25",
        "sit-bone": "0.25",
        "iliac-crest": "0.25",
        "psis": "0.25",
        "sciatic-nerve": None,
    }
    shapes = [g.get("data-shape") for g in root.iter(f"{SVG}g") if g.get("data-shape")]
    # Drawn in the diagram's order, faded or not: the nerve last, on top of the zone.
    assert shapes == [
        "pelvis",
        "top-of-femur",
        "thigh",
        "buttock",
        "sacrum",
        "pressing-area",
        "sweep-arcs",
        "no-press-zone",
        "piriformis",
        "sciatic-notch",
        "sit-bone",
        "iliac-crest",
        "psis",
        "sciatic-nerve",
    ]
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    in_full = (
        "In full colour: Press here, Slow arcs (blue), No-press zone (yellow), Sciatic nerve "
        "(yellow)"
    )
    assert in_full in str(desc.text)


def test_json_links_the_picture_of_the_self_test_each_step_and_landmark(
    client: TestClient,
) -> None:
    self_test = client.get(SELF_TEST).json()
    assert self_test["links"]["diagram"] == f"{SELF_TEST}.svg"
    assert self_test["diagram_id"] == "glutes-from-behind"
    for variant in self_test["variants"]:
        for step in variant["steps"]:
            expected = f"{SELF_TEST}/steps/{step['number']}.svg?variant={variant['id']}"
            assert step["links"]["diagram"] == expected
            assert client.get(expected).status_code == 200
    for landmark in client.get("/v1/landmarks").json()["items"]:
        assert landmark["links"]["diagram"] == f"/v1/landmarks/{landmark['id']}.svg"
    kneading = client.get("/v1/techniques/kneading").json()
    assert kneading["diagram_id"] is None
    assert "diagram" not in kneading["links"]
    jsonld = client.get(f"{SELF_TEST}.jsonld").json()
    assert jsonld["image"] == f"{BASE}{SELF_TEST}.svg"  # absolute: JSON-LD is copied elsewhere


@pytest.mark.parametrize(
    ("url", "accept", "status", "media_type"),
    [
        ("/v1/muscles/gluteus-maximus.svg", "*/*", 406, "application/problem+json"),
        ("/v1/muscles/gluteus-maximus", "image/svg+xml", 406, "application/problem+json"),
        ("/v1/techniques/kneading.svg", "*/*", 406, "application/problem+json"),
        (
            "/v1/techniques/kneading",
            "image/svg+xml, application/json;q=0.5",
            200,
            "application/json",
        ),
        ("/v1/landmarks/sacrum", "image/*", 200, "image/svg+xml"),
        ("/v1/landmarks", "image/svg+xml", 406, "application/problem+json"),
    ],
)
def test_only_what_a_diagram_shows_has_a_picture(
    client: TestClient, url: str, accept: str, status: int, media_type: str
) -> None:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == status
    assert response.headers["content-type"] == media_type
    if status == 406:
        problem = response.json()
        assert "image/svg+xml" not in problem["available"]
        assert ".svg" not in problem["available_suffixes"]


def test_a_fallback_from_a_picture_is_not_cached_for_other_accept_headers(
    client: TestClient,
) -> None:
    fallback = client.get(
        "/v1/techniques/kneading", headers={"Accept": "image/svg+xml, application/json;q=0.5"}
    )
    assert fallback.headers["content-type"] == "application/json"
    strict = client.get("/v1/techniques/kneading", headers={"Accept": "image/svg+xml"})
    assert strict.status_code == 406


def test_a_picture_is_cached_and_revalidated_like_everything_else(client: TestClient) -> None:
    first = client.get("/v1/landmarks/sciatic-nerve.svg")
    assert (
        first.headers["cache-control"]
        == client.get("/v1/landmarks/sciatic-nerve").headers["cache-control"]
    )
    assert "content-security-policy" in first.headers
    again = client.get(
        "/v1/landmarks/sciatic-nerve.svg", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_handouts_show_the_picture_inline_and_markdown_links_it(client: TestClient) -> None:
    page = client.get(f"{SELF_TEST}/steps/5.html?variant=partner").text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 1
    assert f'<a href="{BASE}{SELF_TEST}/steps/5.svg?variant=partner&amp;lang=en">' in page
    markdown = client.get(f"{SELF_TEST}.md").text
    alt = "Glute check for low back pain: The pelvis and buttock from behind"
    assert f"![{alt}](<{BASE}{SELF_TEST}.svg?lang=en>)" in markdown
