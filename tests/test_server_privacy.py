"""The dashboard as a user launches it (``streamlit run dashboard.py``, the project's config):
it listens on this machine only and asks nothing of the outside world at start-up.

Streamlit's defaults listen on every interface (a user's licensed ACLED data served to the
whole network) and look up the machine's public address at ``checkip.amazonaws.com``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import free_port

REPO = Path(__file__).resolve().parents[1]


class RecordingProxy:
    """A loopback TCP listener standing in for an HTTP(S) proxy: it records every connection
    (every request the server tries to make to the outside goes through it) and answers
    nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    self.connections.append(conn.recv(200))
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def launched(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[int, RecordingProxy, Path]]:
    """``streamlit run dashboard.py`` with nothing but a port on the command line, every
    outgoing HTTP(S) request routed to a recording proxy."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp to read listening sockets")
    proxy = RecordingProxy()
    port = free_port()
    log = tmp_path_factory.mktemp("privacy") / "server.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower()
        not in {"no_proxy", "streamlit_server_address", "streamlit_browser_gather_usage_stats"}
    }
    proxy_url = f"http://127.0.0.1:{proxy.port}"
    env.update(
        HTTP_PROXY=proxy_url,
        HTTPS_PROXY=proxy_url,
        http_proxy=proxy_url,
        https_proxy=proxy_url,
        SAHEL_ATLAS_DATA_DIR=str(log.parent / "data"),
    )
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 60
        while "URL:" not in log.read_text():  # printed once start-up is over
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.2)
        with _no_proxy_opener().open(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
        yield port, proxy, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        proxy.close()


def test_the_server_listens_on_loopback_only(launched):
    port, _, log = launched
    addresses = _listening_addresses(port)
    assert addresses == {"0100007F"}, (addresses, log.read_text())  # 127.0.0.1 only


def test_start_up_asks_nothing_of_the_outside_world(launched):
    _, proxy, log = launched
    assert proxy.connections == [], (proxy.connections, log.read_text())
    assert "Network URL" not in log.read_text()
    assert "External URL" not in log.read_text()
