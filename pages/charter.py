"""The Charter page: the Liptako-Gourma Charter in full, what followed, the member states."""

import streamlit as st

from geo import ui
from geo.i18n.catalogue import pick
from geo.model.countries import AES_MEMBERS
from geo.render import charter as cv
from geo.render.panels import source_list_html
from geo.ui import facts as ui_facts

ui.ensure_app_shell()

lang = ui.current_language()
t = ui.translator(lang)
ui_facts.follow_show_on_map_request(lang)
charter = ui_facts.charter()
milestones = ui_facts.timeline()
categories = ui_facts.categories()

st.title(t("charter_page_title"))
st.caption(t("charter_page_intro"))
coverage = cv.coverage_note(milestones, lang)
if coverage:
    st.caption(coverage)

glance_col, correction_col = st.columns([3, 2], gap="large")
with glance_col:
    st.subheader(t("charter_heading_glance"))
    st.html(cv.charter_glance_html(charter, lang))
with correction_col:
    st.subheader(t("charter_heading_correction"))
    for correction in charter.corrections:
        st.html(cv.correction_html(correction, lang))

# --- articles, filtered by theme -----------------------------------------------------------------
st.subheader(t("charter_heading_articles"))
theme = ui_facts.theme_selector(charter, lang, "ch_theme")
articles = cv.articles_for_theme(charter, theme)
st.caption(ui_facts.articles_caption(charter, articles, lang))
if not articles:
    st.info(t("charter_no_article"))
for article in articles:
    with st.expander(
        cv.md_escape(cv.article_label(article, lang)),
        icon=None if article.verified else ui.UNVERIFIED_ICON,
    ):
        st.html(cv.article_body_html(article, charter, lang))

st.subheader(t("charter_heading_provisions"))
st.html(cv.provisions_html(cv.provisions_for_theme(charter, theme), charter, lang))

# --- what followed -------------------------------------------------------------------------------
st.subheader(t("charter_heading_followed"))
for milestone in cv.what_followed(milestones):
    with st.container(border=True):
        st.html(cv.milestone_html(milestone, lang, categories, with_title=True))
        ui_facts.show_on_map_button(milestone.id, lang, key=f"ch_show_{milestone.id}")

# --- member states -------------------------------------------------------------------------------
st.subheader(t("charter_heading_members"))
states = ui.member_states()
for iso3, column in zip(AES_MEMBERS, st.columns(len(AES_MEMBERS), gap="medium"), strict=True):
    column.html(cv.member_state_html(states[iso3], lang))
as_of = next((s.as_of for s in states.values() if s.as_of), None)
if as_of:
    st.caption(pick(as_of, lang))

with st.expander(t("charter_all_sources")):
    st.html(source_list_html(charter.sources, lang))

ui.remember({"ch_theme": theme}, {"ch_theme": theme or None})
