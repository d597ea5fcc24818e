"""The curated event file, the event model and its validation (geo/io/events.py)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.io.events import (
    EVENTS_FILE,
    actor_options,
    actors_long,
    assign_admin1,
    load_events,
    read_event_csv,
    validate_events,
)
from geo.model.countries import AES_MEMBERS
from geo.model.events import CSV_COLUMNS, MODEL_COLUMNS, RowProblem, fatality_upper, split_actors

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def curated():
    return load_events()


def by_id(df: pd.DataFrame, event_id: str) -> pd.Series:
    return df.set_index("id").loc[event_id]


# --- the curated file -----------------------------------------------------------------------


def test_curated_file_loads_all_120_events_without_problems(curated):
    assert curated.problems == []
    assert len(curated.events) == 120  # the sheet's 116 + 4 added by the curation
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
    assert (
        curated.events["sources"].map(len).tolist() == raw["sources"].str.split().map(len).tolist()
    )
    assert all(u.startswith(("http://", "https://")) for s in curated.events["sources"] for u in s)


def test_every_located_aes_event_gets_an_admin1_unit_of_its_country(curated):
    ev = curated.events
    aes = ev[ev["country_iso3"].isin(AES_MEMBERS) & ev["latitude"].notna()]
    assert len(aes) == 105  # 103 of the sheet + Timbuktu and Tessit, June 2025
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
    assert (coup["date"], coup["date_end"]) == (
        pd.Timestamp("2012-04-30"),
        pd.Timestamp("2012-05-01"),
    )
    assert coup["layer"] == "coup-attempted"
    blockade = by_id(ev, "MLI-2025-09-01-FUELBLOCKADE")
    assert blockade["date_end"] == pd.Timestamp("2025-09-30")  # month precision
    day = by_id(ev, "MLI-2020-08-18-COUP")
    assert day["date_end"] == day["date"] and day["layer"] == "coup-successful"
    assert by_id(ev, "MLI-2022-05-12-PLOT")["layer"] == "coup-plot"
    assert set(ev["layer"]) == {
        "coup-successful",
        "coup-attempted",
        "coup-plot",
        "insurgency",
        "state-violence",
    }


# --- helpers --------------------------------------------------------------------------------


def test_split_actors_respects_parentheses():
    assert split_actors("JNIM (per Wikipedia; unclaimed); VDP; civilians") == [
        "JNIM (per Wikipedia; unclaimed)",
        "VDP",
        "civilians",
    ]
    assert split_actors(" A ;; B ") == ["A", "B"]
    assert split_actors("") == []
    assert split_actors(None) == []
    assert split_actors(float("nan")) == []


def test_actor_options_sorted_unique(curated):
    options = actor_options(curated.events)
    assert len(options) == len(set(options))
    assert options == sorted(options, key=lambda a: (a.casefold(), a))
    assert "JNIM" in options
    # Curated spellings of one group are one option (geo/io/actors.py); victims are no option.
    assert "JNIM (per Wikipedia; unclaimed)" not in options
    assert "Katiba Macina / JNIM" not in options
    assert "unclaimed)" not in options
    assert "civilians" not in options and "Fulani civilians" not in options


def test_fatality_upper_falls_back_to_low():
    df = pd.DataFrame(
        {
            "fatalities_low": pd.array([14, 5, None, 3], dtype="Int64"),
            "fatalities_high": pd.array([None, 9, None, 3], dtype="Int64"),
        }
    )
    assert fatality_upper(df).tolist() == [14, 9, pd.NA, 3]


def test_assign_admin1_only_for_aes_countries():
    df = pd.DataFrame(
        {
            "country_iso3": ["MLI", "BFA", "GHA", "NER", "MLI"],
            "latitude": [12.6391, 12.3714, 6.6885, 13.5116, float("nan")],
            "longitude": [-8.0029, -1.5197, -1.6244, 2.1254, float("nan")],
        }
    )
    out = assign_admin1(df)
    assert out["admin1_id"].tolist() == ["ML-BKO", "BF-CENTRE", "", "NE-8", ""]
    # A point labelled BFA but deep inside Mali gets no unit (never one of another country).
    far = assign_admin1(
        pd.DataFrame({"country_iso3": ["BFA"], "latitude": [12.6391], "longitude": [-8.0029]})
    )
    assert far["admin1_id"].tolist() == [""]


# --- validation of a bad file ---------------------------------------------------------------

XSS_SUMMARY = "Line one <img src=x onerror=alert(1)>\n<script>alert('x')</script> `rm` ${7*7}"
XSS_LOCATION = "<b onmouseover=alert(1)>Bamako</b>"
XSS_ACTORS = "`whoami`; ${jndi:ldap://x}; <svg onload=alert(1)>"


def event(**overrides: str) -> dict[str, str]:
    row = {
        "id": "E-GOOD",
        "dataset": "test",
        "date": "2020-08-18",
        "date_end": "",
        "date_precision": "day",
        "category": "coup",
        "subtype": "successful",
        "country_iso3": "MLI",
        "admin1_id": "",
        "admin1_name": "",
        "admin1_source_name": "",
        "location": "Bamako",
        "latitude": "12.6391",
        "longitude": "-8.0029",
        "geo_precision": "1",
        "actors": "A; B",
        "fatalities_low": "",
        "fatalities_high": "",
        "summary": "Something happened.",
        "sources": "https://example.org/a",
        "verified": "true",
    }
    row.update(overrides)
    return row


BAD_ROWS = [
    # row 2: good, with HTML/JS in text fields and a multi-line summary
    event(summary=XSS_SUMMARY, location=XSS_LOCATION, actors=XSS_ACTORS),
    event(id="E-NOSUMMARY", summary=""),  # row 3
    event(id="E-BADDATE", date="2021-13-45"),  # row 4
    event(id="E-GHANA", latitude="6.6885", longitude="-1.6244"),  # row 5
    event(summary="same id again"),  # row 6
    event(id="E-FAT", fatalities_low="30", fatalities_high="12"),  # row 7
    event(
        id="E-JSURL",
        sources="javascript:alert(1) https://example.org/ok data:text/html,<script>x</script>",
    ),  # row 8
    event(
        id="E-RANGE",
        date="2022-03-27",
        date_end="2022-03-31",
        date_precision="range",
        category="state-violence",
        subtype="massacre",
        fatalities_low="300",
        fatalities_high="500",
    ),  # row 9
    event(id="E-ONLYJS", sources="javascript:alert(1)"),  # row 10
    event(id="E-COUNTRY", country_iso3="XXX"),  # row 11
    event(id="E-SUBTYPE", subtype="massacre"),  # row 12
    event(id="E-OLD", date="1950-01-01"),  # row 13
    event(id="E-LAT", latitude="95"),  # row 14
    event(id="E-END", date_end="2020-08-01"),  # row 15
    event(id="E-NOCOORD", latitude="", longitude="", geo_precision=""),  # row 16
    event(id="E-NEG", fatalities_low="-3"),  # row 17
]

EXPECTED = {
    (3, "summary"),
    (4, "date"),
    (5, "latitude"),
    (6, "id"),
    (7, "fatalities_low"),
    (8, "sources"),
    (10, "sources"),
    (11, "country_iso3"),
    (12, "subtype"),
    (13, "date"),
    (14, "latitude"),
    (15, "date_end"),
    (17, "fatalities_low"),
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
    assert all(isinstance(p, RowProblem) and p.file == "bad_events.csv" for p in result.problems)
    assert {(p.row, p.column) for p in result.problems} == EXPECTED
    reasons = {(p.row, p.column): p.reason for p in result.problems}
    assert "duplicate id 'E-GOOD' (first in row 2)" in reasons[(6, "id")]
    assert "outside Mali" in reasons[(5, "latitude")]
    assert "required value missing" in reasons[(3, "summary")]
    js = [p for p in result.problems if p.row == 8]
    assert len(js) == 2 and all("dropped URL" in p.reason for p in js)
    assert {p.reason for p in result.problems if p.row == 10} == {
        "dropped URL that is not http or https: 'javascript:alert(1)'",
        "no valid http or https source URL",
    }


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
    assert split_actors(good["actors"]) == ["`whoami`", "${jndi:ldap://x}", "<svg onload=alert(1)>"]


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
    df = pd.DataFrame([event()]).drop(
        columns=["date_end", "admin1_id", "admin1_name", "admin1_source_name", "fatalities_high"]
    )
    events, problems = validate_events(df, "minimal.csv")
    assert problems == []
    assert events["admin1_id"].tolist() == ["ML-BKO"]


def test_date_window_uses_today():
    df = pd.DataFrame([event(date="2026-06-02")])
    assert validate_events(df, "x.csv", today=date(2026, 6, 1))[1] == []
    late = validate_events(df, "x.csv", today=date(2026, 5, 30))[1]
    assert [(p.row, p.column) for p in late] == [(2, "date")]


# --- the build script -----------------------------------------------------------------------


def build_module():
    from scripts import build_events

    return build_events


def write_sheet(build_events, path: Path, rows: list[tuple[dict, str]]) -> Path:
    """A reference sheet in the source's columns: (event in the app's schema, verified)."""
    out = []
    for ev, verified in rows:
        out.append(
            {
                "id": ev["id"],
                "event_date": ev["date"],
                "admin1": "Bamako District",
                "source_urls": ev["sources"] + "  https://example.org/b",
                **{
                    c: ev[c]
                    for c in build_events.SOURCE_COLUMNS
                    if c in ev and c not in ("id", "verified")
                },
                "verified": verified,
            }
        )
    pd.DataFrame(out, columns=list(build_events.SOURCE_COLUMNS)).to_csv(path, index=False)
    return path


def write_curation(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def names_file(tmp_path: Path) -> str:
    """A French name table for the test sheets' actors ("A; B")."""
    path = tmp_path / "actor_names.yaml"
    path.write_text(
        'names:\n  - {en: "A", fr: "A (fr)"}\n  - {en: "B", fr: "B (fr)"}\n', encoding="utf-8"
    )
    return str(path)


FR_ONLY = """
events:
  MLI-2020-08-18-COUP:
    fr: {summary: "Des soldats arrêtent le président Keïta."}
"""


def test_build_script_separates_unverified_rows(tmp_path: Path):
    build_events = build_module()
    good = event(id="MLI-2020-08-18-COUP")
    source = write_sheet(
        build_events, tmp_path / "facts.csv", [(good, "true"), ({**good, "id": "MLI-X"}, "false")]
    )
    curation = write_curation(tmp_path / "curation.yaml", FR_ONLY)
    assert (
        build_events.main(
            [
                str(source),
                "--curation",
                str(curation),
                "--names",
                names_file(tmp_path),
                "--out-dir",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
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
    french = pd.read_csv(tmp_path / "out" / "events_fr.csv", dtype=str, keep_default_na=False)
    assert french.to_dict("records") == [
        {
            "id": "MLI-2020-08-18-COUP",
            "location_fr": "",
            "summary_fr": "Des soldats arrêtent le président Keïta.",
        }
    ]


CURATION = """
events:
  MLI-2020-08-18-COUP:
    fr:
      summary: "Résumé <b>français</b>"
      location: "près de Bamako (camp)"
    en:
      location: "near Bamako (camp)"
      summary: "Corrected English summary"
      reason: "the sheet said afternoon"
      source: "https://example.org/evening"
    fix: {fatalities_low: "3", fatalities_high: "5", reason: "toll", source: "https://example.org/toll"}
    sources:
      replace: {"https://example.org/b": "https://example.org/strong"}
      reason: "mirror replaced"
    admin1: {id: ML-2, reason: "the boundary is off here", source: "https://example.org/place"}
added:
  - id: NER-2025-01-01-ADDED
    reason: "added from a page read"
    date: "2025-01-01"
    date_precision: day
    category: insurgency
    subtype: ambush
    country_iso3: NER
    latitude: "13.5116"
    longitude: "2.1254"
    geo_precision: "1"
    en: {location: "Niamey", summary: "An added event."}
    fr: {location: "Niamey", summary: "Un événement ajouté."}
    sources: ["https://example.org/added"]
"""


def test_build_applies_the_curation_and_records_every_change(tmp_path: Path):
    build_events = build_module()
    source = write_sheet(
        build_events, tmp_path / "facts.csv", [(event(id="MLI-2020-08-18-COUP"), "true")]
    )
    curation = write_curation(tmp_path / "curation.yaml", CURATION)
    out = tmp_path / "out"
    names = names_file(tmp_path)
    args = [str(source), "--curation", str(curation), "--names", names, "--out-dir", str(out)]
    assert build_events.main(args) == 0
    rows = read_event_csv(out / "events.csv").set_index("id")
    assert rows.index.tolist() == ["MLI-2020-08-18-COUP", "NER-2025-01-01-ADDED"]
    coup = rows.loc["MLI-2020-08-18-COUP"]
    assert (coup["summary"], coup["location"]) == (
        "Corrected English summary",
        "near Bamako (camp)",
    )
    assert (coup["fatalities_low"], coup["fatalities_high"]) == ("3", "5")
    assert coup["sources"] == "https://example.org/a https://example.org/strong"
    # the override wins over point-in-polygon (the point is in Bamako), in the file
    assert (coup["admin1_id"], coup["admin1_name"]) == ("ML-2", "Koulikoro")
    assert rows.loc["NER-2025-01-01-ADDED", "admin1_id"] == "NE-8"
    french = pd.read_csv(out / "events_fr.csv", dtype=str, keep_default_na=False)
    assert french.set_index("id").loc["MLI-2020-08-18-COUP"].tolist() == [
        "près de Bamako (camp)",
        "Résumé <b>français</b>",
    ]
    overrides = pd.read_csv(out / "admin1_overrides.csv", dtype=str)
    assert overrides[["id", "admin1_id"]].values.tolist() == [["MLI-2020-08-18-COUP", "ML-2"]]
    prov = json.loads((out / "PROVENANCE.json").read_text(encoding="utf-8"))["curation"]
    changed = {(c["id"], c["field"]): c for c in prov["changes"]}
    assert set(changed) == {
        ("MLI-2020-08-18-COUP", f)
        for f in ("summary", "location", "fatalities_low", "fatalities_high", "sources")
    }
    assert changed[("MLI-2020-08-18-COUP", "summary")]["source"] == "https://example.org/evening"
    assert changed[("MLI-2020-08-18-COUP", "sources")]["from"].endswith("example.org/b")
    assert [a["id"] for a in prov["added"]] == ["NER-2025-01-01-ADDED"]
    assert prov["admin1_overrides"][0]["reason"] == "the boundary is off here"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("events: {}", "events.MLI-2020-08-18-COUP: no French summary"),
        (
            "events:\n  MLI-2020-08-18-COUP:\n    en: {summary: x, reason: r}\n",
            "events.MLI-2020-08-18-COUP: fr: 'summary' must be a non-empty text",
        ),
        ("events:\n  MLI-NOPE:\n    fr: {summary: x}\n", "events.MLI-NOPE: no event with this id"),
        (
            "events:\n  MLI-2020-08-18-COUP:\n    fr: {summary: x}\n    fix: {id: y, reason: r}\n",
            "fix: 'id' cannot be corrected here",
        ),
        (
            "events:\n  MLI-2020-08-18-COUP:\n    fr: {summary: x}\n    en: {summary: y}\n",
            "en: 'reason' must be a non-empty text",
        ),
        (
            "events:\n  MLI-2020-08-18-COUP:\n    fr: {summary: x}\n"
            "    sources: {replace: {'https://x.org/': 'https://y.org/'}, reason: r}\n",
            "sources: https://x.org/ is not cited by the event",
        ),
    ],
)
def test_a_bad_curation_stops_the_build_naming_the_entry(tmp_path: Path, text, message):
    build_events = build_module()
    source = write_sheet(
        build_events, tmp_path / "facts.csv", [(event(id="MLI-2020-08-18-COUP"), "true")]
    )
    curation = write_curation(tmp_path / "curation.yaml", text)
    with pytest.raises(SystemExit, match=re.escape(message)):
        build_events.main(
            [
                str(source),
                "--curation",
                str(curation),
                "--names",
                names_file(tmp_path),
                "--out-dir",
                str(tmp_path / "out"),
            ]
        )
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_place_with_a_descriptor_needs_its_french_wording(tmp_path: Path):
    build_events = build_module()
    source = write_sheet(
        build_events,
        tmp_path / "facts.csv",
        [(event(id="MLI-2020-08-18-COUP", location="Kouré giraffe reserve"), "true")],
    )
    curation = write_curation(tmp_path / "curation.yaml", FR_ONLY)
    with pytest.raises(SystemExit, match="'Kouré giraffe reserve' has a descriptor"):
        build_events.main(
            [
                str(source),
                "--curation",
                str(curation),
                "--names",
                names_file(tmp_path),
                "--out-dir",
                str(tmp_path / "out"),
            ]
        )
    assert [
        build_events.has_descriptor(p)
        for p in (
            "Bamako",
            "Tin-Akoff",
            "Koulogon-Peul",
            "N'Djamena",
            "São Tomé",
            "Oursi–Déou road",
            "Sévaré (Hotel Byblos)",
            "near Kobé",
        )
    ] == [False] * 5 + [True] * 3


def test_actors_long_splits_each_distinct_string_once_in_event_order(curated):
    frame = pd.DataFrame(
        {"actors": ["A; B", None, "", "C (x; y); A", "A; B", "  ; D ;", float("nan")]},
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    long = actors_long(frame)
    assert list(zip(long.index, long, strict=True)) == [
        (10, "A"),
        (10, "B"),
        (13, "C (x; y)"),
        (13, "A"),
        (14, "A"),
        (14, "B"),
        (15, "D"),
    ]
    assert actors_long(frame.iloc[0:0]).empty
    # The same rows, values and order as splitting event by event.
    events = curated.events
    one_by_one = events["actors"].map(split_actors).explode().dropna()
    pd.testing.assert_series_equal(actors_long(events), one_by_one, check_dtype=False)


# --- admin-1 units set by the sources (data/events/admin1_overrides.csv) --------------------


def test_yirgou_counts_in_centre_nord_as_its_sources_say(curated):
    """Natural Earth's Soum/Sanmatenga line puts Yirgou's point in Soum (Sahel region); the
    loader honours the curation's override, so every count by region follows the sources."""
    yirgou = by_id(curated.events, "BFA-2019-01-01-YIRGOU")
    assert (yirgou["admin1_id"], yirgou["admin1_name"]) == ("BF-CENTRE-NORD", "Centre-Nord")
    by_point = assign_admin1(curated.events[curated.events["id"] == "BFA-2019-01-01-YIRGOU"])
    assert by_point["admin1_id"].tolist() == ["BF-SAHEL"]  # what the boundary alone says


def test_an_override_applies_only_to_curated_events_of_its_country():
    from geo.io.events import apply_admin1_overrides

    df = pd.DataFrame(
        {
            "id": ["A", "A", "B"],
            "dataset": ["curated", "acled", "curated"],
            "country_iso3": ["BFA", "BFA", "MLI"],
            "admin1_id": ["BF-SAHEL", "BF-SAHEL", "ML-BKO"],
            "admin1_name": ["Sahel", "Sahel", "Bamako"],
        }
    )
    out = apply_admin1_overrides(df, {"A": "BF-CENTRE-NORD", "B": "BF-NORD"})
    assert out["admin1_id"].tolist() == ["BF-CENTRE-NORD", "BF-SAHEL", "ML-BKO"]
    assert out["admin1_name"].tolist() == ["Centre-Nord", "Sahel", "Bamako"]
    assert df["admin1_id"].tolist() == ["BF-SAHEL", "BF-SAHEL", "ML-BKO"]  # input unchanged


def test_an_override_naming_an_unknown_unit_is_refused(tmp_path: Path):
    from geo.io.events import admin1_overrides

    path = tmp_path / "admin1_overrides.csv"
    path.write_text("id,admin1_id,reason,source\nX,BF-NOWHERE,r,\n", encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"admin1_overrides.csv: row 2: admin1_id: "
        r"'BF-NOWHERE'",
    ):
        admin1_overrides(path)
    assert admin1_overrides(tmp_path / "missing.csv") == {}


def _reference_sheet() -> Path | None:
    for candidate in (
        Path("/work/shared/facts/events.csv"),
        REPO.parent / "shared" / "facts" / "events.csv",
    ):
        if candidate.exists():
            return candidate
    return None


@pytest.mark.skipif(_reference_sheet() is None, reason="reference sheet not available")
def test_the_committed_event_files_are_what_the_build_derives(tmp_path: Path):
    """data/events/ is derived: the sheet + curation.yaml rebuild it byte for byte."""
    build_events = build_module()
    out = tmp_path / "out"
    assert build_events.main([str(_reference_sheet()), "--out-dir", str(out)]) == 0
    for name in ("events.csv", "events_unverified.csv", "events_fr.csv", "admin1_overrides.csv"):
        assert (out / name).read_bytes() == (EVENTS_FILE.parent / name).read_bytes(), name
    built = json.loads((out / "PROVENANCE.json").read_text(encoding="utf-8"))
    committed = json.loads((EVENTS_FILE.parent / "PROVENANCE.json").read_text(encoding="utf-8"))
    for part in (built, committed):
        part.pop("built")
        part["source"].pop("file")
    assert built == committed
