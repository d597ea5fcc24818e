"""The Arrow read cache of the store: always equal to SQLite, written at import time,
ignored when damaged or stale, never deleted when newer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from geo.io import snapshot
from geo.io.importers import commit, prepare
from geo.io.store import SNAPSHOT_COLUMNS, Store

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def from_sql(store: Store) -> pd.DataFrame:
    return store._load_sql(None)[1]


def snapshot_files(store: Store) -> list[str]:
    return sorted(p.name for p in store.directory.glob("snapshot-*.arrow"))


def cached(store: Store) -> pd.DataFrame | None:
    """The read cache of the store's current generation, as the store would use it."""
    generation, state = store._state()
    return snapshot.read(store.directory, generation, SNAPSHOT_COLUMNS, state)


def test_import_writes_the_snapshot_of_the_new_generation(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    generation = store.generation()
    assert snapshot_files(store) == [f"snapshot-{generation}.arrow"]
    pd.testing.assert_frame_equal(cached(store), from_sql(store))


def test_snapshot_follows_updates_second_datasets_and_removal(store, tmp_path):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    frame = pd.read_csv(FIX / "acled_labels.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "fatalities"] = "52"
    frame.loc[0, "timestamp"] = "1799999999"
    frame.loc[0, "notes"] = 'Updated note, with a comma and "quotes".'
    newer = tmp_path / "newer.csv"
    frame.drop(index=[3]).to_csv(newer, index=False)
    for step in (
        lambda: commit(prepare(newer, store=store), store),
        lambda: commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store),
        lambda: store.remove("acled"),
    ):
        step()
        assert snapshot_files(store) == [f"snapshot-{store.generation()}.arrow"]
        pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert set(store.load_events()["dataset"]) == {"ucdp"}


def test_damaged_snapshot_is_rebuilt_from_sqlite(store, caplog):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    path = snapshot.path_for(store.directory, store.generation())
    path.write_bytes(b"not an arrow file")
    with caplog.at_level("WARNING", logger="geo.io.snapshot"):
        pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert cached(store) is not None
    # Not silent: the log says which file was ignored.
    assert any(str(path) in r.getMessage() for r in caplog.records), caplog.text


def test_snapshot_with_other_columns_is_ignored(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    generation = store.generation()
    events = from_sql(store).drop(columns="summary")
    snapshot.write(store.directory, generation, events, store._state()[1])
    assert cached(store) is None
    assert "summary" in store.load_events().columns


def test_without_previous_snapshot_an_import_leaves_the_rebuild_to_the_next_read(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    snapshot.path_for(store.directory, store.generation()).unlink()
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    assert snapshot_files(store) == []
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert snapshot_files(store) == [f"snapshot-{store.generation()}.arrow"]


def test_only_older_generations_are_removed(tmp_path):
    events = Store(tmp_path / "none").load_events()
    for generation in (3, 5):
        snapshot.write(tmp_path, generation, events)
    (tmp_path / "snapshot-2.parquet").write_bytes(b"old format")
    (tmp_path / ".snapshot-3.arrow.123.456.tmp").write_bytes(b"killed while writing")
    writing = f".snapshot-5.arrow.{os.getpid()}.456.tmp"  # a live process, writing now
    (tmp_path / writing).write_bytes(b"another process, now")
    snapshot.write(tmp_path, 4, events)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        writing,
        "snapshot-4.arrow",
        "snapshot-4.json",
        "snapshot-5.arrow",
        "snapshot-5.json",
    ]


def test_text_is_stored_plain_sources_once_per_distinct_value_and_read_back(tmp_path):
    events = Store(tmp_path / "none").load_events()
    row = {
        **dict.fromkeys(SNAPSHOT_COLUMNS, ""),
        "date": pd.Timestamp("2024-01-01"),
        "date_end": pd.Timestamp("2024-01-01"),
        "latitude": 14.0,
        "longitude": 1.0,
        "geo_precision": 1,
        "fatalities_low": 1,
        "fatalities_high": 2,
        "fatalities_best": pd.NA,
        "sources": ("https://example.org/a", "https://example.org/b"),
        "verified": True,
        "timestamp": 0,
        "country_iso3": "NER",
    }
    many = pd.concat([events, pd.DataFrame([row] * 10)], ignore_index=True).astype(
        events.dtypes.to_dict()
    )
    many["id"] = [f"e{i}" for i in range(10)]
    snapshot.write(tmp_path, 1, many)
    with pa.OSFile(str(snapshot.path_for(tmp_path, 1)), "rb") as source:
        schema = ipc.open_file(source).schema
    assert pa.types.is_large_string(schema.field("summary").type)  # mapped without a copy
    assert pa.types.is_dictionary(schema.field("sources").type)
    back = snapshot.read(tmp_path, 1, SNAPSHOT_COLUMNS)
    pd.testing.assert_frame_equal(back, many)
    assert back.loc[3, "sources"] == ("https://example.org/a", "https://example.org/b")


def test_a_failing_cache_never_fails_a_committed_import(store, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(snapshot, "write", broken)
    assert commit(prepare(FIX / "acled_labels.csv", store=store), store) == 4
    assert snapshot_files(store) == []
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert snapshot_files(store) == [f"snapshot-{store.generation()}.arrow"]


def test_dataset_counts_are_the_same_from_the_snapshot_and_from_sqlite(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    from_snapshot = {d.name: d.count for d in store.datasets()}
    snapshot.path_for(store.directory, store.generation()).unlink()
    assert {d.name: d.count for d in store.datasets()} == from_snapshot == {"acled": 4, "ucdp": 3}


def test_a_cache_of_another_store_at_the_same_generation_is_not_used(tmp_path):
    """Trusted on its generation number alone, a copied folder's cache would show another
    store's events."""
    mine, other = Store(tmp_path / "mine"), Store(tmp_path / "other")
    commit(prepare(FIX / "acled_labels.csv", store=mine), mine)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=other), other)
    assert mine.generation() == other.generation() == 1
    for name in ("snapshot-1.arrow", "snapshot-1.json"):
        shutil.copy(other.directory / name, mine.directory / name)
    pd.testing.assert_frame_equal(Store(mine.directory).load_events(), from_sql(mine))
    assert set(mine.load_events()["dataset"]) == {"acled"}


def test_a_restored_backup_does_not_use_the_cache_of_the_state_it_replaced(store, tmp_path):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(store.path, backup)  # the user's backup at generation 1
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    assert snapshot_files(store) == ["snapshot-2.arrow"]
    shutil.copy(backup, store.path)  # restored: generation 1 again
    commit(prepare(FIX / "acled_labels.csv", dataset="acled-b", store=store), store)
    assert store.generation() == 2  # the same number as the cache of the replaced state
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert set(store.load_events()["dataset"]) == {"acled-b"}


def test_a_cache_whose_bytes_changed_is_not_used_to_rebuild_a_store(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    assert snapshot.newest_intact(store.directory, SNAPSHOT_COLUMNS) is not None
    path = snapshot.path_for(store.directory, store.generation())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, same name, one bit of other content
    path.write_bytes(bytes(data))
    assert snapshot.newest_intact(store.directory, SNAPSHOT_COLUMNS) is None


def test_a_cache_without_its_manifest_or_cut_short_is_not_used(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    generation = store.generation()
    snapshot.manifest_path(store.directory, generation).unlink()
    assert cached(store) is None
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))  # rebuilt
    path = snapshot.path_for(store.directory, generation)
    path.write_bytes(path.read_bytes()[:-100])
    assert cached(store) is None
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert cached(store) is not None


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def test_the_temporary_file_of_a_killed_cache_write_is_removed(store):
    """A write killed halfway left its temporary file (as large as the cache) for good when
    it was of the current generation."""
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    generation = store.generation()
    snapshot.path_for(store.directory, generation).unlink()
    left = store.directory / f".snapshot-{generation}.arrow.{_dead_pid()}.1.tmp"
    left.write_bytes(b"\0" * 1_000_000)
    running = store.directory / f".snapshot-{generation}.arrow.{os.getpid()}.2.tmp"
    running.write_bytes(b"a live process is writing this one")
    pd.testing.assert_frame_equal(store.load_events(), from_sql(store))
    assert not left.exists() and running.exists()
    old = time.time() - snapshot.STALE_TMP_SECONDS - 60
    os.utime(running, (old, old))  # untouched for over an hour: no write owns it
    assert snapshot.remove_stale_temporaries(store.directory) == [running]


# --- written batch by batch: the same file content as one table -----------------------------


def _old_to_table(events: pd.DataFrame) -> pa.Table:
    """The whole frame as one table (how the cache was written before it was streamed)."""
    frame = events.copy(deep=False)
    frame["sources"] = [" ".join(s) for s in frame["sources"]]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [
        column.combine_chunks().dictionary_encode() if name == "sources" else column
        for name, column in zip(table.column_names, table.columns, strict=True)
    ]
    return pa.table(columns, names=table.column_names).replace_schema_metadata(
        table.schema.metadata
    )


def _varied_events(n: int) -> pd.DataFrame:
    import numpy as np

    events = Store(Path("/nonexistent-sahel-store")).load_events()
    rng = np.random.default_rng(4)
    urls = [
        ("https://a.org",),
        ("https://b.org/x", "https://c.org"),
        ("https://a.org",),
        ("https://b.org/x", "https://c.org"),
        ("https://d.org/é",),
    ]
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D")
    rows = pd.DataFrame(
        {
            "id": [f"e{i % (n // 2 + 1)}-{i}" for i in rng.permutation(n)],
            "date": days,
            "date_end": days,
            "date_precision": "day",
            "category": "insurgency",
            "subtype": "ambush",
            "layer": "insurgency",
            "country_iso3": rng.choice(["MLI", "NER", "BFA"], n),
            "admin1_id": "",
            "admin1_name": "",
            "admin1_source_name": "",
            "location": rng.choice(["A", 'B "q"', "C\nD", ""], n),
            "latitude": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(10, 20, n)),
            "longitude": rng.uniform(-5, 5, n),
            "geo_precision": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
            "actors": "X; Y",
            "fatalities_low": pd.array(rng.choice([0, 3, None], n), dtype="Int64"),
            "fatalities_high": pd.array(rng.choice([0, 3, None], n), dtype="Int64"),
            "summary": [f"summary {i} <b>" for i in range(n)],
            "sources": [urls[i] for i in rng.integers(0, len(urls), n)],
            "dataset": "acled",
            "verified": rng.random(n) < 0.5,
            "timestamp": rng.integers(0, 10**9, n),
        }
    )
    return pd.concat([events, rows], ignore_index=True).astype(events.dtypes.to_dict())


@pytest.mark.parametrize("batch", [7, 64, 10_000])
def test_cache_written_in_batches_reads_back_as_the_whole_table(tmp_path, monkeypatch, batch):
    import numpy as np

    monkeypatch.setattr(snapshot, "BATCH_ROWS", batch)
    events = _varied_events(300)
    # In the store's order (date, id) from a shuffled frame and its order...
    order = events[["date", "id"]].sort_values(["date", "id"], kind="stable").index.to_numpy()
    snapshot.write(tmp_path, 1, events, "s", order=order)
    expected = events.take(order).reset_index(drop=True)
    with pa.memory_map(str(snapshot.path_for(tmp_path, 1))) as source:
        written = ipc.open_file(source).read_all()
    old = _old_to_table(expected)
    assert written.schema.equals(old.schema, check_metadata=True)
    # (the same dictionary of sources, in the same order, in every batch)
    chunks = written.column("sources").chunks
    assert len(chunks) == -(-300 // batch)
    assert all(c.dictionary.equals(old.column("sources").chunk(0).dictionary) for c in chunks)
    assert written.combine_chunks().cast(old.schema).equals(old)
    back = snapshot.read(tmp_path, 1, SNAPSHOT_COLUMNS, "s")
    pd.testing.assert_frame_equal(back, expected)
    manifest = snapshot.read_manifest(tmp_path, 1)
    assert (manifest.rows, manifest.columns) == (300, SNAPSHOT_COLUMNS)
    # ... and a frame already in order, without one.
    snapshot.write(tmp_path, 2, expected)
    pd.testing.assert_frame_equal(snapshot.read(tmp_path, 2, SNAPSHOT_COLUMNS), expected)
    assert snapshot.value_counts(tmp_path, 2, "country_iso3") == {
        k: int(v) for k, v in expected["country_iso3"].value_counts().items()
    }
    assert np.array_equal(
        snapshot.read(tmp_path, 2, SNAPSHOT_COLUMNS)["latitude"],
        expected["latitude"],
        equal_nan=True,
    )


def test_cache_of_no_events_has_the_columns(tmp_path):
    empty = Store(tmp_path / "none").load_events()
    snapshot.write(tmp_path, 1, empty)
    back = snapshot.read(tmp_path, 1, SNAPSHOT_COLUMNS)
    pd.testing.assert_frame_equal(back, empty)
    with pa.memory_map(str(snapshot.path_for(tmp_path, 1))) as source:
        assert ipc.open_file(source).schema.equals(_old_to_table(empty).schema, check_metadata=True)


def test_take_chunked_gives_arrows_take_in_the_order_asked():
    import numpy as np

    rng = np.random.default_rng(3)
    column = pa.chunked_array(
        [
            pa.array([f"v{i}-{j}" for j in range(n)], pa.string())
            for i, n in enumerate([5, 0, 17, 1, 9])
        ]
    )
    for positions in (
        rng.permutation(len(column)),
        rng.integers(0, len(column), 50),  # repeats, unordered
        np.array([31, 0, 31], dtype=np.int64),
        np.array([], dtype=np.int64),
    ):
        taken = snapshot.take_chunked(column, positions)
        assert taken.equals(column.combine_chunks().take(positions))
    one = pa.chunked_array([pa.array([1.5, None, 3.0])])
    assert snapshot.take_chunked(one, np.array([2, 1])).to_pylist() == [3.0, None]


def test_a_frame_of_many_chunks_is_written_in_the_order_given(tmp_path, monkeypatch):
    """An import's columns come in one Arrow chunk per chunk of the file read; rows taken
    across chunks land where the order puts them."""
    import numpy as np

    monkeypatch.setattr(snapshot, "BATCH_ROWS", 11)
    whole = _varied_events(120)
    parts = [whole.iloc[a:b] for a, b in ((0, 37), (37, 38), (38, 90), (90, 120))]
    events = pd.concat(parts, ignore_index=True)
    assert events["summary"].array._pa_array.num_chunks > 1  # (what this test is about)
    order = np.random.default_rng(8).permutation(len(events))
    snapshot.write(tmp_path, 1, events, "s", order=order)
    back = snapshot.read(tmp_path, 1, SNAPSHOT_COLUMNS, "s")
    pd.testing.assert_frame_equal(back, whole.take(order).reset_index(drop=True))
