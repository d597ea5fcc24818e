"""Event layers for the map: one canvas-drawn GeoJSON layer per display layer.

Never one folium object per event: each layer is a single ``L.geoJson`` whose points become
canvas circle markers in the browser; overlapping points can be clustered (MarkerCluster,
whose spiderfy keeps coincident events, such as the Bamako coups, reachable one by one).
Text from data reaches the page only as text nodes (tooltips) or escaped HTML (panels).
"""

from __future__ import annotations

import math

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from geo import assets, foliumsafe
from geo.events import LAYERS, fatality_upper
from geo.i18n import format_days, translate
from geo.palette import CLUSTER_FILL, CLUSTER_TEXT, LAYER_COLOURS

foliumsafe.install()  # event text in a map must never be run as a template

# Radius in pixels from the upper bound of the fatality range: a stated, square-root scale
# (so the area grows with the count), capped.
MIN_RADIUS_PX = 4.0
RADIUS_PER_SQRT_DEATH = 1.5
MAX_RADIUS_PX = 28.0

# Colours from geo.palette (Okabe-Ito, checked under deuteranopia and protanopia).
LAYER_STYLES: dict[str, dict] = {
    "coup-successful": {"color": LAYER_COLOURS["coup-successful"]["line"], "weight": 2,
                        "fill_color": LAYER_COLOURS["coup-successful"]["fill"],
                        "fill_opacity": 0.95},
    "coup-attempted": {"color": LAYER_COLOURS["coup-attempted"]["line"], "weight": 3,
                       "fill_color": LAYER_COLOURS["coup-attempted"]["fill"],
                       "fill_opacity": 0.9},
    "coup-plot": {"color": LAYER_COLOURS["coup-plot"]["line"], "weight": 2,
                  "fill_color": LAYER_COLOURS["coup-plot"]["fill"], "fill_opacity": 0.6,
                  "dash_array": "3 3"},
    "insurgency": {"color": LAYER_COLOURS["insurgency"]["line"], "weight": 1,
                   "fill_color": LAYER_COLOURS["insurgency"]["fill"], "fill_opacity": 0.6},
    "state-violence": {"color": LAYER_COLOURS["state-violence"]["line"], "weight": 1,
                       "fill_color": LAYER_COLOURS["state-violence"]["fill"],
                       "fill_opacity": 0.65},
}

# Coups are few and drawn small; insurgency circles grow with the death toll and would
# cover them. Coups go to their own pane above the other event layers, as SVG (one element
# per marker, so the one on top is the one a click reaches); the pane itself lets clicks
# through to the canvas below wherever no coup is drawn. Within a layer the largest circles
# are drawn first, so a small one is never hidden under a big one.
RARE_LAYERS: tuple[str, ...] = ("coup-plot", "coup-attempted", "coup-successful")
RARE_PANE = "atlas-coups"
RARE_PANE_Z = 450  # above Leaflet's overlay pane (400), below markers and tooltips (600+)

# Tooltip as a text node and the radius from the feature (``r``, ``t`` properties): no HTML
# parsing of data. Shared by the event points and the aggregated grid cells.
TEXT_TOOLTIP_AND_RADIUS = JsCode(
    "function (feature, layer) {"
    " layer.setRadius(feature.properties.r);"
    " layer.bindTooltip(function () {"
    "  var el = document.createElement('span'); el.textContent = feature.properties.t;"
    "  return el; }, {sticky: true});"
    "}"
)


def radius_px(upper: pd.Series) -> np.ndarray:
    """Marker radius for each event (unknown fatalities get the minimum)."""
    deaths = pd.to_numeric(upper, errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
    return np.minimum(MIN_RADIUS_PX + RADIUS_PER_SQRT_DEATH * np.sqrt(deaths), MAX_RADIUS_PX)


def legend_sizes() -> list[tuple[int, float]]:
    """(deaths, radius px) pairs for the size legend."""
    return [(n, min(MIN_RADIUS_PX + RADIUS_PER_SQRT_DEATH * math.sqrt(n), MAX_RADIUS_PX))
            for n in (0, 10, 50, 100, 250)]


def tooltip_texts(events: pd.DataFrame, lang: str) -> pd.Series:
    """``date · location · layer`` per event, the layer named in ``lang``."""
    names = {layer: translate(f"rd_tip_{layer}", lang) for layer in LAYERS}
    return (format_days(events["date"], lang) + " · " + events["location"].astype(str)
            + " · " + events["layer"].map(names).fillna(events["layer"].astype(str)))


def event_features(events: pd.DataFrame, lang: str = "en") -> dict:
    """A compact FeatureCollection (id, kind, layer, radius, tooltip text) of located events,
    largest circles first (so that smaller ones are drawn over them)."""
    located = events.dropna(subset=["latitude", "longitude"])
    radii = np.round(radius_px(fatality_upper(located)), 1)
    order = np.argsort(-radii, kind="stable")
    located, radii = located.iloc[order], radii[order]
    tooltips = tooltip_texts(located, lang)
    features = [
        {"type": "Feature",
         "properties": {"kind": "event", "id": ident, "layer": layer, "r": float(r), "t": tip},
         "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]}}
        for ident, layer, r, tip, lat, lon in zip(
            located["id"], located["layer"], radii, tooltips, located["latitude"],
            located["longitude"], strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


class RarePaneRenderer(MacroElement):
    """An SVG renderer in the pane of the rare layers, which it creates on the map when first
    added; it leaves the map with the feature group that holds it (reruns swap groups)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = new (L.SVG.extend({"
        " beforeAdd: function (map) {"
        "  if (!map.getPane({{ this.pane|tojson }})) {"
        "   var pane = map.createPane({{ this.pane|tojson }});"
        "   pane.style.zIndex = {{ this.z_index }}; pane.style.pointerEvents = 'none'; }"
        " }}))({pane: {{ this.pane|tojson }}});"
        "{{ this._parent.get_name() }}.on('remove', function () {"
        " {{ this.get_name() }}.remove(); });"
        "{% endmacro %}")

    def __init__(self, pane: str = RARE_PANE, z_index: int = RARE_PANE_Z) -> None:
        super().__init__()
        self._name = "RarePaneRenderer"
        self.pane = pane
        self.z_index = z_index


def cluster_icon_function(lang: str) -> str:
    """Cluster bubbles in one neutral colour (they count events of every layer), sized by
    the count, which is written in the reader's number format."""
    locale = "fr-FR" if lang == "fr" else "en-GB"
    return (
        "function (cluster) {"
        " var n = cluster.getChildCount();"
        " var size = n < 10 ? 28 : (n < 100 ? 34 : (n < 1000 ? 40 : 46));"
        " var el = document.createElement('div');"
        f" el.style.cssText = 'width:' + size + 'px;height:' + size + 'px;line-height:' + size"
        f" + 'px;border-radius:50%;background:{CLUSTER_FILL};color:{CLUSTER_TEXT};"
        "opacity:0.9;border:2px solid #fff;box-shadow:0 0 0 1px #4d4d4d;text-align:center;"
        "font:600 12px/' + size + 'px sans-serif;box-sizing:border-box';"
        f" el.textContent = n.toLocaleString('{locale}');"
        " return L.divIcon({html: el.outerHTML, className: 'marker-cluster atlas-cluster',"
        " iconSize: L.point(size, size)});"
        "}")


class DetachedLayerGroup(MacroElement):
    """A Leaflet layer group that is never put on the map: the GeoJSON layers of a
    clustered view are built in it, then :class:`FillClusterOnMap` hands their markers over.

    Added to a MarkerCluster group that is not yet on the map (folium's order, and
    streamlit-folium puts the whole group on the map last), each marker is queued after a
    check that scans the queue: quadratic (48k events drew in 3.9 s instead of 2.2 s).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.layerGroup();"
        "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "DetachedLayerGroup"


class FillClusterOnMap(MacroElement):
    """Give the markers of ``layers`` to ``cluster`` in one ``addLayers`` call, once the
    cluster group is on the map (at once if it already is)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (cluster, layers) {"
        " function fill() { var markers = [];"
        "  layers.forEach(function (g) { markers = markers.concat(g.getLayers()); });"
        "  cluster.addLayers(markers); }"
        " if (cluster._map) { fill(); } else { cluster.once('add', fill); }"
        "})({{ this.cluster.get_name() }}, ["
        "{% for layer in this.layers %}{{ layer.get_name() }}, {% endfor %}]);"
        "{% endmacro %}")

    def __init__(self, cluster: MacroElement, layers: list[MacroElement]) -> None:
        super().__init__()
        self._name = "FillClusterOnMap"
        self.cluster = cluster
        self.layers = layers


def event_layer_group(events: pd.DataFrame, layers: tuple[str, ...], cluster: bool,
                      name: str = "events", lang: str = "en") -> folium.FeatureGroup:
    """One feature group holding a GeoJSON layer per visible display layer (clustered:
    in a MarkerCluster group, filled once it is on the map). Tooltips are in ``lang``."""
    group = folium.FeatureGroup(name=name)
    parent: folium.MacroElement = group
    clusters: MarkerCluster | None = None
    if cluster:
        clusters = MarkerCluster(
            options={"spiderfyOnMaxZoom": True, "showCoverageOnHover": False,
                     "maxClusterRadius": 40, "chunkedLoading": True},
            icon_create_function=cluster_icon_function(lang))
        clusters.default_js = list(assets.MARKERCLUSTER_JS)
        clusters.default_css = list(assets.MARKERCLUSTER_CSS)
    renderer: RarePaneRenderer | None = None
    if any(layer in layers and (events["layer"] == layer).any() for layer in RARE_LAYERS):
        renderer = RarePaneRenderer().add_to(group)
    if clusters is not None:
        clusters.add_to(group)
        parent = DetachedLayerGroup().add_to(group)
    added = []
    # Common layers first, rare ones last in RARE_LAYERS order (successful coups on top).
    order = [*(lay for lay in LAYERS if lay not in RARE_LAYERS), *RARE_LAYERS]
    for layer in order:
        if layer not in layers:
            continue
        subset = events[events["layer"] == layer]
        if subset.empty:
            continue
        marker = folium.CircleMarker(radius=MIN_RADIUS_PX, **LAYER_STYLES[layer])
        if layer in RARE_LAYERS and renderer is not None:
            marker.options["pane"] = RARE_PANE
            marker.options["renderer"] = JsCode(renderer.get_name())
        added.append(folium.GeoJson(
            event_features(subset, lang),
            marker=marker,
            on_each_feature=TEXT_TOOLTIP_AND_RADIUS,
        ).add_to(parent))
    if clusters is not None and added:
        FillClusterOnMap(clusters, added).add_to(group)
    return group


def naive_marker_group(events: pd.DataFrame) -> folium.FeatureGroup:
    """The approach we do not use: one folium CircleMarker per event (for the benchmark)."""
    group = folium.FeatureGroup(name="naive")
    located = events.dropna(subset=["latitude", "longitude"])
    radii = radius_px(fatality_upper(located))
    for row, r in zip(located.itertuples(), radii, strict=True):
        style = LAYER_STYLES[row.layer]
        folium.CircleMarker([row.latitude, row.longitude], radius=float(r),
                            tooltip=folium.Tooltip(str(row.location)), **style).add_to(group)
    return group
