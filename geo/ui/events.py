"""Event filters in the sidebar, kept in the session and in the URL."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd
import streamlit as st

from geo import ui
from geo.analysis.duplicates import CURATED, DUPLICATE_KM, Duplicates, find_duplicates, shown_once
from geo.analysis.filters import filter_mask, keep_rows
from geo.i18n.catalogue import format_number, translate
from geo.io import events as ev
from geo.io.actors import aliases
from geo.io.store import StoreError, open_store
from geo.model.countries import (
    AES_MEMBERS,
    CHARTER_DATE,
    collation_key,
    country_name,
    sorted_by_name,
)
from geo.model.events import DEFAULT_LAYERS, LAYERS
from geo.model.filters import QUERY_KEYS, EventFilter, from_query_params, to_query_params
from geo.model.frames import join_chunks
from geo.ui import state

WIDGET_KEYS = tuple(
    k.name
    for k in (
        state.EV_DATES,
        state.EV_COUNTRIES,
        state.EV_SUBTYPES,
        state.EV_ACTORS,
        state.EV_MIN_FAT,
        state.EV_NON_AES,
        state.EV_CLUSTER,
        state.EV_DISORDER,
        state.EV_EVENT_TYPES,
        state.EV_SUB_EVENT_TYPES,
        state.EV_VIOLENCE,
        state.EV_DYADS,
        state.EV_CIV,
        state.EV_WINNER,
    )
)
# The widgets of ACLED's typology -> the filter's fields (shown when a dataset has it).
TYPOLOGY_WIDGETS: dict[str, str] = {
    state.EV_DISORDER.name: "disorder_types",
    state.EV_EVENT_TYPES.name: "event_types",
    state.EV_SUB_EVENT_TYPES.name: "sub_event_types",
}
# The same for UCDP's: type of violence and dyad.
UCDP_WIDGETS: dict[str, str] = {
    state.EV_VIOLENCE.name: "violence_types",
    state.EV_DYADS.name: "dyads",
}
"""The filter widgets every page with the event sidebar shares (plus one per layer)."""


EVENTS_ENV = "SAHEL_ATLAS_EVENTS"
CLUSTER_PARAM = state.EV_CLUSTER.url_name
"""URL parameter of the clustering switch (``0`` when off; absent at the default, on)."""


def app_events() -> tuple[pd.DataFrame, list]:
    """All events the pages work on, in the one event model, and rows rejected on load.

    The curated dataset plus the datasets imported into the local store (``geo.io.store``),
    so every page (map, analysis) sees the same events. Cached per store change.
    """
    path = curated_path()
    curated, problems = curated_events(path)
    stamp = open_store().stamp()
    if stamp == "none":
        return curated, problems
    try:
        # Copy-on-write (pandas 3) shallow copy: a page that modifies it never alters the cache.
        return _with_stored_events(path, stamp).copy(deep=False), problems
    except StoreError as err:  # a damaged store: the curated events, and say what is wrong
        from geo.ui.store_health import store_banner

        store_banner(err.health)
        return curated, problems


def events_key() -> str:
    """Changes whenever :func:`app_events` would return other events (a cache key for
    values derived from all of them)."""
    return f"{curated_path()}|{open_store().stamp()}"


@st.cache_resource(show_spinner=False, max_entries=2)
def _with_stored_events(path: str, stamp: str) -> pd.DataFrame:
    """Curated events of ``path`` + stored events for one state of the store (``stamp``);
    curated ids win."""
    curated, _ = curated_events(path)
    stored = open_store().load_events().drop(columns="timestamp")
    stored = keep_rows(stored, ~stored["id"].isin(set(curated["id"].unique())))
    if stored.empty:
        return curated
    return pd.concat([curated, stored], ignore_index=True)


def actor_choices(events: pd.DataFrame) -> list[str]:
    """``geo.io.events.actor_options``, splitting each distinct actor string once (fast on
    large imports, where a million events share a few thousand actor strings)."""
    distinct = pd.DataFrame({"actors": events["actors"].unique()})
    return ev.actor_options(distinct)


def stored_datasets() -> list:
    """The imported datasets (:class:`geo.io.store.DatasetInfo`) with counts and attribution."""
    try:
        return list(_datasets_at(open_store().stamp()))
    except StoreError:  # a damaged store shows none of its events (app_events says why)
        return []


@st.cache_data(show_spinner=False, max_entries=4)
def _datasets_at(stamp: str) -> tuple:
    """The datasets once per state of the store (``stamp``), not on every rerun."""
    return tuple(open_store().datasets())


def dataset_sidebar(events: pd.DataFrame, lang: str) -> tuple[str, ...]:
    """One checkbox per dataset (curated + imported) with its count; the chosen names.

    Shown only when something was imported; otherwise every dataset is chosen.
    """
    codes, all_names = _dataset_codes(events_key(), len(events), events)
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=len(all_names)), index=all_names)
    names = sorted((n for n in all_names if counts[n]), key=lambda n: (n != "curated", n))
    if len(names) <= 1:
        return tuple(names)
    st.subheader(translate("ev_datasets", lang))
    chosen = []
    for name in names:
        key = state.EV_DATASETS(name)
        ui.keep(key)
        st.session_state.setdefault(key, True)
        label = translate("ev_dataset_curated", lang) if name == "curated" else name
        if st.checkbox(
            translate(
                "ev_dataset_count", lang, label=label, count=format_number(int(counts[name]), lang)
            ),
            key=key,
        ):
            chosen.append(name)
    return tuple(chosen)


def curated_path() -> str:
    """The curated events file; ``SAHEL_ATLAS_EVENTS`` may point at another file in the app's
    CSV schema (used by tests that feed hostile text through the real page)."""
    return os.environ.get(EVENTS_ENV) or str(ev.EVENTS_FILE)


@st.cache_data(show_spinner=False)
def curated_events(path: str) -> tuple[pd.DataFrame, list]:
    """The events of one curated file and the rows rejected on load (cached per path)."""
    load = ev.load_events(Path(path))
    return load.events, load.problems


def data_span(events: pd.DataFrame) -> tuple[date, date]:
    """First and last day of the data, at least one day apart (a slider needs a range)."""
    if events.empty:
        start = end = CHARTER_DATE
    else:
        start, end = events["date"].min().date(), events["date_end"].max().date()
    return start, max(end, start + timedelta(days=1))


def default_filter(events: pd.DataFrame) -> EventFilter:
    return _filter_for_span(data_span(events))


def _filter_for_span(span: tuple[date, date]) -> EventFilter:
    """The default view over ``span``: every date, the AES states, every layer but those
    off by default (``geo.model.events.OFF_BY_DEFAULT_LAYERS``: protests, riots, strategic
    developments)."""
    return EventFilter(
        date_from=span[0],
        date_to=span[1],
        countries=AES_MEMBERS,
        layers=DEFAULT_LAYERS,
        include_non_aes_coups=True,
    )


def _init_widgets(f: EventFilter, span: tuple[date, date], facets: _Facets) -> None:
    """Seed the widgets once per session from the URL; later pages keep their values
    (``geo.ui.keep``), so every page shares one filter state."""
    ui.keep(*WIDGET_KEYS, *(state.EV_LAYERS(layer) for layer in LAYERS))
    if state.get(state.EV_SEEDED):
        return
    state.put(state.EV_SEEDED, True)
    for layer in LAYERS:
        st.session_state[state.EV_LAYERS(layer)] = layer in f.layers
    lo = max(span[0], f.date_from or span[0])
    hi = min(span[1], f.date_to or span[1])
    st.session_state[state.EV_DATES.name] = (lo, hi) if lo <= hi else span
    st.session_state[state.EV_COUNTRIES.name] = list(f.countries)
    st.session_state[state.EV_SUBTYPES.name] = list(f.subtypes)
    st.session_state[state.EV_ACTORS.name] = list(f.actors)
    st.session_state[state.EV_MIN_FAT.name] = int(f.min_fatalities)
    st.session_state[state.EV_NON_AES.name] = bool(f.include_non_aes_coups)
    # The sources' typology: only values the loaded events have (a multiselect refuses others)
    for key, name in {**TYPOLOGY_WIDGETS, **UCDP_WIDGETS}.items():
        offered = set(getattr(facets, name))
        st.session_state[key] = [v for v in getattr(f, name) if v in offered]
    st.session_state[state.EV_CIV.name] = f.civilian_targeting if facets.event_types else ""
    st.session_state[state.EV_WINNER.name] = f.winner
    st.session_state.setdefault(
        state.EV_CLUSTER.name, ui.parse_bool(st.query_params.get(CLUSTER_PARAM, "1")) is not False
    )


def _set_dates(value: tuple[date, date]) -> None:
    st.session_state[state.EV_DATES.name] = value


def set_date_range(events: pd.DataFrame, first: date, last: date) -> bool:
    """Set the date filter to ``[first, last]`` within the data's span (e.g. the map's time
    slider's period), before the sidebar draws its widgets; False when the range falls
    outside the data (the filter then stays as it is)."""
    span = _facets(events_key(), events).span
    lo, hi = max(span[0], first), min(span[1], last)
    if lo > hi:
        return False
    _set_dates((lo, hi))
    return True


class _Facets(NamedTuple):
    """What the filter widgets offer, for one set of events."""

    span: tuple[date, date]
    countries: frozenset[str]
    subtypes: tuple[str, ...]
    actors: list[str]
    # ACLED's typology as the events have it (empty when no loaded dataset has it)
    disorder_types: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    # UCDP's, likewise
    violence_types: tuple[str, ...] = ()
    dyads: tuple[str, ...] = ()
    # each ACLED event type's sub-event types, as the events have them
    sub_events_of: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _labels(events: pd.DataFrame, column: str) -> tuple[str, ...]:
    """The distinct non-blank values of a typology column, sorted (none if absent)."""
    if column not in events.columns:
        return ()
    return tuple(sorted(str(v) for v in events[column].unique() if str(v).strip()))


@st.cache_resource(show_spinner=False, max_entries=2)
def _facets(key: str, _events: pd.DataFrame) -> _Facets:
    """The widgets' options, once per state of the events (``key`` = :func:`events_key`):
    at a million events, scanning dates, subtypes and actors took tenths of a second on
    every rerun."""
    return _Facets(
        data_span(_events),
        frozenset(_events["country_iso3"].unique()),
        tuple(sorted(set(_events["subtype"].unique()))),
        actor_choices(_events),
        _labels(_events, "disorder_type"),
        _labels(_events, "event_type"),
        _labels(_events, "sub_event_type"),
        _labels(_events, "type_of_violence"),
        _labels(_events, "dyad_name"),
        _sub_events_of(_events),
    )


def _sub_events_of(events: pd.DataFrame) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each ACLED event type with the sub-event types the events have under it."""
    if "event_type" not in events.columns or "sub_event_type" not in events.columns:
        return ()
    pairs = events[["event_type", "sub_event_type"]].astype(str).drop_duplicates()
    pairs = pairs[
        (pairs["event_type"].str.strip() != "") & (pairs["sub_event_type"].str.strip() != "")
    ]
    return tuple(
        (kind, tuple(sorted(group["sub_event_type"])))
        for kind, group in sorted(pairs.groupby("event_type"), key=lambda kv: kv[0])
    )


def sub_event_options(facets: _Facets, event_types: tuple[str, ...]) -> list[str]:
    """The sub-event types to offer: those of the chosen event types (all when none is
    chosen), so that a choice never offers a combination no event has."""
    if not event_types:
        return list(facets.sub_event_types)
    wanted = set(event_types)
    return sorted({sub for kind, subs in facets.sub_events_of if kind in wanted for sub in subs})


@st.cache_resource(show_spinner=False, max_entries=8)
def _rows_matching(
    key: str, n: int, f_repr: str, _events: pd.DataFrame, _f: EventFilter
) -> np.ndarray:
    """The rows of the events matching ``_f`` (``key`` names the events, ``n`` their count,
    ``f_repr`` the filter), shared by every session: a boolean array (one byte an event, a
    megabyte at a million), where a filtered copy of the events would hold every text."""
    return filter_mask(_events, _f, once=False)  # duplicates: after the datasets (below)


@st.cache_resource(show_spinner=False, max_entries=2)
def _duplicates(key: str, n: int, _events: pd.DataFrame) -> Duplicates:
    """The likely duplicates of the events, once per state of the events."""
    return find_duplicates(_events)


def duplicates(events: pd.DataFrame) -> Duplicates:
    """:func:`geo.analysis.duplicates.find_duplicates` of ``events`` (the app's events), cached."""
    return _duplicates(events_key(), len(events), events)


def _once(events: pd.DataFrame, rows: np.ndarray, winner: str) -> np.ndarray:
    codes, names = _dataset_codes(events_key(), len(events), events)
    return shown_once(rows, duplicates(events), codes, names, winner)


@st.cache_resource(show_spinner=False, max_entries=2)
def _outline_slots(key: str, n: int, _events: pd.DataFrame) -> dict[str, int]:
    from geo.render.pointlayer import dataset_slots

    return dataset_slots(_events)


def outline_slots(events: pd.DataFrame, datasets: tuple[str, ...]) -> dict[str, int]:
    """The outline slot (``geo.render.pointlayer.dataset_slots``) of each of ``datasets``, for
    the map legend."""
    slots = _outline_slots(events_key(), len(events), events)
    return {name: slots[name] for name in datasets if name in slots}


def also_in(events: pd.DataFrame, ident: str) -> list[tuple[str, str, tuple]]:
    """``(dataset, id, source URLs)`` of the copies in other datasets of the event
    ``ident`` (the events linked to it as likely duplicates), for its panel."""
    positions = np.flatnonzero((events["id"] == ident).to_numpy(dtype=bool))
    if not len(positions):
        return []
    row = int(positions[0])
    others = duplicates(events).others(row)
    own = events["dataset"].iat[row]
    return [
        (
            str(events["dataset"].iat[i]),
            str(events["id"].iat[i]),
            tuple(events["sources"].iat[i] or ()),
        )
        for i in others
        if events["dataset"].iat[i] != own
    ]


@st.cache_resource(show_spinner=False, max_entries=2)
def _layer_codes(key: str, n: int, _events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each event's display layer as a small integer, once per state of the events."""
    codes, names = pd.factorize(_events["layer"])
    return codes, [str(name) for name in names]


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset_codes(key: str, n: int, _events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each event's dataset as a small integer, once per state of the events."""
    codes, names = pd.factorize(_events["dataset"])
    return codes, [str(name) for name in names]


def shown_datasets(events: pd.DataFrame, rows: np.ndarray) -> list[str]:
    """The datasets of the events at ``rows`` (a boolean array over ``events``)."""
    codes, names = _dataset_codes(events_key(), len(events), events)
    present = np.unique(codes[np.asarray(rows, dtype=bool)])
    return [names[code] for code in present if code >= 0]


def _on_every_layer(
    events: pd.DataFrame, f: EventFilter
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The cached rows matching ``f`` on every layer, and the events' layer codes."""
    key, every = events_key(), replace(f, layers=())
    rows = _rows_matching(key, len(events), repr(every), events, every)
    codes, names = _layer_codes(key, len(events), events)
    return rows, codes, names


def filtered_rows(
    events: pd.DataFrame, f: EventFilter, datasets: tuple[str, ...] | None = None
) -> np.ndarray:
    """Which rows of ``events`` match ``f`` (and come from ``datasets``, when given). The
    filter without its layers is computed once and shared; choosing layers only combines
    cached arrays, so toggling a layer refilters nothing."""
    rows, codes, names = _on_every_layer(events, f)
    wanted = [code for code, name in enumerate(names) if name in f.layers]
    rows = rows & np.isin(codes, wanted)
    if datasets is not None:
        rows &= events["dataset"].isin(datasets).to_numpy(dtype=bool)
    return _once(events, rows, f.winner)


def hidden_duplicates(
    events: pd.DataFrame, f: EventFilter, datasets: tuple[str, ...] | None = None
) -> int:
    """How many events matching ``f`` (from ``datasets``) are left out as copies of an
    event of another dataset."""
    rows, codes, names = _on_every_layer(events, f)
    wanted = [code for code, name in enumerate(names) if name in f.layers]
    rows = rows & np.isin(codes, wanted)
    if datasets is not None:
        rows &= events["dataset"].isin(datasets).to_numpy(dtype=bool)
    return int(rows.sum() - _once(events, rows, f.winner).sum())


def filtered_layer_counts(events: pd.DataFrame, f: EventFilter) -> dict[str, int]:
    """Events matching ``f`` on every layer, per display layer (the sidebar's counts)."""
    rows, codes, names = _on_every_layer(events, f)
    rows = _once(events, rows, f.winner)
    counts = np.bincount(codes[rows & (codes >= 0)], minlength=len(names))
    return {layer: int(counts[names.index(layer)]) if layer in names else 0 for layer in LAYERS}


@st.cache_resource(show_spinner=False, max_entries=3)
def _rows_of(
    key: str, view: str, columns: tuple[str, ...], _events: pd.DataFrame, _rows: np.ndarray
) -> pd.DataFrame:
    """The ``columns`` of the rows ``_rows`` of the events, for the view named ``view``
    (at most three kept, shared by the sessions: the memory stays bounded)."""
    if columns == tuple(_events.columns):
        return keep_rows(_events, pd.Series(_rows, index=_events.index))
    frame = keep_rows(_events[list(columns)], pd.Series(_rows, index=_events.index))
    join_chunks(frame)  # its own copy: later selections in it then copy nothing
    return frame


def event_position(events: pd.DataFrame, ident: str) -> int:
    """The position in ``events`` of the first event with this id. KeyError when none."""
    positions = np.flatnonzero((events["id"] == ident).to_numpy(dtype=bool))
    if not len(positions):
        raise KeyError(ident)
    return int(positions[0])


def event_row(events: pd.DataFrame, ident: str) -> pd.Series:
    """The first event of ``events`` with this id (a row read in place: a selection of
    rows of the shared events would join every text column's chunks, see
    ``geo.model.frames.join_chunks``). KeyError when there is none."""
    return events.iloc[event_position(events, ident)]


def filtered_events(
    events: pd.DataFrame,
    f: EventFilter,
    datasets: tuple[str, ...] | None = None,
    columns: tuple[str, ...] | None = None,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """The events matching ``f`` (from ``datasets`` when given), with only ``columns`` when
    given (a page that reads a few columns then does not hold copies of every text),
    computed once per view and shared (a click or a toggle refilters nothing). ``rows``:
    :func:`filtered_rows` of the same arguments, when the caller has it already. Index
    and order are those of ``events``. Never modify it."""
    if rows is None:
        rows = filtered_rows(events, f, datasets)
    view = repr((f, datasets, len(events)))
    return _rows_of(events_key(), view, columns or tuple(events.columns), events, rows)


def event_sidebar(events: pd.DataFrame, lang: str) -> tuple[EventFilter, bool]:
    """Draw the event filters; return the filter and whether to cluster overlapping points."""

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    facets = _facets(events_key(), events)
    span = facets.span
    defaults = _filter_for_span(span)
    _init_widgets(from_query_params(st.query_params.to_dict(), defaults), span, facets)

    if problem := aliases().problem:  # names are then shown and counted as written
        st.warning(t("actor_aliases_broken", problem=problem))
    st.subheader(t("events_heading"))
    counts_box = st.container()
    non_aes = st.toggle(t("ev_non_aes_coups"), key=state.EV_NON_AES.name)
    cluster = st.toggle(t("ev_cluster"), key=state.EV_CLUSTER.name)

    with st.expander(t("ev_filters"), expanded=True):
        # A range: _init_widgets put a (start, end) pair under the key.
        dates = cast(
            tuple[date, date],
            st.slider(
                t("ev_dates"),
                min_value=span[0],
                max_value=span[1],
                key=state.EV_DATES.name,
                format=t("date_widget_format"),
            ),
        )
        st.button(
            t("ev_since_charter"),
            on_click=_set_dates,
            args=((min(max(CHARTER_DATE, span[0]), span[1]), span[1]),),
            disabled=span[1] < CHARTER_DATE,
            width="stretch",
        )
        st.button(t("ev_all_dates"), on_click=_set_dates, args=(span,), width="stretch")
        country_options = sorted_by_name(set(facets.countries) | set(AES_MEMBERS), lang)
        countries = st.multiselect(
            t("ev_countries"),
            country_options,
            key=state.EV_COUNTRIES.name,
            placeholder=t("ev_choose"),
            format_func=lambda c: country_name(c, lang),
        )
        subtype_options = list(facets.subtypes)
        subtypes = st.multiselect(
            t("ev_subtypes"),
            subtype_options,
            key=state.EV_SUBTYPES.name,
            placeholder=t("ev_all"),
            format_func=lambda s: t(f"sub_{s}"),
        )
        actors = st.multiselect(
            t("ev_actors"),
            actor_order(facets.actors, lang),
            key=state.EV_ACTORS.name,
            placeholder=t("ev_all"),
            format_func=lambda a: aliases().display(a, lang),
        )
        min_fat = st.number_input(
            t("ev_min_fatalities"), min_value=0, step=1, key=state.EV_MIN_FAT.name
        )
        typology = typology_filters(facets, lang) | ucdp_filters(facets, lang)
        winner = winner_setting(events, lang)

    base = EventFilter(
        date_from=dates[0],
        date_to=dates[1],
        countries=tuple(countries),
        subtypes=tuple(subtypes),
        actors=tuple(actors),
        min_fatalities=int(min_fat),
        include_non_aes_coups=non_aes,
        winner=winner,
        **typology,
    )
    counts = filtered_layer_counts(events, base)
    chosen = []
    with counts_box:
        for layer in LAYERS:
            label = t(
                "ev_layer_count",
                label=t(f"ev_layer_{layer}"),
                count=format_number(counts[layer], lang),
            )
            if st.checkbox(label, key=state.EV_LAYERS(layer)):
                chosen.append(layer)
    return replace(base, layers=tuple(chosen)), cluster


def actor_order(names: Sequence[str], lang: str) -> list[str]:
    """The actor filter's choices (canonical names) in the order of the names the reader
    sees: on French pages their French labels sort them (accents and case ignored), so the
    list reads alphabetically; English pages keep the names' own order."""
    if lang != "fr":
        return list(names)
    table = aliases()
    return sorted(names, key=lambda a: (collation_key(table.display(a, lang)), a))


def typology_filters(facets: _Facets, lang: str) -> dict[str, Any]:
    """The widgets of ACLED's typology (disorder, event and sub-event types, civilian
    targeting), only when a loaded dataset has it; the filter fields they set (none when
    hidden, so a shared link's typology never hides events without showing why)."""
    if not facets.event_types:
        return {}

    def t(key: str) -> str:
        return translate(key, lang)

    st.markdown(f"**{t('ev_typology')}**", help=t("ev_typology_help"))
    chosen: dict[str, object] = {}
    for key, name in TYPOLOGY_WIDGETS.items():
        options = list(getattr(facets, name))
        if name == "sub_event_types":  # narrowed to the chosen event types
            kinds = chosen.get("event_types", ())
            options = sub_event_options(facets, kinds if isinstance(kinds, tuple) else ())
            if key in st.session_state:  # a value no longer offered is dropped, not refused
                st.session_state[key] = [v for v in st.session_state[key] if v in options]
        if options:  # ACLED's labels as ACLED writes them (English in both languages)
            chosen[name] = tuple(
                st.multiselect(t(f"ev_{name}"), options, key=key, placeholder=t("ev_all"))
            )
    chosen["civilian_targeting"] = st.radio(
        t("ev_civilian_targeting"),
        ["", "yes", "no"],
        key=state.EV_CIV.name,
        horizontal=True,
        format_func=lambda v: t(f"ev_civ_{v or 'any'}"),
    )
    return chosen


def ucdp_filters(facets: _Facets, lang: str) -> dict[str, Any]:
    """The widgets of UCDP's typology (type of violence, dyad), only when a loaded dataset
    has it; the filter fields they set (none when hidden)."""
    if not facets.violence_types and not facets.dyads:
        return {}

    def t(key: str) -> str:
        return translate(key, lang)

    st.markdown(f"**{t('ev_ucdp_typology')}**", help=t("ev_ucdp_typology_help"))
    chosen: dict[str, object] = {}
    if facets.violence_types:
        chosen["violence_types"] = tuple(
            st.multiselect(
                t("ev_violence_types"),
                list(facets.violence_types),
                key=state.EV_VIOLENCE.name,
                placeholder=t("ev_all"),
                format_func=lambda v: t(f"tov_{v}"),
            )
        )
    if facets.dyads:  # UCDP's names as UCDP writes them (English in both languages)
        chosen["dyads"] = tuple(
            st.multiselect(
                t("ev_dyads"), list(facets.dyads), key=state.EV_DYADS.name, placeholder=t("ev_all")
            )
        )
    return chosen


def winner_setting(events: pd.DataFrame, lang: str) -> str:
    """Which dataset's copy of an event found in two datasets is shown: a choice among
    the datasets present when there are several (the curated one by default); the value
    is kept in the URL (``winner``) like the filters."""
    _codes, names = _dataset_codes(events_key(), len(events), events)
    present = sorted(names, key=lambda n: (n != CURATED, n))
    current = state.get(state.EV_WINNER) or CURATED
    if len(present) <= 1:
        return current
    if current not in present:
        current = CURATED if CURATED in present else present[0]
        state.put(state.EV_WINNER, current)

    def label(name: str) -> str:
        return translate("ev_dataset_curated", lang) if name == CURATED else name

    return st.selectbox(
        translate("dup_winner", lang),
        present,
        key=state.EV_WINNER.name,
        format_func=label,
        help=translate("dup_winner_help", lang, km=format_number(DUPLICATE_KM, lang)),
    )


def prepare_default_view(events: pd.DataFrame) -> EventFilter:
    """Compute what the sidebar and the map compute for the default filter (a session with
    no URL parameters), through the same caches; returns that filter (see
    ``geo.ui.warmup``)."""
    _facets(events_key(), events)
    f = default_filter(events)
    filtered_layer_counts(events, f)
    filtered_rows(events, f)
    _dataset_codes(events_key(), len(events), events)
    return f


def filter_query_params(f: EventFilter, events: pd.DataFrame) -> dict[str, str]:
    """The URL parameters of a filter, only those that differ from the defaults."""
    return to_query_params(f, _filter_for_span(_facets(events_key(), events).span))


def write_filter_params(url_filters: dict[str, str]) -> None:
    """Put the filter's URL parameters in the address bar and drop the ones at default
    (every page with the event filters calls this, so they share one URL state)."""
    for key in QUERY_KEYS:
        if key in url_filters:
            if st.query_params.get(key) != url_filters[key]:
                st.query_params[key] = url_filters[key]
        else:
            st.query_params.pop(key, None)
