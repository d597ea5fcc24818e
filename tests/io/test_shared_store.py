"""The store chosen by one setting behaves the same on both backends: readers during an
import, a second importer of the same dataset, the spatial queries; and what only the
shared PostgreSQL/PostGIS store has (its server's health, the geometry in the database)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.io.importers import commit, prepare
from geo.io.store import (
    DATABASE_URL_ENV,
    DatasetInfo,
    Store,
    StoreChangedError,
    StoreError,
    open_store,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
ACLED = FIX / "acled_labels.csv"
UCDP = FIX / "GEDEvent_v25_1_sample.csv"


@pytest.fixture()
def store(backend) -> Store:
    return open_store()


def _info(name: str) -> DatasetInfo:
    return DatasetInfo(name, "app", "1", "2024-01-01", f"{name}.csv", "", 0)


_TEMPLATE: list[pd.DataFrame] = []


def _events(
    _store: Store, points: dict[str, tuple[float, float] | None], dataset: str = "mine"
) -> pd.DataFrame:
    """Events to write (model + timestamp + row_hash), one per id, at (lon, lat) or none."""
    from geo.io.store import row_hash

    if not _TEMPLATE:  # an event of the fixture as imported (checked against no store)
        nowhere = Store(Path(tempfile.mkdtemp(prefix="sahel-atlas-empty-")))
        _TEMPLATE.append(prepare(ACLED, store=nowhere).to_write.iloc[[0]])
    template = _TEMPLATE[0]
    rows = []
    for number, (event_id, point) in enumerate(points.items()):
        row = template.copy()
        row["id"] = event_id
        row["dataset"] = dataset
        row["summary"] = f"event {number}"
        row["longitude"], row["latitude"] = point if point else (float("nan"), float("nan"))
        rows.append(row)
    frame = pd.concat(rows, ignore_index=True)
    return frame.assign(row_hash=row_hash(frame))


def test_the_backend_is_chosen_by_one_setting(tmp_path, monkeypatch):
    from geo.io.pgstore import PgStore

    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert type(open_store()) is Store  # the default needs nothing
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://atlas:secret@db.example/atlas")
    shared = open_store()
    assert isinstance(shared, PgStore)
    assert "secret" not in str(shared.path) and "atlas:***@db.example" in str(shared.path)
    assert shared.directory.parent == tmp_path  # its read cache, on this machine
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://atlas@db/atlas?sslmode=require&password=pw1")
    assert str(open_store().path) == "postgresql://atlas@db/atlas?sslmode=require&password=***"


def test_a_reader_sees_the_state_before_an_import_until_it_commits(store):
    commit(prepare(ACLED, store=store), store)
    before = open_store()._load_sql(None)[1]
    generation = store.generation()
    seen: list = []

    def read() -> None:  # another user's page, on its own connection
        other = open_store()
        seen.append((other._load_sql(None)[1], other.generation(), other.datasets()))

    def halfway(_fraction: float, stage: str) -> None:
        if stage == "writing" and not seen:
            reader = threading.Thread(target=read)
            reader.start()
            reader.join(timeout=30)
            assert not reader.is_alive(), "a reader waited for the import"

    plan = prepare(UCDP, store=store)
    store.write(plan.to_write, plan.info(), progress=halfway)
    [(during, generation_during, datasets_during)] = seen
    pd.testing.assert_frame_equal(during, before)
    assert generation_during == generation
    assert [d.name for d in datasets_during] == ["acled"]
    assert {d.name for d in open_store().datasets()} == {"acled", "ucdp"}  # after the commit


def test_a_second_importer_of_the_same_dataset_is_refused_with_a_clear_message(store):
    commit(prepare(ACLED, store=store), store)
    first = _events(store, {"x:1": (1.0, 14.0), "x:2": (2.0, 13.0)})
    second = _events(store, {"x:3": (3.0, 12.0)})
    refused: list[StoreError] = []

    def halfway(_fraction: float, stage: str) -> None:
        if stage == "writing" and not refused:
            with pytest.raises(StoreError) as err:
                open_store().write(second, _info("mine"))  # another user, the same dataset
            refused.append(err.value)

    store.write(first, _info("mine"), progress=halfway)
    [err] = refused
    assert err.health.kind == "busy"
    assert str(err) == (
        f"Another import, update or removal of the dataset mine is running on the event "
        f"store {store.path}: nothing was changed; try again when it has finished."
    )
    stored = open_store().load_events()
    assert set(stored.loc[stored["dataset"] == "mine", "id"]) == {"x:1", "x:2"}
    # Once the first has finished, the second goes through.
    assert open_store().write(second, _info("mine")) == 1
    assert open_store().remove("mine") == 3


def test_events_in_a_bounding_box(store):
    assert store.events_in_bbox(-10, 0, 10, 20).empty  # no store yet
    points = {
        "p:in": (1.5, 12.5),
        "p:west-edge": (1.0, 13.0),
        "p:corner": (2.0, 14.0),
        "p:out-east": (2.000001, 13.0),
        "p:out-south": (1.5, 11.999999),
        "p:none": None,
    }
    store.write(_events(store, points), _info("box"))
    found = store.events_in_bbox(1.0, 12.0, 2.0, 14.0)
    assert sorted(found["id"]) == ["p:corner", "p:in", "p:west-edge"]
    # As load_events gives them: the same columns, dtypes and values.
    whole = store.load_events().set_index("id").loc[found["id"]].reset_index()
    pd.testing.assert_frame_equal(found.reset_index(drop=True), whole)


def test_counts_per_unit(store):
    units = gpd.GeoDataFrame(
        {"id": ["b", "a", "empty"]},
        geometry=[box(0, 10, 1, 11), box(1, 10, 2, 11), box(5, 5, 6, 6)],
        crs="EPSG:4326",
    )
    points = {
        "c:1": (0.5, 10.5),  # b
        "c:2": (1.5, 10.5),  # a
        "c:3": (1.7, 10.2),  # a
        "c:edge": (1.0, 10.5),  # on the edge between a and b: in both
        "c:away": (30.0, 30.0),  # in neither
        "c:none": None,
    }
    store.write(_events(store, points), _info("units"))
    counts = store.counts_per_unit(units)
    assert counts.to_dict() == {"a": 3, "b": 2, "empty": 0}
    assert list(counts.index) == ["a", "b", "empty"] and counts.name == "events"


def test_counts_per_admin1_unit_of_the_boundaries(store, admin1):
    """The default units: the admin-1 units of data/boundaries (stored in the database by
    the shared store); a point of each of three units counts once in it."""
    chosen = admin1.iloc[[0, 5, 10]]
    inside = [g.representative_point() for g in chosen.geometry]
    points = {f"u:{i}": (p.x, p.y) for i, p in enumerate(inside)}
    store.write(_events(store, points), _info("adm"))
    counts = store.counts_per_unit()
    assert set(counts.index) == set(admin1["id"])
    for unit_id in chosen["id"]:
        assert counts[unit_id] >= 1
    assert counts.sum() >= 3
    expected = {
        i: sum(g.intersects(Point(p)) for p in points.values())
        for i, g in zip(admin1["id"], admin1.geometry, strict=True)
    }
    assert counts.to_dict() == expected


# --- only the shared store ---------------------------------------------------------------


def test_the_events_have_a_postgis_point_with_a_spatial_index(pg_url, tmp_path):
    import psycopg

    from geo.io.pgstore import PgStore

    store = PgStore(pg_url, tmp_path)
    store.write(_events(store, {"g:1": (1.25, 12.5), "g:2": None}), _info("geo"))
    with psycopg.connect(pg_url) as con:
        rows = con.execute("SELECT id, ST_AsText(geom), ST_SRID(geom) FROM events ORDER BY id")
        assert rows.fetchall() == [("g:1", "POINT(1.25 12.5)", 4326), ("g:2", None, None)]
        indexes = con.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'events' AND indexname = 'events_geom'"
        ).fetchall()
        assert "USING gist (geom)" in indexes[0][0]
        units = con.execute("SELECT count(*) FROM units").fetchone()[0]
    from geo.io.boundaries import load_admin1

    assert units == len(load_admin1())


def test_a_server_that_cannot_be_reached_is_named_without_its_password(tmp_path):
    from geo.io.pgstore import PgStore

    store = PgStore("postgresql://atlas:hunter2@127.0.0.1:1/atlas?connect_timeout=2", tmp_path)
    state = store.health()
    assert state.kind == "unreachable" and not state.readable
    assert "hunter2" not in state.message
    assert state.message.startswith(
        "The shared event store postgresql://atlas:***@127.0.0.1:1/atlas"
    )
    assert store.stamp().startswith("damaged:") and "hunter2" not in store.stamp()
    with pytest.raises(StoreError) as err:
        store.load_events()
    assert err.value.health.kind == "unreachable"
    assert store.repair().action == "refused"


def test_a_reader_role_reads_and_cannot_write(pg_url, tmp_path):
    import psycopg

    from geo.io.pgstore import PgStore

    owner = PgStore(pg_url, tmp_path / "a")
    commit(prepare(ACLED, store=owner), owner)
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP ROLE IF EXISTS atlas_reader")
        con.execute("CREATE ROLE atlas_reader LOGIN")
        con.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO atlas_reader")
    reader = PgStore(pg_url.replace("postgres@", "atlas_reader@"), tmp_path / "b")
    assert reader.health().kind == "read-only"
    assert len(reader.load_events()) == 4
    with pytest.raises(StoreError) as err:
        reader.remove("acled")
    assert err.value.health.kind == "read-only"
    assert len(owner.load_events()) == 4


def test_tables_of_another_program_are_not_taken_for_a_store(pg_url, tmp_path):
    import psycopg

    from geo.io.pgstore import PgStore

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE TABLE events (id text, payload text)")
    store = PgStore(pg_url, tmp_path)
    assert store.health().kind == "foreign"
    with pytest.raises(StoreError):
        commit(prepare(ACLED, store=Store(tmp_path / "sqlite")), store)


def test_the_command_line_imports_lists_and_checks_the_shared_store(backend, tmp_path):
    import os

    env = dict(os.environ)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "geo.io.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("import", str(ACLED), "--yes").returncode == 0
    listed = cli("list")
    assert listed.returncode == 0 and "acled" in listed.stdout
    check = cli("check")
    assert check.returncode == 0 and "in good order" in check.stdout
    assert len(open_store().load_events()) == 4


def test_an_owner_without_superuser_rights_creates_and_fills_the_store(pg_url, tmp_path):
    """As the README sets it up: PostGIS created by the administrator, the database owned
    by the app's role, which creates the tables at its first import."""
    import psycopg

    from geo.io.pgstore import PgStore

    with psycopg.connect(pg_url, autocommit=True) as con:
        database = con.info.dbname
        con.execute("DROP ROLE IF EXISTS atlas_owner")
        con.execute("CREATE ROLE atlas_owner LOGIN")
        con.execute(f"ALTER DATABASE {database} OWNER TO atlas_owner")
        con.execute("ALTER SCHEMA public OWNER TO atlas_owner")
    store = PgStore(pg_url.replace("postgres@", "atlas_owner@"), tmp_path)
    assert store.health().kind == "missing"
    commit(prepare(ACLED, store=store), store)
    assert store.health().kind == "ok" and len(store.load_events()) == 4
    assert store.counts_per_unit().sum() >= 1


def test_an_id_given_twice_in_one_write_keeps_its_last_row(store):
    events = _events(store, {"d:1": (1.0, 12.0), "d:2": (2.0, 13.0)})
    again = _events(store, {"d:1": (3.0, 14.0)})
    store.write(pd.concat([events, again], ignore_index=True), _info("twice"))
    stored = open_store()._load_sql(None)[1].set_index("id")
    assert sorted(stored.index) == ["d:1", "d:2"]
    assert (stored.loc["d:1", "longitude"], stored.loc["d:1", "latitude"]) == (3.0, 14.0)


def test_writers_of_two_datasets_take_turns_and_the_read_cache_holds_both(store):
    """Another dataset is not refused: its write waits for the open one, then goes through
    on the state the first left (never interleaved), and the read cache matches SQL."""
    commit(prepare(ACLED, store=store), store)
    generation = store.generation()
    mine = _events(store, {"t:1": (1.0, 12.0), "t:2": (2.0, 13.0)}, dataset="mine")
    theirs = _events(store, {"t:3": (3.0, 14.0)}, dataset="theirs")
    done: list[int] = []
    other = threading.Thread(
        target=lambda: done.append(open_store().write(theirs, _info("theirs")))
    )

    def halfway(_fraction: float, stage: str) -> None:
        if stage == "writing" and not other.is_alive() and not done:
            other.start()
            other.join(timeout=1)
            assert other.is_alive(), "the second writer did not wait for the first"

    store.write(mine, _info("mine"), progress=halfway)
    other.join(timeout=60)
    assert done == [1]
    fresh = open_store()
    assert fresh.generation() == generation + 2
    assert {d.name: d.count for d in fresh.datasets()} == {"acled": 4, "mine": 2, "theirs": 1}
    pd.testing.assert_frame_equal(fresh.load_events(), fresh._load_sql(None)[1])


def test_the_shared_store_reuses_its_connections_and_replaces_a_dead_one(pg_url, tmp_path):
    """Each call borrows an idle connection of the pool (no new server process per call);
    one the server ended meanwhile (a restart) is replaced without an error."""
    import psycopg

    from geo.io.pgstore import POOL_SIZE, PgStore

    store = PgStore(pg_url, tmp_path)
    store.write(_events(store, {"k:1": (1.0, 13.0)}, "pool"), _info("pool"))

    def backends() -> list[int]:
        with psycopg.connect(pg_url, autocommit=True) as con:
            return [
                r[0]
                for r in con.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ]

    for _ in range(10):
        assert store.count() == 1 and store.generation() == 1
    assert 1 <= len(backends()) <= POOL_SIZE
    pooled = backends()
    with psycopg.connect(pg_url, autocommit=True) as con:
        for pid in pooled:
            con.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert store.count() == 1 and store.health().kind == "ok"
    assert not set(backends()) & set(pooled)


def test_a_datasets_lock_key_is_64_bits_and_the_same_on_every_server():
    from geo.io.pgstore import _dataset_key

    keys = {_dataset_key(f"dataset-{i}") for i in range(10_000)}
    assert len(keys) == 10_000
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert max(abs(k) for k in keys) > 2**40  # not a 32-bit key
    assert _dataset_key("acled") == _dataset_key("acled")


# --- a check and its confirm: the store must not change in between ------------------------


def test_a_confirm_after_another_sessions_import_is_refused_and_nothing_is_written(store):
    """Two sessions on one store: A checks a file, B imports into the store, A confirms.
    A's plan was made against a state that is gone: refused, saying what changed, with
    nothing written; checked again, it is stored."""
    mine, theirs = open_store(), open_store()  # two sessions' Store objects
    plan = prepare(UCDP, store=mine)
    assert plan.count("new") == plan.accepted > 0
    assert commit(prepare(ACLED, store=theirs), theirs) == 4
    generation, cached = theirs.generation(), theirs.load_events()
    with pytest.raises(StoreChangedError) as err:
        commit(plan, mine)
    assert err.value.health.kind == "changed"
    assert err.value.text("en") == (
        "Since you checked this file, another session changed the store: 4 events were "
        "imported into dataset acled. Nothing was stored: check the file again, then store it."
    )
    assert err.value.text("fr") == (
        "Depuis que vous avez vérifié ce fichier, une autre session a modifié la base : "
        "4 événements ont été importés dans le jeu acled. Rien n'a été enregistré : "
        "vérifiez à nouveau le fichier, puis enregistrez-le."
    )
    assert "4 events were imported into dataset acled" in str(err.value)  # the command line
    fresh = open_store()
    assert fresh.generation() == generation
    assert [d.name for d in fresh.datasets()] == ["acled"]
    pd.testing.assert_frame_equal(fresh._load_sql(None)[1], cached)
    pd.testing.assert_frame_equal(fresh.load_events(), cached)  # the read cache too
    again = prepare(UCDP, store=mine)
    assert commit(again, mine) == again.accepted
    assert {d.name for d in open_store().datasets()} == {"acled", "ucdp"}


def test_a_plan_made_stale_by_the_same_file_imported_elsewhere_is_refused(store):
    """The brief's case: both check the same file; B stores it first. A's plan still says
    "4 new": storing it would report four new events that are not."""
    mine, theirs = open_store(), open_store()
    plan = prepare(ACLED, store=mine)
    assert plan.count("new") == 4
    commit(prepare(ACLED, store=theirs), theirs)
    with pytest.raises(StoreChangedError):
        commit(plan, mine)
    assert prepare(ACLED, store=mine).to_write.empty  # checked again: nothing to store


def test_a_confirm_without_interference_stores_whoever_reads_meanwhile(store):
    mine, reader = open_store(), open_store()
    commit(prepare(UCDP, store=mine), mine)
    plan = prepare(ACLED, store=mine)
    assert len(reader.load_events()) > 0 and reader.datasets() and reader.versions().size
    assert reader.counts_per_unit().sum() >= 0  # reading changes nothing
    assert commit(plan, open_store()) == 4  # another Store object of the same store
    assert {d.name for d in open_store().datasets()} == {"acled", "ucdp"}


def test_the_refusal_lists_each_change_and_counts_those_no_longer_listed(store):
    mine, theirs = open_store(), open_store()
    plan = prepare(UCDP, store=mine)
    commit(prepare(ACLED, store=theirs), theirs)
    theirs.delete_events("acled", [theirs.versions().index[0]])
    theirs.remove("acled")
    with pytest.raises(StoreChangedError) as err:
        commit(plan, mine)
    assert err.value.summary("en") == (
        "4 events were imported into dataset acled; 1 event of dataset acled was deleted; "
        "dataset acled was removed (3 events)"
    )
    # The list keeps the latest changes only: older ones are counted.
    with open_store().connect(write=True) as con:
        con.execute("DELETE FROM meta WHERE key = 'changes'")
    with pytest.raises(StoreChangedError) as err:
        commit(plan, mine)
    assert err.value.summary("en") == "3 other changes were made"
    assert err.value.summary("fr") == "3 autres modifications ont été faites"
    assert open_store().count() == 0


def test_the_store_lists_only_its_latest_changes(store, monkeypatch):
    import geo.io.store as base

    monkeypatch.setattr(base, "CHANGES_KEPT", 3)
    plan = prepare(ACLED, store=store)
    for n in range(5):
        open_store().write(_events(store, {f"l:{n}": (1.0, 13.0)}, f"d{n}"), _info(f"d{n}"))
    with pytest.raises(StoreChangedError) as err:
        commit(plan, store)
    assert [c.dataset for c in err.value.changes] == ["d2", "d3", "d4"]
    assert all(c.at.endswith("+00:00") for c in err.value.changes)  # when, in UTC
    assert err.value.summary("en") == (
        "1 event was imported into dataset d2; 1 event was imported into dataset d3; "
        "1 event was imported into dataset d4; 2 other changes were made"
    )


def test_a_store_replaced_since_the_check_is_said_to_be_replaced():
    from geo.io.store import Change

    err = StoreChangedError("store", (5, "a"), (5, "b"), ())
    assert err.replaced and err.text("en").startswith(
        "Since you checked this file, the store was replaced (repaired, restored"
    )
    assert err.text("fr").startswith("Depuis que vous avez vérifié ce fichier, la base a été")
    listed = StoreChangedError("store", (1, "a"), (4, "d"), (Change(3, "import", "x", 2),))
    assert listed.summary("en") == (
        "2 events were imported into dataset x; 2 other changes were made"
    )


# --- a removal confirmed on what was shown: the dataset must not change in between ---------

NUMERIC = FIX / "acled_numeric_bom.csv"  # 5 accepted events, other ids than ACLED's


def test_a_removal_after_another_sessions_import_into_the_dataset_is_refused(store):
    """Two sessions on one store: A looks at the datasets (acled, 4 events), B imports 5
    more events into acled, A confirms removing what it saw. Refused, saying what changed,
    with nothing removed (the read cache neither); looked at again, it is removed."""
    mine, theirs = open_store(), open_store()  # two sessions' Store objects
    commit(prepare(ACLED, store=mine), mine)
    state, [seen] = mine.state_and_datasets()
    assert seen.name == "acled" and seen.count == 4
    assert commit(prepare(NUMERIC, store=theirs), theirs) == 5  # into acled as well
    generation, cached = theirs.generation(), theirs.load_events()
    with pytest.raises(StoreChangedError) as err:
        mine.remove("acled", expected=state, seen=seen)
    assert err.value.health.kind == "changed" and err.value.action == "remove"
    assert err.value.text("en") == (
        "Since the list of datasets was shown, another session changed the store: 5 events "
        "were imported into dataset acled. Nothing was removed: look at dataset acled in the "
        "list again, then remove it if you still want to."
    )
    assert err.value.text("fr") == (
        "Depuis l'affichage de la liste des jeux de données, une autre session a modifié la "
        "base : 5 événements ont été importés dans le jeu acled. Rien n'a été supprimé : "
        "regardez à nouveau le jeu acled dans la liste, puis supprimez-le si vous le "
        "souhaitez toujours."
    )
    fresh = open_store()
    assert fresh.generation() == generation
    assert [(d.name, d.count) for d in fresh.datasets()] == [("acled", 9)]
    pd.testing.assert_frame_equal(fresh._load_sql(None)[1], cached)
    pd.testing.assert_frame_equal(fresh.load_events(), cached)  # the read cache too
    state, [seen] = mine.state_and_datasets()  # the list shown again
    assert mine.remove("acled", expected=state, seen=seen) == 9
    assert open_store().datasets() == [] and open_store().count() == 0


def test_a_removal_without_interference_removes_whoever_reads_meanwhile(store):
    mine, reader = open_store(), open_store()
    commit(prepare(ACLED, store=mine), mine)
    state, [seen] = mine.state_and_datasets()
    assert len(reader.load_events()) == 4 and reader.datasets() and reader.versions().size
    assert open_store().remove("acled", expected=state, seen=seen) == 4  # another Store object
    assert open_store().count() == 0 and open_store().datasets() == []


def test_a_removal_is_refused_when_the_dataset_changed_and_only_then(store):
    """Another dataset's import alone leaves the dataset as it was seen: removed. Its
    events taken by another dataset, some deleted, the dataset removed and imported again,
    or the store changed more than it lists: refused, nothing removed."""
    mine, theirs = open_store(), open_store()
    commit(prepare(ACLED, store=mine), mine)
    commit(prepare(NUMERIC, store=mine, dataset="numeric"), mine)
    state, seen = mine.state_and_datasets()
    acled = {d.name: d for d in seen}["acled"]
    ucdp = commit(prepare(UCDP, store=theirs), theirs)  # another dataset: acled is as seen
    assert mine.remove("numeric", expected=state, seen={d.name: d for d in seen}["numeric"]) == 5
    # The same file under another name takes acled's events: the change names "copy" only.
    commit(prepare(ACLED, store=theirs, dataset="copy"), theirs)
    with pytest.raises(StoreChangedError) as err:
        mine.remove("acled", expected=state, seen=acled)
    assert "4 events were imported into dataset copy" in err.value.text("en")
    assert {d.name for d in open_store().datasets()} == {"copy", "ucdp"}  # acled emptied
    assert open_store().count() == 4 + ucdp

    commit(prepare(ACLED, store=theirs), theirs)  # back into acled
    state, seen = mine.state_and_datasets()
    acled = {d.name: d for d in seen}["acled"]
    theirs.delete_events("acled", ["acled:MLI5001"])
    with pytest.raises(StoreChangedError) as err:
        mine.remove("acled", expected=state, seen=acled)
    assert err.value.summary("en") == "1 event of dataset acled was deleted"
    assert {d.name: d.count for d in open_store().datasets()}["acled"] == 3

    state, seen = mine.state_and_datasets()
    acled = {d.name: d for d in seen}["acled"]
    commit(prepare(NUMERIC, store=theirs, dataset="other"), theirs)
    with open_store().connect(write=True) as con:  # a change the list no longer holds
        con.execute("DELETE FROM meta WHERE key = 'changes'")
    with pytest.raises(StoreChangedError) as err:
        mine.remove("acled", expected=state, seen=acled)
    assert err.value.summary("en") == "1 other change was made"
    # Without the dataset as seen, any change of the store refuses the removal.
    state = mine.state_and_datasets()[0]
    commit(prepare(NUMERIC, store=theirs, dataset="more"), theirs)
    with pytest.raises(StoreChangedError):
        mine.remove("acled", expected=state)
    assert {d.name: d.count for d in open_store().datasets()}["acled"] == 3
    assert mine.remove("acled") == 3  # the command line's removal: not bound to a state


def test_a_removal_of_a_replaced_store_is_said_to_be_replaced():
    err = StoreChangedError("store", (5, "a"), (5, "b"), (), "remove", "acled")
    assert err.replaced and err.text("en") == (
        "Since the list of datasets was shown, the store was replaced (repaired, restored "
        "from a copy or started anew). Nothing was removed: look at dataset acled in the "
        "list again, then remove it if you still want to."
    )
    assert err.text("fr").startswith(
        "Depuis l'affichage de la liste des jeux de données, la base a été remplacée"
    )


def test_a_deletion_bound_to_a_state_is_refused_after_another_sessions_change(store):
    mine, theirs = open_store(), open_store()
    commit(prepare(ACLED, store=mine), mine)
    state = mine.state_and_versions()[0]
    commit(prepare(NUMERIC, store=theirs, dataset="other"), theirs)
    with pytest.raises(StoreChangedError) as err:
        mine.delete_events("acled", ["acled:MLI5001"], expected=state)
    assert err.value.text("en") == (
        "Since the events of dataset acled to delete were listed, another session changed "
        "the store: 5 events were imported into dataset other. Nothing was deleted."
    )
    assert err.value.text("fr") == (
        "Depuis que les événements du jeu acled à supprimer ont été listés, une autre "
        "session a modifié la base : 5 événements ont été importés dans le jeu other. "
        "Rien n'a été supprimé."
    )
    assert "acled:MLI5001" in open_store().versions().index
    state = mine.state_and_versions()[0]
    assert mine.delete_events("acled", ["acled:MLI5001"], expected=state) == 1


def test_the_command_line_removal_waits_for_the_import_lock(store, capsys):
    """`remove` on the command line takes the store's import lock: while another import,
    update or removal holds it, it says so, waits, and removes once it is released."""
    from geo.io import cli

    commit(prepare(ACLED, store=store), store)
    done: list[int] = []
    with open_store().import_lock():
        remover = threading.Thread(target=lambda: done.append(cli.main(["remove", "acled"])))
        remover.start()
        remover.join(timeout=3)
        assert remover.is_alive() and not done  # waiting its turn
        assert open_store().count() == 4
    remover.join(timeout=60)
    assert done == [0] and open_store().count() == 0
    said = capsys.readouterr()
    assert "another import or removal is running" in said.err
    assert "removed 4 events of acled" in said.out


# --- the schema of a store created by an earlier release ---------------------------------


def _unit_index(pg_url: str) -> list[str]:
    import psycopg

    with psycopg.connect(pg_url) as con:
        return [
            r[0]
            for r in con.execute(
                "SELECT indexdef FROM pg_indexes "
                "WHERE tablename = 'events' AND indexname = 'events_admin1'"
            )
        ]


def _schema_version(pg_url: str) -> str | None:
    import psycopg

    with psycopg.connect(pg_url) as con:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row[0] if row else None


def _as_an_earlier_release_left_it(pg_url: str) -> None:
    """The store as a release before the unit index created it, and this process not
    having opened it yet."""
    import psycopg

    from geo.io.pgstore import _Migrations

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP INDEX events_admin1")
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
    _Migrations.done.discard(pg_url)
    _Migrations.tried.discard(pg_url)


def test_a_store_without_the_unit_index_gets_it_when_opened_and_twice_is_harmless(pg_url, tmp_path):
    from geo.io.pgstore import PG_SCHEMA_VERSION, PgStore, _Migrations

    created = PgStore(pg_url, tmp_path)
    created.write(_events(created, {"m:1": (1.0, 13.0)}, "old"), _info("old"))
    assert _unit_index(pg_url) and _schema_version(pg_url) == str(PG_SCHEMA_VERSION)  # new
    _as_an_earlier_release_left_it(pg_url)
    assert not _unit_index(pg_url) and _schema_version(pg_url) is None
    assert PgStore(pg_url, tmp_path).count() == 1  # opened (to read)
    [index] = _unit_index(pg_url)
    assert "(admin1_id)" in index and _schema_version(pg_url) == str(PG_SCHEMA_VERSION)
    # Opened again, by this process and by another one (a second server): nothing changes.
    for written, forget in ((1, False), (2, True)):
        if forget:
            _Migrations.done.discard(pg_url)
            _Migrations.tried.discard(pg_url)
        store = PgStore(pg_url, tmp_path)
        assert store.count() == written and store.health().kind == "ok"
        store.write(_events(store, {f"m:{written + 1}": (1.0, 13.0)}, "old"), _info("old"))
        assert _unit_index(pg_url) == [index]
        assert _schema_version(pg_url) == str(PG_SCHEMA_VERSION)
    assert PgStore(pg_url, tmp_path).count() == 3


def test_a_reader_opening_an_old_store_never_fails_or_waits_for_the_index(pg_url, tmp_path):
    """A role that may only read cannot build the index: it reads as before, and the
    owner's next opening builds it. A reader does not wait behind a running import for
    it either: the next write's opening builds it, after that import."""
    import psycopg

    from geo.io.pgstore import PgStore

    owner = PgStore(pg_url, tmp_path / "a")
    owner.write(_events(owner, {"r:1": (1.0, 13.0)}, "old"), _info("old"))
    _as_an_earlier_release_left_it(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP ROLE IF EXISTS atlas_reader")
        con.execute("CREATE ROLE atlas_reader LOGIN")
        con.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO atlas_reader")
    reader_url = pg_url.replace("postgres@", "atlas_reader@")
    assert len(PgStore(reader_url, tmp_path / "b").load_events()) == 1
    assert not _unit_index(pg_url)
    with psycopg.connect(pg_url) as importing:  # an import under way holds the table
        importing.execute("LOCK TABLE events IN ROW EXCLUSIVE MODE")
        counted: list[int] = []
        reader = threading.Thread(
            target=lambda: counted.append(PgStore(pg_url, tmp_path / "c").count())
        )
        reader.start()
        reader.join(timeout=10)
        waited = reader.is_alive()
        importing.rollback()  # (the import ends: a reader left waiting goes on)
        reader.join(timeout=30)
        assert not waited, "a reader waited for a running import to build the index"
        assert counted == [1] and not _unit_index(pg_url)
    writer = PgStore(pg_url, tmp_path / "c")
    writer.write(_events(writer, {"r:2": (2.0, 13.0)}, "old"), _info("old"))
    assert len(_unit_index(pg_url)) == 1
