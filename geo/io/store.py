"""The local store of imported events: one SQLite database in the user's data directory.

Why SQLite: it is in the standard library, a real embedded database with atomic
transactions (an import killed halfway leaves the previous state: one transaction per
import, write-ahead log) and indexes for date / country / dataset. Reading a million rows
back from it takes about ten seconds, so the dashboard reads a derived Arrow snapshot of
the whole store instead (:mod:`geo.io.snapshot`), which each import or removal brings up to
date after its commit. The files live in ``$SAHEL_ATLAS_DATA_DIR`` or else the platform's
user data directory (:func:`data_dir`: ``~/.local/share/sahel-atlas`` on Linux), never
inside the repository.

Events are stored in the model of :mod:`geo.io.events` (dates as days since 1970-01-01,
sources joined by spaces) plus ``timestamp`` (the source's last-change time in seconds,
0 if none) and ``row_hash`` (a content hash deciding whether a re-imported row changed).
Nothing here imports Streamlit.

A team shares one store instead: :func:`open_store` gives the PostgreSQL/PostGIS store of
:mod:`geo.io.pgstore` when ``$SAHEL_ATLAS_DATABASE_URL`` is set. It is this class on
another connection (what differs is in a :class:`Dialect` and a few overridden methods),
so imports, updates, deletions and the read cache are one code for both.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from platformdirs import PlatformDirs, PlatformDirsABC

from geo.io import faults, placecache, snapshot
from geo.io.paths import REPO_ROOT
from geo.io.storequery import StoreQuery
from geo.model.countries import AES_MEMBERS
from geo.model.events import (
    INT_COLUMNS,
    MODEL_COLUMNS,
    TYPOLOGY_COLUMNS,
    empty_events,
    with_model_dtypes,
)

if TYPE_CHECKING:
    import geopandas as gpd

APP_NAME = "sahel-atlas"
DATA_DIR_ENV = "SAHEL_ATLAS_DATA_DIR"
DATABASE_URL_ENV = "SAHEL_ATLAS_DATABASE_URL"  # set: the shared store (geo/io/pgstore.py)
DB_NAME = "events.sqlite3"
SCHEMA_VERSION = 3  # 2: admin1_source_name; 3: the sources' typology (TYPOLOGY_COLUMNS)
WRITE_BATCH = 20_000  # rows turned into SQLite tuples at a time
VERSION_ROWS = 50_000  # rows of (id, timestamp, row_hash, dataset) fetched at a time
# A write of at least this many rows, more than half the store, rebuilds the secondary
# indexes at its end instead of updating them row by row (see Store.write).
BULK_ROWS = 50_000
# SQLite's page cache while writing (its default is 2 MiB). It adds to an import's peak
# memory (the plan's events are held meanwhile): 128 MiB made the write of a 1M-row ACLED
# CSV the import's peak (1.40 GB) and 32 MiB wrote it as fast (scripts/benchmark_import.py).
WRITE_CACHE_KIB = 32 * 1024
# The latest changes of the store, kept in its meta table (key "changes"), so that an
# import refused because the store changed since its check can say what changed.
CHANGES_KEPT = 50
DATASET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
RESERVED_DATASETS = ("curated",)

_TEXT = (
    "id",
    "dataset",
    "date_precision",
    "category",
    "subtype",
    "layer",
    "country_iso3",
    "admin1_id",
    "admin1_name",
    "admin1_source_name",
    "location",
    "actors",
    "summary",
    "sources",
    *(c for c in TYPOLOGY_COLUMNS if c not in INT_COLUMNS),
)
_INTEGERS = tuple(c for c in MODEL_COLUMNS if c in INT_COLUMNS)
# What a column left out of a read holds until it is dropped (see Store.matching_events).
_UNREAD: dict[str, object] = {
    "date": 0,
    "date_end": 0,
    "timestamp": 0,
    "verified": 0,
    "latitude": None,
    "longitude": None,
}
SNAPSHOT_COLUMNS: tuple[str, ...] = (*MODEL_COLUMNS, "timestamp")
STORED_COLUMNS: tuple[str, ...] = (*SNAPSHOT_COLUMNS, "row_hash")
# Columns added after the first release: a store written before has them added (empty) when
# it is next opened for writing, and is read as if they were empty until then. They are not
# hashed, so an upgrade never turns stored events into "updates" of themselves.
# (The typology columns are hashed only for a row that has any: see row_hash.)
ADDED_COLUMNS: dict[str, str] = {
    "admin1_source_name": "TEXT NOT NULL DEFAULT ''",
    **{c: "INTEGER" if c in INT_COLUMNS else "TEXT NOT NULL DEFAULT ''" for c in TYPOLOGY_COLUMNS},
}
HASHED_COLUMNS: tuple[str, ...] = tuple(c for c in MODEL_COLUMNS if c not in ADDED_COLUMNS)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, date INTEGER NOT NULL,
    date_end INTEGER NOT NULL, date_precision TEXT NOT NULL, category TEXT NOT NULL,
    subtype TEXT NOT NULL, layer TEXT NOT NULL, country_iso3 TEXT NOT NULL,
    admin1_id TEXT NOT NULL, admin1_name TEXT NOT NULL,
    admin1_source_name TEXT NOT NULL DEFAULT '', location TEXT NOT NULL,
    latitude REAL, longitude REAL, geo_precision INTEGER, actors TEXT NOT NULL,
    fatalities_low INTEGER, fatalities_high INTEGER, summary TEXT NOT NULL,
    sources TEXT NOT NULL, verified INTEGER NOT NULL,
    disorder_type TEXT NOT NULL DEFAULT '', event_type TEXT NOT NULL DEFAULT '',
    sub_event_type TEXT NOT NULL DEFAULT '', interaction_code TEXT NOT NULL DEFAULT '',
    interaction TEXT NOT NULL DEFAULT '', civilian_targeting TEXT NOT NULL DEFAULT '',
    type_of_violence TEXT NOT NULL DEFAULT '', dyad_name TEXT NOT NULL DEFAULT '',
    dyad_id TEXT NOT NULL DEFAULT '', fatalities_best INTEGER,
    timestamp INTEGER NOT NULL, row_hash INTEGER NOT NULL
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
# The secondary indexes of the events table (as in _SCHEMA).
_INDEXES = (
    ("events_date", "date"),
    ("events_country", "country_iso3"),
    ("events_dataset", "dataset, date"),
)
# The columns of our tables: a database with other tables is another program's file.
_TABLES = {
    "events": STORED_COLUMNS,
    "datasets": ("name", "format", "version", "accessed", "file_name", "imported_at"),
    "meta": ("key", "value"),
}
SQLITE_MAGIC = b"SQLite format 3\x00"
# Insert or replace an event (both backends' syntax).
_UPSERT = (
    f"INSERT INTO events ({', '.join(STORED_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(STORED_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c}=excluded.{c}" for c in STORED_COLUMNS if c != "id")
)


def data_dir(platform: type[PlatformDirsABC] = PlatformDirs) -> Path:
    """The user data directory of the app (not created here): ``$SAHEL_ATLAS_DATA_DIR``,
    else the system's place for it (``platform``: this system's conventions, by default):
    ``$XDG_DATA_HOME/sahel-atlas`` or ``~/.local/share/sahel-atlas`` on Linux,
    ``~/Library/Application Support/sahel-atlas`` on macOS."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platform(APP_NAME, appauthor=False).user_data_dir).expanduser().resolve()


# --- health of the store file ---------------------------------------------------------

HEALTH_KINDS = (
    "ok",
    "missing",
    "empty",
    "truncated",
    "overwritten",
    "corrupt",
    "foreign",
    "locked",
    "read-only",
    "full",
    "io-error",
    "busy",
    "importing",
    "changed",
    "unreachable",
    "server-error",
)
READABLE_KINDS = ("ok", "missing", "read-only")  # the app can show what the store holds
REPAIRABLE_KINDS = ("empty", "truncated", "overwritten", "corrupt", "foreign")


@dataclass(frozen=True)
class StoreHealth:
    """What state the store file is in, and a sentence for the user that names the file.

    ``kind`` is one of :data:`HEALTH_KINDS`; ``detail`` is SQLite's own words when it gave
    any; ``generation`` the store's change counter when it could be read.
    """

    kind: str
    path: Path | str  # the file, or the shared store's address (without its password)
    message: str
    detail: str = ""
    generation: int | None = None

    @property
    def readable(self) -> bool:
        return self.kind in READABLE_KINDS

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE_KINDS


_MESSAGES = {
    "ok": "The event store {path} is in good order.",
    "missing": "There is no event store yet ({path}); the first import creates it.",
    "empty": "The event store {path} is empty (0 bytes, or a database without tables): "
    "its events are not in it.",
    "truncated": "The event store {path} is truncated: the file is shorter than the "
    "database it holds ({detail}).",
    "overwritten": "The event store {path} is not an SQLite database (any more): its content "
    "was overwritten, or it is another program's file.",
    "corrupt": "The event store {path} is damaged: {detail}.",
    "foreign": "{path} is not a Sahel Atlas event store: {detail}.",
    "locked": "The event store {path} is locked by another program ({detail}); close it "
    "and try again.",
    "read-only": "The event store {path} cannot be written (a read-only file or "
    "folder): its events can be shown, nothing can be imported or removed.",
    "full": "The disk holding the event store {path} is full: nothing was stored.",
    "io-error": "The event store {path} could not be read or written ({detail}): the disk "
    "may be failing or disconnected; nothing was changed.",
    "busy": "Another import, update or removal of the dataset {detail} is running on the "
    "event store {path}: nothing was changed; try again when it has finished.",
    "importing": "Another import, update or removal is running on the event store {path}: "
    "nothing was changed; try again when it has finished.",
    "changed": "The event store {path} changed between the check and the storing "
    "({detail}): nothing was stored; check again.",
    "unreachable": "The shared event store {path} cannot be reached ({detail}): the "
    "database server may be down or the address wrong; nothing was changed.",
    "server-error": "The shared event store {path} refused the request ({detail}); "
    "nothing was changed.",
}


def health(
    kind: str, path: Path | str, detail: str = "", generation: int | None = None
) -> StoreHealth:
    """A :class:`StoreHealth` with its message."""
    return StoreHealth(
        kind, path, _MESSAGES[kind].format(path=path, detail=detail), detail, generation
    )


def check_store(path: Path, thorough: bool = False) -> StoreHealth:
    """The state of the store file at ``path``; never raises for a bad file.

    The default check is cheap enough for every page view (the header, SQLite's table
    list, our tables' columns, the generation): it finds empty, truncated, overwritten and
    foreign files. ``thorough`` also runs SQLite's ``quick_check`` over every page, which
    reads the whole file (for ``repair`` and the command line, not for each rerun).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return health("missing", path)
    except PermissionError as err:
        return health("read-only", path, str(err))
    except OSError as err:
        return health("io-error", path, f"the file cannot be read: {err.strerror}")
    if size == 0:
        return health("empty", path)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return health("overwritten", path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_count_valid = header[24:28] == header[92:96] and pages > 0
    if page_size < 512 or page_size & (page_size - 1):
        return health("overwritten", path)  # not a page size: the header is gone
    if (header_count_valid and size < pages * page_size) or size % page_size:
        expected = pages * page_size if header_count_valid else "a multiple of "
        return health(
            "truncated",
            path,
            f"{size:,} bytes of {expected:,} bytes"
            if header_count_valid
            else f"{size:,} bytes, not {expected}{page_size}",
        )
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error as err:
        return _health_of_error(path, err)
    try:
        tables = {
            name: tuple(c[1] for c in con.execute(f"PRAGMA table_info('{name}')"))
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            ).fetchall()
        }
        if not tables:
            return health("empty", path)
        wrong = [
            name
            for name, cols in _TABLES.items()
            if set(tables.get(name, ())) | (set(ADDED_COLUMNS) if name == "events" else set())
            != set(cols)
        ]
        if wrong:
            return health(
                "foreign", path, "an SQLite database with the tables " + ", ".join(sorted(tables))
            )
        row = con.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        generation = int(row[0]) if row else 0
        if thorough:
            problems = [r[0] for r in con.execute("PRAGMA quick_check(5)").fetchall()]
            if problems != ["ok"]:
                return health("corrupt", path, "; ".join(problems), generation)
            con.execute("SELECT count(*) FROM events").fetchone()
    except (sqlite3.Error, ValueError) as err:
        return _health_of_error(path, err)
    finally:
        con.close()
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return health("ok" if writable else "read-only", path, generation=generation)


def _health_of_error(path: Path, err: Exception) -> StoreHealth:
    """Classify what SQLite said about the file (its error name when it gives one)."""
    text = str(err)
    lowered = text.lower()
    name = getattr(err, "sqlite_errorname", "") or ""
    if "locked" in lowered or "busy" in lowered:
        return health("locked", path, text)
    if "full" in lowered or name == "SQLITE_FULL":
        return health("full", path, text)
    if name.startswith("SQLITE_IOERR") or "i/o error" in lowered:
        # A full disk often reaches SQLite as an I/O error (growing the WAL index, a
        # write through the memory map): say "full" when it is, never "damaged".
        return health("full" if _disk_free(path) < FULL_DISK_BYTES else "io-error", path, text)
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return health("read-only", path, text)
    return health("corrupt", path, text)


FULL_DISK_BYTES = 1 << 20  # less free space than this: the disk is full for SQLite


def _disk_free(path: Path) -> int:
    for folder in (path.parent, *path.parent.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return FULL_DISK_BYTES


class StoreError(Exception):
    """The store cannot do what was asked; ``health`` says why and names the file."""

    def __init__(self, state: StoreHealth) -> None:
        super().__init__(state.message)
        self.health = state


# The committed state of a store: its generation and its state token (see Store._bump).
StoreState = tuple[int, str | None]
NO_STORE: StoreState = (0, None)  # a store not created yet (its first write starts here)


@dataclass(frozen=True)
class Change:
    """One committed change of the store: ``kind`` ``import`` (events written into
    ``dataset``), ``remove`` (the dataset removed with its events) or ``delete`` (events of
    the dataset deleted), with the generation it led to and its time (ISO, UTC)."""

    generation: int
    kind: str
    dataset: str
    events: int
    at: str = ""


class StoreChangedError(StoreError):
    """A plan checked against the state ``expected`` met another state when it was to be
    stored (``action`` ``import``), or a removal (``remove``) or a deletion (``delete``)
    of dataset ``dataset`` met a store changed since its caller looked: nothing was
    written. ``changes`` are the changes made in between that the store still lists;
    ``unlisted`` how many more there were; ``replaced``: the store was replaced (repaired,
    restored, started anew) rather than changed."""

    def __init__(
        self,
        path: Path | str,
        expected: StoreState,
        found: StoreState,
        changes: tuple[Change, ...],
        action: str = "import",
        dataset: str = "",
    ) -> None:
        self.expected = expected
        self.found = found
        self.changes = changes
        self.action = action
        self.dataset = dataset
        self.replaced = found[0] <= expected[0]
        self.unlisted = 0 if self.replaced else max(found[0] - expected[0] - len(changes), 0)
        super().__init__(health("changed", path, self.summary("en")))

    def summary(self, lang: str = "en") -> str:
        """What changed, in ``lang``: ``3 events were imported into dataset acled; ...``."""
        from geo.i18n.catalogue import translate

        if self.replaced:
            return translate("store_change_replaced", lang)
        totals: dict[tuple[str, str], int] = {}
        for change in self.changes:  # one phrase per dataset and kind of change, in order
            key = (change.kind, change.dataset)
            totals[key] = totals.get(key, 0) + change.events
        parts = [
            translate(f"store_change_{kind}", lang, count=events, name=name)
            for (kind, name), events in totals.items()
        ]
        if self.unlisted:
            parts.append(translate("store_change_unlisted", lang, count=self.unlisted))
        return "; ".join(parts)

    def text(self, lang: str) -> str:
        """The refusal for the user, in ``lang`` (what was refused, what changed)."""
        from geo.i18n.catalogue import translate

        suffix = "" if self.action == "import" else f"_{self.action}"
        if self.replaced:
            return translate(f"store_replaced{suffix}", lang, name=self.dataset)
        return translate(
            f"store_changed{suffix}", lang, changes=self.summary(lang), name=self.dataset
        )


@dataclass(frozen=True)
class RepairPlan:
    """What a repair would do: ``action`` is ``none``, ``refused``, ``rebuild`` (from the
    read cache described by ``cache``, holding ``events`` events) or ``new``."""

    action: str
    health: StoreHealth
    cache: snapshot.Manifest | None = None
    events: int = 0


@dataclass(frozen=True)
class RepairResult:
    """What :meth:`Store.repair` did: ``action`` is ``none`` (nothing to repair),
    ``rebuilt`` (from the read cache), ``new`` (a new empty store) or ``refused`` (a locked
    or read-only store is not touched); ``moved`` the files kept under a new name."""

    action: str
    before: StoreHealth
    message: str
    moved: tuple[Path, ...] = field(default=())
    events: int = 0
    generation: int | None = None


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

    def attribution(self, lang: str = "en") -> str:
        return attribution(self.format, self.version, self.accessed, self.name, lang)


ACLED_NOTICE = (
    "ACLED data: used under your own ACLED licence (https://acleddata.com/terms-of-use/), "
    "which governs these rows; Sahel Atlas does not redistribute ACLED data."
)


def attribution(fmt: str, version: str, accessed: str, name: str, lang: str = "en") -> str:
    """The citation a dataset requires (ACLED: dataset and access date; UCDP: CC BY 4.0), in
    ``lang``, the access date in the reader's format (an unparseable one as it is)."""
    from geo.i18n.catalogue import format_day, translate

    if fmt == "acled":
        try:
            day = format_day(datetime.strptime(accessed, "%Y-%m-%d").date(), lang)
        except ValueError:
            day = accessed
        return translate("exp_acled", lang, accessed=day, name=name)
    if fmt == "ucdp":
        return translate("exp_ucdp", lang, version=version, name=name)
    return translate("exp_user_dataset", lang, version=version, name=name)


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
    # The sources' typology counts only for a row that has some: an event without it
    # (curated, or stored before schema 3) keeps the hash it had, so an upgrade never
    # turns stored events into updates of themselves, while re-importing an export that
    # carries the typology updates the rows stored without it.
    present = [c for c in TYPOLOGY_COLUMNS if c in events.columns]
    if present:
        typo = pd.DataFrame(
            {c: events[c].astype("string").fillna("").to_numpy() for c in present},
            index=events.index,
        )
        some = (typo != "").any(axis=1).to_numpy()
        if some.any():
            extra = pd.util.hash_pandas_object(typo[some], index=False).to_numpy()
            both = pd.DataFrame({"a": hashed[some], "b": extra})
            hashed = hashed.copy()
            hashed[some] = pd.util.hash_pandas_object(both, index=False).to_numpy()
    return (hashed >> np.uint64(1)).astype(np.int64)


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[D]").astype(np.int64)


def _nullable(values: pd.Series) -> list:
    """Python ints and None (what sqlite3 binds) from a nullable integer column."""
    return values.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()


def _float_or_none(values: pd.Series) -> list:
    numbers = values.to_numpy(float)
    out = numbers.astype(object)  # Python floats
    out[np.isnan(numbers)] = None
    return out.tolist()


class Connection(Protocol):
    """What the store's SQL needs of a connection: :mod:`sqlite3`'s, or the shared store's
    (:class:`geo.io.pgstore.PgConnection`)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...


@dataclass(frozen=True)
class Dialect:
    """What differs in the SQL of the two backends (:class:`Store`'s SQLite and
    :class:`geo.io.pgstore.PgStore`'s PostgreSQL); the statements themselves, the import,
    the removals and the read cache are one code for both. Placeholders are ``?`` in
    both (the PostgreSQL connection translates them)."""

    begin_read: str  # a transaction whose reads see one committed state
    # A write transaction that holds the store's write lock from its start (SQLite:
    # BEGIN IMMEDIATE; PostgreSQL: the generation row locked), so writes never interleave
    # and each one knows the state it changes (its read cache is derived from it).
    begin_write: tuple[str, ...]
    write_setup: tuple[str, ...]  # statements before a large write
    temp: str  # the schema of temporary tables
    binary_order: str  # appended to a text column in ORDER BY: byte order, as Python's


SQLITE = Dialect(
    begin_read="BEGIN",
    begin_write=("BEGIN IMMEDIATE",),
    write_setup=(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}",),
    temp="temp",
    binary_order="",
)


class Store:
    """The SQLite store; every write is one transaction.

    Every method raises :class:`StoreError` (never a bare ``sqlite3`` error) when the file
    is damaged, foreign, locked, read-only (for writes) or the disk is full; a missing
    store reads as empty.
    """

    dialect: Dialect = SQLITE
    shared = False  # one user's store on this computer (True: the team's PgStore)

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else data_dir()
        self.path = self.directory / DB_NAME

    # --- connection -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def health(self, thorough: bool = False) -> StoreHealth:
        """:func:`check_store` of this store's file."""
        return check_store(self.path, thorough=thorough)

    def _check_location(self) -> None:
        try:
            self.directory.resolve().relative_to(REPO_ROOT)
        except ValueError:
            return
        raise ValueError(
            f"refusing to keep the event store inside the repository "
            f"({self.directory}); set {DATA_DIR_ENV} to another directory"
        )

    def require_readable(self) -> None:
        """Raise :class:`StoreError` if the store file exists but cannot be read."""
        state = self.health()
        if not state.readable:
            raise StoreError(state)

    def _failure(self, err: sqlite3.Error) -> StoreError:
        """A :class:`StoreError` for an SQLite error: the file's state if the cheap check
        finds it bad, else what SQLite said (a damaged page deep in the file, a full
        disk, a lock)."""
        state = self.health()
        if state.readable:
            state = _health_of_error(self.path, err)
        return StoreError(state)

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write:
            self._check_location()
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(health("read-only", self.path, str(err))) from err
            state = self.health()
            if state.kind not in ("ok", "missing"):
                raise StoreError(state)
        elif not self.exists():
            raise StoreError(health("missing", self.path))
        else:
            self.require_readable()
        try:
            con = self._open(write)
        except sqlite3.Error as err:
            raise self._failure(err) from err
        try:
            if write:
                con.executescript(_SCHEMA)
                _add_missing_columns(con)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            yield con
        except sqlite3.Error as err:
            raise self._failure(err) from err
        finally:
            con.close()

    def _open(self, write: bool) -> sqlite3.Connection:
        """A connection in WAL mode; a reader of a store in a read-only folder (where
        SQLite cannot create the WAL's shared-memory file) opens it as immutable."""
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            return con
        except sqlite3.OperationalError:
            if write or os.access(self.directory, os.W_OK):
                raise
        return sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None
        )

    def _event_columns(self, con: Any) -> set[str]:
        """The columns of the events table."""
        return _event_columns(con)

    @contextmanager
    def _dataset_claim(self, name: str) -> Iterator[None]:
        """Claim dataset ``name`` for one write, removal or deletion, or refuse at once with
        a ``busy`` :class:`StoreError` naming it when another one holds it: a second
        importer of the same dataset is told so, never interleaved or queued behind a
        plan made against a state that is about to change. (Writes of other datasets
        still wait their turn for SQLite's write lock.) Claimed before the connection is
        opened: a refusal never waits for the other's transaction. Without a writable
        folder there is nothing to claim (and nothing can be written)."""
        digest = hashlib.sha1(name.encode()).hexdigest()[:16]
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = (self.directory / f".dataset-{digest}.lock").open("a")
        except OSError:
            yield
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(health("busy", self.path, name)) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def import_lock(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the store's import lock (one process imports or removes at a time) for the
        whole check-then-store of an import, so no plan is made against a state that
        another import changes before it is stored. ``on_wait`` is called once when
        another process holds it (to tell the user), then this one waits its turn.
        Without a writable folder there is no lock to take (and nothing can be written)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = (self.directory / ".import.lock").open("a")
        except OSError:
            yield
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- reading ----------------------------------------------------------------------
    def stamp(self) -> str:
        """Changes whenever the stored events change (a cache key); never raises, so a
        damaged store still gives a key (and the reads then raise :class:`StoreError`)."""
        try:
            generation = self.generation()
        except StoreError as err:
            return f"damaged:{self.path}:{err.health.kind}"
        return "none" if generation is None else f"{self.path}:{generation}"

    def datasets(self) -> list[DatasetInfo]:
        """The imported datasets with their event counts.

        Counts come from the snapshot of the current generation when there is one:
        counting a million rows in SQLite reads its whole dataset index from disk (over a
        second on a dashboard's first view), the mapped snapshot column takes milliseconds.
        """
        return self.state_and_datasets()[1]

    def state_and_datasets(self) -> tuple[StoreState, list[DatasetInfo]]:
        """The store's committed state (:data:`StoreState`) and :meth:`datasets`, read in
        one transaction, so they match: a removal confirmed by someone who saw the list
        is refused if the dataset changed since (:meth:`remove`)."""
        if not self.exists():
            return NO_STORE, []
        with self.connect() as con:
            con.execute(self.dialect.begin_read)
            try:
                generation, state = _state(con)
                rows = _dataset_rows(con, self.dialect)
                counts = snapshot.value_counts(self.directory, generation, "dataset", state)
                if counts is None:
                    counts = dict(
                        con.execute(
                            "SELECT dataset, count(*) FROM events GROUP BY dataset"
                        ).fetchall()
                    )
            finally:
                con.execute("COMMIT")
        return (generation, state), [
            DatasetInfo(
                name, fmt, version, accessed, file_name, imported_at, int(counts.get(name, 0))
            )
            for name, fmt, version, accessed, file_name, imported_at in rows
        ]

    def count(self) -> int:
        return sum(d.count for d in self.datasets())

    def versions(self) -> pd.DataFrame:
        """``id`` -> ``timestamp``, ``row_hash``, ``dataset`` of every stored event."""
        return self.state_and_versions()[1]

    def state_and_versions(self) -> tuple[StoreState, pd.DataFrame]:
        """The store's committed state (:data:`StoreState`) and :meth:`versions`, read in
        one transaction, so they match: an import's check records the state it compared
        its file with, and its confirm refuses to store into another (:meth:`write`)."""
        if not self.exists():
            return NO_STORE, pd.DataFrame(
                {"timestamp": [], "row_hash": [], "dataset": []}, index=pd.Index([], name="id")
            )
        # Read in batches into columns, the texts as Arrow strings: a million rows as
        # Python tuples cost about 300 MB at an import's peak (this runs beside its plan).
        ids: list[pa.Array] = []
        names: list[pa.Array] = []
        stamps: list[np.ndarray] = []
        hashes: list[np.ndarray] = []
        with self.connect() as con:
            con.execute(self.dialect.begin_read)
            try:
                state = _state(con)
                cursor = con.execute("SELECT id, timestamp, row_hash, dataset FROM events")
                while rows := cursor.fetchmany(VERSION_ROWS):
                    batch_ids, batch_stamps, batch_hashes, batch_names = zip(*rows, strict=True)
                    ids.append(pa.array(batch_ids, pa.large_string()))
                    names.append(pa.array(batch_names, pa.large_string()))
                    stamps.append(np.array(batch_stamps, dtype=np.int64))
                    hashes.append(np.array(batch_hashes, dtype=np.int64))
                    del rows, batch_ids, batch_names
            finally:
                con.execute("COMMIT")
        if not ids:
            return state, pd.DataFrame(
                {"timestamp": [], "row_hash": [], "dataset": []}, index=pd.Index([], name="id")
            )
        return state, pd.DataFrame(
            {
                "timestamp": np.concatenate(stamps),
                "row_hash": np.concatenate(hashes),
                "dataset": pd.Series(pa.chunked_array(names), dtype="str").array,
            },
            index=pd.Index(pd.Series(pa.chunked_array(ids), dtype="str").array, name="id"),
        )

    def load_events(self, datasets: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Stored events in the model's columns (``MODEL_COLUMNS``) plus ``timestamp``.

        The whole store is read from its snapshot (:mod:`geo.io.snapshot`) when the snapshot
        of the current generation of this store exists and matches its manifest, else
        from SQLite (and the snapshot is written).
        """
        if not self.exists():
            return _empty_stored()
        if datasets is None:
            generation, state = self._state()
            cached = snapshot.read(self.directory, generation, SNAPSHOT_COLUMNS, state)
            if cached is not None:
                return cached
        (generation, state, known), events = self._load_sql(datasets)
        if datasets is None:
            snapshot.write(self.directory, generation, events, state, known)
        return events

    def generation(self) -> int | None:
        """The store's change counter (None when there is no store)."""
        if not self.exists():
            return None
        return self._state()[0]

    def _state(self) -> tuple[int, str | None]:
        with self.connect() as con:
            return _state(con)

    def _load_sql(
        self, datasets: tuple[str, ...] | None
    ) -> tuple[tuple[int, str | None, tuple], pd.DataFrame]:
        """The generation, store id and dataset rows, and the events, read in one
        transaction (so they match)."""
        params: tuple = ()
        where = ""
        if datasets is not None:
            where = f" WHERE dataset IN ({', '.join('?' * len(datasets))})"
            params = tuple(datasets)
        with self.connect() as con:
            present = self._event_columns(con)
            cols = ", ".join(
                c if c in present else f"NULL AS {c}" if c in INT_COLUMNS else f"'' AS {c}"
                for c in SNAPSHOT_COLUMNS
            )
            sql = f"SELECT {cols} FROM events{where}"
            con.execute(self.dialect.begin_read)
            try:
                generation, state = _state(con)
                known = _dataset_rows(con, self.dialect)
                order = f" ORDER BY date, id{self.dialect.binary_order}"
                rows = con.execute(sql + order, params).fetchall()
            finally:
                con.execute("COMMIT")
        raw = pd.DataFrame.from_records(rows, columns=list(SNAPSHOT_COLUMNS), coerce_float=True)
        return (generation, state, known), from_rows(raw)

    def _upsert(self, con: Any, rows: list[tuple]) -> None:
        """Insert ``rows`` (:func:`to_rows`), replacing the stored events of the same ids
        (the last of an id given twice wins)."""
        con.executemany(_UPSERT, rows)

    # --- spatial queries ----------------------------------------------------------------
    def _bbox_condition(
        self, west: float, south: float, east: float, north: float
    ) -> tuple[str, tuple]:
        """SQL (and its parameters) true for an event whose point is in the box."""
        return (
            "longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?",
            (west, east, south, north),
        )

    def events_in_bbox(self, west: float, south: float, east: float, north: float) -> pd.DataFrame:
        """The stored events whose point lies in the box (degrees, edges included; events
        without coordinates never do), as :meth:`load_events` gives them, in date and id
        order. The shared store answers it from its spatial index."""
        if not self.exists():
            return _empty_stored()
        condition, params = self._bbox_condition(west, south, east, north)
        with self.connect() as con:
            raw = self._select_events(
                con, SNAPSHOT_COLUMNS, self._event_columns(con), condition, params
            )
        return from_rows(raw)

    def _select_events(
        self, con: Any, read: Sequence[str], present: set[str], where: str, params: tuple
    ) -> pd.DataFrame:
        """The stored rows ``where`` selects, columns ``read`` (a column an older store
        lacks read as empty), in date and id order, as :func:`from_rows` takes them."""
        cols = ", ".join(
            c if c in present else f"NULL AS {c}" if c in INT_COLUMNS else f"'' AS {c}"
            for c in read
        )
        rows = con.execute(
            f"SELECT {cols} FROM events WHERE {where} ORDER BY date, id{self.dialect.binary_order}",
            params,
        ).fetchall()
        return pd.DataFrame.from_records(rows, columns=list(read), coerce_float=True)

    def counts_per_unit(self, units: gpd.GeoDataFrame | None = None) -> pd.Series:
        """The number of stored events whose point lies in (or on the edge of) each unit:
        ``units`` (``id`` and ``geometry`` in EPSG:4326), by default the admin-1 units of
        :func:`geo.io.boundaries.load_admin1`; indexed by unit id (in byte order), 0 for a
        unit without events. Here the points are joined in memory; the shared store
        joins them in the database (:meth:`geo.io.pgstore.PgStore.counts_per_unit`)."""
        import geopandas as gpd  # only here: the store itself needs no GIS library

        units = _units_or_admin1(units)
        events = self.load_events()
        located = events.dropna(subset=["latitude", "longitude"])
        points = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(located["longitude"], located["latitude"]),
            crs="EPSG:4326",
        )
        joined = gpd.sjoin(points, units[["id", "geometry"]], predicate="intersects")
        counts = joined.groupby("id").size()
        ids = sorted(units["id"].astype(str))
        return counts.reindex(ids, fill_value=0).astype("int64").rename("events").rename_axis("id")

    # --- filtered queries (geo.io.storequery) ----------------------------------------
    def _in_list(self, column: str, values: tuple) -> tuple[str, tuple]:
        """SQL true when ``column`` is one of ``values`` (one parameter, however many:
        a JSON array read by SQLite's ``json_each``)."""
        return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)

    def _where(self, query: StoreQuery, present: set[str]) -> tuple[str, tuple]:
        """The WHERE clause (and its parameters) of ``query`` on the events table; a
        column an old store lacks reads as it would be loaded (``''``)."""

        def col(name: str) -> str:
            return name if name in present else "''"

        parts: list[str] = []
        params: list = []

        def add(sql: str, values: tuple = ()) -> None:
            parts.append(sql)
            params.extend(values)

        if query.date_from is not None:
            add("date_end >= ?", (query.date_from,))
        if query.date_to is not None:
            add("date <= ?", (query.date_to,))
        listed, values = self._in_list("country_iso3", query.countries)
        if query.non_aes_coups:
            aes, aes_values = self._in_list("country_iso3", AES_MEMBERS)
            add(f"({listed} OR (category = 'coup' AND NOT {aes}))", values + aes_values)
        else:
            add(listed, values)
        if query.layers is not None:
            add(*self._in_list("layer", query.layers))
        if query.subtypes:
            add(*self._in_list("subtype", query.subtypes))
        if query.actor_texts is not None:
            add(*self._in_list("actors", query.actor_texts))
        if query.min_fatalities > 0:
            add("COALESCE(fatalities_high, fatalities_low) >= ?", (int(query.min_fatalities),))
        for column, wanted in query.typology:
            add(*self._in_list(col(column), wanted))
        if query.civilian_targeting == "yes":
            add(f"{col('civilian_targeting')} <> ''")
        elif query.civilian_targeting == "no":
            add(f"{col('event_type')} <> '' AND {col('civilian_targeting')} = ''")
        if query.datasets is not None:
            add(*self._in_list("dataset", query.datasets))
        if query.excluded_ids:
            sql, values = self._in_list("id", query.excluded_ids)
            add(f"NOT {sql}", values)
        return " AND ".join(f"({p})" for p in parts) or "1=1", tuple(params)

    def _near_condition(self, lat: float, lon: float, degrees: float) -> tuple[str, tuple]:
        """SQL true for an event at most ``degrees`` from the point in latitude and in
        longitude, computed as :func:`geo.analysis.selection.events_near` computes it."""
        return (
            "ABS(latitude - ?) <= ? AND ABS(longitude - ?) <= ?",
            (float(lat), float(degrees), float(lon), float(degrees)),
        )

    def actor_texts(self) -> list[str]:
        """The distinct ``actors`` texts of the stored events (what an actor filter is
        matched against, :func:`geo.io.storequery.matching_actor_texts`)."""
        if not self.exists():
            return []
        with self.connect() as con:
            return [row[0] for row in con.execute("SELECT DISTINCT actors FROM events")]

    def matching_events(
        self,
        query: StoreQuery,
        admin1_id: str | None = None,
        near: tuple[float, float, float] | None = None,
        columns: tuple[str, ...] | None = None,
    ) -> pd.DataFrame:
        """The stored events ``query`` selects, as :meth:`load_events` gives them, in date
        and id order: only those of the unit ``admin1_id`` when given, only those near
        ``(lat, lon, degrees)`` when given (:meth:`_near_condition`: the shared store
        finds them through its spatial index). ``columns``: only these (in this order),
        read from the database without the others (a unit's tens of thousands of events
        without their texts)."""
        if not self.exists():
            empty = _empty_stored()
            return empty if columns is None else empty[list(columns)]
        with self.connect() as con:
            present = self._event_columns(con)
            where, params = self._where(query, present)
            if admin1_id is not None:
                where += " AND admin1_id = ?"
                params += (admin1_id,)
            if near is not None:
                sql, values = self._near_condition(*near)
                where += f" AND {sql}"
                params += values
            read = [c for c in SNAPSHOT_COLUMNS if columns is None or c in columns]
            raw = self._select_events(con, read, present, where, params)
        for column in SNAPSHOT_COLUMNS:  # those not read: a constant, then left out
            if column not in raw.columns:
                raw[column] = _UNREAD.get(column, None if column in INT_COLUMNS else "")
        events = from_rows(raw[list(SNAPSHOT_COLUMNS)])
        return events if columns is None else events[list(columns)]

    def unit_sums(
        self,
        query: StoreQuery,
        start: int | None = None,
        end: int | None = None,
        admin1_id: str | None = None,
    ) -> pd.DataFrame:
        """Per admin-1 unit (the events' ``admin1_id``, set at import by the rules of
        :func:`geo.io.events.assign_admin1`), the events ``query`` selects whose first day
        is in ``[start, end]`` (days since 1970, None: open) and their fatality sums,
        summed by the database: the columns and index of
        :func:`geo.analysis.measures.admin1_counts` (units with events only, by id);
        only the unit ``admin1_id`` when given (one region's panel)."""
        columns = ["events", "fatalities_low", "fatalities_high", "fatalities_unknown"]
        rows: list = []
        if self.exists():
            with self.connect() as con:
                where, params = self._where(query, self._event_columns(con))
                where += " AND admin1_id <> ''"
                if admin1_id is not None:
                    where += " AND admin1_id = ?"
                    params += (admin1_id,)
                if start is not None:
                    where += " AND date >= ?"
                    params += (int(start),)
                if end is not None:
                    where += " AND date <= ?"
                    params += (int(end),)
                rows = con.execute(
                    "SELECT admin1_id, COUNT(*), SUM(COALESCE(fatalities_low, 0)), "
                    "SUM(COALESCE(fatalities_high, fatalities_low, 0)), "
                    "SUM(CASE WHEN fatalities_low IS NULL THEN 1 ELSE 0 END) "
                    f"FROM events WHERE {where} GROUP BY admin1_id",
                    params,
                ).fetchall()
        frame = pd.DataFrame(
            [tuple(int(v) for v in row[1:]) for row in rows], columns=columns, dtype="int64"
        )
        frame.index = pd.Index([str(row[0]) for row in rows], dtype="str", name="admin1_id")
        return frame.sort_index()

    # --- writing ----------------------------------------------------------------------
    def write(
        self,
        events: pd.DataFrame,
        info: DatasetInfo,
        progress: Callable[[float, str], None] | None = None,
        expected: StoreState | None = None,
    ) -> int:
        """Insert or replace ``events`` (model + ``timestamp`` + ``row_hash``) and record
        the dataset, all in one transaction. Returns the number of rows written.

        ``expected``: the state the events were checked against (an import's plan,
        :meth:`state_and_versions`). Under the store's write lock, before anything is
        written, a store in another state refuses the write with :class:`StoreChangedError`
        (saying what changed in between): a plan is never stored into a state it was not
        checked against.

        Rows are turned into SQLite's tuples :data:`WRITE_BATCH` at a time (a million rows
        as tuples at once would take gigabytes); a large write (more rows than half the
        store) drops the secondary indexes inside the transaction and builds them again
        at its end, which SQLite does by sorting, several times faster than updating
        them row by row; a failure rolls that back with everything else."""
        self._check_location()
        if not DATASET_NAME_RE.match(info.name) or info.name in RESERVED_DATASETS:
            raise ValueError(f"invalid dataset name {info.name!r}")
        total = len(events)
        with self._dataset_claim(info.name), self.connect(write=True) as con:
            for statement in self.dialect.write_setup:
                con.execute(statement)
            for statement in self.dialect.begin_write:
                con.execute(statement)
            try:
                faults.point("import:begin")
                before, previous = _state(con)
                self._refuse_if_changed(con, (before, previous), expected, "import", info.name)
                rebuild = (
                    total >= BULK_ROWS
                    and total > con.execute("SELECT count(*) FROM events").fetchone()[0] // 2
                )
                if rebuild:
                    for name, _ in _INDEXES:
                        con.execute(f"DROP INDEX IF EXISTS {name}")
                for start in range(0, total, WRITE_BATCH):
                    self._upsert(con, to_rows(events.iloc[start : start + WRITE_BATCH]))
                    faults.point("import:batch")
                    if progress:
                        progress(min(start + WRITE_BATCH, total) / max(total, 1), "writing")
                if rebuild:
                    if progress:
                        progress(1.0, "indexing")
                    for name, columns in _INDEXES:
                        con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON events({columns})")
                con.execute(
                    "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO "
                    "UPDATE SET format=excluded.format, version=excluded.version, "
                    "accessed=excluded.accessed, file_name=excluded.file_name, "
                    "imported_at=excluded.imported_at",
                    (
                        info.name,
                        info.format,
                        info.version,
                        info.accessed,
                        info.file_name,
                        info.imported_at or datetime.now(UTC).isoformat(timespec="seconds"),
                    ),
                )
                # Event ids are unique across datasets: a dataset whose events have all
                # moved here (the same export under another name) is left empty; drop it.
                con.execute(
                    "DELETE FROM datasets WHERE name != ? AND NOT EXISTS "
                    "(SELECT 1 FROM events WHERE events.dataset = datasets.name)",
                    (info.name,),
                )
                if total:
                    self._bump(con, Change(before + 1, "import", info.name, total))
                after = (_state(con)[1], _dataset_rows(con, self.dialect))
                faults.point("import:commit")
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise
        faults.point("import:committed")
        if total:
            self._carry_snapshot_safely(before, previous, *after, written=events)
        return total

    def _refuse_if_changed(
        self,
        con: Connection,
        found: StoreState,
        expected: StoreState | None,
        action: str,
        dataset: str,
        seen: DatasetInfo | None = None,
    ) -> None:
        """Under the write lock, before anything is written: raise
        :class:`StoreChangedError` (``action`` on ``dataset``) when the store is no longer
        in the state ``expected`` (None: not bound to a state).

        ``seen``: the dataset as its caller saw it in that state (:meth:`state_and_datasets`):
        then only a change of that dataset refuses, i.e. one the store lists as naming it,
        or its row or event count no longer as seen (another dataset's import may have
        taken its events), or changes it no longer lists, or a replaced store."""
        if expected is None or found == tuple(expected):
            return
        refusal = StoreChangedError(
            self.path,
            expected,
            found,
            _changes_since(con, expected[0], found[0]),
            action,
            dataset,
        )
        if (
            seen is not None
            and not refusal.replaced
            and not refusal.unlisted
            and all(c.dataset != seen.name for c in refusal.changes)
            and _dataset_now(con, seen.name) == seen
        ):
            return  # only other datasets changed: this one is as it was seen
        raise refusal

    def remove(
        self,
        name: str,
        expected: StoreState | None = None,
        seen: DatasetInfo | None = None,
    ) -> int:
        """Delete a dataset and its events; returns the number of events removed.

        ``expected``: the state the user saw the dataset in (:meth:`state_and_datasets`),
        ``seen``: the dataset as shown then (its events, its import time). Under the
        store's write lock, before anything is deleted, the removal is refused with
        :class:`StoreChangedError` (``remove``, saying what changed) when the dataset
        changed since: another session imported into it, updated it, deleted some of its
        events, removed it, or took its events into another dataset; changes of other
        datasets alone do not refuse it. Without ``seen``, any change of the store
        refuses it; without ``expected``, nothing does (the command line's ``remove``)."""
        if not self.exists():
            return 0
        with self._dataset_claim(name), self.connect(write=True) as con:
            for statement in self.dialect.begin_write:
                con.execute(statement)
            try:
                before, previous = _state(con)
                self._refuse_if_changed(con, (before, previous), expected, "remove", name, seen)
                removed = con.execute("DELETE FROM events WHERE dataset=?", (name,)).rowcount
                known = con.execute("DELETE FROM datasets WHERE name=?", (name,)).rowcount
                if removed or known:
                    self._bump(con, Change(before + 1, "remove", name, removed))
                after = (_state(con)[1], _dataset_rows(con, self.dialect))
                faults.point("remove:commit")
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise
        if removed or known:
            self._carry_snapshot_safely(before, previous, *after, removed_dataset=name)
            placecache.clear(self.directory)  # no place of the removed events stays on disk
        return removed

    def delete_events(
        self,
        name: str,
        ids: list[str] | tuple[str, ...],
        deleted_at: list[int] | tuple[int, ...] | None = None,
        expected: StoreState | None = None,
    ) -> int:
        """Delete the events ``ids`` of dataset ``name`` (ids of other datasets, or not
        stored, are left alone) in one transaction; returns the number deleted.

        ``deleted_at`` (the source's deletion time of each id, Unix seconds) keeps an event
        whose stored ``timestamp`` is newer than its deletion: it was published again after
        it was deleted. The dataset stays listed, even when it has no event left. The read
        cache is carried over as after :meth:`write` and :meth:`remove`, minus the deleted
        events. Like an import, call it under :meth:`import_lock` when its ids come from a
        plan checked against the store, and pass that plan's state as ``expected``: a store
        in another state refuses the deletion under the write lock, nothing deleted
        (:class:`StoreChangedError`, ``delete``).
        """
        if deleted_at is not None and len(deleted_at) != len(ids):
            raise ValueError("deleted_at needs one time per id")
        if not self.exists() or not len(ids):
            return 0
        stamps = list(deleted_at) if deleted_at is not None else [None] * len(ids)
        temp = self.dialect.temp
        with self._dataset_claim(name), self.connect(write=True) as con:
            for statement in self.dialect.begin_write:
                con.execute(statement)
            try:
                before, previous = _state(con)
                self._refuse_if_changed(con, (before, previous), expected, "delete", name)
                con.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS doomed "
                    "(id TEXT PRIMARY KEY, deleted_at INTEGER)"
                )
                con.execute(f"DELETE FROM {temp}.doomed")
                # The latest deletion time of an id given twice (none if either has none).
                con.executemany(
                    f"INSERT INTO {temp}.doomed VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "deleted_at=CASE WHEN doomed.deleted_at IS NULL "
                    "OR excluded.deleted_at IS NULL THEN NULL "
                    "WHEN excluded.deleted_at > doomed.deleted_at THEN excluded.deleted_at "
                    "ELSE doomed.deleted_at END",
                    [
                        (str(i), None if t is None else int(t))
                        for i, t in zip(ids, stamps, strict=True)
                    ],
                )
                condition = (
                    f"dataset=? AND id IN (SELECT d.id FROM {temp}.doomed d WHERE "
                    "d.id = events.id AND (d.deleted_at IS NULL "
                    "OR events.timestamp <= d.deleted_at))"
                )
                gone = tuple(
                    r[0]
                    for r in con.execute(
                        f"SELECT id FROM events WHERE {condition}", (name,)
                    ).fetchall()
                )
                if gone:
                    con.execute(f"DELETE FROM events WHERE {condition}", (name,))
                    self._bump(con, Change(before + 1, "delete", name, len(gone)))
                con.execute(f"DROP TABLE {temp}.doomed")
                after = (_state(con)[1], _dataset_rows(con, self.dialect))
                faults.point("delete:commit")
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise
        if gone:
            self._carry_snapshot_safely(before, previous, *after, removed_ids=gone)
        return len(gone)

    # --- update checkpoints (geo.io.remote_sources) ------------------------------------------
    CHECKPOINT_PREFIX = "checkpoint:"

    def checkpoint(self, key: str) -> str | None:
        """The text saved under ``key`` by :meth:`set_checkpoint` (None when none)."""
        if not self.exists():
            return None
        with self.connect() as con:
            row = con.execute(
                "SELECT value FROM meta WHERE key=?", (self.CHECKPOINT_PREFIX + key,)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_checkpoint(self, key: str, value: str | None) -> None:
        """Save (``None``: forget) a remote update's checkpoint, kept in the store file so
        it goes with the events it describes (a copied, restored or new store has its own
        or none). It is not an event: the generation and the read cache do not change."""
        with self.connect(write=True) as con:
            for statement in self.dialect.begin_write:
                con.execute(statement)
            try:
                if value is None:
                    con.execute("DELETE FROM meta WHERE key=?", (self.CHECKPOINT_PREFIX + key,))
                else:
                    con.execute(
                        "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                        "SET value=excluded.value",
                        (self.CHECKPOINT_PREFIX + key, value),
                    )
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise

    def _carry_snapshot_safely(
        self,
        before: int,
        previous: str | None,
        state: str | None,
        known: tuple,
        written: pd.DataFrame | None = None,
        removed_dataset: str | None = None,
        removed_ids: tuple[str, ...] = (),
    ) -> None:
        """The change is committed: a failure to derive the read cache must not look like
        a failed import. Without a snapshot the next full read rebuilds it from SQLite."""
        try:
            self._carry_snapshot(
                before, previous, state, known, written, removed_dataset, removed_ids
            )
        except Exception:  # noqa: BLE001 - a cache, never the data
            snapshot.path_for(self.directory, before + 1).unlink(missing_ok=True)

    def _carry_snapshot(
        self,
        before: int,
        previous_state: str | None,
        state: str | None,
        known: tuple,
        written: pd.DataFrame | None = None,
        removed_dataset: str | None = None,
        removed_ids: tuple[str, ...] = (),
    ) -> None:
        """After a committed change (generation ``before`` -> ``before + 1``, state token
        ``previous_state`` -> ``state``, dataset rows ``known`` after it): derive the
        new snapshot from the previous one minus the replaced or removed events plus the
        ``written`` events (model and timestamp, as :meth:`write` got them), so the next
        dashboard start reads it instead of rebuilding it from SQLite. Without a previous
        snapshot nothing is written (the next full read rebuilds it)."""
        if before == 0:  # a store that never held events
            previous = None
        else:
            previous = snapshot.read(self.directory, before, SNAPSHOT_COLUMNS, previous_state)
            if previous is None:
                return
        parts = []
        if written is not None and len(written):
            parts.append(as_stored(written))
        if previous is not None:
            keep = pd.Series(True, index=previous.index)
            if parts:  # replaced: ids written now (ids are unique, so an Index lookup)
                keep &= pd.Index(parts[0]["id"]).get_indexer(previous["id"]) < 0
            if removed_dataset is not None:
                keep &= previous["dataset"] != removed_dataset
            if removed_ids:  # deleted events (ids are unique across datasets)
                keep &= pd.Index(removed_ids).get_indexer(previous["id"]) < 0
            parts.insert(0, previous[keep])
        order = None
        if not parts:
            events = _empty_stored()
        else:
            events = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
            parts.clear()
            # Written in date and id order batch by batch: no sorted copy of every event.
            order = _date_id_order(events)
        snapshot.write(self.directory, before + 1, events, state, known, order=order)

    @staticmethod
    def _bump(con: Connection, change: Change) -> None:
        """Count the change and give the new state a random token: a read cache is bound to
        the token, not to the generation number alone, which another store (a restored
        backup, a copied folder, a store started anew) may have reached with other
        events. The change joins the list of the latest ones (:data:`CHANGES_KEPT`)."""
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")
        upsert = (
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"
        )
        con.execute(upsert, ("state", uuid.uuid4().hex))
        at = change.at or datetime.now(UTC).isoformat(timespec="seconds")
        listed = [*_listed_changes(con), replace(change, at=at)]
        con.execute(upsert, ("changes", _changes_json(listed[-CHANGES_KEPT:])))

    # --- repair -----------------------------------------------------------------------
    def repair_plan(self) -> RepairPlan:
        """What :meth:`repair` would do now (reads the whole store file and the cache)."""
        before = self.health(thorough=True)
        if not before.repairable:
            return RepairPlan("none" if before.kind in ("ok", "missing") else "refused", before)
        cached = snapshot.newest_intact(self.directory, SNAPSHOT_COLUMNS)
        if cached is None or (
            before.generation is not None and cached[0].generation < before.generation
        ):
            # None, or older than the damaged store: it would pass stale data as good.
            return RepairPlan("new", before)
        return RepairPlan("rebuild", before, cached[0], len(cached[1]))

    def repair(self, now: datetime | None = None) -> RepairResult:
        """Make a damaged store usable again without losing anything.

        A store that is fine, missing, locked or read-only is left as it is. Otherwise the
        damaged file (with its WAL files) is moved aside under a timestamped name, never
        deleted, and replaced: by a store rebuilt from the newest read cache whose every
        byte matches its manifest, when that cache is at least as new as what the damaged
        file still says about itself; else by a new empty store (and the older caches are
        moved aside with the damaged file, so nothing of it is lost or mistaken for the
        new store's cache).
        """
        plan = self.repair_plan()
        before = plan.health
        if plan.action in ("none", "refused"):
            return RepairResult(plan.action, before, before.message)
        self._check_location()
        suffix = f"damaged-{(now or datetime.now(UTC)).strftime('%Y%m%dT%H%M%SZ')}"
        snapshot.remove_stale_temporaries(self.directory)
        for leftover in self.directory.glob(f".{DB_NAME}.repair-*.tmp*"):
            leftover.unlink(missing_ok=True)  # a repair of ours killed halfway
        cached = None
        if plan.cache is not None:
            manifest = plan.cache
            events = snapshot.read(
                self.directory, manifest.generation, SNAPSHOT_COLUMNS, manifest.state
            )
            cached = None if events is None else (manifest, events)
        tmp = self.directory / f".{DB_NAME}.repair-{os.getpid()}.tmp"
        if cached is not None:
            manifest, cached_events = cached
            try:
                _build_store(tmp, manifest, cached_events)
            except (OSError, sqlite3.Error) as err:  # a full disk: nothing was moved
                tmp.unlink(missing_ok=True)
                state = _health_of_error(self.path, err)
                raise StoreError(
                    state if state.kind != "corrupt" else health("full", self.path, str(err))
                ) from err
        moved = self._move_aside(suffix, include_caches=cached is None)
        if cached is not None:
            os.replace(tmp, self.path)
            result = RepairResult(
                "rebuilt",
                before,
                f"Rebuilt {self.path} from the read cache "
                f"{snapshot.path_for(self.directory, manifest.generation).name} "
                f"({len(cached_events):,} events); the damaged file is kept as {moved[0]}.",
                moved,
                len(cached_events),
                manifest.generation,
            )
        else:
            with self.connect(write=True):
                pass
            result = RepairResult(
                "new",
                before,
                f"No intact read cache to rebuild from: started a new, "
                f"empty store {self.path}; the damaged file is kept as {moved[0]}. "
                "Import your files again.",
                moved,
                0,
                0,
            )
        return result

    def _move_aside(self, suffix: str, include_caches: bool) -> tuple[Path, ...]:
        """Rename the store file, its WAL files and (``include_caches``) the read caches
        with ``suffix``; the store file first in the result."""
        names = [DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"]
        if include_caches:
            names += sorted(
                p.name
                for p in self.directory.glob(f"{snapshot.PREFIX}*")
                if re.match(r"^snapshot-\d+\.(arrow|json)$", p.name)
            )
        moved = []
        for name in names:
            source = self.directory / name
            if source.exists():
                target = source.with_name(f"{name}.{suffix}")
                os.replace(source, target)
                moved.append(target)
        return tuple(moved)


def _units_or_admin1(units: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if units is None:
        from geo.io.boundaries import load_admin1

        units = load_admin1()
    return units.to_crs("EPSG:4326") if units.crs is not None else units


def open_store(directory: Path | None = None) -> Store:
    """The app's store: the shared PostgreSQL/PostGIS store when ``$SAHEL_ATLAS_DATABASE_URL``
    is set (:class:`geo.io.pgstore.PgStore`; ``directory`` then holds its local read
    cache), else the SQLite store in ``directory`` or the data directory (nothing to set
    up)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        from geo.io.pgstore import PgStore

        return PgStore(url, directory)
    return Store(directory)


def _event_columns(con: sqlite3.Connection) -> set[str]:
    return {row[1] for row in con.execute("PRAGMA table_info('events')")}


def _add_missing_columns(con: sqlite3.Connection) -> None:
    """Bring a store written by an earlier release up to the current columns (SQLite adds
    a column with a constant default without rewriting the table)."""
    present = _event_columns(con)
    for column, declaration in ADDED_COLUMNS.items():
        if column not in present:
            con.execute(f"ALTER TABLE events ADD COLUMN {column} {declaration}")


def _build_store(path: Path, manifest: snapshot.Manifest, events: pd.DataFrame) -> None:
    """A new store file at ``path`` holding a snapshot's events, dataset rows, generation
    and store id (so the snapshot stays this store's read cache), in one transaction."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.executescript(_SCHEMA)
        con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute("BEGIN IMMEDIATE")
        with_hash = (
            events.assign(row_hash=row_hash(events))
            if len(events)
            else events.assign(row_hash=pd.Series([], dtype="int64"))
        )
        placeholders = ", ".join("?" * len(STORED_COLUMNS))
        con.executemany(
            f"INSERT INTO events ({', '.join(STORED_COLUMNS)}) VALUES ({placeholders})",
            to_rows(with_hash),
        )
        con.executemany(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?)", [tuple(d) for d in manifest.datasets]
        )
        con.execute("UPDATE meta SET value=? WHERE key='generation'", (str(manifest.generation),))
        if manifest.state is not None:
            con.execute("INSERT INTO meta VALUES ('state', ?)", (manifest.state,))
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def _rollback(con: Connection) -> None:
    """Roll back if a transaction is still open (a full disk may have ended it already)."""
    if con.in_transaction:
        con.execute("ROLLBACK")


def _empty_stored() -> pd.DataFrame:
    """No events, in the columns and dtypes of :meth:`Store.load_events`."""
    out = empty_events()
    out["timestamp"] = pd.Series([], dtype="int64")
    return out


def _state(con: Connection) -> tuple[int, str | None]:
    """The generation and the token of the store's committed state (None in a store from
    before tokens, until its next change)."""
    values = dict(
        con.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'state')").fetchall()
    )
    return int(values.get("generation", 0)), values.get("state")


def _parse_changes(text: str) -> list[Change]:
    """The changes listed in the meta table's ``changes`` value (none if unreadable: a
    list only for messages, never for the data)."""
    try:
        rows = json.loads(text) if text else []
        return [Change(int(g), str(k), str(d), int(n), str(a)) for g, k, d, n, a in rows]
    except (TypeError, ValueError):
        return []


def _changes_json(changes: Sequence[Change]) -> str:
    return json.dumps([[c.generation, c.kind, c.dataset, c.events, c.at] for c in changes])


def _listed_changes(con: Connection) -> list[Change]:
    """The latest changes the store lists (its meta table's ``changes``), oldest first."""
    row = con.execute("SELECT value FROM meta WHERE key='changes'").fetchone()
    return _parse_changes(row[0] if row else "")


def _changes_since(con: Connection, after: int, until: int) -> tuple[Change, ...]:
    """The listed changes that led from generation ``after`` to ``until``, oldest first."""
    return tuple(c for c in _listed_changes(con) if after < c.generation <= until)


def _dataset_now(con: Connection, name: str) -> DatasetInfo | None:
    """Dataset ``name`` as it is in the current transaction, its events counted (None: not
    listed)."""
    row = con.execute(
        "SELECT format, version, accessed, file_name, imported_at FROM datasets WHERE name = ?",
        (name,),
    ).fetchone()
    if row is None:
        return None
    count = con.execute("SELECT count(*) FROM events WHERE dataset = ?", (name,)).fetchone()[0]
    fmt, version, accessed, file_name, imported_at = row
    return DatasetInfo(name, fmt, version, accessed, file_name, imported_at, int(count))


def _dataset_rows(con: Connection, dialect: Dialect = SQLITE) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(row)
        for row in con.execute(
            "SELECT name, format, version, accessed, file_name, "
            f"imported_at FROM datasets ORDER BY name{dialect.binary_order}"
        ).fetchall()
    )


def to_rows(events: pd.DataFrame) -> list[tuple]:
    """Model rows (+ timestamp, row_hash) as tuples in :data:`STORED_COLUMNS` order."""
    n = len(events)
    cols: dict[str, list] = {}
    for col in _TEXT:
        if col == "sources":
            cols[col] = [" ".join(s) for s in events[col]]
        elif col in TYPOLOGY_COLUMNS:  # a few distinct labels: each made a str once
            codes, distinct = pd.factorize(events[col].astype(str), use_na_sentinel=False)
            cols[col] = np.asarray(distinct, dtype=object)[codes].tolist() if n else []
        else:
            cols[col] = events[col].astype(str).tolist()
    cols["date"] = _days(events["date"]).tolist()
    cols["date_end"] = _days(events["date_end"]).tolist()
    cols["latitude"] = _float_or_none(events["latitude"])
    cols["longitude"] = _float_or_none(events["longitude"])
    for col in _INTEGERS:
        cols[col] = _nullable(events[col])
    cols["verified"] = events["verified"].astype(int).tolist()
    cols["timestamp"] = events["timestamp"].astype("int64").tolist() if n else []
    cols["row_hash"] = events["row_hash"].astype("int64").tolist() if n else []
    return list(zip(*(cols[c] for c in STORED_COLUMNS), strict=True))


def _date_id_order(events: pd.DataFrame) -> np.ndarray | None:
    """Positions that put ``events`` in date and id order (a stable sort), or None when
    they are in that order already. Sorted by Arrow: pandas' sort on two keys factorizes
    the million ids into Python strings first; Arrow compares the UTF-8 bytes, which is
    code point order, as SQLite's ``ORDER BY date, id`` (binary collation)."""
    keys = pa.table(
        {
            "date": pa.array(events["date"].to_numpy("datetime64[ns]"), from_pandas=True),
            "id": pa.Table.from_pandas(events[["id"]], preserve_index=False).column("id"),
        }
    )
    positions = pc.sort_indices(keys, sort_keys=[("date", "ascending"), ("id", "ascending")])
    order = positions.to_numpy()
    if (order == np.arange(len(events))).all():
        return None
    return order


def as_stored(events: pd.DataFrame) -> pd.DataFrame:
    """Events as written (model + ``timestamp``) -> what reading them back from SQLite
    gives (:func:`from_rows`), without the round trip: the columns and dtypes of
    :data:`SNAPSHOT_COLUMNS`, text as ``str``, dates at midnight, sources as tuples.
    Columns already in that form are shared with ``events``, not copied (copy on write)."""
    model = empty_events()
    out = events.loc[:, list(SNAPSHOT_COLUMNS)].reset_index(drop=True)
    for col in MODEL_COLUMNS:
        if col in ("date", "date_end"):
            days = out[col].astype("datetime64[ns]")
            out[col] = days if (days == days.dt.normalize()).all() else days.dt.normalize()
        elif col == "sources":
            # Checked once per distinct object: a million imported events share a few
            # tuples (the importer makes them the same object).
            distinct = {id(s): s for s in out[col].to_numpy(dtype=object)}.values()
            if not all(isinstance(s, tuple) and all(" " not in u for u in s) for s in distinct):
                out[col] = [tuple(" ".join(s).split()) for s in out[col]]
        elif out[col].dtype != model[col].dtype:
            out[col] = out[col].astype(model[col].dtype)
    if out["timestamp"].dtype != np.int64:
        out["timestamp"] = out["timestamp"].astype("int64")
    return out


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
    typed = with_model_dtypes(out)
    typed["timestamp"] = timestamp.to_numpy()
    return typed
