"""An event in two datasets in a real browser: the curated Barsalogho event and its copy in
a small temporary ACLED store (written for the test, see ``tests/app/test_app_duplicates.py``)
are drawn as one mark, whose panel names both sources; each dataset has its own legend
entry.

Runs its own `streamlit run` on that store (SAHEL_ATLAS_DATA_DIR).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.io.events import load_events
from geo.io.importers import commit, prepare
from geo.io.store import Store
from tests.app.test_app_duplicates import ACLED_ID, CURATED_ID, HEADER, ROWS
from tests.browser.conftest import _require_chromium
from tests.browser.mapdriver import click_lat_lng, map_frame
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

EXCEPTIONS = '[data-testid="stException"]'
STATS_JS = "() => window.atlasPointStats || null"


@pytest.fixture(scope="module")
def two_datasets_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    tmp = tmp_path_factory.mktemp("two_datasets")
    source = tmp / "acled_test.csv"
    source.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    store = Store(tmp / "store")
    assert commit(prepare(source, store=store, dataset="acled"), store) == 2
    with streamlit_server(
        tmp / "server.log", env={"SAHEL_ATLAS_DATA_DIR": str(store.directory)}
    ) as url:
        yield url


def wait_for_stats(page: object, frame: object, total: int) -> dict:
    stats = None
    for _ in range(120):
        assert page.locator(EXCEPTIONS).count() == 0, page.locator(EXCEPTIONS).inner_text()
        stats = frame.evaluate(STATS_JS)
        if stats and stats.get("total") == total:
            return stats
        page.wait_for_timeout(500)
    raise AssertionError(f"the map drew {stats}, not {total} events")


def test_duplicate_drawn_once_and_its_panel_names_both_sources(
    two_datasets_app, offline_page, artifacts: Path
):
    curated = load_events().events
    barsalogho = curated.set_index("id").loc[CURATED_ID]
    located = int(curated["latitude"].notna().sum())
    page = offline_page.page
    # Zoomed on Barsalogho, every mark on its own.
    page.goto(
        f"{two_datasets_app}/map?cluster=0&view="
        f"{barsalogho['latitude']},{barsalogho['longitude']},11"
    )
    frame = map_frame(page)
    # Every curated event and one ACLED event: its copy of Barsalogho is not drawn.
    stats = wait_for_stats(page, frame, located + 1)
    page.get_by_text("1 duplicate of an event of another dataset not drawn", exact=False).wait_for()
    assert stats["drawnByDataset"].get("curated", 0) >= 1

    click_lat_lng(page, frame, barsalogho["latitude"], barsalogho["longitude"])
    panel = page.locator(f'.event-panel[data-id="{CURATED_ID}"]')
    panel.wait_for()
    text = panel.inner_text()
    assert "Also in" in text and f"acled {ACLED_ID}" in text
    # The ACLED copy's own source is one click away.
    assert panel.locator(f'.also-in li[data-id="{ACLED_ID}"] a[href^="https://"]').count() == 1
    assert "Targets (victims)" in text and "civilians digging defensive trenches" in text
    # No second mark there: the click hit one event only (no list of the others).
    assert page.get_by_text("under this click", exact=False).count() == 0
    legend = page.locator(".legend-dataset")
    assert legend.count() == 2
    assert {legend.nth(i).get_attribute("data-dataset") for i in range(2)} == {"curated", "acled"}
    page.screenshot(path=artifacts / "duplicates-map.png")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Event in two datasets: show the copy of").scroll_into_view_if_needed()
    sidebar.screenshot(path=artifacts / "duplicates-sidebar.png")
    panel.screenshot(path=artifacts / "duplicates-panel.png")
    legend.first.locator("xpath=..").screenshot(path=artifacts / "duplicates-legend.png")
    assert "Traceback" not in page.locator("body").inner_text()
    assert offline_page.external_requests == [] and offline_page.page_errors == []
