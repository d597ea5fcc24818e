"""Mapping ACLED and UCDP GED rows onto the app's CSV schema (``DATA_DICTIONARY.md``).

Each mapper takes a chunk of the source file read as text (every cell a string) and returns
a :class:`Mapped`: a text frame in the app's CSV columns (plus ``timestamp``) that
:func:`geo.io.events.validate_events` then checks like any curated file, and the problems
found while mapping (an unknown event type, an unparseable date...). The mapping is
documented in ``data/events/IMPORT_MAPPING.md`` and, for the shapes of older and re-saved
exports (pre-2019 ACLED event types, dates, countries, GED versions), in the repository's
``IMPORT_MAPPING.md``; keep them in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.io.importers import dates
from geo.model import countries, typology
from geo.model.events import CSV_COLUMNS, RowProblem
from geo.model.messages import Message, Param

ACLED_URL = "https://acleddata.com/"
UCDP_URL = "https://ucdp.uu.se/downloads/"
# Fatality counts above this are treated as data errors (no single event in the region
# comes close; the largest UCDP/ACLED events in the Sahel are in the hundreds).
MAX_FATALITIES = 100_000
TEXT_LIMIT = 20_000  # characters kept of a free-text cell (notes, summaries)

# ACLED actor type codes (inter1/inter2) and their text labels in newer exports.
ACLED_INTER: dict[int, str] = typology.ACLED_INTER
_INTER_BY_LABEL = {v.casefold(): k for k, v in ACLED_INTER.items() if v}
_INTER_BY_LABEL.update(
    {
        "state forces": 1,
        "rebel groups": 2,
        "political militias": 3,
        "identity militias": 4,
        "external/other forces": 8,
        "external forces": 8,
        "other forces": 8,
    }
)
# ``interaction`` in label form: "State forces-Rebel group", one actor: "Rebel group only".
_INTERACTION_ONLY = re.compile(r"^(?P<a>.+?)\s+only$", re.IGNORECASE)

# ACLED sub-event type -> our subtype (for violence; the others: geo.model.typology).
ACLED_SUBTYPES: dict[str, str] = typology.VIOLENCE_SUB_EVENTS

# ACLED event types before the 2019 change (see IMPORT_MAPPING.md for the sources): the
# legacy type, as :func:`legacy_key` writes it -> (event type, sub-event type) of today.
# "" as sub-event type: the legacy type does not say which one (-> subtype "other").
ACLED_LEGACY_TYPES: dict[str, tuple[str, str]] = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "remote violence": ("Explosions/Remote violence", ""),
    "violence against civilians": ("Violence against civilians", ""),
    "riots/protests": ("Riots/Protests", ""),
    "strategic development": ("Strategic developments", ""),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "non-violent activity by a conflict actor": ("Strategic developments", ""),
}

# The region's countries by the codes the sources use (ISO 3166 numeric, as in ACLED's
# ``iso``; Gleditsch-Ward, as in UCDP's ``country_id``) -> alpha-3: choices offered for
# API updates (geo/ui/acled_update.py). Not a limit on imports: any country is resolved
# with geo.model.countries (iso3_from_numeric, iso3_from_gw, iso3_from_name).
ISO_NUMERIC = {
    "466": "MLI",
    "854": "BFA",
    "562": "NER",
    "12": "DZA",
    "478": "MRT",
    "686": "SEN",
    "324": "GIN",
    "384": "CIV",
    "288": "GHA",
    "768": "TGO",
    "204": "BEN",
    "566": "NGA",
    "148": "TCD",
    "434": "LBY",
    "120": "CMR",
    "270": "GMB",
    "624": "GNB",
    "430": "LBR",
    "694": "SLE",
    "132": "CPV",
}
GLEDITSCH_WARD = {
    str(n): code for n, code in countries.GLEDITSCH_WARD.items() if code in ISO_NUMERIC.values()
}

# (``sub_event_type`` is optional: exports before 2019 have none.)
ACLED_REQUIRED = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "actor1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
)
UCDP_REQUIRED = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "latitude",
    "longitude",
    "date_prec",
    "date_start",
    "date_end",
    "best",
    "low",
    "high",
)
# Other names of the same columns in other versions of an export (compared in lower
# case): pre-2019 ACLED (``ALLY_ACTOR_1``...), UCDP GED before version 5.0
# (``best_est``...). A file that has both names keeps today's.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "acled": {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"},
    "ucdp": {"best_est": "best", "low_est": "low", "high_est": "high"},
    "app": {},
}
DATE_COLUMNS = {"acled": ("event_date",), "ucdp": ("date_start", "date_end"), "app": ()}
APP_REQUIRED = (
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

# The columns holding fractions, where a decimal comma is read as a point: the coordinates
# (every other number column holds whole numbers, which a spreadsheet writes without one).
DECIMAL_COLUMNS: tuple[str, ...] = ("latitude", "longitude")
_DECIMAL_COMMA = r"^(\s*[+-]?\d+),(\d+\s*)$"

_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class MapOptions:
    """Choices that hold for a whole file: the day/month order of its numbers-only dates
    (``dmy``, ``mdy``, or None when the file has none; decided over the whole column
    before mapping, see :mod:`geo.io.importers.dates`)."""

    date_order: str | None = None
    # Numbers with a decimal comma (``14,35``) in the number columns (a semicolon-separated
    # file, as a spreadsheet in a French locale saves it): :func:`decimal_points`.
    decimal_comma: bool = False


class DateOrderNeeded(Exception):  # noqa: N818 - a signal, not an error
    """A chunk holds numbers-only dates (``25/11/2019``) while no order is decided yet:
    the importer decides it over the whole column and maps again."""

    def __init__(self, column: str) -> None:
        self.column = column
        super().__init__(column)


def canonical_columns(fmt: str | None, columns: list[str] | tuple[str, ...]) -> list[str]:
    """Column names (trimmed, lower case) with other versions' names (:data:`COLUMN_ALIASES`)
    replaced by today's, unless today's name is there too."""
    cols = [c.strip().lower() for c in columns]
    aliases = COLUMN_ALIASES.get(fmt or "", {})
    present = set(cols)
    return [aliases[c] if c in aliases and aliases[c] not in present else c for c in cols]


def decimal_points(raw: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """A copy of ``raw`` whose coordinate columns (:data:`DECIMAL_COLUMNS`) have a decimal
    point where the cell has one decimal comma between digits (``14,35`` -> ``14.35``);
    nothing else changes (``1,2,3``, ``4,7`` fatalities and text stay as they are, and are
    rejected as before, quoted as the file writes them)."""
    out = raw.copy()
    for col in DECIMAL_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(str).str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True)
    return out


@dataclass
class Mapped:
    """A chunk in the app's CSV schema, with its positions that mapping already rejected."""

    frame: pd.DataFrame  # CSV_COLUMNS + "timestamp", same index as the input chunk
    bad: pd.Series  # bool, True = rejected or skipped while mapping
    # Per row: what put it out of scope (e.g. the ACLED event type "Protests"), or "".
    # Skipped rows are not errors: they are counted, not listed as problems.
    skipped: pd.Series
    problems: list[RowProblem] = field(default_factory=list)


class _Problems:
    def __init__(self, index: pd.Index, file: str, first_row: int) -> None:
        self.bad = pd.Series(False, index=index)
        self.skipped = pd.Series("", index=index, dtype=object)
        self.items: list[RowProblem] = []
        self.file, self.first_row = file, first_row

    def skip(self, mask: pd.Series, label: pd.Series) -> None:
        """Leave the rows in ``mask`` out on purpose (out of the atlas' scope), each
        counted under its ``label``."""
        mask = mask.fillna(False).astype(bool) & ~self.bad
        self.skipped = self.skipped.where(~mask, label)
        self.bad |= mask

    def reject(
        self,
        mask: pd.Series,
        column: str,
        key: str,
        value: pd.Series | None = None,
        **params: Param,
    ) -> None:
        """Reject the rows in ``mask`` with the message ``key``; ``value`` (the cells at
        fault) is quoted per row as ``{value}``, only for the rejected rows."""
        mask = mask.fillna(False).astype(bool) & ~self.bad  # one mapping problem per row
        positions = np.flatnonzero(mask.to_numpy())
        if not len(positions):
            return
        for pos in positions:
            quoted = {} if value is None else {"value": _quoted(value.iloc[pos])}
            self.items.append(
                RowProblem.of(
                    self.file,
                    self.first_row + int(pos),
                    column,
                    Message.of(key, **quoted, **params),
                )
            )
        self.bad |= mask


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    if name in raw.columns:
        return raw[name].astype(str).str.strip()
    return pd.Series("", index=raw.index, dtype=str)


def _text(raw: pd.DataFrame, name: str) -> pd.Series:
    """A free-text column, kept verbatim but bounded in length."""
    return _col(raw, name).str.slice(0, TEXT_LIMIT)


def _quoted(value: object) -> str:
    """A cell quoted in a message (its first 60 characters)."""
    return repr(str(value)[:60])


def _on_distinct(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn(values)``, computed once per distinct value: a column of a million rows holds a
    few thousand dates, a dozen event types, and lookups in a dict (``Series.map``) or
    ``casefold`` run in Python for each value they get."""
    codes, uniques = pd.factorize(values)
    if len(uniques) * 2 > len(values):
        return fn(values)
    out = fn(pd.Series(uniques, dtype=values.dtype)).iloc[codes]
    out.index = values.index
    return out


def _int_text(values: pd.Series) -> pd.Series:
    """``"12"``, ``"12.0"`` (from spreadsheets) -> ``"12"``; anything else unchanged."""
    return values.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


# ``\s*;\s*`` with Python's white space spelt out: pandas hands ``\s`` to Python's re row
# by row (RE2's ``\s`` is ASCII only), a character class runs in Arrow (5x faster).
_SPACE = "[" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "]"
_SEMICOLON = f"{_SPACE}*;{_SPACE}*"


def _join_actors(*parts: pd.Series) -> pd.Series:
    """Actors joined by ``"; "``; ACLED's associated actors are already ``;``-separated."""
    out = pd.Series("", index=parts[0].index, dtype=str)
    for part in parts:
        cleaned = part.str.replace(_SEMICOLON, "; ", regex=True).str.strip("; ")
        out = out.where(cleaned.eq(""), out.where(out.eq(""), out + "; ") + cleaned)
    return out


def _country(
    raw: pd.DataFrame, numeric_cols: dict[str, Callable[[pd.Series], pd.Series]]
) -> pd.Series:
    """Alpha-3 codes from ``iso3``, else the numeric columns (in order), else ``country``."""
    if "iso3" in raw.columns:
        iso3 = _col(raw, "iso3").str.upper()
        out = iso3.where(countries.is_country_code(iso3), "")
    else:
        out = pd.Series("", index=raw.index, dtype=object)
    for name, codes in (*numeric_cols.items(), ("country", countries.name_codes)):
        todo = out.eq("")
        if name in raw.columns and todo.any():
            found = codes(_col(raw, name)[todo])
            out = found.reindex(raw.index).where(todo, out) if not todo.all() else found
    return out.fillna("")


def _fatalities(values: pd.Series, column: str, problems: _Problems) -> pd.Series:
    text = _int_text(values)
    number = _on_distinct(
        text, lambda v: pd.to_numeric(v.where(v.str.fullmatch(r"\d{1,12}")), errors="coerce")
    )
    problems.reject(text.ne("") & number.isna(), column, "pr_not_whole_number", values)
    problems.reject(
        number > MAX_FATALITIES, column, "pr_implausible_count", values, limit=MAX_FATALITIES
    )
    return text.where(number.notna() & (number <= MAX_FATALITIES), "")


def parse_acled_dates(values: pd.Series, order: str | None = "dmy") -> pd.Series:
    """ACLED dates as ISO ``YYYY-MM-DD`` text, whichever way the export wrote them ("" when
    unparseable); see :mod:`geo.io.importers.dates` for the forms and ``order``."""
    return dates.parse_dates(values, order)


def _dates(
    raw: pd.DataFrame,
    column: str,
    options: MapOptions,
    problems: _Problems,
    unparseable: str = "pr_unparseable_any_date",
) -> pd.Series:
    """A date column as ISO text; unparseable cells rejected (the row). Worked out once
    per distinct text."""
    text = _col(raw, column)
    codes, uniques = pd.factorize(text)
    distinct = pd.Series(uniques, dtype=object)
    if options.date_order is None and dates.has_numeric(distinct):
        raise DateOrderNeeded(column)

    def per_row(values: pd.Series) -> pd.Series:
        return pd.Series(values.to_numpy(dtype=object)[codes], index=text.index)

    parsed = per_row(dates.parse_dates(distinct, options.date_order))
    if options.date_order is not None:
        fits = dates.fits_order(distinct, options.date_order).to_numpy(dtype=bool)[codes]
        misfit = text.ne("") & ~pd.Series(fits, index=text.index)
        problems.reject(
            misfit,
            column,
            "pr_date_order_misfit",
            text,
            order=Message.of(f"date_order_{options.date_order}"),
        )
    problems.reject(text.ne("") & parsed.eq(""), column, unparseable, text)
    return parsed


def _interaction_codes(values: pd.Series) -> pd.DataFrame:
    """``interaction`` (``12``, ``State forces-Rebel group``, ``Rebel group only``) ->
    the two actor type codes (0 for none, NaN when not recognised)."""

    def parse(v: pd.Series) -> pd.DataFrame:
        text = _int_text(v)
        numeric = text.str.extract(r"^(?P<a>[1-8])(?P<b>[0-8])$")
        out = pd.DataFrame(
            {
                "a": pd.to_numeric(numeric["a"], errors="coerce"),
                "b": pd.to_numeric(numeric["b"], errors="coerce"),
            },
            index=v.index,
        )
        only = text.str.extract(_INTERACTION_ONLY)["a"].str.casefold().map(_INTER_BY_LABEL)
        out["a"] = out["a"].fillna(only)
        out.loc[only.notna() & out["b"].isna(), "b"] = 0
        pair = text.str.extract(r"^(?P<a>[^-]+(?:/[^-]+)?)-(?P<b>.+)$")
        for part in ("a", "b"):
            label = pair[part].str.strip().str.casefold().map(_INTER_BY_LABEL)
            out[part] = out[part].fillna(label)
        return out

    codes, uniques = pd.factorize(values)
    table = parse(pd.Series(uniques, dtype=object))
    picked = table.reindex(codes).set_axis(values.index)
    picked[codes < 0] = np.nan
    return picked


def _inter_code(
    values: pd.Series, column: str, problems: _Problems, fallback: pd.Series | None = None
) -> pd.Series:
    """ACLED actor type codes 0-8 from numbers or labels; blank cells take ``fallback``
    (the code read from ``interaction``) when given."""
    text = _int_text(values)

    def codes(v: pd.Series) -> pd.Series:
        numeric = pd.to_numeric(v.where(v.str.fullmatch(r"\d")), errors="coerce")
        labelled = v.str.casefold().map(_INTER_BY_LABEL)
        return numeric.where(numeric.isin(list(ACLED_INTER)), labelled)

    code = _on_distinct(text, codes)
    problems.reject(text.ne("") & code.isna(), column, "pr_unknown_actor_type", values)
    if fallback is not None:
        code = code.where(text.ne(""), fallback)
    return code.fillna(0).astype(int)


def legacy_key(values: pd.Series) -> pd.Series:
    """An event type as compared with :data:`ACLED_LEGACY_TYPES`: case folded, white
    space around ``-`` and ``/`` dropped, ``Battles-`` as ``Battle-``, ``non state`` /
    ``nonstate`` and ``non violent`` with their hyphen."""
    key = values.str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()
    key = key.str.replace(r"\s*([-/])\s*", r"\1", regex=True)
    key = key.str.replace(r"^battles-", "battle-", regex=True)
    return key.str.replace(r"\bnon ?(state|violent)\b", r"non-\1", regex=True)


def acled_types(event_type: pd.Series, sub_event_type: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(event type, sub-event type) of today for every row: legacy event types (before
    2019, :data:`ACLED_LEGACY_TYPES`) translated; today's types unchanged. A legacy row's
    own sub-event type, if any, is kept."""
    distinct = pd.Series(pd.unique(event_type), dtype=object)
    found = legacy_key(distinct).map(ACLED_LEGACY_TYPES).dropna()
    if all(v == (t, "") for t, v in zip(distinct[found.index], found, strict=True)):
        return event_type, sub_event_type  # nothing to translate (the usual case)
    key = _on_distinct(event_type, legacy_key)
    legacy = key.map({k: v[0] for k, v in ACLED_LEGACY_TYPES.items()})
    legacy_sub = key.map({k: v[1] for k, v in ACLED_LEGACY_TYPES.items()})
    etype = legacy.where(legacy.notna(), event_type).astype(str)
    sub = (
        sub_event_type.where(sub_event_type.ne("") | legacy_sub.isna(), legacy_sub)
        .fillna("")
        .astype(str)
    )
    return etype, sub


def map_acled(
    raw: pd.DataFrame, file: str, first_row: int, options: MapOptions | None = None
) -> Mapped:
    """ACLED export rows, today's or from before 2019 (legacy event types, no sub-event
    type, ``ally_actor_*``, ``gwno``), numeric or text actor codes, any date style ->
    app schema."""
    options = options or MapOptions()
    p = _Problems(raw.index, file, first_row)
    raw_type = _col(raw, "event_type")
    event_type, sub = acled_types(raw_type, _col(raw, "sub_event_type"))
    p.reject(raw_type.eq(""), "event_type", "pr_required_value")
    pair = _interaction_codes(_col(raw, "interaction"))
    inter1 = _inter_code(_col(raw, "inter1"), "inter1", p, pair["a"])
    inter2 = _inter_code(_col(raw, "inter2"), "inter2", p, pair["b"])
    civilian = _col(raw, "civilian_targeting")
    # The app's category and subtype from ACLED's typology: the rule of geo.model.typology
    # (data/ANALYSIS_RULES.md); an event type outside ACLED's typology is skipped.
    derived = typology.acled_categories(event_type, sub, inter1, inter2, civilian)
    p.skip(raw_type.ne("") & derived["category"].isna(), raw_type)
    category = derived["category"].fillna("insurgency").astype(str)
    subtype = derived["subtype"].fillna("other").astype(str)
    interaction = typology.interactions(inter1, inter2)
    # ACLED's own label when the file has one (newer exports), else from the codes.
    raw_interaction = _text(raw, "interaction")
    is_label = _on_distinct(raw_interaction, lambda v: v.ne("") & ~v.str.fullmatch(r"\d+(\.0+)?"))
    label = raw_interaction.where(is_label.astype(bool), interaction["interaction"])

    date = _dates(raw, "event_date", options, p, "pr_unparseable_acled_date")
    tp = _int_text(_col(raw, "time_precision")).replace("", "1")
    p.reject(~tp.isin(["1", "2", "3"]), "time_precision", "pr_one_two_three", tp)
    precision = _on_distinct(tp, lambda v: v.map({"1": "day", "2": "approx", "3": "month"})).fillna(
        "day"
    )
    # Month precision: the model dates such an event on the first of its month.
    date = date.where(precision.ne("month") | date.eq(""), date.str.slice(0, 8) + "01")

    country = _country(raw, {"iso": countries.numeric_codes, "gwno": countries.gw_codes})
    p.reject(
        country.eq(""),
        "country",
        "pr_unknown_country",
        _col(raw, "country") + " / iso " + _col(raw, "iso"),
    )
    fatalities = _fatalities(_col(raw, "fatalities"), "fatalities", p)
    ident = _col(raw, "event_id_cnty")
    notes = _text(raw, "notes")
    source = _text(raw, "source")
    summary = notes.where(notes.ne(""), (event_type + ": " + sub).str.rstrip(": "))
    summary = summary.where(source.eq(""), summary + "\nSources: " + source)
    frame = pd.DataFrame(
        {
            "id": ("acled:" + ident).where(ident.ne(""), ""),
            "dataset": "acled",
            "date": date,
            "date_end": "",
            "date_precision": precision,
            "category": category,
            "subtype": subtype,
            "country_iso3": country,
            "admin1_id": "",
            "admin1_name": "",
            "admin1_source_name": _text(raw, "admin1"),
            "location": _text(raw, "location"),
            "latitude": _col(raw, "latitude"),
            "longitude": _col(raw, "longitude"),
            "geo_precision": _int_text(_col(raw, "geo_precision")),
            "actors": _join_actors(
                _text(raw, "actor1"),
                _text(raw, "assoc_actor_1"),
                _text(raw, "actor2"),
                _text(raw, "assoc_actor_2"),
            ),
            "fatalities_low": fatalities,
            "fatalities_high": fatalities,
            "summary": summary,
            "sources": ACLED_URL,
            "verified": "false",
            "disorder_type": _text(raw, "disorder_type"),
            "event_type": event_type,
            "sub_event_type": sub,
            "interaction_code": interaction["interaction_code"],
            "interaction": label,
            "civilian_targeting": civilian.str.slice(0, TEXT_LIMIT),
            "type_of_violence": "",
            "dyad_name": "",
            "dyad_id": "",
            "fatalities_best": "",
            "timestamp": _int_text(_col(raw, "timestamp")),
        },
        index=raw.index,
    )
    return Mapped(frame, p.bad, p.skipped, p.items)


def map_ucdp(
    raw: pd.DataFrame, file: str, first_row: int, options: MapOptions | None = None
) -> Mapped:
    """UCDP GED CSV rows (any version since 1.0, and UCDP Candidate events) -> app schema."""
    options = options or MapOptions()
    p = _Problems(raw.index, file, first_row)
    tov = _int_text(_col(raw, "type_of_violence"))
    p.reject(~tov.isin(["1", "2", "3"]), "type_of_violence", "pr_one_two_three", tov)
    side_a = _text(raw, "side_a")
    # geo.model.typology.ucdp_category, on the columns
    state_side = side_a.str.startswith("Government of")
    category = np.where(tov.eq("3") & state_side, "state-violence", "insurgency")
    subtype = np.where(tov.eq("3"), "attack-on-civilians", "armed-clash")

    span = {}
    for col in ("date_start", "date_end"):
        p.reject(_col(raw, col).eq(""), col, "pr_required_value")
        span[col] = _dates(raw, col, options, p)
    same = span["date_start"].eq(span["date_end"])
    date_prec = _int_text(_col(raw, "date_prec"))
    precision = np.where(same, np.where(date_prec.isin(["", "1"]), "day", "approx"), "range")

    where = _int_text(_col(raw, "where_prec"))
    p.reject(~where.isin([str(i) for i in range(1, 8)]), "where_prec", "pr_one_to_seven", where)
    geo_precision = where.map(
        {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3", "7": "3"}
    ).fillna("")
    country = _country(raw, {"country_id": countries.gw_codes, "gwno": countries.gw_codes})
    p.reject(
        country.eq(""),
        "country",
        "pr_unknown_country",
        _col(raw, "country") + " / country_id " + _col(raw, "country_id"),
    )
    low = _fatalities(_col(raw, "low"), "low", p)
    high = _fatalities(_col(raw, "high"), "high", p)
    best = _fatalities(_col(raw, "best"), "best", p)
    ident = _int_text(_col(raw, "id"))
    headline = _text(raw, "source_headline")
    where_desc = _text(raw, "where_description")
    # (older GED versions name the place in where_coordinates only)
    where_desc = where_desc.where(where_desc.ne(""), _text(raw, "where_coordinates"))
    dyad = _text(raw, "dyad_name")
    summary = (
        dyad.where(dyad.ne(""), side_a + " - " + _text(raw, "side_b"))
        + ". "
        + where_desc
        + ". Best estimate of deaths: "
        + best.replace("", "?")
    )
    summary = summary.where(headline.eq(""), summary + "\nHeadline: " + headline)
    original = _text(raw, "source_original")
    summary = summary.where(original.eq(""), summary + "\nSources: " + original)
    # UCDP Candidate events: the vetting status of the event, kept for the reader.
    status = _text(raw, "code_status")
    summary = summary.where(
        status.eq("") | status.str.casefold().eq("clear"), summary + "\nUCDP code status: " + status
    )
    location = where_desc.where(where_desc.ne(""), _text(raw, "adm_2"))
    frame = pd.DataFrame(
        {
            "id": ("ucdp:" + ident).where(ident.ne(""), ""),
            "dataset": "ucdp",
            "date": span["date_start"],
            "date_end": span["date_end"].where(~same, ""),
            "date_precision": precision,
            "category": category,
            "subtype": subtype,
            "country_iso3": country,
            "admin1_id": "",
            "admin1_name": "",
            "admin1_source_name": _text(raw, "adm_1"),
            "location": location.where(location.ne(""), _text(raw, "country")),
            "latitude": _col(raw, "latitude"),
            "longitude": _col(raw, "longitude"),
            "geo_precision": geo_precision,
            "actors": _join_actors(side_a, _text(raw, "side_b")),
            "fatalities_low": low,
            "fatalities_high": high,
            "summary": summary,
            "sources": UCDP_URL,
            "verified": "false",
            "disorder_type": "",
            "event_type": "",
            "sub_event_type": "",
            "interaction_code": "",
            "interaction": "",
            "civilian_targeting": "",
            "type_of_violence": tov.where(tov.isin(["1", "2", "3"]), ""),
            "dyad_name": dyad,
            "dyad_id": _int_text(_col(raw, "dyad_new_id")),
            "fatalities_best": best,
            "timestamp": "",
        },
        index=raw.index,
    )
    return Mapped(frame, p.bad, p.skipped, p.items)


def map_app(
    raw: pd.DataFrame, file: str, first_row: int, options: MapOptions | None = None
) -> Mapped:
    """The app's own CSV schema: columns pass through; undo our export's formula guard."""
    p = _Problems(raw.index, file, first_row)
    frame = pd.DataFrame(index=raw.index)
    for col in (*CSV_COLUMNS, "timestamp"):
        values = (
            _col(raw, col)
            if col not in ("location", "actors", "summary")
            else (raw[col].astype(str) if col in raw.columns else _col(raw, col))
        )
        frame[col] = values.str.replace(_FORMULA, "", regex=True).str.slice(0, TEXT_LIMIT)
    stamp = frame["timestamp"]
    p.reject(
        stamp.ne("") & ~stamp.str.fullmatch(r"\d{1,12}"), "timestamp", "pr_not_whole_seconds", stamp
    )
    return Mapped(frame, p.bad, p.skipped, p.items)


MAPPERS = {"acled": map_acled, "ucdp": map_ucdp, "app": map_app}
REQUIRED = {"acled": ACLED_REQUIRED, "ucdp": UCDP_REQUIRED, "app": APP_REQUIRED}
