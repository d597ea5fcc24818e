"""Every test runs against a temporary event store, never the user's real one, and with the
command line in English whatever the machine's locale (tests that want French say so).

The tests of the shared store run against a real PostgreSQL/PostGIS server that
:func:`pg_server` starts for the session (Debian's packages, see tests/pgserver.py) and
stops; each test gets a new database (:func:`pg_url`). Without the packages they are
skipped outside CI, with a banner at the end of the run, and fail under ``CI=true``."""

from __future__ import annotations

import itertools
import os

import geopandas as gpd
import pytest

from geo.io.boundaries import load_admin1, load_bfa_provinces, load_countries
from geo.io.store import DATABASE_URL_ENV
from tests import pgserver

PG_TEMPLATE = "sahel_atlas_template"  # a database with PostGIS, copied for each test
_pg_skipped: list[str] = []
_databases = itertools.count()


@pytest.fixture(autouse=True, scope="session")
def _temporary_store(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("store")))
    patch.setenv("SAHEL_ATLAS_LANG", "en")
    patch.delenv(DATABASE_URL_ENV, raising=False)  # never a developer's shared store
    yield
    patch.undo()


@pytest.fixture(scope="session")
def countries() -> gpd.GeoDataFrame:
    return load_countries()


@pytest.fixture(scope="session")
def admin1() -> gpd.GeoDataFrame:
    return load_admin1()


@pytest.fixture(scope="session")
def provinces() -> gpd.GeoDataFrame:
    return load_bfa_provinces()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL/PostGIS server for the session, stopped at its end."""
    reason = pgserver.missing()
    if reason:
        if _in_ci():
            pytest.fail(f"CI=true and no PostgreSQL/PostGIS server can be started: {reason}")
        _pg_skipped.append(reason)
        pytest.skip(f"NO POSTGRESQL/POSTGIS HERE, shared-store tests skipped: {reason}")
    import psycopg

    server = pgserver.start()
    try:
        with psycopg.connect(server.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        with psycopg.connect(server.url(PG_TEMPLATE), autocommit=True) as con:
            con.execute("CREATE EXTENSION postgis")
        yield server
    finally:
        pgserver.stop(server)


@pytest.fixture()
def pg_url(pg_server) -> str:
    """The address of a new, empty database (PostGIS installed) for one test."""
    import psycopg

    name = f"atlas_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path, monkeypatch) -> str:
    """Each backend of the store in turn, chosen as the app chooses it (open_store): the
    SQLite store in a temporary folder, or a new PostgreSQL database (its read cache in
    that folder)."""
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    if request.param == "postgres":
        monkeypatch.setenv(DATABASE_URL_ENV, request.getfixturevalue("pg_url"))
    return request.param


def pytest_terminal_summary(terminalreporter) -> None:
    if _pg_skipped:
        terminalreporter.write_sep(
            "!", "PostgreSQL/PostGIS shared-store tests were SKIPPED", red=True, bold=True
        )
        terminalreporter.write_line(
            f"{_pg_skipped[0]}; they run (and must pass) in CI (make test installs them)."
        )
