"""The map over a slow link: plain ``streamlit run`` and the team deployment side by side.

Issue #16 item 3: over an emulated 400 kbit/s link with 400 ms round trips, the map of the
curated data must be shown in under 20 s on a first visit and under 8 s on a later one, in
the documented deployment (``deploy/``: nginx in front of the app, compressing and caching).

For each setup (``plain``: the app as ``make run`` serves it; ``proxy``: the same app behind
nginx with ``deploy/nginx/sahel-atlas.conf``, and the server's websocket compression on, as
``deploy/compose.yaml`` runs it, over plain HTTP/1.1 (its port 8080); ``proxy-h2``: the
same over HTTPS with HTTP/2 (its port 8443, what the deployment publishes; a self-signed
certificate made for the run)), in Debian Chromium with DevTools' network emulation
(``Network.emulateNetworkConditions``: latency, download and upload throughput; the
emulated latency is added to each request, not to TCP or TLS handshakes):

* ``first_s``: a first visit (a new browser profile: empty HTTP cache), from navigation until
  the map's event layer has painted the curated events;
* ``later_s``: a later visit in the same profile (its HTTP cache kept), a new tab;
* ``http_kb`` / ``font_kb`` / ``ws_kb``: kilobytes received over HTTP (encoded, as on the
  wire), the fonts among them, and over the websocket (payloads after decompression)
  during each visit.

Medians and spreads of ``--repeats`` runs. nginx comes from Debian (``make nginx``).

    python -m scripts.benchmark_slowlink [--repeats 3] [--kbit 400] [--rtt-ms 400]
        [--setups plain proxy proxy-h2] [--out artifacts/benchmark_slowlink.json]
        [--requests artifacts/slowlink_requests.json]

With ``--requests``, each visit's HTTP requests (URL, resource type, bytes on the wire, when
it started and ended, from DevTools' Network events) are written there as JSON, and the first
run's first visit of each setup is printed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from geo.ui.http import SYSTEM_FONTS_SETTINGS
from tests.browser.server import free_port, streamlit_server

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NGINX_TEMPLATE = REPO / "deploy" / "nginx" / "sahel-atlas.conf"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")

TEAM_ENV = {
    "STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "true",
    "SAHEL_ATLAS_ROLE_HEADER": "X-Sahel-Atlas-Role",
    **SYSTEM_FONTS_SETTINGS,
}
"""The app's settings in deploy/compose.yaml (kept equal by tests/test_deploy.py)."""

PROXIED = {"proxy": False, "proxy-h2": True}
"""The setups behind the deployment's nginx -> over HTTPS with HTTP/2 (else plain HTTP/1.1)."""
SETUPS = ("plain", *PROXIED)

PAINTED_JS = """() => {
  for (const frame of Array.from(document.querySelectorAll('iframe'))) {
    try {
      const s = frame.contentWindow && frame.contentWindow.atlasPointStats;
      if (s && s.drawn > 0) return true;
    } catch (e) { /* another origin */ }
  }
  return false;
}"""
"""True once the map's event layer (geo/render/mapjs/atlas_points.js) has painted events."""


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


USERS = {"amina": ("editor", "amina-pass"), "bakary": ("reader", "bakary-pass")}
"""The benchmark's (and tests') sign-in: user -> (role, password)."""


def write_access(directory: Path, users: dict[str, tuple[str, str]] = USERS) -> None:
    """users.htpasswd (nginx's ``{PLAIN}`` scheme: a throwaway test file) and editors.map."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "users.htpasswd").write_text(
        "".join(f"{name}:{{PLAIN}}{password}\n" for name, (_, password) in users.items()),
        encoding="utf-8",
    )
    (directory / "editors.map").write_text(
        "".join(f"{name} editor;\n" for name, (role, _) in users.items() if role == "editor"),
        encoding="utf-8",
    )


def basic_auth(user: str) -> str:
    token = base64.b64encode(f"{user}:{USERS[user][1]}".encode()).decode()
    return f"Basic {token}"


def self_signed(directory: Path) -> None:
    """A throwaway certificate for 127.0.0.1 (cert.pem, key.pem), as deploy/proxy.Dockerfile
    makes one on a first start."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )


def streamlit_version() -> str:
    from importlib.metadata import version

    return version("streamlit")


def spki_hash(cert: Path) -> str:
    """Base64 of the SHA-256 of ``cert``'s public key (Chromium's
    ``--ignore-certificate-errors-spki-list``)."""
    public = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], capture_output=True, check=True
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=public,
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def nginx_conf(
    template: Path,
    listen: int,
    upstream: str,
    work: Path,
    tls_listen: int | None = None,
    icons: bool = False,
    precompressed: bool = False,
) -> Path:
    """The deployment's nginx configuration with this run's ports and a temporary prefix
    (the template's ``listen 8080``, ``listen 8443 ssl http2`` and ``server app:8501``
    become loopback ports; without ``tls_listen`` the HTTPS listener is left out). With
    ``icons``, the cut icon font is built into the proxy's folder, and with
    ``precompressed`` Streamlit's bundles and their Brotli copies, as the proxy's image
    does (kept in artifacts/ for the next run: half a minute of compression); without,
    those files come from the app, as they are."""
    folder = work / "static"
    if precompressed:
        from scripts.precompress_static import build as precompress

        folder = ARTIFACTS / f"proxy-static-{streamlit_version()}"
        precompress(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if icons:
        from scripts.build_icon_font import build

        build(folder)
    text = template.read_text(encoding="utf-8")
    text = text.replace("/srv/sahel-atlas/static", str(folder))
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    https = f"listen 127.0.0.1:{tls_listen} ssl http2;" if tls_listen else ""
    text = text.replace("listen 8443 ssl http2;", https)
    self_signed(work / "tls")
    text = text.replace("/etc/nginx/tls", str(work / "tls"))
    write_access(work / "access")
    text = text.replace("server app:8501;", f"server {upstream};")
    text = text.replace("/var/cache/nginx/sahel-atlas", str(work / "cache"))
    text = text.replace("/etc/nginx/sahel-atlas", str(work / "access"))
    # Started by root (CI), nginx would hand its workers to "nobody", who cannot reach a
    # private temporary directory: this throwaway server's workers keep the caller's user.
    user = "user root;" if os.geteuid() == 0 else ""
    main = f"""
{user}
load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  access_log {work}/access.log;
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
{text}
}}
"""
    path = work / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


@contextmanager
def nginx(
    upstream_url: str, work: Path, https: bool = False, precompressed: bool = False
) -> Iterator[str]:
    """nginx with the deployment's configuration (the cut icon font included; with
    ``precompressed``, the Brotli-11 bundles too) in front of ``upstream_url``; yields its
    plain-HTTP address, or with ``https`` its HTTPS (HTTP/2, self-signed) address."""
    port, tls_port = free_port(), free_port()
    upstream = upstream_url.removeprefix("http://")
    conf = nginx_conf(
        NGINX_TEMPLATE,
        port,
        upstream,
        work,
        tls_listen=tls_port,
        icons=True,
        precompressed=precompressed,
    )
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            request = urllib.request.Request(
                f"{url}/_stcore/health", headers={"Authorization": basic_auth("bakary")}
            )
            try:
                with urllib.request.urlopen(request, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                error = (work / "error.log").read_text() if (work / "error.log").exists() else ""
                raise RuntimeError(f"nginx did not start: {error[-2000:]}")
            time.sleep(0.2)
        yield f"https://127.0.0.1:{tls_port}" if https else url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Traffic:
    """Bytes a page receives over HTTP (on the wire; fonts among them) and over its
    websockets (the frames' payloads as DevTools reports them: after decompression), and
    each request (:meth:`requests`: what ``--requests`` writes)."""

    def __init__(self, cdp: Any) -> None:
        self.http = 0
        self.fonts = 0
        self.ws = 0
        self._font_ids: set[str] = set()
        self._requests: dict[str, dict] = {}
        self._t0: float | None = None
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.webSocketFrameReceived", self._ws)

    def _since(self, timestamp: float) -> float:
        """Seconds since the first request (DevTools' monotonic ``timestamp``)."""
        if self._t0 is None:
            self._t0 = timestamp
        return round(timestamp - self._t0, 3)

    def _sent(self, event: dict) -> None:
        start = self._since(float(event["timestamp"]))
        self._requests.setdefault(
            event["requestId"],
            {"url": event["request"]["url"], "type": event.get("type", ""), "start_s": start},
        )

    def _response(self, event: dict) -> None:
        if event.get("type") == "Font":
            self._font_ids.add(event["requestId"])
        row = self._requests.get(event["requestId"])
        if row is not None:
            response = event.get("response", {})
            row["status"] = response.get("status")
            row["cached"] = bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))
            row["protocol"] = response.get("protocol", "")

    def _http(self, event: dict) -> None:
        size = int(event.get("encodedDataLength", 0))
        self.http += size
        if event.get("requestId") in self._font_ids:
            self.fonts += size
        row = self._requests.get(event["requestId"])
        if row is not None:
            row["bytes"] = size
            row["end_s"] = self._since(float(event["timestamp"]))

    def _failed(self, event: dict) -> None:
        row = self._requests.get(event["requestId"])
        if row is not None:
            row["failed"] = event.get("errorText", "")
            row["end_s"] = self._since(float(event["timestamp"]))

    def _ws(self, event: dict) -> None:
        self.ws += len(event.get("response", {}).get("payloadData", ""))

    def requests(self) -> list[dict]:
        """Each HTTP request of the visit, in the order they were sent: URL, resource type,
        bytes on the wire, when it started and ended (seconds since the first)."""
        return sorted(self._requests.values(), key=lambda row: row["start_s"])


def emulate(page: Any, kbit: float, rtt_ms: float) -> Traffic:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": rtt_ms,
            "downloadThroughput": kbit * 1000 / 8,
            "uploadThroughput": kbit * 1000 / 8,
        },
    )
    return Traffic(cdp)


def visit(
    context: Any,
    url: str,
    kbit: float,
    rtt_ms: float,
    timeout_s: float,
    requests: list[dict] | None = None,
) -> dict:
    """One visit's figures; with ``requests``, its HTTP requests are appended to it."""
    page = context.new_page()
    traffic = emulate(page, kbit, rtt_ms)
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function(PAINTED_JS, timeout=timeout_s * 1000, polling=100)
    seconds = time.perf_counter() - start
    page.wait_for_timeout(500)  # the run's last messages
    out = {
        "s": round(seconds, 2),
        "http_kb": round(traffic.http / 1000, 1),
        "font_kb": round(traffic.fonts / 1000, 1),
        "ws_kb": round(traffic.ws / 1000, 1),
    }
    if requests is not None:
        requests.extend(traffic.requests())
    page.close()
    return out


def run_setup(
    browser: Any,
    url: str,
    repeats: int,
    kbit: float,
    rtt_ms: float,
    timeout_s: float,
    signed_in: bool = False,
    requests: list[dict] | None = None,
) -> list[dict]:
    """``repeats`` first and later visits; with ``requests``, each visit's requests are
    appended to it (``{"run", "visit", "requests"}``)."""
    runs = []
    for i in range(repeats):
        # Signed in by a header sent with every request, as a browser does once it has the
        # credentials (Playwright's http_credentials would intercept every request and, with
        # that, bypass the browser's cache: a later visit would fetch everything again).
        headers = {"Authorization": basic_auth("bakary")} if signed_in else {}
        context = browser.new_context(
            viewport={"width": 1400, "height": 950},
            extra_http_headers=headers,
        )
        try:
            visits = {}
            for name in ("first", "later"):
                listed: list[dict] | None = None if requests is None else []
                visits[name] = visit(context, url, kbit, rtt_ms, timeout_s, listed)
                if requests is not None:
                    requests.append({"run": i + 1, "visit": name, "requests": listed})
            first, later = visits["first"], visits["later"]
        finally:
            context.close()
        row = {f"first_{k}": v for k, v in first.items()} | {
            f"later_{k}": v for k, v in later.items()
        }
        log(f"    run {i + 1}: {row}")
        runs.append(row)
    return runs


def request_table(requests: list[dict], width: int = 70) -> str:
    """``requests`` (:meth:`Traffic.requests`) as lines: start and end (s), kB on the wire,
    type and the URL's path (its last ``width`` characters)."""
    lines = ["start_s   end_s     kB  type        path"]
    for row in requests:
        path = row["url"].split("://", 1)[-1].split("/", 1)[-1]
        path = "/" + path if len(path) < width else "…" + path[-width:]
        end = f"{row['end_s']:7.2f}" if "end_s" in row else "      -"
        kb = row.get("bytes", 0) / 1000
        lines.append(f"{row['start_s']:7.2f} {end} {kb:6.1f}  {row['type'][:10]:10}  {path}")
    return "\n".join(lines)


def summary(runs: list[dict]) -> dict:
    return {
        key: {
            "median": round(statistics.median(r[key] for r in runs), 2),
            "min": min(r[key] for r in runs),
            "max": max(r[key] for r in runs),
        }
        for key in runs[0]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kbit", type=float, default=400.0)
    parser.add_argument("--rtt-ms", type=float, default=400.0)
    parser.add_argument(
        "--setups", nargs="+", default=["plain", "proxy", "proxy-h2"], choices=SETUPS
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per visit")
    parser.add_argument("--out", type=Path, default=ARTIFACTS / "benchmark_slowlink.json")
    parser.add_argument(
        "--requests",
        type=Path,
        help="write each visit's HTTP requests (URL, type, bytes, start and end) as JSON here",
    )
    args = parser.parse_args(argv)
    if PROXIED.keys() & set(args.setups) and not Path(NGINX).exists():
        parser.error(f"{NGINX} not found: `make nginx` installs it from Debian")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="sahel-slowlink-"))
    results: dict[str, Any] = {
        "kbit": args.kbit,
        "rtt_ms": args.rtt_ms,
        "repeats": args.repeats,
        "loadavg_start": os.getloadavg(),
        "setups": {},
    }
    data_dir = work / "data"  # an empty store: the curated events
    data_dir.mkdir()
    listed: dict[str, list[dict]] = {}
    try:
        with sync_playwright() as pw:
            for setup in args.setups:
                env = {"SAHEL_ATLAS_DATA_DIR": str(data_dir)}
                proxied = setup in PROXIED
                if proxied:  # as deploy/compose.yaml runs the app
                    env |= TEAM_ENV
                log(f"{setup}: {args.kbit:g} kbit/s, {args.rtt_ms:g} ms round trips")
                with contextlib.ExitStack() as stack:
                    url = stack.enter_context(streamlit_server(work / f"{setup}.log", env=env))
                    chromium_args = ["--no-sandbox"]
                    if proxied:
                        (work / setup).mkdir()
                        proxy = nginx(url, work / setup, PROXIED[setup], precompressed=True)
                        url = stack.enter_context(proxy)
                        # The run's certificate trusted as a real one would be: Chromium
                        # keeps nothing in its HTTP cache from a site with a certificate
                        # error, and a later visit would fetch everything again.
                        spki = spki_hash(work / setup / "tls" / "cert.pem")
                        chromium_args.append(f"--ignore-certificate-errors-spki-list={spki}")
                    browser = pw.chromium.launch(executable_path=CHROMIUM, args=chromium_args)
                    stack.callback(browser.close)
                    runs = run_setup(
                        browser,
                        url,
                        args.repeats,
                        args.kbit,
                        args.rtt_ms,
                        args.timeout,
                        signed_in=proxied,
                        requests=listed.setdefault(setup, []) if args.requests else None,
                    )
                results["setups"][setup] = {"runs": runs, "summary": summary(runs)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        results["loadavg_end"] = os.getloadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
        if args.requests:
            args.requests.parent.mkdir(parents=True, exist_ok=True)
            args.requests.write_text(json.dumps(listed, indent=1), encoding="utf-8")
    print(
        "| setup | first visit (s) | later visit (s) | first HTTP (fonts) / ws KB "
        "| later HTTP / ws KB |"
    )
    print("|---|---|---|---|---|")
    for setup, result in results["setups"].items():
        s = result["summary"]

        def cell(key: str, s: dict = s) -> str:
            return f"{s[key]['median']} [{s[key]['min']}-{s[key]['max']}]"

        print(
            f"| {setup} | {cell('first_s')} | {cell('later_s')} | "
            f"{s['first_http_kb']['median']} ({s['first_font_kb']['median']}) / "
            f"{s['first_ws_kb']['median']} | "
            f"{s['later_http_kb']['median']} / {s['later_ws_kb']['median']} |"
        )
    print(f"raw figures: {args.out}")
    if args.requests:
        for setup, visits in listed.items():
            if visits:
                print(f"\n{setup}, run 1, first visit:")
                print(request_table(visits[0]["requests"]))
        print(f"requests: {args.requests}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
