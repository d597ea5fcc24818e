"""The map's time slider as a person meets it, in Debian Chromium against a real `streamlit run`
(the curated events): playing steps the period and the drawn marks follow, the period and
the counts are written on the map, keys step, the view stays, and a kept period becomes the
page's date filter. Expected numbers come from the curated data through
``geo.analysis.filters`` (the functions the page uses).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import expect

from geo.analysis.filters import apply_filter
from geo.io.events import load_events
from geo.ui.events import default_filter
from tests.browser.mapdriver import map_frame, map_view, wait_for_run

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

EVENTS = load_events().events
DEFAULT = default_filter(EVENTS)
SHOWN = apply_filter(EVENTS, DEFAULT)
LOCATED = SHOWN.dropna(subset=["latitude", "longitude"])
SHOTS = os.environ.get("TIMESLIDER_SHOTS")  # a folder: screenshots of the slider go there


def time_stats(frame) -> dict:
    return frame.evaluate("() => window.atlasTimeStats || {}")


def point_stats(frame) -> dict:
    return frame.evaluate("() => window.atlasPointStats || {}")


def located_in(first: date, last: date) -> int:
    """The located events of the default view whose [date, date_end] meets [first, last]."""
    return len(apply_filter(LOCATED, replace(DEFAULT, date_from=first, date_to=last)))


def wait_stats(page, frame, check, what: str) -> dict:
    for _ in range(240):
        stats = time_stats(frame)
        if stats and check(stats):
            return stats
        page.wait_for_timeout(250)
    raise AssertionError(f"{what}: {time_stats(frame)}")


def open_map(page, url: str, lang: str = "en"):
    page.goto(f"{url}/?lang={lang}&cluster=0")
    frame = map_frame(page)
    stats = wait_stats(page, frame, lambda s: s.get("periods", 0) > 0, "the slider has no days")
    assert stats["open"] is False and stats["active"] is False  # folded: the map stays free
    expect(frame.locator(".atlas-time-panel")).to_be_hidden()
    frame.locator(".atlas-time-toggle").click()
    wait_stats(page, frame, lambda s: s["open"], "the slider never opened")
    return frame


def test_playing_steps_the_period_and_the_marks_and_counts_follow(app_url, offline_page):
    page = offline_page.page
    frame = open_map(page, app_url)
    control = frame.locator(".atlas-time")
    expect(control.locator(".atlas-time-period")).to_have_text("Every date of the filter")
    expect(control.locator(".atlas-time-counts")).to_contain_text(f"Events drawn: {len(LOCATED):,}")
    view = map_view(frame)

    frame.locator(".atlas-time-step").select_option("quarter")
    play = control.get_by_role("button", name="Play (Space)")
    play.click()
    seen: dict[int, dict] = {}
    for _ in range(120):
        stats = time_stats(frame)
        if stats.get("active"):
            seen[stats["index"]] = stats
        if len(seen) >= 3:
            break
        page.wait_for_timeout(150)
    assert len(seen) >= 3, seen
    control.get_by_role("button", name="Pause (Space)").click()
    stats = wait_stats(page, frame, lambda s: not s["playing"], "never paused")
    # every period is one quarter, its marks those of the events dated in it
    first = date.fromisoformat(stats["from"])
    last = date.fromisoformat(stats["to"])
    assert first.day == 1 and first.month in (1, 4, 7, 10), stats
    assert (last - first).days in range(89, 92), stats
    expected = located_in(first, last)
    assert stats["count"] == expected, (stats, expected)
    drawn = point_stats(frame)
    assert drawn["total"] == expected and drawn["window"] is not None, drawn
    quarter = (first.month - 1) // 3 + 1
    expect(control.locator(".atlas-time-period")).to_have_text(f"Q{quarter} {first.year}")
    expect(control.locator(".atlas-time-counts")).to_contain_text(f"Events drawn: {expected}")
    assert map_view(frame) == view  # playing never moves the map
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_keys_step_the_period_and_cumulative_mode_adds_up(app_url, offline_page):
    page = offline_page.page
    frame = open_map(page, app_url)
    view = map_view(frame)
    control = frame.locator(".atlas-time")
    control.focus()
    page.keyboard.press("Home")
    start = wait_stats(page, frame, lambda s: s["active"] and s["index"] == 0, "Home")
    assert start["step"] == "month"
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    stats = wait_stats(page, frame, lambda s: s["index"] == 5, "5 steps right")
    page.keyboard.press("ArrowLeft")
    stats = wait_stats(page, frame, lambda s: s["index"] == 4, "one step left")
    first, last = date.fromisoformat(stats["from"]), date.fromisoformat(stats["to"])
    assert first.day == 1 and (last.year, last.month) == (first.year, first.month)
    assert stats["count"] == located_in(first, last)
    expect(control.locator(".atlas-time-period")).to_have_text(first.strftime("%B %Y"))
    # the arrows step the slider, never the map
    assert map_view(frame) == view

    frame.locator(".atlas-time-mode").select_option("cumulative")
    stats = wait_stats(page, frame, lambda s: s["mode"] == "cumulative", "cumulative")
    begin = date.fromisoformat(stats["from"])
    assert date.fromisoformat(stats["to"]) == last
    assert stats["count"] == located_in(begin, last)
    expect(control.locator(".atlas-time-period")).to_have_text(
        f"Cumulative: {first.strftime('%B %Y')}"
    )
    control.focus()
    page.keyboard.press("End")
    stats = wait_stats(page, frame, lambda s: s["index"] == s["periods"] - 1, "End")
    assert stats["count"] == len(LOCATED)  # cumulative to the last period: every event
    control.get_by_role("button", name="All dates").click()
    wait_stats(page, frame, lambda s: not s["active"], "All dates")
    assert point_stats(frame)["window"] is None
    assert map_view(frame) == view
    assert offline_page.page_errors == []


def test_a_kept_period_becomes_the_date_filter_and_the_view_stays(app_url, offline_page):
    page = offline_page.page
    frame = open_map(page, app_url)
    view = map_view(frame)
    frame.locator(".atlas-time-step").select_option("quarter")
    frame.locator(".atlas-time").focus()
    page.keyboard.press("End")
    stats = wait_stats(page, frame, lambda s: s["active"] and s["index"] > 0, "End")
    first, last = date.fromisoformat(stats["from"]), date.fromisoformat(stats["to"])
    expected = located_in(first, last)
    frame.get_by_role("button", name="Keep as date filter").click()
    wait_for_run(page)
    # the sidebar's date filter is the period (clipped to the data's last day)
    expect(page).to_have_url(re.compile(rf"from={first.isoformat()}"))
    frame = map_frame(page)
    stats = wait_stats(
        page, frame, lambda s: not s["active"] and s["count"] == expected, "kept period"
    )
    assert point_stats(frame)["window"] is None  # the filter does it now
    assert map_view(frame) == view
    assert offline_page.page_errors == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_slider_speaks_the_pages_language(app_url, offline_page, lang):
    page = offline_page.page
    frame = open_map(page, app_url, lang)
    control = frame.locator(".atlas-time")
    frame.locator(".atlas-time-step").select_option("month")
    control.focus()
    page.keyboard.press("End")
    wait_stats(page, frame, lambda s: s["active"], "End")
    if lang == "fr":
        expect(control.get_by_role("button", name="Lecture (Espace)")).to_be_visible()
        expect(control.locator(".atlas-time-counts")).to_contain_text("Événements dessinés\u00a0:")
        expect(control.locator(".atlas-time-dates")).to_contain_text(re.compile(r"^du .+ au "))
        expect(control.get_by_role("button", name="Garder comme filtre de dates")).to_be_visible()
    else:
        expect(control.get_by_role("button", name="Play (Space)")).to_be_visible()
        expect(control.locator(".atlas-time-counts")).to_contain_text("Events drawn:")
    if SHOTS:
        page.wait_for_timeout(500)
        page.screenshot(path=f"{SHOTS}/timeslider-{lang}.png")
        control.screenshot(path=f"{SHOTS}/timeslider-{lang}-control.png")


def test_by_keyboard_alone_the_slider_opens_steps_and_folds_and_the_period_stays_on_the_map(
    app_url, offline_page
):
    page = offline_page.page
    page.goto(f"{app_url}/?cluster=0")
    frame = map_frame(page)
    wait_stats(page, frame, lambda s: s.get("periods", 0) > 0, "the slider has no days")
    view = map_view(frame)
    toggle = frame.get_by_role("button", name="Time slider")
    toggle.focus()  # as Tab reaches it
    page.keyboard.press("Enter")
    wait_stats(page, frame, lambda s: s["open"], "Enter opens")
    page.keyboard.press("Tab")  # the next button: the previous period
    expect(frame.get_by_role("button", name="Previous period (Left arrow)")).to_be_focused()
    page.keyboard.press("ArrowRight")
    stats = wait_stats(page, frame, lambda s: s["active"] and s["index"] == 0, "a first step")
    page.keyboard.press("Escape")
    stats = wait_stats(page, frame, lambda s: not s["open"], "Escape folds")
    expect(frame.get_by_role("button", name="Time slider")).to_be_focused()
    # folded, the period drawn is still written on the map, with its count
    expect(frame.locator(".atlas-time-period")).to_have_text(stats["label"])
    expect(frame.locator(".atlas-time-counts")).to_contain_text(f"Events drawn: {stats['count']}")
    assert map_view(frame) == view
    assert offline_page.page_errors == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/timeslider-folded.png")
