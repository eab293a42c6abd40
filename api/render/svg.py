"""The diagram as a picture: SVG drawn from a diagram's shapes, with what a view names highlighted.

A self-test or a diagram draws the whole picture; a step draws it with the landmarks and
techniques the step names in full colour and the rest faded; a landmark or technique draws it
with itself in full colour. Colour is never the only cue: each style has its own pattern
(hatched areas, banded lines, dashed arrows), every shape is labelled, and the key names each
colour in words. Presentation attributes only, no ``style`` and no script, so the same markup
is a standalone file and inline in a handout under the page's content security policy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel

from api.bundle import resources as v
from api.content.models import DiagramColour, DiagramShape
from api.render.context import RenderContext

MEDIA_TYPE = "image/svg+xml"
SUFFIX = v.SVG_SUFFIX
NAME = "Svg"
TAG = "svg"
PHRASE = "as a picture of its diagram (SVG)"
DESCRIPTION = (
    "What a diagram shows, as a picture (`image/svg+xml`): a self-test whole, a step, "
    "landmark or technique highlighted; the `.svg` suffix (`links.diagram`), or `Accept: "
    "image/svg+xml`. A resource no diagram shows answers 406."
)
VIEWS = (v.DiagramView, v.SelfTestView, v.StepView, v.LandmarkView, v.TechniqueView)

# Colour -> (main, dark edge). Chosen apart in lightness as well as hue: yellow is light, green
# mid, blue dark, so they stay distinct to the common colour-vision deficiencies.
PALETTE: dict[DiagramColour, tuple[str, str]] = {
    "green": ("#2e8b57", "#14532d"),
    "blue": ("#1f5fbf", "#0b2e66"),
    "yellow": ("#f2c200", "#5c4a00"),
}
NEUTRAL = {"outline": ("#efe6d6", "#6b6259"), "area": ("#f6dccb", "#b98b70")}
NEUTRAL_LINE = "#4a423b"
FADED = "0.25"
KEY_ROW = 26
MIN_PRINTED_PT = 9.5  # no text of a printed picture is smaller (clear print: 9 pt at the least)


@dataclass(frozen=True)
class Drawing:
    """What to draw for a view: a diagram, and the items shown in full (None: everything)."""

    diagram_id: str
    title: str
    highlight: frozenset[tuple[str, str]] | None = None


def drawing_of(view: BaseModel) -> Drawing | None:
    """The drawing a view has, or None when no diagram shows it."""
    match view:
        case v.DiagramView():
            return Drawing(view.id, view.title)
        case v.SelfTestView() if view.diagram_id:
            return Drawing(view.diagram_id, view.name)
        case v.StepView() if view.diagram_id:
            shown = {("landmarks", i) for i in view.landmark_ids}
            shown |= {("techniques", i) for i in view.technique_ids}
            return Drawing(view.diagram_id, f"{view.number}. {view.title}", frozenset(shown))
        case v.LandmarkView() if view.diagram_id:
            return Drawing(view.diagram_id, view.name, frozenset({("landmarks", view.id)}))
        case v.TechniqueView() if view.diagram_id:
            return Drawing(view.diagram_id, view.name, frozenset({("techniques", view.id)}))
    return None


def draws(view: BaseModel) -> bool:
    return drawing_of(view) is not None


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view's picture as a standalone SVG document."""
    return picture(view, context, "fascia-diagram").encode("utf-8")


def caption(view: BaseModel, context: RenderContext) -> str:
    """The picture's title: what it highlights, then the diagram's own title."""
    drawing = drawing_of(view)
    assert drawing is not None
    return f"{drawing.title}: {_diagram(drawing, context).title}"


def _diagram(drawing: Drawing, context: RenderContext) -> v.DiagramView:
    diagram = context.item("diagrams", drawing.diagram_id)
    assert isinstance(diagram, v.DiagramView), "references to diagrams are checked at build"
    return diagram


def badge_size(view: BaseModel, context: RenderContext, printed_pt: float) -> int:
    """The font size, in the diagram's units, of numbers that print at ``MIN_PRINTED_PT`` or
    more when the picture is ``printed_pt`` points wide."""
    drawing = drawing_of(view)
    assert drawing is not None
    return math.ceil(MIN_PRINTED_PT * _diagram(drawing, context).width / printed_pt)


def legend(view: BaseModel, context: RenderContext) -> tuple[str, ...]:
    """What each number of a numbered picture (``picture(..., badge=...)``) marks, in words and
    in its order: the shapes shown in full, with their colour."""
    drawing = drawing_of(view)
    assert drawing is not None
    diagram = _diagram(drawing, context)
    shown = [s for s in diagram.shapes if _shown(s, drawing.highlight)]
    return tuple(f"{n}: {_named(s, context)}" for n, s in enumerate(shown, 1))


def picture(view: BaseModel, context: RenderContext, prefix: str, badge: int = 0) -> str:
    """The view's picture as an ``<svg>`` element; ``prefix`` keeps its ids unique in a page.
    With ``badge`` (a font size), the shapes shown in full carry numbers that size instead of
    their names, and the key is left out: for print, where names small enough to fit would be
    too small to read, the handout lists the numbers in words beside the picture (``legend``)."""
    drawing = drawing_of(view)
    if drawing is None:
        raise ValueError(f"no diagram shows this {type(view).__name__}")
    diagram = _diagram(drawing, context)
    shown = [s for s in diagram.shapes if _shown(s, drawing.highlight)]
    faded = [s for s in diagram.shapes if not _shown(s, drawing.highlight)]
    colours = [c for c in PALETTE if any(s.colour == c for s in diagram.shapes)]
    keyed = [] if badge else colours  # a numbered picture's key is its legend, in words
    height = diagram.height + (KEY_ROW * (len(keyed) + 1) if keyed else 0)
    description = diagram.description
    if drawing.highlight is not None:
        names = ", ".join(_named(s, context) for s in shown) or "-"
        description += " " + context.label("diagram_faded").format(shown=names)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" lang="{context.locale}" '
        f'viewBox="0 0 {diagram.width} {height}" width="{diagram.width}" height="{height}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="DejaVu Sans, Arial, '
        'sans-serif">',
        f'<title id="{prefix}-title">{escape(drawing.title)}: {escape(diagram.title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
        _definitions(prefix, colours),
        f'<rect width="{diagram.width}" height="{height}" fill="#ffffff"/>',
        *_shapes(diagram, faded, prefix),
        *(
            (_badge(s, n, badge) for n, s in enumerate(shown, 1))
            if badge
            else (_label(s, faded=s in faded) for s in diagram.shapes)
        ),
        *_key(diagram, keyed, context, prefix),
        "</svg>",
    ]
    return "\n".join(parts)


def _shapes(diagram: v.DiagramView, faded: list[DiagramShape], prefix: str) -> Iterator[str]:
    """The shapes in the diagram's own order, so that what lies on top stays on top (the nerve on
    the zone, the zone on the bone beneath it). Faded shapes are see-through, so what a step
    names shows through one lying over it; each run of them is faded as one group, so that where
    they overlap (a faded nerve on a faded zone) they do not add up to full colour."""
    run: list[str] = []
    for shape in diagram.shapes:
        if shape in faded:
            run.append(_shape(shape, diagram.width, prefix, faded=True))
            continue
        if run:
            yield f'<g opacity="{FADED}">{"".join(run)}</g>'
            run = []
        yield _shape(shape, diagram.width, prefix, faded=False)
    if run:
        yield f'<g opacity="{FADED}">{"".join(run)}</g>'


def _shown(shape: DiagramShape, highlight: frozenset[tuple[str, str]] | None) -> bool:
    if highlight is None:
        return True
    return ("landmarks", shape.landmark_id) in highlight or (
        "techniques",
        shape.technique_id,
    ) in highlight


def _named(shape: DiagramShape, context: RenderContext) -> str:
    if shape.colour is None:
        return shape.label
    return f"{shape.label} ({context.label(f'diagram_colour.{shape.colour}')})"


def _definitions(prefix: str, colours: list[DiagramColour]) -> str:
    """A hatch pattern for each colour's areas and an arrowhead for its arrows."""
    found = []
    for colour in colours:
        main, dark = PALETTE[colour]
        found.append(
            f'<pattern id="{prefix}-hatch-{colour}" patternUnits="userSpaceOnUse" width="9" '
            f'height="9" patternTransform="rotate(45)"><rect width="9" height="9" fill="{main}"/>'
            f'<rect width="3" height="9" fill="{dark}"/></pattern>'
            f'<marker id="{prefix}-arrow-{colour}" viewBox="0 0 10 10" refX="6" refY="5" '
            f'markerWidth="4" markerHeight="4" orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 Z" fill="{main}"/></marker>'
        )
    return f"<defs>{''.join(found)}</defs>"


def _shape(shape: DiagramShape, width: int, prefix: str, faded: bool) -> str:
    attributes = f'data-shape="{shape.id}"'
    if shape.landmark_id:
        attributes += f' data-landmark="{shape.landmark_id}"'
    if shape.technique_id:
        attributes += f' data-technique="{shape.technique_id}"'
    if faded:
        attributes += ' data-faded="true"'  # drawn in a group at the faded opacity
    paths = _subpaths(shape.path) if shape.style == "arrows" else [shape.path]
    drawn = [_strokes(shape, d, prefix) for d in paths]
    if shape.mirror:
        mirrored = f'<g transform="matrix(-1 0 0 1 {width} 0)">{"".join(drawn)}</g>'
        drawn.append(mirrored)
    return f"<g {attributes}>{''.join(drawn)}</g>"


def _strokes(shape: DiagramShape, d: str, prefix: str) -> str:
    """One path in the shape's style: areas hatched, lines banded, arrows dashed."""
    d = quoteattr(d)
    colour = shape.colour
    if colour is None:
        fill, edge = NEUTRAL["area" if shape.style == "area" else "outline"]
        if shape.style in ("line", "arrows"):
            # A white halo underneath keeps a thin neutral line readable over a hatched area.
            return (
                f'<path d={d} fill="none" stroke="#ffffff" stroke-width="6" '
                'stroke-linejoin="round"/>'
                f'<path d={d} fill="none" stroke="{NEUTRAL_LINE}" stroke-width="3" '
                'stroke-linejoin="round"/>'
            )
        # A neutral area (soft tissue) lies over the bones: see-through, so they show.
        see_through = ' fill-opacity="0.6"' if shape.style == "area" else ""
        return f'<path d={d} fill="{fill}"{see_through} stroke="{edge}" stroke-width="2"/>'
    main, dark = PALETTE[colour]
    match shape.style:
        case "area" | "outline":
            hatch = f"url(#{prefix}-hatch-{colour})"
            return f'<path d={d} fill="{hatch}" stroke="{dark}" stroke-width="2"/>'
        case "arrows":
            return (
                f'<path d={d} fill="none" stroke="{main}" stroke-width="4" '
                f'stroke-dasharray="10 6" marker-end="url(#{prefix}-arrow-{colour})"/>'
            )
    return (
        f'<path d={d} fill="none" stroke="{dark}" stroke-width="11" stroke-linecap="round"/>'
        f'<path d={d} fill="none" stroke="{main}" stroke-width="7" stroke-linecap="round"/>'
        f'<path d={d} fill="none" stroke="{dark}" stroke-width="2" stroke-dasharray="2 7"/>'
    )


def _subpaths(path: str) -> list[str]:
    """``M ... M ...`` split at each move, so that every arrow gets its own head."""
    starts = [i for i, c in enumerate(path) if c in "Mm"]
    return [path[a:b].strip() for a, b in zip(starts, [*starts[1:], len(path)], strict=True)]


def _label(shape: DiagramShape, faded: bool) -> str:
    x, y = shape.label_at
    opacity = f' opacity="{FADED}"' if faded else ""
    line = ""
    anchor = "middle"
    if shape.points_to is not None:
        to_x, to_y = shape.points_to
        anchor = "start" if to_x < x else "end"
        line = (
            f'<line x1="{x:g}" y1="{y:g}" x2="{to_x:g}" y2="{to_y:g}" stroke="#333333" '
            'stroke-width="1.2"/>'
            f'<circle cx="{to_x:g}" cy="{to_y:g}" r="2.5" fill="#333333"/>'
        )
    text_x = x + (4 if anchor == "start" else -4 if anchor == "end" else 0)
    # The white halo is a copy underneath, not paint-order: PDF typesetters ignore that.
    place = f'x="{text_x:g}" y="{y + 5:g}" text-anchor="{anchor}" font-size="14"'
    label = escape(shape.label)
    return (
        f'<g data-label="{shape.id}"{opacity}>{line}'
        f'<text {place} fill="#ffffff" stroke="#ffffff" stroke-width="4" aria-hidden="true">'
        f"{label}</text>"
        f'<text {place} fill="#1a1a1a">{label}</text></g>'
    )


def _badge(shape: DiagramShape, number: int, size: int) -> str:
    """A number where the shape's name would be, ringed, with the name's pointer line."""
    x, y = shape.label_at
    line = ""
    if shape.points_to is not None:
        to_x, to_y = shape.points_to
        x += size * 0.8 if to_x < x else -size * 0.8 if to_x > x else 0
        line = (
            f'<line x1="{x:g}" y1="{y:g}" x2="{to_x:g}" y2="{to_y:g}" stroke="#1a1a1a" '
            'stroke-width="2"/>'
            f'<circle cx="{to_x:g}" cy="{to_y:g}" r="3.5" fill="#1a1a1a"/>'
        )
    ring = (
        f'<circle cx="{x:g}" cy="{y:g}" r="{size * 0.72:g}" fill="#ffffff" stroke="#1a1a1a" '
        'stroke-width="2.5"/>'
    )
    text = (
        f'<text x="{x:g}" y="{y + size * 0.36:g}" text-anchor="middle" font-size="{size}" '
        f'font-weight="bold" fill="#1a1a1a">{number}</text>'
    )
    return f'<g data-label="{shape.id}">{line}{ring}{text}</g>'


def _key(
    diagram: v.DiagramView, colours: list[DiagramColour], context: RenderContext, prefix: str
) -> Iterator[str]:
    """A key under the picture: each colour by name, drawn in its style, with what it shows."""
    if not colours:
        return
    top = diagram.height + KEY_ROW
    yield f'<text x="16" y="{top - 6}" font-size="14" font-weight="bold" fill="#1a1a1a">'
    yield f"{escape(context.label('diagram_key'))}</text>"
    for row, colour in enumerate(colours):
        y = top + row * KEY_ROW
        shapes = [s for s in diagram.shapes if s.colour == colour]
        sample = shapes[0].model_copy(update={"path": f"M 16 {y + 8} L 52 {y + 8}"})
        if sample.style in ("area", "outline"):
            sample = sample.model_copy(
                update={"path": f"M 16 {y} L 52 {y} L 52 {y + 16} L 16 {y + 16} Z"}
            )
        text = f"{context.label(f'diagram_colour.{colour}')}: " + ", ".join(s.label for s in shapes)
        yield f'<g data-key="{colour}">{_strokes(sample, sample.path, prefix)}'
        yield (
            f'<text x="62" y="{y + 13}" font-size="14" fill="#1a1a1a">'
            f"{escape(text[:1].upper() + text[1:])}</text></g>"
        )
