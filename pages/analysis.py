"""The Analysis page: monthly trends, top actors, admin-1 choropleth, before/after a pivot
date and distance bands from the tripoint, on the events the map's filters select."""

from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import analysis as an
from geo import exports, ui
from geo.countries import AES_MEMBERS, country_name
from geo.filters import apply_filter
from geo.i18n import format_day, format_number
from geo.ui import analysis as ui_an
from geo.ui import events as ui_events

ui.ensure_app_shell()

MAP_KEY = "an_map"

lang = ui.current_language()
t = ui.translator(lang)
layers = ui.boundary_layers()
zone_defs = ui.zone_definitions()
events, _problems = ui_events.app_events()
# Texts no analysis reads: dropping them keeps every filter step from copying them.
events = events.drop(columns=["summary", "sources", "location"])
tripoint_km = ui_an.tripoint_km()
rules = ui_an.milestone_rules()

# --- sidebar: the map's filters, shared state and URL parameters ------------------------------
with st.sidebar:
    event_filter, _cluster = ui_events.event_sidebar(events, lang)
ui_events.write_filter_params(ui_events.filter_query_params(event_filter, events))

filtered = apply_filter(events, event_filter) if event_filter.layers else events.iloc[0:0]
datasets = set(filtered["dataset"].unique())
save_hint = t("an_save_hint")


def fmt(value: float, decimals: int = 0) -> str:
    return format_number(value, lang, decimals)


def signed(value: float) -> str:
    """``+1,253`` / ``-12`` / ``0`` in the reader's format (a leading ``-`` keeps
    Streamlit's down arrow)."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return sign + fmt(abs(value))


def day(value) -> str:  # noqa: ANN001 - a date or a Timestamp
    return format_day(pd.Timestamp(value).date(), lang)


def attribution_for(used: set[str]) -> list[str]:
    """Attribution lines when imported data are among ``used`` datasets (none otherwise)."""
    if not used - {"curated"}:
        return []
    filters = exports.describe_filter(ui_events.filter_query_params(event_filter, events))
    return exports.attribution_lines(filtered[filtered["dataset"].isin(used)],
                                     ui_events.stored_datasets(), filters)


def csv_button(table: pd.DataFrame, name: str, title: str, used: set[str],
               index: bool = False) -> None:
    data = an.csv_bytes(table, attribution_for(used), title, index=index)
    st.download_button(t("an_download_csv"), data,
                       file_name=f"sahel-atlas-{name}.csv", mime="text/csv", key=f"csv_{name}")


st.title(t("an_title"))
st.caption(t("an_intro", count=len(filtered)))
for line in attribution_for(datasets):  # imported data: their attribution under every chart
    st.caption(line)
if filtered.empty:
    st.info(t("an_no_events"))

# --- 1. trends per month ----------------------------------------------------------------------
st.header(t("an_trends"))
by = st.radio(t("an_group_by"), ["country_iso3", "category"], horizontal=True, key="an_by",
              format_func=lambda v: t("an_by_country" if v == "country_iso3" else "an_by_category"))
group_label = t("an_by_country" if by == "country_iso3" else "an_by_category")
if not filtered.empty:
    # Coups outside the AES (context) are one group, not one colour per country.
    keyed = filtered.assign(country_iso3=filtered["country_iso3"].where(
        filtered["country_iso3"].isin(AES_MEMBERS), "other"))
    monthly = an.monthly_series(keyed, by, start=event_filter.date_from,
                                end=event_filter.date_to)
    period = an.choose_period(monthly["month"].min(), monthly["month"].max())
    series = an.period_series(monthly, period)
    # Groups in a fixed order (the three states, then the rest), each with its own colour
    # whatever its label reads in this language.
    codes = list(dict.fromkeys([*(c for c in AES_MEMBERS if c in set(series["group"])),
                                *sorted(set(series["group"]))]))
    series = series.assign(group=pd.Categorical(series["group"], codes)).sort_values(
        ["month", "group"], kind="stable").assign(group=lambda d: d["group"].astype(str))
    shown = series.assign(group_label=series["group"].map(
        (lambda c: t("an_other_countries") if c == "other" else country_name(c, lang))
        if by == "country_iso3" else (lambda c: t(f"cat_{c}"))))
    st.altair_chart(ui_an.events_chart(shown, rules, lang, group_label, by, period),
                    width="stretch")
    st.altair_chart(ui_an.fatalities_chart(shown, rules, lang, group_label, by, period),
                    width="stretch")
    st.caption(f"{t('an_rules_hint')} {t('an_month_rule')} "
               f"{t('an_period_rule', max=an.MAX_BARS)} {save_hint}")
    with st.expander(t("an_table")):
        labelled = shown.assign(group=shown["group_label"])
        wide = pd.concat({t("an_events"): an.series_table(labelled, "events", period),
                          t("an_fat_low"): an.series_table(labelled, "fatalities_low", period),
                          t("an_fat_high"): an.series_table(labelled, "fatalities_high",
                                                            period)}, axis=1)
        wide.index.name = t(f"an_period_{period}")
        st.dataframe(ui_an.number_table(wide, lang), width="stretch")
    export = series.assign(month=[an.period_label(m, period) for m in series["month"]])
    export.insert(2, "group_name", shown["group_label"].to_numpy())  # codes and names
    export = export.rename(columns={"month": period})
    csv_button(export, f"{period}ly-by-{'country' if by == 'country_iso3' else 'category'}",
               t("an_csv_title_trend", by=group_label, period=t(f"an_csv_period_{period}")),
               datasets)

# --- 2. before / after ------------------------------------------------------------------------
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
undated = (apply_filter(events, replace(event_filter, date_from=None, date_to=None))
           if event_filter.layers else events.iloc[0:0])
ba = an.before_after(undated, pivot, window, ui_an.alg_admin1_ids(), ui.the_tripoint(), radius,
                     km=tripoint_km)
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
area_labels |= {"AES": t("an_area_AES"), "ALG": t("an_area_ALG"),
                "CORE": t("an_area_CORE", radius=fmt(radius, 0 if radius.is_integer() else 1))}
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
st.altair_chart(ui_an.before_after_chart(an.before_after_long(ba.table), area_labels, lang))
cb, ca = ba.completeness_before, ba.completeness_after
st.caption(t("an_completeness", b_date=fmt(cb.inexact_date), b_total=fmt(cb.total),
             b_place=fmt(cb.inexact_place), a_date=fmt(ca.inexact_date),
             a_total=fmt(ca.total), a_place=fmt(ca.inexact_place))
           + " " + t("an_straddling_count", count=ba.straddling)
           + " " + t("an_core_radius_note", radius=fmt(radius, 0 if radius.is_integer() else 1)))
ba_export = ba.table.copy()
ba_export.insert(0, "area_name", [area_labels[a] for a in ba_export.index])
csv_button(ba_export, "before-after", t("an_csv_title_ba", pivot=w.pivot.date().isoformat(),
                                       count=window), set(undated["dataset"].unique()),
           index=True)
ui.remember({"pivot": pivot, "window": window},
            {"pivot": pivot.isoformat(), "window": str(window)})

# --- 3. distance bands ------------------------------------------------------------------------
st.header(t("an_bands"))
in_states = filtered[filtered["country_iso3"].isin(AES_MEMBERS)]
if not in_states.empty:
    bands = an.distance_bands(in_states, ui.the_tripoint(), km=tripoint_km)
    share_col = st.radio(
        t("an_band_measure"), ["share_events", "share_fatalities_low", "share_fatalities_high"],
        horizontal=True, key="an_band_measure",
        format_func=lambda c: t({"share_events": "an_band_events",
                                 "share_fatalities_low": "an_band_fat_low",
                                 "share_fatalities_high": "an_band_fat_high"}[c]))
    st.altair_chart(ui_an.bands_chart(bands.table, share_col, lang), width="stretch")
    trend = an.concentration_trend(bands.summary)
    usable = bands.summary[bands.summary["located_events"] >= 5]
    if trend == "insufficient":
        st.write(t("an_trend_insufficient"))
    else:
        st.write(t(f"an_trend_{trend}", first=fmt(usable["median_km"].iloc[0]),
                   y1=usable.index[0], last=fmt(usable["median_km"].iloc[-1]),
                   y2=usable.index[-1]))
    st.caption(t("an_bands_rule") + " "
               + t("an_bands_unlocated", count=int(bands.unlocated.sum())) + " " + save_hint)
    with st.expander(t("an_table")):
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
               set(in_states["dataset"].unique()))

# --- 4. top actors ----------------------------------------------------------------------------
st.header(t("an_actors"))
rank = st.radio(t("an_rank_by"), ["events", "fatalities_high"], horizontal=True, key="an_rank",
                format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"))
top = an.top_actors(filtered, n=10, by=rank)
actor_columns = {"events": t("an_events"), "fatalities_low": t("an_fat_low"),
                 "fatalities_high": t("an_fat_high"), "fatalities_unknown": t("an_fat_unknown")}
if not top.empty:
    st.altair_chart(ui_an.actors_chart(top, rank, lang), width="stretch")
    st.caption(t("an_actors_note") + " " + save_hint)
    with st.expander(t("an_table")):
        st.dataframe(ui_an.number_table(top.rename(columns={"actor": t("an_actor"),
                                                            **actor_columns}), lang),
                     width="stretch", hide_index=True)
    csv_button(top, "top-actors", t("an_csv_title_actors"), datasets)
victims = an.top_actors(filtered, n=10_000, by=rank, victims=True)
if not victims.empty:
    st.subheader(t("an_victims"))
    st.caption(t("an_victims_count", count=len(victims)))
    shown_victims = victims.head(10)
    st.altair_chart(ui_an.actors_chart(shown_victims, rank, lang, colour=ui_an.VICTIM_COLOR,
                                       name_title=t("an_victim")), width="stretch")
    with st.expander(t("an_table")):
        st.dataframe(ui_an.number_table(victims.rename(columns={"actor": t("an_victim"),
                                                                **actor_columns}), lang),
                     width="stretch", hide_index=True)
    csv_button(victims, "victims", t("an_csv_title_victims"), datasets)

# --- 5. admin-1 choropleth --------------------------------------------------------------------
st.header(t("an_regions"))
years = an.years_of(filtered) if not filtered.empty else []
pcol, mcol = st.columns(2)
with pcol:
    period = st.selectbox(t("an_period"), ["all", *[str(y) for y in years]], key="an_period",
                          format_func=lambda p: t("an_period_all") if p == "all" else p)
with mcol:
    map_measure = st.radio(t("an_measure"), ["events", "fatalities_high"], horizontal=True,
                           key="an_map_measure",
                           format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"))
if period == "all":
    start, end = event_filter.date_from, event_filter.date_to
    period_label = t("an_period_all")
else:
    start, end = pd.Timestamp(f"{period}-01-01"), pd.Timestamp(f"{period}-12-31")
    period_label = period
counts = an.admin1_counts(filtered, start, end)
admin1 = layers["admin1"]
fmap, breaks = ui_an.choropleth(admin1, counts, map_measure, lang)
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
    unassigned = int((filtered["admin1_id"] == "").sum())
    if unassigned:
        st.caption(t("an_region_unassigned", count=unassigned))
    region_table = counts.reset_index()
    region_table.insert(1, "name", region_table["admin1_id"].map(names))
    with st.expander(t("an_table")):
        region_view = region_table.drop(columns="admin1_id").rename(columns={
            "name": t("an_region"), **actor_columns})
        st.dataframe(ui_an.number_table(region_view.sort_values(t("an_events"),
                                                                ascending=False), lang),
                     width="stretch", hide_index=True)
    csv_button(region_table, "regions", t("an_csv_title_regions", period=period_label), datasets)
