"""Sign-in and roles behind the team's proxy (deploy/nginx/sahel-atlas.conf, geo/model/access.py):
nobody gets in without signing in; a reader sees the Data page without its import and
removal, even when the browser sends an editor's role header itself; an editor sees them."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from scripts.benchmark_slowlink import USERS
from tests.proxy import proxied_app

UPLOADER = '[data-testid="stFileUploader"]'


@pytest.fixture(scope="module")
def proxy_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with proxied_app(tmp_path_factory.mktemp("signin")) as url:
        yield url


def data_page(browser, url: str, user: str, headers: dict[str, str] | None = None):
    context = browser.new_context(
        viewport={"width": 1400, "height": 950},
        http_credentials={"username": user, "password": USERS[user][1]},
        extra_http_headers=headers or {},
    )
    page = context.new_page()
    page.goto(f"{url}/data")
    page.get_by_text("Your data: ACLED, UCDP GED and CSV imports").wait_for(timeout=60_000)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=60_000
    )
    return context, page


def test_nobody_gets_in_without_signing_in(proxy_url):
    for path in ("/", "/data", "/_stcore/health", "/static/js/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{proxy_url}{path}", timeout=10)
        assert refused.value.code == 401, path


def test_a_reader_cannot_reach_the_import_even_by_sending_an_editors_header(proxy_url, browser):
    for headers in (None, {"X-Sahel-Atlas-Role": "editor"}):
        context, page = data_page(browser, proxy_url, "bakary", headers)
        try:
            page.get_by_text("signed in as a reader").wait_for(timeout=30_000)
            assert page.locator(UPLOADER).count() == 0
            assert page.get_by_text("Remove a dataset").count() == 0
        finally:
            context.close()


def test_an_editor_sees_the_import(proxy_url, browser):
    context, page = data_page(browser, proxy_url, "amina")
    try:
        page.locator(UPLOADER).first.wait_for(timeout=30_000)
        assert page.get_by_text("signed in as a reader").count() == 0
    finally:
        context.close()
