"""The Analysis page in Debian Chromium: change the pivot date and see the numbers change;
what only the drawn charts show (labels kept, bar widths, the reader's number format); one
section drawn at a time, each one click away and named in the URL."""

from __future__ import annotations

import re

import pytest

from tests.browser.mapdriver import wait_for_run

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
    page.goto(f"{app_url}/analysis?pivot=2023-09-16&window=12&section=before_after")
    page.get_by_text(METRIC_LABEL).wait_for(timeout=90_000)  # a cold server on a busy machine
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
        timeout=30_000,
    )
    _wait_idle(page)
    after = _events_metric(page)
    assert after != before
    assert "Before: 1 January 2020 to 31 December 2020" in page.locator("body").inner_text()
    page.screenshot(path=artifacts / "analysis-pivot-2021.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_french_analysis_page(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/analysis?lang=fr&section=before_after")
    page.get_by_role("heading", name="Avant et après une date pivot").wait_for()
    page.get_by_text("comparaison descriptive", exact=False).first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    _wait_idle(page)
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts / "analysis-fr.png", full_page=True)
    assert offline_page.external_requests == []


# The charts are SVG (geo.ui.analysis.localised): their text is in the page.
CHART = '[data-testid="stVegaLiteChart"]'
VISIBLE_TEXTS = """(root, role) => Array.from(root.querySelectorAll(`g.${role} text`))
    .filter(t => {
        for (let e = t; e && e !== root; e = e.parentElement) {
            if (parseFloat(getComputedStyle(e).opacity) === 0) return false;
        }
        return t.textContent.trim() !== "";
    }).map(t => t.textContent)"""


SECTION_CHARTS = {"trends": 2, "before_after": 1, "bands": 1, "actors": 2}
"""The charts each section draws (the regions section draws a map)."""


def _open_analysis(page, app_url: str, lang: str = "en", section: str = "trends") -> None:
    page.goto(f"{app_url}/analysis?lang={lang}&section={section}")
    _wait_for_section(page, section)


def _wait_for_section(page, section: str) -> None:
    charts = SECTION_CHARTS[section]
    page.locator(CHART).nth(charts - 1).wait_for(timeout=90_000)
    wait_for_run(page)
    page.wait_for_function(
        f"""() => document.querySelectorAll('{CHART}').length === {charts}
            && document.querySelectorAll('{CHART} svg g.role-axis-label').length
               >= {charts}""",
        timeout=60_000,
    )


def test_every_top_actor_bar_is_labelled_and_victims_are_apart(app_url, offline_page, artifacts):
    from geo.analysis import measures as an
    from geo.io.events import load_events

    expected = an.top_actors(load_events().events, n=10)["actor"].tolist()
    page = offline_page.page
    _open_analysis(page, app_url, section="actors")
    chart = page.locator(CHART).filter(has_text=expected[0]).first
    chart.scroll_into_view_if_needed()
    labels = chart.evaluate(VISIBLE_TEXTS, "role-axis-label")
    bars = chart.locator("g.mark-rect path").count()
    assert bars == len(expected) == 10
    for actor in expected:  # shown whole (names up to 360 px are never cut here)
        assert actor in labels, (actor, labels)
    assert not any(an.is_victim(label) for label in labels)
    chart.screenshot(path=artifacts / "analysis-actors.png")
    victims = page.locator(CHART).filter(has_text="Fulani civilians").first
    assert "civilians" in victims.evaluate(VISIBLE_TEXTS, "role-axis-label")
    assert offline_page.external_requests == [] and offline_page.page_errors == []


def test_trend_bars_are_readable_at_fourteen_years_and_milestones_labelled(
    app_url, offline_page, artifacts
):
    page = offline_page.page
    _open_analysis(page, app_url)
    chart = page.locator(CHART).filter(has_text="Events per quarter").first
    chart.scroll_into_view_if_needed()
    widths = chart.evaluate("""root => Array.from(root.querySelectorAll('g.mark-rect path'))
        .map(p => p.getBBox().width).filter(w => w > 0)""")
    assert widths and min(widths) >= 8, min(widths)  # 168 monthly bars would be ~4 px
    labels = chart.evaluate(VISIBLE_TEXTS, "mark-text")
    for label in (
        "Coup, Mali",
        "Coup, Niger",
        "Liptako-Gourma Charter",
        "ECOWAS exit announced",
        "ECOWAS exit effective",
    ):
        assert label in labels, labels
    # No two milestone labels overlap.
    boxes = chart.evaluate("""root => Array.from(root.querySelectorAll('g.mark-text text'))
        .filter(t => t.getAttribute('stroke') === null && t.textContent.trim() !== '')
        .map(t => { const b = t.getBoundingClientRect();
                    return [b.left, b.top, b.right, b.bottom]; })""")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 1 or overlap_y <= 1, (a, b)
    chart.screenshot(path=artifacts / "analysis-trends.png")
    assert offline_page.external_requests == [] and offline_page.page_errors == []


def test_french_charts_write_numbers_the_french_way(app_url, offline_page, artifacts):
    page = offline_page.page
    texts = []
    for section in SECTION_CHARTS:
        _open_analysis(page, app_url, "fr", section)
        charts = page.locator(CHART)
        for i in range(charts.count()):
            texts += charts.nth(i).evaluate(VISIBLE_TEXTS, "role-axis-label")
        if section == "before_after":
            charts.first.screenshot(path=artifacts / "analysis-fr-before-after.png")
    assert not [t for t in texts if re.search(r"\d,\d{3}", t)], texts
    assert [t for t in texts if re.fullmatch(r"\d{1,3}(\u202f\d{3})+", t)], texts
    assert "100\u202f%" in texts
    assert offline_page.external_requests == [] and offline_page.page_errors == []


def test_regrouping_a_chart_reruns_its_section_alone(app_url, offline_page, artifacts):
    """Grouping the trends by category reruns the trend section alone (a fragment): the
    server sends its few elements again, not the sidebar nor the page's top (a whole run
    sends every element). The first load draws the trends only: no map, no other
    section's chart."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page = offline_page.page
    elements: list[str] = []

    def received(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "delta":
                elements.append(message.delta.WhichOneof("type") or "")

    page.on("websocket", lambda ws: ws.on("framereceived", received))
    _open_analysis(page, app_url)
    whole = len(elements)
    elements.clear()
    group = page.locator('[data-testid="stRadio"]').filter(has_text="Group by").first
    group.get_by_text("Category", exact=True).click()
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll('{CHART}'))
            .some(c => c.textContent.includes('Insurgency'))""",
        timeout=60_000,
    )
    _wait_idle(page)
    assert whole > 30, whole
    # The section's own elements: its charts with their image downloads (geo.ui.figures),
    # its widgets and captions; a whole run sends the sidebar and the page's top as well.
    assert 0 < len(elements) < whole / 2, (len(elements), whole)
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    assert page.locator(CHART).count() == 2
    page.screenshot(path=artifacts / "analysis-by-category.png", full_page=True)
    assert offline_page.external_requests == [] and offline_page.page_errors == []


def test_each_section_is_one_click_away_and_named_in_the_url(app_url, offline_page, artifacts):
    """The choice of section draws that section alone (the regions' map only there) and
    writes it in the URL; the grouping chosen in a section is still chosen when the reader
    comes back to it."""
    page = offline_page.page
    _open_analysis(page, app_url)
    picker = page.locator('[data-testid="stRadio"]').filter(has_text="Show").first
    picker.wait_for()
    page.locator('[data-testid="stRadio"]').filter(has_text="Group by").first.get_by_text(
        "Category", exact=True
    ).click()
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll('{CHART}'))
            .some(c => c.textContent.includes('Insurgency'))""",
        timeout=60_000,
    )
    _wait_idle(page)
    picker.get_by_text("Regions (admin-1)", exact=True).click()
    page.wait_for_function(
        "() => new URL(window.location.href).searchParams.get('section') === 'regions'",
        timeout=30_000,
    )
    frame = page.locator('iframe[title="streamlit_folium.st_folium"]')
    frame.wait_for(state="attached", timeout=60_000)
    _wait_idle(page)
    page.wait_for_function(
        """() => {
      const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
      try { return !!(f && f.contentWindow.map && f.contentDocument.querySelector(
                        '.leaflet-pane canvas, .leaflet-interactive')); }
      catch (e) { return false; }
    }""",
        timeout=60_000,
    )  # Leaflet has drawn the regions
    frame.scroll_into_view_if_needed()
    assert frame.is_visible()
    assert page.locator(CHART).count() == 0
    assert page.get_by_role("heading", name="Trends over time").count() == 0
    page.screenshot(path=artifacts / "analysis-regions.png", full_page=True)
    picker.get_by_text("Trends over time", exact=True).click()
    _wait_for_section(page, "trends")
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll('{CHART}'))
            .some(c => c.textContent.includes('Insurgency'))""",
        timeout=60_000,
    )
    assert offline_page.external_requests == [] and offline_page.page_errors == []


def test_the_french_rankings_label_their_bars_in_french(app_url, offline_page, artifacts):
    """The French page draws the same top actors and victims, each bar labelled with the
    group's or the curated name's French (data/events/actor_names.yaml)."""
    from geo.analysis import measures as an
    from geo.io.actors import aliases
    from geo.io.events import load_events

    top = an.top_actors(load_events().events, n=10)["actor"].tolist()
    expected = [aliases().display(a, "fr") for a in top]
    page = offline_page.page
    _open_analysis(page, app_url, lang="fr", section="actors")
    chart = page.locator(CHART).filter(has_text=expected[0]).first
    chart.scroll_into_view_if_needed()
    labels = chart.evaluate(VISIBLE_TEXTS, "role-axis-label")
    assert [label for label in labels if label in expected] == expected
    assert "Malian Armed Forces (FAMa)" not in labels
    victims = page.locator(CHART).filter(has_text="civils peuls").first
    victims.scroll_into_view_if_needed()
    shown = victims.evaluate(VISIBLE_TEXTS, "role-axis-label")
    assert {"civils", "civils peuls", "civils dogons"} <= set(shown)
    assert not {"Fulani civilians", "Dogon civilians", "civilians"} & set(shown)
    victims.screenshot(path=artifacts / "analysis-victims-fr.png")
    assert offline_page.external_requests == [] and offline_page.page_errors == []
