"""The map page end to end in Streamlit's AppTest (dashboard.py, default page = map).

A map click is simulated the way the page reads it: st_folium copies its return value to
``st.session_state["atlas_map"]`` (its ``key``), so the tests set that value and rerun.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import catalog, translate

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
MAP_KEY = "atlas_map"
GAO = {"lat": 16.94, "lng": 1.75}  # inside Gao region (ML-7), Mali


def app(**query: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def click(point=None, properties=None) -> dict:
    drawing = None if properties is None else {"type": "Feature", "properties": properties}
    return {"last_object_clicked": point, "last_active_drawing": drawing}


def unit_panel(at: AppTest) -> str | None:
    """The HTML of the side panel describing the selected unit, if any."""
    panels = [h.value for h in at.get("html") if 'class="unit-panel"' in h.value]
    assert len(panels) <= 1
    return panels[0] if panels else None


def core_caption(at: AppTest, lang: str = "en") -> str:
    prefix = catalog()["core_area"][lang].split("{")[0].strip()  # "Area of the core:"
    captions = [c.value for c in at.caption if c.value.startswith(prefix)]
    assert len(captions) == 1, [c.value for c in at.caption]
    return captions[0]


def core_area(caption: str) -> int:
    return int(re.search(r"([\d,]+) km²", caption).group(1).replace(",", ""))


@pytest.fixture
def started() -> AppTest:
    at = app()
    at.run()
    return at


def test_app_runs_without_exception(started):
    assert not started.exception


def test_default_page_shows_the_hint_and_no_panel(started):
    assert translate("panel_hint", "en") in [info.value for info in started.info]
    assert unit_panel(started) is None


def test_default_layers_and_radius(started):
    assert started.toggle(key="alg").value is True
    assert started.toggle(key="core").value is True
    assert started.slider(key="radius").value == 150


def test_french_from_the_session():
    at = app()
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception
    assert translate("panel_hint", "fr") in [info.value for info in at.info]
    assert translate("toggle_alg", "fr") in [toggle.label for toggle in at.toggle]


def test_french_from_the_url():
    at = app(lang="fr")
    at.run()
    assert not at.exception
    assert translate("panel_hint", "fr") in [info.value for info in at.info]
    assert core_caption(at, "fr").startswith("Superficie de la zone")


def test_switching_language_translates_the_page(started):
    started.radio(key="lang").set_value("fr").run()
    assert not started.exception
    assert translate("panel_hint", "fr") in [info.value for info in started.info]


def test_click_position_inside_gao_selects_gao(started):
    started.session_state[MAP_KEY] = click(GAO)
    started.run()
    assert not started.exception
    html = unit_panel(started)
    assert html is not None
    assert "<h3>Gao</h3>" in html
    assert "Mali" in html


def test_click_on_a_region_feature_shows_its_panel(started):
    started.session_state[MAP_KEY] = click(GAO, {"kind": "admin1", "id": "ML-7"})
    started.run()
    assert not started.exception
    html = unit_panel(started)
    assert 'data-id="ML-7"' in html
    assert "<h3>Gao</h3>" in html
    assert "<td>Mali</td>" in html


def test_click_on_a_country_feature_selects_ghana(started):
    started.session_state[MAP_KEY] = click(
        {"lat": 0.0, "lng": 0.0}, {"kind": "country", "id": "GHA"}
    )
    started.run()
    assert not started.exception
    html = unit_panel(started)
    assert 'data-id="GHA"' in html
    assert "<h3>Ghana</h3>" in html
    assert translate("panel_hint", "en") not in [info.value for info in started.info]


def test_a_new_click_replaces_the_selection(started):
    started.session_state[MAP_KEY] = click(GAO, {"kind": "admin1", "id": "ML-7"})
    started.run()
    started.session_state[MAP_KEY] = click(
        {"lat": 7.9, "lng": -1.0}, {"kind": "country", "id": "GHA"}
    )
    started.run()
    assert 'data-id="GHA"' in unit_panel(started)


def test_the_selection_is_written_to_the_url(started):
    started.session_state[MAP_KEY] = click(
        {"lat": 0.0, "lng": 0.0}, {"kind": "country", "id": "GHA"}
    )
    started.run()
    assert started.query_params["sel"] == "country:GHA"


def test_click_on_an_unknown_feature_keeps_the_hint(started):
    started.session_state[MAP_KEY] = click(None, {"kind": "admin1", "id": "XX-99"})
    started.run()
    assert not started.exception
    assert unit_panel(started) is None


def test_url_state_is_honoured_on_first_run():
    at = app(sel="admin1:NE-6", alg="0", radius="200")
    at.run()
    assert not at.exception
    html = unit_panel(at)
    assert 'data-id="NE-6"' in html
    assert "<h3>Tillabéri</h3>" in html
    assert at.toggle(key="alg").value is False
    assert at.slider(key="radius").value == 200


@pytest.mark.parametrize(
    "query",
    [
        {"sel": "admin1:XX-99"},
        {"sel": "nonsense"},
        {"radius": "-5"},
        {"radius": "9999"},
        {"radius": "abc"},
        {"alg": "maybe"},
    ],
)
def test_garbage_url_state_falls_back_to_defaults(query):
    at = app(**query)
    at.run()
    assert not at.exception
    assert unit_panel(at) is None
    assert at.toggle(key="alg").value is True
    assert at.slider(key="radius").value == 150


def test_core_caption_changes_with_radius(started):
    before = core_caption(started)
    started.slider(key="radius").set_value(300).run()
    assert not started.exception
    after = core_caption(started)
    assert after != before
    assert core_area(after) > core_area(before)


def test_core_caption_area_matches_the_radius_from_the_url():
    at = app(radius="200")
    at.run()
    # pi * 200² = 125,664 km²: the core is that disc, slightly less as a polygon, shown
    # to 3 significant figures (the outlines that clip it allow no more)
    caption = core_caption(at)
    assert 0.95 * 125_664 < core_area(caption) <= 126_000  # the disc's, rounded alike
    assert core_area(caption) % 1_000 == 0 and "about" in caption


@pytest.mark.parametrize(
    ("query", "choice", "panel_marker"),
    [
        ("Gao", "admin1:ML-7", 'data-id="ML-7"'),
        ("niger", "country:NER", 'data-id="NER"'),  # a country, before Nigeria
        ("Tombouctou", "admin1:ML-6", 'data-id="ML-6"'),  # the French name, in English
    ],
)
def test_the_search_selects_like_a_click(query, choice, panel_marker):
    """One search finds countries, regions and provinces too (typed, then Enter): the same
    Selection, panel and URL as a click."""
    at = app()
    at.run()
    at.text_input(key="place_query").set_value(query).run()
    assert not at.exception
    assert at.session_state["selection"].to_param() == choice
    panel = unit_panel(at)
    assert panel is not None and panel_marker in panel
    assert at.query_params["sel"] == choice
    assert not [s for s in at.selectbox if s.key == "find_feature"]  # one search, not two


def test_the_search_finds_the_shown_events_by_day():
    at = app()
    at.run()
    at.text_input(key="place_query").set_value("2012").run()  # no place is called that
    assert not at.exception
    selected = at.session_state["selection"]
    assert selected.kind == "event"
    others = [b for b in at.button if (b.key or "").startswith("place_event_")]
    assert others and all(
        re.match(r"^\d{1,2} [A-Z][a-z]{2} 2012 · .+ — event, ", b.label) for b in others
    ), [b.label for b in others]
    others[0].click().run()
    assert (
        at.session_state["selection"].to_param()
        == "event:" + others[0].key.split("place_event_", 1)[1]
    )


def test_the_search_finds_no_event_the_filters_hide():
    at = app()
    at.run()
    at.text_input(key="place_query").set_value("2012").run()
    found = at.session_state["selection"].id
    at.checkbox(key="ev_layers_" + _layer_of(found)).uncheck().run()
    at.text_input(key="place_query").set_value("").run()
    at.text_input(key="place_query").set_value("2012").run()
    assert not at.exception
    hidden = _layer_of(found)
    after = at.session_state["selection"]
    assert after.kind == "event" and _layer_of(after.id) != hidden
    listed = [
        b.key.split("place_event_", 1)[1]
        for b in at.button
        if (b.key or "").startswith("place_event_")
    ]
    assert listed and all(_layer_of(ident) != hidden for ident in listed)


def _layer_of(ident: str) -> str:
    from geo.io.events import EVENTS_FILE, load_events

    events = load_events(EVENTS_FILE).events
    return str(events.loc[events["id"] == ident, "layer"].iloc[0])


def test_the_map_after_the_analysis_page_gets_every_column_of_the_events() -> None:
    """The Analysis page filters a slimmer frame (its texts dropped) with the same filter:
    the filtered events shared between sessions must not hand that frame to the map (it
    raised ``KeyError: 'location'`` on the map once the Analysis page had run)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.switch_page("pages/analysis.py")
    at.run()
    assert not at.exception
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(re.match(r"^\d[\d,]* events shown", c.value) for c in at.caption)
