"""The local SQLite store: persistence, re-import idempotence, updates, removal, crashes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from geo.io import importers
from geo.io.importers import commit, prepare
from geo.io.store import DB_NAME, HASHED_COLUMNS, Store, data_dir, open_store, row_hash
from geo.model.events import TYPOLOGY_COLUMNS

FIX = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
ACLED_NEW = FIX / "acled_labels.csv"


@pytest.fixture()
def store(backend) -> Store:
    """The store of each backend in turn (the behaviour tested is the same)."""
    return open_store()


@pytest.fixture()
def sqlite_store(tmp_path, monkeypatch) -> Store:
    """The SQLite store (for what only a file can go through: damage, repair, upgrade)."""
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def test_location_from_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == (tmp_path / "x").resolve()
    monkeypatch.delenv("SAHEL_ATLAS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == (tmp_path / "xdg" / "sahel-atlas").resolve()
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_dir(Unix) == (Path.home() / ".local" / "share" / "sahel-atlas").resolve()


def test_the_default_location_follows_each_systems_convention(monkeypatch):
    """A macOS user gets the system's place for app data, not ~/.local/share (platformdirs
    resolves Windows' folder only on Windows)."""
    monkeypatch.delenv("SAHEL_ATLAS_DATA_DIR", raising=False)
    assert (
        data_dir(MacOS)
        == (Path.home() / "Library" / "Application Support" / "sahel-atlas").resolve()
    )


def test_refuses_a_store_inside_the_repository():
    with pytest.raises(ValueError, match="inside the repository"):
        Store(REPO / "data").write(
            pd.DataFrame(),
            importers.ImportPlan(
                "f", "app", "x", "1", "2024-01-01", 0, pd.DataFrame(), [], pd.DataFrame()
            ).info(),
        )


def test_import_persists_and_loads_in_the_model(store):
    plan = prepare(ACLED_NEW, store=store)
    assert commit(plan, store) == 4
    loaded = open_store().load_events()  # a fresh object: as after a restart
    assert len(loaded) == 4 and set(loaded["dataset"]) == {"acled"}
    original = plan.events.set_index("id").sort_index()
    again = loaded.set_index("id").sort_index()
    for col in (
        "date",
        "date_end",
        "latitude",
        "longitude",
        "actors",
        "summary",
        "sources",
        "fatalities_low",
        "fatalities_high",
        "geo_precision",
        "admin1_id",
        "layer",
    ):
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


def test_import_killed_halfway_leaves_store_consistent(tmp_path, backend):
    """SIGKILL during the write transaction: the store has all of it or none of it."""
    from scripts.synthetic_acled import generate

    data = tmp_path / "store"
    env = dict(os.environ)  # the backend's settings
    small = tmp_path / "first.csv"
    generate(300, seed=2).assign(event_id_cnty=lambda f: "X" + f["event_id_cnty"]).to_csv(
        small, index=False
    )
    big = tmp_path / "big.csv"
    generate(40_000, seed=3).to_csv(big, index=False)
    subprocess.run(
        [sys.executable, "-m", "geo.io.cli", "import", str(small), "--yes"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    store = open_store()
    before = store.count()
    assert before > 0

    proc = subprocess.Popen(
        [sys.executable, "-m", "geo.io.cli", "import", str(big), "--yes"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
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
    assert backend != "sqlite" or (data / DB_NAME).exists()
    after = open_store()
    count = after.count()
    assert count == before, "a killed import must leave the previous state"
    assert len(after.load_events()) == before
    # The read cache still describes the committed state, not the killed import.
    pd.testing.assert_frame_equal(after.load_events(), after._load_sql(None)[1])
    # And a complete run afterwards stores everything.
    subprocess.run(
        [sys.executable, "-m", "geo.io.cli", "import", str(big), "--yes"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert open_store().count() > before


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
    # An event without the sources' typology (curated; stored before schema 3) keeps the
    # first release's hash; one with it hashes it too (re-importing an export that has it
    # updates the rows stored without it).
    plain = events.assign(
        **{c: "" for c in TYPOLOGY_COLUMNS if c != "fatalities_best"}, fatalities_best=pd.NA
    )
    assert (row_hash(plain) == _reference_row_hash(plain)).all()
    assert (row_hash(events) != row_hash(plain)).all()
    changed = events.copy()
    changed.loc[0, "sub_event_type"] = "Attack"
    assert (row_hash(changed) != row_hash(events)).tolist() == [True, False, False, False]


def test_the_same_events_under_another_dataset_name_are_reported(store):
    commit(prepare(ACLED_NEW, store=store), store)
    again = prepare(ACLED_NEW, dataset="acled-copy", store=store)
    assert again.elsewhere == {"acled": 4} and again.count("update") == 4
    assert prepare(ACLED_NEW, store=store).elsewhere == {}  # same name: nothing to say
    from geo.io.cli import report

    assert (
        "already stored in dataset acled: 4 (event ids are unique across datasets; "
        "storing them moves them to acled-copy)"
    ) in report(again)
    commit(again, store)  # all four move: the emptied dataset goes with them
    assert {d.name: d.count for d in store.datasets()} == {"acled-copy": 4}


# --- damaged stores ---------------------------------------------------------------------


def damage(path: Path, how: str) -> None:
    """Damage the store file at ``path`` the ways a real one gets damaged."""
    data = path.read_bytes()
    if how == "truncated":  # half the file: a copy cut short, a full disk
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":  # overwritten from the start
        path.write_bytes(np.random.default_rng(1).bytes(len(data)))
    elif how == "garbage-pages":  # the header survives, the pages after it do not
        path.write_bytes(data[:4096] + np.random.default_rng(2).bytes(len(data) - 4096))
    elif how == "zero":  # a 0-byte file
        path.write_bytes(b"")
    elif how == "foreign-sqlite":  # another program's SQLite database
        path.unlink()
        import sqlite3

        con = sqlite3.connect(path)
        con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        con.commit()
        con.close()
    elif how == "foreign-file":  # another program's file under our name
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 2000)
    else:
        raise ValueError(how)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)


DAMAGE_KINDS = {
    "truncated": "truncated",
    "garbage": "overwritten",
    "garbage-pages": "corrupt",
    "zero": "empty",
    "foreign-sqlite": "foreign",
    "foreign-file": "overwritten",
}


@pytest.fixture(scope="module")
def _two_datasets_template(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("template") / "store"
    template = Store(directory)
    commit(prepare(ACLED_NEW, store=template), template)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=template), template)
    return directory


@pytest.fixture()
def two_datasets(_two_datasets_template, sqlite_store) -> tuple[Store, pd.DataFrame, list]:
    """A store with two imports (a copy of one made once per module); its events and
    datasets as read before any damage."""
    store = sqlite_store
    shutil.copytree(_two_datasets_template, store.directory)
    return store, store.load_events(), store.datasets()


@pytest.mark.parametrize("how", sorted(DAMAGE_KINDS))
def test_a_damaged_store_is_named_and_never_raises_a_bare_sqlite_error(two_datasets, how):
    from geo.io.store import StoreError, check_store

    store, _, _ = two_datasets
    damage(store.path, how)
    state = check_store(store.path, thorough=True)
    assert state.kind == DAMAGE_KINDS[how] and state.repairable and not state.readable
    assert str(store.path) in state.message
    assert store.stamp().startswith("damaged:")  # a cache key, not an exception
    for read in (store.load_events, store.datasets, store.versions, store.generation):
        with pytest.raises(StoreError) as err:
            read()
        assert err.value.health.kind == state.kind and str(store.path) in str(err.value)
    before = store.path.read_bytes()
    with pytest.raises(StoreError):  # an import is refused: the file stays as it is
        commit(prepare(ACLED_NEW, dataset="again", store=Store(store.directory)), store)
    with pytest.raises(StoreError):
        store.remove("acled")
    assert store.path.read_bytes() == before


@pytest.mark.parametrize("how", sorted(DAMAGE_KINDS))
def test_repair_rebuilds_from_the_intact_read_cache_and_keeps_the_damaged_file(two_datasets, how):
    from datetime import UTC, datetime

    store, events, datasets = two_datasets
    damage(store.path, how)
    damaged = store.path.read_bytes()
    result = store.repair(now=datetime(2026, 12, 2, 14, 5, 9, tzinfo=UTC))
    assert result.action == "rebuilt" and result.events == len(events) == 7
    kept = store.directory / f"{DB_NAME}.damaged-20261202T140509Z"
    assert result.moved[0] == kept and kept.read_bytes() == damaged  # nothing deleted
    assert store.health(thorough=True).kind == "ok"
    fresh = Store(store.directory)
    pd.testing.assert_frame_equal(fresh.load_events(), events)
    pd.testing.assert_frame_equal(fresh._load_sql(None)[1], events)  # SQLite itself too
    assert fresh.datasets() == datasets  # formats, versions, access dates: the attribution
    # Re-importing the same file changes nothing (the row hashes were rebuilt as stored).
    assert prepare(ACLED_NEW, store=fresh).to_write.empty
    frame = pd.read_csv(ACLED_NEW, dtype=str, keep_default_na=False)
    frame.loc[0, "fatalities"], frame.loc[0, "timestamp"] = "52", "1799999999"
    assert prepare_frame(frame, store.directory).count("update") == 1


def prepare_frame(frame: pd.DataFrame, directory: Path) -> importers.ImportPlan:
    path = directory.parent / "changed.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=Store(directory))
    commit(plan, Store(directory))
    return plan


def test_a_zero_byte_store_is_not_read_as_empty_and_is_rebuilt_from_its_cache(two_datasets):
    """The issue's case: the app showed an empty store and every import failed with
    "no such table" while the read cache still held every event."""
    from geo.io.store import StoreError

    store, events, _ = two_datasets
    store.path.write_bytes(b"")
    with pytest.raises(StoreError, match="is empty"):
        store.load_events()
    assert store.repair().action == "rebuilt"
    pd.testing.assert_frame_equal(store.load_events(), events)
    plan = prepare(FIX / "acled_labels.csv", dataset="acled-2", store=store)
    assert commit(plan, store) == 4  # imports work again


def test_repair_without_an_intact_cache_starts_a_new_store_and_keeps_everything(two_datasets):
    store, _, _ = two_datasets
    damage(store.path, "garbage")
    [cache] = store.directory.glob("snapshot-*.arrow")
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte: same size, same generation, other content
    cache.write_bytes(bytes(data))
    names = sorted(p.name for p in store.directory.iterdir() if not p.name.startswith("."))
    result = store.repair()
    assert result.action == "new" and "Import your files again" in result.message
    # Every file of the damaged state is kept under a timestamped name.
    assert sorted(p.name.split(".damaged-")[0] for p in result.moved) == names
    assert all(p.exists() for p in result.moved)
    assert store.health().kind == "ok" and store.load_events().empty
    assert commit(prepare(ACLED_NEW, store=store), store) == 4


def test_repair_leaves_a_good_store_alone(two_datasets):
    store, events, _ = two_datasets
    before = store.path.read_bytes()
    result = store.repair()
    assert result.action == "none" and result.moved == ()
    assert store.path.read_bytes() == before
    pd.testing.assert_frame_equal(store.load_events(), events)


def test_command_line_on_a_damaged_store_says_what_and_where_and_repairs(two_datasets):
    store, events, _ = two_datasets
    damage(store.path, "truncated")
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(store.directory)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "geo.io.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    for args in (
        ("list",),
        ("remove", "acled"),
        ("check",),
        ("import", str(ACLED_NEW), "--dataset", "x", "--yes"),
    ):
        run = cli(*args)
        assert run.returncode == 3, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stdout + run.stderr
        assert f"{store.path} is truncated" in run.stderr
        assert "python -m geo.io.cli repair" in run.stderr
    run = cli("repair")
    assert run.returncode == 0 and "Rebuilt" in run.stdout and ".damaged-" in run.stdout
    assert "Traceback" not in run.stderr
    pd.testing.assert_frame_equal(Store(store.directory).load_events(), events)
    run = cli("list")
    assert run.returncode == 0 and "acled\tacled\t4 events" in run.stdout


# --- the app on a damaged store (AppTest) -------------------------------------------------

DASHBOARD = str(REPO / "dashboard.py")


def _curated_count() -> int:
    from geo.io.events import EVENTS_FILE, load_events

    return len(load_events(EVENTS_FILE).events)


@pytest.mark.parametrize("how", ["truncated", "zero", "foreign-sqlite"])
def test_map_and_analysis_on_a_damaged_store_show_the_curated_events_and_say_why(two_datasets, how):
    from streamlit.testing.v1 import AppTest

    store, _, _ = two_datasets
    damage(store.path, how)
    for page in ("map", "analysis"):
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.query_params["page"] = page
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and str(store.path) in errors[0].replace("\\", ""), errors
        assert "The curated events are shown" in errors[0]
        datasets = {c.label for c in at.checkbox}
        assert not any(label.startswith(("acled", "ucdp")) for label in datasets)
    captions = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "Traceback" not in captions


def test_data_page_repairs_a_damaged_store(two_datasets):
    from streamlit.testing.v1 import AppTest

    store, events, _ = two_datasets
    damage(store.path, "garbage-pages")
    at = AppTest.from_file(str(REPO / "pages" / "data.py"), default_timeout=120)
    at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "is damaged" in error and str(store.path) in error.replace("\\", "")
    [info] = [i.value for i in at.info]
    assert "intact and up to date" in info and "7 events" in info
    assert not at.get("file_uploader")  # no import into a store that cannot take it
    at.button(key="store_repair").click().run()
    assert not at.exception
    [success] = [s.value.replace("\\", "") for s in at.success]
    assert "7 events are back" in success and ".damaged-" in success
    assert not at.error and at.get("file_uploader")  # the page works again
    pd.testing.assert_frame_equal(Store(store.directory).load_events(), events)


def test_data_page_on_a_damaged_store_without_cache_offers_a_new_store_in_french(two_datasets):
    from streamlit.testing.v1 import AppTest

    store, _, _ = two_datasets
    damage(store.path, "zero")
    for cache in store.directory.glob("snapshot-*"):
        cache.unlink()
    at = AppTest.from_file(str(REPO / "pages" / "data.py"), default_timeout=120)
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception
    assert "est vide" in at.error[0].value
    assert "crée une base neuve" in at.info[0].value
    at.button(key="store_repair").click().run()
    assert "Une base neuve, vide, a été créée" in at.success[0].value
    assert (store.directory / f"{DB_NAME}").stat().st_size > 0
    assert [p.stat().st_size for p in store.directory.glob(f"{DB_NAME}.damaged-*")] == [0]


def test_the_region_as_the_source_wrote_it_is_stored_and_exported(store):
    """ACLED's ``admin1`` (which may name divisions our boundaries lack, e.g. Ménaka) is
    kept beside the region we compute, through the store, the read cache and the export."""
    import io

    from geo.io import exports

    plan = prepare(ACLED_NEW, store=store)
    source_names = plan.events.set_index("id")["admin1_source_name"]
    assert (source_names != "").all()
    commit(plan, store)
    loaded = open_store().load_events().set_index("id")
    assert loaded["admin1_source_name"].to_dict() == source_names.to_dict()
    frame = pd.read_csv(
        io.BytesIO(exports.events_csv(loaded.reset_index(), [])), encoding="utf-8-sig"
    ).set_index("id")
    assert frame["admin1_source_name"].to_dict() == source_names.to_dict()


def test_a_store_of_the_first_release_opens_and_gains_the_new_column(sqlite_store):
    """A store written before ``admin1_source_name`` existed is neither 'foreign' nor
    damaged: it reads (that column empty), its hashes are unchanged (re-importing changes
    nothing), and the next write adds the column."""
    import sqlite3

    from geo.io.store import ADDED_COLUMNS, check_store

    store = sqlite_store
    commit(prepare(ACLED_NEW, store=store), store)
    con = sqlite3.connect(store.path)
    for column in ADDED_COLUMNS:
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")  # as the first release wrote it
    con.commit()
    con.close()
    for cache in store.directory.glob("snapshot-*"):
        cache.unlink()
    assert check_store(store.path).kind == "ok"
    loaded = Store().load_events()
    assert len(loaded) == 4 and (loaded["admin1_source_name"] == "").all()
    again = prepare(ACLED_NEW, store=store)
    assert again.count("unchanged") == 4  # hashes do not include the added column
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store, dataset="other"), store)
    con = sqlite3.connect(store.path)
    columns = {row[1] for row in con.execute("PRAGMA table_info('events')")}
    con.close()
    assert set(ADDED_COLUMNS) <= columns


def test_date_id_order_is_the_stable_code_point_order_sqlite_reads_in():
    from geo.io.store import _date_id_order

    ids = ["b", "a", "É1", "Z", "é", "a2", "ß", "b"]
    dates = pd.to_datetime(["2020-01-02", "2020-01-02", "2020-01-01", "2020-01-02"] * 2).astype(
        "datetime64[ns]"
    )
    events = pd.DataFrame({"date": dates, "id": pd.array(ids, dtype="str"), "n": range(8)})
    order = _date_id_order(events)
    expected = events.sort_values(["date", "id"], kind="stable").index.to_numpy()
    assert order is not None and order.tolist() == expected.tolist()
    in_order = events.take(order).reset_index(drop=True)
    assert _date_id_order(in_order) is None
    with sqlite3.connect(":memory:") as con:
        con.execute("CREATE TABLE t (d TEXT, id TEXT, n INTEGER)")
        con.executemany(
            "INSERT INTO t VALUES (?, ?, ?)",
            zip(events["date"].astype(str), ids, range(8), strict=True),
        )
        rows = con.execute("SELECT n FROM t ORDER BY d, id, n").fetchall()
    assert [n for (n,) in rows] == expected.tolist()


def test_versions_read_in_batches_give_every_stored_event(store, monkeypatch):
    import geo.io.store as store_module

    commit(prepare(ACLED_NEW, store=store), store)
    events = store.load_events()
    monkeypatch.setattr(store_module, "VERSION_ROWS", 3)  # two batches, the last one short
    versions = store.versions()
    assert len(events) > 3 and len(events) % 3
    assert sorted(versions.index) == sorted(events["id"])
    assert versions["timestamp"].dtype == np.int64 and versions["row_hash"].dtype == np.int64
    by_id = events.set_index("id")
    assert (versions["dataset"] == by_id["dataset"].reindex(versions.index)).all()
    assert (versions["timestamp"] == by_id["timestamp"].reindex(versions.index)).all()
    assert versions.index.get_indexer(events["id"]).min() >= 0
