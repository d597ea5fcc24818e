"""The base map's boundaries served by URL (geo.mapbuild.ServedGeoJson): the map script
carries their URL, styles and tooltips, never their coordinates."""

from __future__ import annotations

import json

from streamlit_folium import _get_map_string

from geo import boundaries, mapbuild


def layers() -> mapbuild.BaseLayers:
    return mapbuild.BaseLayers(boundaries.load_countries(), boundaries.load_admin1(),
                               boundaries.load_bfa_provinces())


def test_served_boundaries_leave_the_map_script_and_keep_their_bounds() -> None:
    base = layers()
    geojson = mapbuild.labelled_geojson(base, "en")
    urls = {kind: f"/media/{kind}.json" for kind in ("country", "admin1", "province")}
    embedded = mapbuild.base_map(base, "en", geojson)
    served = mapbuild.base_map(base, "en", geojson, urls=urls)
    embedded.render()
    served.render()
    inline_script, served_script = _get_map_string(embedded), _get_map_string(served)
    coordinates = json.dumps(geojson["admin1"]["features"][0]["geometry"]["coordinates"][0])[:40]
    assert coordinates in inline_script and coordinates not in served_script
    assert len(served_script) < len(inline_script) / 5
    for url in urls.values():
        assert f'$.ajax("{url}"' in served_script
    assert "_styler" in served_script and "bindTooltip" in served_script
    assert served.get_bounds() == embedded.get_bounds()  # folium's own, from the data


def test_a_standalone_map_embeds_its_boundaries() -> None:
    base = layers()
    fmap = mapbuild.base_map(base, "fr")
    fmap.render()
    assert "$.ajax" not in _get_map_string(fmap)
