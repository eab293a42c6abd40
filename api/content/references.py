"""Cross-reference checks: every id a content file names must exist, and both ends are reported."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from api.content import geometry, models, terminology
from api.content.diagnostics import ContentProblem
from api.content.loader import LoadedItem, problem_at
from api.content.yamlfile import FieldPath

# Field name -> the kind folder its ids point into.
REFERENCE_FIELDS: dict[str, str] = {
    "source_ids": "sources",
    "muscle_ids": "muscles",
    "related_muscle_ids": "muscles",
    "action_ids": "actions",
    "landmark_ids": "landmarks",
    "condition_ids": "conditions",
    "technique_ids": "techniques",
    "self_test_ids": "self-tests",
    "warning_ids": "warnings",
    "disclaimer_id": "warnings",
    "landmark_id": "landmarks",
    "technique_id": "techniques",
    "diagram_id": "diagrams",
}


def find_broken_references(
    items: Iterable[LoadedItem], failed_ids: frozenset[tuple[str, str]]
) -> list[ContentProblem]:
    """Problems for ids that name nothing; ids of files that failed to load are not repeated."""
    items = list(items)
    known = {(item.kind, item.id) for item in items} | failed_ids
    self_tests = {m.id: m for item in items if isinstance(m := item.model, models.SelfTest)}
    colours = {
        (item.kind, item.id): getattr(item.model, "diagram_colour", None)
        for item in items
        if item.kind in ("landmarks", "techniques")
    }
    no_press = frozenset(
        m.id for item in items if isinstance(m := item.model, models.Landmark) and m.avoid_pressure
    )
    warnings = [m for item in items if isinstance(m := item.model, models.SafetyWarning)]
    # The stop warnings that apply to each self-test: a self-test's steps are checked against
    # these alone, so that the check does not grow with the square of the library.
    stops = _stops_by_self_test(warnings)
    warnings_by_id = {warning.id: warning for warning in warnings}
    landmarks = {m.id: m for item in items if isinstance(m := item.model, models.Landmark)}
    by_diagram: dict[str, list[models.SelfTest]] = {}
    for self_test in self_tests.values():
        if self_test.diagram_id is not None:
            by_diagram.setdefault(self_test.diagram_id, []).append(self_test)
    problems: list[ContentProblem] = []
    for item in items:
        for path, kind, target in _references(item.model, ()):
            if (kind, target) not in known:
                message = (
                    f"no {kind.removesuffix('s')} with id {target!r} (no {kind}/{target}.yaml)"
                )
                problems.append(_at(item, path, message))
        if isinstance(item.model, models.SafetyWarning):
            problems.extend(_target_problems(item, item.model, self_tests, failed_ids))
        if isinstance(item.model, models.Guide):
            problems.extend(_disclaimer_problems(item, item.model, warnings_by_id))
        if isinstance(item.model, models.SelfTest):
            problems.extend(_default_variant_problems(item, item.model))
            applying = stops.get(item.model.id, [])
            problems.extend(_pressing_step_problems(item, item.model, no_press, applying))
        if isinstance(item.model, models.Diagram):
            drawn_by = by_diagram.get(item.model.id, [])
            problems.extend(_diagram_problems(item, item.model, colours, landmarks, drawn_by))
        if isinstance(item.model, models.Condition):
            problems.extend(_code_source_problems(item, item.model))
    red_flags = [i for i in items if isinstance(i.model, models.SafetyWarning) and i.model.urgency]
    regions = [item for item in items if item.kind == "regions"]
    problems.extend(_region_problems(regions, red_flags[0] if red_flags else None))
    return problems


def _region_problems(
    regions: list[LoadedItem], red_flag: LoadedItem | None
) -> Iterator[ContentProblem]:
    """A default region (no countries, id ``default``) where red flags need advice, and no
    country in two regions."""
    seen: dict[str, str] = {}
    for item in regions:
        region = item.model
        assert isinstance(region, models.Region)
        if not region.countries and region.id != models.DEFAULT_REGION:
            message = f"only the {models.DEFAULT_REGION!r} region may have no countries"
            yield _at(item, ("countries",), message)
        if region.countries and region.id == models.DEFAULT_REGION:
            yield _at(item, ("countries",), "the default region is for every other country")
        for index, country in enumerate(region.countries):
            if country in seen:
                message = f"{country} is already in region {seen[country]!r}"
                yield _at(item, ("countries", index), message)
            seen.setdefault(country, region.id)
    if red_flag is not None and not any(item.id == models.DEFAULT_REGION for item in regions):
        message = f"red flags need regions/{models.DEFAULT_REGION}.yaml: advice for any country"
        yield _at(red_flag, ("urgency",), message)


def _code_source_problems(item: LoadedItem, condition: models.Condition) -> list[ContentProblem]:
    """A clinical code is checked against its terminology, which the condition cites."""
    problems = []
    for index, code in enumerate(condition.codes):
        system = terminology.BY_NAME.get(code.system)
        if system is not None and system.source_id not in condition.source_ids:
            message = (
                f"{code.system} code {code.code!r} needs the terminology it was checked against "
                f"in source_ids ({system.source_id!r})"
            )
            problems.append(_at(item, ("codes", index, "system"), message))
    return problems


def _stops_by_self_test(
    warnings: list[models.SafetyWarning],
) -> dict[str, list[models.SafetyWarning]]:
    stops: dict[str, list[models.SafetyWarning]] = {}
    for warning in warnings:
        if warning.severity == "stop":
            for named in dict.fromkeys(t.self_test for t in warning.applies_to if t.self_test):
                stops.setdefault(named, []).append(warning)
    return stops


def _default_variant_problems(item: LoadedItem, self_test: models.SelfTest) -> list[ContentProblem]:
    ids = [variant.id for variant in self_test.variants]
    if self_test.default_variant in ids:
        return []
    message = f"default_variant {self_test.default_variant!r} is not one of {ids}"
    return [_at(item, ("default_variant",), message)]


def _pressing_step_problems(
    item: LoadedItem,
    self_test: models.SelfTest,
    no_press: frozenset[str],
    warnings: list[models.SafetyWarning],
) -> Iterator[ContentProblem]:
    """Safety by design: where a self-test names a landmark not to press on (a nerve), every
    step that presses names it too, and a stop warning that protects it applies to that step."""
    named = {i for variant in self_test.variants for s in variant.steps for i in s.landmark_ids}
    guarded = sorted(named & no_press)
    for v_index, variant in enumerate(self_test.variants):
        for s_index, step in enumerate(variant.steps):
            if step.pressure == "none":
                continue
            at: FieldPath = ("variants", v_index, "steps", s_index)
            for landmark_id in guarded:
                if landmark_id not in step.landmark_ids:
                    message = (
                        f"step {step.number} of {variant.id!r} presses but does not name "
                        f"{landmark_id!r}, a landmark not to press on"
                    )
                    yield _at(item, (*at, "landmark_ids"), message)
                if not any(
                    _protects(w, landmark_id, self_test.id, variant.id, step.number)
                    for w in warnings
                ):
                    message = (
                        f"step {step.number} of {variant.id!r} presses but no stop warning "
                        f"protecting {landmark_id!r} applies to it"
                    )
                    yield _at(item, (*at, "pressure"), message)


def _protects(
    warning: models.SafetyWarning, landmark_id: str, self_test: str, variant: str, number: int
) -> bool:
    if warning.severity != "stop" or landmark_id not in warning.landmark_ids:
        return False
    return any(
        target.self_test == self_test
        and target.variant in (None, variant)
        and (not target.steps or number in target.steps)
        for target in warning.applies_to
    )


def _diagram_problems(
    item: LoadedItem,
    diagram: models.Diagram,
    colours: dict[tuple[str, str], models.DiagramColour | None],
    landmarks: dict[str, models.Landmark],
    self_tests: list[models.SelfTest],
) -> Iterator[ContentProblem]:
    """Each shape inside the picture, in the colour of the landmark or technique it shows; and
    pressing kept a tool's radius from what must not be pressed (``_pressing_problems``)."""
    yield from _pressing_problems(item, diagram, landmarks, self_tests)
    for index, shape in enumerate(diagram.shapes):
        at: FieldPath = ("shapes", index)
        left, top, right, bottom = geometry.bounds(shape.path)
        if left < 0 or top < 0 or right > diagram.width or bottom > diagram.height:
            box = f"{diagram.width}x{diagram.height}"
            yield _at(item, (*at, "path"), f"shape {shape.id!r} reaches outside the {box} picture")
        for name in ("label_at", "points_to"):
            point = getattr(shape, name)
            if point is not None and (point[0] > diagram.width or point[1] > diagram.height):
                yield _at(item, (*at, name), f"{point} is outside the picture")
        key = ("landmarks", shape.landmark_id) if shape.landmark_id else None
        key = ("techniques", shape.technique_id) if shape.technique_id else key
        if key is None or key not in colours:
            if key is None and shape.colour is not None:
                message = "only a shape showing a landmark or technique has a colour"
                yield _at(item, (*at, "colour"), message)
            continue
        if shape.colour != colours[key]:
            expected = colours[key] or "none (the item has no diagram_colour)"
            message = (
                f"colour {shape.colour or 'none'!r} differs from the diagram_colour of "
                f"{key[0].removesuffix('s')} {key[1]!r}: {expected}"
            )
            yield _at(item, (*at, "colour"), message)


def _pressing_problems(
    item: LoadedItem,
    diagram: models.Diagram,
    landmarks: dict[str, models.Landmark],
    self_tests: list[models.SelfTest],
) -> Iterator[ContentProblem]:
    """Safety by geometry. The widest tool of the self-tests drawn with this diagram must fit in
    every no-press shape (an ``avoid_pressure`` landmark's area: its largest inscribed circle at
    least as wide as the tool), and every pressing shape (a technique's, or a ``pressing_area``
    landmark's) must keep half that width away from every no-press shape, mirrored copies
    included. Distances are in centimetres, by ``units_per_cm``."""
    tools = [(v.tool_width_cm, t.id, v.id) for t in self_tests for v in t.variants]
    if not tools:
        return
    width, self_test, variant = max(tools)
    tool = f"the {width:g} cm tool of {self_test!r} variant {variant!r}"
    scale = diagram.units_per_cm
    no_press, pressing = [], []
    for index, shape in enumerate(diagram.shapes):
        landmark = landmarks.get(shape.landmark_id or "")
        if landmark is not None and landmark.avoid_pressure:
            no_press.append((index, shape))
        elif shape.technique_id is not None or (landmark is not None and landmark.pressing_area):
            pressing.append((index, shape))
    for index, shape in no_press:
        if shape.style not in ("area", "outline"):
            continue  # a line (the nerve) has no width; its area is the zone around it
        widest = _widest(shape.path)
        if widest < width * scale:
            message = (
                f"no-press shape {shape.id!r} is {widest / scale:.1f} cm wide at its widest (the "
                f"largest circle inside it); it must be at least as wide as {tool}"
            )
            yield _at(item, ("shapes", index, "path"), message)
    for index, shape in pressing:
        for _, zone in no_press:
            keep = width / 2 * scale
            gap, (x, y) = _gap(_drawing(shape), _drawing(zone), diagram.width, keep)
            if gap < keep:
                message = (
                    f"pressing shape {shape.id!r} comes {gap / scale:.1f} cm from no-press shape "
                    f"{zone.id!r} (near [{x:.0f}, {y:.0f}]); it must keep {width / 2:g} cm away, "
                    f"half of {tool}"
                )
                yield _at(item, ("shapes", index, "path"), message)


# The geometry of a path depends on its text alone, and a library repeats its diagrams (a guide's
# copies, a picture per step): each is measured once per process, whatever the library's size.
Drawing = tuple[str, bool, bool]  # path, filled, mirrored


def _drawing(shape: models.DiagramShape) -> Drawing:
    return shape.path, shape.style in ("area", "outline"), shape.mirror


@functools.lru_cache(maxsize=4096)
def _widest(path: str) -> float:
    """The diameter of the largest circle inside the filled path."""
    return max(
        geometry.inscribed_diameter(outline.points)
        for outline in geometry.flatten(path, filled=True)
    )


@functools.lru_cache(maxsize=4096)
def _outlines(drawing: Drawing, width: int) -> tuple[geometry.Outline, ...]:
    """A shape as drawn: its subpaths, and their mirror image when it is mirrored."""
    path, filled, mirror = drawing
    outlines = geometry.flatten(path, filled=filled)
    return outlines + (geometry.mirrored(outlines, width) if mirror else ())


@functools.lru_cache(maxsize=16_384)
def _gap(shape: Drawing, zone: Drawing, width: int, keep: float) -> tuple[float, geometry.Point]:
    """``geometry.nearest`` of two shapes as drawn, pairs ``keep`` apart left unmeasured."""
    return geometry.nearest(_outlines(shape, width), _outlines(zone, width), keep)


def _references(model: BaseModel, path: FieldPath) -> Iterator[tuple[FieldPath, str, str]]:
    for name, value in model:
        if name in REFERENCE_FIELDS and value is not None:
            kind = REFERENCE_FIELDS[name]
            if isinstance(value, str):
                yield (*path, name), kind, value
            else:
                for index, target in enumerate(value):
                    yield (*path, name, index), kind, target
        elif isinstance(value, BaseModel):
            yield from _references(value, (*path, name))
        elif isinstance(value, tuple):
            for index, element in enumerate(value):
                if isinstance(element, BaseModel):
                    yield from _references(element, (*path, name, index))


def _target_problems(
    item: LoadedItem,
    warning: models.SafetyWarning,
    self_tests: dict[str, models.SelfTest],
    failed_ids: frozenset[tuple[str, str]],
) -> Iterator[ContentProblem]:
    for index, target in enumerate(warning.applies_to):
        path: FieldPath = ("applies_to", index)
        if target.condition is not None:
            continue  # resolved below with the other condition ids
        assert target.self_test is not None
        self_test = self_tests.get(target.self_test)
        if self_test is None:
            if ("self-tests", target.self_test) not in failed_ids:
                message = f"no self-test with id {target.self_test!r}"
                yield _at(item, (*path, "self_test"), message)
            continue
        if target.variant is None:
            continue
        variants = {variant.id: variant for variant in self_test.variants}
        variant = variants.get(target.variant)
        if variant is None:
            message = f"self-test {self_test.id!r} has no variant {target.variant!r}"
            yield _at(item, (*path, "variant"), f"{message} (it has {', '.join(variants)})")
            continue
        for step_index, number in enumerate(target.steps):
            if number > len(variant.steps):
                message = f"variant {variant.id!r} of {self_test.id!r} has no step {number}"
                yield _at(item, (*path, "steps", step_index), message)


def _disclaimer_problems(
    item: LoadedItem, guide: models.Guide, warnings: dict[str, models.SafetyWarning]
) -> Iterator[ContentProblem]:
    warning = warnings.get(guide.disclaimer_id)
    if warning is not None and warning.kind != "disclaimer":
        message = f"warning {warning.id!r} is a {warning.kind}, not a disclaimer"
        yield _at(item, ("disclaimer_id",), message)


def _at(item: LoadedItem, path: FieldPath, message: str) -> ContentProblem:
    return problem_at(item.file, path, message)
