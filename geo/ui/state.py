"""The registry of every session key and URL parameter of the app, and the one mechanism
that keeps their values.

Each key is declared once: its name, the pages that may read or write it, its default,
and, when the URL carries it, the parameter's name and codec (URL text -> value and back).
Pages and ``geo.ui`` modules use these declarations instead of string literals, and
``tests/ui/test_ui_state.py`` fails on a literal key or parameter that is not declared here,
or on a module that uses a key the registry gives to another page.

One widget-state mechanism: a key declared ``kept`` (or a family member passed to
:func:`keep`) has its value re-assigned before every page (:func:`keep_widget_values`, run
by dashboard.py), which is Streamlit's documented way to carry a widget's value across page
switches (Streamlit drops the state of a widget its page did not draw). No shadow copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from geo.analysis import signals as sg
from geo.model.filters import QUERY_KEYS
from geo.render.mapview import CORE_RADIUS_KM

# --- pages ---------------------------------------------------------------------------------

MAP, ANALYSIS, CHANGES, CHARTER, TIMELINE, DATA, HELP = (
    "map",
    "analysis",
    "changes",
    "charter",
    "timeline",
    "data",
    "help",
)
EVERY_PAGE = frozenset({MAP, ANALYSIS, CHANGES, CHARTER, TIMELINE, DATA, HELP})
FILTER_PAGES = frozenset({MAP, ANALYSIS, CHANGES, DATA})
"""The pages sharing the event filters (the Data page reads the map's filter)."""


# --- codecs --------------------------------------------------------------------------------


def parse_bool(raw: str) -> bool | None:
    return {"1": True, "0": False, "true": True, "false": False}.get(raw.strip().lower())


def encode_bool(value: bool) -> str:
    return "1" if value else "0"


def parse_float_in(low: float, high: float) -> Callable[[str], float | None]:
    def parse(raw: str) -> float | None:
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if low <= value <= high else None

    return parse


def parse_iso_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


# --- declarations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A session-state key (a widget's key or a plain value).

    ``param``: the URL parameter that carries it, with ``decode`` (URL text -> value, None
    when the text is not valid) and ``encode`` (value -> URL text, None to drop it).
    ``kept``: its value survives page switches (:func:`keep_widget_values`).
    """

    name: str
    pages: frozenset[str]
    doc: str
    default: Any = None
    param: str | None = None
    decode: Callable[[str], Any] | None = None
    encode: Callable[[Any], str | None] | None = None
    kept: bool = False

    @property
    def shared(self) -> bool:
        return len(self.pages) > 1

    @property
    def url_name(self) -> str:
        """The URL parameter's name (for a key the URL carries)."""
        assert self.param is not None, f"{self.name} has no URL parameter"
        return self.param


@dataclass(frozen=True)
class Param:
    """A URL parameter with no session key of its name (or whose value lives under another
    key, e.g. ``sel`` for the map's ``selection``)."""

    name: str
    pages: frozenset[str]
    doc: str
    decode: Callable[[str], Any] | None = None
    encode: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class Family:
    """Keys built at run time: ``prefix`` + a suffix (one checkbox per layer, one button per
    event...)."""

    prefix: str
    pages: frozenset[str]
    doc: str
    kept: bool = False

    def __call__(self, *parts: object) -> str:
        return self.prefix + "_".join(str(p) for p in parts)


def _pages(*names: str) -> frozenset[str]:
    return frozenset(names)


_M = _pages(MAP)
_C = _pages(CHANGES)
_A = _pages(ANALYSIS)
_T = _pages(TIMELINE)
_D = _pages(DATA)

# app-wide
LANG = Key(
    "lang", EVERY_PAGE, "UI language (sidebar switch)", "en", param="lang", encode=str, kept=True
)
KEPT = Key("_kept_widget_keys", EVERY_PAGE, "the widget keys kept across page switches")
STORE_REPAIRED = Key("store_repaired", EVERY_PAGE, "result of the last store repair")
STORE_REPAIR = Key("store_repair", EVERY_PAGE, "store repair button")

# the event filters (geo.ui.events), shared by the pages that show them
EV_SEEDED = Key("_ev_seeded", FILTER_PAGES, "the filter widgets were seeded from the URL")
EV_DATES = Key("ev_dates", FILTER_PAGES, "date range slider", kept=True)
EV_COUNTRIES = Key("ev_countries", FILTER_PAGES, "countries", kept=True)
EV_SUBTYPES = Key("ev_subtypes", FILTER_PAGES, "event subtypes", kept=True)
EV_ACTORS = Key("ev_actors", FILTER_PAGES, "actors", kept=True)
EV_MIN_FAT = Key("ev_min_fat", FILTER_PAGES, "minimum fatalities", kept=True)
EV_NON_AES = Key("ev_non_aes", FILTER_PAGES, "coups outside the AES states", kept=True)
EV_CLUSTER = Key(
    "ev_cluster",
    FILTER_PAGES,
    "cluster overlapping points",
    True,
    param="cluster",
    decode=parse_bool,
    encode=lambda on: None if on else "0",
    kept=True,
)
EV_DISORDER = Key("ev_disorder", FILTER_PAGES, "ACLED disorder types", kept=True)
EV_EVENT_TYPES = Key("ev_event_types", FILTER_PAGES, "ACLED event types", kept=True)
EV_SUB_EVENT_TYPES = Key("ev_sub_event_types", FILTER_PAGES, "ACLED sub-event types", kept=True)
EV_VIOLENCE = Key("ev_violence", FILTER_PAGES, "UCDP types of violence", kept=True)
EV_DYADS = Key("ev_dyads", FILTER_PAGES, "UCDP dyads", kept=True)
EV_CIV = Key("ev_civ", FILTER_PAGES, "civilian targeting", kept=True)
EV_WINNER = Key(
    "ev_winner", FILTER_PAGES, "the dataset whose copy of a duplicate is shown", kept=True
)
EV_LAYERS = Family("ev_layers_", FILTER_PAGES, "one checkbox per display layer", kept=True)
EV_DATASETS = Family("ev_ds_", _M, "one checkbox per dataset (map sidebar)", kept=True)
FILTER_PARAMS = tuple(
    Param(name, FILTER_PAGES, "event filter (codec: geo.analysis.filters)") for name in QUERY_KEYS
)

# map page (and the map's core radius, which the analysis page's before/after uses)
RADIUS = Key(
    "radius",
    _pages(MAP, ANALYSIS),
    "tri-border core radius, km",
    None,
    param="radius",
    decode=parse_float_in(*CORE_RADIUS_KM),
    encode=lambda r: f"{r:g}",
    kept=True,
)
ALG = Key(
    "alg",
    _M,
    "ALG zone layer shown",
    True,
    param="alg",
    decode=parse_bool,
    encode=encode_bool,
    kept=True,
)
CORE = Key(
    "core",
    _M,
    "tri-border core layer shown",
    True,
    param="core",
    decode=parse_bool,
    encode=encode_bool,
    kept=True,
)
DENSITY = Key(
    "density",
    _M,
    "the map shows the events' density in hexagons (else each event), below the zoom where"
    " each event is drawn (geo.render.densitylayer)",
    False,
    param="density",
    decode=parse_bool,
    encode=lambda on: "1" if on else None,
    kept=True,
)
ATLAS_MAP = Key("atlas_map", _M, "st_folium's payload of the map (clicks)")
SELECTION = Key("selection", _M, "the selected feature (geo.model.selection.Selection)")
SEL = Param("sel", _M, "the selection (Selection.to_param / selection_from_param)")
VIEW = Param("view", _M, "the map's view, written by the browser (mapbuild.VIEW_PARAM)")
LAST_CLICK = Key("_last_click", _M, "signature of the last click handled")
CLICK_HITS = Key("_click_hits", _M, "(selected id, other ids) under the last click")
LAST_PERIOD = Key("_last_period", _M, "the time slider's last period kept")
VIEW_FROM_URL = Key("_view_from_url", _M, "the shared link's view, parsed once")
VIEW_URL_USED = Key("_view_url_used", _M, "the first map has used the link's view")
HL_APPLIED = Key("_hl_applied", _M, "the milestone whose highlight was applied")
HL_CLEAR = Key("hl_clear", _M, "clear the highlight button")
EXPORTS_OPEN = Key("map_exports_open", _M, "the exports expander is open (drawn only then)")
EXPORT_CSV = Key("export_csv", _M, "CSV download")
EXPORT_CSV_EXCEL = Key("export_csv_excel", _M, "CSV for Excel download")
EXPORT_GEOJSON = Key("export_geojson", _M, "GeoJSON download")
EXPORT_HTML = Key("export_html", _M, "standalone map download")
FIG_VIEW = Key("_fig_view", _M, "the map view the figure shows ((lat, lng, zoom), (w, h))")
FIG_VIEW_READER = Key("fig_view_reader", _M, "button reading the map's current view")
PICK_EVENTS = Family("pick_", _M, "a region's events in the side panel: buttons or table")
NEAR_EVENTS = Family("near_", _M, "the other events at the selected event's spot")
HIT_EVENTS = Family("hit_", _M, "the other events under the last click")
PLACE_QUERY = Key("place_query", _M, "the place search box")
PLACE_FOUND = Key("_place_found", _M, "the found town's marker: ((lat, lon), name)")
PLACE_GOTO = Key("_place_goto", _M, "(nonce, view): the move, for the next drawn map only")
PLACE_SHOWN = Key("_place_shown", _M, "the place applied last (its label, for the caption)")
PLACE_CLEAR = Key("place_clear", _M, "clear the found place button")
PLACE_BUTTONS = Family("place_", _M, "one button per other match of the search")
POINT_BLOCKS = Key("_point_blocks", _M, "the drawn event blocks by token")
PANEL_THEME = Key("charter_panel_theme", _M, "the map's charter panel theme", "", kept=True)

# milestones sent to the map from the Timeline and Charter pages
HIGHLIGHT = Key(
    "timeline_highlight", _pages(MAP, TIMELINE, CHARTER), "id of the milestone the map highlights"
)
HL = Param("hl", _pages(MAP, TIMELINE, CHARTER), "the highlighted milestone's id", encode=_text)
GOTO_MAP = Key(
    "_facts_goto_map",
    _pages(TIMELINE, CHARTER),
    "a milestone to show on the map (set in a callback, followed next run)",
)

# where it is changing
SG_PERIOD = Key(
    "sg_period",
    _C,
    "week, month or quarter",
    "month",
    param="sg_period",
    decode=lambda raw: raw if raw in sg.PERIODS else None,
    encode=str,
    kept=True,
)
SG_END = Key(
    "sg_end",
    _C,
    "last day of the period",
    None,
    param="sg_end",
    decode=parse_iso_date,
    encode=date.isoformat,
    kept=True,
)
SG_MEASURE = Key("sg_measure", _C, "events or fatalities")
SG_RECORDS_TABLE = Key("sg_records_table", _C, "the records table")
SG_LEVEL_MAP = Key("sg_level_map", _C, "the change-level map")

# analysis page (geo.ui.analysis and pages/analysis.py)
AN_MAP = Key("an_map", _A, "the regions map")
AN_SECTION = Key(
    "an_section",
    _A,
    "the section drawn (trends, before_after, bands, actors, regions, compare)",
    "trends",
    param="section",
    encode=str,
    kept=True,
)
AN_BY = Key("an_by", _A, "trend grouping")
PIVOT = Key(
    "pivot",
    _A,
    "before/after pivot day",
    param="pivot",
    decode=parse_iso_date,
    encode=date.isoformat,
    kept=True,
)
WINDOW = Key("window", _A, "before/after window, months", param="window", encode=str, kept=True)
AN_BAND_MEASURE = Key("an_band_measure", _A, "before/after measure")
AN_RANK = Key("an_rank", _A, "ranking")
AN_PERIOD = Key("an_period", _A, "map period")
AN_MAP_MEASURE = Key("an_map_measure", _A, "map measure")
AN_MAP_BASIS = Key(
    "map_rate",
    _A,
    "what the regions map shows: the count, per 10,000 km² or per 100,000 people",
    "count",
    param="map_rate",
    decode=lambda raw: raw if raw in ("count", "area", "people") else None,
    encode=lambda value: None if value == "count" else str(value),
    kept=True,
)
AN_TABLES = Family("an_table_", _A, "a chart's table expander")
CMP_A = Key(
    "cmp_a",
    _A,
    "the Compare section's first place (a country's ISO3 or an admin-1 id)",
    "MLI",
    param="cmp_a",
    encode=str,
    kept=True,
)
CMP_B = Key(
    "cmp_b",
    _A,
    "the Compare section's second place",
    "NER",
    param="cmp_b",
    encode=str,
    kept=True,
)
AN_CSV = Family("csv_", _A, "a chart's CSV download")
FIGURE = Family("fig_", _pages(MAP, ANALYSIS, CHANGES), "a figure's PNG or SVG download")

# timeline and charter
TL_CHART = Key("tl_chart", _T, "the timeline chart (its selection)")
TL_CAT = Key("tl_cat", _T, "categories", [], param="tl_cat", kept=True)
TL_COUNTRY = Key("tl_country", _T, "countries", [], param="tl_country", kept=True)
TL_PERIOD = Key("tl_period", _T, "period", "all", param="tl_period", kept=True)
TL_UNVERIFIED = Key(
    "tl_unverified",
    _T,
    "include unverified milestones",
    False,
    param="tl_unverified",
    decode=parse_bool,
    encode=encode_bool,
    kept=True,
)
TL_SHOW = Family("tl_show_", _T, "a milestone's 'Show on map' button")
CH_THEME = Key("ch_theme", _pages(CHARTER), "theme", "", param="ch_theme", encode=_text, kept=True)
CH_SHOW = Family("ch_show_", _pages(CHARTER), "a milestone's 'Show on map' button")

# data page (geo.ui.data, geo.ui.acled_update)
_DATA_KEYS = (
    ("data_plan", "the checked import plan, between check and confirm"),
    ("data_plan_for", "the choices the plan was made for"),
    ("data_file", "the inspected upload"),
    ("data_error", "(choices, error) of the last failed check"),
    ("data_done", "the last import's result"),
    ("data_upload_round", "a stored file empties the uploader for the next"),
    ("data_stale", "a refusal because the store changed (StoreChangedError)"),
    ("data_removed", "the last removed dataset"),
    ("data_remove_seen", "(state, datasets) of the list as drawn: what a removal confirms"),
    ("data_remove_sure", "confirm removal"),
    ("data_remove_name", "dataset to remove"),
    ("data_remove_button", "remove button"),
    ("data_validate", "check button"),
    ("data_confirm", "confirm button"),
    ("data_cancel", "cancel button"),
    ("data_problems_table", "rejected rows"),
    ("data_download_rejected", "rejected rows download"),
    ("data_updated_table", "updated rows"),
    ("data_sample_table", "sample rows"),
    ("data_datasets_table", "stored datasets"),
    ("remote_update_report", "(source, UpdateReport) of the last update"),
    ("remote_update_stopped", "(source, what, fix, UpdateReport | None)"),
    *(
        (f"ru_{source}_{part}", f"{source} update: {part}")
        for source, parts in (
            ("acled", ("user", "password", "save")),
            ("ucdp", ("token", "save", "version")),
        )
        for part in parts
    ),
    *(
        (f"ru_{source}_{part}", f"{source} update: {part}")
        for source in ("acled", "ucdp")
        for part in ("countries", "since", "dataset", "button")
    ),
)
DATA_KEYS = tuple(Key(name, _D, doc) for name, doc in _DATA_KEYS)

# help page (geo.ui.help)
HELP_TERM = Key(
    "term", _pages(HELP), "the glossary search box", "", param="term", decode=lambda raw: raw[:100]
)
DATA_FAMILIES = tuple(
    Family(prefix, _D, doc)
    for prefix, doc in (
        ("data_upload_", "the uploader of one round"),
        ("data_format_", "a file's format"),
        ("data_dataset_", "a file's dataset name"),
        ("data_version_", "a file's version"),
        ("data_accessed_", "a file's access date"),
        ("data_date_order_", "a file's date order"),
        ("data_encoding_", "a file's text encoding"),
        ("ru_problems_", "an update's problems table"),
    )
)


def _collect() -> tuple[dict[str, Key], dict[str, Param], tuple[Family, ...]]:
    found = [v for v in globals().values() if isinstance(v, Key | Param | Family)]
    found += [*FILTER_PARAMS, *DATA_KEYS, *DATA_FAMILIES]
    keys = {k.name: k for k in found if isinstance(k, Key)}
    params = {p.name: p for p in found if isinstance(p, Param)}
    params.update(
        {
            k.param: Param(k.param, k.pages, k.doc, k.decode, k.encode)
            for k in keys.values()
            if k.param
        }
    )
    families = tuple(
        sorted((f for f in found if isinstance(f, Family)), key=lambda f: -len(f.prefix))
    )
    return keys, params, families


KEYS, PARAMS, FAMILIES = _collect()
"""Every session key by name, every URL parameter by name, every family of run-time keys
(longest prefix first)."""


def key_pages(name: str) -> frozenset[str] | None:
    """The pages allowed to use session key ``name`` (None: not declared)."""
    if name in KEYS:
        return KEYS[name].pages
    for family in FAMILIES:
        if name.startswith(family.prefix):
            return family.pages
    return None


def param_pages(name: str) -> frozenset[str] | None:
    """The pages allowed to use URL parameter ``name`` (None: not declared)."""
    found = PARAMS.get(name)
    return found.pages if found else None


# --- the mechanism -------------------------------------------------------------------------


def keep(*names: str) -> None:
    """Keep the values of these widget keys for the whole session, across page switches.

    Streamlit ties a widget's value to the page it was drawn on and drops it when a run of
    another page ends, even when that page draws a widget with the same key: the filters
    of the map came back unchecked on the analysis page. :func:`keep_widget_values` (run by
    dashboard.py before every page) re-assigns each kept key, which is Streamlit's
    documented way to carry a widget's value from one page to another.
    """
    kept = st.session_state.setdefault(KEPT.name, set())
    kept.update(names)


def keep_widget_values() -> None:
    """Re-assign every kept widget value so no page switch drops it (see :func:`keep`)."""
    names = {k.name for k in KEYS.values() if k.kept} | set(st.session_state.get(KEPT.name, ()))
    for name in names:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def url_backed(key: str, default: Any, parse: Callable[[str], Any]) -> None:
    """Give widget ``key`` its first value from the URL (else ``default``) and keep it for
    the session (:func:`keep`): the URL lets a copied address reproduce the view."""
    keep(key)
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    parsed = parse(raw) if raw is not None else None
    st.session_state[key] = parsed if parsed is not None else default


def seed(key: Key, default: Any = None, valid: Callable[[Any], bool] | None = None) -> None:
    """:func:`url_backed` for a declared key: its URL parameter decoded by its codec, else
    ``default`` (else the declared default); ``valid`` rejects a decoded value the data in
    hand cannot take (a day outside the data's span)."""
    decode = key.decode or (lambda raw: raw)
    url_backed(
        key.name,
        key.default if default is None else default,
        lambda raw: (
            value
            if (value := decode(raw)) is not None and (valid is None or valid(value))
            else None
        ),
    )


def remember(values: Mapping[str, Any], to_url: Mapping[str, str | None]) -> None:
    """Keep these widget values for the session (:func:`keep`) and write the URL
    parameters (``None`` removes one)."""
    keep(*values)
    write_params(to_url)


def write_params(to_url: Mapping[str, str | None]) -> None:
    """Write these URL parameters (``None`` removes one), touching only those that change."""
    for name, value in to_url.items():
        if value is None:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def encoded(values: Iterable[tuple[Key | Param, Any]]) -> dict[str, str | None]:
    """URL text of each value by its declared codec, by parameter name (None: dropped)."""
    out: dict[str, str | None] = {}
    for entry, value in values:
        name = entry.param if isinstance(entry, Key) else entry.name
        assert name is not None, f"{entry.name} has no URL parameter"
        encode = entry.encode or _text
        out[name] = None if value is None else encode(value)
    return out


def get(key: Key, fallback: Any = None) -> Any:
    return st.session_state.get(key.name, fallback)


def put(key: Key, value: Any) -> None:
    st.session_state[key.name] = value


def pop(key: Key) -> Any:
    return st.session_state.pop(key.name, None)


def has(key: Key) -> bool:
    return key.name in st.session_state


def from_url(key: Key) -> Any:
    """The URL's value of a declared key, decoded by its codec (None: absent or invalid)."""
    raw = url_value(key)
    if raw is None:
        return None
    return key.decode(raw) if key.decode else raw


def url_value(entry: Key | Param) -> str | None:
    """The raw URL text of a declared parameter."""
    name = entry.param if isinstance(entry, Key) else entry.name
    return st.query_params.get(name) if name else None
