"""A throwaway PostgreSQL/PostGIS server for the tests of the shared store.

:func:`start` runs Debian's ``initdb`` into a new temporary folder and starts ``postgres`` on
a free port with its socket in that folder (no TCP listener: nothing outside the machine can
reach it), as the ``postgres`` user when the tests run as root (the server refuses to run as
root). :func:`stop` stops it and deletes the folder. :func:`missing` says why it cannot be
started here (no binaries, no PostGIS), or ``None``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("SAHEL_ATLAS_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
SERVER_USER = "postgres"  # the Debian package's system user


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    run_as: str | None

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@/{database}?host={self.socket_dir}&port={self.port}"


def missing() -> str | None:
    """Why no server can be started here, or None."""
    for program in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / program).exists():
            return f"{PG_BIN / program} is missing (Debian: apt-get install postgresql)"
    if not POSTGIS_CONTROL.exists():
        return f"{POSTGIS_CONTROL} is missing (Debian: apt-get install postgresql-15-postgis-3)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run the server"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(server_user: str | None, *args: str) -> None:
    command = [*(("runuser", "-u", server_user, "--") if server_user else ()), *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def start() -> Server:
    """A new cluster in a temporary folder, started; the caller stops it (:func:`stop`)."""
    run_as = SERVER_USER if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="sahel-atlas-pg-"))
    server = Server(folder, _free_port(), run_as)
    server.socket_dir.mkdir()
    if run_as:
        user = pwd.getpwnam(run_as)
        for path in (folder, server.socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
    data = folder / "data"
    try:
        _run(
            run_as,
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            SERVER_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = (
            f"-k {server.socket_dir} -p {server.port} -c listen_addresses='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            run_as,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        log = folder / "server.log"
        detail = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"the test PostgreSQL server did not start: {err}\n{detail}") from err
    return server


def stop(server: Server) -> None:
    try:
        _run(
            server.run_as,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(server.folder / "data"),
            "-m",
            "fast",
            "-w",
            "stop",
        )
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
