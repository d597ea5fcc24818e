"""The map as the reader sees it (its centre, zoom and size), with its legend, title,
filters, date and attribution, as a :class:`~geo.render.figures.scene.Scene`.

Boundaries and zones are clipped to the view and simplified to a quarter pixel; the events
are the points the map draws (the page's block, :mod:`geo.render.pointlayer`), in its
drawing order and styles. Every event in the view is drawn; events whose marks would fall
on the same pixel with the same style and size share one mark, and the figure says how
many marks it drew for how many events (a file of a few hundred thousand identical circles
would say nothing more, at megabytes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.i18n.catalogue import format_number, translate
from geo.model.countries import country_name
from geo.render.figures.layout import (
    MARGIN,
    Captions,
    LegendItem,
    footer,
    header,
    legend,
)
from geo.render.figures.projection import View
from geo.render.figures.scene import Marks, Rect, Scene, Shape, Style, Text, text_width
from geo.render.palette import BACKGROUND, MAP_COLOURS
from geo.render.pointlayer import DATASET_SLOTS, DRAW_ORDER, legend_sizes, style_table

SIMPLIFY_PX = 0.25
MIN_WIDTH_PX = 640.0
MAX_WIDTH_PX = 1600.0

CONTEXT = Style(MAP_COLOURS["context_fill"], 0.9, MAP_COLOURS["context_line"], 0.8)
MEMBER = Style(MAP_COLOURS["member_fill"], 0.25, MAP_COLOURS["member_line"], 2.5)
REGION = Style(MAP_COLOURS["member_fill"], 0.12, MAP_COLOURS["region_line"], 1.0)
ALG = Style(MAP_COLOURS["alg"], 0.08, MAP_COLOURS["alg"], 3.0, (8.0, 4.0))
CORE = Style(MAP_COLOURS["core"], 0.12, MAP_COLOURS["core"], 2.0)
TRIPOINT = Style(MAP_COLOURS["core"], 1.0, "#FFFFFF", 2.0)
SELECTED = Style(None, 0.0, MAP_COLOURS["selection"], 3.5)
LABEL_COLOUR = "#5A2406"


@dataclass(frozen=True)
class Points:
    """The events the map draws, in its drawing order (``style``: an index of
    :func:`geo.render.pointlayer.style_table`; ``radius`` in CSS pixels)."""

    lng: np.ndarray
    lat: np.ndarray
    radius: np.ndarray
    style: np.ndarray

    @classmethod
    def from_block(cls, decoded: Mapping[str, np.ndarray], drawn: np.ndarray) -> Points:
        """The drawn points of a decoded block (:func:`geo.render.pointlayer.decode`)."""
        keep = np.asarray(drawn, bool)
        return cls(
            np.asarray(decoded["lng"], float)[keep],
            np.asarray(decoded["lat"], float)[keep],
            np.asarray(decoded["radius"], float)[keep],
            np.asarray(decoded["style"], np.int64)[keep],
        )


@dataclass(frozen=True)
class Zones:
    """The layers drawn over the boundaries, when shown."""

    alg: shapely.Geometry | None = None
    core: shapely.Geometry | None = None
    tripoint: shapely.Point | None = None
    selection: shapely.Geometry | None = None


@dataclass(frozen=True)
class Fill:
    """A choropleth: each unit's colour (``colours``, by id) and its legend."""

    units: gpd.GeoDataFrame
    colours: Mapping[str, str]
    legend: Sequence[tuple[str, str]]
    """(colour, label) pairs."""
    heading: str = ""
    opacity: float = 0.8


def frame_view(view: View) -> View:
    """``view`` with its size kept within what a report page takes."""
    width = min(max(view.width, MIN_WIDTH_PX), MAX_WIDTH_PX)
    height = min(max(view.height, 240.0), MAX_WIDTH_PX)
    return View(view.lat, view.lng, view.zoom, width, height)


def _projected(view: View, geometry: shapely.Geometry) -> shapely.Geometry:
    """``geometry`` clipped to the view (with a margin) and in the view's pixels."""
    west, south, east, north = view.bounds()
    pad_x, pad_y = (east - west) * 0.05, (north - south) * 0.05
    clipped = shapely.clip_by_rect(
        geometry, west - pad_x, south - pad_y, east + pad_x, north + pad_y
    )
    if clipped.is_empty:
        return clipped

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = view.to_px(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.simplify(shapely.transform(clipped, project), SIMPLIFY_PX)


def _rings(
    geometry: shapely.Geometry,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """(exteriors, holes, lines) of a geometry's parts, as (n, 2) arrays."""
    exteriors, holes, lines = [], [], []
    for part in shapely.get_parts(geometry):
        if isinstance(part, shapely.Polygon) and not part.is_empty:
            exteriors.append(np.asarray(part.exterior.coords)[:, :2])
            holes += [np.asarray(r.coords)[:, :2] for r in part.interiors]
        elif isinstance(part, shapely.LineString | shapely.LinearRing) and not part.is_empty:
            lines.append(np.asarray(part.coords)[:, :2])
        elif isinstance(part, shapely.GeometryCollection | shapely.MultiPolygon):
            e, h, ln = _rings(part)
            exteriors, holes, lines = exteriors + e, holes + h, lines + ln
    return exteriors, holes, lines


def _shape(view: View, geometries: Sequence[shapely.Geometry], style: Style) -> list[Shape]:
    exteriors, holes, lines = [], [], []
    for geometry in geometries:
        if geometry is None or geometry.is_empty:
            continue
        e, h, ln = _rings(_projected(view, geometry))
        exteriors, holes, lines = exteriors + e, holes + h, lines + ln
    out = []
    if exteriors:
        out.append(Shape(tuple(exteriors), style, holes=tuple(holes)))
    if lines:
        out.append(Shape(tuple(lines), Style(None, 0, style.stroke, style.stroke_width), False))
    return out


@dataclass(frozen=True)
class MarkCounts:
    in_view: int
    """Events whose point is in the view."""
    outside: int
    """Events drawn by the map but outside the view."""
    drawn: int
    """Events whose mark reaches into the view (each of them is drawn)."""
    marks: int
    """Marks drawn for them (fewer when some share a pixel, a style and a size)."""


def merged_marks(
    view: View, points: Points, table: Sequence[dict]
) -> tuple[list[Marks], MarkCounts]:
    """The marks of ``points`` in ``view`` (one per pixel, style and size), grouped by style
    in the map's drawing order; and how many events and marks they are."""
    x, y = view.to_px(points.lng, points.lat)
    reach = points.radius + 4
    inside = (x >= -reach) & (x <= view.width + reach) & (y >= -reach) & (y <= view.height + reach)
    in_view = int(np.count_nonzero((x >= 0) & (x <= view.width) & (y >= 0) & (y <= view.height)))
    x, y, r, s = x[inside], y[inside], points.radius[inside], points.style[inside]
    marks: list[Marks] = []
    drawn = 0
    _, first = np.unique(s, return_index=True)
    for style_index in s[np.sort(first)]:
        one = s == style_index
        gx, gy, gr = x[one], y[one], r[one]
        key = (
            (np.rint(gx).astype(np.int64) + 100_000) * 400_000
            + (np.rint(gy).astype(np.int64) + 100_000)
        ) * 256 + np.rint(gr * 4).astype(np.int64)
        _, keep = np.unique(key, return_index=True)
        keep = np.sort(keep)
        entry = table[int(style_index)]
        style = Style(
            entry["fill"],
            float(entry["fillOpacity"]),
            entry["line"],
            float(entry["weight"]),
            tuple(entry["dash"]),
        )
        marks.append(Marks(gx[keep], gy[keep], gr[keep], style))
        drawn += len(keep)
    counts = MarkCounts(in_view, len(points.lng) - in_view, int(np.count_nonzero(inside)), drawn)
    return marks, counts


def _event_legend(styles: np.ndarray, table: Sequence[dict], lang: str) -> list[LegendItem]:
    present = {int(s) for s in np.unique(styles)}
    layers = sorted({s % len(DRAW_ORDER) for s in present})
    slots = sorted({s // len(DRAW_ORDER) for s in present})
    items = []
    for rank in layers:
        entry = table[rank]
        items.append(
            LegendItem(
                entry["label"],
                Style(
                    entry["fill"],
                    float(entry["fillOpacity"]),
                    entry["line"],
                    float(entry["weight"]),
                    tuple(entry["dash"]),
                ),
                "circle",
                6.0,
            )
        )
    if len(slots) > 1:
        insurgency = DRAW_ORDER.index("insurgency")
        for slot in slots:
            entry = table[insurgency + len(DRAW_ORDER) * slot]
            items.append(
                LegendItem(
                    translate(f"fig_outline_{DATASET_SLOTS[slot]}", lang),
                    Style(
                        entry["fill"],
                        float(entry["fillOpacity"]),
                        entry["line"],
                        float(entry["weight"]),
                        tuple(entry["dash"]),
                    ),
                    "circle",
                    6.0,
                )
            )
    return items


def _scale_bar(scene: Scene, view: View, left: float, bottom: float, lang: str) -> None:
    """A bar of a round number of km, about a sixth of the frame wide, at its bottom left."""
    km_per_px = view.metres_per_px() / 1000
    target = view.width / 6 * km_per_px
    nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000]
    km = max([n for n in nice if n <= target] or [nice[0]])
    length = km / km_per_px
    x, y = left + 12, bottom - 14
    label = f"{format_number(km, lang)} km"
    scene.add_clipped(
        Rect(x - 4, y - 16, length + 8 + text_width(label, 10) + 6, 22, Style("#FFFFFF", 0.8)),
        Shape(
            (np.array([[x, y - 4], [x, y], [x + length, y], [x + length, y - 4]]),),
            Style(None, 0, "#222222", 1.5),
            closed=False,
        ),
        Text(x + length + 6, y, label, 10, colour="#222222"),
    )


def map_scene(
    view: View,
    countries: gpd.GeoDataFrame,
    admin1: gpd.GeoDataFrame,
    points: Points | None,
    captions: Captions,
    lang: str,
    zones: Zones = Zones(),
    fill: Fill | None = None,
) -> Scene:
    """The map figure: the view's boundaries, zones and events (or a choropleth, ``fill``),
    framed by the title and filters above and the legend, notes, date and attribution
    below."""
    view = frame_view(view)
    width = view.width + 2 * MARGIN
    scene = Scene(width, 0, captions.title)
    top = header(scene, captions, width)
    left = MARGIN
    scene.clip = (left, top, view.width, view.height)

    def place(shapes: list) -> list:
        """Items in the view's pixels moved into the frame."""
        offset = np.array([left, top])
        out = []
        for item in shapes:
            if isinstance(item, Shape):
                out.append(
                    Shape(
                        tuple(r + offset for r in item.rings),
                        item.style,
                        item.closed,
                        tuple(h + offset for h in item.holes),
                    )
                )
            elif isinstance(item, Marks):
                out.append(Marks(item.x + left, item.y + top, item.r, item.style))
        return out

    scene.add_clipped(Rect(left, top, view.width, view.height, Style(BACKGROUND, 1.0)))
    roles = countries["role"] if "role" in countries else np.full(len(countries), "context")
    member = np.asarray(roles == "member")
    scene.add_clipped(*place(_shape(view, list(countries.geometry[~member]), CONTEXT)))
    scene.add_clipped(*place(_shape(view, list(countries.geometry[member]), MEMBER)))
    notes: list[str] = []
    items: list[LegendItem] = []
    if fill is not None:
        colour_of = fill.units["id"].map(dict(fill.colours))
        for colour in colour_of.dropna().unique():
            scene.add_clipped(
                *place(
                    _shape(
                        view,
                        list(fill.units.geometry[colour_of == colour]),
                        Style(colour, fill.opacity, MAP_COLOURS["region_line"], 0.8),
                    )
                )
            )
        items = [
            LegendItem(label, Style(colour, fill.opacity, MAP_COLOURS["region_line"], 0.8))
            for colour, label in fill.legend
        ]
    else:
        scene.add_clipped(*place(_shape(view, list(admin1.geometry), REGION)))
    if zones.alg is not None:
        scene.add_clipped(*place(_shape(view, [zones.alg], ALG)))
    if zones.core is not None:
        scene.add_clipped(*place(_shape(view, [zones.core], CORE)))
    if zones.tripoint is not None:
        tx, ty = view.to_px(np.array([zones.tripoint.x]), np.array([zones.tripoint.y]))
        scene.add_clipped(Marks(tx + left, ty + top, np.array([6.0]), TRIPOINT))
    if zones.selection is not None and not zones.selection.is_empty:
        if zones.selection.geom_type == "Point":
            sx, sy = view.to_px(np.array([zones.selection.x]), np.array([zones.selection.y]))
            scene.add_clipped(Marks(sx + left, sy + top, np.array([16.0]), SELECTED))
        else:
            scene.add_clipped(*place(_shape(view, [zones.selection.boundary], SELECTED)))

    if points is not None:
        table = style_table(lang)
        marks, counts = merged_marks(view, points, table)
        scene.add_clipped(*place(marks))
        notes.append(translate("fig_events_in_view", lang, count=counts.in_view))
        if counts.outside:
            notes.append(translate("fig_events_out_of_view", lang, count=counts.outside))
        if counts.marks < counts.drawn:
            notes.append(
                translate(
                    "fig_marks_merged",
                    lang,
                    count=counts.drawn,
                    marks=format_number(counts.marks, lang),
                )
            )
        items = _event_legend(points.style, table, lang) + items
        items += [
            LegendItem(
                translate("rd_legend_deaths", lang, count=n),
                Style("#D55E00", 0.6, "#7A3600", 1.0),
                "circle",
                radius,
            )
            for n, radius in legend_sizes()[1:]
        ]

    # The three states' names, as the map writes them.
    for row in countries[member].itertuples():
        point = row.geometry.representative_point()
        px, py = view.to_px(np.array([point.x]), np.array([point.y]))
        scene.add_clipped(
            Text(
                float(px[0]) + left,
                float(py[0]) + top,
                country_name(row.iso3, lang),
                13,
                bold=True,
                colour=LABEL_COLOUR,
                anchor="middle",
            )
        )
    _scale_bar(scene, view, left, top + view.height, lang)
    scene.add(Rect(left, top, view.width, view.height, Style(None, 0, "#888888", 1.0)))

    items += [
        LegendItem(translate("legend_members", lang), MEMBER),
        LegendItem(translate("fig_legend_context", lang), CONTEXT),
    ]
    if fill is None:
        items.append(
            LegendItem(
                translate("legend_regions", lang),
                Style(None, 0, MAP_COLOURS["region_line"], 1.0),
                "line",
            )
        )
    if zones.alg is not None:
        items.append(LegendItem(translate("legend_alg", lang), ALG))
    if zones.core is not None:
        items.append(LegendItem(translate("legend_core", lang), CORE))
    y = legend(
        scene,
        items,
        top + view.height + 6,
        width,
        heading=fill.heading if fill is not None else translate("legend_title", lang),
    )
    captions = Captions(
        captions.title,
        captions.filters,
        captions.made,
        captions.coverage,
        (*captions.attribution, translate("exp_boundaries", lang)),
        (*notes, *captions.notes),
    )
    scene.height = footer(scene, captions, y, width)
    return scene
