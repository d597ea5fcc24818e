"""Text from data is never run as a Jinja template when a map is rendered.

branca compiles each element's rendered output as a new template; without
``geo.render.foliumsafe`` an event place named ``{{ 7*7 }}`` showed as ``49``, and the payload
below ran ``os.mkdir`` on the machine drawing the map.
"""

from __future__ import annotations

from pathlib import Path

import folium
import pandas as pd
import pytest
from folium.plugins.pattern import StripePattern
from jinja2.utils import htmlsafe_json_dumps
from streamlit_folium import _get_feature_group_string

from geo.render import export_html, mapbuild, pointlayer
from geo.render.foliumsafe import LiteralElement

# No quotes (those are escaped in JSON): the payload must survive JSON escaping to run.
RCE = "{{ cycler.__init__.__globals__.os.mkdir(dict(jinja_ran=1)|first) }}"
HOSTILE = (
    "Gao {{ 7*7 }} {% if 1 %}jinja-if{% endif %} {# comment #} "
    + RCE
    + " {% raw %} {{'geo_json_0123456789abcdef0123456789abcdef'}}"
)


def hostile_events(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"{HOSTILE} #{i}" for i in range(n)],
            "layer": ["insurgency"] * n,
            "latitude": [16.27 + i / 100 for i in range(n)],
            "longitude": [-0.04 + i / 100 for i in range(n)],
            "date": pd.to_datetime(["2024-01-01"] * n),
            "location": [HOSTILE] * n,
            "fatalities_low": pd.array([1] * n, dtype="Int64"),
            "fatalities_high": pd.array([2] * n, dtype="Int64"),
        }
    )


@pytest.fixture()
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # where the payload would create its folder
    return tmp_path


def hostile_block() -> pointlayer.PointBlock:
    return pointlayer.event_block(hostile_events(), ("insurgency",))


@pytest.mark.parametrize("cluster", [True, False])
def test_event_text_never_reaches_the_map_page(in_tmp, countries, admin1, provinces, cluster):
    """The events layer carries numbers only (positions, sizes, styles): ids and places
    stay on the server, which names the event a click hits."""
    fmap = mapbuild.base_map(mapbuild.BaseLayers(countries, admin1, provinces), "en")
    pointlayer.point_group(hostile_block(), "en", cluster).add_to(fmap)
    page = fmap.get_root().render()
    assert not (in_tmp / "jinja_ran").exists()
    assert "jinja-if" not in page and RCE not in page
    assert sorted(hostile_block().ids.tolist()) == [f"{HOSTILE} #{i}" for i in range(3)]


def test_the_dynamic_layers_path_of_streamlit_folium(in_tmp, countries, admin1, provinces):
    """st_folium renders the layers that follow widgets on their own (``feature_group_to_add``):
    a zone's hostile label stays literal there too."""
    fmap = mapbuild.base_map(mapbuild.BaseLayers(countries, admin1, provinces), "en")
    fmap.get_root().render()
    label = folium.FeatureGroup(name="label")
    mapbuild.TextLabel((14.0, 0.0), HOSTILE).add_to(label)
    groups = mapbuild.dynamic_layers([label, pointlayer.point_group(hostile_block(), "en", True)])
    scripts = [_get_feature_group_string(g, fmap, i) for i, g in enumerate(groups)]
    assert not (in_tmp / "jinja_ran").exists()
    joined = "".join(scripts)
    assert "7*7" in joined and "Gao 49" not in joined
    fmap.get_root().render()  # the figure now holds the groups' output too
    assert not (in_tmp / "jinja_ran").exists()


def test_standalone_export_keeps_data_and_attribution_literal(in_tmp, countries, admin1, provinces):
    fmap = mapbuild.base_map(mapbuild.BaseLayers(countries, admin1, provinces), "en")
    pointlayer.point_group(hostile_block(), "en", False).add_to(fmap)
    page = export_html.standalone_html(fmap, [f"Filters: actors={RCE} <b>bold</b>"]).decode()
    assert not (in_tmp / "jinja_ran").exists()
    # Escaped once (html.escape), then JSON-encoded into the script that fills the control:
    # the template syntax is still there, literally.
    assert str(htmlsafe_json_dumps(f"Filters: actors={RCE} &lt;b&gt;bold&lt;/b&gt;")) in page


def test_folium_element_references_are_still_resolved(in_tmp):
    """Folium writes a style value that is an element as {{'name'}} for the second pass."""
    fmap = folium.Map(tiles=None)
    stripes = StripePattern(angle=45).add_to(fmap)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": "a",
                    "properties": {"t": RCE},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                    },
                }
            ],
        },
        style_function=lambda _f: {"fillPattern": stripes},
    ).add_to(fmap)
    page = fmap.get_root().render()
    assert f"{{{{'{stripes.get_name()}'}}}}" not in page
    assert stripes.get_name() in page
    assert RCE in page and not (in_tmp / "jinja_ran").exists()


def test_literal_element_outputs_its_text_unchanged():
    fmap = folium.Map(tiles=None)
    fmap.get_root().html.add_child(LiteralElement("<p>{{ 7*7 }} {% bad</p>"))
    assert "<p>{{ 7*7 }} {% bad</p>" in fmap.get_root().render()


def test_popup_text_is_literal_too(in_tmp):
    fmap = folium.Map(tiles=None)
    folium.Marker([14.0, 1.0], popup=folium.Popup(HOSTILE)).add_to(fmap)
    page = fmap.get_root().render()
    assert not (in_tmp / "jinja_ran").exists()
    assert "Gao 49" not in page and "{{ 7*7 }}" in page
