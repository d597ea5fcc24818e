"""The event part of the map page through Streamlit's AppTest (no browser).

Expected numbers come from the curated data through the same pure functions the page uses
(``geo.analysis.filters``), so the tests follow the data when it is rebuilt; the filters themselves
are checked against hand-worked answers in ``test_filters.py``.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.filters import apply_filter, layer_counts, region_stats
from geo.i18n.catalogue import format_day, translate
from geo.io.boundaries import load_admin1
from geo.io.events import load_events
from geo.model.events import LAYERS
from geo.model.filters import EventFilter
from geo.ui.events import CHARTER_DATE, EVENTS_ENV, default_filter

APP = str(Path(__file__).resolve().parents[2] / "dashboard.py")
FILTER_KEYS = (
    "from",
    "to",
    "countries",
    "layers",
    "subtypes",
    "actors",
    "min_fatalities",
    "non_aes_coups",
)
SHOWN_RE = re.compile(r"^(\d+) events? shown")

EVENTS = load_events().events
DEFAULT = default_filter(EVENTS)
SPAN_END = DEFAULT.date_to


@pytest.fixture(autouse=True)
def _curated_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page reads the file named by SAHEL_ATLAS_EVENTS; these tests are about the
    # curated file.
    monkeypatch.delenv(EVENTS_ENV, raising=False)


def run_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> int:
    """The number in the "N events shown" caption under the map."""
    hits = [m.group(1) for c in at.caption if (m := SHOWN_RE.match(c.value))]
    assert len(hits) == 1, [c.value for c in at.caption]
    return int(hits[0])


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    if isinstance(value, list):
        value = value[-1] if value else None
    return value


def layer_box(at: AppTest, layer: str):
    return at.checkbox(key=f"ev_layers_{layer}")


def label_count(at: AppTest, layer: str) -> int:
    match = re.fullmatch(r"(.+) \((\d+)\)", layer_box(at, layer).label)
    assert match, layer_box(at, layer).label
    assert match.group(1) == translate(f"ev_layer_{layer}", "en")
    return int(match.group(2))


def expected(f: EventFilter) -> tuple[dict[str, int], int]:
    """(label count per layer, located events drawn) for a filter, as the page computes."""
    counts = layer_counts(apply_filter(EVENTS, replace(f, layers=())))
    drawn = apply_filter(EVENTS, f) if f.layers else EVENTS.iloc[0:0]
    return counts, int(drawn["latitude"].notna().sum())


def html_bodies(at: AppTest) -> list[str]:
    return [h.body for h in at.html]


def event_panel(at: AppTest) -> str:
    panels = [b for b in html_bodies(at) if 'class="event-panel"' in b]
    assert len(panels) == 1, html_bodies(at)
    return panels[0]


# --- counts on the layer checkboxes and the "events shown" caption -----------------------------


def test_layer_checkboxes_carry_counts_and_all_events_are_shown() -> None:
    at = run_app()
    counts, drawn = expected(DEFAULT)
    for layer in LAYERS:
        assert layer_box(at, layer).value is (layer in DEFAULT.layers)
        assert label_count(at, layer) == counts[layer]
    assert sum(counts.values()) == len(apply_filter(EVENTS, DEFAULT))
    assert shown(at) == drawn
    not_located = len(apply_filter(EVENTS, DEFAULT)) - drawn
    if not_located:
        assert any(f"{not_located} without coordinates" in c.value for c in at.caption)
    assert not any(param(at, key) for key in FILTER_KEYS), dict(at.query_params)


def test_unchecking_a_layer_hides_its_events_and_writes_the_url() -> None:
    at = run_app()
    before = shown(at)
    layer_box(at, "insurgency").uncheck()
    rerun(at)
    others = tuple(layer for layer in DEFAULT.layers if layer != "insurgency")
    counts, drawn = expected(replace(DEFAULT, layers=others))
    located_insurgency = int(
        EVENTS.loc[apply_filter(EVENTS, DEFAULT).index]
        .query("layer == 'insurgency'")["latitude"]
        .notna()
        .sum()
    )
    assert shown(at) == drawn == before - located_insurgency
    # The label still says how many there are, checked or not.
    assert label_count(at, "insurgency") == counts["insurgency"]
    assert layer_box(at, "insurgency").value is False
    assert param(at, "layers") == ",".join(others)

    layer_box(at, "insurgency").check()
    rerun(at)
    assert shown(at) == before
    assert param(at, "layers") is None


def test_unchecking_every_layer_shows_nothing() -> None:
    at = run_app()
    for layer in LAYERS:
        layer_box(at, layer).uncheck()
    rerun(at)
    assert shown(at) == 0
    assert param(at, "layers") == ""
    # A blank `layers` in a copied URL reproduces the empty map.
    assert shown(run_app(layers="")) == 0


def test_date_slider_reduces_counts() -> None:
    at = run_app()
    before = shown(at)
    start = date(2020, 1, 1)
    at.slider(key="ev_dates").set_value((start, SPAN_END))
    rerun(at)
    counts, drawn = expected(replace(DEFAULT, date_from=start))
    assert shown(at) == drawn < before
    assert {layer: label_count(at, layer) for layer in LAYERS} == counts
    assert param(at, "from") == "2020-01-01"
    assert param(at, "to") is None


def test_since_the_charter_button_sets_the_dates() -> None:
    at = run_app()
    before = shown(at)
    default_counts = {layer: label_count(at, layer) for layer in LAYERS}
    button = next(b for b in at.button if b.label == "Since the charter (16 Sep 2023)")
    button.click()
    rerun(at)
    counts, drawn = expected(replace(DEFAULT, date_from=CHARTER_DATE))
    assert at.slider(key="ev_dates").value == (CHARTER_DATE, SPAN_END)
    assert shown(at) == drawn < before
    assert {layer: label_count(at, layer) for layer in LAYERS} == counts
    assert counts["coup-successful"] < default_counts["coup-successful"]
    assert param(at, "from") == "2023-09-16"

    next(b for b in at.button if b.label == "All dates").click()
    rerun(at)
    assert shown(at) == before
    assert param(at, "from") is None


# --- query parameters --------------------------------------------------------------------------

HONOURED = [
    ({"layers": "insurgency"}, {"layers": ("insurgency",)}),
    ({"layers": "coup-successful,coup-plot"}, {"layers": ("coup-successful", "coup-plot")}),
    ({"from": "2023-09-16"}, {"date_from": date(2023, 9, 16)}),
    ({"to": "2019-12-31"}, {"date_to": date(2019, 12, 31)}),
    ({"countries": "NER"}, {"countries": ("NER",)}),
    ({"min_fatalities": "50"}, {"min_fatalities": 50}),
    ({"non_aes_coups": "0"}, {"include_non_aes_coups": False}),
    ({"subtypes": "massacre"}, {"subtypes": ("massacre",)}),
    (
        {
            "layers": "insurgency",
            "from": "2023-09-16",
            "countries": "BFA,NER",
            "min_fatalities": "50",
        },
        {
            "layers": ("insurgency",),
            "date_from": date(2023, 9, 16),
            "countries": ("BFA", "NER"),
            "min_fatalities": 50,
        },
    ),
]


@pytest.mark.parametrize(
    ("params", "changes"),
    HONOURED,
    ids=["&".join(f"{k}={v}" for k, v in p.items()) for p, _ in HONOURED],
)
def test_query_params_are_honoured_and_written_back(params: dict, changes: dict) -> None:
    at = run_app(**params)
    f = replace(DEFAULT, **changes)
    counts, drawn = expected(f)
    assert shown(at) == drawn
    assert drawn < expected(DEFAULT)[1]
    assert {layer: label_count(at, layer) for layer in LAYERS} == counts
    for layer in LAYERS:
        assert layer_box(at, layer).value is (layer in f.layers)
    assert at.slider(key="ev_dates").value == (f.date_from, f.date_to)
    assert tuple(at.multiselect(key="ev_countries").value) == f.countries
    assert at.number_input(key="ev_min_fat").value == f.min_fatalities
    assert at.toggle(key="ev_non_aes").value is f.include_non_aes_coups
    for key in FILTER_KEYS:
        assert param(at, key) == params.get(key), key

    # A rerun (any widget interaction) keeps them.
    rerun(at)
    assert shown(at) == drawn
    for key in FILTER_KEYS:
        assert param(at, key) == params.get(key), key


GARBAGE = [
    {"from": "yesterday", "to": "2023-13-45"},
    {"from": "2024-01-01", "to": "2020-01-01"},
    {"from": "2030-01-01"},
    {"to": "1900-01-01"},
    {"layers": "<script>alert(1)</script>", "subtypes": "nope,%00"},
    {"countries": "XXX,;DROP TABLE", "min_fatalities": "-5"},
    {"min_fatalities": "1e9"},
    {"min_fatalities": "٣"},  # a non-ASCII digit
    {"non_aes_coups": "maybe"},
    {"actors": "|" * 500},
    {"sel": "event:NOPE"},
    {"sel": "admin1:"},
    {"sel": "garbage"},
    {"sel": "event:" + "x" * 5000},
    {"radius": "1e309", "alg": "perhaps", "core": "", "lang": "xx"},
]


@pytest.mark.parametrize("params", GARBAGE, ids=lambda p: ",".join(p))
def test_garbage_query_params_do_not_crash(params: dict) -> None:
    at = run_app(**params)
    assert shown(at) == expected(DEFAULT)[1]
    for layer in LAYERS:
        assert layer_box(at, layer).value is (layer in DEFAULT.layers)
    # Nothing unusable is echoed back into the URL.
    for key in FILTER_KEYS:
        assert param(at, key) is None, (key, dict(at.query_params))
    if "sel" in params:
        assert param(at, "sel") is None
        assert not any('class="event-panel"' in b for b in html_bodies(at))
        assert [i.value for i in at.info] == [translate("panel_hint", "en")]


@pytest.mark.parametrize(
    "params",
    [
        {"actors": "Nobody at all"},
        {"subtypes": "other"},
        {"countries": "ZAF"},
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_values_the_parser_accepts_but_no_widget_offers(params: dict) -> None:
    # Well-formed values that no event uses, so the multiselects have no such option:
    # the widget drops them and the page shows what it shows by default.
    at = run_app(**params)
    assert shown(at) == expected(DEFAULT)[1]


# --- the event panel and the region panel ------------------------------------------------------


def _event_with_most_sources() -> pd.Series:
    located = EVENTS.dropna(subset=["latitude"])
    return located.loc[located["sources"].map(len).idxmax()]


def test_selecting_an_event_by_url_shows_its_panel_with_sources() -> None:
    event = _event_with_most_sources()
    at = run_app(sel=f"event:{event['id']}")
    body = event_panel(at)
    assert f'data-id="{html.escape(event["id"])}"' in body
    assert html.escape(event["summary"], quote=True) in body
    links = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener noreferrer">', body)
    assert links == [html.escape(u, quote=True) for u in event["sources"]]
    assert len(links) >= 2
    assert param(at, "sel") == f"event:{event['id']}"
    assert any(b.label == translate("panel_clear", "en") for b in at.button)


def test_event_without_coordinates_still_has_a_panel() -> None:
    event = EVENTS[EVENTS["latitude"].isna()].iloc[0]
    body = event_panel(run_app(sel=f"event:{event['id']}"))
    assert f'data-id="{event["id"]}"' in body
    assert translate("geo_precision_none", "en") in body


def test_region_panel_lists_its_events_and_a_button_selects_one() -> None:
    at = run_app(sel="admin1:ML-7")
    assert any('class="unit-panel"' in b and 'data-id="ML-7"' in b for b in html_bodies(at))
    filtered = apply_filter(EVENTS, DEFAULT)
    stats = region_stats(filtered, "ML-7")
    assert stats.events > 1
    line = translate(
        "region_events_count",
        "en",
        count=stats.events,
        low=f"{stats.fatalities_low:,}",
        high=f"{stats.fatalities_high:,}",
    )
    markdown = [m.value for m in at.markdown]
    assert line in markdown
    assert f"**{translate('region_events', 'en')}**" in markdown

    here = filtered[filtered["admin1_id"] == "ML-7"].sort_values("date")
    picks = [b for b in at.button if (b.key or "").startswith("pick_")]
    assert [b.key for b in picks] == [f"pick_{i}" for i in here["id"]]
    # Labels are Markdown-escaped data: "2012\-03\-31 · Gao".
    first = here.iloc[0]
    day = format_day(first["date"].date(), "en", "medium")
    layer = translate(f"ev_layer_{first['layer']}", "en")
    assert picks[0].label.replace("\\", "") == f"{day} · {first['location']} · {layer}"

    target = here.iloc[-1]
    at.button(key=f"pick_{target['id']}").click()
    rerun(at)
    body = event_panel(at)
    assert f'data-id="{target["id"]}"' in body
    assert param(at, "sel") == f"event:{target['id']}"


def test_the_panels_keep_no_copy_of_the_filtered_events(monkeypatch) -> None:
    """A region's panel and an event's take their own rows from the filter's array: a
    cached copy of every filtered event (about 160 MB per filter at a million events, kept
    for the three last filters) once made the 1M map server pass 1.5 GB (issue #11)."""
    from geo.ui import map_page

    def no_copy(*_args: object) -> None:
        raise AssertionError("a panel asked for a copy of every filtered event")

    monkeypatch.setattr(map_page, "shown_events", no_copy)
    event = EVENTS[EVENTS["id"] == "BFA-2016-01-15-OUAGADOUGOU"].iloc[0]
    for sel, prefix in (("admin1:ML-7", "pick_"), (f"event:{event['id']}", "near_")):
        at = run_app(sel=sel)
        assert not at.exception
        assert [b for b in at.button if (b.key or "").startswith(prefix)]


def test_region_panel_follows_the_filters() -> None:
    at = run_app(sel="admin1:ML-7", **{"from": "2023-09-16"})
    filtered = apply_filter(EVENTS, replace(DEFAULT, date_from=CHARTER_DATE))
    stats = region_stats(filtered, "ML-7")
    picks = [b for b in at.button if (b.key or "").startswith("pick_")]
    assert len(picks) == stats.events
    if stats.events:
        assert translate(
            "region_events_count",
            "en",
            count=stats.events,
            low=f"{stats.fatalities_low:,}",
            high=f"{stats.fatalities_high:,}",
        ) in [m.value for m in at.markdown]
    else:
        assert translate("region_events_none", "en") in [m.value for m in at.markdown]


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("en", r"^(\d+) events; fatalities (\d[\d,]*)–(\d[\d,]*)$"),
        ("fr", r"^(\d+) événements ; morts (\d[\d\u202f]*)–(\d[\d\u202f]*)$"),
    ],
)
def test_region_event_line_is_plural_and_in_the_readers_number_format(lang, pattern) -> None:
    """The region with the most fatalities (over a thousand, e.g. Sahel in Burkina Faso):
    its totals grouped as the reader writes numbers ("1253" was shown)."""
    filtered = apply_filter(EVENTS, DEFAULT)
    region = max(
        filtered["admin1_id"].dropna().unique(),
        key=lambda unit: region_stats(filtered, unit).fatalities_high,
    )
    stats = region_stats(filtered, region)
    assert stats.fatalities_high >= 1000 and stats.events > 1
    at = run_app(sel=f"admin1:{region}", lang=lang)
    lines = [m for x in at.markdown if (m := re.match(pattern, x.value))]
    assert len(lines) == 1, [x.value for x in at.markdown]
    count, low, high = (int(re.sub(r"\D", "", g)) for g in lines[0].groups())
    assert (count, low, high) == tuple(stats)
    assert ("," if lang == "en" else "\u202f") in lines[0].group(3)


def test_a_region_with_one_event_says_one_event() -> None:
    filtered = apply_filter(EVENTS, DEFAULT)
    counts = filtered["admin1_id"].value_counts()
    single = counts[counts == 1]
    if single.empty:
        pytest.skip("no admin-1 unit with exactly one event")
    for lang, text in (("en", "1 event; "), ("fr", "1 événement ; ")):
        at = run_app(sel=f"admin1:{single.index[0]}", lang=lang)
        assert any(m.value.startswith(text) for m in at.markdown), [m.value for m in at.markdown]


def test_country_filter_names_every_country_in_the_ui_language_sorted_by_name() -> None:
    from geo.model.countries import collation_key, country_name

    for lang in ("en", "fr"):
        at = run_app(lang=lang)
        box = at.multiselect(key="ev_countries")
        codes = sorted(set(EVENTS["country_iso3"]) | {"MLI", "BFA", "NER"})
        names = [country_name(c, lang) for c in codes]
        assert sorted(box.options) == sorted(names)
        assert box.options == sorted(box.options, key=collation_key)
        assert not any(re.fullmatch(r"[A-Z]{3}", o) for o in box.options), box.options


def test_region_without_events_says_so() -> None:
    filtered = apply_filter(EVENTS, DEFAULT)
    admin1 = load_admin1()
    empty = sorted(set(admin1["id"]) - set(filtered["admin1_id"]))
    if not empty:
        pytest.skip("every admin-1 unit has an event")
    at = run_app(sel=f"admin1:{empty[0]}")
    assert translate("region_events_none", "en") in [m.value for m in at.markdown]
    assert not [b for b in at.button if (b.key or "").startswith("pick_")]


# --- another event file (SAHEL_ATLAS_EVENTS) ---------------------------------------------------

CURATED = Path(__file__).resolve().parents[2] / "data" / "events" / "events.csv"


@pytest.fixture()
def events_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the page at a CSV made of rows of the curated file (edited by the test)."""
    import csv

    from geo.ui import events as ui_events

    with CURATED.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)

    def write(chosen: list[dict]) -> Path:
        path = tmp_path / "events.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(chosen)
        monkeypatch.setenv(EVENTS_ENV, str(path))
        ui_events.curated_events.clear()  # cached per process, not per file
        return path

    yield rows, write
    ui_events.curated_events.clear()


def test_rejected_rows_are_reported(events_file) -> None:
    rows, write = events_file
    bad = dict(rows[1], id="BAD-ROW", date="not a date", country_iso3="ZZZ")
    write([rows[0], bad, rows[2]])
    at = run_app()
    assert shown(at) == 2
    labels = [e.label for e in at.expander]
    assert any(re.search(r"\d+ rows? rejected \(\d+ problems? reported\)", lab) for lab in labels)
    problems = at.dataframe[0].value  # as the Data page writes them: for reading
    assert set(problems["row"]) == {"3"}
    assert set(problems["column"]) == {"date", "country"}
    assert any("not a valid date" in reason for reason in problems["reason"])


def test_rejected_rows_label_counts_rows(events_file) -> None:
    rows, write = events_file
    bad = dict(rows[1], id="BAD-ROW", date="not a date", country_iso3="ZZZ")
    dropped_url = dict(rows[2], sources=rows[2]["sources"] + " javascript:alert(1)")
    write([rows[0], bad, dropped_url])
    at = run_app()
    assert shown(at) == 2
    labels = [e.label for e in at.expander if "rejected" in e.label]
    assert labels and "Event data: 1 row rejected (" in labels[0]


def test_a_file_whose_events_share_one_day_loads(events_file) -> None:
    rows, write = events_file
    write([rows[0]])
    at = run_app()
    assert shown(at) == 1


def test_since_the_charter_is_disabled_for_data_that_end_before_it(events_file) -> None:
    rows, write = events_file
    write([r for r in rows if r["date"] < "2015-01-01" and r["date_end"] < "2015-01-01"])
    at = run_app()
    assert not at.exception
    assert next(b for b in at.button if b.label == "Since the charter (16 Sep 2023)").disabled


def test_every_event_at_a_clicked_spot_is_one_button_away() -> None:
    """Ouagadougou: coups under insurgency circles. From the insurgency event clicked,
    every other event there (the coups) is listed and selectable."""
    from geo.analysis.selection import events_near

    target = EVENTS[EVENTS["id"] == "BFA-2016-01-15-OUAGADOUGOU"].iloc[0]
    at = run_app(sel=f"event:{target['id']}")
    here = events_near(apply_filter(EVENTS, DEFAULT), target["latitude"], target["longitude"])
    others = [i for i in here["id"] if i != target["id"]]
    assert any(i.endswith("-COUP") for i in others)
    near = [b for b in at.button if (b.key or "").startswith("near_")]
    assert [b.key for b in near] == [f"near_{i}" for i in others]
    coup = next(i for i in others if i.endswith("-COUP"))
    at.button(key=f"near_{coup}").click()
    rerun(at)
    assert f'data-id="{coup}"' in event_panel(at)
    assert param(at, "sel") == f"event:{coup}"


def test_a_selected_event_the_filters_hide_is_marked_hidden() -> None:
    coup = EVENTS[EVENTS["layer"] == "coup-successful"].iloc[0]
    hidden = translate("panel_hidden", "en")
    at = run_app(sel=f"event:{coup['id']}", layers="insurgency")
    assert hidden in [w.value for w in at.warning]
    at = run_app(sel=f"event:{coup['id']}")
    assert hidden not in [w.value for w in at.warning]


def test_the_clustering_switch_lives_in_the_url() -> None:
    at = run_app(cluster="0")
    assert at.toggle(key="ev_cluster").value is False
    assert param(at, "cluster") == "0"
    at.toggle(key="ev_cluster").set_value(True)
    rerun(at)
    assert param(at, "cluster") is None  # the default is not written
    assert run_app().toggle(key="ev_cluster").value is True


def test_show_on_map_replaces_an_unrelated_selection() -> None:
    from geo.ui.facts import HIGHLIGHT_KEY

    at = run_app(sel="admin1:ML-7")
    assert param(at, "sel") == "admin1:ML-7"
    at.session_state[HIGHLIGHT_KEY] = "niger-coup-2023"  # what "Show on map" sets
    rerun(at)
    assert param(at, "sel") == "event:NER-2023-07-26-COUP"
    assert 'data-id="NER-2023-07-26-COUP"' in event_panel(at)


def test_show_on_map_without_an_event_clears_an_unrelated_selection() -> None:
    """A milestone with no event (Niger's uranium offer) must not leave Gao in the panel."""
    from geo.ui.facts import HIGHLIGHT_KEY

    at = run_app(sel="admin1:ML-7")
    at.session_state[HIGHLIGHT_KEY] = "tiani-uranium-offer"
    rerun(at)
    assert param(at, "sel") is None
    assert param(at, "hl") == "tiani-uranium-offer"
    assert not any('class="unit-panel"' in b for b in html_bodies(at))


# --- the event panel and the legend in the reader's language (issue 14) ----------------------


def test_a_french_reader_gets_the_french_summary_and_place_of_an_event() -> None:
    from geo.io.eventtexts import french_texts

    place, summary = french_texts()["NER-2020-08-09-KOURE"]
    body = event_panel(run_app(sel="event:NER-2020-08-09-KOURE", lang="fr"))
    assert html.escape(summary, quote=True) in body
    assert f"<h3>{html.escape(place)} · " in body  # "réserve de girafes de Kouré"
    assert "Résumé (en anglais)" not in body and "<h5>Résumé</h5>" in body
    english = EVENTS.set_index("id").loc["NER-2020-08-09-KOURE", "summary"]
    assert html.escape(english, quote=True) not in body


def test_the_map_legend_states_how_far_the_curated_events_go() -> None:
    from geo.model.events import coverage_end

    end = coverage_end(EVENTS)
    for lang in ("en", "fr"):
        text = translate("ev_coverage", lang, date=format_day(end, lang))
        assert any(html.escape(text, quote=True) in b for b in html_bodies(run_app(lang=lang)))


def test_yirgou_is_counted_in_centre_nord_on_the_map() -> None:
    body = event_panel(run_app(sel="event:BFA-2019-01-01-YIRGOU"))
    assert "Centre-Nord" in body
    sahel = region_stats(apply_filter(EVENTS, DEFAULT), "BF-SAHEL")
    centre_nord = region_stats(apply_filter(EVENTS, DEFAULT), "BF-CENTRE-NORD")
    assert "BFA-2019-01-01-YIRGOU" not in set(EVENTS[EVENTS["admin1_id"] == "BF-SAHEL"]["id"])
    assert centre_nord.events >= 1 and sahel.events >= 1
