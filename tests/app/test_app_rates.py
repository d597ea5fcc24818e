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
    assert len(people) == 28 and not people.isna().any().any()
    assert "Sahel" not in set(people[t("an_region")])
    by_name = people.set_index(t("an_region"))
    assert by_name.loc["Niamey", t("rt_population_source")] == t("rt_census", year="2012")
    assert by_name.loc["Niamey", t("rt_population")] == 1_026_848
    captions = _captions(at)
    assert ui_markdown(t("rt_missing_note", count=2)) in captions
    assert "Sahel" in captions.split(ui_markdown(t("rt_missing_note", count=2)))[1]
    assert "Natural Earth" in captions
    # the Mali source, its URL an explicit link (a bare one would be autolinked with the
    # Markdown escapes in it)
    assert "(https://it.m.wikipedia.org/wiki/Regioni_del_Mali)" in captions
    assert "aNiamey" in captions
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
    assert per_people[0] == "–"  # no population figure, and the caption says so
    assert "no population figure" in _captions(at)
