"""Streamlit wiring for the Charter, the timeline and the member states.

Cached loaders, the compact charter panel of the map page, and the helpers both the Charter
and the Timeline pages use (theme selector, "Show on map"). The HTML and the filtering
live in :mod:`geo.render.charter`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NoReturn

import streamlit as st

from geo import ui
from geo.io import facts
from geo.render import charter as cv
from geo.ui import state

HIGHLIGHT_KEY = state.HIGHLIGHT.name
"""Session key the map page reads: the id of the milestone to highlight."""
HIGHLIGHT_PARAM = state.HL.name
"""URL parameter carrying the same id to the map page."""
MAP_PAGE = "pages/map.py"
_GOTO_KEY = state.GOTO_MAP.name
PANEL_THEME_KEY = state.PANEL_THEME.name


# --- cached data (read-only: callers must not mutate) -----------------------------------------


@st.cache_resource(show_spinner=False)
def charter() -> facts.Charter:
    return facts.load_charter()


@st.cache_resource(show_spinner=False)
def timeline() -> tuple[facts.Milestone, ...]:
    return tuple(facts.load_timeline())


@st.cache_resource(show_spinner=False)
def categories() -> dict[str, facts.Category]:
    return facts.load_categories()


# --- URL parsing ------------------------------------------------------------------------------


def parse_codes(allowed: Sequence[str]) -> Callable[[str], list[str] | None]:
    """Parser for a comma-separated URL list: the known codes in the given order, or None
    when the parameter names none of them (``""`` is a valid empty list)."""

    def parse(raw: str) -> list[str] | None:
        wanted = {part.strip() for part in raw.split(",") if part.strip()}
        if not wanted:
            return []
        codes = [code for code in allowed if code in wanted]
        return codes or None

    return parse


def parse_choice(allowed: Sequence[str]) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        return raw if raw in allowed else None

    return parse


# --- "Show on map" ------------------------------------------------------------------------------


def request_show_on_map(milestone_id: str) -> None:
    """Widget callback: remember which milestone to show; the page then switches (switching
    inside a callback is not allowed)."""
    st.session_state[_GOTO_KEY] = milestone_id


def show_on_map(milestone_id: str, lang: str) -> NoReturn:
    """Set ``st.session_state["timeline_highlight"]`` and go to the map page (with
    ``?hl=<id>`` so the address can be shared)."""
    st.session_state[HIGHLIGHT_KEY] = milestone_id
    st.switch_page(
        MAP_PAGE, query_params={state.LANG.url_name: lang, HIGHLIGHT_PARAM: milestone_id}
    )


def follow_show_on_map_request(lang: str) -> None:
    """Call at the top of a page: switch to the map if a button or the chart asked for it."""
    target = st.session_state.pop(_GOTO_KEY, None)
    if target:
        show_on_map(target, lang)


def chart_selection_callback(chart_key: str, known: Sequence[str]) -> Callable[[], None]:
    """``on_select`` callback of the timeline chart: a clicked point requests the map."""

    def on_select() -> None:
        milestone_id = cv.selected_milestone_id(st.session_state.get(chart_key), known)
        if milestone_id:
            request_show_on_map(milestone_id)

    return on_select


def show_on_map_button(milestone_id: str, lang: str, key: str) -> None:
    st.button(
        ui.translator(lang)("tl_show_on_map"),
        key=key,
        on_click=request_show_on_map,
        args=(milestone_id,),
    )


# --- shared widgets -----------------------------------------------------------------------------


def theme_selector(charter_: facts.Charter, lang: str, key: str) -> str:
    """Theme filter (``""`` = all themes); its value survives page changes."""
    t = ui.translator(lang)
    options = [cv.ALL, *cv.theme_options(charter_)]
    ui.url_backed(key, cv.ALL, parse_choice(options))
    if st.session_state.get(key) not in options:
        st.session_state[key] = cv.ALL
    return st.selectbox(
        t("charter_theme_filter"),
        options,
        key=key,
        format_func=lambda k: (
            t("charter_all_themes") if k == cv.ALL else charter_.theme_label(k, lang)
        ),
    )


def articles_caption(charter_: facts.Charter, articles: Sequence[facts.Article], lang: str) -> str:
    return cv.articles_caption(charter_, articles, lang)


# --- the map page's side panel ------------------------------------------------------------------


def render_charter_panel(lang: str) -> None:
    """A compact "The charter" panel for the map page's side column.

    Signing, signatories, purpose, depositary, entry into force (flagged), a theme filter
    (widget key ``charter_panel_theme``), the articles as expandable HTML (no st.expander,
    so it can sit inside the caller's expander or tab), the provisions without a known
    article number, and the recorded correction.
    """
    t = ui.translator(lang)
    ch = charter()
    st.html(cv.charter_glance_html(ch, lang, compact=True))
    theme = theme_selector(ch, lang, PANEL_THEME_KEY)
    articles = cv.articles_for_theme(ch, theme)
    st.caption(articles_caption(ch, articles, lang))
    st.html(cv.articles_html(articles, ch, lang))
    provisions = cv.provisions_for_theme(ch, theme)
    if provisions:
        st.caption(t("charter_heading_provisions"))
        st.html(cv.provisions_html(provisions, ch, lang))
    for correction in ch.corrections:
        st.html(cv.correction_html(correction, lang))
    st.caption(t("charter_panel_more"))
    ui.remember({PANEL_THEME_KEY: theme}, {})
