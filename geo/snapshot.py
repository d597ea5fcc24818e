"""A derived read cache of the event store: one Arrow IPC file per store generation.

SQLite (:mod:`geo.store`) stays the only source of truth, but rebuilding a million events
row by row from it takes about ten seconds. The snapshot holds the same frame (the event
model plus ``timestamp``, sorted by date and id) in Arrow's own columnar format,
uncompressed, and reads it memory-mapped: the text columns become pandas strings without
a copy, so a restarted dashboard has its million events in well under a second, and the
pages of a column nobody looks at (the summaries) are not even read from disk. The price
is disk space: the file is about as large as the SQLite database. Only ``sources`` is
dictionary-encoded, because the model holds it as a tuple per event and each distinct
tuple is then built once.

Files are named after the store generation they describe (``snapshot-<generation>.arrow``)
and written atomically (temporary file, then rename), so a reader never sees a half-written
file and a stale file is never mistaken for the current one. Any file that cannot be read
or does not have the expected columns is ignored (the caller rebuilds it from SQLite).
Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

PREFIX = "snapshot-"
SUFFIX = ".arrow"
_NAME_RE = re.compile(r"^snapshot-(\d+)\.(arrow|parquet)$")  # .parquet: older versions
_TMP_RE = re.compile(r"^\.snapshot-(\d+)\.arrow\.\d+\.\d+\.tmp$")  # left by a killed write


def path_for(directory: Path, generation: int) -> Path:
    return directory / f"{PREFIX}{generation}{SUFFIX}"


def write(directory: Path, generation: int, events: pd.DataFrame) -> Path | None:
    """Write the snapshot of ``generation``; remove the snapshots of older generations.

    ``events`` is the store's frame (:meth:`geo.store.Store.load_events`). Returns the path,
    or None when the directory is not writable (then there is simply no cache).
    """
    path = path_for(directory, generation)
    # Unique per process and thread: two dashboard sessions may rebuild it at once.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        table = _to_table(events)
        with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, path)
    except (OSError, pa.ArrowException):
        tmp.unlink(missing_ok=True)
        return None
    remove_older(directory, generation)
    return path


def read(directory: Path, generation: int, columns: tuple[str, ...]) -> pd.DataFrame | None:
    """The snapshot of ``generation`` as a frame, or None if it is missing or unusable."""
    path = path_for(directory, generation)
    try:
        # Not closed here: the frame's text columns keep using the mapped file. Files are
        # only ever replaced by rename, never rewritten in place, so the mapping stays valid.
        table = ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    except (OSError, pa.ArrowException):
        return None
    if tuple(table.column_names) != columns:
        return None
    return _to_frame(table)


def value_counts(directory: Path, generation: int, column: str) -> dict[str, int] | None:
    """Rows per value of one text column of the snapshot of ``generation`` (None if it is
    missing or unusable), counted in Arrow: no other column is converted or read."""
    try:
        table = ipc.open_file(pa.memory_map(str(path_for(directory, generation)),
                                            "r")).read_all()
        counts = table.column(column).value_counts()
    except (OSError, KeyError, pa.ArrowException):
        return None
    return {str(v["values"]): int(v["counts"]) for v in counts.to_pylist()}


def remove_older(directory: Path, generation: int) -> None:
    """Delete snapshot files of generations before ``generation`` (never a newer one that
    another process may just have written), and temporary files of older generations that
    a killed process left behind."""
    for old in [*directory.glob(f"{PREFIX}*"), *directory.glob(f".{PREFIX}*.tmp")]:
        match = _NAME_RE.match(old.name)
        tmp = _TMP_RE.match(old.name)
        if (match and (int(match.group(1)) < generation or match.group(2) != "arrow")) or (
                tmp and int(tmp.group(1)) < generation):
            try:
                old.unlink(missing_ok=True)
            except OSError:  # still mapped by a running dashboard (Windows): next time
                continue


def _to_table(events: pd.DataFrame) -> pa.Table:
    frame = events.copy(deep=False)
    frame["sources"] = [" ".join(s) for s in frame["sources"]]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [column.combine_chunks().dictionary_encode() if name == "sources" else column
               for name, column in zip(table.column_names, table.columns, strict=True)]
    return pa.table(columns, names=table.column_names).replace_schema_metadata(
        table.schema.metadata)


def _to_frame(table: pa.Table) -> pd.DataFrame:
    sources = table.column("sources").combine_chunks()
    plain = [column.cast(column.type.value_type)
             if pa.types.is_dictionary(column.type) and name != "sources" else column
             for name, column in zip(table.column_names, table.columns, strict=True)]
    frame = pa.table(plain, names=table.column_names).replace_schema_metadata(
        table.schema.metadata).to_pandas()
    # ``sources`` is a tuple per event in the model; build each distinct tuple once.
    if pa.types.is_dictionary(sources.type):
        distinct = np.empty(len(sources.dictionary), dtype=object)
        for i, text in enumerate(sources.dictionary.to_pylist()):
            distinct[i] = tuple(text.split())
        frame["sources"] = distinct[sources.indices.to_numpy(zero_copy_only=False)]
    else:
        frame["sources"] = [tuple(s.split()) for s in frame["sources"].to_numpy(dtype=object)]
    frame["sources"] = frame["sources"].astype(object)
    return frame
