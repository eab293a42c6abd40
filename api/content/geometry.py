"""SVG path data, checked: the subset of the path grammar a diagram may use, read into commands.

Diagram shapes are content, so a malformed path must fail at build time with its file and line,
never reach a browser as a broken picture. The grammar is SVG 1.1's path data (section 8.3)
without implicit command repetition beyond whole argument groups: each command letter is
followed by one or more complete groups of numbers.
"""

from __future__ import annotations

import re

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
