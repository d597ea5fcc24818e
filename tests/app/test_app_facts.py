"""The Charter and Timeline pages, run headless with Streamlit's AppTest.

The pages run on their own (``AppTest.from_file("pages/...")``) for content and filters.
``st.switch_page`` needs the pages registered with ``st.navigation``, so "Show on map" is
tested through a small entry script in a temporary folder that registers the real Charter
and Timeline pages (symlinked) and a stub map page; and through ``dashboard.py`` itself
once it registers the Timeline page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.ui.facts import HIGHLIGHT_KEY

REPO = Path(__file__).resolve().parents[2]
CHARTER_PAGE = str(REPO / "pages" / "charter.py")
TIMELINE_PAGE = str(REPO / "pages" / "timeline.py")
TIMEOUT = 60

ENTRY = """
import streamlit as st

st.navigation([
    st.Page("pages/map.py", title="Map", url_path="map", default=True),
    st.Page("pages/charter.py", title="Charter", url_path="charter"),
    st.Page("pages/timeline.py", title="Timeline", url_path="timeline"),
]).run()
"""
STUB_MAP = """
import streamlit as st

st.header("Map stub")
st.text(f"highlight={st.session_state.get('timeline_highlight')}")
st.text(f"hl={st.query_params.get('hl')}")
"""


def run(path: str, lang: str = "en", query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def labels(at: AppTest) -> list[str]:
    """Expander labels as displayed (Markdown backslash escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]


def html_text(at: AppTest) -> str:
    return "\n".join(str(h.value) for h in at.get("html"))


# --------------------------------------------------------------------------- Charter page


def test_charter_page_english():
    at = run(CHARTER_PAGE)
    no_exception(at)
    assert at.title[0].value == "The Liptako-Gourma Charter"
    article_labels = [x for x in labels(at) if x.startswith("Article")]
    assert len(article_labels) == 17
    unverified = [x for x in article_labels if x.endswith("Content not verified")]
    assert [re.search(r"\d+", x).group() for x in unverified] == ["9", "12", "13", "14", "15", "16"]
    html = html_text(at)
    assert "16 September 2023, Bamako, Mali" in html
    # the Diop correction is sourced since 2026-12-03: shown as a verified correction
    assert 'data-id="diop-foreign-minister" data-verified="true"' in html
    assert "Correction reported, not verified" not in html
    for iso3 in ("MLI", "BFA", "NER"):
        assert f'data-iso3="{iso3}"' in html
    assert 'data-id="confederation-treaty"' in html  # what followed
    assert 'data-id="disputes-and-amendment" data-found="false"' in html


def test_charter_page_theme_filter_narrows_articles_and_goes_to_url():
    at = run(CHARTER_PAGE)
    at.selectbox(key="ch_theme").set_value("collective-defence").run()
    no_exception(at)
    article_labels = [x for x in labels(at) if x.startswith("Article")]
    assert [re.search(r"\d+", x).group() for x in article_labels] == ["2", "5", "6", "7"]
    assert at.query_params["ch_theme"] == "collective-defence"
    assert "4 of 17 articles shown; 0 of them with content not verified." in [
        c.value for c in at.caption
    ]
    at.selectbox(key="ch_theme").set_value("other").run()
    article_labels = [x for x in labels(at) if x.startswith("Article")]
    assert sum(x.endswith("Content not verified") for x in article_labels) == 6


def test_charter_page_theme_from_url():
    at = run(CHARTER_PAGE, query={"ch_theme": "membership"})
    no_exception(at)
    assert at.selectbox(key="ch_theme").value == "membership"
    assert [x for x in labels(at) if x.startswith("Article")] == [
        "Article 11 — Opening to new members"
    ]
    bad = run(CHARTER_PAGE, query={"ch_theme": "<nonsense>"})
    no_exception(bad)
    assert bad.selectbox(key="ch_theme").value == ""


def test_charter_page_french():
    at = run(CHARTER_PAGE, lang="fr")
    no_exception(at)
    assert at.title[0].value == "La Charte du Liptako-Gourma"
    assert "Article 9 — Contenu non vérifié" in labels(at)
    assert "Article 6 — Attaque contre un, attaque contre tous" in labels(at)
    html = html_text(at)
    assert "16 septembre 2023, Bamako (Mali)" in html
    assert 'data-id="diop-foreign-minister" data-verified="true"' in html
    assert "Correction rapportée, non vérifiée" not in html
    assert "Dernière source confirmant le dirigeant en fonction\u00a0: février 2026" in html
    assert [b.label for b in at.button][:1] == ["Voir sur la carte"]


def test_charter_page_french_sentences_are_grammatical_and_counted():
    at = run(CHARTER_PAGE, lang="fr")
    no_exception(at)
    html = html_text(at)
    assert "renversement du président Mohamed Bazoum" in html
    assert (
        "renversement du président de transition Bah N&#x27;Daw et du Premier" in html
        or "renversement du président de transition Bah N'Daw et du Premier" in html
    )
    assert "de Le " not in html and "de le président" not in html
    assert "17 articles affichés sur 17, dont 6 au contenu non vérifié." in [
        c.value for c in at.caption
    ]
    assert re.search(r"<summary>1 source</summary>", html)  # singular for one source
    assert "Sources (" not in html
    assert "latest_verified" not in " ".join(c.value for c in at.caption)  # no field name


# --------------------------------------------------------------------------- Timeline page


def milestone_labels(at: AppTest) -> list[str]:
    return labels(at)


def test_timeline_page_lists_every_milestone():
    at = run(TIMELINE_PAGE)
    no_exception(at)
    assert at.title[0].value == "Timeline"
    # 88 milestones, 87 verified: the unverified one is listed only on request
    assert len(milestone_labels(at)) == 87
    assert milestone_labels(at)[0].startswith("3 December 1970 — ")
    assert len(at.button) == 87
    at.toggle(key="tl_unverified").set_value(True).run()
    assert len(milestone_labels(at)) == 88
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


def test_timeline_filters_narrow_the_list_and_go_to_url():
    at = run(TIMELINE_PAGE)
    at.multiselect(key="tl_cat").set_value(["coup"]).run()
    no_exception(at)
    assert len(milestone_labels(at)) == 13
    assert all(x.endswith("· Coup") for x in milestone_labels(at))
    at.multiselect(key="tl_country").set_value(["NER"]).run()
    assert [x.split(" — ")[0] for x in milestone_labels(at)] == [
        "18 February 2010",
        "26 July 2023",
        "26 March 2025",
    ]
    assert at.query_params["tl_cat"] == "coup"
    assert at.query_params["tl_country"] == "NER"
    at.radio(key="tl_period").set_value("charter").run()
    assert [x.split(" — ")[0] for x in milestone_labels(at)] == ["26 March 2025"]
    assert at.query_params["tl_period"] == "charter"
    at.multiselect(key="tl_cat").set_value(["peace-process"]).run()
    assert milestone_labels(at) == []
    assert at.info[0].value == "No milestone matches these filters."


def test_timeline_filters_from_url():
    at = run(TIMELINE_PAGE, query={"tl_cat": "coup-attempt,security,bogus", "tl_country": "BFA"})
    no_exception(at)
    assert at.multiselect(key="tl_cat").value == ["coup-attempt", "security"]
    assert at.multiselect(key="tl_country").value == ["BFA"]
    assert all(("Coup attempt" in x or "Security" in x) for x in milestone_labels(at))
    assert len(milestone_labels(at)) == len(set(milestone_labels(at))) > 0


def test_timeline_page_french():
    at = run(TIMELINE_PAGE, lang="fr", query={"tl_cat": "alliance"})
    no_exception(at)
    assert at.title[0].value == "Chronologie"
    assert "16 septembre 2023 — La Charte du Liptako-Gourma crée l'AES · Alliance" in (
        milestone_labels(at)
    )
    assert at.multiselect(key="tl_country").placeholder == "Tous les pays"
    assert at.button[0].label == "Voir sur la carte"
    captions = [c.value for c in at.caption]
    assert "88 étapes, du 3 décembre 1970 au 26 février 2026 (dernière étape vérifiée)." in captions
    assert any(re.fullmatch(r"\d+ étapes? affichées? sur 88\.", c) for c in captions)
    assert at.radio(key="tl_period").options[0] == "Tout (depuis le 3 décembre 1970)"
    # countries named in French, sorted by their French names (accents ignored)
    countries = at.multiselect(key="tl_country").options
    assert countries == [
        "Mali",
        "Burkina Faso",
        "Niger",
        "Algérie",
        "États-Unis",
        "France",
        "Mauritanie",
        "Russie",
        "Tchad",
    ]


def test_timeline_page_count_is_singular_for_one_milestone():
    query = {"tl_cat": "coup", "tl_period": "charter", "tl_country": "BFA"}
    at = run(TIMELINE_PAGE, lang="fr", query=query)
    no_exception(at)
    assert len(milestone_labels(at)) == 1
    assert "1 étape affichée sur 88." in [c.value for c in at.caption]
    english = run(TIMELINE_PAGE, query=query)
    assert "1 of 88 milestones shown." in [c.value for c in english.caption]
    at.multiselect(key="tl_country").set_value([]).run()
    assert f"{len(milestone_labels(at))} étapes affichées sur 88." in [c.value for c in at.caption]


# --------------------------------------------------------------------------- Show on map


@pytest.fixture()
def nav_app(tmp_path: Path) -> AppTest:
    """An entry registering the real Charter and Timeline pages and a stub map page."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("charter.py", "timeline.py"):
        (pages / name).symlink_to(REPO / "pages" / name)
    (pages / "map.py").write_text(STUB_MAP, encoding="utf-8")
    (tmp_path / "entry.py").write_text(ENTRY, encoding="utf-8")
    at = AppTest.from_file(str(tmp_path / "entry.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    return at.run()


def test_show_on_map_button_sets_highlight_and_switches_page(nav_app: AppTest):
    at = nav_app
    at.switch_page("pages/timeline.py").run()
    no_exception(at)
    assert at.title[0].value == "Timeline"
    at.button(key="tl_show_niger-coup-2023").click().run()
    no_exception(at)
    assert at.session_state[HIGHLIGHT_KEY] == "niger-coup-2023"
    assert at.header[0].value == "Map stub"
    assert "highlight=niger-coup-2023" in [t.value for t in at.text]
    assert at.query_params["hl"] == "niger-coup-2023"


def test_charter_what_followed_button_shows_on_map(nav_app: AppTest):
    at = nav_app
    at.switch_page("pages/charter.py").run()
    at.button(key="ch_show_confederation-treaty").click().run()
    no_exception(at)
    assert at.session_state[HIGHLIGHT_KEY] == "confederation-treaty"
    assert at.header[0].value == "Map stub"


def test_show_on_map_through_dashboard_when_registered():
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()
    try:
        at.switch_page("pages/timeline.py")
    except ValueError:
        pytest.skip("dashboard.py does not register pages/timeline.py yet")
    at.run()
    no_exception(at)
    at.button(key="tl_show_niger-coup-2023").click().run()
    no_exception(at)
    assert at.session_state[HIGHLIGHT_KEY] == "niger-coup-2023"


# --------------------------------------------------------------------------- coverage, field names

INTERNAL_NAMES = (
    "sort_date",
    "latest_verified",
    "date_precision",
    "timeline_id",
    "provisions_unlocated",
    "in_power_since",
    "verified: true",
    "verified: false",
    "seed_point",
)


def page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "caption", "markdown", "subheader", "info")
        for e in at.get(kind)
    ]
    return "\n".join(map(str, parts)) + "\n" + "\n".join(labels(at)) + "\n" + html_text(at)


@pytest.mark.parametrize("page", [CHARTER_PAGE, TIMELINE_PAGE])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_state_the_coverage_end_and_show_no_field_name(page, lang):
    at = run(page, lang=lang, query={"tl_unverified": "1"} if page == TIMELINE_PAGE else None)
    no_exception(at)
    captions = [c.value for c in at.caption]
    coverage = [c for c in captions if c.startswith(("Coverage end:", "Fin de la couverture"))]
    assert len(coverage) == 1, captions
    # derived from the data: the latest verified milestone, the latest day a source it
    # cites was read (Pajhwok's report, cited by goita-defence-portfolio, re-read on 6 December)
    last = "26 February 2026" if lang == "en" else "26 février 2026"
    checked = "6 December 2026" if lang == "en" else "6 décembre 2026"
    assert last in coverage[0] and checked in coverage[0]
    text = page_text(at)
    for name in INTERNAL_NAMES:
        assert name not in text, name


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("fr", "il était ministre des Affaires étrangères", "he was foreign minister"),
        ("en", "he was foreign minister", "il était ministre des Affaires étrangères"),
    ],
)
def test_timeline_page_shows_source_notes_in_the_readers_language(lang, shown, hidden):
    """The note of a source (here: an AFP copy that gives Diop the wrong title) is shown
    beside the link in the reader's language only."""
    at = run(TIMELINE_PAGE, lang=lang)
    no_exception(at)
    html = html_text(at)
    assert "vanguardngr.com/2023/09/mali-niger-burkina-establish-sahel-alliance" in html
    assert shown in html and hidden not in html
    if lang == "fr":  # no English note left on the French page
        assert "non relue" in html and "not reopened" not in html and "not re-read" not in html


@pytest.fixture
def broken_charter(tmp_path, monkeypatch):
    """A copy of data/facts/ whose charter cites "AFP, 3 May" as a source (no URL), read
    by fresh caches; the real facts are read again afterwards."""
    import shutil

    import streamlit as st

    from geo.io import facts

    copy = tmp_path / "facts"
    shutil.copytree(facts.FACTS_DIR, copy)
    text = (copy / facts.CHARTER_FILE).read_text(encoding="utf-8")
    first_url = re.search(r"https://[^\s'\"]+", text).group(0)
    (copy / facts.CHARTER_FILE).write_text(
        text.replace(first_url, "AFP, 3 May", 1), encoding="utf-8"
    )

    def clear() -> None:
        st.cache_resource.clear()
        for name in dir(facts):
            cached = getattr(facts, name)
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()

    monkeypatch.setattr(facts, "FACTS_DIR", copy)
    clear()
    yield
    monkeypatch.undo()
    clear()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A facts file in data/facts/ does not follow its model"),
        ("fr", "Un fichier de faits de data/facts/ ne suit pas son modèle"),
    ],
)
def test_a_broken_facts_file_is_named_with_the_place_in_it_not_a_traceback(
    broken_charter, lang, text
):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page("pages/charter.py")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if e.value.startswith(text)]
    [problems] = [c.value for c in at.code]
    assert problems.startswith("charter.yaml: ")
    assert "'AFP, 3 May' is not an http(s) URL" in problems


def test_unverified_articles_and_milestones_are_marked_with_a_font_icon_not_an_emoji():
    """An emoji needs an emoji font (a minimal Debian has none: the mark drew as an empty
    box); Streamlit's own icon font is served by the app."""
    from geo.ui import UNVERIFIED_ICON

    for page, unverified_toggle in ((CHARTER_PAGE, False), (TIMELINE_PAGE, True)):
        at = run(page)
        if unverified_toggle:  # the timeline shows its unverified milestones on request
            at.toggle(key="tl_unverified").set_value(True).run()
        no_exception(at)
        icons = {e.icon for e in at.expander}
        assert UNVERIFIED_ICON in icons, page
        assert UNVERIFIED_ICON.startswith(":material/")
        assert not [i for i in icons if i and not i.startswith(":material/")], page
