"""The "Where it is changing" page in Streamlit's AppTest, in English and French, on the
curated events (their numbers checked against geo.analysis.signals computed directly)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis import measures as an
from geo.analysis import signals as sg
from geo.i18n.catalogue import translate
from geo.io.events import load_events
from geo.model.filters import EventFilter
from tests.analysis.test_analysis import CENTER

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "changes.py")


def app(lang: str = "en", **query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    return at


def frame_with(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_page_shows_records_map_and_new_actors_in_each_language(lang):
    at = app(lang, sg_period="quarter", sg_end="2019-12-31")
    at.run()
    assert not at.exception
    headers = [h.value for h in at.header]
    for key in ("sg_records", "sg_map", "sg_new_actors"):
        assert translate(key, lang) in headers
    assert any(
        translate("sg_rule", lang, min=sg.MIN_COUNT, periods=sg.MIN_BASELINE_PERIODS)[:40]
        in c.value
        for c in at.caption
    )
    period_line = translate(
        "sg_period_line",
        lang,
        first="X",
        last="Y",
        count=12,
        unit=translate("sg_periods_quarter", lang),
    ).split("X")[0]
    assert any(m.value.replace("\\", "").startswith(period_line) for m in at.markdown)
    # the ranked list: the curated data's quarter to 31 December 2019 against 3 years
    records = frame_with(at, translate("sg_previous_max", lang))
    arrays = an.prepare(load_events().events, CENTER)
    mask = an.filter_mask(arrays, EventFilter())
    expected = sg.record_table(arrays, mask, "admin1", "quarter", date(2019, 12, 31))
    assert len(records) == len(expected) > 0
    assert records[translate("sg_this_period", lang)].tolist() == expected["value"].tolist()
    assert records[translate("sg_previous_max", lang)].tolist() == expected["previous_max"].tolist()
    levels = frame_with(at, f"{translate('an_events', lang)} · {translate('sg_level', lang)}")
    assert translate("sg_level_too_few", lang) in set(levels.iloc[:, 4])


def test_the_end_date_and_period_go_to_the_url_and_a_bad_one_falls_back():
    at = app(sg_period="fortnight", sg_end="1900-01-01")
    at.run()
    assert not at.exception
    assert at.radio(key="sg_period").value == "month"
    end = at.date_input(key="sg_end").value
    assert end == sg.default_end(*_curated())
    assert at.query_params["sg_end"] == end.isoformat()
    at.radio(key="sg_period").set_value("week").run()
    assert at.query_params["sg_period"] == "week"
    first, last = sg.period_span(end, "week")
    assert (last - first).days == 6


def test_the_measure_changes_the_map_not_the_tables():
    at = app(sg_period="quarter", sg_end="2019-12-31")
    at.run()
    tables = [d.value.to_dict() for d in at.dataframe]
    at.radio(key="sg_measure").set_value("fatalities").run()
    assert not at.exception
    assert [d.value.to_dict() for d in at.dataframe] == tables


def _curated():
    arrays = an.prepare(load_events().events, CENTER)
    return arrays, an.filter_mask(arrays, EventFilter())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_level_map_colours_each_unit_by_its_level_and_says_its_base(admin1, lang):
    import folium
    import pandas as pd

    from geo.ui import signals as ui_sg

    ids = admin1["id"].tolist()
    regions = pd.DataFrame(
        {
            "events": [12, 1],
            "events_mean": [2.0, 0.1],
            "events_sd": [0.5, 0.3],
            "events_baseline": [24, 1],
            "events_level": ["well_above", "too_few"],
            "fatalities": [3, 0],
            "fatalities_mean": [1.0, 0.0],
            "fatalities_sd": [1.0, 0.0],
            "fatalities_baseline": [12, 0],
            "fatalities_level": ["above", "too_few"],
            "baseline_periods": [12, 12],
        },
        index=pd.Index(ids[:2], name="admin1"),
    )
    fmap = ui_sg.level_map(admin1, regions, "events", lang)
    layer = next(c for c in fmap._children.values() if isinstance(c, folium.GeoJson))
    props = {f["properties"]["id"]: f["properties"] for f in layer.data["features"]}
    assert props[ids[0]]["fill"] == ui_sg.LEVEL_COLOURS["well_above"]
    assert props[ids[1]]["fill"] == ui_sg.LEVEL_COLOURS["too_few"]
    assert props[ids[2]]["fill"] == ui_sg.NO_EVENT_COLOUR
    assert translate("sg_level_well_above", lang).replace("'", "&#x27;") in props[ids[0]]["value"]
    assert "12" in props[ids[0]]["value"] and "2" in props[ids[0]]["value"]
    legend = ui_sg.level_legend_html(lang)
    for level in ui_sg.LEGEND_LEVELS:
        assert ui_sg.LEVEL_COLOURS[level] in legend
