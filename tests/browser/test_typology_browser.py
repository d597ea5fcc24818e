"""A stored ACLED dataset in a real browser: its typology filters in the map's sidebar, and
the protests layer off by default until the user switches it on.

Runs its own `streamlit run` on a small temporary store (SAHEL_ATLAS_DATA_DIR) holding the
ACLED typology fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from geo.io.importers import commit, prepare
from geo.io.store import Store
from tests.browser.conftest import REPO, _require_chromium
from tests.browser.mapdriver import map_frame
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

FIX = REPO / "tests" / "fixtures"
SHOWN_JS = """() => {
  const c = Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]'))
    .map((e) => e.innerText).find((t) => /^\\d[\\d,]* events? shown/.test(t));
  return c ? parseInt(c.replace(/,/g, ''), 10) : null;
}"""


@pytest.fixture(scope="module")
def acled_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    tmp = tmp_path_factory.mktemp("typology_app")
    store = Store(tmp / "store")
    commit(prepare(FIX / "acled_typology.csv", store=store), store)
    with streamlit_server(
        tmp / "server.log", env={"SAHEL_ATLAS_DATA_DIR": str(tmp / "store")}
    ) as url:
        yield url


def shown(page: object, accept, what: str, polls: int = 240) -> int:
    value = None
    for _ in range(polls):
        value = page.evaluate(SHOWN_JS)
        if value is not None and accept(value):
            return value
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}; last: {value!r}")


def test_acled_typology_filters_and_the_protests_layer(acled_app, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{acled_app}/map?cluster=0")
    map_frame(page)
    page.get_by_text("Source typology (ACLED)").wait_for()
    for label in (
        "Disorder type",
        "Event type (ACLED)",
        "Sub-event type (ACLED)",
        "Civilian targeting",
    ):
        page.get_by_text(label, exact=True).first.wait_for()
    protests = page.get_by_role("checkbox", name=re.compile(r"^Protests \(ACLED\) \(2\)"))
    protests.wait_for(state="attached")
    assert not protests.is_checked()  # off by default
    before = shown(page, lambda v: v > 0, "the first count")
    protests.locator("xpath=ancestor::label").click()
    after = shown(page, lambda v: v != before, "the protests switched on")
    assert after == before + 2 and protests.is_checked()
    # The URL is written at the end of the run, after the count: wait for it.
    page.wait_for_function("() => /[?&]layers=[^&]*protest/.test(location.search)")
    # The event type filter: ACLED's label, as ACLED writes it.
    page.get_by_text("Event type (ACLED)", exact=True).first.wait_for()
    page.get_by_role("combobox", name="Event type (ACLED)", exact=True).focus()
    page.keyboard.type("Protests")
    page.get_by_role("option", name=re.compile(r"^Protests$")).wait_for()
    page.keyboard.press("Enter")
    assert shown(page, lambda v: v == 2, "the protests alone") == 2
    page.wait_for_function("() => location.search.includes('event_types=Protests')")
    page.screenshot(path=artifacts / "map-acled-typology.png")
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []
