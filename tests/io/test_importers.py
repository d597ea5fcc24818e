"""ACLED / UCDP / app CSV imports: detection, mapping onto the model, validation, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.io import importers
from geo.io.importers import ImportFileError, detect_format, prepare
from geo.io.importers.mapping import parse_acled_dates
from geo.io.store import Store

FIX = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
ACLED_OLD = FIX / "acled_numeric_bom.csv"
ACLED_NEW = FIX / "acled_labels.csv"
UCDP = FIX / "GEDEvent_v25_1_sample.csv"
APP = FIX / "app_events.csv"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def snapshot(store: Store) -> tuple:
    if not store.exists():
        return ("absent",)
    return (store.stamp(), store.count(), [d.name for d in store.datasets()])


@pytest.mark.parametrize(
    ("path", "fmt"), [(ACLED_OLD, "acled"), (ACLED_NEW, "acled"), (UCDP, "ucdp"), (APP, "app")]
)
def test_formats_are_detected_from_columns(path, fmt):
    info = importers.inspect_file(path)
    assert detect_format(info.columns) == fmt


def test_acled_numeric_codes_bom_old_dates_and_quirks(store):
    plan = prepare(ACLED_OLD, store=store)
    assert plan.format == "acled" and plan.dataset == "acled"
    assert plan.total_rows == 9 and plan.accepted == 5
    ev = plan.events.set_index("id")
    first = ev.loc["acled:MLI1001"]
    # Quoted notes with commas, quotes and a newline survive; sources named in the summary.
    assert '"heavy" losses,\naccording' in first["summary"]
    assert "Sources: Reuters; AFP" in first["summary"]
    # Associated actors (semicolon-separated) become actors of the model.
    assert first["actors"].split("; ") == [
        "JNIM: Group for Support of Islam and Muslims",
        "Katiba Macina",
        "Ansaroul Islam",
        "Military Forces of Mali (2012-2020)",
        "Dozo Communal Militia (Mali)",
        "VDP",
    ]
    assert first["date"] == pd.Timestamp("2020-03-15")
    assert (first["fatalities_low"], first["fatalities_high"]) == (12, 12)
    assert first["category"] == "insurgency" and first["subtype"] == "armed-clash"
    assert first["admin1_id"].startswith("ML") and first["sources"] == ("https://acleddata.com/",)
    state = ev.loc["acled:MLI1002"]
    assert state["category"] == "state-violence" and state["date_precision"] == "approx"
    assert state["date"] == pd.Timestamp("2021-04-02")
    # ACLED's typology kept: numeric interaction codes, and their label from the codes.
    assert (state["event_type"], state["sub_event_type"]) == (
        "Violence against civilians",
        "Attack",
    )
    assert (state["interaction_code"], state["interaction"]) == ("17", "State forces-Civilians")
    assert first["interaction"] == "Rebel group-State forces" and first["event_type"] == "Battles"
    month = ev.loc["acled:BFA2001"]
    assert month["date_precision"] == "month" and month["date"] == pd.Timestamp("2022-07-01")
    assert month["date_end"] == pd.Timestamp("2022-07-31") and month["subtype"] == "bombing"
    # HTML / JS kept verbatim as text (escaping is the renderer's job).
    assert ev.loc["acled:NER3003", "location"] == "<script>alert('loc')</script>"
    # Problems name the physical line in the file: the first event's notes span lines 2-3.
    reasons = {(p.row, p.column): p.reason for p in plan.problems}
    # A protest is imported, on its own layer, with ACLED's typology.
    protest = ev.loc["acled:NER3001"]
    assert (protest["category"], protest["layer"], protest["subtype"]) == (
        "protest",
        "protest",
        "peaceful-protest",
    )
    assert (protest["event_type"], protest["interaction"]) == ("Protests", "Protesters only")
    assert (6, "event_type") not in reasons and plan.skipped == {}
    assert "outside Mali" in reasons[(7, "latitude")]
    assert "unparseable date" in reasons[(8, "event_date")]
    assert "duplicate id 'acled:MLI1001' (first in line 2)" in reasons[(9, "id")]
    assert "missing" in reasons[(10, "latitude")]
    assert list(plan.rejected["row"]) == [7, 8, 9, 10]
    assert plan.total_rows == plan.accepted + len(plan.rejected) + plan.skipped_rows
    assert plan.count("new") == 5


def test_acled_text_labels(store):
    plan = prepare(ACLED_NEW, store=store)
    assert plan.accepted == 4 and not plan.problems
    ev = plan.events.set_index("id")
    assert ev.loc["acled:BFA6001", "category"] == "insurgency"
    assert ev.loc["acled:BFA6001", "fatalities_low"] == 133
    assert ev.loc["acled:NER7001", "subtype"] == "kidnapping"
    assert ev.loc["acled:NER7002", "subtype"] == "air-or-drone-strike"
    assert ev.loc["acled:MLI5001", "timestamp"] == 1722000000


def test_acled_xlsx(store, tmp_path):
    frame = pd.read_csv(ACLED_NEW, dtype=str, keep_default_na=False)
    path = tmp_path / "acled.xlsx"
    frame.to_excel(path, index=False)
    plan = prepare(path, store=store)
    assert plan.format == "acled" and plan.accepted == 4


def test_acled_date_styles():
    values = pd.Series(
        [
            "2020-03-15",
            "15 March 2020",
            "15-March-2020",
            "15-Mar-2020",
            "2020-03-15 00:00:00",
            "nonsense",
            "",
        ]
    )
    assert list(parse_acled_dates(values)) == ["2020-03-15"] * 5 + ["", ""]


def test_ucdp_mapping(store):
    plan = prepare(UCDP, store=store)
    assert plan.format == "ucdp" and plan.version == "25.1" and plan.accepted == 3
    ev = plan.events.set_index("id")
    gao = ev.loc["ucdp:401001"]
    assert (gao["fatalities_low"], gao["fatalities_high"]) == (10, 20)
    assert "Best estimate of deaths: 12" in gao["summary"]
    assert gao["geo_precision"] == 1 and gao["date_precision"] == "day"
    karma = ev.loc["ucdp:401002"]
    assert karma["category"] == "state-violence" and karma["date_precision"] == "range"
    assert karma["date_end"] == pd.Timestamp("2023-04-22") and karma["geo_precision"] == 2
    assert ev.loc["ucdp:401003", "category"] == "insurgency"
    assert ev.loc["ucdp:401003", "geo_precision"] == 3
    assert [p.column for p in plan.problems] == ["where_prec"]


def test_app_schema_import(store):
    plan = prepare(APP, store=store)
    assert plan.format == "app" and plan.dataset == "field-notes" and plan.accepted == 3
    ev = plan.events.set_index("id")
    assert ev.loc["FIELD-2024-05-01-A", "summary"].endswith("two drivers missing.")
    assert pd.isna(ev.loc["FIELD-2024-07-01-C", "latitude"])


def test_format_override(store):
    with pytest.raises(ImportFileError, match="Required columns are missing"):
        prepare(ACLED_NEW, fmt="ucdp", store=store)


# --- bad input: a clear message, and the store exactly as it was -----------------------------


def _store_with_data(store: Store) -> tuple:
    importers.commit(prepare(ACLED_NEW, store=store), store)
    return snapshot(store)


BAD_FILES = {
    "empty": (b"", "empty"),
    "bars": (
        b"event_id_cnty|event_date|event_type\nMLI1|2020-01-01|Battles\n",
        "separated by vertical bars",
    ),
    "latin1": (
        (
            "id,dataset,date,date_precision,category,subtype,country_iso3,location,summary,"
            "sources,verified\nX1,x,2020-01-01,day,insurgency,ambush,MLI,Ségou,résumé,"
            "https://a.example,false\n"
        ).encode("latin-1"),
        "not UTF-8",
    ),
    "binary": (bytes(range(256)) * 20, "binary"),
    "zip_renamed": (b"PK\x03\x04" + b"\x00" * 100, "ZIP/Excel"),
    "missing_columns": (
        b"event_id_cnty,event_date,event_type\nMLI1,2020-01-01,Battles\n",
        "Required columns are missing",
    ),
    "unknown_format": (b"a,b,c\n1,2,3\n", "not recognised"),
    "header_only": (ACLED_NEW.read_bytes().splitlines()[0] + b"\n", "no data rows"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_leave_store_unchanged(store, tmp_path, case):
    before = _store_with_data(store)
    content, message = BAD_FILES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message) as err:
        prepare(path, store=store)
    assert "How to fix" in str(err.value) or "fix" in err.value.fix.lower() or err.value.fix
    assert snapshot(store) == before


def test_huge_file_refused_from_its_size_without_reading(store, tmp_path, monkeypatch):
    before = _store_with_data(store)
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # a sparse 500 MB file: no disk used, nothing read
        fh.truncate(500 * 1024 * 1024)
    reads = []
    real_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *a, **k: reads.append(self) or real_open(self, *a, **k)
    )
    # The limit follows from the memory available: 1 GiB available allows ~100 MB.
    monkeypatch.setattr(importers, "available_memory", lambda: 1024**3)
    limit = importers.max_file_bytes()
    assert 50 * 1024**2 <= limit < 200 * 1024**2
    with pytest.raises(
        ImportFileError, match=f"too large .*limit is {round(limit / 1024**2)} MB"
    ) as err:
        prepare(path, store=store)
    assert err.value.where == "huge.csv"
    assert path not in reads
    assert snapshot(store) == before


def test_latin1_with_explicit_encoding(store, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(BAD_FILES["latin1"][0])
    plan = prepare(path, store=store, encoding="latin-1")
    assert plan.events.loc[0, "location"] == "Ségou"


def test_extreme_numbers_and_hostile_text(store, tmp_path):
    frame = pd.read_csv(ACLED_NEW, dtype=str, keep_default_na=False)
    frame.loc[0, "fatalities"] = "99999999999999999999999"
    frame.loc[1, "latitude"] = "1e308"
    frame.loc[2, "fatalities"] = "-5"
    frame.loc[3, "notes"] = "<script>alert(1)</script>" + "x" * 100_000
    path = tmp_path / "extreme.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=store)
    cols = {(p.row, p.column) for p in plan.problems}
    assert {(2, "fatalities"), (3, "latitude"), (4, "fatalities")} <= cols
    assert plan.accepted == 1
    assert plan.events.loc[0, "summary"].startswith("<script>alert(1)</script>")
    assert len(plan.events.loc[0, "summary"]) <= 20_100


def test_duplicate_ids_across_chunks(store, tmp_path):
    frame = pd.read_csv(ACLED_NEW, dtype=str, keep_default_na=False)
    path = tmp_path / "dups.csv"
    pd.concat([frame, frame.iloc[[0]]]).to_csv(path, index=False)
    plan = prepare(path, store=store, chunk_rows=2)
    assert plan.accepted == 4
    assert [(p.row, p.column) for p in plan.problems] == [(6, "id")]


def test_cli_import_list_remove(tmp_path):
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(tmp_path / "cli")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "geo.io.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = run("import", str(ACLED_OLD), "--yes", "--dataset", "acled-mali")
    assert out.returncode == 0, out.stderr
    assert "rejected: 4" in out.stdout and "stored 5 events" in out.stdout
    assert "skipped:" not in out.stdout  # protests are imported (their own layer)
    assert "acled-mali\tacled\t5 events" in run("list").stdout
    bad = run("import", str(tmp_path / "missing.csv"))
    assert bad.returncode == 1
    assert "removed 5 events" in run("remove", "acled-mali").stdout


@pytest.mark.parametrize(
    "name", ["acled_numeric_bom.csv", "GEDEvent_v25_1_sample.csv", "acled_labels.csv"]
)
def test_every_problem_has_its_reason_in_both_languages(name, tmp_path, monkeypatch):
    """The English reason (CLI, rejected-rows CSV) is the catalogue's English text of the
    problem's message; the French one is another text with the same quoted values."""
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    plan = prepare(FIX / name, store=Store())
    for p in plan.problems:
        assert p.message is not None and p.text("en") == p.reason
        french = p.text("fr")
        assert french != p.reason
        for _, value in p.message.params:
            if isinstance(value, str) and value.startswith("'"):
                assert value in french  # values from the file, verbatim


def test_a_file_error_is_written_in_each_language(tmp_path):
    path = tmp_path / "données.csv"
    path.write_text("event_id_cnty|event_date|event_type\nX1|2020-01-01|Battles\n")
    with pytest.raises(ImportFileError) as err:
        prepare(path)
    assert str(err.value).startswith("The columns are separated by vertical bars, not commas.")
    assert err.value.where == "données.csv, line 1 (header)"
    what, where, fix = err.value.texts("fr")
    assert what == "Les colonnes sont séparées par des barres verticales, pas par des virgules"
    assert where == "données.csv, ligne 1 (en-tête)"
    assert fix.startswith("exportez de nouveau en CSV séparé par des virgules")
    assert err.value.texts("en") == (err.value.what, err.value.where, err.value.fix)


def test_attribution_in_each_language():
    from geo.io.store import attribution

    assert attribution("acled", "", "2026-12-02", "acled", "fr") == (
        "Armed Conflict Location & Event Data (ACLED), www.acleddata.com ; consulté le "
        "2 décembre 2026 (jeu « acled »)."
    )
    assert "accessed 2 December 2026 (dataset 'acled')" in attribution(
        "acled", "", "2026-12-02", "acled"
    )
    assert "jeu « mine »" in attribution("ucdp", "25.1", "2026-12-02", "mine", "fr")


def test_cli_reports_in_the_users_language(tmp_path):
    """A French locale (or --lang fr) gets the report, the problems and the outcome in
    French; --lang wins over the environment."""
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(tmp_path / "cli"), "LANG": "fr_FR.UTF-8"}
    env.pop("SAHEL_ATLAS_LANG", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "geo.io.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = run("import", str(ACLED_OLD), "--yes", "--dataset", "acled-mali")
    assert out.returncode == 0, out.stderr
    assert "lignes lues\u00a0: " in out.stdout and "rejetées\u00a0: 4" in out.stdout
    assert "  ligne " in out.stdout  # each problem, with its reason in French
    assert "5 événements enregistrés dans le jeu acled-mali" in out.stdout
    bad = run("import", str(tmp_path / "missing.csv"))
    assert bad.returncode == 1 and "fichier introuvable" in bad.stderr
    english = run("import", str(ACLED_OLD), "--yes", "--dataset", "acled-mali", "--lang", "en")
    assert "rows read: " in english.stdout


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "SAHEL_ATLAS_LANG": "fr"}, "fr"),
        ({"LANG": "de_DE"}, "en"),
    ],
)
def test_the_command_lines_language_comes_from_the_environment(environ, lang):
    from geo.io.cli import user_language

    assert user_language(environ) == lang


def test_a_file_error_reads_as_one_line_in_each_language():
    err = ImportFileError("The file has no header.", "row 1", "Add the header row.")
    assert (
        str(err)
        == err.text("en")
        == ("The file has no header. Where: row 1. How to fix: Add the header row.")
    )
    assert err.text("fr").startswith("The file has no header. Où : row 1.")
