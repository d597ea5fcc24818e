"""A figure as plain data: filled shapes, lines, marks and texts, in CSS pixels.

Both writers (:mod:`geo.render.figures.svg`, :mod:`geo.render.figures.png`) read only this,
so the SVG and the PNG of a figure show the same things. Texts are measured with the PNG's
font (:func:`text_width`) so that the layout (wrapping, legends) is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
from PIL import ImageFont

FONT_FILES: tuple[str, ...] = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Arial.ttf",
)
BOLD_FONT_FILES: tuple[str, ...] = (
    "DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "Arial Bold.ttf",
)
"""Fonts tried in turn for the PNG: a system font with the accents French needs (Pillow's
own default font has none: "é" would be a box); Pillow's default only when none is found."""
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
"""The SVG's font: the PNG's first, then fonts of about the same width."""


@cache
def font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The PNG's font at ``size`` pixels."""
    for name in BOLD_FONT_FILES if bold else FONT_FILES:
        try:
            return ImageFont.truetype(name, size=max(1, round(size)))
        except OSError:
            continue
    return ImageFont.load_default(size=max(1, round(size)))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in CSS pixels (measured at four times the size, for precision)."""
    return float(font(size * 4, bold).getlength(text)) / 4


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (at spaces; a longer word stays whole)."""
    lines: list[str] = []
    current = ""
    # At ASCII spaces only: str.split() would also cut at the no-break spaces of French
    # numbers ("14 517 176") and before French punctuation.
    for word in (w for w in text.split(" ") if w):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Style:
    """How a shape or a mark is painted (colours as ``#rrggbb``; no fill: ``None``)."""

    fill: str | None = None
    fill_opacity: float = 1.0
    stroke: str | None = None
    stroke_width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Shape:
    """Polygons (``rings``: their exteriors, ``holes``: their interiors; polygons of one
    shape never overlap) or, ``closed=False``, polylines; points are (n, 2) arrays."""

    rings: tuple[np.ndarray, ...]
    style: Style
    closed: bool = True
    holes: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class Marks:
    """Circles of one style at ``x``, ``y`` with radii ``r`` (arrays of the same length)."""

    x: np.ndarray
    y: np.ndarray
    r: np.ndarray
    style: Style


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    style: Style


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    """The baseline."""
    text: str
    size: float = 12.0
    bold: bool = False
    colour: str = "#222222"
    anchor: str = "start"
    """``start``, ``middle`` or ``end``."""
    rotate: bool = False
    """Turned a quarter anticlockwise around (x, y) (a vertical axis title)."""


@dataclass
class Scene:
    """A figure: its size and what is drawn, in drawing order; ``clip`` (x, y, width,
    height) bounds the items listed in ``clipped`` (the map frame)."""

    width: float
    height: float
    title: str
    items: list[Shape | Marks | Rect | Text] = field(default_factory=list)
    clip: tuple[float, float, float, float] | None = None
    clipped: list[Shape | Marks | Rect | Text] = field(default_factory=list)
    background: str = "#FFFFFF"

    def add(self, *items: Shape | Marks | Rect | Text) -> None:
        self.items.extend(items)

    def add_clipped(self, *items: Shape | Marks | Rect | Text) -> None:
        self.clipped.extend(items)
