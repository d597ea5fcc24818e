"""A derived read cache of the event store: one Arrow IPC file per store generation.

SQLite (:mod:`geo.io.store`) stays the only source of truth, but rebuilding a million events
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
file. A generation number alone does not say which store state a file describes (a
restored backup or a store started anew reaches the same numbers with other events), nor
whether its bytes are still the ones written, so each snapshot has a manifest beside it
(``snapshot-<generation>.json``), written with it: the random token of the store state it
describes (a new one at every commit), the generation, the row count, the columns, the
file's size and SHA-256, and the store's dataset records. A snapshot is used only when its
manifest matches the file and the store (token, generation, size, rows, columns) and Arrow
validates the table; the SHA-256 of the whole file is checked when the cache is about to
become the source of truth (:func:`newest_intact`, used to repair a damaged store), not on
every dashboard start, which reads only the pages it needs.
Any file that cannot be read or does not match is ignored (the caller rebuilds it from
SQLite). Temporary files of a killed write are removed by the next write or repair.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from geo.io import faults

_log = logging.getLogger(__name__)

PREFIX = "snapshot-"
SUFFIX = ".arrow"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = 1
_NAME_RE = re.compile(r"^snapshot-(\d+)\.(arrow|parquet|json)$")  # .parquet: older versions
# Left by a killed write: .snapshot-<generation>.<arrow|json>.<pid>.<thread>.tmp
_TMP_RE = re.compile(r"^\.snapshot-(\d+)\.(?:arrow|json)\.(\d+)\.\d+\.tmp$")
# A temporary file untouched this long belongs to no running write, whatever its pid says
# (pids are reused, and another machine's or container's pid cannot be checked).
STALE_TMP_SECONDS = 3600
# Rows converted to Arrow and written at a time: the file is written batch by batch, so a
# million events are never held a second time (sorted, or as one Arrow table) beside the
# frame they come from. Writing a million imported events in a new order peaked at about
# 125 MB above the frame with batches of 65,536 rows and at about 25 MB with 16,384, in
# the same time; reading back is as fast (scripts/benchmark_import.py, 2026-12-04).
BATCH_ROWS = 16_384


@dataclass(frozen=True)
class Manifest:
    """What a snapshot file was when it was written (see the module docstring)."""

    generation: int
    state: str | None
    rows: int
    size: int
    sha256: str
    columns: tuple[str, ...]
    datasets: tuple[tuple[str, ...], ...]


def path_for(directory: Path, generation: int) -> Path:
    return directory / f"{PREFIX}{generation}{SUFFIX}"


def manifest_path(directory: Path, generation: int) -> Path:
    return directory / f"{PREFIX}{generation}{MANIFEST_SUFFIX}"


def _tmp_name(path: Path) -> Path:
    # Unique per process and thread: two dashboard sessions may rebuild it at once.
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def write(
    directory: Path,
    generation: int,
    events: pd.DataFrame,
    state: str | None = None,
    datasets: tuple[tuple[str, ...], ...] = (),
    order: np.ndarray | None = None,
) -> Path | None:
    """Write the snapshot of ``generation`` and its manifest; remove older snapshots.

    ``events`` is the store's frame (:meth:`geo.io.store.Store.load_events`), ``state``
    and ``datasets`` the store's state token and dataset rows at that generation;
    ``order`` (positions in ``events``), the order in which to write its rows when it is
    not already the store's order. Rows are converted and written :data:`BATCH_ROWS` at a
    time, all batches sharing one dictionary of ``sources``. Returns the path, or None
    when the directory is not writable or full (then there is simply no cache).
    """
    path = path_for(directory, generation)
    manifest = manifest_path(directory, generation)
    tmp, tmp_manifest = _tmp_name(path), _tmp_name(manifest)
    remove_stale_temporaries(directory)
    try:
        rows = 0
        columns: list[str] = []
        with pa.OSFile(str(tmp), "wb") as sink:
            writer = None
            try:
                for table in _tables(events, order):
                    if writer is None:
                        writer = ipc.new_file(sink, table.schema)
                        faults.point("cache:open")
                        columns = table.column_names
                    writer.write_table(table)
                    rows += table.num_rows
                faults.point("cache:body")
            finally:
                if writer is not None:
                    writer.close()
        with tmp.open("rb") as written:
            os.fsync(written.fileno())
            digest = hashlib.file_digest(written, "sha256").hexdigest()
        faults.point("cache:tmp")
        record = {
            "format": MANIFEST_FORMAT,
            "generation": generation,
            "state": state,
            "rows": rows,
            "size": tmp.stat().st_size,
            "sha256": digest,
            "columns": columns,
            "datasets": [list(d) for d in datasets],
        }
        tmp_manifest.write_text(json.dumps(record, indent=1), encoding="utf-8")
        faults.point("cache:manifest")
        os.replace(tmp, path)
        faults.point("cache:renamed")
        os.replace(tmp_manifest, manifest)
        faults.point("cache:done")
    except (OSError, pa.ArrowException) as err:
        # The store stays right; the next read rebuilds the cache from it.
        _log.warning("could not write the read cache %s: %s", path, err)
        return None
    finally:
        tmp.unlink(missing_ok=True)
        tmp_manifest.unlink(missing_ok=True)
    remove_older(directory, generation)
    return path


def read_manifest(directory: Path, generation: int) -> Manifest | None:
    """The manifest of ``generation``'s snapshot, or None if missing or unreadable."""
    try:
        record = json.loads(manifest_path(directory, generation).read_text(encoding="utf-8"))
        if record.get("format") != MANIFEST_FORMAT or record["generation"] != generation:
            return None
        return Manifest(
            generation=int(record["generation"]),
            state=record["state"],
            rows=int(record["rows"]),
            size=int(record["size"]),
            sha256=str(record["sha256"]),
            columns=tuple(record["columns"]),
            datasets=tuple(tuple(str(v) for v in d) for d in record["datasets"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _open(
    directory: Path,
    generation: int,
    columns: tuple[str, ...] | None,
    state: str | None,
    verify: bool,
) -> tuple[Manifest, pa.Table] | None:
    """The manifest and the mapped table of a snapshot that matches them, else None."""
    manifest = read_manifest(directory, generation)
    path = path_for(directory, generation)
    if manifest is None or manifest.state != state:
        return None
    if columns is not None and manifest.columns != columns:
        return None
    try:
        if path.stat().st_size != manifest.size:
            _log.warning(
                "ignoring the read cache %s: its size is not its manifest's (it is "
                "rebuilt from the store)",
                path,
            )
            return None
        if verify:
            with path.open("rb") as data:
                if hashlib.file_digest(data, "sha256").hexdigest() != manifest.sha256:
                    _log.warning("the read cache %s does not match its checksum", path)
                    return None
        # Not closed here: the frame's text columns keep using the mapped file. Files are
        # only ever replaced by rename, never rewritten in place, so the mapping stays valid.
        table = ipc.open_file(pa.memory_map(str(path), "r")).read_all()
        table.validate()
    except FileNotFoundError:  # deleted (the README says it is safe): rebuilt, nothing to say
        return None
    except (OSError, pa.ArrowException) as err:
        _log.warning(
            "ignoring the unreadable read cache %s (it is rebuilt from the store): %s", path, err
        )
        return None
    if table.num_rows != manifest.rows or tuple(table.column_names) != manifest.columns:
        return None
    return manifest, table


def read(
    directory: Path, generation: int, columns: tuple[str, ...], state: str | None = None
) -> pd.DataFrame | None:
    """The snapshot of ``generation`` of the store state ``state`` as a frame, or None if
    it is missing, unusable or does not match its manifest or that state."""
    opened = _open(directory, generation, columns, state, verify=False)
    return None if opened is None else _to_frame(opened[1])


def value_counts(
    directory: Path, generation: int, column: str, state: str | None = None
) -> dict[str, int] | None:
    """Rows per value of one text column of the snapshot of ``generation`` (None if it is
    missing or unusable), counted in Arrow: no other column is converted or read."""
    opened = _open(directory, generation, None, state, verify=False)
    if opened is None:
        return None
    try:
        counts = opened[1].column(column).value_counts()
    except (KeyError, pa.ArrowException):
        return None
    return {str(v["values"]): int(v["counts"]) for v in counts.to_pylist()}


def generations(directory: Path) -> list[int]:
    """Generations that have a snapshot file in ``directory``, newest first."""
    found = {
        int(m.group(1))
        for p in directory.glob(f"{PREFIX}*{SUFFIX}")
        if (m := _NAME_RE.match(p.name)) and m.group(2) == "arrow"
    }
    return sorted(found, reverse=True)


def newest_intact(
    directory: Path, columns: tuple[str, ...]
) -> tuple[Manifest, pd.DataFrame] | None:
    """The newest snapshot whose every byte still matches its manifest (SHA-256, size,
    rows, columns), whatever state it describes: the candidate to rebuild a store from."""
    for generation in generations(directory):
        manifest = read_manifest(directory, generation)
        if manifest is None:
            continue
        opened = _open(directory, generation, columns, manifest.state, verify=True)
        if opened is not None:
            return opened[0], _to_frame(opened[1])
    return None


def remove_older(directory: Path, generation: int) -> None:
    """Delete snapshot files and manifests of generations before ``generation`` (never a
    newer one that another process may just have written) and temporary files of older
    generations (a write of theirs can no longer be current)."""
    for old in [*directory.glob(f"{PREFIX}*"), *directory.glob(f".{PREFIX}*.tmp")]:
        match = _NAME_RE.match(old.name)
        tmp = _TMP_RE.match(old.name)
        if (match and (int(match.group(1)) < generation or match.group(2) == "parquet")) or (
            tmp and int(tmp.group(1)) < generation
        ):
            try:
                old.unlink(missing_ok=True)
            except OSError:  # still mapped by a running dashboard (Windows): next time
                continue


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete temporary snapshot files no running write owns (its process is gone, or the
    file is untouched for an hour): a write killed halfway leaves a file as large as the
    cache. Returns the files removed."""
    removed = []
    now = time.time()
    for tmp in directory.glob(f".{PREFIX}*.tmp"):
        match = _TMP_RE.match(tmp.name)
        if not match:
            continue
        try:
            stale = (
                not _process_alive(int(match.group(2)))
                or now - tmp.stat().st_mtime > STALE_TMP_SECONDS
            )
            if stale:
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _tables(events: pd.DataFrame, order: np.ndarray | None = None) -> Iterator[pa.Table]:
    """``events`` (in ``order``) as Arrow tables of :data:`BATCH_ROWS` rows (one, empty,
    for no events), ``sources`` joined by spaces and dictionary-encoded with one
    dictionary for all of them (its values in order of first appearance)."""
    n = len(events)
    # Each distinct tuple joined once; tuples joining to the same text share a code.
    codes, tuples = pd.factorize(events["sources"].to_numpy(dtype=object))
    texts = pd.Index([" ".join(t) for t in tuples], dtype=object)
    same, distinct = pd.factorize(texts)
    codes = same[codes] if len(codes) else codes
    if order is not None:
        order = np.asarray(order, dtype=np.int64)
        codes = codes[order]
    # Renumbered in order of first appearance in the written order (as dictionary_encode
    # numbers them).
    indices, first = pd.factorize(codes)
    indices = indices.astype(np.int32)
    values = np.asarray(distinct, dtype=object)[first]
    # One Arrow table for every row, sharing the frame's Arrow text columns (no copy);
    # the ``sources`` texts are put in per batch, dictionary-encoded.
    table = pa.Table.from_pandas(events.drop(columns="sources"), preserve_index=False)
    where = list(events.columns).index("sources")
    # The schema's pandas metadata and the type of ``sources`` as a frame holding the
    # joined texts gives them (what readers expect).
    head = events.iloc[:1].copy(deep=False)
    head["sources"] = values[indices[:1]].tolist()
    schema = pa.Table.from_pandas(head, preserve_index=False).schema
    dictionary = pa.array(values, type=schema.field("sources").type)
    for start in range(0, max(n, 1), BATCH_ROWS):
        stop = min(start + BATCH_ROWS, n)
        if order is None:
            batch = table.slice(start, stop - start)
        else:
            positions = order[start:stop]
            batch = pa.table(
                [take_chunked(column, positions) for column in table.columns],
                schema=table.schema,
            )
        encoded = pa.DictionaryArray.from_arrays(
            pa.array(indices[start:stop], type=pa.int32()), dictionary
        )
        yield batch.add_column(where, "sources", encoded).replace_schema_metadata(schema.metadata)


def take_chunked(column: pa.ChunkedArray, positions: np.ndarray) -> pa.Array:
    """``column.take(positions)`` chunk by chunk. Arrow takes from a chunked array by
    concatenating its chunks first, a copy of the whole column for every batch taken (the
    columns of a large import have one chunk per chunk of the file read)."""
    if column.num_chunks <= 1:
        return (column.chunk(0) if column.num_chunks else pa.array([], column.type)).take(positions)
    bounds = np.cumsum([0, *(len(chunk) for chunk in column.chunks)])
    chunk_of = np.searchsorted(bounds, positions, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    pieces = [
        column.chunk(c).take(positions[chunk_of == c] - bounds[c]) for c in np.unique(chunk_of)
    ]
    gathered = pa.concat_arrays(pieces) if pieces else pa.array([], column.type)
    return gathered.take(np.argsort(by_chunk))  # back to the order of ``positions``


def _to_frame(table: pa.Table) -> pd.DataFrame:
    sources = table.column("sources").combine_chunks()
    # ``sources`` is left out of the conversion: pandas would make it a Categorical and
    # check its million distinct texts for uniqueness (about half of the read at 1M events),
    # only for it to be replaced below.
    names = [name for name in table.column_names if name != "sources"]
    plain = [
        column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
        for column in (table.column(name) for name in names)
    ]
    frame = pa.table(plain, names=names).replace_schema_metadata(table.schema.metadata).to_pandas()
    frame.insert(table.column_names.index("sources"), "sources", None)
    # ``sources`` is a tuple per event in the model; build each distinct tuple once.
    if pa.types.is_dictionary(sources.type):
        texts = sources.dictionary.to_pylist()
        distinct = np.fromiter(map(tuple, map(str.split, texts)), dtype=object, count=len(texts))
        frame["sources"] = distinct[sources.indices.to_numpy(zero_copy_only=False)]
    else:
        frame["sources"] = [tuple(s.split()) for s in frame["sources"].to_numpy(dtype=object)]
    frame["sources"] = frame["sources"].astype(object)
    return frame
