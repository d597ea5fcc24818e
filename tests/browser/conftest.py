"""Real-browser fixtures: a `streamlit run` server and Playwright driving Debian Chromium.

Browser tests skip when Chromium is missing only outside CI, and say so loudly; under
``CI=true`` a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import is_loopback, streamlit_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    message = (
        f"Chromium not found at {CHROMIUM}: browser tests cannot run. "
        "Install it with `apt-get install chromium` (make test does this)."
    )
    if _in_ci():
        pytest.fail(message + " Under CI=true this is a failure, not a skip.")
    warnings.warn(message, stacklevel=2)
    print(f"\n!!! SKIPPING BROWSER TESTS: {message}\n", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `streamlit run dashboard.py` on a free loopback port for the whole session."""
    _require_chromium()
    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A page whose requests to anything but loopback are aborted and counted."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.external_requests: list[str] = []
        self.page_errors: list[str] = []
        page.route(lambda url: not is_loopback(url), self._abort)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))

    def _abort(self, route: object) -> None:
        self.external_requests.append(route.request.url)
        route.abort()


@pytest.fixture()
def offline_page(browser: object) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.set_default_timeout(30_000)
    wrapped = OfflinePage(page)
    yield wrapped
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
