"""The base map's boundaries served by URL (geo.render.mapbuild.ServedGeoJson): the map script
carries their URL, styles and tooltips, never their coordinates, and loads them without
jQuery, all layers in one request, after the events' download has started."""

from __future__ import annotations

import json
import re

import brotli
import folium
import pytest
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
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


def _unpacked(geometry: dict) -> BaseGeometry:
    """A packed geometry (mapbuild.packed_boundaries) as the browser's loader reads it."""
    rings = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return shape({"type": "Polygon", "coordinates": [mapbuild.unpacked_ring(r) for r in rings]})
    return shape(
        {
            "type": "MultiPolygon",
            "coordinates": [[mapbuild.unpacked_ring(r) for r in part] for part in rings],
        }
    )


def test_a_packed_ring_is_its_points_in_thousandths_of_a_degree_as_differences():
    ring = [(-2.8597, 13.5578), (-2.8596, 13.5581), (-2.7313, 13.5202), (-2.8597, 13.5578)]
    packed = mapbuild.packed_ring(ring)
    assert packed == [-2860, 13558, 129, -38, -129, 38]  # the second point rounds to the first
    assert mapbuild.unpacked_ring(packed) == [(-2.86, 13.558), (-2.731, 13.52), (-2.86, 13.558)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_served_file_is_packed_and_its_layers_stay_coverages_within_a_pixel(lang):
    geojson = mapbuild.labelled_geojson(layers(), lang)
    served = json.loads(json.dumps(mapbuild.packed_boundaries(geojson)))
    assert served[mapbuild.PACKED] == mapbuild.PACK_SCALE == 1000
    assert served["town"] == json.loads(json.dumps(geojson["town"]))  # labels as they are
    for kind in KINDS:
        features, original = served[kind]["features"], geojson[kind]["features"]
        # Same features, ids and labels (folium's styles and tooltips are keyed by them).
        assert [f["id"] for f in features] == [f["id"] for f in original]
        assert [f["properties"] for f in features] == [f["properties"] for f in original]
        shapes = [_unpacked(f["geometry"]) for f in features]
        assert all(s.is_valid for s in shapes)
        # Shared borders stay shared: no gap and no overlap between neighbours.
        assert shapely.coverage_is_valid(shapes), kind
        # At most half a thousandth of a degree per axis from the drawn outline (under a
        # pixel up to zoom 10; the outlines were simplified at 0.01 degree).
        for packed, source in zip(shapes, original, strict=True):
            assert packed.hausdorff_distance(shape(source["geometry"])) <= 0.00071
    raw = json.dumps(geojson, separators=(",", ":")).encode()
    small = json.dumps(served, separators=(",", ":")).encode()
    # Over the proxy's Brotli (level 6): about two thirds of the GeoJSON.
    assert len(brotli.compress(small, quality=6)) < 0.7 * len(brotli.compress(raw, quality=6))


def test_the_loader_unpacks_a_packed_file_once_per_layer():
    script = script_of(mapbuild.base_map(layers(), "en", boundaries_url=URL))
    assert "if (file.packed && layer.features && !layer.unpacked)" in script
    assert "out.push([x / s, y / s])" in script


def test_the_app_serves_the_packed_file():
    from geo.ui import mapdata

    served = json.loads(mapdata.boundary_file("fr"))
    assert served[mapbuild.PACKED] == mapbuild.PACK_SCALE
    assert all(
        isinstance(v, int) for v in served["admin1"]["features"][0]["geometry"]["coordinates"][0]
    )
