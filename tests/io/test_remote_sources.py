"""Updates from ACLED's and UCDP's APIs against a local stand-in (tests/remote_standin.py)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from geo.io import cli as importer
from geo.io import remote_sources
from geo.io.importers import commit, prepare
from geo.io.remote_sources import (
    AcledApi,
    AcledCredentials,
    Http,
    RemoteError,
    Secret,
    UcdpApi,
    retry_after,
    update_acled,
    update_ucdp,
    write_rows_csv,
)
from geo.io.store import DATABASE_URL_ENV, Store, open_store
from tests import remote_standin
from tests.remote_standin import PASSWORD, UCDP_TOKEN, USERNAME, acled_row, ucdp_row

T0 = 1_733_000_000  # timestamps of the first rows (invented)
ROWS = 23  # 5 pages of 5 rows, the last short


@pytest.fixture()
def server():
    state, httpd = remote_standin.serve()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def store(request, tmp_path, monkeypatch) -> Store:
    """The SQLite store; a test marked :data:`BOTH_BACKENDS` also runs on the shared one."""
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    if getattr(request, "param", "sqlite") == "postgres":
        monkeypatch.setenv(DATABASE_URL_ENV, request.getfixturevalue("pg_url"))
    return open_store()


BOTH_BACKENDS = pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)


def first_rows() -> list[dict]:
    rows = [acled_row(n, T0 + n) for n in range(ROWS)]
    # skipped: a type outside ACLED's typology (protests are imported)
    rows[4] = acled_row(4, T0 + 4, event_type="Non-political event")
    rows[7] = acled_row(7, T0 + 7, latitude="north")  # rejected: not a coordinate
    return rows


class Waits(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def api(server, password: str = PASSWORD, waits: Waits | None = None) -> AcledApi:
    return AcledApi(
        AcledCredentials(USERNAME, Secret(password), "form"),
        base=server.url,
        http_client=Http(sleep=waits if waits is not None else Waits(), timeout=10),
    )


def update(store: Store, server, **kw) -> remote_sources.UpdateReport:
    waits = kw.pop("waits", None)
    return update_acled(store, api(server, waits=waits), limit=5, batch_rows=5, **kw)


def by_id(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values("id", ignore_index=True)


@BOTH_BACKENDS
def test_first_update_stores_every_row_as_an_import_of_the_same_rows(server, store, tmp_path):
    server.rows = first_rows()
    report = update(store, server)
    assert report.complete and report.full
    assert report.pages == 5 and report.fetched == ROWS
    assert report.skipped_rows == 1 and report.rejected == 1
    assert report.accepted == ROWS - 2 == report.statuses["new"] == report.written
    assert [q["page"] for q in server.reads("/api/acled/read")] == ["1", "2", "3", "4", "5"]
    first = server.reads("/api/acled/read")[0]
    assert first["iso"] == "466|562|854" and "timestamp" not in first
    assert not server.reads("/api/deleted/read")  # an empty dataset has nothing to delete
    # The same rows imported as an ACLED export: the same events.
    csv = tmp_path / "export.csv"
    write_rows_csv(server.rows, csv)
    other = Store(tmp_path / "other")
    plan = prepare(csv, fmt="acled", store=other)
    commit(plan, other)
    pd.testing.assert_frame_equal(by_id(store.load_events()), by_id(other.load_events()))
    assert (len(plan.rejected), plan.skipped_rows) == (report.rejected, report.skipped_rows)
    [info] = store.datasets()
    assert (info.name, info.format, info.count) == ("acled", "acled", ROWS - 2)
    assert info.file_name == "ACLED API"
    # A row's problem is numbered through the whole download (header = row 1).
    assert {p.row for p in report.problems} == {first_page_position(server.rows, 7)}


def first_page_position(rows: list[dict], n: int) -> int:
    """The row number of invented row ``n`` in the download (the stand-in's order)."""
    ordered = sorted(rows, key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True)
    return 2 + [r["event_id_cnty"] for r in ordered].index(rows[n]["event_id_cnty"])


@BOTH_BACKENDS
def test_second_update_fetches_only_newer_rows_and_applies_deletions(server, store):
    server.rows = first_rows()
    update(store, server)
    newest = max(int(r["timestamp"]) for r in server.rows)
    now = int(time.time())
    # ACLED changes two events, adds three and deletes two.
    rows = {r["event_id_cnty"]: r for r in server.rows}
    changed = [acled_row(n, now, fatalities=9) for n in (1, 2)]
    added = [acled_row(n, now + 1) for n in (100, 101, 102)]
    gone = [server.rows[n]["event_id_cnty"] for n in (5, 6)]
    for r in changed + added:
        rows[r["event_id_cnty"]] = r
    for ident in gone:
        del rows[ident]
    server.rows = list(rows.values())
    server.deleted = [{"event_id_cnty": i, "deleted_timestamp": str(now)} for i in gone]
    server.requests.clear()
    report = update(store, server)
    assert not report.full and report.since == newest
    assert report.fetched == 5 and report.pages == 2  # a full page, then an empty one
    assert report.statuses["update"] == 2 and report.statuses["new"] == 3
    assert report.deletions_fetched == 2 and report.deleted == 2
    read = server.reads("/api/acled/read")[0]
    assert (read["timestamp"], read["timestamp_where"]) == (str(newest), ">")
    deleted_query = server.reads("/api/deleted/read")[0]
    assert int(deleted_query["deleted_timestamp"]) < now
    events = store.load_events().set_index("id")
    assert not {f"acled:{i}" for i in gone} & set(events.index)
    assert events.loc[f"acled:{changed[0]['event_id_cnty']}", "fatalities_low"] == 9
    assert len(events) == ROWS - 2 + 3 - 2
    # A third update: the rows changed in the hour before the last update started are
    # fetched again (ACLED may have changed them while it ran), unchanged, not written;
    # the deletions already applied are not asked again.
    server.requests.clear()
    third = update(store, server)
    assert third.fetched == 5 and third.statuses["unchanged"] == 5 and third.written == 0
    assert third.deleted == 0
    assert int(server.reads("/api/deleted/read")[0]["deleted_timestamp"]) == now
    # Once the last changes are older than that hour, nothing is fetched.
    assert remote_sources.high_water(now + 1, now + 7200, newest) == now + 1
    assert remote_sources.high_water(now + 1, now, newest) == now - 3600
    assert remote_sources.high_water(5, 10_000, None) == 5
    assert remote_sources.high_water(0, 10_000, None) is None


@BOTH_BACKENDS
def test_an_interrupted_update_resumes_and_ends_as_one_run(server, store, tmp_path):
    server.rows = first_rows()
    server.drop_always = {3}
    with pytest.raises(RemoteError) as caught:
        update(store, server)
    err = caught.value
    assert err.kind == "network" and "connection" in str(err)
    assert "continues where it stopped" in str(err)
    assert err.report is not None and err.report.pages == 2
    stored = len(store.load_events())
    assert stored == err.report.written > 0  # pages 1 and 2 stay stored
    server.drop_always = set()
    server.requests.clear()
    report = update(store, server)
    assert report.resumed_page == 3 and report.complete
    assert [q["page"] for q in server.reads("/api/acled/read")] == ["3", "4", "5"]
    # The same store as one uninterrupted run.
    other = Store(tmp_path / "other")
    update(other, server)
    pd.testing.assert_frame_equal(by_id(store.load_events()), by_id(other.load_events()))
    mine = json.loads(store.checkpoint("acled:acled"))
    theirs = json.loads(other.checkpoint("acled:acled"))
    assert mine["since"] == theirs["since"] == T0 + ROWS - 1
    assert mine["run"] is None


@pytest.mark.parametrize("point", ["import:commit", "import:committed"])
def test_an_update_killed_at_a_batch_leaves_no_half_batch_and_resumes(
    server, store, tmp_path, point
):
    """SIGKILL inside a batch's transaction (nothing of it stored) or just after its
    commit, before the checkpoint (stored; the next run fetches that page again)."""
    import os
    import subprocess
    import sys

    server.rows = first_rows()
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "SAHEL_ATLAS_DATA_DIR": str(store.directory),
        "SAHEL_ATLAS_ACLED_URL": server.url,
        "ACLED_USERNAME": USERNAME,
        "ACLED_PASSWORD": PASSWORD,
    }
    command = [sys.executable, "-m", "geo.io.cli", "update-acled", "--page-size", "5"]
    killed = subprocess.run(
        command,
        cwd=root,
        env={**env, "SAHEL_ATLAS_FAULT": point},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr
    assert store.health(thorough=True).kind == "ok"
    stored = len(store.load_events()) if store.exists() else 0
    assert stored == (0 if point == "import:commit" else 5)
    again = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    other = Store(tmp_path / "other")
    update(other, server)
    pd.testing.assert_frame_equal(by_id(store.load_events()), by_id(other.load_events()))
    assert PASSWORD not in killed.stdout + killed.stderr + again.stdout + again.stderr


def test_an_expired_token_is_refreshed_once_then_the_password_is_used(server, store):
    server.rows = first_rows()
    server.expire_next = 1
    assert update(store, server).complete
    assert server.grants == ["password", "refresh_token"]
    server.grants.clear()
    server.expire_next = 1
    server.refuse_refresh = True
    server.rows.append(acled_row(200, T0 + 500))
    assert update(store, server).fetched == 1
    assert server.grants == ["password", "refresh_token", "password"]


def test_a_token_refused_after_signing_in_again_is_said(server, store):
    server.rows = first_rows()
    server.expire_next = 3  # the first token, the refreshed one, and once more
    with pytest.raises(RemoteError) as caught:
        update(store, server)
    assert caught.value.kind == "credentials"
    assert "401" in str(caught.value)


def test_429_waits_as_retry_after_says_and_gives_up_after_a_bound(server, store):
    server.rows = first_rows()
    server.throttle, server.retry_after = 2, "3"
    waits = Waits()
    assert update(store, server, waits=waits).complete
    assert waits == [3.0, 3.0]
    server.throttle = 1000
    server.rows.append(acled_row(300, T0 + 900))
    with pytest.raises(RemoteError) as caught:
        update(store, server, waits=Waits())
    assert caught.value.kind == "rate-limited" and "429" in str(caught.value)
    assert "Wait a while" in str(caught.value)


def test_retry_after_reads_seconds_and_dates_and_is_bounded():
    now = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert retry_after({"Retry-After": "7"}, 1, 60) == 7
    assert retry_after({"retry-after": "Wed, 02 Dec 2026 18:00:30 GMT"}, 1, 60, now) == 30
    assert retry_after({"Retry-After": "9999"}, 1, 60) == 60
    assert retry_after({"Retry-After": "soon"}, 4, 60) == 4
    assert retry_after({}, 2, 60) == 2
    assert retry_after({"Retry-After": "-5"}, 2, 60) == 0


def test_a_connection_dropped_once_is_retried(server, store):
    server.rows = first_rows()
    server.drop_once = {2}
    waits = Waits()
    report = update(store, server, waits=waits)
    assert report.complete and report.fetched == ROWS
    assert waits == [2.0]  # one backoff
    assert [q["page"] for q in server.reads("/api/acled/read")] == ["1", "2", "2", "3", "4", "5"]


def test_malformed_json_is_said_and_keeps_what_was_stored(server, store):
    server.rows = first_rows()
    server.malformed_pages = {2}
    with pytest.raises(RemoteError) as caught:
        update(store, server)
    err = caught.value
    assert err.kind == "malformed" and "not valid JSON" in str(err)
    assert "line 1" in str(err)
    fr_what, fr_fix = err.texts("fr")
    assert "n'est pas du JSON valide" in fr_what and "Réessayez" in fr_fix
    assert len(store.load_events()) == err.report.written == 5


@BOTH_BACKENDS
def test_an_update_waits_for_an_import_running_on_the_same_store(server, store):
    import threading

    server.rows = first_rows()
    holding, waited = threading.Event(), []

    def hold() -> None:
        with open_store().import_lock():  # another process of the same store
            holding.set()
            time.sleep(0.5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    report = update_acled(
        store, api(server), limit=5, batch_rows=5, on_wait=lambda: waited.append(time.monotonic())
    )
    thread.join()
    assert waited and report.complete and report.written == ROWS - 2


def test_a_redirect_to_another_host_is_not_followed_with_the_token(server, store):
    server.rows = first_rows()
    server.redirect = f"http://localhost:{server.port}/api/acled/read?_format=json"
    with pytest.raises(RemoteError) as caught:
        update(store, server)
    assert "HTTP 302" in str(caught.value)
    assert len(server.reads("/api/acled/read")) == 1  # not fetched again at "localhost"


def test_bad_credentials_store_nothing(server, store):
    server.rows = first_rows()
    with pytest.raises(RemoteError) as caught:
        update_acled(store, api(server, password="wrong"), limit=5)
    err = caught.value
    assert err.kind == "credentials" and "refused the e-mail or password" in str(err)
    assert "nothing was stored" in str(err)
    assert err.report is None
    assert not server.reads("/api/acled/read")
    assert store.load_events().empty and store.checkpoint("acled:acled") is None


def test_changed_countries_or_a_removed_dataset_fetch_everything_again(server, store):
    server.rows = first_rows()
    update(store, server)
    report = update(store, server, isos=("466",))
    assert report.full and any(n.key == "ru_note_filters_changed" for n in report.notes)
    update(store, server)  # back to the AES states: everything again, then up to date
    store.remove("acled")
    again = update(store, server)
    assert again.full and again.written == ROWS - 2
    assert any(n.key == "ru_note_dataset_changed" for n in again.notes)


def _all_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_credentials_appear_in_no_file_and_no_output(server, store, monkeypatch, capsys):
    server.rows = first_rows()
    monkeypatch.setenv("SAHEL_ATLAS_ACLED_URL", server.url)
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    assert importer.main(["update-acled"]) == 0
    server.rows.append(acled_row(400, T0 + 1000))
    server.expire_next = 1  # a refresh too
    assert importer.main(["update-acled"]) == 0
    out = capsys.readouterr()
    secrets = [PASSWORD, *server.issued]
    assert len(secrets) >= 4
    data = _all_bytes(store.directory)
    assert b"acled:" in data  # the events are there
    for secret in secrets:
        assert secret.encode() not in data
        assert secret not in out.out and secret not in out.err
    assert repr(Secret(PASSWORD)) == "Secret('***')" and f"{Secret(PASSWORD)}" == "***"
    assert PASSWORD not in repr(api(server))


def test_command_line_update_acled_end_to_end(server, store, monkeypatch, capsys):
    server.rows = first_rows()
    monkeypatch.setenv("SAHEL_ATLAS_ACLED_URL", server.url)
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    code = importer.main(
        [
            "update-acled",
            "--dataset",
            "acled-live",
            "--iso",
            "466",
            "--iso",
            "854",
            "--since",
            "2025-01-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "rows fetched: " in out and "page 1" in out
    assert "stored: " in out and "deleted by ACLED" in out
    query = server.reads("/api/acled/read")[0]
    assert query["iso"] == "466|854" and query["event_date"] == "2025-01-01"
    assert {d.name for d in store.datasets()} == {"acled-live"}
    # Bad credentials: exit 1, a message that says what and what to do, nothing stored.
    monkeypatch.setenv("ACLED_PASSWORD", "wrong")
    code = importer.main(["update-acled", "--dataset", "other"])
    err = capsys.readouterr().err
    assert code == 1 and "refused the e-mail or password" in err
    assert "other" not in {d.name for d in store.datasets()}
    # No credentials and no terminal: said, exit 1.
    monkeypatch.delenv("ACLED_PASSWORD")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert importer.main(["update-acled", "--dataset", "other"]) == 1
    assert "No ACLED account" in capsys.readouterr().err


def test_keyring_is_optional(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_keyring(name, *args, **kwargs):
        if name == "keyring":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_keyring)
    state = remote_sources.keyring_state()
    assert state.kind == "not-installed" and not state.usable
    assert remote_sources.keyring_note(state).key == "ru_note_keyring_missing"
    assert remote_sources.acled_credentials(env={"ACLED_USERNAME": "a@b.c"}, keyring=state) is None
    creds = remote_sources.acled_credentials(
        env={"ACLED_USERNAME": "a@b.c", "ACLED_PASSWORD": "x"}, keyring=state
    )
    assert creds.origin == "environment" and creds.password.reveal() == "x"


def test_a_broken_keyring_is_logged_without_the_secret(caplog):
    class Locked:
        def get_password(self, *_args):
            raise RuntimeError("locked")

        def set_password(self, *_args):
            raise RuntimeError("locked")

    state = remote_sources.KeyringState("ok", Locked())
    with caplog.at_level("WARNING", logger="geo.io.remote_sources"):
        assert remote_sources.keyring_get("acled", "a@b.c", state) is None
        assert not remote_sources.keyring_set(
            "acled", "a@b.c", remote_sources.Secret("hunter2"), state
        )
    assert len(caplog.records) == 2 and "RuntimeError" in caplog.text
    assert "hunter2" not in caplog.text


def test_a_keyring_without_backend_and_a_working_one(monkeypatch):
    class Backend:
        priority = 0

    class Fake:
        saved: ClassVar[dict] = {}

        def get_keyring(self):
            return Backend()

        def get_password(self, service, user):
            return self.saved.get((service, user))

        def set_password(self, service, user, value):
            self.saved[(service, user)] = value

    fake = Fake()
    monkeypatch.setitem(__import__("sys").modules, "keyring", fake)
    assert remote_sources.keyring_state().kind == "no-backend"
    Backend.priority = 5
    state = remote_sources.keyring_state()
    assert state.usable
    assert remote_sources.keyring_set("acled", "a@b.c", Secret("kr-pass"), state)
    creds = remote_sources.acled_credentials(env={"ACLED_USERNAME": "a@b.c"}, keyring=state)
    assert creds.origin == "keyring" and creds.password.reveal() == "kr-pass"
    assert remote_sources.keyring_set(
        "ucdp", remote_sources.UCDP_KEYRING_USER, Secret("tok"), state
    )
    assert remote_sources.ucdp_token(env={}, keyring=state).reveal() == "tok"


# --- UCDP ---------------------------------------------------------------------------------


def ucdp(server, token: str = UCDP_TOKEN) -> UcdpApi:
    return UcdpApi(Secret(token), base=server.url, http_client=Http(sleep=Waits()))


def test_ucdp_update_pages_resumes_and_is_not_fetched_twice(server, store, tmp_path):
    server.ucdp["25.1"] = [ucdp_row(n) for n in range(11)]
    server.drop_always = {2}
    with pytest.raises(RemoteError) as caught:
        update_ucdp(store, ucdp(server), "25.1", page_size=4, batch_rows=4)
    assert caught.value.kind == "network" and caught.value.report.written == 8
    server.drop_always = set()
    report = update_ucdp(store, ucdp(server), "25.1", page_size=4, batch_rows=4)
    assert report.resumed_page == 2 and report.complete and report.written == 3
    assert len(store.load_events()) == 11
    query = server.reads("/api/gedevents/25.1")[-1]
    assert query["Country"] == "432,436,439" and query["pagesize"] == "4"
    # The same as a GED CSV import of the same rows.
    csv = tmp_path / "ged.csv"
    write_rows_csv(server.ucdp["25.1"], csv)
    other = Store(tmp_path / "other")
    commit(prepare(csv, fmt="ucdp", version="25.1", store=other), other)
    pd.testing.assert_frame_equal(by_id(store.load_events()), by_id(other.load_events()))
    server.requests.clear()
    again = update_ucdp(store, ucdp(server), "25.1", page_size=4)
    assert again.fetched == 0 and not server.requests
    assert any(n.key == "ru_note_ucdp_done" for n in again.notes)


def test_ucdp_bad_token_and_unknown_version(server, store):
    server.ucdp["25.1"] = [ucdp_row(1)]
    with pytest.raises(RemoteError) as caught:
        update_ucdp(store, ucdp(server, "nope"), "25.1")
    assert caught.value.kind == "credentials" and "refused the access token" in str(caught.value)
    with pytest.raises(RemoteError) as caught:
        update_ucdp(store, ucdp(server), "24.1")
    assert "no GED version 24.1" in str(caught.value)
    assert store.load_events().empty


def test_command_line_update_ucdp(server, store, monkeypatch, capsys):
    server.ucdp["25.1"] = [ucdp_row(n) for n in range(5)]
    monkeypatch.setenv("SAHEL_ATLAS_UCDP_URL", server.url)
    monkeypatch.setenv("UCDP_ACCESS_TOKEN", UCDP_TOKEN)
    assert importer.main(["update-ucdp", "--version", "25.1"]) == 0
    out = capsys.readouterr()
    assert "rows fetched: 5" in out.out and UCDP_TOKEN not in out.out + out.err
    assert UCDP_TOKEN.encode() not in _all_bytes(store.directory)
    assert {d.name: d.count for d in store.datasets()} == {"ucdp": 5}


# --- the Data page ------------------------------------------------------------------------


def data_page():
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[2]
    return AppTest.from_file(str(root / "pages" / "data.py"), default_timeout=120)


def test_data_page_updates_from_acled_with_progress_and_report(server, store, monkeypatch):
    server.rows = first_rows()
    monkeypatch.setenv("SAHEL_ATLAS_ACLED_URL", server.url)
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.delenv("ACLED_PASSWORD", raising=False)
    at = data_page().run()
    assert not at.exception
    assert any(e.label == "Update from ACLED" for e in at.expander)
    # No password anywhere: said, nothing fetched.
    at.button(key="ru_acled_button").click().run()
    assert any("No ACLED account was given." in e.value for e in at.error)
    assert not server.requests
    at.text_input(key="ru_acled_password").input(PASSWORD)
    at.button(key="ru_acled_button").click().run()
    assert not at.exception
    assert any("Update done: 21 events stored in acled." in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows fetched"] == "23" and metrics["Stored"] == "21"
    assert metrics["Rejected"] == "1" and metrics["Skipped"] == "1"
    assert metrics["Deleted by the source"] == "0"
    assert len(store.load_events()) == 21
    page_text = " ".join(
        str(e.value)
        for e in (*at.markdown, *at.caption, *at.success, *at.info, *at.error)
        if e.value
    )
    for secret in (PASSWORD, *server.issued):
        assert secret not in page_text
    # The datasets table below already lists the new dataset.
    assert any("acled" in d.value.to_string() for d in at.dataframe)


def test_data_page_says_why_an_update_stopped_in_french(server, store, monkeypatch):
    server.rows = first_rows()
    monkeypatch.setenv("SAHEL_ATLAS_ACLED_URL", server.url)
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", "faux")
    at = data_page()
    at.session_state["lang"] = "fr"
    at.run()
    at.button(key="ru_acled_button").click().run()
    assert not at.exception
    assert any("ACLED a refusé l'adresse e-mail ou le mot de passe" in e.value for e in at.error)
    assert any("rien n'a été enregistré" in i.value for i in at.info)
    assert store.load_events().empty


def test_progress_texts():
    step = remote_sources.Step("fetching", 3, 3, 15000)
    assert remote_sources_ui().step_text(step, "en") == "Page 3: 15,000 rows fetched"
    assert remote_sources_ui().step_text(step, "fr") == "Page 3 : 15\u202f000 lignes récupérées"
    assert 0 < step.fraction < 1
    assert remote_sources.Step("fetching", 2, 2, 10, total_pages=4).fraction == 0.5
    assert remote_sources.Step("done", 5, 5, 23).fraction == 1.0


def remote_sources_ui():
    from geo.ui import acled_update

    return acled_update
