"""Every real export shape imports: pre-2019 ACLED, spreadsheet-resaved dates, workbooks that
open with a licence sheet, UCDP GED of old and new versions and UCDP Candidate events, and
events in any country. Fixtures are small invented files in the real shapes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo.io.importers import ImportFileError, detect_format, inspect_file, prepare
from geo.io.importers.mapping import (
    _interaction_codes,
    acled_types,
    canonical_columns,
    legacy_key,
)
from geo.io.store import Store
from geo.model import countries

FIX = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
TODAY = datetime(2026, 12, 2).date()


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def snapshot(store: Store) -> tuple:
    if not store.exists():
        return ("absent",)
    return (store.stamp(), store.count(), [d.name for d in store.datasets()])


def by_id(plan) -> pd.DataFrame:
    return plan.events.set_index("id")


# --- pre-2019 ACLED ---------------------------------------------------------------------------


def test_pre_2019_acled_with_upper_case_headers_imports(store):
    plan = prepare(FIX / "acled_pre2019_upper.csv", store=store, today=TODAY)
    assert plan.format == "acled"
    assert (plan.total_rows, plan.accepted, len(plan.rejected)) == (9, 9, 0)
    ev = by_id(plan)
    # Legacy battle types become today's sub-event types.
    assert ev.loc["acled:MLI9001", "subtype"] == "armed-clash"
    assert ev.loc["acled:MLI9002", "subtype"] == "armed-clash"  # Government regains territory
    assert ev.loc["acled:MLI9003", "subtype"] == "capture-of-town"
    # Remote violence and violence against civilians: no sub-event type, so "other".
    assert ev.loc["acled:BFA9004", "subtype"] == "other"
    assert ev.loc["acled:NIG9005", "subtype"] == "other"
    # ALLY_ACTOR_1 is an associated actor; GWNO and dd/mm/yyyy dates are read.
    assert ev.loc["acled:MLI9002", "actors"].split("; ") == [
        "Military Forces of Mali (2013-)",
        "Operation Barkhane",
        "Ansar Dine",
    ]
    assert ev.loc["acled:NIG9005", "country_iso3"] == "NER"
    assert ev.loc["acled:MLI9001", "date"] == pd.Timestamp("2016-01-14")
    assert ev.loc["acled:MLI9002", "date"] == pd.Timestamp("2016-02-02")  # not 2 Feb -> Feb 2
    assert plan.date_order == "dmy" and plan.date_order_source == "detected"
    # Riots/Protests and the strategic developments are imported on their own layers, with
    # today's event and sub-event types; a legacy Riots/Protests by protesters is a protest.
    assert plan.skipped == {}
    assert ev.loc["acled:MLI9006", ["category", "event_type", "subtype"]].tolist() == [
        "protest",
        "Riots/Protests",
        "other",
    ]
    assert ev.loc[
        "acled:MLI9008", ["category", "event_type", "sub_event_type", "subtype"]
    ].tolist() == [
        "strategic",
        "Strategic developments",
        "Headquarters or base established",
        "base-established",
    ]
    assert ev.loc["acled:BFA9009", "subtype"] == "transfer-of-territory"
    assert ev.loc["acled:MLI9007", ["layer", "subtype"]].tolist() == ["strategic", "other"]
    # The legacy battle by state forces stays insurgency; its interaction from the codes.
    assert ev.loc["acled:MLI9001", ["category", "interaction_code"]].tolist() == [
        "insurgency",
        "12",
    ]
    assert ev.loc["acled:MLI9002", "summary"].startswith("Battles: Government regains territory")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Battle-No change of territory", ("Battles", "Armed clash")),
        ("Battles-No change of territory", ("Battles", "Armed clash")),
        ("BATTLE - NO CHANGE OF TERRITORY", ("Battles", "Armed clash")),
        ("Battle-Government regains territory", ("Battles", "Government regains territory")),
        (
            "Battle-Non state actor overtakes territory",
            ("Battles", "Non-state actor overtakes territory"),
        ),
        (
            "Battle-Nonstate actor overtakes territory",
            ("Battles", "Non-state actor overtakes territory"),
        ),
        ("Remote violence", ("Explosions/Remote violence", "")),
        ("Violence against civilians", ("Violence against civilians", "")),
        ("Riots/Protests", ("Riots/Protests", "")),
        ("Riots / Protests", ("Riots/Protests", "")),
        ("Strategic development", ("Strategic developments", "")),
        (
            "Headquarters or base established",
            ("Strategic developments", "Headquarters or base established"),
        ),
        (
            "Non violent transfer of territory",
            ("Strategic developments", "Non-violent transfer of territory"),
        ),
        # Today's types are left as they are.
        ("Battles", ("Battles", "")),
        ("Explosions/Remote violence", ("Explosions/Remote violence", "")),
    ],
)
def test_legacy_event_types_map_to_todays(raw, expected):
    etype, sub = acled_types(pd.Series([raw]), pd.Series([""]))
    assert (etype.iloc[0], sub.iloc[0]) == expected


def test_a_legacy_rows_own_sub_event_type_is_kept():
    _etype, sub = acled_types(
        pd.Series(["Violence against civilians", "Battles"]),
        pd.Series(["Abduction/forced disappearance", "Armed clash"]),
    )
    assert sub.tolist() == ["Abduction/forced disappearance", "Armed clash"]
    assert legacy_key(pd.Series(["Battles - No change  of territory"])).iloc[0] == (
        "battle-no change of territory"
    )


def test_column_aliases_of_older_versions():
    assert canonical_columns("acled", ["ALLY_ACTOR_1", "Ally_Actor_2", "EVENT_DATE"]) == [
        "assoc_actor_1",
        "assoc_actor_2",
        "event_date",
    ]
    # A file with both names keeps both as they are (today's wins, nothing is merged).
    assert canonical_columns("acled", ["ally_actor_1", "assoc_actor_1"]) == [
        "ally_actor_1",
        "assoc_actor_1",
    ]
    assert canonical_columns("ucdp", ["best_est", "low_est", "high_est"]) == ["best", "low", "high"]


# --- ACLED actor types and interaction --------------------------------------------------------


def test_interaction_numeric_and_label_forms():
    codes = _interaction_codes(
        pd.Series(
            [
                "12",
                "12.0",
                "37",
                "10",
                "State forces-Rebel group",
                "External/Other forces-Civilians",
                "Rebel group only",
                "Protesters only",
                "",
                "99",
                "Aliens-Rebel group",
            ]
        )
    )
    assert codes["a"].tolist()[:8] == [1, 1, 3, 1, 1, 8, 2, 6]
    assert codes["b"].tolist()[:8] == [2, 2, 7, 0, 2, 7, 0, 0]
    # Blank, an impossible code, an unknown label: nothing read (inter1/inter2 decide).
    assert codes["a"].iloc[8:].isna().all()


def test_current_acled_numeric_and_label_inter_both_import(store):
    numeric = prepare(FIX / "acled_excel_serial.csv", store=store, today=TODAY)
    labels = prepare(FIX / "acled_world.csv", store=store, today=TODAY)
    assert numeric.accepted == 3 and not numeric.problems
    # Label-form inter1/inter2/interaction ("Political militia", "Rebel group-State
    # forces") are read, never rejected: the militia's attack on civilians is not state
    # violence, the state's air strike is an insurgency-type event (no civilian target).
    assert not any(p.column in ("inter1", "inter2") for p in labels.problems)
    ev = by_id(labels)
    assert ev.loc["acled:USA8002", "category"] == "insurgency"
    assert ev.loc["acled:CAF8005", "subtype"] == "air-or-drone-strike"


def test_blank_inter_codes_are_read_from_interaction(store, tmp_path):
    frame = pd.read_csv(FIX / "acled_excel_serial.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["event_id_cnty"].str.startswith("BFA")].copy()
    frame["inter1"] = ""
    frame["inter2"] = ""
    frame["interaction"] = "State forces-Civilians"
    path = tmp_path / "acled_interaction_only.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=store, today=TODAY)
    assert plan.accepted == 1
    # State forces attacking civilians: state violence, as with inter1 = 1.
    assert plan.events["category"].tolist() == ["state-violence"]


# --- dates re-saved by Excel --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("acled_excel_dd-mm-yy.csv", "dmy"),
        ("acled_excel_dd-mm-yyyy.csv", "dmy"),
        ("acled_excel_mm-dd-yyyy.csv", "mdy"),
        ("acled_excel_d-mon-yy.csv", ""),
        ("acled_excel_serial.csv", ""),
    ],
)
def test_excel_resaved_dates_import(store, name, order):
    plan = prepare(FIX / name, store=store, today=TODAY)
    assert (plan.total_rows, plan.accepted, len(plan.rejected)) == (3, 3, 0)
    assert plan.date_order == order
    assert plan.date_order_source == ("detected" if order else "")
    expected = (
        ["2020-05-09", "2019-11-25", "2021-02-01"]
        if "mon" in name
        else ["2019-11-25", "2019-12-03", "2020-02-14"]
    )
    assert plan.events["date"].dt.strftime("%Y-%m-%d").tolist() == expected


def test_ambiguous_day_month_order_refuses_the_file_and_stores_nothing(store):
    before = snapshot(store)
    with pytest.raises(ImportFileError) as info:
        prepare(FIX / "acled_ambiguous_dates.csv", store=store, today=TODAY)
    err = info.value
    assert "acled_ambiguous_dates.csv" in err.where and "event_date" in err.where
    assert "'03/04/2020'" in err.what and "3 dates" in err.what
    assert "--date-order dmy" in err.fix and "Data page" in err.fix
    what_fr, where_fr, fix_fr = err.texts("fr")
    assert "ordre du jour et du mois" in what_fr and "colonne event_date" in where_fr
    assert "« Ordre des dates en chiffres »" in fix_fr
    assert snapshot(store) == before


@pytest.mark.parametrize(("order", "first"), [("dmy", "2020-04-03"), ("mdy", "2020-03-04")])
def test_ambiguous_file_imports_with_a_chosen_order(store, order, first):
    plan = prepare(FIX / "acled_ambiguous_dates.csv", store=store, today=TODAY, date_order=order)
    assert plan.accepted == 3 and plan.date_order == order
    assert plan.date_order_source == "chosen"
    assert plan.events["date"].dt.strftime("%Y-%m-%d").iloc[0] == first


def test_mixed_orders_refuse_and_a_chosen_order_rejects_the_misfits(store, tmp_path):
    frame = pd.read_csv(FIX / "acled_excel_dd-mm-yyyy.csv", dtype=str, keep_default_na=False)
    frame.loc[2, "event_date"] = "02/14/2020"  # month first, among day-first dates
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as info:
        prepare(path, store=store, today=TODAY)
    assert "'25/11/2019'" in info.value.what and "'02/14/2020'" in info.value.what
    plan = prepare(path, store=store, today=TODAY, date_order="dmy")
    assert plan.accepted == 2
    [problem] = plan.problems
    assert (problem.row, problem.column) == (4, "event_date")
    assert "'02/14/2020' is not a date in day/month/year order" in problem.reason


def test_the_order_is_decided_over_the_whole_column_not_per_chunk(store, tmp_path):
    """The first chunk's dates all fit both orders; a later chunk decides (day first)."""
    frame = pd.read_csv(FIX / "acled_ambiguous_dates.csv", dtype=str, keep_default_na=False)
    later = frame.iloc[[0]].copy()
    later["event_id_cnty"] = "MLI7999"
    later["event_date"] = "25/04/2020"
    path = tmp_path / "late_decider.csv"
    pd.concat([frame, later]).to_csv(path, index=False)
    plan = prepare(path, store=store, today=TODAY, chunk_rows=2)
    assert plan.accepted == 4 and plan.date_order == "dmy"
    assert plan.events["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-04-03",
        "2020-06-05",
        "2020-12-11",
        "2020-04-25",
    ]


def test_unparseable_date_rejects_its_row_with_row_column_and_reason(store, tmp_path):
    frame = pd.read_csv(FIX / "acled_excel_d-mon-yy.csv", dtype=str, keep_default_na=False)
    frame.loc[1, "event_date"] = "31-Feb-20"
    path = tmp_path / "bad_date.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=store, today=TODAY)
    assert plan.accepted == 2
    [problem] = plan.problems
    assert (problem.row, problem.column) == (3, "event_date")
    assert "'31-Feb-20'" in problem.reason
    assert plan.rejected["row"].tolist() == [3]


def test_command_line_date_order_option(tmp_path):
    env = {"SAHEL_ATLAS_DATA_DIR": str(tmp_path / "store"), "PATH": "/usr/bin:/bin"}
    base = [sys.executable, "-m", "geo.io.cli", "import", str(FIX / "acled_ambiguous_dates.csv")]
    refused = subprocess.run(
        [*base, "--yes"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1
    assert "--date-order" in refused.stderr and "nothing was stored" in refused.stderr
    done = subprocess.run(
        [*base, "--date-order", "mdy", "--yes"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "numeric dates read as: month/day/year (chosen)" in done.stdout
    assert "stored 3 events" in done.stdout


# --- workbooks -----------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_with_a_licence_sheet_first_reads_the_data_sheet(store, tmp_path):
    frame = pd.read_csv(FIX / "acled_excel_serial.csv", dtype=str, keep_default_na=False)
    header = list(frame.columns)
    rows = [list(r) for r in frame.itertuples(index=False)]
    day = [datetime(2019, 11, 25), datetime(2019, 12, 3), datetime(2020, 2, 14)]
    for row, when in zip(rows, day, strict=True):
        row[header.index("event_date")] = when  # real date cells
        row[header.index("fatalities")] = int(row[header.index("fatalities")])
    path = _workbook(
        tmp_path / "acled_export.xlsx",
        {
            "Licence": [["Terms of use"], ["These data are licensed to you, not sold."]],
            "Notes": [["Downloaded for the test"]],
            "Data": [header, *rows],
        },
    )
    info = inspect_file(path)
    assert (info.sheet, info.sheets) == ("Data", ("Licence", "Notes", "Data"))
    plan = prepare(path, store=store, today=TODAY)
    assert plan.sheet == "Data" and plan.accepted == 3
    assert plan.events["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-11-25",
        "2019-12-03",
        "2020-02-14",
    ]


def test_xlsx_without_a_known_sheet_lists_the_sheets(store, tmp_path):
    path = _workbook(
        tmp_path / "notes.xlsx",
        {"Licence": [["Terms of use"]], "Readme": [["a", "b", "c"], [1, 2, 3]]},
    )
    before = snapshot(store)
    with pytest.raises(ImportFileError) as info:
        prepare(path, store=store, today=TODAY)
    assert "'Licence', 'Readme'" in info.value.what
    assert "notes.xlsx" in info.value.where
    assert "feuilles vues : 'Licence', 'Readme'" in info.value.texts("fr")[0]
    assert snapshot(store) == before
    # With a format chosen (the Data page always has one), the message lists them too.
    with pytest.raises(ImportFileError) as info:
        prepare(path, fmt="acled", store=store, today=TODAY)
    assert "ACLED export format" in info.value.what
    assert "sheets seen: 'Licence', 'Readme'" in info.value.what
    assert "feuilles vues : 'Licence', 'Readme'" in info.value.texts("fr")[0]
    assert snapshot(store) == before


# --- UCDP -----------------------------------------------------------------------------


def test_ucdp_recent_version_in_other_countries(store):
    plan = prepare(FIX / "GEDEvent_v24_1_world.csv", store=store, today=TODAY)
    assert plan.format == "ucdp" and plan.version == "24.1"
    assert (plan.accepted, len(plan.rejected)) == (4, 0)
    ev = by_id(plan)
    assert ev["country_iso3"].to_dict() == {
        "ucdp:880001": "CAF",
        "ucdp:880002": "COD",
        "ucdp:880003": "RUS",
        "ucdp:880004": "MLI",
    }
    first = ev.loc["ucdp:880001"]
    assert (first["fatalities_low"], first["fatalities_high"]) == (5, 9)
    assert "Best estimate of deaths: 6" in first["summary"]
    assert "Government of Central African Republic - CPC" in first["summary"]  # the dyad
    assert ev.loc["ucdp:880002", "subtype"] == "attack-on-civilians"  # one-sided
    assert ev.loc["ucdp:880002", "date_precision"] == "range"


def test_ucdp_very_old_columns_best_est(store):
    assert detect_format(inspect_file(FIX / "GEDEvent_v1_5_old_columns.csv").columns) == "ucdp"
    plan = prepare(FIX / "GEDEvent_v1_5_old_columns.csv", store=store, today=TODAY)
    assert (plan.accepted, len(plan.rejected)) == (3, 0)
    ev = by_id(plan)
    assert ev.loc["ucdp:880005", "country_iso3"] == "ZWE"
    assert ev.loc["ucdp:880005", "category"] == "state-violence"
    assert (ev.loc["ucdp:880002", "fatalities_low"], ev.loc["ucdp:880002", "fatalities_high"]) == (
        10,
        15,
    )
    assert "Best estimate of deaths: 12" in ev.loc["ucdp:880002", "summary"]
    assert ". Beni." in ev.loc["ucdp:880002", "summary"]  # the place from where_coordinates


def test_ucdp_candidate_events(store):
    plan = prepare(FIX / "GEDEvent_v25_01_25_11.csv", store=store, today=TODAY)
    assert plan.format == "ucdp" and plan.accepted == 3
    ev = by_id(plan)
    assert "UCDP code status: Check dyad" in ev.loc["ucdp:990002", "summary"]
    assert "code status" not in ev.loc["ucdp:990001", "summary"]
    assert ev.loc["ucdp:990003", "date_end"] == pd.Timestamp("2025-10-09")


# --- any country -------------------------------------------------------------------------


def test_acled_events_outside_the_sahel(store):
    plan = prepare(FIX / "acled_world.csv", store=store, today=TODAY)
    ev = by_id(plan)
    assert set(ev.index) == {
        "acled:USA8001",
        "acled:USA8002",
        "acled:GAB8003",
        "acled:CAF8004",
        "acled:CAF8005",
    }
    assert ev["country_iso3"].to_dict() == {
        "acled:USA8001": "USA",
        "acled:USA8002": "USA",
        "acled:GAB8003": "GAB",
        "acled:CAF8004": "CAF",
        "acled:CAF8005": "CAF",
    }
    # A riot (label-form interaction, kept as ACLED wrote it) is imported on its own layer.
    riot = ev.loc["acled:USA8001"]
    assert (riot["layer"], riot["subtype"], riot["interaction"], riot["interaction_code"]) == (
        "riot",
        "violent-demonstration",
        "Rioters-State forces",
        "51",
    )
    # No admin-1 outside the AES; the United States (no boundary in data/) keeps its point.
    assert (ev["admin1_id"] == "").all()
    assert ev.loc["acled:USA8002", ["latitude", "longitude"]].tolist() == [29.7604, -95.3698]
    problems = {(p.row, p.column): p.reason for p in plan.problems}
    # A country with a boundary is still checked; an unknown country is still refused.
    assert "outside Gabon" in problems[(7, "latitude")]
    assert "Atlantis" in problems[(8, "country")]
    assert plan.skipped == {}


def test_events_in_any_country_are_stored_and_read_back(store):
    from geo.io.importers import commit

    plan = prepare(FIX / "acled_world.csv", store=store, today=TODAY)
    assert commit(plan, store) == 5
    stored = store.load_events()
    assert sorted(stored["country_iso3"]) == ["CAF", "CAF", "GAB", "USA", "USA"]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Democratic Republic of Congo", "COD"),
        ("Ivory Coast", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("eSwatini", "SWZ"),
        ("Kingdom of eSwatini", "SWZ"),
        ("DR Congo (Zaire)", "COD"),
        ("Russia (Soviet Union)", "RUS"),
        ("Yemen (North Yemen)", "YEM"),
        ("Cambodia (Kampuchea)", "KHM"),
        ("Myanmar (Burma)", "MMR"),
        ("Zimbabwe (Rhodesia)", "ZWE"),
        ("Madagascar (Malagasy)", "MDG"),
        ("Serbia (Yugoslavia)", "SRB"),
        ("Bosnia-Herzegovina", "BIH"),
        ("United States", "USA"),
        ("Gabon", "GAB"),
        ("Central African Republic", "CAF"),
        ("Congo", "COG"),
        ("Kosovo", "XKX"),
        ("Turkey", "TUR"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("guinea-bissau", "GNB"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_names_as_acled_and_ucdp_write_them(name, iso3):
    assert countries.iso3_from_name(name) == iso3


@pytest.mark.parametrize(
    ("gw", "iso3"),
    [
        ("432", "MLI"),
        ("439", "BFA"),
        ("436", "NER"),
        ("482", "CAF"),
        ("481", "GAB"),
        ("490", "COD"),
        ("484", "COG"),
        ("2", "USA"),
        ("365", "RUS"),
        ("345", "SRB"),
        ("678", "YEM"),
        ("811", "KHM"),
        ("775", "MMR"),
        ("552", "ZWE"),
        ("580", "MDG"),
        ("572", "SWZ"),
        ("437", "CIV"),
        ("626", "SSD"),
        ("432.0", "MLI"),
        ("999", None),
        ("", None),
    ],
)
def test_gleditsch_ward_numbers(gw, iso3):
    assert countries.iso3_from_gw(gw) == iso3


def test_iso_numeric_codes_and_known_codes():
    assert countries.iso3_from_numeric("466") == "MLI"
    assert countries.iso3_from_numeric("12") == "DZA"  # ACLED writes 12 for 012
    assert countries.iso3_from_numeric("840") == "USA"
    assert countries.iso3_from_numeric("0") is None
    assert countries.iso3_from_numeric("999") is None
    codes = countries.is_country_code(pd.Series(["USA", "XKX", "GAB", "ZZZ", ""]))
    assert codes.tolist() == [True, True, True, False, False]
    assert countries.country_name("GAB", "fr") == "Gabon"
    assert countries.country_name("XKX", "en") == "Kosovo"


def test_a_shared_map_link_keeps_countries_outside_africa():
    from geo.model.filters import EventFilter, from_query_params, to_query_params

    params = to_query_params(EventFilter(countries=("USA", "GAB", "MLI")))
    assert from_query_params(params).countries == ("USA", "GAB", "MLI")
    assert from_query_params({"countries": "ZZZ,usa"}).countries == ("USA",)


# --- a CSV re-saved by a spreadsheet in a French locale ---------------------------------------


def _french_resave(tmp_path: Path, delimiter: str = ";") -> Path:
    """acled_labels.csv as Excel in French saves it: semicolons, decimal commas, day/month
    dates, CRLF, a byte-order mark ("CSV UTF-8")."""
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str, keep_default_na=False)
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.strftime("%d/%m/%Y")
    frame.loc[frame["event_id_cnty"] == "NER7001", "location"] = "Tillabéri"
    path = tmp_path / "acled_fr.csv"
    text = frame.to_csv(index=False, sep=delimiter, lineterminator="\r\n")
    if delimiter == ";":
        for col in ("latitude", "longitude"):
            for value in frame[col]:
                text = text.replace(f";{value};", ";" + value.replace(".", ",") + ";")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    return path


def test_semicolons_and_decimal_commas_of_a_french_spreadsheet_import(store, tmp_path):
    path = _french_resave(tmp_path)
    assert b";19,9569;2,9700;" in path.read_bytes()
    plan = prepare(path, store=store, today=TODAY)
    assert plan.format == "acled" and plan.decimal_comma and plan.date_order == "dmy"
    assert (plan.total_rows, plan.accepted, len(plan.rejected)) == (4, 4, 0)
    reference = by_id(prepare(FIX / "acled_labels.csv", store=store, today=TODAY))
    ev = by_id(plan)
    for col in ("latitude", "longitude", "date", "fatalities_low", "actors", "summary"):
        pd.testing.assert_series_equal(ev[col], reference[col], check_names=False)
    assert ev.loc["acled:NER7001", "location"] == "Tillabéri"


def test_a_decimal_comma_is_read_only_in_number_columns_of_a_semicolon_file(store, tmp_path):
    path = _french_resave(tmp_path)
    text = path.read_bytes().decode("utf-8-sig")
    text = text.replace(";19,9569;", ";19,95,69;", 1).replace(";133;", ";4,7;", 1)
    path.write_bytes(text.encode())
    plan = prepare(path, store=store, today=TODAY)
    problems = {(p.row, p.column): p.reason for p in plan.problems}
    assert problems == {
        (2, "latitude"): "not a number: '19,95,69'",
        (3, "fatalities"): "not a non-negative whole number: '4,7'",
    }
    assert plan.accepted == 2
    # the rejected rows keep the file's own text
    assert list(plan.rejected["latitude"])[:1] == ["19,95,69"]
    # in a comma-separated file a decimal comma is no number: the row is rejected
    comma = _french_resave(tmp_path, delimiter=",")
    text = comma.read_bytes().decode("utf-8-sig").replace(",19.9569,", ',"19,9569",', 1)
    comma.write_bytes(text.encode())
    plan = prepare(comma, store=store, today=TODAY)
    assert not plan.decimal_comma and plan.accepted == 3
    assert [(p.row, p.column) for p in plan.problems] == [(2, "latitude")]


def test_the_command_line_says_numbers_were_read_with_decimal_commas(tmp_path):
    path = _french_resave(tmp_path)
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(tmp_path / "store")}
    for lang, line in (
        ("en", "numbers read with a decimal comma (14,35 = 14.35)"),
        ("fr", "nombres lus avec une virgule décimale (14,35 = 14.35)"),
    ):
        out = subprocess.run(
            [sys.executable, "-m", "geo.io.cli", "import", str(path), "--lang", lang],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        assert line in out.stdout, out.stdout + out.stderr


def test_swapped_coordinates_are_rejected_with_a_hint(store, tmp_path):
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str, keep_default_na=False)
    first = frame.index[0]
    frame.loc[first, ["latitude", "longitude"]] = frame.loc[first, ["longitude", "latitude"]].values
    frame.loc[frame.index[1], "latitude"] = "0"  # outside, and swapped too
    path = tmp_path / "swapped.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=store, today=TODAY)
    assert plan.accepted == 2
    reasons = {(p.row, p.column): p.reason for p in plan.problems}
    assert reasons[(2, "latitude")].endswith(
        "and inside it with latitude and longitude swapped: are the two columns swapped?"
    )
    assert "swapped" not in reasons[(3, "latitude")]
    assert "les deux colonnes sont-elles inversées" in plan.problems[0].text("fr")
