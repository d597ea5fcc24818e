"""The shared store of a team: the event store in a PostgreSQL database with PostGIS.

Chosen by one setting, ``$SAHEL_ATLAS_DATABASE_URL`` (a libpq address such as
``postgresql://atlas@db.example.org/atlas``; see :func:`geo.io.store.open_store`); without
it the app keeps its embedded SQLite store and needs no server.

:class:`PgStore` is :class:`geo.io.store.Store` on another connection: the imports, their
validation and report, updates and deletions by id and timestamp, and the read cache are
the same code; only what the SQL dialects do differently is here (:data:`POSTGRES`, the
schema's types, the health of a server instead of a file, the locks). What PostgreSQL adds:

- readers never wait for an import and see the state before it until it commits (MVCC,
  and each read in one ``REPEATABLE READ`` transaction);
- a second importer, updater or remover of the same dataset is refused at once with the
  same ``busy`` message as the SQLite store's (a session advisory lock per dataset),
  while other datasets can be written side by side;
- each event's point is a PostGIS ``geometry(Point, 4326)`` column derived from its
  coordinates, with a GiST index: :meth:`PgStore.events_in_bbox` and
  :meth:`PgStore.counts_per_unit` (``ST_Intersects`` against the admin-1 units of
  ``data/boundaries``, stored in the ``units`` table) run in the database;
- a store created by an earlier release is brought up to the current schema when it is
  opened (:data:`MIGRATIONS`, :meth:`PgStore._migrate`; the version in the meta table).

Each app server keeps its own read cache (the Arrow snapshot of :mod:`geo.io.snapshot`) in
a folder of its data directory named after the database; a cache is bound to the store's
state token, so a change made through another server is never read from a stale cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from geo.io import store as base
from geo.io.store import (
    _SCHEMA,
    _TABLES,
    ADDED_COLUMNS,
    STORED_COLUMNS,
    Dialect,
    RepairPlan,
    StoreError,
    StoreHealth,
    data_dir,
    health,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    import psycopg

POSTGRES = Dialect(
    begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    begin_write=("BEGIN", "SELECT value FROM meta WHERE key = 'generation' FOR UPDATE"),
    write_setup=(),
    temp="pg_temp",
    binary_order=' COLLATE "C"',
)
# The first key of the app's two-key advisory locks (the second: the schema's creation, or
# 0 for the import lock of the command line), so they never meet another program's locks;
# a dataset's lock is one 64-bit key hashed with it (_dataset_key).
LOCK_SPACE = 0x5A7A5
SCHEMA_LOCK = 1  # second key while the schema is created (two servers starting at once)
IMPORT_LOCK = 0
CONNECT_TIMEOUT = 10  # seconds
POOL_SIZE = 4  # idle connections kept per database by each app server (see _Pool)
NEAR_MARGIN = 1e-5  # degrees added around a "near" box before the exact test
# What a store created by an earlier release lacks, in order, applied when it is opened
# (PgStore._migrate): the version reached is kept in the meta table under SCHEMA_KEY
# (none: a store from before versions, version 0). Each step is idempotent.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, "CREATE INDEX IF NOT EXISTS events_admin1 ON events (admin1_id)"),
)
PG_SCHEMA_VERSION = MIGRATIONS[-1][0]
SCHEMA_KEY = "schema_version"
# A reader does not wait longer than this for a running import's table lock before the
# index is built (it is then built at the next write's opening, which waits its turn).
MIGRATION_LOCK_TIMEOUT = "1s"


def _schema() -> str:
    """The SQLite schema in PostgreSQL's types (64-bit integers, double precision), plus
    the point of each event and the admin-1 units, both with a GiST index, and an index
    of the events' unit (a region's panel reads one unit's events and sums)."""
    ddl = re.sub(r"\bINTEGER\b", "BIGINT", _SCHEMA)
    ddl = re.sub(r"\bREAL\b", "DOUBLE PRECISION", ddl)
    ddl = ddl.replace(
        "INSERT OR IGNORE INTO meta VALUES ('generation', '0');",
        "INSERT INTO meta VALUES ('generation', '0') ON CONFLICT DO NOTHING;",
    )
    assert "OR IGNORE" not in ddl
    return (
        ddl
        + """
ALTER TABLE events ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326)
    GENERATED ALWAYS AS (CASE WHEN longitude IS NOT NULL AND latitude IS NOT NULL
    THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED;
CREATE INDEX IF NOT EXISTS events_geom ON events USING GIST (geom);
CREATE INDEX IF NOT EXISTS events_admin1 ON events (admin1_id);
CREATE TABLE IF NOT EXISTS units (
    id TEXT PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS units_geom ON units USING GIST (geom);
"""
    )


def redacted(url: str) -> str:
    """The address without its password (it goes into messages and cache keys)."""
    url = re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", url)
    return re.sub(r"(?i)\bpassword=[^&\s]*", "password=***", url)


def _qmarks(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (no ``?`` or ``%`` is data in
    the store's SQL: values are always parameters)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection (autocommit: the store sends BEGIN and COMMIT itself) with the
    calls of :mod:`sqlite3` that the store makes: ``execute`` and ``executemany`` return a
    cursor (``fetchone``, ``fetchall``, ``rowcount``), ``in_transaction``."""

    def __init__(self, con: psycopg.Connection) -> None:
        self.raw = con

    def execute(self, sql: str, params: tuple | list = ()) -> Any:
        """A psycopg cursor (typed as loosely as :mod:`sqlite3`'s: rows are tuples)."""
        cursor = self.raw.cursor()
        cursor.execute(_qmarks(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: list) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(_qmarks(sql), rows)
        return cursor

    def executescript(self, script: str) -> None:
        self.raw.execute(script.encode())  # several statements: no parameters

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class PgStore(base.Store):
    """The event store in PostgreSQL/PostGIS at ``url``; ``directory`` holds this server's
    read cache (default: a folder of the data directory named after the database)."""

    dialect = POSTGRES
    shared = True

    def __init__(self, url: str, directory: Path | None = None) -> None:
        self.url = url
        self.path = redacted(url)  # type: ignore[assignment]  # named in every message
        key = hashlib.sha1(redacted(url).encode()).hexdigest()[:12]
        self.directory = Path(directory) if directory else data_dir() / f"postgres-{key}"

    # --- connection and health --------------------------------------------------------
    def _connect_raw(self) -> psycopg.Connection:
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as err:
            raise StoreError(health("unreachable", self.path, _first_line(err))) from err

    def exists(self) -> bool:
        """True once the schema is there (the first import creates it). A server that
        cannot be reached raises :class:`StoreError`: it is not an empty store."""
        return self.health().kind != "missing"

    def health(self, thorough: bool = False) -> StoreHealth:
        """The state of the shared store: ``missing`` (no schema yet), ``ok``,
        ``read-only`` (this role may not write the events), ``foreign`` (tables of another
        program under our names), ``unreachable`` or ``server-error``; never raises.
        ``thorough`` also reads every event (a damaged table raises on the server)."""
        try:
            with self._pooled() as con:
                return self._health_on(con, thorough)
        except StoreError as err:
            return err.health

    @contextmanager
    def _pooled(self) -> Iterator[PgConnection]:
        """A connection of this server's pool for the store (:class:`_Pool`): idle
        connections are reused instead of a new one (a new server process) per call.
        One found dead (the server restarted) is dropped and a new one opened; the
        connection goes back to the pool only when it is idle again."""
        pool = _Pool.of(self.url)
        raw = pool.take()
        if raw is not None:
            try:
                raw.execute("SELECT 1")
            except Exception:  # noqa: BLE001 - a dead connection: a new one below
                with suppress(Exception):
                    raw.close()
                raw = None
        if raw is None:
            raw = self._connect_raw()
        healthy = False
        try:
            yield PgConnection(raw)
            healthy = True
        finally:
            pool.give(raw, healthy)

    def _health_on(self, con: PgConnection, thorough: bool = False) -> StoreHealth:
        import psycopg

        try:
            rows = con.execute(_COLUMNS_SQL.format(tables="?, ?, ?"), tuple(_TABLES)).fetchall()
            tables: dict[str, set[str]] = {}
            for table, column in rows:
                tables.setdefault(table, set()).add(column)
            if not tables:
                return health("missing", self.path)
            wrong = [
                name
                for name, cols in _TABLES.items()
                if tables.get(name, set()) - {"geom"}
                | (set(ADDED_COLUMNS) if name == "events" else set())
                != set(cols) | (set(ADDED_COLUMNS) if name == "events" else set())
            ]
            if wrong:
                return health(
                    "foreign", self.path, "a database with the tables " + ", ".join(sorted(tables))
                )
            generation = base._state(con)[0]
            if thorough:
                con.execute("SELECT count(*), sum(length(summary)) FROM events").fetchone()
            writable = con.execute(
                "SELECT has_table_privilege('events', 'INSERT, UPDATE, DELETE')"
            ).fetchone()[0]
        except psycopg.Error as err:
            return self._health_of_error(err)
        return health("ok" if writable else "read-only", self.path, generation=generation)

    def _health_of_error(self, err: Exception) -> StoreHealth:
        import psycopg

        if isinstance(err, psycopg.OperationalError):
            return health("unreachable", self.path, _first_line(err))
        code = getattr(err, "sqlstate", None) or ""
        if code == "42501":  # insufficient_privilege
            return health("read-only", self.path, _first_line(err))
        if code.startswith("53"):  # insufficient resources: disk full, out of memory
            return health("full", self.path, _first_line(err))
        return health("server-error", self.path, _first_line(err))

    def require_readable(self) -> None:
        state = self.health()
        if not state.readable:
            raise StoreError(state)

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[PgConnection]:  # type: ignore[override]
        import psycopg

        if write:
            self._check_location()
        with suppress(OSError):  # the read cache (none without a writable folder)
            self.directory.mkdir(parents=True, exist_ok=True)
        with self._pooled() as con:
            try:
                state = self._health_on(con)
                if write:
                    if state.kind not in ("ok", "missing"):
                        raise StoreError(state)
                    if state.kind == "missing":
                        self._create_schema(con)
                elif state.kind == "missing" or not state.readable:
                    raise StoreError(state)
                if state.kind == "ok":
                    self._migrate(con, wait=write)
                yield con
            except psycopg.Error as err:
                raise StoreError(self._health_of_error(err)) from err

    def _create_schema(self, con: PgConnection) -> None:
        """The extension, tables and indexes, and the admin-1 units, in one transaction
        under a lock (two servers may start their first import at once)."""
        con.execute("BEGIN")
        try:
            con.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, SCHEMA_LOCK))
            con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            con.executescript(_schema())
            if con.execute("SELECT count(*) FROM units").fetchone()[0] == 0:
                _insert_units(con, "units", None)
            _set_schema_version(con, PG_SCHEMA_VERSION)  # _schema() is the latest one
            con.execute("COMMIT")
        except BaseException:
            base._rollback(con)
            raise
        _Migrations.done.add(self.url)

    def _migrate(self, con: PgConnection, wait: bool) -> None:
        """Bring a store created by an earlier release up to :data:`PG_SCHEMA_VERSION`
        (:data:`MIGRATIONS`, e.g. the index of the events' unit), once per process: in one
        transaction under the schema's advisory lock (two servers opening it at once
        apply it once), the version read again under the lock and recorded with the
        steps. It never fails an opening: a role that may not change the tables (a
        reader's), or a reader that would wait more than :data:`MIGRATION_LOCK_TIMEOUT`
        behind a running import, leaves it to the next opening by the owner (``wait``: a
        write's opening, which waits its turn)."""
        import psycopg

        if self.url in _Migrations.done or (not wait and self.url in _Migrations.tried):
            return
        _Migrations.tried.add(self.url)
        if _schema_version(con) >= PG_SCHEMA_VERSION:
            _Migrations.done.add(self.url)
            return
        try:
            con.execute("BEGIN")
            if not wait:
                con.execute(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'")
            con.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, SCHEMA_LOCK))
            version = _schema_version(con)
            for step, sql in MIGRATIONS:
                if step > version:
                    con.execute(sql)
            if version < PG_SCHEMA_VERSION:
                _set_schema_version(con, PG_SCHEMA_VERSION)
            con.execute("COMMIT")
        except psycopg.Error:  # not the owner, or an import holds the table: later
            base._rollback(con)
            return
        _Migrations.done.add(self.url)

    def _event_columns(self, con: Any) -> set[str]:
        return {row[1] for row in con.execute(_COLUMNS_SQL.format(tables="'events'")).fetchall()}

    def stamp(self) -> str:
        try:
            generation = self.generation()
        except StoreError as err:
            return f"damaged:{self.path}:{err.health.kind}"
        return "none" if generation is None else f"{self.path}:{generation}"

    def _upsert(self, con: Any, rows: list[tuple]) -> None:
        """The batch copied into a temporary table (COPY, several times faster than one
        INSERT per row), then upserted from it in one statement, the last row of an id
        given twice winning as in the SQLite store."""
        columns = ", ".join(STORED_COLUMNS)
        con.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS incoming ON COMMIT DROP AS "
            f"SELECT {columns} FROM events WITH NO DATA"
        )
        con.execute("TRUNCATE pg_temp.incoming")
        cursor = con.raw.cursor()
        with cursor.copy(f"COPY pg_temp.incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        updates = ", ".join(f"{c}=excluded.{c}" for c in STORED_COLUMNS if c != "id")
        con.execute(
            f"INSERT INTO events ({columns}) SELECT DISTINCT ON (id) {columns} "
            "FROM pg_temp.incoming ORDER BY id, ctid DESC "
            f"ON CONFLICT(id) DO UPDATE SET {updates}"
        )

    # --- locks --------------------------------------------------------------------------
    @contextmanager
    def _dataset_claim(self, name: str) -> Iterator[None]:
        """The dataset's advisory lock, held by a session of its own for the whole write
        (the server drops it if this process dies), or a ``busy`` :class:`StoreError`
        naming the dataset at once (the same message as the SQLite store's)."""
        raw = self._connect_raw()
        try:
            key = (_dataset_key(name),)
            if not PgConnection(raw).execute("SELECT pg_try_advisory_lock(?)", key).fetchone()[0]:
                raise StoreError(health("busy", self.path, name))
            yield
        finally:
            raw.close()  # ends the session, and its lock with it

    @contextmanager
    def import_lock(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """One import, update or removal of the command line at a time across every
        server of the store (a session advisory lock held for the whole check-then-store);
        ``on_wait`` is called once when another holds it, then this one waits its turn."""
        raw = self._connect_raw()
        try:
            con = PgConnection(raw)
            key = (LOCK_SPACE, IMPORT_LOCK)
            if not con.execute("SELECT pg_try_advisory_lock(?, ?)", key).fetchone()[0]:
                if on_wait:
                    on_wait()
                con.execute("SELECT pg_advisory_lock(?, ?)", key)
            yield
        finally:
            raw.close()  # ends the session, and its locks with it

    # --- repair -----------------------------------------------------------------------
    def repair_plan(self) -> RepairPlan:
        """The server keeps its own data safe (its write-ahead log, its backups): there is
        no file to rebuild here, so a store in a bad state is only reported."""
        before = self.health(thorough=True)
        return RepairPlan("none" if before.kind in ("ok", "missing") else "refused", before)

    # --- spatial queries ----------------------------------------------------------------
    def _bbox_condition(
        self, west: float, south: float, east: float, north: float
    ) -> tuple[str, tuple]:
        """ST_Intersects (exact, edges included, through the GiST index)."""
        return (
            "ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))",
            (float(west), float(south), float(east), float(north)),
        )

    def _in_list(self, column: str, values: tuple) -> tuple[str, tuple]:
        """One array parameter, however many values."""
        return f"{column} = ANY(?::text[])", (list(values),)

    def _near_condition(self, lat: float, lon: float, degrees: float) -> tuple[str, tuple]:
        """The points in a box a little larger than the square around the point, through
        the GiST index, then the base store's exact test (the same arithmetic as
        :func:`geo.analysis.selection.events_near`, so the same events)."""
        reach = float(degrees) + NEAR_MARGIN
        box = "geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
        exact, params = super()._near_condition(lat, lon, degrees)
        return (
            f"{box} AND {exact}",
            (lon - reach, lat - reach, lon + reach, lat + reach, *params),
        )

    def counts_per_unit(self, units: gpd.GeoDataFrame | None = None) -> pd.Series:
        """Per unit, the events whose point intersects it, counted in the database: the
        stored admin-1 units by default, else ``units`` (sent into a temporary table for
        this query)."""
        import pandas as pd

        if not self.exists():
            rows: list[tuple[Any, ...]] = []
            ids = sorted(base._units_or_admin1(units)["id"].astype(str))
        else:
            with self.connect() as con:
                table = "units"
                con.execute("BEGIN")
                try:
                    if units is not None:
                        con.execute(
                            "CREATE TEMP TABLE these_units (id TEXT PRIMARY KEY, "
                            "geom geometry(MultiPolygon, 4326) NOT NULL) ON COMMIT DROP"
                        )
                        _insert_units(con, "pg_temp.these_units", units)
                        table = "pg_temp.these_units"
                    rows = con.execute(
                        f"SELECT u.id, count(e.id) FROM {table} u LEFT JOIN events e "
                        "ON ST_Intersects(u.geom, e.geom) GROUP BY u.id "
                        'ORDER BY u.id COLLATE "C"'
                    ).fetchall()
                    con.execute("COMMIT")
                except BaseException:
                    base._rollback(con)
                    raise
            ids = [r[0] for r in rows]
        counts = dict(rows)
        return pd.Series(
            [int(counts.get(i, 0)) for i in ids],
            index=pd.Index(ids, name="id", dtype=object),
            name="events",
            dtype="int64",
        )


# Our tables' columns from the catalogue (information_schema's view of it took tens of
# milliseconds, on every connection's health check).
_COLUMNS_SQL = (
    "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
    "AND c.relname IN ({tables}) AND a.attnum > 0 AND NOT a.attisdropped"
)


class _Migrations:
    """The stores (by address) this process has brought up to :data:`PG_SCHEMA_VERSION`
    (``done``), and those a reader's opening has tried to (``tried``)."""

    done: ClassVar[set[str]] = set()
    tried: ClassVar[set[str]] = set()


def _schema_version(con: PgConnection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_KEY,)).fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _set_schema_version(con: PgConnection, version: int) -> None:
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (SCHEMA_KEY, str(version)),
    )


class _Pool:
    """Idle connections to one database, per address, shared by the threads of this
    process (each session's run is a thread): at most :data:`POOL_SIZE` kept. The locks'
    sessions are never pooled (closing them is what releases a lock)."""

    _pools: ClassVar[dict[str, _Pool]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self.idle: list[psycopg.Connection] = []
        self.lock = threading.Lock()
        self.pid = os.getpid()

    @classmethod
    def of(cls, url: str) -> _Pool:
        with cls._guard:
            pool = cls._pools.get(url)
            if pool is None or pool.pid != os.getpid():  # a forked child opens its own
                pool = cls._pools[url] = cls()
            return pool

    def take(self) -> psycopg.Connection | None:
        with self.lock:
            return self.idle.pop() if self.idle else None

    def give(self, raw: psycopg.Connection, healthy: bool) -> None:
        """Back into the pool when it is idle and the pool not full; else closed."""
        from psycopg.pq import TransactionStatus

        keep = (
            healthy
            and not raw.closed
            and not raw.broken
            and raw.info.transaction_status == TransactionStatus.IDLE
        )
        if keep:
            with self.lock:
                if len(self.idle) < POOL_SIZE:
                    self.idle.append(raw)
                    return
        with suppress(Exception):
            raw.close()


def _insert_units(con: PgConnection, table: str, units: gpd.GeoDataFrame | None) -> None:
    """Write ``units`` (default: the admin-1 units) into ``table`` as multipolygons."""
    from shapely import wkb
    from shapely.geometry import MultiPolygon

    units = base._units_or_admin1(units)
    rows = []
    for unit_id, geometry in zip(units["id"].astype(str), units.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        if geometry.geom_type == "Polygon":
            geometry = MultiPolygon([geometry])
        rows.append((unit_id, wkb.dumps(geometry, hex=True)))
    con.executemany(
        f"INSERT INTO {table} (id, geom) "
        "VALUES (?, ST_SetSRID(ST_GeomFromWKB(decode(?, 'hex')), 4326))",
        rows,
    )


def _dataset_key(name: str) -> int:
    """The 64-bit key of a dataset's advisory lock (the same on every server): a hash of
    the app's lock space and the name, so two datasets share a lock about once in 2**64
    pairs (a 32-bit key: once in four billion). PostgreSQL keeps one-key and two-key
    advisory locks apart, so it never meets the app's two-key locks."""
    digest = hashlib.sha256(f"{LOCK_SPACE}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
