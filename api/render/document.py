"""A small document model shared by the Markdown and HTML handouts.

Builders turn views into a ``Document``; the Markdown and HTML renderers only serialise it, so
both handouts always carry the same headings, steps, warnings, disclaimer and attribution.
Texts here are plain: each renderer escapes them for its own syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.content.models import Severity


@dataclass(frozen=True)
class Heading:
    level: int  # 2..6; the document title is the only level 1
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    untranslated: bool = False


@dataclass(frozen=True)
class Facts:
    """Label: value pairs; ``inline`` ones print as one run of text (a footer's dates)."""

    rows: tuple[tuple[str, str], ...]
    inline: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class LinkList:
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Callout:
    """A warning, set apart by severity: a stop warning cannot be missed. A handout states each
    warning in full once; where it applies again, a brief callout names it and refers back."""

    severity: Severity
    label: str  # "Stop", "Caution", "Note" in the document's language
    title: str
    text: str  # for a brief callout: where the warning was stated in full
    items: tuple[str, ...] = ()  # questions or signs listed inside the box
    brief: bool = False  # one line that refers to where it was stated in full


@dataclass(frozen=True)
class Figure:
    """A diagram: drawn inline where markup allows (``svg``), else linked (``href``, ``alt``).
    A numbered picture lists what its numbers mark in ``legend``; ``beside`` sets it beside the
    text it belongs to (a step's) rather than across the page."""

    svg: str
    href: str
    alt: str
    legend: tuple[str, ...] = ()
    beside: bool = False


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    instruction: str
    details: tuple[tuple[str, str], ...] = ()
    callouts: tuple[Callout, ...] = ()
    figure: Figure | None = None


@dataclass(frozen=True)
class Steps:
    """A numbered list of steps, in order."""

    steps: tuple[Step, ...]


Block = Heading | Paragraph | Facts | Bullets | LinkList | Callout | Steps | Figure


@dataclass(frozen=True)
class Document:
    title: str
    lang: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    notice: str | None = None  # shown at the top, e.g. that parts fell back to English
    draft: str | None = None  # first of all, while the content is not signed off
    paper: str = "a4"  # how it is printed: the paper, in large print or not, and whether
    large_print: bool = False  # the addresses of its links are printed (only public ones)
    print_links: bool = False


# Print geometry, shared by the stylesheet and the pictures sized for it: the page margin, the
# narrower paper's text width (A4: 210 mm less the margins), the share of it a whole picture
# takes (its legend beside it) and the share a step's picture takes beside the step.
MARGIN_MM = 15
TEXT_WIDTH_PT = (210 - 2 * MARGIN_MM) * 72 / 25.4
ACROSS = 0.45
BESIDE = 0.33
