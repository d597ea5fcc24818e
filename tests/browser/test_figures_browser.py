"""The map's image through the real page: move the map, frame the image on it, download
the PNG; the file is a PNG of the view on screen (its size follows the map's)."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo.i18n.catalogue import translate
from tests.browser.mapdriver import map_frame, wait_for_run

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_image_downloads_as_png_of_the_view_on_screen(app_url, offline_page, tmp_path, lang):
    page = offline_page.page
    page.goto(f"{app_url}/?lang={lang}")
    frame = map_frame(page)
    frame.evaluate("() => window.map.setView([13.5, 0.5], 7, {animate: false})")
    page.wait_for_timeout(1200)  # the page writes the view into its address every 400 ms
    assert "view=13.5" in page.url
    page.locator(SIDEBAR).get_by_text(translate("export_heading", lang)).click()
    page.locator(SIDEBAR).get_by_role("button", name=translate("fig_use_view", lang)).click()
    wait_for_run(page)
    # The caption under the button now names the view read from the map.
    page.locator(SIDEBAR).get_by_text("zoom 7.").wait_for(timeout=30_000)
    width = frame.evaluate("() => window.map.getSize().x")
    button = page.locator(SIDEBAR).get_by_role("button", name=translate("fig_download_png", lang))
    wait_for_run(page)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / "map.png"
    info.value.save_as(path)
    image = Image.open(path)
    assert image.format == "PNG"
    assert image.width == round((min(max(width, 640), 1600) + 32) * 2)
    assert offline_page.page_errors == []


def test_map_image_shows_the_time_slider_period_on_screen(app_url, offline_page, tmp_path):
    """Paused on a quarter, the image holds the events of that quarter (those in the view
    and those outside it add up to the slider's count) and names the period."""
    import re

    from tests.browser.test_timeslider_browser import open_map, time_stats, wait_stats

    page = offline_page.page
    frame = open_map(page, app_url)
    control = frame.locator(".atlas-time")
    frame.locator(".atlas-time-step").select_option("quarter")
    control.get_by_role("button", name="Play (Space)").click()
    wait_stats(page, frame, lambda s: s.get("active") and s.get("count"), "no period")
    control.get_by_role("button", name="Pause (Space)").click()
    stats = wait_stats(page, frame, lambda s: not s["playing"], "never paused")
    assert time_stats(frame)["from"] == stats["from"]
    page.locator(SIDEBAR).get_by_text(translate("export_heading", "en")).click()
    note = translate("fig_time_window", "en", label=stats["label"])
    use_view = page.locator(SIDEBAR).get_by_role("button", name=translate("fig_use_view", "en"))
    for attempt in range(3):
        # The map's view and period reach the server with the component's next value; a
        # click that comes before it captures the previous view: click again (CI, loaded).
        use_view.click()
        wait_for_run(page)
        try:
            page.locator(SIDEBAR).get_by_text(note).wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    button = page.locator(SIDEBAR).get_by_role("button", name=translate("fig_download_svg", "en"))
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / "map.svg"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert note in text
    inside = int(re.search(r"([\d,]+) events? in this view", text).group(1).replace(",", ""))
    found = re.search(r"([\d,]+) events? that the filters keep", text)
    outside = int(found.group(1).replace(",", "")) if found else 0
    assert inside + outside == stats["count"], (inside, outside, stats)
