"""geo.model.frames.join_chunks: one chunk per Arrow-backed column, nothing else changed."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.model.frames import join_chunks
from geo.ui.events import event_row


def chunks(series: pd.Series) -> int:
    return series.array.__arrow_array__().num_chunks


def two_parts() -> pd.DataFrame:
    a = pd.DataFrame(
        {
            "id": pd.Series(["a", None], dtype="str"),
            "n": [1, 2],
            "k": pd.Series([1, None], dtype="Int64"),
            "t": pd.array(["x", "y"], dtype="string[pyarrow]"),
        }
    )
    b = pd.DataFrame(
        {
            "id": pd.Series(["c"], dtype="str"),
            "n": [3],
            "k": pd.Series([3], dtype="Int64"),
            "t": pd.array(["z"], dtype="string[pyarrow]"),
        }
    )
    return pd.concat([a, b], ignore_index=True)


def test_join_chunks_leaves_one_chunk_and_the_same_values_and_dtypes() -> None:
    frame = two_parts()
    before = frame.copy()
    assert chunks(frame["id"]) == 2
    join_chunks(frame)
    assert chunks(frame["id"]) == 1 and chunks(frame["t"]) == 1
    pd.testing.assert_frame_equal(frame, before)


def test_event_row_reads_one_row_in_place_and_names_a_missing_id() -> None:
    frame = two_parts()
    assert event_row(frame, "c")["n"] == 3
    with pytest.raises(KeyError):
        event_row(frame, "missing")
