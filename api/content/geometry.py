"""SVG path data, checked: the subset of the path grammar a diagram may use, read into commands.

Diagram shapes are content, so a malformed path must fail at build time with its file and line,
never reach a browser as a broken picture. The grammar is SVG 1.1's path data (section 8.3)
without implicit command repetition beyond whole argument groups: each command letter is
followed by one or more complete groups of numbers.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import partial

# Numbers each command takes per group; upper case is absolute, lower case relative.
ARGUMENTS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
_TOKEN = re.compile(
    r"\s*(?:([MLHVCSQTAZmlhvcsqtaz])|(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))\s*,?"
)

Command = tuple[str, tuple[float, ...]]


def parse_path(data: str) -> tuple[Command, ...]:
    """The commands of ``data``; ValueError saying what is wrong where it is not path data."""
    commands: list[tuple[str, list[float]]] = []
    position = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        if match is None or match.end() == position:
            raise ValueError(f"path: unexpected {data[position : position + 10]!r} at {position}")
        letter, number = match.groups()
        if letter:
            commands.append((letter, []))
        elif not commands:
            raise ValueError("path must start with a move (M)")
        else:
            commands[-1][1].append(float(number))
        position = match.end()
    if not commands or commands[0][0] not in "Mm":
        raise ValueError("path must start with a move (M)")
    for letter, numbers in commands:
        size = ARGUMENTS[letter.upper()]
        if (size == 0 and numbers) or (size and (not numbers or len(numbers) % size)):
            group = f"groups of {size} numbers" if size else "no numbers"
            raise ValueError(f"path: {letter} takes {group}, got {len(numbers)}")
    return tuple((letter, tuple(numbers)) for letter, numbers in commands)


def absolute_points(commands: tuple[Command, ...]) -> list[tuple[float, float]]:
    """Every end and control point of the path, made absolute (arcs contribute their ends)."""
    points: list[tuple[float, float]] = []
    x = y = start_x = start_y = 0.0
    for letter, numbers in commands:
        upper, relative = letter.upper(), letter.islower()
        size = ARGUMENTS[upper]
        if upper == "Z":
            x, y = start_x, start_y
            continue
        for index in range(0, len(numbers), size):
            group = numbers[index : index + size]
            base_x, base_y = (x, y) if relative else (0.0, 0.0)
            if upper == "H":
                x = group[0] + (x if relative else 0.0)
            elif upper == "V":
                y = group[0] + (y if relative else 0.0)
            else:
                pairs = group[5:7] if upper == "A" else group
                for px, py in zip(pairs[::2], pairs[1::2], strict=True):
                    points.append((base_x + px, base_y + py))
                x, y = points[-1]
            points.append((x, y))
            if upper == "M" and index == 0:
                start_x, start_y = x, y
    return points


def bounds(data: str) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the path's points: a box the shape's outline lies in."""
    points = absolute_points(parse_path(data))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


# --- Distances: paths flattened into polylines, measured in plain Python --------------------------

Point = tuple[float, float]
CURVE_STEPS = 8  # points each curve or arc is sampled at: chords off the curve by far under a mm


@dataclass(frozen=True)
class Outline:
    """One subpath of a path as a polyline; ``filled``: it encloses an area (its inside counts)."""

    points: tuple[Point, ...]
    filled: bool


def flatten(data: str, *, filled: bool = False, steps: int = CURVE_STEPS) -> tuple[Outline, ...]:
    """The subpaths of ``data`` as polylines, curves and arcs sampled at ``steps`` points each.

    A subpath closed with ``Z`` encloses an area; so does every subpath when ``filled`` (a shape
    drawn filled, which closes each subpath whether or not it ends in ``Z``).
    """
    outlines: list[Outline] = []
    current: list[Point] = []
    closed = False
    start: Point = (0.0, 0.0)
    pen = _Pen()
    for letter, numbers in parse_path(data):
        upper, size = letter.upper(), ARGUMENTS[letter.upper()]
        if upper == "Z":
            current.append(start)
            pen.at, pen.previous, closed = start, "Z", True
            continue
        for index in range(0, len(numbers), size):
            group = numbers[index : index + size]
            if upper == "M" and index == 0:
                if current:
                    outlines.append(Outline(tuple(current), filled or closed))
                start = pen.move(group, relative=letter.islower())
                current, closed = [start], False
                continue
            if closed:  # drawing on after Z starts a new subpath where the last one started
                outlines.append(Outline(tuple(current), filled or closed))
                current, closed = [start], False
            current.extend(pen.draw(upper, group, relative=letter.islower(), steps=steps))
    if current:
        outlines.append(Outline(tuple(current), filled or closed))
    return tuple(outlines)


@dataclass
class _Pen:
    """Where drawing is, and the last control point (for the smooth curves S and T)."""

    at: Point = (0.0, 0.0)
    control: Point | None = None
    previous: str = ""

    def move(self, group: tuple[float, ...], *, relative: bool) -> Point:
        self.at = self._point(group[0], group[1], relative=relative)
        self.previous = "M"
        return self.at

    def draw(
        self, upper: str, group: tuple[float, ...], *, relative: bool, steps: int
    ) -> list[Point]:
        x, y = self.at
        if upper == "H":
            points = [(group[0] + (x if relative else 0.0), y)]
        elif upper == "V":
            points = [(x, group[0] + (y if relative else 0.0))]
        elif upper in "ML":
            points = [self._point(group[0], group[1], relative=relative)]
        elif upper == "A":
            end = self._point(group[5], group[6], relative=relative)
            points = _arc(self.at, group[:5], end, steps) or [end]
        else:
            points = self._curve(upper, group, relative=relative, steps=steps)
        if upper not in "CSQT":
            self.control = None
        self.at, self.previous = points[-1], upper
        return points

    def _curve(
        self, upper: str, group: tuple[float, ...], *, relative: bool, steps: int
    ) -> list[Point]:
        pairs = [
            self._point(*group[i : i + 2], relative=relative) for i in (0, 2, 4)[: size_of(upper)]
        ]
        smooth = {"S": "CS", "T": "QT"}.get(upper)
        if smooth is not None:
            reflected = _reflect(self.control, self.at) if self.previous in smooth else self.at
            pairs.insert(0, reflected)
        end = pairs[-1]
        if upper in "CS":
            first, second = pairs[0], pairs[1]
            self.control = second
        else:
            self.control = pairs[0]
            first, second = _quadratic_as_cubic(self.at, pairs[0], end)
        return _cubic(self.at, first, second, end, steps)

    def _point(self, px: float, py: float, *, relative: bool) -> Point:
        return (px + self.at[0], py + self.at[1]) if relative else (px, py)


def size_of(upper: str) -> int:
    """How many points a curve command's group holds (control points and end)."""
    return ARGUMENTS[upper] // 2


def mirrored(outlines: tuple[Outline, ...], width: float) -> tuple[Outline, ...]:
    """The outlines reflected about the vertical centre line of a picture ``width`` wide."""
    return tuple(
        Outline(tuple((width - px, py) for px, py in o.points), o.filled) for o in outlines
    )


def segment_distance(point: Point, a: Point, b: Point) -> float:
    """The distance from ``point`` to the segment from ``a`` to ``b``."""
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def contains(polygon: tuple[Point, ...], point: Point) -> bool:
    """Whether ``point`` is inside ``polygon`` (even-odd rule; the last point joins the first)."""
    px, py = point
    inside = False
    for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def distance(first: Outline, second: Outline) -> float:
    """The least distance between two outlines; 0 where they cross or one lies inside the other
    (inside only counts for a filled outline)."""
    if first.filled and any(contains(first.points, p) for p in second.points):
        return 0.0
    if second.filled and any(contains(second.points, p) for p in first.points):
        return 0.0
    edges_a, edges_b = _edges(first), _edges(second)
    if any(_cross(a, b) for a in edges_a for b in edges_b):
        return 0.0
    return min(
        min(
            (segment_distance(p, *edge) for p in first.points for edge in edges_b), default=math.inf
        ),
        min(
            (segment_distance(p, *edge) for p in second.points for edge in edges_a),
            default=math.inf,
        ),
    )


def nearest(
    first: tuple[Outline, ...], second: tuple[Outline, ...], within: float = math.inf
) -> tuple[float, Point]:
    """The least distance between any outline of ``first`` and any of ``second``, and the point
    of ``first`` nearest ``second`` (to say where). Pairs of outlines whose boxes lie ``within``
    or more apart are not measured: the distance is then that of the boxes, a lower bound."""
    best, pair = math.inf, (first[0], second[0])
    for a in first:
        for b in second:
            found = _box_gap(a, b)
            if found < within:
                found = distance(a, b)
            if found < best:
                best, pair = found, (a, b)
    a, b = pair
    return best, min(a.points, key=partial(_clearance, outline=b))


def _box_gap(first: Outline, second: Outline) -> float:
    (ax, ay), (bx, by) = zip(*first.points, strict=True), zip(*second.points, strict=True)
    gap_x = max(min(bx) - max(ax), min(ax) - max(bx), 0.0)
    gap_y = max(min(by) - max(ay), min(ay) - max(by), 0.0)
    return math.hypot(gap_x, gap_y)


def _clearance(point: Point, outline: Outline) -> float:
    """How far ``point`` is from ``outline``; negative inside a filled one."""
    edges = _edges(outline)
    gap = min(segment_distance(point, *edge) for edge in edges)
    return -gap if outline.filled and contains(outline.points, point) else gap


def inscribed_diameter(polygon: tuple[Point, ...], grid: int = 24) -> float:
    """The diameter of the largest circle inside ``polygon``: how wide the area is at its widest.

    A grid search refined around the best few centres. It can only come out a little small,
    never too large, so a check that an area is at least so wide errs on the safe side.
    """
    edges = list(zip(polygon, polygon[1:] + polygon[:1], strict=True))
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]

    def clearance(point: Point) -> float:
        if not contains(polygon, point):
            return 0.0
        return min(segment_distance(point, a, b) for a, b in edges)

    step_x, step_y = (max(xs) - min(xs)) / grid, (max(ys) - min(ys)) / grid
    candidates = sorted(
        (
            (clearance(c), c)
            for c in (
                (min(xs) + (i + 0.5) * step_x, min(ys) + (j + 0.5) * step_y)
                for i in range(grid)
                for j in range(grid)
            )
        ),
        reverse=True,
    )[:4]
    best = max(candidates)[0] if candidates else 0.0
    for found, centre in candidates:
        radius, (cx, cy) = found, centre
        step = max(step_x, step_y)
        while step > 1e-3 * max(step_x, step_y, 1e-9):
            moves = [(cx + step * u, cy + step * v) for u, v in _DIRECTIONS]
            better, point = max((clearance(p), p) for p in moves)
            if better > radius:
                radius, (cx, cy) = better, point
            else:
                step /= 2
        best = max(best, radius)
    return 2 * best


_DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7)]


def _edges(outline: Outline) -> list[tuple[Point, Point]]:
    points = outline.points
    edges = list(itertools.pairwise(points))
    if outline.filled and len(points) > 2 and points[0] != points[-1]:
        edges.append((points[-1], points[0]))
    return edges or [(points[0], points[0])]


def _cross(first: tuple[Point, Point], second: tuple[Point, Point]) -> bool:
    """Whether two segments intersect (touching counts)."""
    (a, b), (c, d) = first, second

    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    if ((d1 > 0) != (d2 > 0) and d1 * d2 != 0) and ((d3 > 0) != (d4 > 0) and d3 * d4 != 0):
        return True
    return any(
        abs(s) < 1e-12 and segment_distance(p, q, r) < 1e-9
        for s, p, q, r in ((d1, a, c, d), (d2, b, c, d), (d3, c, a, b), (d4, d, a, b))
    )


def _reflect(control: Point | None, about: Point) -> Point:
    if control is None:
        return about
    return (2 * about[0] - control[0], 2 * about[1] - control[1])


def _quadratic_as_cubic(start: Point, control: Point, end: Point) -> tuple[Point, Point]:
    return (
        (start[0] + 2 / 3 * (control[0] - start[0]), start[1] + 2 / 3 * (control[1] - start[1])),
        (end[0] + 2 / 3 * (control[0] - end[0]), end[1] + 2 / 3 * (control[1] - end[1])),
    )


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int) -> list[Point]:
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return points


def _arc(start: Point, numbers: tuple[float, ...], end: Point, steps: int) -> list[Point]:
    """An elliptical arc as points (SVG 1.1 implementation notes F.6.5 and F.6.6)."""
    rx, ry, rotation, large, sweep = abs(numbers[0]), abs(numbers[1]), *numbers[2:5]
    if start == end:
        return []
    if rx == 0 or ry == 0:
        return [end]
    phi = math.radians(rotation)
    cos, sin = math.cos(phi), math.sin(phi)
    hx, hy = (start[0] - end[0]) / 2, (start[1] - end[1]) / 2
    x1, y1 = cos * hx + sin * hy, -sin * hx + cos * hy
    scale = (x1 * x1) / (rx * rx) + (y1 * y1) / (ry * ry)
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    numerator = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    denominator = rx * rx * y1 * y1 + ry * ry * x1 * x1
    factor = math.sqrt(max(0.0, numerator / denominator))
    if bool(large) == bool(sweep):
        factor = -factor
    cx1, cy1 = factor * rx * y1 / ry, -factor * ry * x1 / rx
    cx = cos * cx1 - sin * cy1 + (start[0] + end[0]) / 2
    cy = sin * cx1 + cos * cy1 + (start[1] + end[1]) / 2

    def angle(ux: float, uy: float) -> float:
        return math.atan2(uy, ux)

    theta = angle((x1 - cx1) / rx, (y1 - cy1) / ry)
    delta = angle((-x1 - cx1) / rx, (-y1 - cy1) / ry) - theta
    if sweep and delta < 0:
        delta += 2 * math.pi
    elif not sweep and delta > 0:
        delta -= 2 * math.pi
    points = []
    for i in range(1, steps + 1):
        a = theta + delta * i / steps
        ex, ey = rx * math.cos(a), ry * math.sin(a)
        points.append((cos * ex - sin * ey + cx, sin * ex + cos * ey + cy))
    points[-1] = end
    return points
