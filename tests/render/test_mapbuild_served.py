"""The base map's boundaries served by URL (geo.render.mapbuild.ServedGeoJson): the map script
carries their URL, styles and tooltips, never their coordinates, and loads them without
jQuery, all layers in one request, after the events' download has started."""

from __future__ import annotations

import json
import re

import folium
import pytest
from streamlit_folium import _get_map_string

from geo.io import boundaries
from geo.render import mapbuild, pointlayer

URL = "/media/boundaries.json"
KINDS = ("country", "admin1", "province")


def layers() -> mapbuild.BaseLayers:
    return mapbuild.BaseLayers(
        boundaries.load_countries(), boundaries.load_admin1(), boundaries.load_bfa_provinces()
    )


def script_of(fmap: folium.Map) -> str:
    fmap.render()
    return _get_map_string(fmap)


def test_served_boundaries_leave_the_map_script_and_keep_their_bounds() -> None:
    base = layers()
    geojson = mapbuild.labelled_geojson(base, "en")
    embedded = mapbuild.base_map(base, "en", geojson)
    served = mapbuild.base_map(base, "en", geojson, boundaries_url=URL)
    inline_script, served_script = script_of(embedded), script_of(served)
    coordinates = json.dumps(geojson["admin1"]["features"][0]["geometry"]["coordinates"][0])[:40]
    assert coordinates in inline_script and coordinates not in served_script
    assert len(served_script) < len(inline_script) / 5
    assert "_styler" in served_script and "bindTooltip" in served_script
    assert served.get_bounds() == embedded.get_bounds()  # folium's own, from the data


def test_every_layer_comes_from_the_one_file_without_jquery() -> None:
    script = script_of(mapbuild.base_map(layers(), "fr", boundaries_url=URL))
    assert "$.ajax" not in script and "jQuery" not in script
    calls = re.findall(r"(\w+)_add\(atlasBoundary\(\"([^\"]+)\", \"(\w+)\"\)\);", script)
    assert sorted(part for _, _, part in calls) == sorted(KINDS)
    assert {url for _, url, _ in calls} == {URL}
    # The loader is defined before the first layer asks for its part.
    assert script.index("window.atlasBoundary =") < script.index('atlasBoundary("')


def test_the_events_download_starts_before_the_boundaries_load() -> None:
    first = [pointlayer.AtlasPointsPrefetch("tok123", "/media/events.bin", "gzip")]
    script = script_of(mapbuild.base_map(layers(), "en", boundaries_url=URL, first=first))
    prefetch = script.index('L.AtlasPoints.prefetch("tok123", "/media/events.bin", "gzip")')
    assert script.index("L.AtlasPoints = ") < prefetch < script.index('atlasBoundary("')


def test_a_standalone_map_embeds_its_boundaries() -> None:
    script = script_of(mapbuild.base_map(layers(), "fr"))
    assert "atlasBoundary" not in script and "$.ajax" not in script
    assert "_add({" in script  # the features themselves, in the script


def test_a_changed_folium_template_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression guard for an upstream change: if folium's GeoJson script no longer ends
    with the download this module replaces, the map must not silently draw no boundaries."""
    served = mapbuild.ServedGeoJson(
        {"type": "FeatureCollection", "features": []}, URL, "country", [[0, 0], [1, 1]]
    )
    monkeypatch.setattr(mapbuild, "_FOLIUM_DOWNLOAD", re.compile("no such text"))
    with pytest.raises(RuntimeError, match="no download to replace"):
        served._template.module.script(served)
