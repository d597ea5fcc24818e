"""The ids accepted from earlier chunks of a file (geo.io.importers.seen)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.io.importers import seen as seen_module
from geo.io.importers.seen import SeenIds


def _ids(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_an_id_seen_in_an_earlier_chunk_gives_the_line_it_was_first_accepted_on():
    seen = SeenIds()
    seen.add(_ids(["A1", "B2", "Ségou-3"]), np.array([2, 3, 7]))
    seen.add(_ids(["C4"]), np.array([90]))
    found = seen.first_lines(_ids(["C4", "X", "Ségou-3", "a1", "A1"]))
    assert found.tolist() == [90, 0, 7, 0, 2]
    assert len(seen) == 4
    assert seen.first_lines(_ids([])).tolist() == []
    assert SeenIds().first_lines(_ids(["A1"])).tolist() == [0]


def test_ids_with_the_same_hash_are_told_apart_by_their_text(monkeypatch):
    # Every id hashes alike: only the text can tell them apart.
    monkeypatch.setattr(seen_module, "_hashes", lambda ids: np.zeros(len(ids), np.uint64))
    seen = SeenIds()
    seen.add(_ids(["first", "second"]), np.array([2, 5]))
    seen.add(_ids(["third"]), np.array([9]))
    assert seen.first_lines(_ids(["third", "second", "fourth", "first"])).tolist() == [9, 5, 0, 2]


def test_a_file_repeating_ids_across_chunks_names_the_first_line(tmp_path):
    from geo.io.importers import prepare
    from geo.io.store import Store
    from scripts.synthetic_acled import generate

    frame = generate(30, seed=5).astype(str)
    frame["notes"] = frame["notes"].str.replace("\n", " ")  # one line per row: row i on line i + 2
    frame.loc[20, "event_id_cnty"] = frame.loc[3, "event_id_cnty"]  # file line 5
    frame.loc[26, "event_id_cnty"] = frame.loc[11, "event_id_cnty"]  # file line 13
    path = tmp_path / "repeats.csv"
    frame.to_csv(path, index=False)
    plan = prepare(path, store=Store(tmp_path / "store"), chunk_rows=7)
    duplicates = [(p.row, p.text("en")) for p in plan.problems if p.column == "id"]
    assert duplicates == [
        (22, "duplicate id 'acled:NER4' (first in line 5)"),
        (28, "duplicate id 'acled:MLI12' (first in line 13)"),
    ]
    assert sorted(plan.rejected["row"]) == [22, 28]
