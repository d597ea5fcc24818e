"""The Data page (and the map's dataset layers) in Streamlit's AppTest, on a tmp store.

AppTest cannot upload a file, so the tests put a prepared plan where the upload step puts
it (``st.session_state["data_plan"]``); the browser test covers the real upload.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.importers import commit, prepare
from geo.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def data_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)


def test_empty_store(store):
    at = data_page().run()
    assert not at.exception
    assert any("No dataset imported yet." in c.value for c in at.caption)
    assert any(str(store.directory) in c.value for c in at.caption)


def test_report_confirm_and_remove(store):
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows read"] == "9" and metrics["Accepted"] == "4"
    assert metrics["Rejected"] == "4" and metrics["New"] == "4"
    assert metrics["Skipped"] == "1"  # a protest: out of scope, not an error
    assert any("Skipped on purpose, not errors (1)" in c.value and "Protests (1)" in c.value
               for c in at.caption)
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [6, 7, 8, 9]
    assert any("ACLED" in c.value and "accessed" in c.value for c in at.caption)
    [confirm] = [b for b in at.button if b.key == "data_confirm"]
    assert confirm.label == "Store 4 events in dataset acled"
    confirm.click().run()
    assert not at.exception
    assert store.count() == 4
    assert any("Stored 4 events in dataset acled" in s.value for s in at.success)
    assert "data_plan" not in at.session_state

    # Re-checking the same file: nothing to store.
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    assert any("Nothing to store" in i.value for i in at.info)

    at.session_state["data_plan"] = None
    at.run()
    at.checkbox(key="data_remove_sure").check().run()
    at.button(key="data_remove_button").click().run()
    assert not at.exception
    assert store.count() == 0
    assert any("Removed dataset acled (4 events)" in s.value for s in at.success)


def test_french_labels(store):
    at = data_page()
    at.session_state["lang"] = "fr"
    at.session_state["data_plan"] = prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store)
    at.run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Lignes lues", "Acceptées", "Rejetées", "Ignorées"}
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    assert list(at.dataframe[0].value.columns) == ["fichier", "ligne", "colonne", "raison"]
    assert any("Ignorées volontairement, sans erreur (1)" in c.value for c in at.caption)


def test_map_shows_imported_datasets_as_layers(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    labels = {c.label: c.value for c in at.checkbox if c.key and c.key.startswith("ev_ds_")}
    assert labels == {"Curated events (116)": True, "acled (4)": True, "ucdp (3)": True}
    shown = [c.value for c in at.caption if c.value.endswith("events shown")
             or "events shown ·" in c.value]
    with_imports = shown[0]
    at.checkbox(key="ev_ds_acled").uncheck().run()
    without_acled = [c.value for c in at.caption if "events shown" in c.value][0]
    assert with_imports != without_acled
    # Export attribution of the view names ACLED, its access date and the filters.
    at.checkbox(key="ev_ds_acled").check().run()
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED" in captions and "Filters applied" in captions and "UCDP" in captions


def test_analysis_of_imported_data_carries_their_attribution(store) -> None:
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED" in captions
    assert "Filters applied:" in captions


def test_large_counts_are_grouped_per_language(store, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from synthetic_acled import generate

    path = tmp_path / "acled_3000.csv"
    generate(3000, seed=5).to_csv(path, index=False)
    commit(prepare(path, store=store), store)
    count = store.count()
    assert count > 1000
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    labels = [c.label for c in at.checkbox if c.key == "ev_ds_acled"]
    assert labels == [f"acled ({count:,})"]
    shown = [c.value for c in at.caption if "events shown" in c.value]
    assert shown and re.match(r"^\d{1,3}(,\d{3})+ events shown", shown[0])
    at.radio(key="lang").set_value("fr").run()
    labels = [c.label for c in at.checkbox if c.key == "ev_ds_acled"]
    assert labels == [f"acled ({count:,})".replace(",", "\u202f")]
    layer_labels = [c.label for c in at.checkbox if c.key and c.key.startswith("ev_layers_")]
    assert any("\u202f" in label for label in layer_labels)


def test_events_stored_under_another_name_are_pointed_out(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_labels.csv", dataset="acled-copy",
                                            store=store)
    at.run()
    assert not at.exception
    assert any("4 of these events are already stored in dataset acled" in w.value
               for w in at.warning)
