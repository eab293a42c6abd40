"""Geometry as a safety check: pressing paths keep a tool's radius from the no-press zone, and
the zone is wider than the tool. Each rule is shown failing on a broken copy of the content."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from api.content.diagnostics import ContentProblem
from api.content.geometry import (
    Outline,
    contains,
    distance,
    flatten,
    inscribed_diameter,
    mirrored,
    nearest,
    segment_distance,
)
from tests.test_loader import check_content

pytestmark = pytest.mark.unit

DIAGRAM = "diagrams/glutes-from-behind.yaml"
SELF_TEST = "self-tests/muscular-minesweeper.yaml"
SQUARE = flatten("M 0 0 L 10 0 L 10 10 L 0 10 Z")[0]


def line(*points: tuple[float, float]) -> Outline:
    return Outline(tuple(points), filled=False)


# --- The measures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "expected"),
    [((5, 3), 3.0), ((-3, -4), 5.0), ((13, 4), 5.0), ((7, 0), 0.0)],
)
def test_distance_to_a_segment_is_to_its_nearest_point_ends_included(
    point: tuple[float, float], expected: float
) -> None:
    assert segment_distance(point, (0, 0), (10, 0)) == pytest.approx(expected)


def test_a_point_is_inside_a_polygon_by_the_even_odd_rule() -> None:
    notched = ((0, 0), (10, 0), (10, 10), (6, 10), (6, 4), (4, 4), (4, 10), (0, 10))
    assert contains(notched, (2, 8))
    assert not contains(notched, (5, 8))  # in the notch
    assert not contains(notched, (12, 5))


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (line((20, 5), (30, 5)), 10.0),  # apart: nearest end to the square's edge
        (line((5, 5), (6, 6)), 0.0),  # inside the filled square
        (line((-5, 5), (15, 5)), 0.0),  # across it, no point inside
        (line((3, 13), (7, 13)), 3.0),
    ],
)
def test_outlines_are_as_far_apart_as_their_nearest_points(other: Outline, expected: float) -> None:
    assert distance(other, SQUARE) == pytest.approx(expected)
    assert distance(SQUARE, other) == pytest.approx(expected)


def test_crossing_lines_touch_though_no_point_of_either_is_near() -> None:
    assert distance(line((0, 0), (10, 10)), line((0, 10), (10, 0))) == 0.0
    open_square = Outline(SQUARE.points, filled=False)  # only its edge counts
    assert distance(line((4, 5), (6, 5)), open_square) == pytest.approx(4.0)


def test_curves_and_arcs_are_sampled_on_the_curve() -> None:
    (circle,) = flatten("M 0 50 A 50 50 0 1 0 100 50 A 50 50 0 1 0 0 50 Z", steps=32)
    assert circle.filled  # closed with Z
    assert all(math.hypot(x - 50, y - 50) == pytest.approx(50) for x, y in circle.points)
    (curve,) = flatten("M 0 0 Q 50 100 100 0")
    assert max(y for _, y in curve.points) == pytest.approx(50)  # a quadratic's peak: half
    (smooth,) = flatten("M 0 0 C 0 10 10 10 10 0 S 20 -10 20 0")
    assert min(y for _, y in smooth.points) == pytest.approx(-7.5)  # S mirrors the control
    relative = flatten("m 10 10 l 5 0 h 5 v 5 z m 100 0 l 1 1")
    assert [o.points for o in relative] == [
        ((10, 10), (15, 10), (20, 10), (20, 15), (10, 10)),
        ((110, 10), (111, 11)),
    ]
    assert [o.filled for o in relative] == [True, False]
    assert flatten("M 0 0 L 10 0 L 10 10", filled=True)[0].filled  # an area closes itself


def test_a_mirrored_outline_is_reflected_about_the_centre_line() -> None:
    (copy,) = mirrored((line((10, 5), (30, 7)),), 100)
    assert copy.points == ((90, 5), (70, 7))


def test_nearest_says_where_and_skips_pairs_far_apart() -> None:
    gap, where = nearest((line((0, 20), (10, 14)),), (SQUARE,))
    assert gap == pytest.approx(4.0)
    assert where == (10, 14)
    # Pairs whose boxes lie 5 or more apart are not measured: their gap is a lower bound.
    far, _ = nearest((line((30, 0), (40, 0)),), (SQUARE,), within=5)
    assert far == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("M 0 0 L 100 0 L 100 40 L 0 40 Z", 40.0),  # a strip: as wide as it is across
        ("M 0 50 A 50 50 0 1 0 100 50 A 50 50 0 1 0 0 50 Z", 100.0),
        # An L of two 20-wide arms, its box 100 by 100: widest in the corner, where a circle
        # touches both outer edges and the inner corner (r = 20 * sqrt 2 / (1 + sqrt 2)).
        ("M 0 0 L 20 0 L 20 80 L 100 80 L 100 100 L 0 100 Z", 40 * 2**0.5 / (1 + 2**0.5)),
    ],
)
def test_the_width_of_an_area_is_its_largest_inscribed_circle(path: str, expected: float) -> None:
    (outline,) = flatten(path, steps=64)
    found = inscribed_diameter(outline.points)
    assert found <= expected + 1e-6  # never too large: the check errs on the safe side
    assert found == pytest.approx(expected, rel=0.01)


# --- The rule, on the content -----------------------------------------------------------------


def set_path(content: Path, shape: str, path: str) -> int:
    """Give ``shape`` of the diagram a new path; the line of its ``path`` key."""
    file = content / "en" / DIAGRAM
    lines = file.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {shape}")
    key = next(i for i in range(start, len(lines)) if lines[i].startswith("    path:"))
    end = next(i for i in range(key + 1, len(lines)) if not lines[i].startswith("      "))
    lines[key:end] = ["    path: >-", f"      {path}"]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return key + 1


def diagram_problems(content: Path) -> list[ContentProblem]:
    """The errors in the diagram's file only: other files may be mid-edit in a working copy."""
    return [p for p in check_content(content) if p.file == f"content/en/{DIAGRAM}"]


def test_the_shipped_diagram_keeps_pressing_clear_of_the_nerve(content_copy: Path) -> None:
    assert diagram_problems(content_copy) == []
    assert not [p for p in check_content(content_copy) if "/landmarks/" in p.file]


def test_an_arc_near_the_zone_is_reported_at_its_path(content_copy: Path) -> None:
    # Just above the PSIS-to-trochanter line: about 2.5 cm from the zone, far from the nerve.
    line_number = set_path(content_copy, "sweep-arcs", "M 262 150 Q 270 155 276 160")
    (problem,) = diagram_problems(content_copy)
    assert (problem.field, problem.line) == ("shapes.6.path", line_number)
    assert "pressing shape 'sweep-arcs' comes 2." in problem.message
    assert "from no-press shape 'no-press-zone'" in problem.message
    assert "must keep 5 cm away, half of the 10 cm tool of 'muscular-minesweeper'" in (
        problem.message
    )


def test_an_arc_inside_the_zone_is_reported_against_the_zone_and_the_nerve(
    content_copy: Path,
) -> None:
    set_path(content_copy, "sweep-arcs", "M 330 300 Q 320 320 310 330")
    problems = diagram_problems(content_copy)
    assert {p.field for p in problems} == {"shapes.6.path"}
    assert ["comes 0.0 cm from no-press shape 'no-press-zone'" in p.message for p in problems] == [
        True,
        False,
    ]
    assert "no-press shape 'sciatic-nerve'" in problems[1].message


def test_an_arc_by_the_mirrored_zone_counts_too(content_copy: Path) -> None:
    # On the right, where only the zone's mirror image is: 800 - 262 = 538.
    set_path(content_copy, "sweep-arcs", "M 538 150 Q 530 155 524 160")
    (problem,) = diagram_problems(content_copy)
    assert "comes 2." in problem.message


def test_a_zone_narrower_than_the_widest_tool_is_reported(content_copy: Path) -> None:
    # A 6 cm strip: a tennis ball (6.7 cm) would not fit it, nor a 10 cm fist.
    line_number = set_path(
        content_copy, "no-press-zone", "M 330 200 L 390 200 L 390 500 L 330 500 Z"
    )
    (problem,) = diagram_problems(content_copy)
    assert (problem.field, problem.line) == ("shapes.7.path", line_number)
    assert "no-press shape 'no-press-zone' is 6.0 cm wide at its widest" in problem.message
    assert "at least as wide as the 10 cm tool of 'muscular-minesweeper' variant 'partner'" in (
        problem.message
    )


def test_the_pressing_area_touching_the_zone_is_reported(content_copy: Path) -> None:
    # Its lower corner pokes just under the PSIS-to-trochanter line, away from the nerve.
    square = "M 240 100 L 275 100 L 255 200 L 240 200 Z"
    line_number = set_path(content_copy, "pressing-area", square)
    (problem,) = diagram_problems(content_copy)
    assert (problem.field, problem.line) == ("shapes.5.path", line_number)
    assert "pressing shape 'pressing-area' comes 0.0 cm from no-press shape 'no-press-zone'" in (
        problem.message
    )


def test_the_widest_tool_sets_the_distance_and_the_width(content_copy: Path) -> None:
    """A 12 cm fist needs 6 cm of room, more than the arcs and the area have, and a zone at
    least 12 cm wide, more than the 11.9 cm drawn."""
    file = content_copy / "en" / SELF_TEST
    text = re.sub(r"tool_width_cm: [\d.]+", "tool_width_cm: 12", file.read_text(), count=1)
    file.write_text(text, encoding="utf-8")
    problems = diagram_problems(content_copy)
    assert [p.field for p in problems] == ["shapes.5.path", "shapes.6.path", "shapes.7.path"]
    assert all(
        "the 12 cm tool of 'muscular-minesweeper' variant 'partner'" in p.message for p in problems
    )
    assert "it must keep 6 cm away" in problems[1].message
    assert "is 11.9 cm wide at its widest" in problems[2].message


def test_without_a_scale_a_diagram_is_not_valid(content_copy: Path) -> None:
    file = content_copy / "en" / DIAGRAM
    text = re.sub(r"units_per_cm: .*\n", "", file.read_text(encoding="utf-8"))
    file.write_text(text, encoding="utf-8")
    (problem,) = diagram_problems(content_copy)
    assert problem.field == "units_per_cm"
