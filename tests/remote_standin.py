"""A local stand-in for ACLED's and UCDP's APIs (http.server in a thread, 127.0.0.1).

It replays the documented request and response shapes (see geo/io/remote_sources.py):
ACLED's OAuth token endpoint (password and refresh grants), ``/api/acled/read`` and
``/api/deleted/read`` with ``_format=json``, their filters (``iso``, ``country``,
``event_date``, ``timestamp`` with ``*_where``), ``limit``/``page``; UCDP's
``/api/gedevents/<version>`` with ``x-ucdp-access-token``, ``pagesize``/``page`` and
``TotalCount``/``TotalPages``/``NextPageUrl``/``Result``. Faults on demand: an expired
token (401), 429 with Retry-After, a connection closed in the middle of a response, a
malformed body.

Every row is invented for the tests (names, places, numbers): no third-party data.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME = "analyst@example.org"
PASSWORD = "Pw-7qZ!sahel-test-secret"
UCDP_TOKEN = "ucdp-tok-3f9a1c77-invented"

# (iso, country, admin1, location, lat, lon) of invented places in the AES states.
_PLACES = (
    ("466", "Mali", "Mopti", "Kelimbo", "14.4843", "-4.1960"),
    ("854", "Burkina Faso", "Sahel", "Dabori", "14.0379", "-0.0387"),
    ("562", "Niger", "Tillaberi", "Waraou", "14.2117", "1.4531"),
)


def acled_row(
    n: int,
    timestamp: int,
    fatalities: int = 1,
    event_type: str = "Battles",
    latitude: str | None = None,
) -> dict:
    """One invented ACLED row in the API's JSON shape (values as text, as ACLED sends)."""
    iso, country, admin1, location, lat, lon = _PLACES[n % 3]
    prefix = {"466": "MLI", "854": "BFA", "562": "NER"}[iso]
    sub = {
        "Battles": "Armed clash",
        "Protests": "Peaceful protest",
        "Violence against civilians": "Attack",
    }.get(event_type, "")
    return {
        "event_id_cnty": f"{prefix}9{n:04d}",
        "event_date": f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}",
        "year": "2025",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": "Invented Armed Group A",
        "assoc_actor_1": "",
        "inter1": "Rebel group",
        "actor2": f"Military Forces of {country} (2021-)",
        "assoc_actor_2": "",
        "inter2": "State forces",
        "interaction": "Rebel group-State forces",
        "civilian_targeting": "",
        "iso": iso,
        "region": "Western Africa",
        "country": country,
        "admin1": admin1,
        "admin2": "",
        "admin3": "",
        "location": location,
        "latitude": latitude or lat,
        "longitude": lon,
        "geo_precision": "1",
        "source": "Invented Wire",
        "source_scale": "National",
        "notes": f'Invented event number {n} for the tests; "quoted", with a comma.',
        "fatalities": str(fatalities),
        "tags": "",
        "timestamp": str(timestamp),
    }


def ucdp_row(n: int) -> dict:
    """One invented UCDP GED row in the API's JSON shape (numbers as numbers)."""
    gw, country, adm, place, lat, lon = (
        ("432", "Mali", "Mopti region", "Kelimbo", 14.4843, -4.196),
        ("439", "Burkina Faso", "Sahel region", "Dabori", 14.0379, -0.0387),
        ("436", "Niger", "Tillaberi region", "Waraou", 14.2117, 1.4531),
    )[n % 3]
    day = f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}"
    return {
        "id": 880000 + n,
        "relid": f"INV-2024-1-{n}",
        "year": 2024,
        "active_year": True,
        "code_status": "Clear",
        "type_of_violence": 1 + n % 3,
        "conflict_dset_id": "900",
        "conflict_new_id": 900,
        "conflict_name": f"{country}: Invented",
        "dyad_dset_id": "901",
        "dyad_new_id": 901,
        "dyad_name": f"Government of {country} - Invented Group",
        "side_a_dset_id": "1",
        "side_a_new_id": 1,
        "side_a": f"Government of {country}",
        "side_b_dset_id": "2",
        "side_b_new_id": 2,
        "side_b": "Invented Group",
        "number_of_sources": 1,
        "source_article": "Invented article",
        "source_office": "",
        "source_date": day,
        "source_headline": "Invented headline",
        "source_original": "",
        "where_prec": 1,
        "where_coordinates": place,
        "where_description": place,
        "adm_1": adm,
        "adm_2": "",
        "latitude": lat,
        "longitude": lon,
        "geom_wkt": f"POINT ({lon} {lat})",
        "priogrid_gid": 123000 + n,
        "country": country,
        "country_id": int(gw),
        "region": "Africa",
        "event_clarity": 1,
        "date_prec": 1,
        "date_start": f"{day}T00:00:00",
        "date_end": f"{day}T00:00:00",
        "deaths_a": 1,
        "deaths_b": 1,
        "deaths_civilians": 0,
        "deaths_unknown": 0,
        "best": 2 + n % 5,
        "high": 3 + n % 5,
        "low": 1,
        "gwnoa": gw,
        "gwnob": "",
    }


@dataclass
class StandIn:
    """The state of the stand-in; tests change it between runs."""

    rows: list[dict] = field(default_factory=list)
    deleted: list[dict] = field(default_factory=list)
    ucdp: dict[str, list[dict]] = field(default_factory=dict)  # version -> rows
    access: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)
    issued: list[str] = field(default_factory=list)  # every token handed out
    grants: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    expire_next: int = 0  # the next N authorised reads answer 401 (token expired)
    refuse_refresh: bool = False
    throttle: int = 0  # the next N reads answer 429
    retry_after: str = "0"
    drop_once: set[int] = field(default_factory=set)  # read pages closed mid-response once
    drop_always: set[int] = field(default_factory=set)
    malformed_pages: set[int] = field(default_factory=set)
    redirect: str = ""  # a Location every read is sent to (302)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reads(self, path: str) -> list[dict[str, str]]:
        return [q for p, q in self.requests if p == path]


def _filtered(rows: list[dict], q: dict[str, str]) -> list[dict]:
    out = rows
    if "iso" in q:
        out = [r for r in out if r["iso"] in q["iso"].split("|")]
    if "country" in q:
        out = [r for r in out if r["country"] in q["country"].split("|")]
    if "event_date" in q:
        assert q.get("event_date_where") == ">="
        out = [r for r in out if r["event_date"] >= q["event_date"]]
    if "timestamp" in q:
        assert q.get("timestamp_where") == ">"
        out = [r for r in out if int(r["timestamp"]) > int(q["timestamp"])]
    # ACLED's order is not documented: newest events first, as older guides said.
    return sorted(out, key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True)


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            payload: object,
            headers: dict | None = None,
            drop: bool = False,
            raw: bytes | None = None,
        ) -> None:
            body = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if drop:  # half the body, then the connection goes
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def _tokens(self) -> dict:
            access, refresh = secrets.token_hex(16), secrets.token_hex(16)
            state.access.add(access)
            state.refresh.add(refresh)
            state.issued += [access, refresh]
            return {
                "token_type": "Bearer",
                "expires_in": 86400,
                "access_token": access,
                "refresh_token": refresh,
            }

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            path = urllib.parse.urlsplit(self.path).path
            if path != "/oauth/token":
                return self._send(404, {"error": "not found"})
            grant = form.get("grant_type", "")
            state.grants.append(grant)
            if form.get("client_id") != "acled":
                return self._send(400, {"error": "invalid_client"})
            if grant == "password":
                if (
                    form.get("username") == USERNAME
                    and form.get("password") == PASSWORD
                    and form.get("scope") == "authenticated"
                ):
                    return self._send(200, self._tokens())
                return self._send(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "The user credentials were incorrect.",
                    },
                )
            if grant == "refresh_token":
                token = form.get("refresh_token", "")
                if not state.refuse_refresh and token in state.refresh:
                    state.refresh.discard(token)
                    return self._send(200, self._tokens())
                return self._send(400, {"error": "invalid_grant"})
            return self._send(400, {"error": "unsupported_grant_type"})

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(parts.query))
            state.requests.append((parts.path, q))
            if parts.path.startswith("/api/gedevents/"):
                return self._ucdp(parts.path.rsplit("/", 1)[1], q)
            if state.redirect and parts.path == "/api/acled/read":
                return self._send(302, {}, {"Location": state.redirect})
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in state.access:
                return self._send(401, {"error": "unauthorized"})
            if state.expire_next:
                state.expire_next -= 1
                state.access.discard(token)
                return self._send(401, {"error": "token expired"})
            if state.throttle:
                state.throttle -= 1
                return self._send(
                    429, {"error": "too many requests"}, {"Retry-After": state.retry_after}
                )
            assert q.get("_format") == "json"
            limit, page = int(q.get("limit", 5000)), int(q.get("page", 1))
            if parts.path == "/api/acled/read":
                rows = _filtered(state.rows, q)
            elif parts.path == "/api/deleted/read":
                rows = state.deleted
                if "deleted_timestamp" in q:
                    assert q.get("deleted_timestamp_where") == ">"
                    rows = [
                        r for r in rows if int(r["deleted_timestamp"]) > int(q["deleted_timestamp"])
                    ]
            else:
                return self._send(404, {"error": "not found"})
            chunk = rows[(page - 1) * limit : page * limit]
            payload = {
                "status": 200,
                "success": True,
                "last_update": 0,
                "count": len(chunk),
                "messages": [],
                "data": chunk,
                "filename": "invented",
            }
            if parts.path == "/api/acled/read" and page in state.malformed_pages:
                return self._send(200, None, raw=b'{"status": 200, "data": [{"event_id')
            drop = parts.path == "/api/acled/read" and (
                page in state.drop_always or page in state.drop_once
            )
            state.drop_once.discard(page)
            return self._send(200, payload, drop=drop)

        def _ucdp(self, version: str, q: dict[str, str]) -> None:
            if self.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
                return self._send(401, {"error": "token required"})
            if version not in state.ucdp:
                return self._send(404, {"error": "no such version"})
            rows = state.ucdp[version]
            if "Country" in q:
                rows = [r for r in rows if str(r["country_id"]) in q["Country"].split(",")]
            size, page = int(q.get("pagesize", 100)), int(q.get("page", 0))
            pages = -(-len(rows) // size)
            base = f"{state.url}/api/gedevents/{version}?pagesize={size}"
            chunk = rows[page * size : (page + 1) * size]
            if page in state.drop_always:
                return self._send(200, {"Result": chunk}, drop=True)
            return self._send(
                200,
                {
                    "TotalCount": len(rows),
                    "TotalPages": pages,
                    "PreviousPageUrl": f"{base}&page={page - 1}" if page else "",
                    "NextPageUrl": f"{base}&page={page + 1}" if page + 1 < pages else "",
                    "Result": chunk,
                },
            )

    return Handler


def serve() -> tuple[StandIn, ThreadingHTTPServer]:
    """A running stand-in on a free port of 127.0.0.1 (stop it with ``shutdown()``)."""
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
