"""The density of the filtered events, in hexagons, and the layer that draws it.

The browser half is ``geo/render/mapjs/atlas_density.js`` (``L.AtlasDensity``). It reads the
events layer's block and mask (``geo.render.pointlayer``, shared through
``L.AtlasPoints.load``: nothing more is sent), bins the kept events into hexagons of a fixed
size on screen, once per zoom and mask (a pan only repaints), and colours each hexagon by
its events per 1,000 km². From :data:`RESOLVE_ZOOM` on it draws nothing and the events layer
(given ``minZoom=RESOLVE_ZOOM``) draws each event, clickable as always.

A hexagon's area on the ground is not its pixel count: on Web Mercator a pixel at latitude
phi spans ``C cos(phi) / (256 * 2**zoom)`` metres each way (C, the equator's length on the
projection's sphere), so the area is the integral of ``cos(phi)**2`` over the hexagon,
summed here (and in the browser, the same way) in :data:`AREA_SLICES` horizontal slices.
The sphere is the projection's own (radius 6,378,137 m): within half a per cent of the
ellipsoid's areas at these latitudes.
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from pathlib import Path

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.i18n.catalogue import format_number
from geo.i18n.french import translate  # French spacing (no-break space before : ; ? !)
from geo.render import foliumsafe

foliumsafe.install()

JS_SOURCE = Path(__file__).with_name("mapjs") / "atlas_density.js"

EARTH_RADIUS_M = 6378137.0  # Web Mercator's sphere
TILE_PX = 256
HEX_RADIUS_PX = 14  # centre to corner, pointy-top hexagons: about 24 px across
RESOLVE_ZOOM = 9  # from this zoom on, each event is drawn (about 3.5 km hexagons at zoom 9)
AREA_SLICES = 16
PER_KM2 = 1000  # the legend's unit: events per 1,000 km²

# Class bounds in events per 1,000 km² (a class holds bound <= density < next bound); a
# fixed scale, so a colour means the same density at every zoom.
CLASS_BOUNDS: tuple[float, ...] = (0.1, 0.3, 1, 3, 10, 30, 100)
# Viridis, light to dark (lightness carries the order; colour-blind safe).
CLASS_COLOURS: tuple[str, ...] = (
    "#FDE725",
    "#A0DA39",
    "#4AC16D",
    "#1FA187",
    "#277F8E",
    "#365C8D",
    "#46327E",
    "#440154",
)


def metres_per_px(lat: float, zoom: float) -> float:
    """Ground metres per screen pixel at latitude ``lat`` and ``zoom`` (both ways)."""
    return 2 * math.pi * EARTH_RADIUS_M * math.cos(math.radians(lat)) / (TILE_PX * 2**zoom)


def _lat_of_world_y(y: float, zoom: float) -> float:
    world = TILE_PX * 2**zoom
    return math.degrees(2 * math.atan(math.exp(math.pi * (1 - 2 * y / world))) - math.pi / 2)


def _world_y_of_lat(lat: float, zoom: float) -> float:
    phi = math.radians(lat)
    world = TILE_PX * 2**zoom
    return world * (0.5 - math.log(math.tan(math.pi / 4 + phi / 2)) / (2 * math.pi))


def hex_area_km2(lat: float, zoom: float, radius_px: float = HEX_RADIUS_PX) -> float:
    """The ground area of a pointy-top hexagon of ``radius_px`` (centre to corner) centred at
    latitude ``lat`` at ``zoom``: the hexagon's width at each of :data:`AREA_SLICES` slices
    times the squared ground size of a pixel at that slice's latitude."""
    y0 = _world_y_of_lat(lat, zoom)
    step = 2 * radius_px / AREA_SLICES
    total = 0.0
    for k in range(AREA_SLICES):
        v = -radius_px + (k + 0.5) * step  # the slice's middle, from the centre
        flat = abs(v) <= radius_px / 2  # between the side corners: the full width
        width = math.sqrt(3) * (radius_px if flat else 2 * (radius_px - abs(v)))
        total += width * step * metres_per_px(_lat_of_world_y(y0 + v, zoom), zoom) ** 2
    return total / 1e6


def hex_width_km(lat: float, zoom: float, radius_px: float = HEX_RADIUS_PX) -> float:
    """The hexagon's width across its flat sides on the ground, in km."""
    return math.sqrt(3) * radius_px * metres_per_px(lat, zoom) / 1000


def density_class(events: int, area_km2: float) -> int:
    """The class (index into :data:`CLASS_COLOURS`) of ``events`` over ``area_km2``."""
    density = events / area_km2 * PER_KM2
    return sum(1 for bound in CLASS_BOUNDS if density >= bound)


def _number(value: float, lang: str) -> str:
    decimals = 0 if value >= 1 else len(f"{value:g}".split(".")[1])
    return format_number(value, lang, decimals)


def class_labels(lang: str) -> list[str]:
    """The legend's label of each class, lowest first, in ``lang``."""
    bounds = [_number(b, lang) for b in CLASS_BOUNDS]
    labels = [translate("density_class_below", lang, value=bounds[0])]
    labels += [
        translate("density_class_range", lang, low=low, high=high)
        for low, high in itertools.pairwise(bounds)
    ]
    labels.append(translate("density_class_above", lang, value=bounds[-1]))
    return labels


def legend_entries(lang: str) -> list[dict[str, str]]:
    """(colour, label) of each class, lowest first, as the browser layer reads them."""
    return [
        {"colour": colour, "label": label}
        for colour, label in zip(CLASS_COLOURS, class_labels(lang), strict=True)
    ]


def layer_options(point_options: dict, lang: str) -> dict:
    """Options of the browser layer: the events layer's block and mask (``point_options``,
    from :func:`geo.render.pointlayer.layer_options`), the scale and its legend texts."""
    shared = ("token", "data", "url", "encoding", "maskToken", "mask", "maskUrl")
    return {
        **{k: point_options[k] for k in shared if k in point_options},
        "radius": HEX_RADIUS_PX,
        "resolveZoom": RESOLVE_ZOOM,
        "areaSlices": AREA_SLICES,
        "perKm2": PER_KM2,
        "bounds": list(CLASS_BOUNDS),
        "classes": legend_entries(lang),
        "locale": "fr-FR" if lang == "fr" else "en-GB",
        "title": translate("density_legend_title", lang, unit=format_number(PER_KM2, lang)),
        "sizeLabel": translate("density_hex_size", lang, km="{km}", area="{area}"),
        "resolveLabel": translate("density_resolve", lang, zoom=RESOLVE_ZOOM),
        "resolvedLabel": translate("density_resolved", lang),
        "hexLabel": translate(
            "density_hex_tip", lang, n="{n}", d="{d}", unit=format_number(PER_KM2, lang)
        ),
        "hexLabelOne": translate(
            "density_hex_tip_one", lang, d="{d}", unit=format_number(PER_KM2, lang)
        ),
        "boundLabels": [_number(b, lang) for b in CLASS_BOUNDS],
        "browseLabel": translate("density_browse", lang),
        "browseHelp": translate("density_browse_help", lang),
        "browseHex": translate(
            "density_browse_hex",
            lang,
            n="{n}",
            d="{d}",
            cls="{cls}",
            i="{i}",
            m="{m}",
            unit=format_number(PER_KM2, lang),
        ),
        "browseHexOne": translate(
            "density_browse_hex_one",
            lang,
            d="{d}",
            cls="{cls}",
            i="{i}",
            m="{m}",
            unit=format_number(PER_KM2, lang),
        ),
        "browseNone": translate("density_browse_none", lang),
        "browseEdge": translate("density_browse_edge", lang),
        "foldLabel": translate("density_legend_fold", lang),
        "unfoldLabel": translate("density_legend_unfold", lang),
    }


@cache
def js_source() -> str:
    return JS_SOURCE.read_text(encoding="utf-8")


class AtlasDensityCode(MacroElement):
    """Defines ``L.AtlasDensity`` once, in the base map's script."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasDensityCode"
        self.source = js_source()


class AtlasDensityLayer(MacroElement):
    """One ``L.AtlasDensity`` layer in its parent feature group."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.atlasDensity({{ this.options|tojson }})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, options: dict) -> None:
        super().__init__()
        self._name = "AtlasDensityLayer"
        self.options = options


def density_group(point_options: dict, lang: str, name: str = "density") -> folium.FeatureGroup:
    """A feature group drawing the density of the events of ``point_options`` (the events
    layer's options: the same block and mask)."""
    group = folium.FeatureGroup(name=name)
    AtlasDensityLayer(layer_options(point_options, lang)).add_to(group)
    return group
