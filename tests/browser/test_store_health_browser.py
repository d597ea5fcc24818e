"""A damaged event store in a real browser: a clear message naming the file and no
traceback on the map, the curated events still drawn, and the repair on the Data page
bringing the imported events back.

Runs its own `streamlit run` on a store (SAHEL_ATLAS_DATA_DIR) made by the importer and then
truncated to half its size, as a full disk or an interrupted copy leaves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.io.importers import commit, prepare
from geo.io.store import DB_NAME, Store
from tests.browser.conftest import REPO, _require_chromium
from tests.browser.mapdriver import map_frame
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

FIX = REPO / "tests" / "fixtures"
# Events drawn by the map's events layer (geo/render/mapjs/atlas_points.js), once it has painted.
DRAWN_TOTAL_JS = "() => (window.atlasPointStats || {}).total"
EXCEPTIONS = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def damaged_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    _require_chromium()
    tmp = tmp_path_factory.mktemp("damaged_store")
    store = Store(tmp / "store")
    assert commit(prepare(FIX / "acled_labels.csv", store=store), store) == 4
    located_imports = drawn_once(store.load_events())
    data = store.path.read_bytes()
    store.path.write_bytes(data[: len(data) // 2])
    with streamlit_server(
        tmp / "server.log", env={"SAHEL_ATLAS_DATA_DIR": str(store.directory)}
    ) as url:
        yield url, store.path, located_imports


def drawn_once(imported: pd.DataFrame) -> int:
    """Located imported events the map draws beside the curated ones: an import that is
    the same event as a curated one (geo.analysis.duplicates) is drawn once, as the curated copy."""
    from geo.analysis.duplicates import CURATED, find_duplicates, shown_once
    from geo.io.events import load_events

    both = pd.concat([load_events().events, imported], ignore_index=True)
    codes, names = pd.factorize(both["dataset"].to_numpy(dtype=object))
    located = both["latitude"].notna().to_numpy()
    shown = shown_once(located, find_duplicates(both), codes, list(names), CURATED)
    return int(shown[len(both) - len(imported) :].sum())


def curated_located() -> int:
    from geo.io.events import load_events

    return int(load_events().events["latitude"].notna().sum())


def wait_for_total(page: object, wanted: int) -> None:
    """Wait until the map has drawn exactly ``wanted`` events."""
    total = None
    for _ in range(120):
        assert page.locator(EXCEPTIONS).count() == 0, page.locator(EXCEPTIONS).inner_text()
        total = map_frame(page).evaluate(DRAWN_TOTAL_JS)
        if total == wanted:
            return
        page.wait_for_timeout(500)  # Playwright's wait: lets its route handlers run
    raise AssertionError(f"the map drew {total} events, not {wanted}")


def test_damaged_store_is_named_curated_events_shown_and_repair_brings_imports_back(
    damaged_app, offline_page, artifacts
):
    url, db, located_imports = damaged_app
    assert located_imports > 0
    page = offline_page.page
    page.goto(f"{url}/map")
    banner = page.locator('[data-testid="stAlertContentError"]').filter(
        has_text="Your imported data cannot be read"
    )
    banner.wait_for()
    text = banner.inner_text()
    assert f"events, {db}, is truncated" in text and "The curated events are shown" in text
    wait_for_total(page, curated_located())  # the curated events, none of the imports
    assert page.locator(EXCEPTIONS).count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=artifacts / "store-damaged-map.png")

    page.get_by_role("link", name="Repair it on the Data page").click()
    page.get_by_text("is intact and up to date").wait_for()
    assert (
        f"events, {db}, is truncated"
        in page.locator('[data-testid="stAlertContentError"]').inner_text()
    )
    page.screenshot(path=artifacts / "store-damaged-data.png", full_page=True)
    page.get_by_role("button", name="Repair the store").click()
    done = page.get_by_text("The store was rebuilt from the read cache: 4 events are back")
    done.wait_for()
    assert f"{DB_NAME}.damaged-" in done.inner_text()
    page.get_by_text("Imported datasets").first.wait_for()  # the Data page works again
    page.locator("input[type=file]").wait_for(state="attached")
    page.get_by_role("button", name="Repair the store").wait_for(state="detached")
    page.screenshot(path=artifacts / "store-repaired-data.png", full_page=True)
    assert len(list(db.parent.glob(f"{DB_NAME}.damaged-*"))) == 1  # kept, not deleted

    page.goto(f"{url}/map")
    wait_for_total(page, curated_located() + located_imports)  # the imports are back
    assert page.get_by_text("Your imported data cannot be read").count() == 0
    page.screenshot(path=artifacts / "store-repaired-map.png")
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []
