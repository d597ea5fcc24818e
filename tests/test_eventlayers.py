"""Event layers: one GeoJSON layer per display layer; a clustered view fills MarkerCluster
in one call once the group is on the map (the browser tests check what is drawn)."""

from __future__ import annotations

import re

import pandas as pd
from streamlit_folium import _get_feature_group_string

from geo import eventlayers, mapbuild


def events() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c"], "layer": ["insurgency", "state-violence", "coup-successful"],
        "latitude": [14.0, 15.0, 12.4], "longitude": [1.0, 2.0, -1.5],
        "date": pd.to_datetime(["2024-01-01"] * 3), "location": ["x", "y", "z"],
        "fatalities_low": pd.array([1, 2, None], dtype="Int64"),
        "fatalities_high": pd.array([2, 3, None], dtype="Int64")})


def test_clustered_layers_are_handed_to_the_cluster_once_it_is_on_the_map():
    group = eventlayers.event_layer_group(events(), ("insurgency", "state-violence"), True)
    js = _get_feature_group_string(group, mapbuild.offline_map(), 0)
    geojson = re.findall(r"var (geo_json_\w+) = L\.geoJson\(", js)
    [cluster] = re.findall(r"var (marker_cluster_\w+) = L\.markerClusterGroup\(", js)
    assert len(geojson) == 2  # the coup layer is not shown
    assert not re.search(rf"geo_json_\w+\.addTo\({cluster}\)", js)  # no marker-by-marker
    fill = js[js.index("(function (cluster, layers)"):]
    assert f"}})({cluster}, [{geojson[0]}, {geojson[1]}, ]);" in fill
    assert "cluster.addLayers(markers)" in fill and "cluster.once('add', fill)" in fill


def test_unclustered_layers_go_straight_into_the_group():
    group = eventlayers.event_layer_group(events(), eventlayers.LAYERS, False)
    js = _get_feature_group_string(group, mapbuild.offline_map(), 0)
    assert "markerClusterGroup" not in js and "addLayers" not in js
    assert len(re.findall(r"geo_json_\w+\.addTo\(feature_group_\w+\)", js)) == 3
