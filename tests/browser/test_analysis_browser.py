"""The Analysis page in Debian Chromium: change the pivot date and see the numbers change."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PIVOT_LABEL = "Pivot date"
METRIC_LABEL = "Events, three states"


def _events_metric(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=METRIC_LABEL)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def test_changing_the_pivot_changes_the_numbers(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/analysis?pivot=2023-09-16&window=12")
    page.get_by_text(METRIC_LABEL).wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    _wait_idle(page)
    before = _events_metric(page)
    page.screenshot(path=artifacts / "analysis.png", full_page=True)

    # Streamlit's date field is a row of spin buttons (year, month, day): type into each.
    date_box = page.locator('[data-testid="stDateInput"]').filter(has_text=PIVOT_LABEL)
    for part, value in (("year", "2021"), ("month", "01"), ("day", "01")):
        segment = date_box.get_by_role("spinbutton", name=f"{part}, {PIVOT_LABEL}")
        segment.click()
        page.keyboard.type(value)
    # The field commits its value when it loses focus.
    page.get_by_role("heading", name="Before and after a pivot date").click()
    page.wait_for_function(
        "() => new URL(window.location.href).searchParams.get('pivot') === '2021-01-01'",
        timeout=30_000)
    _wait_idle(page)
    after = _events_metric(page)
    assert after != before
    assert "Before: 2020-01-01 to 2020-12-31" in page.locator("body").inner_text()
    page.screenshot(path=artifacts / "analysis-pivot-2021.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_french_analysis_page(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/analysis?lang=fr")
    page.get_by_text("Avant et après une date pivot").wait_for()
    page.get_by_text("comparaison descriptive", exact=False).first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    _wait_idle(page)
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts / "analysis-fr.png", full_page=True)
    assert offline_page.external_requests == []
