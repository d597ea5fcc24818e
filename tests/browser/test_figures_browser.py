"""The map's image through the real page: move the map, frame the image on it, download
the PNG; the file is a PNG of the view on screen (its size follows the map's)."""

from __future__ import annotations

import pytest
from PIL import Image

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
