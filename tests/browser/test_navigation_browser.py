"""Page switches in a real browser: the event filters are one state shared by every page.

The filters are drawn on the map and the analysis pages; the charter, the timeline and the
help pages have none. Switching pages in any order, with or without having touched a
filter, must keep every checkbox and the URL as they were, and a fresh deep link opens on
the defaults.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from geo.model.selection import parse_view
from tests.browser.mapdriver import map_frame, map_view, wait_for_run

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # a page switch reruns a whole page on a shared machine

LAYERS = (
    "Successful coups",
    "Attempted coups",
    "Alleged coup plots",
    "Insurgency events",
    "State violence",
)
PAGES = {  # navigation label -> (URL path, a heading only that page shows)
    "Map": ("", re.compile("^Sahel Atlas$")),
    "Analysis": ("analysis", re.compile("^Analysis: trends")),
    "Charter": ("charter", re.compile("^The Liptako-Gourma Charter$")),
    "Timeline": ("timeline", re.compile("^Timeline$")),
    "Help": ("help", re.compile("^Help: layers")),
}
FILTER_PAGES = {"Map", "Analysis"}
FILTER_PARAMS = {
    "from",
    "to",
    "countries",
    "layers",
    "subtypes",
    "actors",
    "min_fatalities",
    "non_aes_coups",
}


def _layer_boxes(page) -> dict[str, object]:
    return {
        name: page.get_by_role("checkbox", name=re.compile(f"^{re.escape(name)} \\("))
        for name in LAYERS
    }


def _labels(page) -> dict[str, str]:
    """Each layer checkbox's label, with its count of matching events."""
    return {
        name: box.get_attribute("aria-label") or box.locator("xpath=..").inner_text()
        for name, box in _layer_boxes(page).items()
    }


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def _wait_map_settled(page) -> None:
    """On the map page, wait until the browser has written the map's view to the URL and
    no run is pending, so each step starts from a known state."""
    if urlparse(page.url).path.strip("/"):
        return
    frame = map_frame(page)
    for _ in range(240):  # polls a condition, about a minute at most
        view = parse_view(_params(page).get("view", [""])[0])
        shown = map_view(frame)
        if (
            view
            and abs(view[0] - shown["lat"]) < 1e-4
            and abs(view[1] - shown["lng"]) < 1e-4
            and view[2] == shown["zoom"]
        ):
            wait_for_run(page)
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the map's view never reached the URL: {page.url}")


def _go(page, app_url: str, label: str) -> None:
    _wait_map_settled(page)
    path, heading = PAGES[label]
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=label, exact=True).click()
    expect(page).to_have_url(
        re.compile(re.escape(app_url.rstrip("/")) + "/" + re.escape(path) + r"(\?|$)")
    )
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_for_run(page)


def _assert_filters(
    page,
    label: str,
    checked: dict[str, bool],
    labels: dict[str, str],
    layers_param: list[str] | None,
) -> None:
    if label in FILTER_PAGES:
        for name, box in _layer_boxes(page).items():
            (expect(box).to_be_checked() if checked[name] else expect(box).not_to_be_checked())
        assert _labels(page) == labels, "the layer counts changed with the page"
    if label in FILTER_PAGES:  # the URL is written at the end of the run: wait for it
        for _ in range(120):
            if _params(page).get("layers") == layers_param:
                break
            page.wait_for_timeout(250)
    params = _params(page)
    if label in FILTER_PAGES:
        assert params.get("layers") == layers_param, page.url
        assert not (FILTER_PARAMS - {"layers"}) & params.keys(), page.url


ORDERS = [
    ("Analysis", "Charter", "Timeline", "Help", "Map"),
    ("Timeline", "Analysis", "Map", "Charter", "Analysis"),
    ("Charter", "Map", "Timeline", "Analysis", "Map"),
]


@pytest.mark.parametrize("touch", [False, True], ids=["untouched", "one-layer-unchecked"])
@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_filters_survive_every_page_switch(app_url, offline_page, order, touch):
    page = offline_page.page
    page.goto(app_url)
    page.get_by_role("heading", name=PAGES["Map"][1]).first.wait_for()
    wait_for_run(page)
    checked = dict.fromkeys(LAYERS, True)
    layers_param = None
    if touch:
        _layer_boxes(page)["State violence"].locator("xpath=ancestor::label").click()
        checked["State violence"] = False
        expect(page).to_have_url(re.compile(r"layers="))
        wait_for_run(page)
        layers_param = ["coup-successful,coup-attempted,coup-plot,insurgency"]
    for name, box in _layer_boxes(page).items():
        (expect(box).to_be_checked() if checked[name] else expect(box).not_to_be_checked())
    labels = _labels(page)
    assert all(re.search(r"\(\d[\d,]*\)$", text) for text in labels.values()), labels
    _assert_filters(page, "Map", checked, labels, layers_param)

    for label in order:
        _go(page, app_url, label)
        _assert_filters(page, label, checked, labels, layers_param)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


@pytest.mark.parametrize("label", list(PAGES))
def test_a_fresh_deep_link_opens_with_the_defaults(app_url, browser, label):
    """A new session (own browser context) opening a page by its address."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        path, heading = PAGES[label]
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for()
        wait_for_run(page)
        assert not FILTER_PARAMS & _params(page).keys(), page.url
        _go(page, app_url, "Analysis" if label == "Map" else "Map")
        for box in _layer_boxes(page).values():
            expect(box).to_be_checked()
        assert not FILTER_PARAMS & _params(page).keys(), page.url
    finally:
        context.close()


def _view_in_url(page) -> tuple[float, float, int] | None:
    return parse_view(_params(page).get("view", [""])[0])


def test_a_navigation_click_right_after_a_map_move_is_not_lost(app_url, offline_page):
    """Moving the map never reruns the page, so a page switch clicked at once still happens
    (it used to be undone by the rerun of the map's view report)."""
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_run(page)
    steps = [
        ((14.5, 0.5, 7), "Analysis", 0),
        ((13.0, -1.0, 6), "Charter", 300),
        ((12.0, 1.0, 7), "Timeline", 600),
        ((15.0, -3.0, 6), "Analysis", 900),
    ]
    for index, (target, label, delay_ms) in enumerate(steps):
        if index:
            _go(page, app_url, "Map")
            frame = map_frame(page)
        frame.evaluate(
            "([lat, lng, zoom]) => { window.map.setView([lat, lng], zoom); }", list(target)
        )
        page.wait_for_timeout(delay_ms)  # at once, then while a view report would be running
        page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name=label, exact=True
        ).click()
        path, heading = PAGES[label]
        expect(page).to_have_url(re.compile(re.escape(app_url.rstrip("/")) + "/" + path))
        page.get_by_role("heading", name=heading).first.wait_for()
        wait_for_run(page)
        page.wait_for_timeout(1500)  # a late view report would switch back to the map
        assert urlparse(page.url).path.strip("/") == path, page.url
        assert page.get_by_role("heading", name=heading).first.is_visible()
    assert offline_page.page_errors == []


def test_the_map_reopens_where_it_was_left_and_its_view_stays_in_the_url(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_run(page)
    # Read the view once the move has ended (during the zoom's animation the centre is
    # still on its way).
    frame.evaluate(
        "() => new Promise(done => { window.map.once('moveend', () => done());"
        " window.map.setView([12.25, 1.5], 8); })"
    )
    moved = map_view(frame)  # Leaflet puts the centre on a whole pixel
    in_url = re.compile(
        "view="
        + "(%2C|,)".join([re.escape(f"{moved['lat']:.5f}"), re.escape(f"{moved['lng']:.5f}"), "8"])
        + "(&|$)"
    )
    expect(page).to_have_url(in_url)
    # A run that rewrites the URL (a filter change) leaves the view in it.
    _layer_boxes(page)["State violence"].locator("xpath=ancestor::label").click()
    expect(page).to_have_url(re.compile(r"layers="))
    wait_for_run(page)
    expect(page).to_have_url(in_url)
    _go(page, app_url, "Timeline")
    assert "view" not in _params(page), page.url
    _go(page, app_url, "Map")
    frame = map_frame(page)
    shown = map_view(frame)
    assert (round(shown["lat"], 4), round(shown["lng"], 4), shown["zoom"]) == (
        round(moved["lat"], 4),
        round(moved["lng"], 4),
        8,
    )
    expect(page).to_have_url(in_url)
