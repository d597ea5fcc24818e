"""A region clicked on the map of a shared PostgreSQL/PostGIS store, in a real browser: the
panel gives the region's counts as the database sums them (the in-memory numbers of the
same events), curated and stored events together.

Runs its own `streamlit run` on a new database of the test server (tests/pgserver.py)
holding the curated events moved and re-dated as a dataset of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.analysis.filters import filter_mask, region_stats
from geo.i18n.catalogue import translate
from geo.io import events as ev
from geo.io.boundaries import load_admin1
from geo.io.pgstore import PgStore
from geo.ui.events import default_filter
from tests.analysis.test_instore import _info, _moved, _stored
from tests.browser.conftest import _require_chromium
from tests.browser.mapdriver import click_lat_lng, map_frame
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

UNIT = "ML-7"  # Gao


@pytest.fixture(scope="module")
def shared_app(pg_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import psycopg

    _require_chromium()
    tmp = tmp_path_factory.mktemp("instore")
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute("CREATE DATABASE atlas_instore_browser TEMPLATE sahel_atlas_template")
    url = pg_server.url("atlas_instore_browser")
    store = PgStore(url, tmp / "cache")
    store.write(_stored(_moved(ev.load_events(ev.EVENTS_FILE).events)), _info("moved"))
    env = {"SAHEL_ATLAS_DATA_DIR": str(tmp / "data"), "SAHEL_ATLAS_DATABASE_URL": url}
    try:
        with streamlit_server(tmp / "server.log", env=env) as app:
            yield app, url
    finally:
        with psycopg.connect(pg_server.url(), autocommit=True) as con:
            con.execute("DROP DATABASE IF EXISTS atlas_instore_browser WITH (FORCE)")


def test_a_region_click_on_the_shared_store_shows_the_databases_counts(
    shared_app, offline_page, artifacts: Path
):
    app, url = shared_app
    curated = ev.load_events(ev.EVENTS_FILE).events
    stored = PgStore(url, artifacts / "instore-cache").load_events().drop(columns="timestamp")
    events = pd.concat([curated, stored], ignore_index=True)
    shown = events[filter_mask(events, default_filter(events))]
    stats = region_stats(shown, UNIT)
    here = shown[shown["admin1_id"] == UNIT]
    assert (here["dataset"] == "moved").any() and (here["dataset"] == "curated").any()
    line = translate(
        "region_events_count",
        "en",
        count=stats.events,
        low=f"{stats.fatalities_low:,}",
        high=f"{stats.fatalities_high:,}",
    )

    page = offline_page.page
    page.goto(app)
    frame = map_frame(page)
    point = load_admin1().set_index("id").loc[UNIT, "geometry"].representative_point()
    click_lat_lng(page, frame, point.y, point.x)
    page.locator(f'.unit-panel[data-id="{UNIT}"]').wait_for(timeout=60_000)
    page.get_by_text(line, exact=False).wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=artifacts / "instore-region-click.png", full_page=True)
