"""The Analysis page in Streamlit's AppTest.

Runs ``pages/analysis.py`` directly (the language comes from ``session_state["lang"]``, as
``dashboard.py`` would set it), so it works before and after the page is registered.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import translate

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")


TABLES = ("trends", "bands", "actors", "victims", "regions")
SECTIONS = ("trends", "before_after", "bands", "actors", "regions")
"""The page's sections, one drawn at a time (``section`` in the URL; the first by default)."""


def app(lang: str = "en", tables: bool = False, **query: str) -> AppTest:
    """The page; ``tables``: with every "Table" expander open (closed, they build nothing);
    ``query``: the URL's parameters (``section="actors"``: that section drawn)."""
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["lang"] = lang
    for name in TABLES if tables else ():
        at.session_state[f"an_table_{name}"] = True
    for key, value in query.items():
        at.query_params[key] = value
    return at


def metric(at: AppTest, key: str, lang: str = "en") -> str:
    label = translate(key, lang)
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


@pytest.fixture(scope="module")
def shown() -> dict[str, AppTest]:
    """Each section as its address opens it, every table open."""
    runs = {}
    for section in SECTIONS:
        at = app(tables=True, section=section)
        at.run()
        assert not at.exception, (section, at.exception)
        runs[section] = at
    return runs


@pytest.fixture(scope="module")
def started(shown) -> AppTest:
    return shown["trends"]


def test_page_runs_and_shows_every_section_one_at_a_time():
    at = app()
    at.run()
    assert not at.exception
    picker = at.radio(key="an_section")
    assert list(picker.options) == [
        translate(k, "en")
        for k in (
            "an_trends",
            "an_ba",
            "an_bands",
            "an_actors",
            "an_regions",
            "cmp_title",
            "an_all_sections",
        )
    ]
    assert [h.value for h in at.header] == [translate("an_trends", "en")]
    assert any("SVG or PNG" in c.value for c in at.caption)
    assert at.query_params["section"] == "trends"
    for section, key in zip(
        SECTIONS[1:], ("an_ba", "an_bands", "an_actors", "an_regions"), strict=True
    ):
        at.radio(key="an_section").set_value(section).run()
        assert not at.exception
        assert [h.value for h in at.header] == [translate(key, "en")]
        assert at.query_params["section"] == section
        if section == "before_after":
            assert translate("an_descriptive", "en") in [w.value for w in at.warning]
    # A section named in the URL opens; an unknown one falls back to the first.
    assert [h.value for h in app(section="actors").run().header] == [translate("an_actors", "en")]
    assert [h.value for h in app(section="<b>").run().header] == [translate("an_trends", "en")]


def test_all_on_one_page_draws_every_section_in_order():
    at = app(section="all").run()
    assert not at.exception
    assert [h.value for h in at.header] == [
        translate(k, "en")
        for k in ("an_trends", "an_ba", "an_bands", "an_actors", "an_regions", "cmp_title")
    ]
    assert at.query_params["section"] == "all"
    # A section's own widget reruns it there, and the page stays whole.
    at.radio(key="an_by").set_value("category").run()
    assert not at.exception
    assert len(at.header) == 6


def test_default_pivot_and_window_and_url(shown):
    at = shown["before_after"]
    assert at.date_input(key="pivot").value == date(2023, 9, 16)
    assert at.number_input(key="window").value == 12
    assert at.query_params["pivot"] == "2023-09-16"
    assert at.query_params["window"] == "12"


def test_changing_the_pivot_changes_the_numbers():
    at = app(section="before_after")
    at.run()
    before = metric(at, "an_metric_events")
    at.date_input(key="pivot").set_value(date(2021, 1, 1)).run()
    assert not at.exception
    assert metric(at, "an_metric_events") != before
    assert at.query_params["pivot"] == "2021-01-01"
    at.number_input(key="window").set_value(24).run()
    assert at.query_params["window"] == "24"


def test_pivot_and_window_from_the_url_and_bad_values_fall_back():
    at = app(pivot="2022-01-01", window="6", section="before_after")
    at.run()
    assert at.date_input(key="pivot").value == date(2022, 1, 1)
    assert at.number_input(key="window").value == 6
    bad = app(pivot="not-a-date", window="999", section="before_after")
    bad.run()
    assert not bad.exception
    assert bad.date_input(key="pivot").value == date(2023, 9, 16)
    assert bad.number_input(key="window").value == 12


def test_global_filters_come_from_the_same_url_parameters():
    at = app(countries="NER", section="before_after", **{"from": "2023-01-01"})
    at.run()
    assert not at.exception
    assert at.multiselect(key="ev_countries").value == ["NER"]
    ner = metric(at, "an_metric_events")
    full = app(section="before_after")
    full.run()
    assert ner != metric(full, "an_metric_events")


def test_csv_downloads_are_offered(shown):
    labels = [b.proto.label for run in shown.values() for b in run.get("download_button")]
    assert labels.count(translate("an_download_csv", "en")) >= 4
    assert all(run.get("download_button") for run in shown.values())


def test_french(started):
    ba = app("fr", section="before_after")
    ba.run()
    assert not ba.exception
    assert translate("an_ba", "fr") in [h.value for h in ba.header]
    assert translate("an_descriptive", "fr") in [w.value for w in ba.warning]
    at = app("fr")
    at.run()
    assert list(at.radio(key="an_section").options)[1] == translate("an_ba", "fr")
    # Date axes of the monthly charts: French month names or plain years, never Vega's
    # English month names.
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    monthly = [s for s in specs if '"yearmonth' in s or '"month"' in s]
    assert monthly and all(
        '"labelExpr"' in s or '"format": "%Y"' in s or '"format":"%Y"' in s for s in monthly
    )


def test_clicking_a_region_shows_its_numbers():
    at = app(section="regions")
    at.run()
    at.session_state["an_map"] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "ML-7", "kind": "admin1"}}
    }
    at.run()
    assert not at.exception
    lines = [m.value for m in at.markdown if m.value.startswith("Gao")]
    assert lines and "events" in lines[0]


def test_no_events_for_the_filters_does_not_break_the_page():
    at = app(min_fatalities="1000000")
    at.run()
    assert not at.exception
    assert translate("an_no_events", "en") in [i.value for i in at.info]


def _spec_texts(at: AppTest) -> str:
    return "\n".join(c.proto.spec for c in at.get("vega_lite_chart"))


def test_victims_are_not_ranked_among_the_actors(shown):
    from geo.analysis import measures as an

    started = shown["actors"]
    tables = [d.value for d in started.dataframe]
    actor_label, victim_label = translate("an_actor", "en"), translate("an_victim", "en")
    actors = next(t for t in tables if actor_label in t.columns)[actor_label]
    victims = next(t for t in tables if victim_label in t.columns)[victim_label]
    assert len(actors) == 10 and not any(an.is_victim(a) for a in actors)
    assert "civilians" in set(victims) and all(an.is_victim(v) for v in victims)
    assert translate("an_victims", "en") in [s.value for s in started.subheader]


def test_french_page_has_plurals_names_and_no_english():
    at = app("fr", min_fatalities="1000000")
    at.run()
    assert not at.exception
    # 0 is singular in French.
    assert any(c.value.startswith("0 événement correspond ") for c in at.caption)
    runs = [app("fr", tables=True, section=section).run() for section in SECTIONS]
    assert not any(full.exception for full in runs)
    specs = "\n".join(_spec_texts(full) for full in runs)
    assert "Hors AES" in specs and "Outside the AES" not in specs
    for spec in (json.loads(c.proto.spec) for full in runs for c in full.get("vega_lite_chart")):
        assert spec["config"]["locale"]["number"]["thousands"] == "\u202f"
    headers = {str(c) for full in runs for d in full.dataframe for c in d.value.columns}
    assert not headers & {"admin1_id", "name", "events", "year", "band", "share_events"}
    captions = " ".join(c.value for full in runs for c in full.caption)
    assert "2023-09-16" not in captions and "16 septembre 2023" in captions


def test_fourteen_years_of_trends_are_drawn_per_quarter(started):
    monthly = [
        s for s in (c.proto.spec for c in started.get("vega_lite_chart")) if "Events per" in s
    ]
    assert monthly and "yearquarter" in monthly[0] and "Events per quarter" in monthly[0]


def test_tables_are_built_only_while_their_expander_is_open():
    at = app(section="before_after")
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 1  # the before/after table, always shown
    at.radio(key="an_section").set_value("actors").run()
    assert len(at.dataframe) == 0
    at.session_state["an_table_actors"] = True
    at.run()
    actor_label = translate("an_actor", "en")
    assert [d for d in at.dataframe if actor_label in d.value.columns]
    # Another section and back: the table is still open.
    at.radio(key="an_section").set_value("trends").run()
    at.radio(key="an_section").set_value("actors").run()
    assert [d for d in at.dataframe if actor_label in d.value.columns]


AGGREGATES = (
    "prepare",
    "filter_mask",
    "trend_cube",
    "monthly_from_cube",
    "period_series",
    "actor_sums",
    "rank_actors",
    "admin1_sums",
    "admin1_sums_by_year",
    "before_after_arrays",
    "distance_bands_arrays",
    "present",
    "years_present",
)
"""Every function of geo.analysis.measures that goes over the events or regroups their sums."""


def test_a_rerun_that_only_regroups_a_chart_filters_and_aggregates_nothing(monkeypatch):
    """Trends by category and back, actors by deaths, another band share, another map
    measure and year: every number comes from what the first visit of each section summed
    (the filter's selection, both groupings, every ranking, every year); the trend charts
    of the other grouping were built at the end of the first run. Going back to a section
    already seen sums nothing either, and finds its widgets as they were."""
    from geo.analysis import measures as an
    from geo.ui import analysis as ui_an

    at = app()
    at.run()
    for section in (*SECTIONS[1:], "trends"):
        at.radio(key="an_section").set_value(section).run()
    calls: list[str] = []

    def counting(name: str, module=an):
        real = getattr(module, name)

        def counted(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        return counted

    for name in AGGREGATES:
        monkeypatch.setattr(an, name, counting(name))
    monkeypatch.setattr(ui_an, "trend_spec", counting("trend_spec", ui_an))
    at.radio(key="an_by").set_value("category").run()
    at.radio(key="an_section").set_value("actors").run()
    at.radio(key="an_rank").set_value("fatalities_high").run()
    at.radio(key="an_section").set_value("bands").run()
    at.radio(key="an_band_measure").set_value("share_fatalities_high").run()
    at.radio(key="an_section").set_value("regions").run()
    at.radio(key="an_map_measure").set_value("fatalities_high").run()
    years = [o for o in at.selectbox(key="an_period").options if o.isdigit()]
    for year in (years[0], years[-1]):
        at.selectbox(key="an_period").set_value(year).run()
    at.radio(key="an_section").set_value("trends").run()
    assert at.radio(key="an_by").value == "category"  # as left
    at.radio(key="an_by").set_value("country_iso3").run()
    at.radio(key="an_section").set_value("actors").run()
    assert at.radio(key="an_rank").value == "fatalities_high"
    assert not at.exception
    assert calls == []
    # The counting works: another filter is summed anew.
    at.number_input(key="ev_min_fat").set_value(3).run()
    assert not at.exception
    assert {"filter_mask", "trend_cube", "actor_sums"} <= set(calls)


def test_the_distance_sentence_states_its_base_and_draws_no_conclusion(shown):
    """Issue #14: a comparison of two years names how many events each year has and what
    was counted; it does not say that violence "moved"."""
    import re

    started = shown["bands"]
    sentence = next(
        m.value for m in started.markdown if m.value.startswith("Median distance to the tripoint")
    )
    counts = [
        int(n.replace(",", "")) for n in re.findall(r"\((\d[\d,]*)(?: located events)?\)", sentence)
    ]
    assert len(counts) == 2 and min(counts) >= 5
    assert "Counted: every event the filters select" in sentence
    assert "not a measured trend" in sentence
    assert "violence has moved" not in sentence and "spread away" not in sentence
