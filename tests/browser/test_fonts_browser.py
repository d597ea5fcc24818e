"""The pages are drawn in the system's fonts and the browser downloads none of Streamlit's
bundled text fonts (Source Sans, Source Code Pro: 260 kB over a slow link; issue #16,
geo/ui/http.py and the theme in .streamlit/config.toml). Streamlit's icon font (Material
Symbols) is still asked for by Streamlit itself; the team deployment serves it cut to the
icons Streamlit and the app use (deploy/, scripts/build_icon_font.py), and the icons are
still drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo.ui.http import SYSTEM_FONTS_SETTINGS
from scripts.benchmark_slowlink import USERS
from tests.browser.mapdriver import map_frame
from tests.browser.server import streamlit_server
from tests.proxy import proxied_app

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


@pytest.fixture(scope="module")
def system_fonts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A plain `streamlit run` with the team deployment's font settings (a plain server
    keeps Streamlit's bundled fonts: geo/ui/http.py)."""
    with streamlit_server(
        tmp_path_factory.mktemp("system-fonts") / "server.log", env=SYSTEM_FONTS_SETTINGS
    ) as url:
        yield url


# The Analysis page's before/after section has an emoji icon (st.warning's "⚠️"), which
# once made the browser download Source Sans (geo.ui.http.EMOJI_ICON_RULE).
@pytest.mark.parametrize("path", ["/?lang=fr", "/help", "/analysis?section=before_after"])
def test_no_bundled_text_font_is_downloaded_and_text_is_in_system_fonts(
    system_fonts_url, offline_page, path
):
    app_url = system_fonts_url
    page = offline_page.page
    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
    page.goto(app_url + path)
    if path.startswith("/?"):
        map_frame(page).wait_for_function(PAINTED, timeout=60_000)
    elif path.startswith("/analysis"):
        page.get_by_test_id("stAlertDynamicIcon").first.wait_for()
        page.locator(".vega-embed").first.wait_for()
    else:
        page.get_by_test_id("stMainBlockContainer").get_by_role("heading").first.wait_for()
    page.wait_for_timeout(1500)  # the page's later elements and their fonts
    assert not [u for u in fonts if "Source" in u], fonts
    assert all("MaterialSymbols" in u for u in fonts), fonts
    text_fonts = platform_fonts(page, "[data-testid=stSidebar] p, [data-testid=stMain] p, h1, h2")
    assert text_fonts and text_fonts <= SYSTEM_FONTS, text_fonts
    assert offline_page.page_errors == []


@pytest.fixture(scope="module")
def proxy_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app behind the deployment's nginx, its icon font cut as the image cuts it."""
    with proxied_app(tmp_path_factory.mktemp("fonts-proxy")) as url:
        yield url


ICON_WIDTHS_JS = """async () => {
  await document.fonts.ready;
  return Array.from(document.querySelectorAll('[data-testid="stIconMaterial"]'))
    .filter(el => el.offsetParent !== null)
    .map(el => [el.textContent, el.getBoundingClientRect().width,
                parseFloat(getComputedStyle(el).fontSize)]);
}"""


def test_behind_the_proxy_the_only_font_is_the_cut_icon_font_and_icons_are_drawn(
    proxy_url, browser
):
    context = browser.new_context(
        viewport={"width": 1400, "height": 950},
        http_credentials={"username": "bakary", "password": USERS["bakary"][1]},
    )
    try:
        page = context.new_page()
        fonts: dict[str, int] = {}

        def finished(response: object) -> None:
            if response.request.resource_type == "font":
                fonts[response.url] = len(response.body())

        page.on("response", finished)
        page.goto(f"{proxy_url}/?lang=fr")
        map_frame(page).wait_for_function(PAINTED, timeout=60_000)
        icons = page.evaluate(ICON_WIDTHS_JS)
        page.wait_for_timeout(500)
        assert len(fonts) == 1, fonts
        ((url, size),) = fonts.items()
        assert "MaterialSymbols" in url and size < 100_000, (url, size)  # the whole: 375 kB
        # Each icon is one glyph about as wide as its font size, not its name in letters.
        names = {name for name, _, _ in icons}
        assert "keyboard_double_arrow_left" in names, icons
        for name, width, size in icons:
            assert width <= 1.5 * size, (name, width, size)
    finally:
        context.close()
