"""The map at real-data size: 200,000 stored events, each drawn and clickable (issue #11).

A temporary store holds 200,000 synthetic events (scripts/synthetic_events.py) plus one
known event alone in a 0.3° square; a real ``streamlit run`` serves it. Timings are not
asserted here (see scripts/benchmark_map.py), only behaviour.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.mapdriver import click_lat_lng, map_frame, map_view, wait_for_run, watch_runs
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

REPO = Path(__file__).resolve().parents[2]
N = 200_000
TARGET = {"id": "TARGET-1", "lat": 15.2, "lng": -0.8}  # in Mali
STATE_VIOLENCE = re.compile(r"^State violence \(")


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from geo.io.store import DatasetInfo, Store, row_hash
    from scripts.synthetic_events import make_events

    events = make_events(N, seed=11)
    near = ((events["latitude"] - TARGET["lat"]).abs() < 0.3) & (
        (events["longitude"] - TARGET["lng"]).abs() < 0.3
    )
    target = events[~near].iloc[[0]].copy()
    target["id"] = TARGET["id"]
    target["latitude"], target["longitude"] = TARGET["lat"], TARGET["lng"]
    target["layer"], target["category"] = "insurgency", "insurgency"
    events = events[~near].iloc[1:]
    import pandas as pd

    events = pd.concat([events, target], ignore_index=True)
    events["dataset"] = "synthetic"
    events["timestamp"] = 0
    events["row_hash"] = row_hash(events)
    store_dir = tmp_path_factory.mktemp("store200k")
    Store(store_dir).write(
        events,
        DatasetInfo("synthetic", "synthetic", "test", "2026-01-01", "synthetic", "", len(events)),
    )
    from geo.io.events import load_events

    curated = load_events().events.dropna(subset=["latitude"])  # drawn with the store's
    every = pd.concat([events.dropna(subset=["latitude"]), curated])
    counts = {
        "located": len(every),
        "state-violence": int((every["layer"] == "state-violence").sum()),
    }
    return store_dir, counts


@pytest.fixture(scope="module")
def large_url(large_store, tmp_path_factory) -> Iterator[str]:
    store_dir, _ = large_store
    log = tmp_path_factory.mktemp("streamlit-large") / "server.log"
    with streamlit_server(log, env={"SAHEL_ATLAS_DATA_DIR": str(store_dir)}, timeout_s=120) as url:
        yield url


def point_stats(frame) -> dict:
    return frame.evaluate("() => window.atlasPointStats || {}")


def wait_painted(page, frame, total: int, after: int = 0) -> dict:
    for _ in range(480):
        stats = point_stats(frame)
        if stats.get("total") == total and stats.get("paints", 0) > after:
            return stats
        page.wait_for_timeout(250)
    raise AssertionError(f"never painted {total} events: {point_stats(frame)}")


def test_each_of_200k_events_is_drawn_and_a_known_one_opens_its_panel(
    large_url, large_store, offline_page, artifacts
):
    _, counts = large_store
    page = offline_page.page
    page.goto(f"{large_url}/?cluster=0")
    frame = map_frame(page, timeout=180)
    stats = wait_painted(page, frame, counts["located"])
    assert stats["drawn"] >= counts["located"] * 0.99, stats  # all of them are in view
    page.screenshot(path=artifacts / "map-200k.png")

    frame.evaluate(f"() => {{ window.map.setView([{TARGET['lat']}, {TARGET['lng']}], 9); }}")
    wait_painted(page, frame, stats["total"], after=stats["paints"])
    click_lat_lng(page, frame, TARGET["lat"], TARGET["lng"])
    panel = page.locator(f'.event-panel[data-id="{TARGET["id"]}"]')
    panel.wait_for(timeout=60_000)
    expect(page).to_have_url(re.compile(r"sel=event(%3A|:)TARGET-1"))
    page.screenshot(path=artifacts / "map-200k-click.png")
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_a_filter_change_redraws_the_events_and_keeps_the_view(
    large_url, large_store, offline_page
):
    _, counts = large_store
    page = offline_page.page
    media: list[int] = []  # sizes of the masks the browser fetched
    blocks: list[int] = []  # sizes of the blocks (sent compressed), once inflated
    days: list[int] = []  # and of the points' days (the time slider's, compressed likewise)
    page.on(
        "response",
        lambda r: (
            media.append(len(r.body())) if "/media/" in r.url and r.url.endswith(".bin") else None
        ),
    )

    def inflated(response) -> None:
        if "/media/" in response.url and response.url.endswith(".gz"):
            data = gzip.decompress(response.body())
            (days if data[:4] == b"ATD1" else blocks).append(len(data))

    page.on("response", inflated)
    page.goto(f"{large_url}/?cluster=0")
    frame = map_frame(page, timeout=180)
    total = counts["located"]
    first = wait_painted(page, frame, total)
    frame.evaluate("() => { window.map.setView([13.2, 1.1], 8); }")
    wait_painted(page, frame, total, after=first["paints"])
    view = map_view(frame)
    wait_for_run(page)

    box = page.get_by_role("checkbox", name=STATE_VIOLENCE)
    box.locator("xpath=ancestor::label").click()
    expect(box).not_to_be_checked()
    after = wait_painted(page, frame, total - counts["state-violence"])
    # The same block of every event; only the mask of the drawn ones changed, and only it
    # was fetched: one bit an event (the block, 10 bytes an event, came once).
    assert after["token"] == first["token"] and after["maskToken"] != first["maskToken"]
    assert after["blockSize"] == total
    assert blocks == [8 + 10 * total], blocks
    assert days == [8 + 4 * total], days  # fetched once too, with the block
    assert media == [8 + (total + 7) // 8] * 2, media
    assert map_view(frame) == view, "the map moved when the filters changed"
    assert offline_page.page_errors == []


def test_a_region_panel_stays_one_table_at_this_size(large_url, offline_page):
    page = offline_page.page
    page.goto(f"{large_url}/?cluster=0&sel=admin1%3AML-7")
    page.locator('.unit-panel[data-id="ML-7"]').wait_for(timeout=120_000)
    wait_for_run(page)
    table = page.locator('[data-testid="stDataFrame"]')
    expect(table).to_have_count(1)
    assert (
        page.locator('[data-testid="stButton"] button').filter(has_text=re.compile(r"^\d")).count()
        == 0
    ), "one button per event is back"


def test_the_density_view_bins_every_event_and_resolves_to_a_clickable_one(
    large_url, large_store, offline_page, artifacts
):
    """Density at 200k (geo.render.densitylayer): every located event is binned from the
    events layer's block and mask, fetched once for both layers; a filter change rebins;
    from the resolve zoom on the events are drawn and a click opens one."""
    import time

    from geo.render.densitylayer import RESOLVE_ZOOM

    _, counts = large_store
    page = offline_page.page
    media: list[str] = []  # the masks (.bin), blocks and days (.gz) fetched
    page.on(
        "response",
        lambda r: (
            media.append(r.url) if "/media/" in r.url and r.url.endswith((".bin", ".gz")) else None
        ),
    )
    page.goto(f"{large_url}/?cluster=0&density=1")
    frame = map_frame(page, timeout=180)
    total = counts["located"]
    density = "() => window.atlasDensityStats || {}"
    for _ in range(480):
        first = frame.evaluate(density)
        if first.get("counted") == total and first.get("drawn", 0) > 0:
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError(f"never binned {total} events: {frame.evaluate(density)}")
    assert point_stats(frame).get("drawn") == 0  # below the resolve zoom: hexagons only
    # One mask and one block, each fetched once for both layers.
    assert sum(url.endswith(".bin") for url in media) == 1, media
    assert len(media) == len(set(media)), media
    page.screenshot(path="/tmp/dens/app_density_200k.png")
    wait_for_run(page)

    box = page.get_by_role("checkbox", name=STATE_VIOLENCE)
    t0 = time.monotonic()
    box.locator("xpath=ancestor::label").click()
    expected = total - counts["state-violence"]
    for _ in range(480):
        after = frame.evaluate(density)
        if after.get("counted") == expected and after.get("maskToken") != first["maskToken"]:
            break
        page.wait_for_timeout(50)
        frame = map_frame(page)
    else:
        raise AssertionError(f"never rebinned {expected} events: {frame.evaluate(density)}")
    print(f"\nfilter change -> hexagons repainted at 200k: {time.monotonic() - t0:.2f} s")

    frame.evaluate(f"() => window.map.setView([{TARGET['lat']}, {TARGET['lng']}], {RESOLVE_ZOOM})")
    stats = wait_painted(page, frame, expected)
    for _ in range(240):
        if point_stats(frame).get("drawn", 0) > 0:
            break
        page.wait_for_timeout(250)
    click_lat_lng(page, frame, TARGET["lat"], TARGET["lng"])
    page.locator(f'.event-panel[data-id="{TARGET["id"]}"]').wait_for(timeout=60_000)
    assert stats["total"] == expected
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_the_time_slider_plays_200k_events_without_a_rerun(large_url, large_store, offline_page):
    """Each step of the slider repaints in the browser (no run of the page): the drawn
    count is the events of the period, and the view stays."""
    _, counts = large_store
    page = offline_page.page
    page.goto(f"{large_url}/?cluster=0")
    frame = map_frame(page, timeout=180)
    first = wait_painted(page, frame, counts["located"])
    wait_for_run(page)
    view = map_view(frame)
    watch_runs(page)
    frame.locator(".atlas-time").focus()
    timings, totals = [], []
    page.keyboard.press("Home")
    for _ in range(6):
        before = point_stats(frame)["paints"]
        started = frame.evaluate("() => performance.now()")
        page.keyboard.press("ArrowRight")
        for _ in range(200):
            stats = point_stats(frame)
            if stats["paints"] > before:
                break
            page.wait_for_timeout(20)
        timings.append(stats["lastPaint"] - started)
        totals.append(stats["total"])
        assert stats["total"] == frame.evaluate("() => window.atlasTimeStats.count")
    assert 0 < max(totals) < counts["located"], totals  # a month of the data, not all of it
    assert len(set(totals)) > 1, totals
    print(f"\ntime slider at {counts['located']:,} events: step -> painted (ms) {timings}")
    assert stats["token"] == first["token"]
    assert map_view(frame) == view
    assert page.evaluate("() => window.__finishedRuns") == 0  # the page never ran again
    assert offline_page.page_errors == []
