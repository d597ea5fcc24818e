"""The Help page in Debian Chromium: reached from the navigation, in French, its glossary
searchable and anchored, readable on a phone's width, offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.mapdriver import wait_for_run

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

HEADING_FR = re.compile("^Aide : couches, zones, mesures et glossaire$")


def _in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )


def test_the_french_help_page_shows_the_glossary_and_finds_a_term(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    page.get_by_role("heading", name="Sahel Atlas").first.wait_for()
    wait_for_run(page)
    page.get_by_role("radio", name="Français").locator("xpath=ancestor::label").click()
    page.get_by_role("heading", name="Atlas du Sahel").first.wait_for()
    wait_for_run(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Aide", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/help(\?|$)"))
    expect(page.get_by_role("heading", name=HEADING_FR)).to_be_visible()
    wait_for_run(page)

    # An entry in French: its term, its expansion, its definition and a dated source.
    ecowas = page.locator("#term-ecowas")
    expect(ecowas.locator("dt")).to_have_text(
        "CEDEAO — Communauté économique des États de l'Afrique de l'Ouest (CEDEAO)"
    )
    expect(ecowas).to_contain_text("au 29 janvier 2025 la fin de leur appartenance")
    expect(ecowas).to_contain_text("lu le 3 décembre 2026")
    # The rule of "Where it is changing" as that page states it, in French.
    expect(page.locator('[data-rule="sg_rule"]')).to_contain_text("Règle : nettement au-dessus")

    # The index links to the entries' anchors.
    page.locator('[data-testid="stMarkdownContainer"] a[href="#term-vdp"]').click()
    page.wait_for_function(
        "() => { const r = document.querySelector('#term-vdp').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )

    # Searching another spelling finds the term; the address keeps the search.
    field = page.get_by_role("textbox", name="Chercher dans le glossaire")
    field.fill("gsim")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"term=gsim"))
    expect(page.locator(".help-term")).to_have_count(1)
    expect(page.locator(".help-term dt")).to_have_text(re.compile(r"^JNIM \(GSIM\)"))
    wait_for_run(page)
    page.screenshot(path=str(artifacts / "help_fr_search.png"))
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_the_help_page_fits_a_phone_screen(app_url, browser, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{app_url}/help?lang=fr&term=cedeao")
        expect(page.get_by_role("heading", name=HEADING_FR)).to_be_visible()
        expect(page.locator("#term-ecowas")).to_be_visible()
        wait_for_run(page)
        # Nothing is wider than the screen: long titles and URLs wrap.
        overflow = page.locator('[data-testid="stMain"]').evaluate(
            "el => el.scrollWidth - el.clientWidth"
        )
        assert overflow <= 0, overflow
        box = page.locator("#term-ecowas").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=str(artifacts / "help_fr_phone.png"))
    finally:
        context.close()
