"""Streamlit wiring of the Analysis page: cached inputs, URL state, Altair charts, choropleth.

The numbers come from :mod:`geo.analysis`; this module only draws them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import altair as alt
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import analysis as an
from geo import charter_view, facts, mapbuild, ui
from geo.i18n import translate
from geo.spatial import alg_zone_members
from geo.ui import events as ui_events

PALETTE = ("#fde0c5", "#facba6", "#f59e72", "#e4643f", "#b8321c")  # light to dark
ZERO_COLOR = "#f3f1ec"
RULE_COLORS = {"coup": "#b0233a", "charter": "#1f6f8b", "ecowas": "#6b6b6b", "other": "#999999"}
BAND_COLORS = ("#7f1d1d", "#c2410c", "#f59e0b", "#84cc16", "#0e7490")


# --- cached inputs ----------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def alg_admin1_ids() -> frozenset[str]:
    """Ids of our admin-1 units in the ALG intervention zone."""
    admin1 = ui.boundary_layers()["admin1"]
    members = alg_zone_members(admin1, ui.zone_definitions().alg_units)
    return frozenset(admin1.loc[members, "id"])


def tripoint_km() -> pd.Series:
    """Distance of every event of :func:`geo.ui.events.app_events` to the tripoint (km),
    computed once per set of events: pages pass it on as ``km`` to the analyses."""
    return _tripoint_km(ui_events.events_key())


@st.cache_resource(show_spinner=False, max_entries=2)
def _tripoint_km(key: str) -> pd.Series:
    events, _ = ui_events.app_events()
    return an.distance_km(events, ui.the_tripoint())


@st.cache_data(show_spinner=False)
def milestone_rules() -> pd.DataFrame:
    return an.milestone_rules(facts.load_timeline())


# --- URL state ----------------------------------------------------------------------------------

def parse_pivot(span: tuple[date, date]) -> Callable[[str], date | None]:
    def parse(raw: str) -> date | None:
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            return None
        return value if span[0] <= value <= span[1] else None
    return parse


def parse_window(raw: str) -> int | None:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= an.MAX_WINDOW_MONTHS else None


def core_radius(default_km: float) -> float:
    """The tri-border core radius the map page uses: its session value, else the URL's
    ``radius``, else the default."""
    kept = st.session_state.get("_keep_radius", st.session_state.get("radius"))
    if isinstance(kept, int | float):
        return float(kept)
    raw = st.query_params.get("radius")
    parsed = ui.parse_float_in(25, 400)(raw) if raw is not None else None
    return parsed if parsed is not None else default_km


# --- charts ------------------------------------------------------------------------------------

def _rules_layer(rules: pd.DataFrame, lang: str, start: pd.Timestamp,
                 end: pd.Timestamp) -> alt.Chart | None:
    shown = rules[(rules["date"] >= start) & (rules["date"] <= end)].copy()
    if shown.empty:
        return None
    shown["label"] = shown[f"label_{lang}"]
    t = ui.translator(lang)
    kinds = list(RULE_COLORS)
    return alt.Chart(shown).mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="date:T",
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds,
                                                  range=[RULE_COLORS[k] for k in kinds]),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title=t("an_milestone")),
                 alt.Tooltip("date:T", title=t("an_date"), format="%Y-%m-%d")],
    )


def _layer_with_rules(chart: alt.Chart, rules: pd.DataFrame, lang: str,
                      series: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    if series.empty:
        return chart
    end = series["month"].max() + pd.offsets.MonthEnd(0)
    layer = _rules_layer(rules, lang, series["month"].min(), end)
    if layer is None:
        return chart
    return alt.layer(chart, layer).resolve_scale(color="independent")


def events_chart(series: pd.DataFrame, rules: pd.DataFrame, lang: str,
                 group_label: str) -> alt.LayerChart | alt.Chart:
    t = ui.translator(lang)
    bars = alt.Chart(series).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=t("an_month"),
                axis=charter_view.time_axis(series["month"], lang)),
        y=alt.Y("sum(events):Q", title=t("an_events")),
        color=alt.Color("group:N", title=group_label),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=t("an_month"), format="%Y-%m"),
                 alt.Tooltip("group:N", title=group_label),
                 alt.Tooltip("sum(events):Q", title=t("an_events"))],
    ).properties(height=280)
    return _layer_with_rules(bars, rules, lang, series).properties(
        title=t("an_events_per_month"))


def fatalities_chart(series: pd.DataFrame, rules: pd.DataFrame, lang: str,
                     group_label: str) -> alt.LayerChart | alt.Chart:
    t = ui.translator(lang)
    base = alt.Chart(series).encode(
        x=alt.X("month:T", title=t("an_month"),
                axis=charter_view.time_axis(series["month"], lang)),
        color=alt.Color("group:N", title=group_label),
    )
    tooltip = [alt.Tooltip("month:T", title=t("an_month"), format="%Y-%m"),
               alt.Tooltip("group:N", title=group_label),
               alt.Tooltip("fatalities_low:Q", title=t("an_fat_low")),
               alt.Tooltip("fatalities_high:Q", title=t("an_fat_high")),
               alt.Tooltip("fatalities_unknown:Q", title=t("an_fat_unknown"))]
    band = base.mark_area(opacity=0.3, interpolate="step-after").encode(
        y=alt.Y("fatalities_low:Q", title=f"{t('an_fat_low')} – {t('an_fat_high')}"),
        y2="fatalities_high:Q", tooltip=tooltip)
    line = base.mark_line(interpolate="step-after", strokeWidth=1.2).encode(
        y="fatalities_high:Q", tooltip=tooltip)
    chart = alt.layer(band, line).properties(height=280)
    return _layer_with_rules(chart, rules, lang, series).properties(
        title=t("an_fatalities_per_month"))


def before_after_chart(long: pd.DataFrame, area_labels: dict[str, str],
                       lang: str) -> alt.Chart:
    t = ui.translator(lang)
    data = long[long["measure"].isin(["events", "fatalities_high"])].copy()
    data["area_label"] = data["area"].map(area_labels)
    data["window_label"] = data["window"].map({"before": t("an_window_before"),
                                               "after": t("an_window_after")})
    data["measure_label"] = data["measure"].map({"events": t("an_events"),
                                                 "fatalities_high": t("an_fat_high")})
    order = [area_labels[a] for a in an.AREAS]
    windows = [t("an_window_before"), t("an_window_after")]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("area_label:N", title=None, sort=order),
        yOffset=alt.YOffset("window_label:N", sort=windows),
        x=alt.X("value:Q", title=None),
        color=alt.Color("window_label:N", title=t("an_window_label"), sort=windows,
                        scale=alt.Scale(range=["#9ca3af", "#b0233a"])),
        tooltip=[alt.Tooltip("area_label:N", title=t("an_area")),
                 alt.Tooltip("window_label:N", title=t("an_window_label")),
                 alt.Tooltip("value:Q", title=t("an_value"))],
    ).properties(height=230, width=260).facet(
        column=alt.Column("measure_label:N", title=None)
    ).resolve_scale(x="independent")


def bands_chart(table: pd.DataFrame, share_col: str, lang: str) -> alt.Chart:
    t = ui.translator(lang)
    data = table.copy()
    data["band"] = data["band"].astype(str)
    data["year"] = data["year"].astype(str)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("year:O", title=t("an_year")),
        y=alt.Y(f"{share_col}:Q", title=t("an_share"), axis=alt.Axis(format="%"),
                stack="zero"),
        color=alt.Color("band:N", title=t("an_band"), sort=list(an.BAND_LABELS),
                        scale=alt.Scale(domain=list(an.BAND_LABELS), range=list(BAND_COLORS))),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("year:O", title=t("an_year")),
                 alt.Tooltip("band:N", title=t("an_band")),
                 alt.Tooltip(f"{share_col}:Q", title=t("an_share"), format=".0%"),
                 alt.Tooltip("events:Q", title=t("an_events")),
                 alt.Tooltip("fatalities_low:Q", title=t("an_fat_low")),
                 alt.Tooltip("fatalities_high:Q", title=t("an_fat_high"))],
    ).transform_calculate(
        band_order=f"indexof({list(an.BAND_LABELS)!r}, datum.band)".replace("'", '"')
    ).properties(height=300)


def actors_chart(top: pd.DataFrame, measure: str, lang: str) -> alt.Chart:
    t = ui.translator(lang)
    titles = {"events": t("an_events"), "fatalities_high": t("an_fat_high")}
    return alt.Chart(top).mark_bar(color="#8c3b0c").encode(
        y=alt.Y("actor:N", sort=list(top["actor"]), title=None,
                axis=alt.Axis(labelLimit=320)),
        x=alt.X(f"{measure}:Q", title=titles[measure]),
        tooltip=[alt.Tooltip("actor:N", title=t("an_actor")),
                 alt.Tooltip("events:Q", title=t("an_events")),
                 alt.Tooltip("fatalities_low:Q", title=t("an_fat_low")),
                 alt.Tooltip("fatalities_high:Q", title=t("an_fat_high"))],
    ).properties(height=max(120, 26 * len(top)))


# --- choropleth -------------------------------------------------------------------------------

def class_breaks(max_value: float, classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of ``classes`` equal-width classes over (0, max] (whole numbers)."""
    if max_value <= 0:
        return []
    step = max(1.0, float(np.ceil(max_value / classes)))
    return [step * (i + 1) for i in range(classes)]


def color_for(value: float, breaks: list[float]) -> str:
    if value <= 0 or not breaks:
        return ZERO_COLOR
    for color, upper in zip(PALETTE, breaks, strict=False):
        if value <= upper:
            return color
    return PALETTE[-1]


def choropleth(admin1: gpd.GeoDataFrame, counts: pd.DataFrame, measure: str,
               lang: str) -> tuple[folium.Map, list[float]]:
    """An offline folium map of the admin-1 units coloured by ``counts[measure]``.

    Each feature carries ``id``, ``kind`` (``admin1``) and an escaped ``label`` and
    ``value`` for the tooltip; returns the map and the class breaks for the legend.
    """
    t = ui.translator(lang)
    values = counts[measure].reindex(admin1["id"]).fillna(0).astype(int).to_numpy()
    breaks = class_breaks(float(values.max()) if len(values) else 0.0)
    names = admin1["name_fr"] if lang == "fr" else admin1["name_en"]
    label = t("an_fat_high") if measure == "fatalities_high" else t("an_events")
    gdf = gpd.GeoDataFrame({
        "id": admin1["id"].to_numpy(),
        "kind": "admin1",
        "label": names.map(html.escape).to_numpy(),
        "value": [f"{html.escape(label)}: {v}" for v in values],
        "fill": [color_for(v, breaks) for v in values],
    }, geometry=admin1.geometry.to_numpy(), crs=admin1.crs)
    fmap = mapbuild.offline_map(location=(16.0, 0.0), zoom=5)
    folium.GeoJson(
        gdf.__geo_interface__,
        name=t("an_regions"),
        style_function=lambda f: {"color": mapbuild.COLORS["region_line"], "weight": 1,
                                  "fillColor": f["properties"]["fill"], "fillOpacity": 0.85},
        highlight_function=lambda _f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=["label", "value"], labels=False),
    ).add_to(fmap)
    west, south, east, north = admin1.total_bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap, breaks


def legend_html(breaks: list[float], lang: str) -> str:
    items = [(ZERO_COLOR, translate("an_legend_zero", lang))]
    lower = 1
    for color, upper in zip(PALETTE, breaks, strict=False):
        items.append((color, f"{lower:g}–{upper:g}" if upper > lower else f"{upper:g}"))
        lower = int(upper) + 1
    cells = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:12px">'
        f'<span style="width:14px;height:14px;background:{c};border:1px solid #a8581f;'
        f'margin-right:4px;display:inline-block"></span>{html.escape(text)}</span>'
        for c, text in items)
    return f'<div class="an-legend" style="font-size:0.85rem">{cells}</div>'
