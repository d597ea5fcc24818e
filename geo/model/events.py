"""The one event model for every event source (curated, ACLED, UCDP): its columns, dtypes and
vocabularies. An event file (schema: ``data/events/DATA_DICTIONARY.md``) is checked by
:func:`geo.io.events.validate_events` and becomes a DataFrame with exactly the columns of
:data:`MODEL_COLUMNS`:

============== ================= =====================================================
column         dtype             meaning
============== ================= =====================================================
id             str               unique event id
date           datetime64[ns]    first day of the event (the source's date)
date_end       datetime64[ns]    last day; equals ``date`` unless a range is known
                                 (``month`` precision without an end: end of month)
date_precision str               ``day``, ``approx``, ``range`` or ``month``
category       str               ``coup``, ``insurgency`` or ``state-violence``
subtype        str               see :data:`SUBTYPES`
layer          str               display layer, see :data:`LAYERS` and :func:`layer_of`
country_iso3   str               ISO 3166-1 alpha-3 code of the country
admin1_id      str               admin-1 unit (``geo.io.boundaries.load_admin1``) holding the
                                 point; ``""`` outside MLI/BFA/NER or without coordinates
admin1_name    str               English name of that unit; ``""`` when no unit
location       str               place name as given by the source
latitude       float64           WGS 84 degrees; NaN when the event has no coordinates
longitude      float64           WGS 84 degrees; NaN when the event has no coordinates
geo_precision  Int64             1 exact place, 2 near / area, 3 region-level; <NA> if
                                 no coordinates
actors         str               the names as the source writes them, joined by ``"; "``
                                 (the stored form). Read them per event with
                                 :func:`geo.io.events.actor_lists` / ``actor_pairs`` (canonical
                                 groups, actors and targets apart), never by splitting
fatalities_low Int64             lower bound of deaths; <NA> = unknown
fatalities_high Int64            upper bound; <NA> = not given (use :func:`fatality_upper`)
summary        str               paraphrase, verbatim from the file (may contain any text:
                                 escaping is the renderer's job)
sources        object (tuple)    tuple of http(s) URL strings, at least one
dataset        str               dataset of origin, e.g. ``curated``, ``acled``, ``ucdp``
verified       bool              checked against the cited sources
disorder_type  str               ACLED's disorder type, as ACLED writes it; ``""`` if none
event_type     str               ACLED's event type (pre-2019 types translated)
sub_event_type str               ACLED's sub-event type
interaction_code str             ACLED's interaction code (``17``: inter1 1, inter2 7)
interaction    str               ACLED's interaction label (``State forces-Civilians``)
civilian_targeting str           ACLED's flag: ``Civilian targeting`` or ``""``
type_of_violence str             UCDP's type of violence ``1``, ``2``, ``3`` or ``""``
dyad_name      str               UCDP's dyad name
dyad_id        str               UCDP's dyad id (``dyad_new_id``)
fatalities_best Int64            UCDP's best estimate of deaths; <NA> elsewhere
============== ================= =====================================================

The last ten columns (:data:`TYPOLOGY_COLUMNS`) keep the sources' own typology; curated
events have them blank. The category is derived from them (:mod:`geo.model.typology`).

Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date

import pandas as pd

from geo.model import typology
from geo.model.messages import Message

CATEGORIES: tuple[str, ...] = (
    "coup",
    "insurgency",
    "state-violence",
    "protest",
    "riot",
    "strategic",
)


COUP_SUBTYPES: tuple[str, ...] = ("successful", "attempted", "alleged-plot")


# Violence subtypes shared by insurgency and state violence. The curated file uses the
# first eight; the last three exist so that ACLED / UCDP imports can map onto the schema.
VIOLENCE_SUBTYPES: tuple[str, ...] = (
    "attack-on-military",
    "attack-on-civilians",
    "massacre",
    "ambush",
    "capture-of-town",
    "bombing",
    "siege",
    "kidnapping",
    "armed-clash",
    "air-or-drone-strike",
    "other",
)


SUBTYPES: dict[str, tuple[str, ...]] = {
    "coup": COUP_SUBTYPES,
    "insurgency": VIOLENCE_SUBTYPES,
    "state-violence": VIOLENCE_SUBTYPES,
    "protest": typology.PROTEST_SUBTYPES,
    "riot": typology.RIOT_SUBTYPES,
    "strategic": typology.STRATEGIC_SUBTYPES,
}


LAYERS: tuple[str, ...] = (
    "coup-successful",
    "coup-attempted",
    "coup-plot",
    "insurgency",
    "state-violence",
    "protest",
    "riot",
    "strategic",
)


# Layers the map does not show until the user switches them on (ACLED's demonstrations and
# strategic developments: often half of an export, and not political violence).
OFF_BY_DEFAULT_LAYERS: tuple[str, ...] = ("protest", "riot", "strategic")


DEFAULT_LAYERS: tuple[str, ...] = tuple(lay for lay in LAYERS if lay not in OFF_BY_DEFAULT_LAYERS)


COUP_LAYERS: dict[str, str] = {
    "successful": "coup-successful",
    "attempted": "coup-attempted",
    "alleged-plot": "coup-plot",
}


DATE_PRECISIONS: tuple[str, ...] = ("day", "approx", "range", "month")


GEO_PRECISIONS: tuple[int, ...] = (1, 2, 3)


# Columns of the CSV files (see DATA_DICTIONARY.md). admin1_id / admin1_name in a file are
# informative only: the loader always recomputes them from the coordinates.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "dataset",
    "date",
    "date_end",
    "date_precision",
    "category",
    "subtype",
    "country_iso3",
    "admin1_id",
    "admin1_name",
    "admin1_source_name",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities_low",
    "fatalities_high",
    "summary",
    "sources",
    "verified",
    # the sources' own typology (blank for curated events)
    "disorder_type",
    "event_type",
    "sub_event_type",
    "interaction_code",
    "interaction",
    "civilian_targeting",
    "type_of_violence",
    "dyad_name",
    "dyad_id",
    "fatalities_best",
)


TYPOLOGY_COLUMNS: tuple[str, ...] = CSV_COLUMNS[CSV_COLUMNS.index("disorder_type") :]


REQUIRED_COLUMNS: tuple[str, ...] = (
    "id",
    "dataset",
    "date",
    "date_precision",
    "category",
    "subtype",
    "country_iso3",
    "location",
    "summary",
    "sources",
    "verified",
)


MODEL_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "date_end",
    "date_precision",
    "category",
    "subtype",
    "layer",
    "country_iso3",
    "admin1_id",
    "admin1_name",
    "admin1_source_name",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities_low",
    "fatalities_high",
    "summary",
    "sources",
    "dataset",
    "verified",
    *TYPOLOGY_COLUMNS,
)


INT_COLUMNS: tuple[str, ...] = (
    "geo_precision",
    "fatalities_low",
    "fatalities_high",
    "fatalities_best",
)


MIN_DATE = pd.Timestamp("1960-01-01")


@dataclass(frozen=True)
class RowProblem:
    """One problem in one field of an event file.

    ``row`` is the spreadsheet row number: the header is row 1, the first data row is row 2
    (a quoted multi-line field still counts as one row). Problems with the file itself
    (a missing column) use row 1.
    """

    file: str
    row: int
    column: str
    reason: str  # in English (command line, logs, the rejected-rows CSV)
    rejected: bool = True  # False for a problem that leaves the row in (a dropped URL)
    # The same text as a catalogue key and parameters, to be shown in the reader's language
    # (not compared: ``reason`` is its English text)
    message: Message | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls, file: str, row: int, column: str, message: Message, rejected: bool = True
    ) -> RowProblem:
        """A problem whose English ``reason`` is written from ``message``."""
        return cls(file, row, column, message.en, rejected, message)

    def text(self, lang: str) -> str:
        """The reason in ``lang``."""
        return self.message.text(lang) if self.message is not None else self.reason


def rejected_row_count(problems: list[RowProblem]) -> int:
    """How many distinct rows were rejected (a row may have several problems)."""
    return len({p.row for p in problems if p.rejected})


@dataclass(frozen=True)
class EventLoad:
    """Result of :func:`load_events`: the valid events and every problem found."""

    events: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


def layer_of(category: pd.Series, subtype: pd.Series) -> pd.Series:
    """Display layer: ``coup-successful|coup-attempted|coup-plot`` for coups, else category."""
    coup = subtype.map(COUP_LAYERS)
    return coup.where(category == "coup", category).astype("str")


def split_actors(value: object) -> list[str]:
    """Split a ``"; "``-joined actor string; a ``;`` inside parentheses does not split.

    ``"JNIM (per Wikipedia; unclaimed); Niger Armed Forces"`` gives
    ``["JNIM (per Wikipedia; unclaimed)", "Niger Armed Forces"]``. Blank or NA gives ``[]``.
    """
    if not isinstance(value, str):
        return []
    parts, depth, start = [], 0, 0
    for i, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def coverage_end(events: pd.DataFrame) -> Date | None:
    """The last day the curated events cover: the latest ``date_end`` of the ``curated``
    dataset (None when it has no event). Shown on the map so that a reader knows how far
    the data goes, taken from the data rather than written by hand."""
    curated = events.loc[events["dataset"].astype(str) == "curated", "date_end"]
    last = curated.max() if len(curated) else pd.NaT
    return None if pd.isna(last) else last.date()


def fatality_upper(df: pd.DataFrame) -> pd.Series:
    """Upper bound of the fatality range: ``fatalities_high``, else ``fatalities_low``.

    <NA> when both are unknown.
    """
    return df["fatalities_high"].fillna(df["fatalities_low"]).astype("Int64")


def empty_events() -> pd.DataFrame:
    """An event frame with no rows and the model's columns and dtypes."""
    return with_model_dtypes(pd.DataFrame({c: [] for c in MODEL_COLUMNS}))


def with_model_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` reduced to the model's columns, in order, each with the model's dtype."""
    out = df.loc[:, list(MODEL_COLUMNS)].copy()
    for col in ("date", "date_end"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("latitude", "longitude"):
        out[col] = out[col].astype("float64")
    for col in INT_COLUMNS:
        out[col] = out[col].astype("Int64")
    text = [
        c
        for c in MODEL_COLUMNS
        if c
        not in ("date", "date_end", "latitude", "longitude", "sources", "verified", *INT_COLUMNS)
    ]
    for col in text:
        out[col] = out[col].astype("str")
    out["sources"] = out["sources"].astype(object)
    out["verified"] = out["verified"].astype(bool)
    return out.reset_index(drop=True)
