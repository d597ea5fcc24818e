"""The Analysis page: monthly trends, top actors, admin-1 choropleth, before/after a pivot
date and distance bands from the tripoint, on the events the map's filters select."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import ui
from geo.analysis import measures as an
from geo.i18n.catalogue import format_day, format_number
from geo.io import exports
from geo.model.countries import AES_MEMBERS, country_name
from geo.ui import analysis as ui_an
from geo.ui import events as ui_events

ui.ensure_app_shell()

MAP_KEY = "an_map"

lang = ui.current_language()
t = ui.translator(lang)
layers = ui.boundary_layers()
zone_defs = ui.zone_definitions()
events, _problems = ui_events.app_events()
# Texts no one here reads: dropped, the sidebar's filtering does not copy them.
events = events.drop(columns=["summary", "sources", "location"])
rules = ui_an.milestone_rules()

# --- sidebar: the map's filters, shared state and URL parameters ------------------------------
with st.sidebar:
    event_filter, _cluster = ui_events.event_sidebar(events, lang)
url_filters = ui_events.filter_query_params(event_filter, events)
ui_events.write_filter_params(url_filters)

# Every number below comes from small aggregated frames, computed once per set of events
# and filter (geo.ui.analysis.selection), and every chart's spec is built once per key
# (what its data depend on): a rerun that only regroups a chart reads them.
data_key = ui_events.events_key()  # once: each read opens the store
chosen = ui_an.selection(data_key, event_filter)
view_key = (data_key, repr(event_filter), lang)
datasets = set(chosen.datasets)
save_hint = t("an_save_hint")


def fmt(value: float, decimals: int = 0) -> str:
    return format_number(value, lang, decimals)


def signed(value: float) -> str:
    """``+1,253`` / ``-12`` / ``0`` in the reader's format (a leading ``-`` keeps
    Streamlit's down arrow)."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return sign + fmt(abs(value))


def day(value) -> str:
    return format_day(pd.Timestamp(value).date(), lang)


def attribution_for(used: set[str]) -> list[str]:
    """Attribution lines when imported data are among ``used`` datasets (none otherwise)."""
    if not used - {"curated"}:
        return []
    key = frozenset(used)
    if key not in _attributions:
        _attributions[key] = _attribution(used)
    return _attributions[key]


_attributions: dict[frozenset[str], list[str]] = {}  # this run's lines per set of datasets


def _attribution(used: set[str]) -> list[str]:
    filters = exports.describe_filter(url_filters, lang)
    # attribution_lines reads only which datasets the events come from.
    return exports.attribution_lines(pd.DataFrame({"dataset": sorted(used)}),
                                     ui_events.stored_datasets(), filters, lang)


def csv_button(table: pd.DataFrame | Callable[[], pd.DataFrame], name: str, title: str,
               used: set[str], index: bool = False) -> None:
    """``table`` (or what ``table()`` gives) as a CSV download, written when the button is
    clicked, not on every rerun."""
    lines = attribution_for(used)

    def data() -> bytes:
        return an.csv_bytes(table() if callable(table) else table, lines, title, index=index)

    st.download_button(t("an_download_csv"), data,
                       file_name=f"sahel-atlas-{name}.csv", mime="text/csv", key=f"csv_{name}")


def table_box(name: str):
    """The "Table" expander under a chart: its table is built only while it is open (opening
    it reruns the page), not on every rerun."""
    return st.expander(t("an_table"), key=f"an_table_{name}", on_change="rerun")


st.title(t("an_title"))
st.caption(t("an_intro", count=chosen.count))
for line in attribution_for(datasets):  # imported data: their attribution under every chart
    st.caption(line)
if not chosen.count:
    st.info(t("an_no_events"))

actor_columns = {"events": t("an_events"), "fatalities_low": t("an_fat_low"),
                 "fatalities_high": t("an_fat_high"), "fatalities_unknown": t("an_fat_unknown")}

# Each section is a fragment: a widget of one section (its grouping, ranking, period, a
# table opened, a region clicked) reruns that section alone, from numbers already
# aggregated; the sidebar and the other sections, their charts and the map, stay as drawn.
# A change of filter reruns the whole page.

# The spec of each chart for one choice of its section's widget (built once per key,
# ui_an.cached_spec): the sections draw them; the end of a full run builds the trend
# charts of the other grouping (warm_other_choices).
BAND_MEASURES = ("share_events", "share_fatalities_low", "share_fatalities_high")


def trend_specs(by: str) -> list[dict]:
    trend = ui_an.trend_view(data_key, event_filter, by, lang)
    label = t("an_by_country" if by == "country_iso3" else "an_by_category")
    return [ui_an.cached_spec(kind, (*view_key, by), trend.shown, rules, lang, label, by,
                              trend.period) for kind in ("events", "fatalities")]


def bands_spec(share_col: str) -> dict:
    return ui_an.cached_spec("bands", (*view_key, share_col), chosen.bands.table, share_col,
                             lang)


def actors_spec(rank: str) -> dict:
    top = ui_an.ranked_actors(data_key, event_filter, rank, False, ui_an.RANKED[False],
                              lang)
    return ui_an.cached_spec("actors", (*view_key, rank), top, rank, lang)


def victims_spec(rank: str) -> dict:
    victims = ui_an.ranked_actors(data_key, event_filter, rank, True, ui_an.RANKED[True],
                                  lang)
    return ui_an.cached_spec("actors", (*view_key, rank, "victims"), victims.head(10), rank,
                             lang, ui_an.VICTIM_COLOR, t("an_victim"))


# --- 1. trends per month ----------------------------------------------------------------------
@st.fragment
def trends_section() -> None:
    """Monthly trends, regrouped by country or category."""
    st.header(t("an_trends"))
    by = st.radio(t("an_group_by"), list(ui_an.TREND_GROUPINGS), horizontal=True, key="an_by",
                  format_func=lambda v: t("an_by_country" if v == "country_iso3"
                                          else "an_by_category"))
    group_label = t("an_by_country" if by == "country_iso3" else "an_by_category")
    trend = ui_an.trend_view(data_key, event_filter, by, lang) if chosen.count else None
    if trend is not None:
        for spec in trend_specs(by):
            st.vega_lite_chart(spec, width="stretch")
        st.caption(f"{t('an_rules_hint')} {t('an_month_rule')} "
                   f"{t('an_period_rule', max=an.MAX_BARS)} {save_hint}")
        if (box := table_box("trends")).open:
            with box:
                st.dataframe(ui_an.number_table(trend.table, lang), width="stretch")
        csv_button(lambda: trend.export, f"{trend.period}ly-by-"
                   f"{'country' if by == 'country_iso3' else 'category'}",
                   t("an_csv_title_trend", by=group_label,
                     period=t(f"an_csv_period_{trend.period}")), datasets)


trends_section()


# --- 2. before / after ------------------------------------------------------------------------
@st.fragment
def before_after_section() -> None:
    """The two windows around a pivot date, per area."""
    st.header(t("an_ba"))
    span = ui_events.data_span(events)
    default_pivot = an.DEFAULT_PIVOT if span[0] <= an.DEFAULT_PIVOT <= span[1] else span[1]
    ui.url_backed("pivot", default_pivot, ui_an.parse_pivot(span))
    ui.url_backed("window", an.DEFAULT_WINDOW_MONTHS, ui_an.parse_window)
    pivot_col, window_col = st.columns(2)
    with pivot_col:
        pivot = st.date_input(t("an_pivot"), min_value=span[0], max_value=span[1], key="pivot",
                              format=t("date_input_format"))
    with window_col:
        window = int(st.number_input(t("an_window"), min_value=1, max_value=an.MAX_WINDOW_MONTHS,
                                     step=1, key="window"))
    radius = ui_an.core_radius(zone_defs.default_radius_km)
    # The windows set their own dates: every filter but the date range applies.
    ba, ba_datasets = ui_an.before_after(data_key, event_filter, pivot, window, radius)
    w = ba.windows
    st.caption(t("an_ba_windows", b_start=day(w.before_start), b_end=day(w.before_last_day),
                 a_start=day(w.pivot), a_end=day(w.after_last_day)) + " " + t("an_ba_dates_note"))
    st.warning(t("an_descriptive"), icon="⚠️")
    if w.after_last_day.date() > span[1]:
        st.caption(t("an_ba_beyond", last=day(span[1])))
    if w.before_start.date() < span[0]:
        st.caption(t("an_ba_before_data", first=day(span[0])))

    aes = ba.table.loc["AES"]
    m1, m2 = st.columns(2)
    m1.metric(t("an_metric_events"),
              f"{fmt(aes['events_before'])} → {fmt(aes['events_after'])}",
              delta=signed(aes["events_change"]), delta_color="off")
    fat_before = t("an_fat_range", low=fmt(aes["fatalities_low_before"]),
                   high=fmt(aes["fatalities_high_before"]))
    fat_after = t("an_fat_range", low=fmt(aes["fatalities_low_after"]),
                  high=fmt(aes["fatalities_high_after"]))
    m2.metric(t("an_metric_fat"), f"{fat_before} → {fat_after}",
              delta=t("an_fat_delta", low=signed(aes["fatalities_low_change"]),
                      high=signed(aes["fatalities_high_change"])), delta_color="off")

    area_labels = {iso: country_name(iso, lang) for iso in AES_MEMBERS}
    radius_text = fmt(radius, 0 if radius.is_integer() else 1)
    area_labels |= {"AES": t("an_area_AES"), "ALG": t("an_area_ALG"),
                    "CORE": t("an_area_CORE", radius=radius_text)}
    ba_view = ba.table.copy()
    ba_view.index = [area_labels[a] for a in ba_view.index]
    ba_view.index.name = t("an_area")
    columns = {}
    for measure, label in (("events", t("an_events")), ("fatalities_low", t("an_fat_low")),
                           ("fatalities_high", t("an_fat_high"))):
        columns |= {f"{measure}_before": f"{label} · {t('an_window_before')}",
                    f"{measure}_after": f"{label} · {t('an_window_after')}",
                    f"{measure}_change": f"{label} · {t('an_change')}",
                    f"{measure}_change_pct": f"{label} · {t('an_change_pct')}"}
    columns["straddling"] = t("an_straddling")
    ba_view = ba_view.rename(columns=columns)
    st.dataframe(ui_an.number_table(ba_view, lang, decimals={
        c: 1 for c in ba_view.columns if c.endswith(t("an_change_pct"))}), width="stretch")
    st.vega_lite_chart(ui_an.cached_spec(
        "before_after", (data_key, repr(event_filter), pivot, window, radius, lang),
        an.before_after_long(ba.table), area_labels, lang))
    cb, ca = ba.completeness_before, ba.completeness_after
    st.caption(t("an_completeness", b_date=fmt(cb.inexact_date), b_total=fmt(cb.total),
                 b_place=fmt(cb.inexact_place), a_date=fmt(ca.inexact_date),
                 a_total=fmt(ca.total), a_place=fmt(ca.inexact_place))
               + " " + t("an_straddling_count", count=ba.straddling)
               + " " + t("an_core_radius_note", radius=radius_text))

    def ba_export() -> pd.DataFrame:
        table = ba.table.copy()
        table.insert(0, "area_name", [area_labels[a] for a in table.index])
        return table

    csv_button(ba_export, "before-after", t("an_csv_title_ba", pivot=w.pivot.date().isoformat(),
                                           count=window), set(ba_datasets), index=True)
    ui.remember({"pivot": pivot, "window": window},
                {"pivot": pivot.isoformat(), "window": str(window)})


before_after_section()


# --- 3. distance bands ------------------------------------------------------------------------
@st.fragment
def bands_section() -> None:
    """Shares per distance band from the tripoint, per year."""
    st.header(t("an_bands"))
    bands = chosen.bands
    if bands is not None:
        share_col = st.radio(
            t("an_band_measure"), list(BAND_MEASURES),
            horizontal=True, key="an_band_measure",
            format_func=lambda c: t({"share_events": "an_band_events",
                                     "share_fatalities_low": "an_band_fat_low",
                                     "share_fatalities_high": "an_band_fat_high"}[c]))
        st.vega_lite_chart(bands_spec(share_col), width="stretch")
        trend = an.concentration_trend(bands.summary)
        usable = bands.summary[bands.summary["located_events"] >= 5]
        if trend == "insufficient":
            st.write(t("an_trend_insufficient"))
        else:
            st.write(t(f"an_trend_{trend}", first=fmt(usable["median_km"].iloc[0]),
                       y1=usable.index[0], last=fmt(usable["median_km"].iloc[-1]),
                       y2=usable.index[-1], n1=fmt(usable["located_events"].iloc[0]),
                       n2=fmt(usable["located_events"].iloc[-1]), base=t("an_trend_base")))
        st.caption(t("an_bands_rule") + " "
                   + t("an_bands_unlocated", count=int(bands.unlocated.sum())) + " " + save_hint)
        if (box := table_box("bands")).open:
            with box:
                summary = bands.summary.rename(columns={
                    "located_events": t("an_located"), "share_within_100km": t("an_within_100"),
                    "median_km": t("an_median_km")})
                summary.index = summary.index.astype(str)
                summary.index.name = t("an_year")
                st.dataframe(ui_an.number_table(summary, lang, percent=[t("an_within_100")],
                                                decimals={t("an_median_km"): 1}), width="stretch")
                band_view = bands.table.assign(
                    year=bands.table["year"].astype(str),
                    band=[ui_an.band_label(str(b), lang) for b in bands.table["band"]])
                share_cols = {"share_events": f"{t('an_share')} · {t('an_band_events')}",
                              "share_fatalities_low": f"{t('an_share')} · {t('an_band_fat_low')}",
                              "share_fatalities_high": f"{t('an_share')} · {t('an_band_fat_high')}"}
                band_view = band_view.rename(columns={
                    "year": t("an_year"), "band": t("an_band"), "events": t("an_events"),
                    "fatalities_low": t("an_fat_low"), "fatalities_high": t("an_fat_high"),
                    **share_cols})
                st.dataframe(ui_an.number_table(band_view, lang, percent=share_cols.values()),
                             width="stretch", hide_index=True)
        csv_button(bands.table, "distance-bands", t("an_csv_title_bands"),
                   set(chosen.bands_datasets))


bands_section()


# --- 4. top actors ----------------------------------------------------------------------------
@st.fragment
def actors_section() -> None:
    """Top actors and victims, ranked by events or deaths."""
    st.header(t("an_actors"))
    rank = st.radio(t("an_rank_by"), list(ui_an.RANKINGS), horizontal=True, key="an_rank",
                    format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"))
    top = ui_an.ranked_actors(data_key, event_filter, rank, False, ui_an.RANKED[False],
                              lang)
    if not top.empty:
        st.vega_lite_chart(actors_spec(rank), width="stretch")
        st.caption(t("an_actors_note") + " " + save_hint)
        if (box := table_box("actors")).open:
            with box:
                st.dataframe(ui_an.number_table(top.rename(columns={"actor": t("an_actor"),
                                                                    **actor_columns}), lang),
                             width="stretch", hide_index=True)
        csv_button(top, "top-actors", t("an_csv_title_actors"), datasets)
    victims = ui_an.ranked_actors(data_key, event_filter, rank, True, ui_an.RANKED[True],
                                  lang)
    if not victims.empty:
        st.subheader(t("an_victims"))
        st.caption(t("an_victims_count", count=len(victims)))
        st.vega_lite_chart(victims_spec(rank), width="stretch")
        if (box := table_box("victims")).open:
            with box:
                st.dataframe(ui_an.number_table(victims.rename(columns={"actor": t("an_victim"),
                                                                        **actor_columns}), lang),
                             width="stretch", hide_index=True)
        csv_button(victims, "victims", t("an_csv_title_victims"), datasets)


actors_section()


# --- 5. admin-1 choropleth --------------------------------------------------------------------
@st.fragment
def regions_section() -> None:
    """The admin-1 choropleth, its period and measure, the clicked region."""
    st.header(t("an_regions"))
    years = chosen.years
    pcol, mcol = st.columns(2)
    with pcol:
        period = st.selectbox(t("an_period"), ["all", *[str(y) for y in years]], key="an_period",
                              format_func=lambda p: t("an_period_all") if p == "all" else p)
    with mcol:
        map_measure = st.radio(t("an_measure"), ["events", "fatalities_high"], horizontal=True,
                               key="an_map_measure",
                               format_func=lambda m: t("an_events" if m == "events"
                                                       else "an_fat_high"))
    if period == "all":
        start, end = event_filter.date_from, event_filter.date_to
        period_label = t("an_period_all")
    else:
        start, end = date(int(period), 1, 1), date(int(period), 12, 31)
        period_label = period
    counts = ui_an.region_counts(data_key, event_filter, start, end)
    admin1 = layers["admin1"]
    fmap, breaks = ui_an.choropleth(admin1, counts, map_measure, lang,
                                    ui_an.cached_region_features(lang))
    map_col, info_col = st.columns([3, 2], gap="medium")
    with map_col:
        st_folium(fmap, key=MAP_KEY, height=480, width="stretch",
                  returned_objects=["last_active_drawing"])
        st.html(ui_an.legend_html(breaks, lang))
    with info_col:
        # st_folium keeps its last return value in the session under its key.
        payload = st.session_state.get(MAP_KEY)
        drawing = (payload if isinstance(payload, dict) else {}).get("last_active_drawing")
        properties = drawing.get("properties") if isinstance(drawing, dict) else None
        clicked = properties.get("id") if isinstance(properties, dict) else None
        names = admin1.set_index("id")["name_fr" if lang == "fr" else "name_en"]
        if isinstance(clicked, str) and clicked in names.index:
            row = counts.loc[clicked] if clicked in counts.index else None
            st.markdown(ui.markdown_text(t(
                "an_region_line", name=names[clicked], period=period_label,
                count=0 if row is None else int(row["events"]),
                low=fmt(0 if row is None else int(row["fatalities_low"])),
                high=fmt(0 if row is None else int(row["fatalities_high"])))))
        else:
            st.info(t("an_region_hint"))
        unassigned = chosen.unassigned
        if unassigned:
            st.caption(t("an_region_unassigned", count=unassigned))
        region_table = counts.reset_index()
        region_table.insert(1, "name", region_table["admin1_id"].map(names))
        if (box := table_box("regions")).open:
            with box:
                region_view = region_table.drop(columns="admin1_id").rename(columns={
                    "name": t("an_region"), **actor_columns})
                st.dataframe(ui_an.number_table(region_view.sort_values(t("an_events"),
                                                                        ascending=False), lang),
                             width="stretch", hide_index=True)
        csv_button(region_table, "regions", t("an_csv_title_regions", period=period_label),
                   datasets)


regions_section()



def warm_other_choices() -> None:
    """The trend charts of the other grouping, built after everything is drawn (the
    browser draws the page meanwhile): regrouping the trends then finds its specs made.
    The other charts' specs (a ranking, a band share: a hundredth of a second each) are
    built when first chosen, so that a change of filter does not pay for all of them."""
    if chosen.count:
        for by in ui_an.TREND_GROUPINGS:
            trend_specs(by)


warm_other_choices()
