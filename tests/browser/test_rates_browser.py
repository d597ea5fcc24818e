"""The Analysis page's Compare section and rates table in Debian Chromium: two columns
side by side, changing one place redraws its column and writes the URL; the rates table
under the regions map, in English and French."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COLUMN = '[data-testid="stColumn"]'


def _wait_idle(page) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def _side_columns(page):
    """The two columns that hold a place each (a heading and a chart)."""
    return (
        page.locator(COLUMN)
        .filter(has=page.locator('[data-testid="stVegaLiteChart"]'))
        .filter(has=page.locator("h3"))
    )


def test_compare_shows_two_columns_and_one_place_changes_alone(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/analysis?section=compare&cmp_a=MLI&cmp_b=NER")
    page.get_by_role("heading", name="Compare").wait_for(timeout=90_000)
    page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
    _wait_idle(page)
    sides = _side_columns(page)
    assert sides.count() == 2
    first, second = sides.nth(0), sides.nth(1)
    assert first.locator("h3").inner_text().strip() == "Mali"
    assert second.locator("h3").inner_text().strip() == "Niger"
    # side by side: the second column starts to the right of the first
    a, b = first.bounding_box(), second.bounding_box()
    assert a and b and b["x"] >= a["x"] + a["width"] - 1 and abs(a["y"] - b["y"]) < 5
    left_before = first.inner_text()
    page.screenshot(path=artifacts / "compare.png", full_page=True)
    first.locator('[data-testid="stVegaLiteChart"]').scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "compare-charts.png")

    # pick another second place with the keyboard: type its name into the select box
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Second place")
    box.locator("input").click()
    page.keyboard.type("Tillab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => new URL(window.location.href).searchParams.get('cmp_b') === 'NE-6'",
        timeout=30_000,
    )
    _wait_idle(page)
    sides = _side_columns(page)
    assert sides.count() == 2
    assert sides.nth(1).locator("h3").inner_text().strip() == "Tillabéri (Niger)"
    assert sides.nth(0).inner_text() == left_before  # the other side is unchanged
    page.screenshot(path=artifacts / "compare-tillaberi.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_french_compare_and_rates(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/analysis?lang=fr&section=compare&cmp_a=BFA&cmp_b=NE-6")
    page.get_by_role("heading", name="Comparer").wait_for(timeout=90_000)
    page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
    _wait_idle(page)
    text = page.locator("body").inner_text()
    assert "20\u202f487\u202f979 (recensement de 2019)" in text  # its 13 regions summed
    assert "recensement de 2012" in text
    page.screenshot(path=artifacts / "compare-fr.png", full_page=True)

    page.goto(f"{app_url}/analysis?lang=fr&section=regions")
    page.get_by_role("heading", name="Taux par superficie et par habitant").wait_for(timeout=90_000)
    _wait_idle(page)
    page.wait_for_timeout(1000)
    assert "Sources des chiffres de population" in page.locator("body").inner_text()
    page.get_by_role(
        "heading", name="Taux par superficie et par habitant"
    ).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "rates-fr.png")
    page.get_by_text("Sources des chiffres de population").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "rates-fr-sources.png")
    assert offline_page.external_requests == []
