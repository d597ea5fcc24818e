"""The curated event file, the event model and its validation (geo/events.py)."""

from __future__ import annotations

import csv
import importlib.util
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.countries import AES_MEMBERS
from geo.events import (
    CSV_COLUMNS,
    EVENTS_FILE,
    MODEL_COLUMNS,
    RowProblem,
    actor_options,
    actors_long,
    assign_admin1,
    fatality_upper,
    load_events,
    read_event_csv,
    split_actors,
    validate_events,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def curated():
    return load_events()


def by_id(df: pd.DataFrame, event_id: str) -> pd.Series:
    return df.set_index("id").loc[event_id]


# --- the curated file -----------------------------------------------------------------------

def test_curated_file_loads_all_116_events_without_problems(curated):
    assert curated.problems == []
    assert len(curated.events) == 116
    assert tuple(curated.events.columns) == MODEL_COLUMNS
    assert curated.events["id"].is_unique
    assert curated.events["verified"].all()
    assert set(curated.events["dataset"]) == {"curated"}


def test_model_dtypes(curated):
    ev = curated.events
    assert str(ev["date"].dtype) == "datetime64[ns]"
    assert str(ev["date_end"].dtype) == "datetime64[ns]"
    for col in ("fatalities_low", "fatalities_high", "geo_precision"):
        assert str(ev[col].dtype) == "Int64"
    assert ev["latitude"].dtype == "float64"
    assert ev["verified"].dtype == bool
    assert all(isinstance(s, tuple) and s for s in ev["sources"])
    assert (ev["date_end"] >= ev["date"]).all()


def test_curated_file_keeps_every_source_url(curated):
    raw = read_event_csv(EVENTS_FILE)
    assert curated.events["sources"].map(len).tolist() == raw["sources"].str.split().map(
        len).tolist()
    assert all(u.startswith(("http://", "https://")) for s in curated.events["sources"]
               for u in s)


def test_every_located_aes_event_gets_an_admin1_unit_of_its_country(curated):
    ev = curated.events
    aes = ev[ev["country_iso3"].isin(AES_MEMBERS) & ev["latitude"].notna()]
    assert len(aes) == 103
    prefix = aes["country_iso3"].map({"MLI": "ML-", "BFA": "BF-", "NER": "NE-"})
    assert all(a.startswith(p) for a, p in zip(aes["admin1_id"], prefix, strict=True))
    assert (aes["admin1_name"] != "").all()
    others = ev[~ev["country_iso3"].isin(AES_MEMBERS)]
    assert (others["admin1_id"] == "").all()


def test_bamako_coups_land_in_bamako(curated):
    ev = curated.events
    for event_id in ("MLI-2012-03-22-COUP", "MLI-2020-08-18-COUP", "MLI-2021-05-24-COUP"):
        row = by_id(ev, event_id)
        assert row["admin1_id"] == "ML-BKO"
        assert row["admin1_name"] == "Bamako"
    assert by_id(ev, "NER-2023-07-26-COUP")["admin1_id"] == "NE-8"
    assert by_id(ev, "BFA-2022-09-30-COUP")["admin1_id"] == "BF-CENTRE"


def test_border_and_coastal_points_within_tolerance(curated):
    # Tinzaouaten lies ~0.7 km inside Algeria on our simplified border: still Kidal.
    assert by_id(curated.events, "MLI-2024-07-25-TINZAOUATEN")["admin1_id"] == "ML-8"
    # Banjul is ~1 km off the simplified coast: still loads.
    assert "GMB-2022-12-20-PLOT" in set(curated.events["id"])


def test_event_without_coordinates_loads_unlocated(curated):
    row = by_id(curated.events, "NER-2023-10-02-TABATOL")
    assert pd.isna(row["latitude"]) and pd.isna(row["geo_precision"])
    assert row["admin1_id"] == ""


def test_dates_ranges_and_layers(curated):
    ev = curated.events
    coup = by_id(ev, "MLI-2012-04-30-COUP")
    assert (coup["date"], coup["date_end"]) == (pd.Timestamp("2012-04-30"),
                                                pd.Timestamp("2012-05-01"))
    assert coup["layer"] == "coup-attempted"
    blockade = by_id(ev, "MLI-2025-09-01-FUELBLOCKADE")
    assert blockade["date_end"] == pd.Timestamp("2025-09-30")  # month precision
    day = by_id(ev, "MLI-2020-08-18-COUP")
    assert day["date_end"] == day["date"] and day["layer"] == "coup-successful"
    assert by_id(ev, "MLI-2022-05-12-PLOT")["layer"] == "coup-plot"
    assert set(ev["layer"]) == {"coup-successful", "coup-attempted", "coup-plot",
                                "insurgency", "state-violence"}


# --- helpers --------------------------------------------------------------------------------

def test_split_actors_respects_parentheses():
    assert split_actors("JNIM (per Wikipedia; unclaimed); VDP; civilians") == [
        "JNIM (per Wikipedia; unclaimed)", "VDP", "civilians"]
    assert split_actors(" A ;; B ") == ["A", "B"]
    assert split_actors("") == []
    assert split_actors(None) == []
    assert split_actors(float("nan")) == []


def test_actor_options_sorted_unique(curated):
    options = actor_options(curated.events)
    assert len(options) == len(set(options))
    assert options == sorted(options, key=lambda a: (a.casefold(), a))
    assert "JNIM" in options
    # Curated spellings of one group are one option (geo/actors.py); victims are no option.
    assert "JNIM (per Wikipedia; unclaimed)" not in options
    assert "Katiba Macina / JNIM" not in options
    assert "unclaimed)" not in options
    assert "civilians" not in options and "Fulani civilians" not in options


def test_fatality_upper_falls_back_to_low():
    df = pd.DataFrame({"fatalities_low": pd.array([14, 5, None, 3], dtype="Int64"),
                       "fatalities_high": pd.array([None, 9, None, 3], dtype="Int64")})
    assert fatality_upper(df).tolist() == [14, 9, pd.NA, 3]


def test_assign_admin1_only_for_aes_countries():
    df = pd.DataFrame({"country_iso3": ["MLI", "BFA", "GHA", "NER", "MLI"],
                       "latitude": [12.6391, 12.3714, 6.6885, 13.5116, float("nan")],
                       "longitude": [-8.0029, -1.5197, -1.6244, 2.1254, float("nan")]})
    out = assign_admin1(df)
    assert out["admin1_id"].tolist() == ["ML-BKO", "BF-CENTRE", "", "NE-8", ""]
    # A point labelled BFA but deep inside Mali gets no unit (never one of another country).
    far = assign_admin1(pd.DataFrame({"country_iso3": ["BFA"], "latitude": [12.6391],
                                      "longitude": [-8.0029]}))
    assert far["admin1_id"].tolist() == [""]


# --- validation of a bad file ---------------------------------------------------------------

XSS_SUMMARY = "Line one <img src=x onerror=alert(1)>\n<script>alert('x')</script> `rm` ${7*7}"
XSS_LOCATION = "<b onmouseover=alert(1)>Bamako</b>"
XSS_ACTORS = "`whoami`; ${jndi:ldap://x}; <svg onload=alert(1)>"


def event(**overrides: str) -> dict[str, str]:
    row = {
        "id": "E-GOOD", "dataset": "test", "date": "2020-08-18", "date_end": "",
        "date_precision": "day", "category": "coup", "subtype": "successful",
        "country_iso3": "MLI", "admin1_id": "", "admin1_name": "", "admin1_source_name": "",
        "location": "Bamako", "latitude": "12.6391", "longitude": "-8.0029",
        "geo_precision": "1", "actors": "A; B", "fatalities_low": "", "fatalities_high": "",
        "summary": "Something happened.", "sources": "https://example.org/a",
        "verified": "true",
    }
    row.update(overrides)
    return row


BAD_ROWS = [
    # row 2: good, with HTML/JS in text fields and a multi-line summary
    event(summary=XSS_SUMMARY, location=XSS_LOCATION, actors=XSS_ACTORS),
    event(id="E-NOSUMMARY", summary=""),                                    # row 3
    event(id="E-BADDATE", date="2021-13-45"),                               # row 4
    event(id="E-GHANA", latitude="6.6885", longitude="-1.6244"),            # row 5
    event(summary="same id again"),                                         # row 6
    event(id="E-FAT", fatalities_low="30", fatalities_high="12"),           # row 7
    event(id="E-JSURL", sources="javascript:alert(1) https://example.org/ok "
                                "data:text/html,<script>x</script>"),       # row 8
    event(id="E-RANGE", date="2022-03-27", date_end="2022-03-31",
          date_precision="range", category="state-violence", subtype="massacre",
          fatalities_low="300", fatalities_high="500"),                     # row 9
    event(id="E-ONLYJS", sources="javascript:alert(1)"),                    # row 10
    event(id="E-COUNTRY", country_iso3="XXX"),                              # row 11
    event(id="E-SUBTYPE", subtype="massacre"),                              # row 12
    event(id="E-OLD", date="1950-01-01"),                                   # row 13
    event(id="E-LAT", latitude="95"),                                       # row 14
    event(id="E-END", date_end="2020-08-01"),                               # row 15
    event(id="E-NOCOORD", latitude="", longitude="", geo_precision=""),     # row 16
    event(id="E-NEG", fatalities_low="-3"),                                 # row 17
]

EXPECTED = {
    (3, "summary"), (4, "date"), (5, "latitude"), (6, "id"), (7, "fatalities_low"),
    (8, "sources"), (10, "sources"), (11, "country_iso3"), (12, "subtype"), (13, "date"),
    (14, "latitude"), (15, "date_end"), (17, "fatalities_low"),
}


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad_events.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(BAD_ROWS)
    return path


def test_bad_file_reports_each_problem_at_its_row_and_column(bad_file: Path):
    result = load_events(bad_file)
    assert all(isinstance(p, RowProblem) and p.file == "bad_events.csv"
               for p in result.problems)
    assert {(p.row, p.column) for p in result.problems} == EXPECTED
    reasons = {(p.row, p.column): p.reason for p in result.problems}
    assert "duplicate id 'E-GOOD' (first in row 2)" in reasons[(6, "id")]
    assert "outside Mali" in reasons[(5, "latitude")]
    assert "required value missing" in reasons[(3, "summary")]
    js = [p for p in result.problems if p.row == 8]
    assert len(js) == 2 and all("dropped URL" in p.reason for p in js)
    assert {p.reason for p in result.problems if p.row == 10} == {
        "dropped URL that is not http or https: 'javascript:alert(1)'",
        "no valid http or https source URL"}


def test_bad_file_still_loads_the_good_rows(bad_file: Path):
    ev = load_events(bad_file).events
    assert ev["id"].tolist() == ["E-GOOD", "E-JSURL", "E-RANGE", "E-NOCOORD"]
    assert by_id(ev, "E-JSURL")["sources"] == ("https://example.org/ok",)
    rng = by_id(ev, "E-RANGE")
    assert rng["date_end"] == pd.Timestamp("2022-03-31")
    assert (rng["fatalities_low"], rng["fatalities_high"]) == (300, 500)
    assert rng["layer"] == "state-violence"


def test_html_and_js_text_is_preserved_verbatim(bad_file: Path):
    good = by_id(load_events(bad_file).events, "E-GOOD")
    assert good["summary"] == XSS_SUMMARY
    assert good["location"] == XSS_LOCATION
    assert good["actors"] == XSS_ACTORS
    assert split_actors(good["actors"]) == ["`whoami`", "${jndi:ldap://x}",
                                            "<svg onload=alert(1)>"]


def test_every_rejected_row_is_reported(bad_file: Path):
    result = load_events(bad_file)
    loaded_rows = {2, 8, 9, 16}
    reported = {p.row for p in result.problems}
    assert set(range(2, len(BAD_ROWS) + 2)) - loaded_rows <= reported


def test_missing_required_column_is_reported(tmp_path: Path):
    path = tmp_path / "nocat.csv"
    pd.DataFrame([event()]).drop(columns="category").to_csv(path, index=False)
    result = load_events(path)
    assert result.events.empty and tuple(result.events.columns) == MODEL_COLUMNS
    assert RowProblem("nocat.csv", 1, "category", "required column missing") in result.problems
    assert any(p.row == 2 for p in result.problems)


def test_optional_columns_may_be_absent():
    df = pd.DataFrame([event()]).drop(columns=["date_end", "admin1_id", "admin1_name",
                                               "admin1_source_name", "fatalities_high"])
    events, problems = validate_events(df, "minimal.csv")
    assert problems == []
    assert events["admin1_id"].tolist() == ["ML-BKO"]


def test_date_window_uses_today():
    df = pd.DataFrame([event(date="2026-06-02")])
    assert validate_events(df, "x.csv", today=date(2026, 6, 1))[1] == []
    late = validate_events(df, "x.csv", today=date(2026, 5, 30))[1]
    assert [(p.row, p.column) for p in late] == [(2, "date")]


# --- the build script -----------------------------------------------------------------------

def test_build_script_separates_unverified_rows(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("build_events",
                                                  REPO / "scripts" / "build_events.py")
    build_events = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_events)

    source = tmp_path / "facts.csv"
    good = event(id="MLI-2020-08-18-COUP")
    rows = []
    for ev, verified in ((good, "true"), ({**good, "id": "MLI-X"}, "false")):
        rows.append({"id": ev["id"], "event_date": ev["date"], "admin1": "Bamako District",
                     "source_urls": ev["sources"] + "  https://example.org/b",
                     **{c: ev[c] for c in build_events.SOURCE_COLUMNS
                        if c in ev and c not in ("id", "verified")},
                     "verified": verified})
    pd.DataFrame(rows, columns=list(build_events.SOURCE_COLUMNS)).to_csv(source, index=False)
    assert build_events.main([str(source), "--out-dir", str(tmp_path / "out")]) == 0
    main = load_events(tmp_path / "out" / "events.csv")
    unverified = load_events(tmp_path / "out" / "events_unverified.csv")
    assert main.events["id"].tolist() == ["MLI-2020-08-18-COUP"]
    assert unverified.events["id"].tolist() == ["MLI-X"]
    assert not unverified.events["verified"].any()
    assert main.events["sources"].iloc[0] == ("https://example.org/a", "https://example.org/b")
    assert read_event_csv(tmp_path / "out" / "events.csv")["admin1_id"].tolist() == ["ML-BKO"]
    prov = json.loads((tmp_path / "out" / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert prov["source"]["rows"] == 2
    assert prov["outputs"]["events.csv"]["rows"] == 1
    assert prov["outputs"]["events_unverified.csv"]["rows"] == 1
    assert len(prov["source"]["sha256"]) == 64


def test_actors_long_splits_each_distinct_string_once_in_event_order(curated):
    frame = pd.DataFrame(
        {"actors": ["A; B", None, "", "C (x; y); A", "A; B", "  ; D ;", float("nan")]},
        index=[10, 11, 12, 13, 14, 15, 16])
    long = actors_long(frame)
    assert list(zip(long.index, long, strict=True)) == [
        (10, "A"), (10, "B"), (13, "C (x; y)"), (13, "A"), (14, "A"), (14, "B"), (15, "D")]
    assert actors_long(frame.iloc[0:0]).empty
    # The same rows, values and order as splitting event by event.
    events = curated.events
    one_by_one = events["actors"].map(split_actors).explode().dropna()
    pd.testing.assert_series_equal(actors_long(events), one_by_one, check_dtype=False)
