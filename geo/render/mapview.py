"""What the map page shows, computed without Streamlit: the opening frame, the selected
feature's geometry, the clicked events, the event lists of the side panel and the counts
under the map."""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping

import geopandas as gpd
import pandas as pd
import shapely

from geo.i18n.catalogue import format_days, translate
from geo.io.eventtexts import localized_locations
from geo.model.countries import AES_MEMBERS
from geo.model.events import fatality_upper
from geo.model.selection import Selection
from geo.render.pointlayer import DRAW_ORDER

CORE_RADIUS_KM = (25.0, 400.0)
"""The tri-border core radius's range (km), shared by the slider and the URL codec."""
CORE_RADIUS_STEP_KM = 25.0
FIND_EVENTS_MAX = 2_000
"""Events the search finds while at most this many are shown; beyond, reach them by region."""
BUTTONS_MAX = 12
"""A longer list of events is a table (one widget, paged by the browser)."""
MAP_COLUMNS = (
    "id",
    "date",
    "location",
    "layer",
    "fatalities_low",
    "fatalities_high",
    "latitude",
    "longitude",
    "admin1_id",
    "country_iso3",
    "dataset",
)
"""The only columns the map page reads from the filtered events (a copy of every text would
cost hundreds of megabytes at a million events); the exports take every column."""


def aes_bounds(countries: pd.DataFrame, codes: Collection[str] = ()) -> list[list[float]]:
    """``[[south, west], [north, east]]`` (Leaflet's order) of the countries ``codes`` that
    the map has, else of the three AES states."""
    chosen = countries[countries["iso3"].isin(list(codes))]
    if chosen.empty:
        chosen = countries[countries["iso3"].isin(AES_MEMBERS)]
    west, south, east, north = chosen.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def unit_geometry(layers: Mapping[str, gpd.GeoDataFrame], selection: Selection) -> shapely.Geometry:
    """The geometry of a selected country, region or province."""
    frame = layers[selection.kind]
    return frame.loc[frame["id"] == selection.id, "geometry"].iloc[0]


def event_point(latitude: float, longitude: float) -> shapely.Point | None:
    """An event's point, None when it has no location."""
    return None if pd.isna(latitude) else shapely.Point(longitude, latitude)


def clicked_events(ids: list[str], known: Container[str]) -> tuple[str, list[str]] | None:
    """The events under a click that the page knows: the first (selected) and the others,
    None when none is known."""
    found = [ident for ident in ids if ident in known]
    return (found[0], found[1:]) if found else None


def event_table(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The side panel's table of ``events``: day, place, layer and deaths, in ``lang``."""

    def t(key: str) -> str:
        return translate(key, lang)

    return pd.DataFrame(
        {
            t("ev_col_date"): format_days(events["date"], lang).to_numpy(),
            t("ev_col_place"): localized_locations(events, lang).to_numpy(),
            t("ev_col_layer"): events["layer"]
            .map({layer: t(f"ev_layer_{layer}") for layer in DRAW_ORDER})
            .to_numpy(),
            t("ev_col_deaths"): fatality_upper(events).to_numpy(),
        }
    )


def event_labels(events: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """``(id, "day · place · layer")`` of each of ``events``, for one button each."""
    days = format_days(events["date"], lang)
    places = localized_locations(events, lang)
    return [
        (str(ident), f"{day} · {place} · {translate(f'ev_layer_{layer}', lang)}")
        for ident, layer, day, place in zip(
            events["id"], events["layer"], days, places, strict=True
        )
    ]


def shown_caption(drawn: int, matching: int, hidden_duplicates: int, lang: str) -> str:
    """The line under the map: events drawn, those without a location, copies left out."""
    caption = translate("ev_shown", lang, count=drawn)
    if matching > drawn:
        caption += " · " + translate("ev_not_located", lang, count=matching - drawn)
    if hidden_duplicates:
        caption += " · " + translate("dup_hidden", lang, count=hidden_duplicates)
    return caption
