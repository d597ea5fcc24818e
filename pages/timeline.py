"""The Timeline page: every milestone since 1970, filtered by category and country, as a
clickable chart and a list; "Show on map" highlights a milestone on the map page."""

import streamlit as st

from geo import ui
from geo.render import charter as cv
from geo.ui import facts as ui_facts

ui.ensure_app_shell()

CHART_KEY = "tl_chart"

lang = ui.current_language()
t = ui.translator(lang)
ui_facts.follow_show_on_map_request(lang)
milestones = ui_facts.timeline()
categories = ui_facts.categories()

st.title(t("tl_page_title"))
verified = [m for m in milestones if m.verified]
intro = cv.timeline_intro(milestones, lang)
if intro:
    st.caption(intro)
coverage = cv.coverage_note(milestones, lang)
if coverage:
    st.caption(coverage)

# --- filters (kept in the URL as tl_cat, tl_country, tl_unverified) ------------------------------
category_options = [c for c in cv.TIMELINE_CATEGORIES if c in categories] + [
    c for c in categories if c not in cv.TIMELINE_CATEGORIES
]
country_options = cv.timeline_countries(milestones, lang)
ui.url_backed("tl_cat", [], ui_facts.parse_codes(category_options))
ui.url_backed("tl_country", [], ui_facts.parse_codes(country_options))
cat_col, country_col = st.columns(2)
chosen_categories = cat_col.multiselect(
    t("tl_filter_categories"),
    category_options,
    key="tl_cat",
    format_func=lambda c: cv.category_label(categories, c, lang),
    placeholder=t("tl_all_categories"),
)
chosen_countries = country_col.multiselect(
    t("tl_filter_countries"),
    country_options,
    key="tl_country",
    format_func=lambda c: cv.country_name(c, lang),
    placeholder=t("tl_all_countries"),
)
charter = ui_facts.charter()
period_labels = cv.period_labels(milestones, charter, lang)
ui.url_backed("tl_period", "all", ui_facts.parse_choice(cv.PERIODS))
period = st.radio(
    t("tl_period"), cv.PERIODS, key="tl_period", horizontal=True, format_func=period_labels.get
)
include_unverified = False
if len(verified) < len(milestones):
    ui.url_backed("tl_unverified", False, ui.parse_bool)
    include_unverified = st.toggle(t("tl_include_unverified"), key="tl_unverified")

shown = cv.filter_timeline(
    milestones,
    chosen_categories,
    chosen_countries,
    since=cv.period_start(period, charter),
    include_unverified=include_unverified,
)
st.caption(cv.timeline_count(len(shown), len(milestones), lang))

# --- chart and list ------------------------------------------------------------------------------
if not shown:
    st.info(t("tl_none"))
else:
    chart = cv.timeline_chart(cv.timeline_frame(shown, lang, categories), lang, categories)
    st.altair_chart(
        chart,
        key=CHART_KEY,
        width="stretch",
        on_select=ui_facts.chart_selection_callback(CHART_KEY, [m.id for m in shown]),
        selection_mode=cv.CHART_SELECTION,
    )
    st.caption(t("tl_chart_hint"))

    st.subheader(t("tl_list_heading"))
    year = None
    for milestone in shown:  # 1970 first, as the chart reads
        if milestone.sort_date[:4] != year:
            year = milestone.sort_date[:4]
            st.markdown(f"#### {year}")
        with st.expander(
            cv.md_escape(cv.milestone_list_label(milestone, lang, categories)),
            icon=None if milestone.verified else ui.UNVERIFIED_ICON,
        ):
            st.html(cv.milestone_html(milestone, lang, categories))
            ui_facts.show_on_map_button(milestone.id, lang, key=f"tl_show_{milestone.id}")

ui.remember(
    {
        "tl_cat": chosen_categories,
        "tl_country": chosen_countries,
        "tl_period": period,
        "tl_unverified": include_unverified,
    },
    {
        "tl_cat": ",".join(chosen_categories) or None,
        "tl_country": ",".join(chosen_countries) or None,
        "tl_period": None if period == "all" else period,
        "tl_unverified": "1" if include_unverified else None,
    },
)
