"""The app shell's workaround for Streamlit's legacy "pages/ folder" mode (geo.ui.shell):
the private attribute it sets still exists and still means what the workaround assumes;
the page reruns through dashboard.py only in that mode."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.pages_manager import PagesManager

from geo.ui import shell

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"


@pytest.fixture
def legacy_flag():
    saved = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = saved


def test_checked_streamlit_version_is_the_installed_one() -> None:
    # On an upgrade: re-check that a fresh server still starts in the legacy mode and that
    # no public API leaves it, then update CHECKED_WITH (or delete the workaround).
    assert streamlit.__version__ == shell.CHECKED_WITH


def test_a_pages_folder_beside_the_main_script_starts_the_legacy_mode(legacy_flag) -> None:
    PagesManager.uses_pages_directory = None  # a fresh server process
    PagesManager(str(DASHBOARD))
    assert PagesManager.uses_pages_directory is True
    assert shell.in_legacy_pages_mode()


def test_legacy_mode_leaves_it_and_reruns(legacy_flag, monkeypatch) -> None:
    reruns = []
    monkeypatch.setattr(shell.st, "rerun", lambda: reruns.append(True))
    PagesManager.uses_pages_directory = True
    shell.ensure_app_shell()
    assert reruns == [True]
    assert PagesManager.uses_pages_directory is False
    assert not shell.in_legacy_pages_mode()


def test_inside_the_navigation_nothing_happens(legacy_flag, monkeypatch) -> None:
    reruns = []
    monkeypatch.setattr(shell.st, "rerun", lambda: reruns.append(True))
    PagesManager.uses_pages_directory = False
    shell.ensure_app_shell()
    assert reruns == []
    assert PagesManager.uses_pages_directory is False


def test_the_server_start_leaves_the_legacy_mode_before_any_session(
    legacy_flag, monkeypatch
) -> None:
    # dashboard.py's lifespan hook: a first request to a deep link then needs no rerun.
    import asyncio
    import importlib.util
    import threading

    spec = importlib.util.spec_from_file_location("dashboard_under_test", DASHBOARD)
    assert spec is not None and spec.loader is not None
    dashboard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dashboard)
    monkeypatch.setattr(dashboard, "_warm_up", lambda: None)
    PagesManager.uses_pages_directory = None  # a fresh server process

    async def start() -> None:
        async with dashboard.lifespan(None):
            PagesManager(str(DASHBOARD))  # the first session's pages manager
            assert PagesManager.uses_pages_directory is False

    # In a thread of its own: a browser test earlier in the session may leave an event loop
    # running in the main thread (Playwright's sync API).
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(start())
        except BaseException as err:  # noqa: BLE001 - re-raised below, in the test
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not errors, errors
    assert not shell.in_legacy_pages_mode()


def test_the_app_scripts_hold_no_bare_string_streamlit_would_print():
    # Streamlit's "magic" writes every bare expression of a script onto the page (a
    # docstring after a constant once appeared above the Data page); the module's own
    # docstring is the only one it skips.
    import ast

    for script in (DASHBOARD, *sorted((DASHBOARD.parent / "pages").glob("*.py"))):
        body = ast.parse(script.read_text(encoding="utf-8")).body
        bare = [
            node.lineno
            for node in body[1:]
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ]
        assert not bare, f"{script.name}: bare strings at lines {bare}"
