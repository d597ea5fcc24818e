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


def test_tooltips_name_the_layer_in_the_readers_language():
    feats = eventlayers.event_features(events(), "fr")["features"]
    assert sorted(f["properties"]["t"] for f in feats) == [
        "1er janv. 2024 · x · insurrection", "1er janv. 2024 · y · violence étatique",
        "1er janv. 2024 · z · coup d'État réussi"]  # the day in the reader's format too
    assert eventlayers.event_features(events(), "en")["features"][0]["properties"]["t"] \
        .startswith("1 Jan 2024 · ")


def test_larger_circles_come_first_so_smaller_ones_are_drawn_over_them():
    frame = pd.concat([events()] * 2, ignore_index=True)
    frame["id"] = list("abcdef")
    frame["fatalities_high"] = pd.array([2, 300, None, 40, 0, 9], dtype="Int64")
    radii = [f["properties"]["r"] for f in eventlayers.event_features(frame)["features"]]
    assert radii == sorted(radii, reverse=True)


def test_coups_are_drawn_in_their_own_svg_pane_above_the_others():
    group = eventlayers.event_layer_group(events(), ("insurgency", "coup-successful"), False)
    js = _get_feature_group_string(group, mapbuild.offline_map(), 0)
    [renderer] = re.findall(r"var (rare_pane_renderer_\w+) = new \(L\.SVG\.extend", js)
    assert f'"renderer": {renderer}' in js and '"pane": "atlas-coups"' in js
    assert "pane.style.zIndex = 450" in js and "pointerEvents = 'none'" in js
    # The insurgency layer (canvas, overlay pane) is created before the coups.
    assert js.index('"insurgency"') < js.index('"coup-successful"')


def test_cluster_bubbles_are_neutral_and_count_in_the_readers_format():
    group = eventlayers.event_layer_group(events(), ("insurgency",), True, lang="fr")
    js = _get_feature_group_string(group, mapbuild.offline_map(), 0)
    assert "iconCreateFunction" in js and "toLocaleString('fr-FR')" in js
    assert eventlayers.CLUSTER_FILL in js
    assert "marker-cluster-small" not in js  # not MarkerCluster's green/yellow/orange


def test_legend_matches_the_map_symbols_in_both_languages():
    from geo import palette
    from geo.panels import event_legend_html, legend_html

    fr = event_legend_html("fr")
    assert "></span>0 mort</span>" in fr and "></span>10 morts</span>" in fr
    assert "Plusieurs événements proches" in fr  # the cluster bubble has its entry
    assert palette.CLUSTER_FILL in fr
    for style in eventlayers.LAYER_STYLES.values():
        assert style["fill_color"] in fr and style["color"] in fr
    en = event_legend_html("en")
    assert "></span>0 deaths</span>" in en and "Several events close together" in en
    zones = legend_html("en")
    for key in ("member_line", "alg", "core", "region_line"):
        assert palette.MAP_COLOURS[key] in zones
    assert "rgba(0,114,178,0.15)" in zones  # the ALG fill as drawn, from the palette blue
