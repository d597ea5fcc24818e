"""The parts every figure shares: the title and filters above, a legend in rows, and the
notes, export date and attribution below (in CSS pixels, measured with the PNG's font)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.render.figures.scene import Marks, Rect, Scene, Shape, Style, Text, text_width, wrap

MARGIN = 16.0
TITLE_PX = 18.0
TEXT_PX = 12.0
SMALL_PX = 10.5
LINE = 1.35
INK = "#222222"
MUTED = "#555555"


@dataclass(frozen=True)
class Captions:
    """The texts around a figure, already in the reader's language."""

    title: str
    filters: str
    """The filters in words ("Filters applied: ...")."""
    made: str
    """When the figure was made ("Exported 3 Dec 2026, 16:40 UTC")."""
    coverage: str = ""
    """What the data cover (e.g. the last day of the curated events)."""
    attribution: tuple[str, ...] = ()
    """The datasets' attribution lines, then any notice (Natural Earth for a map)."""
    notes: tuple[str, ...] = ()
    """What the figure itself says about what it draws (merged marks, events out of view)."""


@dataclass(frozen=True)
class LegendItem:
    label: str
    style: Style
    kind: str = "swatch"
    """``swatch`` (a small box), ``line``, or ``circle`` of radius ``radius``."""
    radius: float = 6.0


def header(scene: Scene, captions: Captions, width: float) -> float:
    """Title and filters at the top; returns the y where the body starts."""
    y = MARGIN + TITLE_PX
    for line in wrap(captions.title, TITLE_PX, width - 2 * MARGIN, bold=True):
        scene.add(Text(MARGIN, y, line, TITLE_PX, bold=True, colour=INK))
        y += TITLE_PX * LINE
    y += 2
    for line in wrap(captions.filters, TEXT_PX, width - 2 * MARGIN):
        scene.add(Text(MARGIN, y, line, TEXT_PX, colour=MUTED))
        y += TEXT_PX * LINE
    return y + 4


def legend(
    scene: Scene, items: Sequence[LegendItem], top: float, width: float, heading: str = ""
) -> float:
    """The legend in rows from ``top`` (items wrap at the figure's width); returns the y
    under it."""
    if not items:
        return top
    y = top
    if heading:
        y += TEXT_PX
        scene.add(Text(MARGIN, y, heading, TEXT_PX, bold=True, colour=INK))
        y += 6
    rows: list[list[tuple[LegendItem, float, float]]] = [[]]
    x = MARGIN
    for item in items:
        symbol = 2 * item.radius if item.kind == "circle" else 18.0
        needed = symbol + 6 + text_width(item.label, TEXT_PX) + 18
        if x > MARGIN and x + needed > width - MARGIN:
            rows.append([])
            x = MARGIN
        rows[-1].append((item, x, symbol))
        x += needed
    for row in rows:
        height = max([TEXT_PX * LINE, *(2 * i.radius + 4 for i, _, _ in row if i.kind == "circle")])
        y += height / 2 + 2
        for item, x, symbol in row:
            if item.kind == "circle":
                scene.add(
                    Marks(
                        np.array([x + item.radius]),
                        np.array([y]),
                        np.array([item.radius]),
                        item.style,
                    )
                )
            elif item.kind == "line":
                scene.add(Shape((np.array([[x, y], [x + symbol, y]]),), item.style, closed=False))
            else:
                scene.add(Rect(x, y - 6, symbol, 12, item.style))
            scene.add(Text(x + symbol + 6, y + TEXT_PX * 0.35, item.label, TEXT_PX, colour=INK))
        y += height / 2 + 2
    return y + 4


def footer(scene: Scene, captions: Captions, top: float, width: float) -> float:
    """Notes, date and coverage, attribution; returns the figure's height."""
    y = top + 4
    blocks = [
        (list(captions.notes), TEXT_PX, INK),
        ([" · ".join(p for p in (captions.made, captions.coverage) if p)], SMALL_PX, MUTED),
        (list(captions.attribution), SMALL_PX, MUTED),
    ]
    for lines, size, colour in blocks:
        for text in lines:
            if not text:
                continue
            for line in wrap(text, size, width - 2 * MARGIN):
                y += size * LINE
                scene.add(Text(MARGIN, y, line, size, colour=colour))
        y += 4
    return y + MARGIN
