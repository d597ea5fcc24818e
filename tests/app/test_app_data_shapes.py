"""The Data page with the export shapes of issue #12: a file whose dates leave the day/month
order open asks for it, the choice reads it, and the report says which sheet and order were
used, in English and French."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.io.importers import prepare
from geo.io.store import Store

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def data_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)


def test_ambiguous_dates_ask_for_the_order_and_the_choice_reads_them(store):
    at = data_page().run()
    name = "acled_ambiguous_dates.csv"
    at.file_uploader[0].set_value((name, (FIX / name).read_bytes(), "text/csv")).run()
    at.button(key="data_validate").click().run()
    assert not at.exception
    [error] = at.error
    assert "order of day and month cannot be told" in error.value
    assert "Order of numeric dates" in error.value and name in error.value
    assert not store.exists() or store.count() == 0
    [order] = [s for s in at.selectbox if s.key.startswith("data_date_order_")]
    assert order.value == ""  # decided by the file, by default
    order.set_value("mdy").run()
    assert not at.error  # the error went with the choice it was made for
    at.button(key="data_validate").click().run()
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accepted"] == "3"
    assert any("Numeric dates read as month/day/year, as you chose" in c.value for c in at.caption)


def test_report_names_the_sheet_and_detected_order_in_french(store, tmp_path):
    at = data_page()
    at.session_state["lang"] = "fr"
    plan = prepare(FIX / "acled_excel_dd-mm-yyyy.csv", store=store)
    plan.sheet = "Data_*1*"  # as a plan of an XLSX file carries it
    at.session_state["data_plan"] = plan
    at.run()
    assert not at.exception
    [caption] = [c.value for c in at.caption if "Feuille lue" in c.value]
    assert "Feuille lue : Data\\_\\*1\\*" in caption  # Markdown of the file escaped
    assert "Dates en chiffres lues au format jour/mois/année" in caption
    assert "comme le montrent les dates du fichier" in caption


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Columns separated by semicolons: numbers read with a decimal comma"),
        ("fr", "Colonnes séparées par des points-virgules : nombres lus avec une virgule décimale"),
    ],
)
def test_a_french_spreadsheets_semicolon_csv_imports_and_the_report_says_so(store, lang, said):
    # acled_labels.csv as Excel in French saves it: semicolons, decimal commas, day/month
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str).fillna("")
    for col in ("latitude", "longitude"):
        frame[col] = frame[col].str.replace(".", ",")
    frame["event_date"] = frame["event_date"].str.replace(
        r"(\d+)-(\d+)-(\d+)", r"\3/\2/\1", regex=True
    )
    body = frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")
    assert b";19,9569;" in body
    at = data_page()
    at.session_state["lang"] = lang
    at.run()
    at.file_uploader[0].set_value(("acled_fr.csv", body, "text/csv")).run()
    at.button(key="data_validate").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accepted" if lang == "en" else "Acceptées"] == "4"
    assert any(said in c.value for c in at.caption)


def test_a_windows_1252_file_is_read_once_its_encoding_is_chosen(store):
    # Excel in French, "CSV (séparateur: point-virgule)": semicolons and Windows-1252
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str).fillna("")
    frame["location"] = "Ménaka"
    frame["notes"] = "l’armée a réagi"
    body = frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1252")
    at = data_page().run()
    at.file_uploader[0].set_value(("acled_fr.csv", body, "text/csv")).run()
    [error] = at.error
    assert "not UTF-8" in error.value and "Text encoding" in error.value
    [encoding] = [s for s in at.selectbox if s.key.startswith("data_encoding_")]
    assert encoding.value == ""
    encoding.set_value("cp1252").run()
    assert not at.error
    at.button(key="data_validate").click().run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Accepted"] == "4"
    plan = at.session_state["data_plan"]
    assert set(plan.events["location"]) == {"Ménaka"}
    assert plan.events["summary"].str.startswith("l’armée a réagi").all()


def test_excels_unicode_text_uploads_as_txt(store):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated, saved as .txt
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str).fillna("")
    body = ("\ufeff" + frame.to_csv(index=False, sep="\t", lineterminator="\r\n")).encode(
        "utf-16-le"
    )
    at = data_page().run()
    at.file_uploader[0].set_value(("acled.txt", body, "text/plain")).run()
    assert not at.exception and not at.error
    at.button(key="data_validate").click().run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Accepted"] == "4"
