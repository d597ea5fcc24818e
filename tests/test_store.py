"""The local SQLite store: persistence, re-import idempotence, updates, removal, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import importers
from geo.importers import commit, prepare
from geo.store import DB_NAME, HASHED_COLUMNS, Store, data_dir, row_hash

FIX = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
ACLED_NEW = FIX / "acled_labels.csv"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def test_location_from_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == (tmp_path / "x").resolve()
    monkeypatch.delenv("SAHEL_ATLAS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == (tmp_path / "xdg" / "sahel-atlas").resolve()
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_dir() == (Path.home() / ".local" / "share" / "sahel-atlas").resolve()


def test_refuses_a_store_inside_the_repository():
    with pytest.raises(ValueError, match="inside the repository"):
        Store(REPO / "data").write(pd.DataFrame(), importers.ImportPlan(
            "f", "app", "x", "1", "2024-01-01", 0, pd.DataFrame(), [], pd.DataFrame()).info())


def test_import_persists_and_loads_in_the_model(store):
    plan = prepare(ACLED_NEW, store=store)
    assert commit(plan, store) == 4
    loaded = Store().load_events()  # a fresh object: as after a restart
    assert len(loaded) == 4 and set(loaded["dataset"]) == {"acled"}
    original = plan.events.set_index("id").sort_index()
    again = loaded.set_index("id").sort_index()
    for col in ("date", "date_end", "latitude", "longitude", "actors", "summary", "sources",
                "fatalities_low", "fatalities_high", "geo_precision", "admin1_id", "layer"):
        assert again[col].tolist() == original[col].tolist(), col
    [info] = store.datasets()
    assert info.count == 4 and info.format == "acled" and "accessed" in info.attribution()


def test_reimport_changes_nothing_and_newer_export_updates(store, tmp_path):
    commit(prepare(ACLED_NEW, store=store), store)
    stamp = store.stamp()
    again = prepare(ACLED_NEW, store=store)
    assert again.count("unchanged") == 4 and again.to_write.empty
    commit(again, store)
    assert store.stamp() == stamp

    frame = pd.read_csv(ACLED_NEW, dtype=str, keep_default_na=False)
    frame.loc[0, "fatalities"] = "52"
    frame.loc[0, "timestamp"] = "1799999999"  # newer export of a changed event
    frame.loc[1, "fatalities"] = "1"
    frame.loc[1, "timestamp"] = "1000"  # older than the stored copy: kept as stored
    newer = frame.drop(index=[3])  # an event missing from the new export stays
    path = tmp_path / "newer.csv"
    newer.to_csv(path, index=False)
    plan = prepare(path, store=store)
    assert (plan.count("update"), plan.count("stale"), plan.count("unchanged")) == (1, 1, 1)
    commit(plan, store)
    events = store.load_events().set_index("id")
    assert len(events) == 4
    assert events.loc["acled:MLI5001", "fatalities_low"] == 52
    assert events.loc["acled:BFA6001", "fatalities_low"] == 133
    assert store.stamp() != stamp


def test_remove_dataset(store):
    commit(prepare(ACLED_NEW, store=store), store)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    assert {d.name: d.count for d in store.datasets()} == {"acled": 4, "ucdp": 3}
    assert store.remove("acled") == 4
    assert {d.name for d in store.datasets()} == {"ucdp"}
    assert set(store.load_events()["dataset"]) == {"ucdp"}


def test_no_store_reads_as_empty(store):
    assert not store.exists()
    assert store.load_events().empty and store.datasets() == [] and store.stamp() == "none"
    assert not store.exists()  # reading never creates the store


def test_import_killed_halfway_leaves_store_consistent(tmp_path):
    """SIGKILL during the write transaction: the store has all of it or none of it."""
    sys.path.insert(0, str(REPO / "scripts"))
    from synthetic_acled import generate

    data = tmp_path / "store"
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(data)}
    small = tmp_path / "first.csv"
    generate(300, seed=2).assign(event_id_cnty=lambda f: "X" + f["event_id_cnty"]).to_csv(
        small, index=False)
    big = tmp_path / "big.csv"
    generate(40_000, seed=3).to_csv(big, index=False)
    subprocess.run([sys.executable, "-m", "geo.importer", "import", str(small), "--yes"],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=120)
    store = Store(data)
    before = store.count()
    assert before > 0

    proc = subprocess.Popen([sys.executable, "-m", "geo.importer", "import", str(big), "--yes"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    killed_while_writing = False
    deadline = time.monotonic() + 180
    for line in proc.stdout:
        if "writing" in line:  # the first batch is in the open transaction
            proc.send_signal(signal.SIGKILL)
            killed_while_writing = True
            break
        assert time.monotonic() < deadline
    proc.wait(timeout=30)
    assert killed_while_writing and proc.returncode == -signal.SIGKILL
    assert (data / DB_NAME).exists()
    after = Store(data)
    count = after.count()
    assert count == before, "a killed import must leave the previous state"
    assert len(after.load_events()) == before
    # The read cache still describes the committed state, not the killed import.
    pd.testing.assert_frame_equal(after.load_events(), after._load_sql(None)[1])
    # And a complete run afterwards stores everything.
    subprocess.run([sys.executable, "-m", "geo.importer", "import", str(big), "--yes"],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=300)
    assert Store(data).count() > before


def _reference_row_hash(events: pd.DataFrame) -> np.ndarray:
    """The canonical form of the first release, value by value: stored rows keep their
    hashes across versions, so re-importing the same file still changes nothing."""
    canon = pd.DataFrame(index=events.index)
    for col in HASHED_COLUMNS:
        values = events[col]
        if col in ("date", "date_end"):
            canon[col] = values.dt.strftime("%Y-%m-%d")
        elif col == "sources":
            canon[col] = values.map(" ".join)
        elif col in ("latitude", "longitude"):
            canon[col] = values.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        else:
            canon[col] = values.astype(str).replace({"<NA>": ""})
    hashed = pd.util.hash_pandas_object(canon.astype(str), index=False).to_numpy()
    return (hashed >> np.uint64(1)).astype(np.int64)


def test_row_hash_keeps_its_canonical_form(store):
    events = prepare(ACLED_NEW, store=store).events.copy()
    events.loc[0, "latitude"] = np.nan
    events.loc[1, "longitude"] = -0.0  # 0.0 and -0.0 print differently
    events.loc[2, "longitude"] = 0.0
    assert (row_hash(events) == _reference_row_hash(events)).all()


def test_the_same_events_under_another_dataset_name_are_reported(store):
    commit(prepare(ACLED_NEW, store=store), store)
    again = prepare(ACLED_NEW, dataset="acled-copy", store=store)
    assert again.elsewhere == {"acled": 4} and again.count("update") == 4
    assert prepare(ACLED_NEW, store=store).elsewhere == {}  # same name: nothing to say
    from geo.importer import report

    assert ("already stored in dataset acled: 4 (event ids are unique across datasets; "
            "storing them moves them to acled-copy)") in report(again)
    commit(again, store)  # all four move: the emptied dataset goes with them
    assert {d.name: d.count for d in store.datasets()} == {"acled-copy": 4}
