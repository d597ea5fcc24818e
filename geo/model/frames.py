"""Frame housekeeping that keeps large event frames fast and small.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def join_chunks(frame: pd.DataFrame) -> None:
    """Put each Arrow-backed column of ``frame`` in one contiguous chunk, in place (for a
    frame the caller owns, such as a fresh ``pd.concat``).

    Why: ``pd.concat`` of Arrow-backed frames keeps each column as several chunks, and
    pyarrow then joins the chunks of a column on every row selection: selecting one event
    of a million copied every text column (about 0.25 s and 350 MB, kept by the allocator)
    each time. Columns are replaced one at a time, each old column freed as its copy comes,
    so the extra memory is about one column's.
    """
    for name in frame.columns:
        array = frame[name].array
        if not isinstance(array, pd.arrays.ArrowExtensionArray):
            continue  # numpy-backed: one block already
        chunked = array.__arrow_array__()  # the column's own chunks, not a copy
        if chunked.num_chunks <= 1:
            continue
        values = pa.chunked_array([chunked.combine_chunks()], type=chunked.type)
        if isinstance(array, pd.arrays.ArrowStringArray):
            joined = pd.arrays.ArrowStringArray(values, dtype=array.dtype)
        else:
            joined = pd.arrays.ArrowExtensionArray(values)
        if joined.dtype != array.dtype:  # pragma: no cover - a pandas that builds otherwise
            continue
        del array, chunked
        frame[name] = pd.Series(joined, index=frame.index, name=name)
