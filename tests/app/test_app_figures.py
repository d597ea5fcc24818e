"""The PNG and SVG downloads of the map and of the charts in AppTest: each button is there
and its deferred callable (run by Streamlit when the reader clicks) gives the file."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import translate
from geo.ui.state import EXPORTS_OPEN

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")


@pytest.fixture
def deferred(monkeypatch) -> dict[str, object]:
    """The callables the download buttons registered, by file name."""
    found: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def _check_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.width > 600 and image.height > 400
    return image


def _check_svg(data: bytes, *texts: str) -> str:
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    text = data.decode("utf-8")
    for expected in texts:
        assert expected in text
    return text


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Sahel Atlas: events"), ("fr", "Atlas du Sahel : événements")],
)
def test_map_page_downloads_the_map_as_png_and_svg(deferred, lang, title):
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["lang"] = lang
    at.session_state[EXPORTS_OPEN.name] = True  # the exports' expander, opened
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Image (PNG)" in labels and "Image (SVG)" in labels
    _check_png(deferred["sahel-atlas-map.png"]())
    svg = _check_svg(deferred["sahel-atlas-map.svg"](), title, "Natural Earth")
    assert "Filt" in svg  # the filters line ("Filters applied" / "Filtres appliqués")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_page_draws_its_exports_only_when_their_expander_is_open(lang):
    """Closed, the exports' expander holds nothing (a first visit then downloads none of
    its elements' code: the download buttons, the view reader's component); opened, every
    download and the view reader are there."""
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    heading = translate("export_heading", lang)
    (closed,) = [e for e in at.sidebar.expander if e.label == heading]
    assert len(closed.children) == 0
    assert not at.get("download_button") and not at.get("bidi_component")
    at.session_state[EXPORTS_OPEN.name] = True
    at.run()
    assert not at.exception
    (opened,) = [e for e in at.sidebar.expander if e.label == heading]
    files = [b.proto.label for b in opened.get("download_button")]
    assert len(files) == 6  # CSV, CSV for Excel, GeoJSON, HTML map, PNG, SVG
    assert translate("export_csv", lang) in files and translate("fig_download_svg", lang) in files
    assert len(at.get("bidi_component")) == 1  # the reader of the map's current view


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    ("section", "names"),
    [
        ("trends", ["trend-events", "trend-fatalities"]),
        ("bands", ["distance-bands"]),
        ("actors", ["top-actors", "victims"]),
        ("before_after", ["before-after-events", "before-after-deaths"]),
        ("regions", ["regions"]),
        ("compare", ["compare-monthly", "compare-actors"]),
    ],
)
def test_analysis_charts_download_as_png_and_svg(deferred, lang, section, names):
    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=120)
    at.session_state["lang"] = lang  # the page run alone reads the language from the session
    at.query_params["section"] = section
    at.run()
    assert not at.exception
    for name in names:
        _check_png(deferred[f"sahel-atlas-{name}.png"]())
        filters = translate("exp_filters", lang, filters="").split(":")[0]
        _check_svg(deferred[f"sahel-atlas-{name}.svg"](), filters)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_regions_figure_follows_the_maps_rate(deferred, lang):
    """Per 100,000 people: the figure's heading and legend say so, the colours are the
    rate's (every unit has a population figure: no grey unit; the grey is tested in
    tests/analysis/test_analysis.py)."""
    from geo.render import palette

    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.query_params["section"] = "regions"
    at.query_params["map_rate"] = "people"
    at.run()
    assert not at.exception
    _check_png(deferred["sahel-atlas-regions.png"]())
    svg = _check_svg(deferred["sahel-atlas-regions.svg"](), translate("rt_events_people", lang))
    assert translate("an_legend_no_population", lang) not in svg
    assert palette.NO_FIGURE_COLOUR.lower() not in svg.lower()
    assert palette.SEQUENTIAL[-1].lower() in svg.lower()  # the darkest class is used


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_change_levels_map_downloads_as_png_and_svg(deferred, lang):
    at = AppTest.from_file(str(ROOT / "pages" / "changes.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    _check_png(deferred["sahel-atlas-change-levels.png"]())
    svg = _check_svg(
        deferred["sahel-atlas-change-levels.svg"](),
        translate("sg_map", lang),
        translate("sg_no_event", lang),
        "Natural Earth",
    )
    assert translate("exp_filters", lang, filters="").split(":")[0] in svg


def test_reader_values_are_parsed_and_bad_ones_ignored():
    from datetime import date

    from geo.ui import figures

    read = figures._view_from(
        {
            "view": "13.5,0.5,7",
            "width": 800,
            "height": 600,
            "time": {"from": "2024-01-01", "to": "2024-01-31", "label": "January 2024"},
        }
    )
    assert read == (
        (13.5, 0.5, 7),
        (800.0, 600.0),
        (date(2024, 1, 1), date(2024, 1, 31), "January 2024"),
    )
    assert figures._view_from({"view": "x", "width": 800}) is None
    assert figures._view_from({"view": "13.5,0.5,7"})[1] == figures.DEFAULT_SIZE
    assert figures.time_from({"from": "2024-02-01", "to": "2024-01-01"}) is None
    assert figures.time_from({"from": "<b>", "to": "2024-01-01"}) is None


def test_map_image_keeps_to_the_time_slider_period_read_with_the_view(deferred):
    from datetime import date

    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.session_state[EXPORTS_OPEN.name] = True
    at.run()
    at.session_state["_fig_view"] = (
        (13.5, 0.5, 7),
        (800.0, 600.0),
        (date(2023, 1, 1), date(2023, 12, 31), "2023"),
    )
    at.run()
    assert not at.exception
    note = translate("fig_time_window", "en", label="2023")
    assert note in [c.value for c in at.caption]
    svg = _check_svg(deferred["sahel-atlas-map.svg"](), note, "Natural Earth")
    assert "events in this view" in svg or "event in this view" in svg


def test_map_image_says_it_draws_events_where_the_map_shows_density(deferred):
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["density"] = "1"
    at.session_state[EXPORTS_OPEN.name] = True
    at.run()
    assert not at.exception
    svg = _check_svg(deferred["sahel-atlas-map.svg"]())
    assert translate("fig_no_density", "en") in svg.replace("&#x27;", "'")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_trend_images_draw_the_milestones_the_page_chart_shows(deferred, lang):
    from geo.ui import analysis as ui_an

    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.query_params["section"] = "trends"
    at.run()
    assert not at.exception
    rules = ui_an.milestone_rules()
    labels = set(ui_an.rule_labels(rules, lang))
    charter = translate("an_rule_charter", lang)
    assert charter in labels
    for name in ("trend-events", "trend-fatalities"):
        root = ET.fromstring(deferred[f"sahel-atlas-{name}.svg"]())
        texts = {"".join(n.itertext()) for n in root.iter("{http://www.w3.org/2000/svg}text")}
        assert charter in texts or any(t.startswith(charter[:10]) for t in texts)
        assert translate("an_milestone", lang) in texts  # the legend's entry
        assert any(t.startswith(translate("an_rule_coup", lang, country="")[:4]) for t in texts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_compare_images_name_both_places_with_their_totals(deferred, lang):
    from geo.analysis import rates
    from geo.ui import analysis_rates as ui_rates
    from geo.ui import state

    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.query_params["section"] = "compare"
    at.run()
    assert not at.exception
    first = rates.place_label(ui_rates.units(), state.CMP_A.default, lang)
    second = rates.place_label(ui_rates.units(), state.CMP_B.default, lang)
    monthly = _check_svg(
        deferred["sahel-atlas-compare-monthly.svg"](),
        translate("cmp_fig_monthly", lang, first=first, second=second).replace("'", "&#39;"),
        translate("cmp_month", lang),
        translate("exp_filters", lang, filters="").split(":")[0],
    )
    assert monthly.count(f"{first}{' :' if lang == 'fr' else ':'}") >= 1  # its totals' line
    actors = _check_svg(
        deferred["sahel-atlas-compare-actors.svg"](),
        translate("cmp_fig_actors", lang, first=first, second=second).replace("'", "&#39;"),
        translate("cmp_place", lang),
    )
    assert translate("cmp_fig_actors_note", lang, n=ui_rates.TOP_ACTORS)[:20] in actors


def test_chart_milestones_fall_within_their_period():
    import pandas as pd

    from geo.ui.analysis_page import chart_milestones

    rules = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "date": pd.to_datetime(["2023-07-16", "2019-01-01", "2024-03-01"]),
            "kind": ["coup", "charter", "other"],
            "country_iso3": ["NER", "", ""],
            "label_en": ["Coup in Niger", "Before", "After"],
            "label_fr": ["Coup au Niger", "Avant", "Après"],
        }
    )
    periods = [pd.Timestamp("2023-06-01"), pd.Timestamp("2023-07-01"), pd.Timestamp("2023-08-01")]
    (only,) = chart_milestones(rules, periods, "month", "en")
    assert only.at == pytest.approx(1 + 15 / 31)  # 15 days into July, the second month
    assert only.label == "Coup, Niger" and only.colour == "#000000"
    (quarter,) = chart_milestones(rules, [pd.Timestamp("2023-07-01")], "quarter", "fr")
    assert quarter.label == "Coup d'État, Niger" and 0 < quarter.at < 1
