"""The Analysis page's rates table (regions section) and Compare section in AppTest, in
English and French."""

from __future__ import annotations

import pytest

from geo.i18n.catalogue import translate
from geo.ui import markdown_text as ui_markdown
from tests.app.test_app_analysis import app


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_regions_section_has_a_sortable_rates_table_with_its_sources(lang):
    at = app(lang, section="regions").run()
    assert not at.exception
    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    assert t("rt_rates") in [s.value for s in at.subheader]
    tables = [d.value for d in at.dataframe]
    area = next(v for v in tables if t("rt_events_area") in v.columns)
    people = next(v for v in tables if t("rt_events_people") in v.columns)
    assert len(area) == 30  # every unit, with or without events
    assert area[t("rt_events_area")].dtype.kind == "f"  # numbers kept: the table sorts
    assert area[t("rt_events_area")].is_monotonic_decreasing
    # per capita: only the units with a census figure, no empty cell
    assert len(people) == 30 and not people.isna().any().any()  # every unit has a figure
    by_name = people.set_index(t("an_region"))
    assert by_name.loc["Niamey", t("rt_population_source")] == t("rt_census", year="2012")
    assert by_name.loc["Niamey", t("rt_population")] == 1_026_848
    assert by_name.loc["Hauts-Bassins", t("rt_population")] == 2_238_375
    assert by_name.loc["Sahel", t("rt_population")] == 1_094_907
    captions = _captions(at)
    assert ui_markdown(t("rt_missing_note", count=1)) not in captions  # no unit without one
    assert "Natural Earth" in captions
    # the one area rule, with the countries' usual areas to 3 figures, and their sources
    million = ui_markdown("1.27 million" if lang == "en" else "1,27\u00a0million")
    assert million in captions and "1,267,000" not in captions
    separator = "\u00a0; Burkina" if lang == "fr" else "; Burkina"
    assert separator in captions  # French spacing in the list of countries too
    assert t("rt_area_sources_title") in [m.value.strip("*") for m in at.markdown]
    sources = " ".join(h.proto.body for h in at.get("html"))
    assert "nationsencyclopedia.com/Africa/Mali" in sources
    assert "Provinces_of_Burkina_Faso" in captions  # Sahel's, the provinces summed
    # the Mali source, its URL an explicit link (a bare one would be autolinked with the
    # Markdown escapes in it)
    assert "(https://it.m.wikipedia.org/wiki/Regioni_del_Mali)" in captions
    # Niger's: the English table "Regions of Niger" and Tillabéri's own article, both
    # openly licensed (the press report of the INS's results is the note's primary source)
    assert "(https://en.wikipedia.org/wiki/Regions_of_Niger)" in captions
    assert "Tillab%C3%A9ri_Region" in captions
    assert "aNiamey" not in captions
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(t("an_download_csv")) == 2  # the regions' sums and the rates


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_compare_shows_two_places_side_by_side(lang):
    at = app(lang, section="compare").run()
    assert not at.exception
    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    assert [h.value for h in at.header] == [t("cmp_title")]
    names = [s.value for s in at.subheader]
    assert names[:2] == ["Mali", "Niger"]
    events = [m.value for m in at.metric if m.label == t("cmp_events")]
    assert len(events) == 2
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    import json

    domains = [json.loads(c.proto.spec)["encoding"]["y"]["scale"]["domain"] for c in charts]
    assert domains[0] == domains[1]  # one vertical scale
    assert at.query_params["cmp_a"] == "MLI" and at.query_params["cmp_b"] == "NER"
    if lang == "fr":
        captions = _captions(at)
        assert "recensement de 2009" in captions and "census" not in captions


def test_changing_one_place_updates_its_side_and_the_url():
    at = app(section="compare").run()
    before = [m.value for m in at.metric if m.label == translate("cmp_events", "en")]
    at.selectbox(key="cmp_b").set_value("NE-6").run()
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["Mali", "Tillabéri (Niger)"]
    after = [m.value for m in at.metric if m.label == translate("cmp_events", "en")]
    assert after[0] == before[0] and after[1] != before[1]
    assert at.query_params["cmp_b"] == "NE-6"


def test_places_come_from_the_url_and_unknown_ones_fall_back():
    at = app(section="compare", cmp_a="BF-SAHEL", cmp_b="<b>").run()
    assert not at.exception
    names = [s.value for s in at.subheader]
    assert names[:2] == ["Sahel (Burkina Faso)", "Niger"]
    per_people = [m.value for m in at.metric if m.label == translate("cmp_per_people", "en")]
    assert per_people[0] != "–"  # Sahel's figure: its provinces summed
    assert "population 1,094,907 (2019 census)" in _captions(at)


def _legend(at) -> str:
    return next(h.proto.body for h in at.get("html") if "an-legend" in h.proto.body)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_regions_map_switches_between_count_and_rates_kept_in_the_url(lang):
    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    at = app(lang, section="regions").run()
    assert not at.exception
    basis = at.radio(key="map_rate")
    assert basis.value == "count" and basis.label == t("an_map_basis")
    assert list(basis.options) == [  # as the reader reads them
        t("an_basis_count"),
        t("an_basis_area"),
        t("an_basis_people"),
    ]
    assert "map_rate" not in at.query_params  # the default leaves the address as it was
    assert t("an_events") in _legend(at)
    at.radio(key="map_rate").set_value("people").run()
    assert not at.exception
    assert at.query_params["map_rate"] == "people"
    legend = _legend(at)
    assert t("rt_events_people") in legend
    # every unit has a population figure: no "no figure" item (geo.ui.analysis tests it)
    assert t("an_legend_no_population") not in legend
    assert t("an_map_rate_note") in _captions(at)
    at.radio(key="an_map_measure").set_value("fatalities_high").run()
    assert t("rt_fat_high_people") in _legend(at)
    at.radio(key="map_rate").set_value("area").run()
    assert at.query_params["map_rate"] == "area"
    legend = _legend(at)
    assert t("rt_fat_high_area") in legend
    assert t("an_legend_no_population") not in legend  # every unit has an area
    at.radio(key="map_rate").set_value("count").run()
    assert "map_rate" not in at.query_params


def test_the_map_basis_comes_from_the_url_and_a_bad_one_falls_back():
    at = app(section="regions", map_rate="area").run()
    assert not at.exception and at.radio(key="map_rate").value == "area"
    at = app(section="regions", map_rate="<script>").run()
    assert not at.exception and at.radio(key="map_rate").value == "count"


def test_compare_and_the_rates_table_give_one_region_the_same_rate():
    """The one area rule: a unit in Compare has the table's area and so its rate (period:
    all the filter's dates, as Compare's); a country has its usual area, shown rounded."""
    t = lambda key, **p: translate(key, "en", **p)  # noqa: E731
    at = app(section="all", cmp_a="NE-6", cmp_b="NER").run()
    assert not at.exception
    area = next(d.value for d in at.dataframe if t("rt_events_area") in d.value.columns)
    table_rate = area.set_index(t("an_region")).loc["Tillabéri", t("rt_events_area")]
    shown = [m.value for m in at.metric if m.label == t("cmp_per_area")]
    assert shown[0] == f"{table_rate:,.1f}"
    captions = _captions(at)
    assert "about 91,400 km² (computed from the map's outline)" in captions
    assert "about 1.27 million km² (the usual published figure)" in captions
