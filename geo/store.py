"""The local store of imported events: one SQLite database in the user's data directory.

Why SQLite: it is in the standard library, a real embedded database with atomic
transactions (an import killed halfway leaves the previous state: one transaction per
import, write-ahead log) and indexes for date / country / dataset. Reading a million rows
back from it takes about ten seconds, so the dashboard reads a derived Arrow snapshot of
the whole store instead (:mod:`geo.snapshot`), which each import or removal brings up to
date after its commit. The files live in ``$SAHEL_ATLAS_DATA_DIR`` or else the platform's
user data directory (``$XDG_DATA_HOME/sahel-atlas``, by default
``~/.local/share/sahel-atlas``), never inside the repository.

Events are stored in the model of :mod:`geo.events` (dates as days since 1970-01-01,
sources joined by spaces) plus ``timestamp`` (the source's last-change time in seconds,
0 if none) and ``row_hash`` (a content hash deciding whether a re-imported row changed).
Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from geo import snapshot
from geo.events import MODEL_COLUMNS, _typed, empty_events
from geo.paths import REPO_ROOT

DATA_DIR_ENV = "SAHEL_ATLAS_DATA_DIR"
DB_NAME = "events.sqlite3"
SCHEMA_VERSION = 1
WRITE_BATCH = 5_000
DATASET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
RESERVED_DATASETS = ("curated",)

_TEXT = ("id", "dataset", "date_precision", "category", "subtype", "layer", "country_iso3",
         "admin1_id", "admin1_name", "location", "actors", "summary", "sources")
SNAPSHOT_COLUMNS: tuple[str, ...] = (*MODEL_COLUMNS, "timestamp")
STORED_COLUMNS: tuple[str, ...] = (*SNAPSHOT_COLUMNS, "row_hash")
HASHED_COLUMNS: tuple[str, ...] = MODEL_COLUMNS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, date INTEGER NOT NULL,
    date_end INTEGER NOT NULL, date_precision TEXT NOT NULL, category TEXT NOT NULL,
    subtype TEXT NOT NULL, layer TEXT NOT NULL, country_iso3 TEXT NOT NULL,
    admin1_id TEXT NOT NULL, admin1_name TEXT NOT NULL, location TEXT NOT NULL,
    latitude REAL, longitude REAL, geo_precision INTEGER, actors TEXT NOT NULL,
    fatalities_low INTEGER, fatalities_high INTEGER, summary TEXT NOT NULL,
    sources TEXT NOT NULL, verified INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    row_hash INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_country ON events(country_iso3);
CREATE INDEX IF NOT EXISTS events_dataset ON events(dataset, date);
CREATE TABLE IF NOT EXISTS datasets (
    name TEXT PRIMARY KEY, format TEXT NOT NULL, version TEXT NOT NULL,
    accessed TEXT NOT NULL, file_name TEXT NOT NULL, imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""


def data_dir() -> Path:
    """The user data directory of the app (not created here)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser().resolve() / "sahel-atlas"


@dataclass(frozen=True)
class DatasetInfo:
    """One imported dataset: name, source format, version / access date, event count."""

    name: str
    format: str
    version: str
    accessed: str
    file_name: str
    imported_at: str
    count: int

    def attribution(self) -> str:
        return attribution(self.format, self.version, self.accessed, self.name)


ACLED_NOTICE = (
    "ACLED data: used under your own ACLED licence (https://acleddata.com/terms-of-use/), "
    "which governs these rows; Sahel Atlas does not redistribute ACLED data.")


def attribution(fmt: str, version: str, accessed: str, name: str) -> str:
    """The citation a dataset requires (ACLED: dataset and access date; UCDP: CC BY 4.0)."""
    if fmt == "acled":
        return (f"Armed Conflict Location & Event Data (ACLED), www.acleddata.com; "
                f"accessed {accessed} (dataset '{name}').")
    if fmt == "ucdp":
        return (f"UCDP Georeferenced Event Dataset (GED) version {version}, Uppsala Conflict "
                "Data Program, https://ucdp.uu.se/ (CC BY 4.0); Sundberg & Melander 2013, "
                f"Journal of Peace Research 50(4) (dataset '{name}').")
    return f"Events imported by the user (dataset '{name}', file version {version})."


def row_hash(events: pd.DataFrame) -> np.ndarray:
    """A stable 63-bit content hash per event of the model (same values -> same hash)."""
    canon = pd.DataFrame(index=events.index)
    for col in HASHED_COLUMNS:
        values = events[col]
        if col in ("date", "date_end"):
            canon[col] = values.dt.strftime("%Y-%m-%d")
        elif col == "sources":
            canon[col] = values.map(" ".join)
        elif col in ("latitude", "longitude"):
            # repr() once per distinct coordinate (events share places), "" when missing.
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
            text = np.array([*(repr(float(v)) for v in distinct), ""], dtype=object)[codes]
            numbers = values.to_numpy(float)
            zero = numbers == 0  # factorize does not tell 0.0 from -0.0; repr does
            text[zero] = np.where(np.signbit(numbers[zero]), "-0.0", "0.0")
            canon[col] = text
        else:
            canon[col] = values.astype(str).replace({"<NA>": ""})
    hashed = pd.util.hash_pandas_object(canon.astype(str), index=False).to_numpy()
    return (hashed >> np.uint64(1)).astype(np.int64)


def _days(values: pd.Series) -> np.ndarray:
    return (values.to_numpy("datetime64[D]").astype(np.int64))


def _nullable(values: pd.Series) -> list:
    """Python ints and None (what sqlite3 binds) from a nullable integer column."""
    return values.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()


def _float_or_none(values: pd.Series) -> list:
    numbers = values.to_numpy(float)
    out = numbers.astype(object)  # Python floats
    out[np.isnan(numbers)] = None
    return out.tolist()


class Store:
    """The SQLite store; every write is one transaction."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else data_dir()
        self.path = self.directory / DB_NAME

    # --- connection -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def _check_location(self) -> None:
        try:
            self.directory.resolve().relative_to(REPO_ROOT)
        except ValueError:
            return
        raise ValueError(f"refusing to keep the event store inside the repository "
                         f"({self.directory}); set {DATA_DIR_ENV} to another directory")

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write:
            self._check_location()
            self.directory.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            if write:
                con.executescript(_SCHEMA)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            yield con
        finally:
            con.close()

    # --- reading ----------------------------------------------------------------------
    def stamp(self) -> str:
        """Changes whenever the stored events change (a cache key)."""
        generation = self.generation()
        return "none" if generation is None else f"{self.path}:{generation}"

    def datasets(self) -> list[DatasetInfo]:
        """The imported datasets with their event counts.

        Counts come from the snapshot of the current generation when there is one:
        counting a million rows in SQLite reads its whole dataset index from disk (over a
        second on a dashboard's first view), the mapped snapshot column takes milliseconds.
        """
        if not self.exists():
            return []
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                generation = _generation(con)
                rows = con.execute("SELECT name, format, version, accessed, file_name, "
                                   "imported_at FROM datasets ORDER BY name").fetchall()
                counts = (snapshot.value_counts(self.directory, generation, "dataset")
                          if generation is not None else None)
                if counts is None:
                    counts = dict(con.execute(
                        "SELECT dataset, count(*) FROM events GROUP BY dataset").fetchall())
            except sqlite3.OperationalError:
                return []
            finally:
                con.execute("COMMIT")
        return [DatasetInfo(*row, count=int(counts.get(row[0], 0))) for row in rows]

    def count(self) -> int:
        return sum(d.count for d in self.datasets())

    def versions(self) -> pd.DataFrame:
        """``id`` -> ``timestamp``, ``row_hash``, ``dataset`` of every stored event."""
        if not self.exists():
            return pd.DataFrame({"timestamp": [], "row_hash": [], "dataset": []},
                                index=pd.Index([], name="id"))
        with self.connect() as con:
            rows = con.execute("SELECT id, timestamp, row_hash, dataset FROM events").fetchall()
        frame = pd.DataFrame(rows, columns=["id", "timestamp", "row_hash", "dataset"])
        return frame.set_index("id")

    def load_events(self, datasets: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Stored events in the model's columns (``MODEL_COLUMNS``) plus ``timestamp``.

        The whole store is read from its snapshot (:mod:`geo.snapshot`) when the snapshot
        of the current generation exists, else from SQLite (and the snapshot is written).
        """
        if not self.exists():
            return _empty_stored()
        if datasets is None:
            generation = self.generation()
            if generation is not None:
                cached = snapshot.read(self.directory, generation, SNAPSHOT_COLUMNS)
                if cached is not None:
                    return cached
        generation, events = self._load_sql(datasets)
        if datasets is None and generation is not None:
            snapshot.write(self.directory, generation, events)
        return events

    def generation(self) -> int | None:
        """The store's change counter (None when there is no store)."""
        if not self.exists():
            return None
        with self.connect() as con:
            return _generation(con)

    def _load_sql(self, datasets: tuple[str, ...] | None) -> tuple[int | None, pd.DataFrame]:
        """The generation and the events, read in one transaction (so they match)."""
        cols = ", ".join(SNAPSHOT_COLUMNS)
        sql = f"SELECT {cols} FROM events"
        params: tuple = ()
        if datasets is not None:
            sql += f" WHERE dataset IN ({', '.join('?' * len(datasets))})"
            params = tuple(datasets)
        generation = None
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                generation = _generation(con)
                rows = con.execute(sql + " ORDER BY date, id", params).fetchall()
            except sqlite3.OperationalError:
                rows = []
            finally:
                con.execute("COMMIT")
        raw = pd.DataFrame.from_records(rows, columns=list(SNAPSHOT_COLUMNS),
                                        coerce_float=True)
        return generation, from_rows(raw)

    # --- writing ----------------------------------------------------------------------
    def write(self, events: pd.DataFrame, info: DatasetInfo,
              progress: Callable[[float, str], None] | None = None) -> int:
        """Insert or replace ``events`` (model + ``timestamp`` + ``row_hash``) and record
        the dataset, all in one transaction. Returns the number of rows written."""
        self._check_location()
        if not DATASET_NAME_RE.match(info.name) or info.name in RESERVED_DATASETS:
            raise ValueError(f"invalid dataset name {info.name!r}")
        records = to_rows(events)
        placeholders = ", ".join("?" * len(STORED_COLUMNS))
        updates = ", ".join(f"{c}=excluded.{c}" for c in STORED_COLUMNS if c != "id")
        sql = (f"INSERT INTO events ({', '.join(STORED_COLUMNS)}) VALUES ({placeholders}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}")
        with self.connect(write=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                before = _generation(con) or 0
                total = len(records)
                for start in range(0, total, WRITE_BATCH):
                    con.executemany(sql, records[start:start + WRITE_BATCH])
                    if progress:
                        progress(min(start + WRITE_BATCH, total) / max(total, 1), "writing")
                con.execute(
                    "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO "
                    "UPDATE SET format=excluded.format, version=excluded.version, "
                    "accessed=excluded.accessed, file_name=excluded.file_name, "
                    "imported_at=excluded.imported_at",
                    (info.name, info.format, info.version, info.accessed, info.file_name,
                     info.imported_at or datetime.now(UTC).isoformat(timespec="seconds")))
                # Event ids are unique across datasets: a dataset whose events have all
                # moved here (the same export under another name) is left empty; drop it.
                con.execute("DELETE FROM datasets WHERE name != ? AND NOT EXISTS "
                            "(SELECT 1 FROM events WHERE events.dataset = datasets.name)",
                            (info.name,))
                if total:
                    self._bump(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        if total:
            self._carry_snapshot_safely(before, records=records)
        return len(records)

    def remove(self, name: str) -> int:
        """Delete a dataset and its events; returns the number of events removed."""
        if not self.exists():
            return 0
        with self.connect(write=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                before = _generation(con) or 0
                removed = con.execute("DELETE FROM events WHERE dataset=?", (name,)).rowcount
                known = con.execute("DELETE FROM datasets WHERE name=?", (name,)).rowcount
                if removed or known:
                    self._bump(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        if removed or known:
            self._carry_snapshot_safely(before, removed_dataset=name)
        return removed

    def _carry_snapshot_safely(self, before: int, records: list[tuple] | None = None,
                               removed_dataset: str | None = None) -> None:
        """The change is committed: a failure to derive the read cache must not look like
        a failed import. Without a snapshot the next full read rebuilds it from SQLite."""
        try:
            self._carry_snapshot(before, records, removed_dataset)
        except Exception:  # noqa: BLE001 - a cache, never the data
            snapshot.path_for(self.directory, before + 1).unlink(missing_ok=True)

    def _carry_snapshot(self, before: int, records: list[tuple] | None = None,
                        removed_dataset: str | None = None) -> None:
        """After a committed change (generation ``before`` -> ``before + 1``): derive the
        new snapshot from the previous one minus the replaced or removed events plus the
        written ``records``, so the next dashboard start reads it instead of rebuilding it
        from SQLite. Without a previous snapshot nothing is written (the next full read
        rebuilds it)."""
        if before == 0:  # a store that never held events
            previous = None
        else:
            previous = snapshot.read(self.directory, before, SNAPSHOT_COLUMNS)
            if previous is None:
                return
        parts = []
        if records:
            raw = pd.DataFrame.from_records(records, columns=list(STORED_COLUMNS),
                                            coerce_float=True)
            parts.append(from_rows(raw.drop(columns="row_hash")))
        if previous is not None:
            keep = pd.Series(True, index=previous.index)
            if parts:  # replaced: ids written now (ids are unique, so an Index lookup)
                keep &= pd.Index(parts[0]["id"]).get_indexer(previous["id"]) < 0
            if removed_dataset is not None:
                keep &= previous["dataset"] != removed_dataset
            parts.insert(0, previous[keep])
        if not parts:
            events = _empty_stored()
        else:
            events = pd.concat(parts, ignore_index=True).sort_values(
                ["date", "id"], kind="stable", ignore_index=True)
        snapshot.write(self.directory, before + 1, events)

    @staticmethod
    def _bump(con: sqlite3.Connection) -> None:
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                    "WHERE key='generation'")


def _empty_stored() -> pd.DataFrame:
    """No events, in the columns and dtypes of :meth:`Store.load_events`."""
    out = empty_events()
    out["timestamp"] = pd.Series([], dtype="int64")
    return out


def _generation(con: sqlite3.Connection) -> int | None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    except sqlite3.OperationalError:  # a file without our schema yet
        return None
    return int(row[0]) if row else 0


def to_rows(events: pd.DataFrame) -> list[tuple]:
    """Model rows (+ timestamp, row_hash) as tuples in :data:`STORED_COLUMNS` order."""
    n = len(events)
    cols: dict[str, list] = {}
    for col in _TEXT:
        if col == "sources":
            cols[col] = [" ".join(s) for s in events[col]]
        else:
            cols[col] = events[col].astype(str).tolist()
    cols["date"] = _days(events["date"]).tolist()
    cols["date_end"] = _days(events["date_end"]).tolist()
    cols["latitude"] = _float_or_none(events["latitude"])
    cols["longitude"] = _float_or_none(events["longitude"])
    for col in ("geo_precision", "fatalities_low", "fatalities_high"):
        cols[col] = _nullable(events[col])
    cols["verified"] = events["verified"].astype(int).tolist()
    cols["timestamp"] = events["timestamp"].astype("int64").tolist() if n else []
    cols["row_hash"] = events["row_hash"].astype("int64").tolist() if n else []
    return list(zip(*(cols[c] for c in STORED_COLUMNS), strict=True))


def from_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """Stored rows (as read from SQLite) -> the event model plus ``timestamp``."""
    out = raw.copy()
    epoch = np.datetime64("1970-01-01", "D")
    for col in ("date", "date_end"):
        days = out[col].to_numpy(dtype="int64") if len(out) else np.array([], "int64")
        out[col] = (epoch + days.astype("timedelta64[D]")).astype("datetime64[ns]")
    out["sources"] = [tuple(s.split()) for s in out["sources"]]
    out["verified"] = out["verified"].astype(bool)
    for col in ("latitude", "longitude"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    timestamp = out["timestamp"].astype("int64")
    typed = _typed(out)
    typed["timestamp"] = timestamp.to_numpy()
    return typed
