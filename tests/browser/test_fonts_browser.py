"""The pages are drawn in the system's fonts and the browser downloads none of Streamlit's
bundled text fonts (Source Sans, Source Code Pro: 260 kB over a slow link; issue #16,
geo/ui/http.py and the theme in .streamlit/config.toml). Streamlit's icon font (Material
Symbols) is still asked for by Streamlit itself; the team deployment serves it cut to the
icons Streamlit uses (deploy/)."""

from __future__ import annotations

import pytest

from tests.browser.mapdriver import map_frame

PAINTED = "() => !!(window.atlasPointStats && window.atlasPointStats.drawn > 0)"
SYSTEM_FONTS = {"DejaVu Sans", "Liberation Sans", "DejaVu Sans Mono", "Liberation Mono"}


def platform_fonts(page: object, selector: str) -> set[str]:
    """The fonts Chromium actually drew the text of ``selector``'s elements with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    ids = cdp.send("DOM.querySelectorAll", {"nodeId": root["nodeId"], "selector": selector})
    used: set[str] = set()
    for node_id in ids["nodeIds"]:
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]:
            used.add(font["familyName"])
    cdp.detach()
    return used


@pytest.mark.parametrize("path", ["/?lang=fr", "/help"])
def test_no_bundled_text_font_is_downloaded_and_text_is_in_system_fonts(
    app_url, offline_page, path
):
    page = offline_page.page
    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
    page.goto(app_url + path)
    if path.startswith("/?"):
        map_frame(page).wait_for_function(PAINTED, timeout=60_000)
    else:
        page.get_by_test_id("stMainBlockContainer").get_by_role("heading").first.wait_for()
    page.wait_for_timeout(1500)  # the page's later elements and their fonts
    assert not [u for u in fonts if "Source" in u], fonts
    assert all("MaterialSymbols" in u for u in fonts), fonts
    text_fonts = platform_fonts(page, "[data-testid=stSidebar] p, [data-testid=stMain] p, h1, h2")
    assert text_fonts and text_fonts <= SYSTEM_FONTS, text_fonts
    assert offline_page.page_errors == []
