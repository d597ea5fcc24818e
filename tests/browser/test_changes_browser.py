"""The "Where it is changing" page in Debian Chromium: reached from the navigation in French,
its map of change levels drawn, a change of period followed by the period line, the tables
and the address, and kept when the link is opened again; offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.io.boundaries import load_admin1
from tests.browser.mapdriver import MAP_FRAME, wait_for_run

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

PERIOD_LINE = re.compile(r"^Période : du .+ au .+, comparée aux 12 (mois|trimestres) ")


def _level_map_units(page, timeout_ms: int = 60_000) -> int:
    """How many admin-1 units the level map has drawn, once it has drawn some (scrolled
    into view first: an iframe below the fold may wait to load)."""
    page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
    deadline = timeout_ms / 250
    for _ in range(int(deadline)):
        for frame in reversed(page.frames):
            if MAP_FRAME in frame.url and not frame.is_detached():
                try:
                    count = frame.evaluate(  # drawn on a canvas: count the map's features
                        "() => window.map ? Object.values(window.map._layers)"
                        ".filter(layer => layer.feature && layer._map).length : 0"
                    )
                except Exception:  # noqa: BLE001 - frame still loading
                    count = 0
                if count:
                    return count
        page.wait_for_timeout(250)
    raise AssertionError("the level map never rendered")


def _period_line(page):
    return page.locator('[data-testid="stMarkdownContainer"] p').filter(has_text=PERIOD_LINE)


def test_the_french_changes_page_draws_its_levels_and_follows_the_period(
    app_url, offline_page, artifacts
):
    page = offline_page.page
    page.goto(app_url)
    page.get_by_role("heading", name="Sahel Atlas").first.wait_for()
    wait_for_run(page)
    page.get_by_role("radio", name="Français").locator("xpath=ancestor::label").click()
    page.get_by_role("heading", name="Atlas du Sahel").first.wait_for()
    wait_for_run(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Où cela change", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/changes(\?|$)"))
    expect(page.get_by_role("heading", name="Où la violence évolue")).to_be_visible()
    wait_for_run(page)

    # The default period is the month, against the 12 months before it.
    line = _period_line(page)
    expect(line).to_have_count(1)
    expect(line).to_contain_text("comparée aux 12 mois")
    month_text = line.inner_text()
    # Every admin-1 unit of Mali, Burkina Faso and Niger on the level map.
    assert _level_map_units(page) == len(load_admin1())
    expect(page.get_by_text(re.compile("^Règle : nettement au-dessus"))).to_be_visible()
    page.screenshot(path=str(artifacts / "changes-fr-month.png"), full_page=True)

    # A quarter: the line, the address and the tables follow.
    page.get_by_role("radio", name="Trimestre").locator("xpath=ancestor::label").click()
    expect(page).to_have_url(re.compile(r"sg_period=quarter"))
    expect(_period_line(page)).to_contain_text("comparée aux 12 trimestres")
    assert _period_line(page).inner_text() != month_text
    wait_for_run(page)
    assert _level_map_units(page) == len(load_admin1())

    # The link opens the same period again.
    page.goto(page.url)
    wait_for_run(page)
    expect(page.get_by_role("radio", name="Trimestre")).to_be_checked()
    expect(_period_line(page)).to_contain_text("comparée aux 12 trimestres")
