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

foliumsafe.install()  # event text in a map must never be run as a template

# Radius in pixels from the upper bound of the fatality range: a stated, square-root scale
# (so the area grows with the count), capped.
MIN_RADIUS_PX = 4.0
RADIUS_PER_SQRT_DEATH = 1.5
MAX_RADIUS_PX = 28.0

LAYER_STYLES: dict[str, dict] = {
    "coup-successful": {"color": "#3b0a45", "weight": 2, "fill_color": "#7b2d8e",
                        "fill_opacity": 0.9},
    "coup-attempted": {"color": "#7b2d8e", "weight": 3, "fill_color": "#ffffff",
                       "fill_opacity": 0.9},
    "coup-plot": {"color": "#7b2d8e", "weight": 2, "fill_color": "#ffffff",
                  "fill_opacity": 0.6, "dash_array": "3 3"},
    "insurgency": {"color": "#7f0000", "weight": 1, "fill_color": "#e34a33",
                   "fill_opacity": 0.65},
    "state-violence": {"color": "#00334d", "weight": 1, "fill_color": "#2b8cbe",
                       "fill_opacity": 0.7},
}

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


def event_features(events: pd.DataFrame) -> dict:
    """A compact FeatureCollection (id, kind, layer, radius, tooltip text) of located events."""
    located = events.dropna(subset=["latitude", "longitude"])
    radii = np.round(radius_px(fatality_upper(located)), 1)
    tooltips = (located["date"].dt.strftime("%Y-%m-%d") + " · " + located["location"].astype(str)
                + " · " + located["layer"].astype(str))
    features = [
        {"type": "Feature",
         "properties": {"kind": "event", "id": ident, "layer": layer, "r": float(r), "t": tip},
         "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]}}
        for ident, layer, r, tip, lat, lon in zip(
            located["id"], located["layer"], radii, tooltips, located["latitude"],
            located["longitude"], strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


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
                      name: str = "events") -> folium.FeatureGroup:
    """One feature group holding a GeoJSON layer per visible display layer (clustered:
    in a MarkerCluster group, filled once it is on the map)."""
    group = folium.FeatureGroup(name=name)
    parent: folium.MacroElement = group
    clusters: MarkerCluster | None = None
    if cluster:
        clusters = MarkerCluster(
            options={"spiderfyOnMaxZoom": True, "showCoverageOnHover": False,
                     "maxClusterRadius": 40, "chunkedLoading": True})
        clusters.default_js = list(assets.MARKERCLUSTER_JS)
        clusters.default_css = list(assets.MARKERCLUSTER_CSS)
        clusters.add_to(group)
        parent = DetachedLayerGroup().add_to(group)
    added = []
    for layer in LAYERS:
        if layer not in layers:
            continue
        subset = events[events["layer"] == layer]
        if subset.empty:
            continue
        style = LAYER_STYLES[layer]
        added.append(folium.GeoJson(
            event_features(subset),
            marker=folium.CircleMarker(radius=MIN_RADIUS_PX, **style),
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
