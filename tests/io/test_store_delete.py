"""Store.delete_events (events a source deleted) and the update checkpoints of the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.io import snapshot
from geo.io.importers import commit, prepare
from geo.io.store import SNAPSHOT_COLUMNS, Store, open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
ACLED = FIX / "acled_labels.csv"
UCDP = FIX / "GEDEvent_v25_1_sample.csv"


@pytest.fixture()
def store(backend) -> Store:
    """Two datasets in the store of each backend in turn."""
    s = open_store()
    commit(prepare(ACLED, store=s), s)
    commit(prepare(UCDP, store=s), s)
    return s


def _from_sql(store: Store) -> pd.DataFrame:
    return store._load_sql(None)[1]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["id"]
    pd.testing.assert_frame_equal(
        a.sort_values(key, ignore_index=True), b.sort_values(key, ignore_index=True)
    )


def test_deletes_only_the_ids_of_that_dataset_and_keeps_the_cache_consistent(store):
    before = store.load_events()
    ucdp_id = before.loc[before["dataset"] == "ucdp", "id"].iloc[0]
    generation = store.generation()
    n = store.delete_events("acled", ["acled:MLI5001", "acled:NOPE", ucdp_id, "acled:MLI5001"])
    assert n == 1
    assert store.generation() == generation + 1
    # The read cache of the new generation was carried, not left to be rebuilt.
    assert snapshot.path_for(store.directory, generation + 1).exists()
    cached = snapshot.read(store.directory, generation + 1, SNAPSHOT_COLUMNS, store._state()[1])
    assert cached is not None
    after = store.load_events()
    assert "acled:MLI5001" not in set(after["id"])
    assert ucdp_id in set(after["id"])  # another dataset's id is never touched
    assert len(after) == len(before) - 1
    _same(after, _from_sql(store))
    counts = {d.name: d.count for d in store.datasets()}
    assert counts["acled"] == int((before["dataset"] == "acled").sum()) - 1


def test_nothing_to_delete_changes_nothing(store):
    stamp = store.stamp()
    assert store.delete_events("acled", []) == 0
    assert store.delete_events("acled", ["acled:NOPE"]) == 0
    assert store.delete_events("nosuch", ["acled:MLI5001"]) == 0
    assert store.stamp() == stamp


def test_an_event_published_again_after_its_deletion_is_kept(store):
    stamps = store.versions()["timestamp"]
    t = int(stamps["acled:MLI5001"])
    assert t > 0
    assert (
        store.delete_events(
            "acled",
            ["acled:MLI5001", "acled:BFA6001"],
            deleted_at=[t - 1, int(stamps["acled:BFA6001"])],
        )
        == 1
    )
    left = set(store.versions().index)
    assert "acled:MLI5001" in left and "acled:BFA6001" not in left
    assert store.delete_events("acled", ["acled:MLI5001"], deleted_at=[t]) == 1


def test_every_event_of_a_dataset_deleted_leaves_the_dataset_listed(store):
    ids = [i for i in store.versions().index if i.startswith("acled:")]
    assert store.delete_events("acled", ids) == len(ids)
    assert {d.name: d.count for d in store.datasets()}["acled"] == 0
    _same(store.load_events(), _from_sql(store))


def test_deleted_at_needs_one_time_per_id(store):
    with pytest.raises(ValueError):
        store.delete_events("acled", ["acled:MLI5001"], deleted_at=[1, 2])


def test_a_deletion_killed_before_its_commit_deletes_nothing(store):
    before = store.load_events()
    generation = store.generation()
    code = (
        "from geo.io.store import open_store; "
        "open_store().delete_events('acled', ['acled:MLI5001', 'acled:BFA6001'])"
    )
    env = {
        **os.environ,  # the backend's settings
        "SAHEL_ATLAS_FAULT": "delete:commit",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, timeout=120)
    assert result.returncode == -9  # SIGKILL at the fault point
    again = open_store()
    assert again.generation() == generation
    _same(again.load_events(), before)
    assert again.health(thorough=True).kind == "ok"


def test_checkpoints_are_kept_and_forgotten_without_changing_the_events(store):
    stamp = store.stamp()
    assert store.checkpoint("acled:acled") is None
    store.set_checkpoint("acled:acled", '{"since": 5}')
    assert open_store().checkpoint("acled:acled") == '{"since": 5}'
    store.set_checkpoint("acled:acled", '{"since": 6}')
    assert store.checkpoint("acled:acled") == '{"since": 6}'
    assert store.stamp() == stamp  # not an event: the read cache stays valid
    store.set_checkpoint("acled:acled", None)
    assert store.checkpoint("acled:acled") is None
    assert store.health(thorough=True).kind == "ok"
