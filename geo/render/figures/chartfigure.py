"""A chart of the Analysis page as a figure: vertical bars (stacked per group), horizontal
bars (one bar per series and category) or lines with a band (the range of known deaths),
from the same aggregates the page's chart draws; with title, axis titles, legend, filters,
date and attribution (:mod:`geo.render.figures.layout`). A time chart also draws its
milestones (coups, the charter...) as labelled dashed lines, as the page's chart does."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.i18n.catalogue import format_number
from geo.render.figures.layout import (
    MARGIN,
    TEXT_PX,
    Captions,
    LegendItem,
    footer,
    header,
    legend,
)
from geo.render.figures.scene import Rect, Scene, Shape, Style, Text, text_width

WIDTH_PX = 960.0
PLOT_HEIGHT_PX = 320.0
BAR_ROW_PX = 22.0
LABEL_PX = 11.0
GRID = Style(None, 0, "#E3E3E3", 1.0)
AXIS = Style(None, 0, "#777777", 1.0)
MILESTONE_DASH = (4.0, 3.0)
LANE_PX = 150.0
"""Vertical room of a milestone label's lane (a longer label is shortened)."""
LANE_GAP_PX = LABEL_PX + 3
"""Width a turned label takes beside its line; closer labels go one lane lower."""


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: Sequence[float]
    low: Sequence[float] | None = None
    """For ``lines``: the band's lower edge (``values`` is its upper edge and the line)."""


@dataclass(frozen=True)
class Milestone:
    """A dated event drawn across a time chart: a dashed vertical line and its label."""

    at: float
    """Where along the categories: 0 the first category's start, ``len(categories)`` the
    last one's end (a day within a month: its month's index plus the fraction gone)."""
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    kind: str
    """``bars`` (vertical, stacked), ``hbars`` (horizontal, side by side) or ``lines``."""
    categories: Sequence[str]
    series: Sequence[Series]
    value_title: str
    category_title: str = ""
    legend_title: str = ""
    percent: bool = False
    milestones: Sequence[Milestone] = ()
    """For ``bars`` and ``lines``; outside ``0..len(categories)`` they are left out."""
    milestone_legend: str = ""
    """The legend's entry for the dashed lines (none: no entry)."""


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round steps from 0 to at least ``top`` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _tick_label(value: float, chart: Chart, lang: str) -> str:
    if chart.percent:
        return f"{format_number(value * 100, lang)} %" if lang == "fr" else f"{value * 100:.0f}%"
    decimals = 0 if float(value).is_integer() else 1
    return format_number(value, lang, decimals)


def _values(series: Series, n: int) -> np.ndarray:
    values = np.nan_to_num(np.asarray(series.values, float)[:n], nan=0.0)
    return np.pad(values, (0, n - len(values)))


def chart_scene(chart: Chart, captions: Captions, lang: str) -> Scene:
    """The figure of ``chart``."""
    width = WIDTH_PX
    scene = Scene(width, 0, captions.title)
    top = header(scene, captions, width) + 8
    n = len(chart.categories)
    if chart.kind == "hbars":
        bottom = _hbars(scene, chart, top, width, lang)
    else:
        bottom = _vertical(scene, chart, top, width, lang, n)
    items = [
        LegendItem(s.label, Style(s.colour, 0.85 if chart.kind != "lines" else 0.3, s.colour, 1.0))
        for s in chart.series
    ]
    items = items if len(items) > 1 else []
    if chart.milestone_legend and _shown_milestones(chart):
        dash = Style(None, 0, "#222222", 1.5, MILESTONE_DASH)
        items.append(LegendItem(chart.milestone_legend, dash, kind="line"))
    y = legend(scene, items, bottom + 4, width, chart.legend_title)
    scene.height = footer(scene, captions, y, width)
    return scene


def _vertical(scene: Scene, chart: Chart, top: float, width: float, lang: str, n: int) -> float:
    values = [_values(s, n) for s in chart.series]
    if chart.kind == "bars":
        highest = float(np.sum(values, axis=0).max()) if values and n else 0.0
    else:
        highest = float(max((v.max() for v in values if len(v)), default=0.0))
    ticks = nice_ticks(highest)
    labels = [_tick_label(t, chart, lang) for t in ticks]
    left = MARGIN + 22 + max(text_width(lb, LABEL_PX) for lb in labels) + 6
    right = width - MARGIN
    plot_h = PLOT_HEIGHT_PX
    base = top + plot_h

    def y_of(value: np.ndarray | float) -> np.ndarray:
        return base - np.asarray(value, float) / ticks[-1] * plot_h

    for tick, label in zip(ticks, labels, strict=True):
        ty = float(y_of(tick))
        scene.add(Shape((np.array([[left, ty], [right, ty]]),), GRID, closed=False))
        scene.add(Text(left - 6, ty + 4, label, LABEL_PX, colour="#444444", anchor="end"))
    scene.add(
        Text(
            MARGIN + 12, top + plot_h / 2, chart.value_title, TEXT_PX, anchor="middle", rotate=True
        )
    )
    step = (right - left) / max(n, 1)
    if chart.kind == "bars":
        stacked = np.zeros(n)
        for series, vals in zip(chart.series, values, strict=True):
            style = Style(series.colour, 0.9, None)
            for k in np.flatnonzero(vals > 0):
                y1 = float(y_of(stacked[k] + vals[k]))
                scene.add(
                    Rect(
                        left + k * step + step * 0.1,
                        y1,
                        step * 0.8,
                        float(y_of(stacked[k])) - y1,
                        style,
                    )
                )
            stacked += vals
    else:
        xs = left + (np.arange(n) + 0.5) * step
        for series, vals in zip(chart.series, values, strict=True):
            if series.low is not None and n:
                low = _values(Series("", "", series.low), n)
                ring = np.vstack(
                    [
                        np.column_stack([xs, y_of(vals)]),
                        np.column_stack([xs[::-1], y_of(low)[::-1]]),
                    ]
                )
                scene.add(Shape((ring,), Style(series.colour, 0.25, None)))
            if n:
                scene.add(
                    Shape(
                        (np.column_stack([xs, y_of(vals)]),),
                        Style(None, 0, series.colour, 1.5),
                        closed=False,
                    )
                )
    _milestones(scene, chart, left, step, top, base)
    scene.add(Shape((np.array([[left, base], [right, base]]),), AXIS, closed=False))
    # Category labels: as many as fit side by side, evenly spaced.
    widest = max((text_width(c, LABEL_PX) for c in chart.categories), default=0.0) + 8
    every = max(1, math.ceil(widest / max(step, 1e-9)))
    for i in range(0, n, every):
        scene.add(
            Text(
                left + (i + 0.5) * step,
                base + 14,
                chart.categories[i],
                LABEL_PX,
                colour="#444444",
                anchor="middle",
            )
        )
    y = base + 16
    if chart.category_title:
        y += TEXT_PX * 1.4
        scene.add(Text((left + right) / 2, y, chart.category_title, TEXT_PX, anchor="middle"))
    return y + 6


def _shown_milestones(chart: Chart) -> list[Milestone]:
    if chart.kind == "hbars":
        return []
    n = len(chart.categories)
    return sorted((m for m in chart.milestones if 0 <= m.at <= n), key=lambda m: m.at)


def label_lanes(xs: Sequence[float], gap: float = LANE_GAP_PX) -> list[tuple[str, int]]:
    """Where each milestone's label goes, for lines at ``xs`` (in order): ``left`` or
    ``right`` of its line and a lane (0 at the top). Greedy: the first free place among
    left of the line, right of it, then the same one lane lower (the page's chart does the
    same, ``geo.ui.analysis.rule_lanes``)."""
    taken: dict[int, list[tuple[float, float]]] = {}
    placed: list[tuple[str, int]] = []
    for x in xs:
        lane = 0
        while True:
            spot = next(
                (
                    (side, span)
                    for side, span in (("left", (x - gap, x)), ("right", (x, x + gap)))
                    if all(span[1] <= a or span[0] >= b for a, b in taken.get(lane, []))
                ),
                None,
            )
            if spot is not None:
                break
            lane += 1
        taken.setdefault(lane, []).append(spot[1])
        placed.append((spot[0], lane))
    return placed


def _shortened(label: str, room: float) -> str:
    while text_width(label, LABEL_PX) > room and len(label) > 2:
        label = label[:-2] + "…"
    return label


def _milestones(
    scene: Scene, chart: Chart, left: float, step: float, top: float, base: float
) -> None:
    """The milestones' dashed lines, and their labels reading upwards from the plot's top,
    each on a white ground (over the bars)."""
    shown = _shown_milestones(chart)
    xs = [left + m.at * step for m in shown]
    lanes = max(1, int((base - top) // LANE_PX))
    for m, x, (side, lane) in zip(shown, xs, label_lanes(xs), strict=True):
        scene.add(
            Shape(
                (np.array([[x, top], [x, base]]),),
                Style(None, 0, m.colour, 1.5, MILESTONE_DASH),
                closed=False,
            )
        )
        label = _shortened(m.label, LANE_PX - 10)
        y = top + 4 + (lane % lanes) * LANE_PX
        glyph = LABEL_PX * 0.8  # the turned text's thickness, left of its baseline
        tx = x - 2 if side == "left" else x + 2 + glyph
        length = text_width(label, LABEL_PX)
        scene.add(Rect(tx - glyph - 1, y - 1, glyph + 3, length + 2, Style("#FFFFFF", 0.8)))
        scene.add(Text(tx, y, label, LABEL_PX, colour=m.colour, anchor="end", rotate=True))


def _hbars(scene: Scene, chart: Chart, top: float, width: float, lang: str) -> float:
    n = len(chart.categories)
    values = [_values(s, n) for s in chart.series]
    # A missing value (NaN) draws no bar and no number (not a bar of 0).
    missing = [
        np.pad(np.isnan(np.asarray(s.values, float)[:n]), (0, max(0, n - len(s.values))))
        for s in chart.series
    ]
    highest = float(max((v.max() for v in values if len(v)), default=0.0))
    ticks = nice_ticks(highest)
    label_room = min(
        max((text_width(c, LABEL_PX) for c in chart.categories), default=0) + 10, width * 0.4
    )
    left = MARGIN + label_room
    right = width - MARGIN - 40
    row = BAR_ROW_PX * max(1, len(chart.series)) + 6
    plot_h = row * n
    base = top + plot_h

    def x_of(value: float) -> float:
        return left + value / ticks[-1] * (right - left)

    for tick in ticks:
        tx = x_of(tick)
        scene.add(Shape((np.array([[tx, top], [tx, base]]),), GRID, closed=False))
        scene.add(
            Text(
                tx,
                base + 14,
                _tick_label(tick, chart, lang),
                LABEL_PX,
                colour="#444444",
                anchor="middle",
            )
        )
    for i, category in enumerate(chart.categories):
        y0 = top + i * row + 3
        label = category
        while text_width(label, LABEL_PX) > label_room - 10 and len(label) > 2:
            label = label[:-2] + "…"
        scene.add(Text(left - 6, y0 + row / 2 + 1, label, LABEL_PX, anchor="end"))
        for j, (series, vals) in enumerate(zip(chart.series, values, strict=True)):
            if missing[j][i]:
                continue
            by = y0 + j * BAR_ROW_PX
            scene.add(
                Rect(
                    left,
                    by + 2,
                    x_of(vals[i]) - left,
                    BAR_ROW_PX - 4,
                    Style(series.colour, 0.9, None),
                )
            )
            scene.add(
                Text(
                    x_of(vals[i]) + 4,
                    by + BAR_ROW_PX / 2 + 4,
                    _tick_label(vals[i], chart, lang),
                    LABEL_PX - 1,
                    colour="#444444",
                )
            )
    scene.add(Shape((np.array([[left, top], [left, base]]),), AXIS, closed=False))
    y = base + 16 + TEXT_PX * 1.4
    scene.add(Text((left + right) / 2, y, chart.value_title, TEXT_PX, anchor="middle"))
    return y + 6
