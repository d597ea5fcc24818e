"""Folium map building: the static base map and the layers that change with the UI.

The base map (countries, admin-1 regions, provinces, optional online tiles) depends only on
the language, so it stays identical across reruns and the browser never reloads it; the
layers that follow widgets (Liptako-Gourma zone, tri-border core, selection highlight) are
separate feature groups that streamlit-folium swaps in place.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.i18n.catalogue import format_number, translate
from geo.io import places
from geo.model.countries import country_name
from geo.render import assets, foliumsafe, maptools
from geo.render.densitylayer import AtlasDensityCode
from geo.render.foliumsafe import LiteralElement
from geo.render.html import escape_value, render
from geo.render.palette import BACKGROUND, MAP_COLOURS
from geo.render.pointlayer import AtlasPointsCode

foliumsafe.install()  # data in a map must never be run as a template

MAP_CENTER = (14.0, -2.0)
MAP_ZOOM = 5
MIN_ZOOM = 3
MAX_ZOOM = 12

# Colour-blind-safe colours of the boundaries and zones (geo.render.palette,
# tests/render/test_palette.py).
COLORS = MAP_COLOURS

ONLINE_BASEMAPS: tuple[tuple[str, str, str], ...] = (
    (
        "basemap_osm",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors",
    ),
    (
        "basemap_carto",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors &copy; CARTO",
    ),
)


@dataclass(frozen=True)
class BaseLayers:
    """The boundary data the base map draws."""

    countries: gpd.GeoDataFrame
    admin1: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame


def offline_map(location: tuple[float, float] = MAP_CENTER, zoom: int = MAP_ZOOM) -> folium.Map:
    """An empty map whose JS/CSS come from local XStatic copies and that needs no tiles."""
    fmap = folium.Map(
        location=list(location),
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        # With no tile layer Leaflet has no zoom limits (Leaflet plugins such as MarkerCluster
        # then throw).
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
    )
    fmap.default_js = list(assets.MAP_JS)
    fmap.default_css = list(assets.MAP_CSS)
    page_header(fmap).add_child(LiteralElement(render("map_background.html.j2", colour=BACKGROUND)))
    LocalIconPath().add_to(fmap)
    # The events layer's code, loaded once with the base map (geo.render.pointlayer).
    AtlasPointsCode().add_to(fmap)
    AtlasDensityCode().add_to(fmap)  # its density view (geo.render.densitylayer)
    return fmap


class ForgetOldFeatureGroups(MacroElement):
    """Empty streamlit-folium's ``window.feature_group`` list before the new groups register.

    The component removes the previous groups from the map but keeps them in that list, so
    every rerun's layers stay in memory (hundreds of MB after a few changes at 50k events).
    """

    _template = Template("{% macro script(this, kwargs) %}window.feature_group = [];{% endmacro %}")


def dynamic_layers(groups: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """The layers that change with widgets, ready for ``st_folium(feature_group_to_add=...)``."""
    if groups:
        ForgetOldFeatureGroups().add_to(groups[0])
    return groups


class LocalIconPath(MacroElement):
    """Point Leaflet's default marker images at the local copies (no guessed URL, no 404)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        f"L.Icon.Default.imagePath = '{assets.VENDOR_URL}/leaflet/images/';"
        "{% endmacro %}"
    )


VIEW_PARAM = "view"
VIEW_STORAGE_KEY = "sahel-atlas-map-view"


class KeepViewInAddress(MacroElement):
    """Keep the map's view (centre, zoom) in the address bar, in the browser alone.

    Moving the map must not rerun the page: a rerun started by the map can swallow the
    click that follows it (Streamlit folds two pending reruns into one and keeps the newer
    request's page, so a view report sent just after a navigation click undoes the page
    switch). So the map reports clicks only, and this script writes ``view=lat,lng,zoom``
    into the app's URL itself, on every move and again whenever a run has rewritten the URL
    without it. It also keeps the view for the browser tab (``sessionStorage``) so that
    coming back to the map from another page reopens it where it was left, unless
    ``restore`` is false (a shared link or a highlighted milestone sets its own view).
    Does nothing outside an app page (the standalone HTML export).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map, restore) {
  var app;
  try { app = window.parent; if (app === window || !app.location.href) { return; } }
  catch (e) { return; }
  var PARAM = {{ this.param|tojson }}, KEY = {{ this.storage_key|tojson }};
  var page = app.location.pathname;
  function shown() {
    var c = map.getCenter();
    return c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom();
  }
  function write() {
    if (app.location.pathname !== page) { return; }  // the app has gone to another page
    var value = shown();
    try { app.sessionStorage.setItem(KEY, value); } catch (e) { /* storage refused */ }
    var url = new URL(app.location.href);
    if (url.searchParams.get(PARAM) === value) { return; }
    url.searchParams.set(PARAM, value);
    app.history.replaceState(app.history.state, "", url.pathname + url.search + url.hash);
  }
  if (restore) {
    var saved = null;
    try { saved = app.sessionStorage.getItem(KEY); } catch (e) { saved = null; }
    var parts = (saved || "").split(",").map(Number);
    if (parts.length === 3 && parts.every(isFinite)) {
      map.setView([parts[0], parts[1]], parts[2], {animate: false});
    }
  }
  map.on("moveend", write);
  window.setInterval(write, 400);
  write();
})({{ this._parent.get_name() }}, {{ this.restore|tojson }});
{% endmacro %}
""")

    def __init__(self, restore: bool) -> None:
        super().__init__()
        self._name = "KeepViewInAddress"
        self.restore = restore
        self.param = VIEW_PARAM
        self.storage_key = VIEW_STORAGE_KEY


def labelled_geojson(layers: BaseLayers, lang: str) -> dict[str, dict]:
    """The GeoJSON the base map embeds (ids, kinds, escaped labels), per layer.

    Converting the boundaries takes a few hundred milliseconds: callers may cache the result
    per language and pass it to :func:`base_map`.
    """
    return {
        "country": _to_geojson(_with_labels(layers.countries, lang, kind="country")),
        "admin1": _to_geojson(_with_labels(layers.admin1, lang, kind="admin1")),
        "province": _to_geojson(_with_labels(layers.provinces, lang, kind="province")),
        # Town labels (not GeoJSON: rows, see geo.io.places.town_label_data), in the same file.
        maptools.TOWN_PART: places.town_label_data(places.load_towns(), lang),
    }


PACK_SCALE = 1000
"""The served boundaries' coordinates in thousandths of a degree (about 110 m): a tenth of
the tolerance they were simplified with (scripts/build_boundaries.py, 0.01 degree), under
a pixel up to zoom 10 and about 1.5 pixels at the map's highest zoom (12)."""

PACKED = "packed"
"""The key of a packed boundary file's scale (:func:`packed_boundaries`)."""


def packed_ring(ring: Sequence[Sequence[float]], scale: int = PACK_SCALE) -> list[int]:
    """A ring as whole multiples of ``1 / scale`` degree, each point the difference from the
    one before (the first from 0), flat: ``[dx0, dy0, dx1, dy1, ...]``; a point equal to
    the one before it is left out. Each point is rounded on its own, so a point two
    features share stays one point: their shared border stays shared."""
    out: list[int] = []
    last_x = last_y = 0
    for point in ring:
        x, y = round(point[0] * scale), round(point[1] * scale)
        if out and x == last_x and y == last_y:
            continue
        out += [x - last_x, y - last_y]
        last_x, last_y = x, y
    return out


def unpacked_ring(packed: Sequence[int], scale: int = PACK_SCALE) -> list[tuple[float, float]]:
    """:func:`packed_ring`'s points again (in degrees, as the browser's loader reads them)."""
    x = y = 0
    points = []
    for i in range(0, len(packed), 2):
        x, y = x + packed[i], y + packed[i + 1]
        points.append((x / scale, y / scale))
    return points


def _packed_geometry(geometry: dict, scale: int) -> dict:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return {"type": kind, "coordinates": [packed_ring(r, scale) for r in coordinates]}
    if kind == "MultiPolygon":
        return {
            "type": kind,
            "coordinates": [[packed_ring(r, scale) for r in part] for part in coordinates],
        }
    raise ValueError(f"a boundary is a polygon, not a {kind}")


def packed_boundaries(geojson: Mapping[str, dict], scale: int = PACK_SCALE) -> dict[str, Any]:
    """The boundary file the app serves (:class:`BoundaryFile`): ``geojson``'s layers
    (:func:`labelled_geojson`) with each ring packed (:func:`packed_ring`) and without the
    bounding boxes nothing reads; its other parts (the town labels) as they are. Over a
    slow link it is 64 % of the GeoJSON's size once compressed."""
    out: dict[str, Any] = {PACKED: scale}
    for part, value in geojson.items():
        if not (isinstance(value, dict) and value.get("type") == "FeatureCollection"):
            out[part] = value
            continue
        out[part] = {
            "type": "FeatureCollection",
            "features": [
                {
                    **{k: v for k, v in feature.items() if k in ("type", "id", "properties")},
                    "geometry": _packed_geometry(feature["geometry"], scale),
                }
                for feature in value["features"]
            ],
        }
    return out


class BoundaryFile(MacroElement):
    """Defines ``atlasBoundary(url, part)`` in the map's script: the layer ``part`` of the
    boundary file at ``url`` (every layer of the base map in one JSON object), downloaded
    once with a synchronous request, so the features exist before streamlit-folium binds
    its click listener to the map's layers. One request for every layer, and no jQuery
    (folium's ``embed=False`` form needs it for ``$.ajax``). A packed file
    (:func:`packed_boundaries`) has its rings unpacked as :func:`unpacked_ring` does, once
    per layer."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.atlasBoundary = window.atlasBoundary || (function () {"
        " var files = {};"
        " function ring(d, s) { var out = [], x = 0, y = 0;"
        "  for (var i = 0; i < d.length; i += 2) { x += d[i]; y += d[i + 1];"
        "   out.push([x / s, y / s]); }"
        "  return out; }"
        " function unpack(layer, s) {"
        "  layer.features.forEach(function (f) { var g = f.geometry;"
        "   g.coordinates = g.type === 'Polygon'"
        "    ? g.coordinates.map(function (r) { return ring(r, s); })"
        "    : g.coordinates.map(function (p) {"
        "       return p.map(function (r) { return ring(r, s); }); }); });"
        "  layer.unpacked = true; return layer; }"
        " return function (url, part) {"
        "  if (!(url in files)) {"
        "   var request = new XMLHttpRequest(); request.open('GET', url, false);"
        "   request.send(null);"
        "   files[url] = request.status === 200 ? JSON.parse(request.responseText) : {};"
        "  }"
        "  var file = files[url], layer = file[part];"
        "  if (!layer) { return {type: 'FeatureCollection', features: []}; }"
        f"  if (file.{PACKED} && layer.features && !layer.unpacked) {{"
        f"   unpack(layer, file.{PACKED}); }}"
        "  return layer;"
        " }; })();"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "BoundaryFile"


# folium's GeoJson script ends its ``embed=False`` form with this download (jQuery).
_FOLIUM_DOWNLOAD = re.compile(
    r"\$\.ajax\((?P<url>\"[^\"]*\"), \{dataType: 'json', async: false\}\)\s*"
    r"\.done\((?P<add>\w+)\);"
)


class _ServedScript:
    """folium's GeoJson template with its download replaced by ``atlasBoundary`` (see
    :class:`BoundaryFile`); it exposes what branca and streamlit-folium read from a
    template: ``module.script`` and ``render``."""

    def __init__(self, inner: Template, part: str) -> None:
        self._inner = inner
        self._part = part
        self.module = SimpleNamespace(script=self._script)

    def _script(self, this: MacroElement, kwargs: dict | None = None) -> str:
        text = str(getattr(self._inner.module, "script")(this, kwargs or {}))  # noqa: B009
        text, found = _FOLIUM_DOWNLOAD.subn(
            lambda m: f"{m['add']}(atlasBoundary({m['url']}, {json.dumps(self._part)}));", text
        )
        if found != 1:  # folium's template changed: fail loudly rather than draw nothing
            raise RuntimeError("folium's GeoJson script has no download to replace")
        return text

    def render(self, **kwargs: object) -> str:
        return self._script(kwargs["this"], kwargs.get("kwargs"))  # type: ignore[arg-type]


class ServedGeoJson(folium.GeoJson):
    """A GeoJson layer whose features the browser takes from the boundary file at ``url``
    (same origin; its layer ``part``) instead of carrying them in the map's script.

    Why: streamlit-folium re-sends the whole map script with every rerun (a click, a
    toggle), and the boundaries are most of it (about 0.4 MB). Served by URL they travel
    once per session. The features are still given here (``data``): folium derives the
    style and highlight tables and the tooltip from them in Python, and the bounds are
    given too (folium would walk every coordinate on each run). The map must hold a
    :class:`BoundaryFile` before this layer.
    """

    def __init__(
        self, data: dict, url: str, part: str, bounds: list[list[float]], **kwargs
    ) -> None:
        super().__init__(data, **kwargs)
        self.embed = False
        self.embed_link = url
        self._served_bounds = bounds
        self._template = _ServedScript(folium.GeoJson._template, part)

    def _get_self_bounds(self) -> list[list[float | None]]:
        return [list(corner) for corner in self._served_bounds]


def _bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    west, south, east, north = (float(v) for v in frame.total_bounds)
    return [[south, west], [north, east]]


def page_header(fmap: folium.Map) -> Element:
    """The ``<head>`` of the page ``fmap`` is drawn in (its root is always a Figure)."""
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root.header


def base_map(
    layers: BaseLayers,
    lang: str,
    geojson: dict[str, dict] | None = None,
    overlays: Sequence[folium.FeatureGroup] = (),
    boundaries_url: str | None = None,
    first: Sequence[MacroElement] = (),
) -> folium.Map:
    """The static map: countries, AES admin-1 regions, BF provinces, online basemaps.

    ``overlays`` (a standalone map's zones and events) are added before the layer menu,
    which must come last: it refers to every layer it lists. ``boundaries_url`` is where
    the browser fetches the ``geojson`` of every layer (one JSON object keyed ``country``,
    ``admin1``, ``province``; the app serves it, see :class:`ServedGeoJson`); without it
    they are carried in the map's script (a standalone file). ``first``: elements whose
    script runs before the boundaries load (e.g. the events' download,
    ``geo.render.pointlayer.AtlasPointsPrefetch``).
    """
    fmap = offline_map()
    for element in first:
        element.add_to(fmap)
    if boundaries_url:
        BoundaryFile().add_to(fmap)
    t = _translator(lang)
    for key, url, attribution in ONLINE_BASEMAPS:
        folium.TileLayer(
            url,
            name=t(key),
            attr=attribution,
            overlay=True,
            show=False,
            max_zoom=MAX_ZOOM,
            min_zoom=MIN_ZOOM,
        ).add_to(fmap)

    geojson = geojson or labelled_geojson(layers, lang)
    frames = {"country": layers.countries, "admin1": layers.admin1, "province": layers.provinces}

    def geojson_layer(kind: str, **kwargs) -> folium.GeoJson:
        if boundaries_url:
            return ServedGeoJson(
                geojson[kind], boundaries_url, kind, _bounds(frames[kind]), **kwargs
            )
        return folium.GeoJson(geojson[kind], **kwargs)

    geojson_layer(
        "country",
        name=t("layer_countries"),
        style_function=_country_style,
        highlight_function=lambda _f: {"weight": 2.5},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        control=False,
    ).add_to(fmap)

    geojson_layer(
        "admin1",
        name=t("layer_admin1"),
        style_function=lambda _f: {
            "color": COLORS["region_line"],
            "weight": 1,
            "fillColor": COLORS["member_fill"],
            "fillOpacity": 0.12,
        },
        highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.4},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)

    geojson_layer(
        "province",
        name=t("layer_provinces"),
        show=False,
        style_function=lambda _f: {
            "color": COLORS["province_line"],
            "weight": 0.8,
            "dashArray": "3 3",
            "fillOpacity": 0.0,
        },
        highlight_function=lambda _f: {"weight": 2.5},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)

    members = layers.countries[layers.countries["role"] == "member"]
    for row in members.itertuples():
        point = row.geometry.representative_point()
        TextLabel((point.y, point.x), country_name(row.iso3, lang)).add_to(fmap)
    page_header(fmap).add_child(
        LiteralElement(
            "<style>.aes-label{font:600 13px/1.2 sans-serif;color:#5a2406;text-align:center;"
            "text-shadow:0 0 3px #fff,0 0 3px #fff;pointer-events:none;white-space:nowrap}"
            ".aes-label-icon{background:none;border:none}</style>"
        )
    )

    # Town names, fullscreen and the distance tool (geo.render.maptools), loaded once with the map.
    maptools.AtlasToolsCode().add_to(fmap)
    page_header(fmap).add_child(LiteralElement(maptools.TOOLS_CSS))
    if maptools.TOWN_PART in geojson:
        maptools.TownLabels(
            lang, None if boundaries_url else geojson[maptools.TOWN_PART], boundaries_url
        ).add_to(fmap)
    maptools.MapTools(lang).add_to(fmap)

    for overlay in overlays:
        overlay.add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return fmap


class TextLabel(MacroElement):
    """A non-interactive text label at a point (a ``divIcon`` marker created with its icon,
    so Leaflet never loads its default marker image)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () { var el = document.createElement('div'); el.className = 'aes-label';"
        " el.textContent = {{ this.text|tojson }};"
        " L.marker({{ this.location|tojson }}, {interactive: false, keyboard: false,"
        "  icon: L.divIcon({html: el, className: 'aes-label-icon', iconSize: [120, 20],"
        "   iconAnchor: [60, 10]})}).addTo({{ this._parent.get_name() }}); })();"
        "{% endmacro %}"
    )

    def __init__(self, location: tuple[float, float], text: str) -> None:
        super().__init__()
        self._name = "TextLabel"
        self.location = [float(location[0]), float(location[1])]
        self.text = str(text)


def alg_zone_layer(outline: shapely.Geometry, lang: str) -> folium.FeatureGroup:
    """The ALG intervention zone, dissolved into one outline."""
    t = _translator(lang)
    group = folium.FeatureGroup(name=t("layer_alg"))
    folium.GeoJson(
        shapely.geometry.mapping(outline),
        style_function=lambda _f: {
            "color": COLORS["alg"],
            "weight": 3,
            "fillColor": COLORS["alg"],
            "fillOpacity": 0.08,
            "dashArray": "8 4",
        },
        interactive=False,
    ).add_to(group)
    return group


def tri_border_layer(
    core: gpd.GeoDataFrame, tripoint: shapely.Point, radius_km: float, lang: str
) -> folium.FeatureGroup:
    """The tri-border core (buffer clipped to the three states) and the tripoint."""
    t = _translator(lang)
    group = folium.FeatureGroup(name=t("layer_core"))
    folium.GeoJson(
        shapely.geometry.mapping(shapely.union_all(core.geometry.values)),
        style_function=lambda _f: {
            "color": COLORS["core"],
            "weight": 2,
            "fillColor": COLORS["core"],
            "fillOpacity": 0.12,
        },
        interactive=False,
    ).add_to(group)
    folium.CircleMarker(
        [tripoint.y, tripoint.x],
        radius=6,
        color="#ffffff",
        weight=2,
        fill=True,
        fill_color=COLORS["core"],
        fill_opacity=1.0,
        tooltip=str(escape_value(t("tripoint_tooltip", radius=format_number(radius_km, lang)))),
    ).add_to(group)
    return group


def selection_layer(geometry: shapely.Geometry | None) -> folium.FeatureGroup:
    """A thick outline around the selected region or country, or a ring around the selected
    event (empty when nothing is selected)."""
    group = folium.FeatureGroup(name="selection")
    if geometry is not None and geometry.geom_type == "Point":  # a selected event: a ring
        folium.CircleMarker(
            [geometry.y, geometry.x],
            radius=16,
            color=COLORS["selection"],
            weight=3,
            fill=False,
            interactive=False,
        ).add_to(group)
    elif geometry is not None and not geometry.is_empty:
        folium.GeoJson(
            shapely.geometry.mapping(geometry),
            style_function=lambda _f: {
                "color": COLORS["selection"],
                "weight": 3.5,
                "fillOpacity": 0.0,
            },
            interactive=False,
        ).add_to(group)
    return group


def highlight_layer(geometry: shapely.Geometry | None) -> folium.FeatureGroup:
    """Outlines of the countries of a timeline milestone (empty when none)."""
    group = folium.FeatureGroup(name="highlight")
    if geometry is not None and not geometry.is_empty:
        folium.GeoJson(
            shapely.geometry.mapping(geometry),
            style_function=lambda _f: {
                "color": COLORS["highlight"],
                "weight": 4,
                "dashArray": "10 6",
                "fillOpacity": 0.0,
            },
            interactive=False,
        ).add_to(group)
    return group


def _country_style(feature: dict) -> dict:
    if feature["properties"]["role"] == "member":
        return {
            "color": COLORS["member_line"],
            "weight": 2.5,
            "fillColor": COLORS["member_fill"],
            "fillOpacity": 0.25,
        }
    return {
        "color": COLORS["context_line"],
        "weight": 0.8,
        "fillColor": COLORS["context_fill"],
        "fillOpacity": 0.9,
    }


def _with_labels(gdf: gpd.GeoDataFrame, lang: str, kind: str) -> gpd.GeoDataFrame:
    """Keep only what the browser needs: id, kind, role and an HTML-escaped label."""
    names = gdf["name_fr"] if lang == "fr" else gdf["name_en"]
    out = gpd.GeoDataFrame(
        {"id": gdf["id"], "kind": kind, "label": names.map(html.escape)},
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    if "role" in gdf:
        out["role"] = gdf["role"]
    return out


def _to_geojson(gdf: gpd.GeoDataFrame) -> dict:
    return gdf.__geo_interface__


def _translator(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)
