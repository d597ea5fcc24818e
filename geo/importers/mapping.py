"""Mapping ACLED and UCDP GED rows onto the app's CSV schema (``DATA_DICTIONARY.md``).

Each mapper takes a chunk of the source file read as text (every cell a string) and returns
a :class:`Mapped`: a text frame in the app's CSV columns (plus ``timestamp``) that
:func:`geo.events.validate_events` then checks like any curated file, and the problems
found while mapping (an unknown event type, an unparseable date...). The mapping is
documented in ``data/events/IMPORT_MAPPING.md``; keep both in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.events import CSV_COLUMNS, RowProblem
from geo.messages import Message

ACLED_URL = "https://acleddata.com/"
UCDP_URL = "https://ucdp.uu.se/downloads/"
# Fatality counts above this are treated as data errors (no single event in the region
# comes close; the largest UCDP/ACLED events in the Sahel are in the hundreds).
MAX_FATALITIES = 100_000
TEXT_LIMIT = 20_000  # characters kept of a free-text cell (notes, summaries)

# ACLED actor type codes (inter1/inter2) and their text labels in newer exports.
ACLED_INTER: dict[int, str] = {
    0: "", 1: "State forces", 2: "Rebel group", 3: "Political militia",
    4: "Identity militia", 5: "Rioters", 6: "Protesters", 7: "Civilians",
    8: "External/Other forces",
}
_INTER_BY_LABEL = {v.casefold(): k for k, v in ACLED_INTER.items() if v}
_INTER_BY_LABEL.update({"state forces": 1, "rebel groups": 2, "political militias": 3,
                        "identity militias": 4, "external/other forces": 8,
                        "external forces": 8, "other forces": 8})

# ACLED event type -> category rule; sub-event type -> our subtype.
ACLED_SUBTYPES: dict[str, str] = {
    "armed clash": "armed-clash",
    "government regains territory": "armed-clash",
    "non-state actor overtakes territory": "capture-of-town",
    "attack": "attack-on-civilians",
    "abduction/forced disappearance": "kidnapping",
    "sexual violence": "attack-on-civilians",
    "air/drone strike": "air-or-drone-strike",
    "remote explosive/landmine/ied": "bombing",
    "suicide bomb": "bombing",
    "shelling/artillery/missile attack": "bombing",
    "grenade": "bombing",
    "chemical weapon": "bombing",
}
ACLED_VIOLENT_TYPES = ("battles", "violence against civilians", "explosions/remote violence")

# Country codes used by the source files -> ISO 3166-1 alpha-3 (West Africa and the Sahel;
# other countries are reported as unknown and can be added here).
ISO_NUMERIC = {
    "466": "MLI", "854": "BFA", "562": "NER", "12": "DZA", "478": "MRT", "686": "SEN",
    "324": "GIN", "384": "CIV", "288": "GHA", "768": "TGO", "204": "BEN", "566": "NGA",
    "148": "TCD", "434": "LBY", "120": "CMR", "270": "GMB", "624": "GNB", "430": "LBR",
    "694": "SLE", "132": "CPV",
}
GLEDITSCH_WARD = {
    "432": "MLI", "439": "BFA", "436": "NER", "615": "DZA", "435": "MRT", "433": "SEN",
    "438": "GIN", "437": "CIV", "452": "GHA", "461": "TGO", "434": "BEN", "475": "NGA",
    "483": "TCD", "620": "LBY", "471": "CMR", "420": "GMB", "404": "GNB", "450": "LBR",
    "451": "SLE", "402": "CPV",
}
COUNTRY_NAMES = {
    "mali": "MLI", "burkina faso": "BFA", "niger": "NER", "algeria": "DZA",
    "mauritania": "MRT", "senegal": "SEN", "guinea": "GIN", "ivory coast": "CIV",
    "cote d'ivoire": "CIV", "côte d'ivoire": "CIV", "ghana": "GHA", "togo": "TGO",
    "benin": "BEN", "nigeria": "NGA", "chad": "TCD", "libya": "LBY", "cameroon": "CMR",
    "gambia": "GMB", "guinea-bissau": "GNB", "liberia": "LBR", "sierra leone": "SLE",
    "cape verde": "CPV", "cabo verde": "CPV",
}

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1",
                  "location", "latitude", "longitude", "geo_precision", "fatalities")
UCDP_REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude",
                 "longitude", "date_prec", "date_start", "date_end", "best", "low", "high")
APP_REQUIRED = ("id", "dataset", "date", "date_precision", "category", "subtype",
                "country_iso3", "location", "summary", "sources", "verified")

_ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y",
                       "%d/%m/%Y")
_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")


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

    def reject(self, mask: pd.Series, column: str, key: str,
               value: pd.Series | None = None, **params: str | int) -> None:
        """Reject the rows in ``mask`` with the message ``key``; ``value`` (the cells at
        fault) is quoted per row as ``{value}``, only for the rejected rows."""
        mask = mask.fillna(False).astype(bool) & ~self.bad  # one mapping problem per row
        positions = np.flatnonzero(mask.to_numpy())
        if not len(positions):
            return
        for pos in positions:
            quoted = {} if value is None else {"value": _quoted(value.iloc[pos])}
            self.items.append(RowProblem.of(self.file, self.first_row + int(pos), column,
                                            Message.of(key, **quoted, **params)))
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


def _country(raw: pd.DataFrame, numeric_col: str, numeric_map: dict[str, str]) -> pd.Series:
    iso3 = _col(raw, "iso3").str.upper()
    numeric = _on_distinct(_int_text(_col(raw, numeric_col)), lambda v: v.map(numeric_map))
    named = _on_distinct(_col(raw, "country"),
                         lambda v: v.str.casefold().map(COUNTRY_NAMES))
    return iso3.where(iso3.ne(""), numeric.fillna(named)).fillna("")


def _fatalities(values: pd.Series, column: str, problems: _Problems) -> pd.Series:
    text = _int_text(values)
    number = _on_distinct(text, lambda v: pd.to_numeric(v.where(v.str.fullmatch(r"\d{1,12}")),
                                                        errors="coerce"))
    problems.reject(text.ne("") & number.isna(), column, "pr_not_whole_number", values)
    problems.reject(number > MAX_FATALITIES, column, "pr_implausible_count", values,
                    limit=MAX_FATALITIES)
    return text.where(number.notna() & (number <= MAX_FATALITIES), "")


def parse_acled_dates(values: pd.Series) -> pd.Series:
    """ACLED dates as ISO ``YYYY-MM-DD`` text, whichever way the export wrote them.

    ISO (current exports, also with a time from spreadsheets), ``15 March 2020`` and
    ``15-March-2020`` / ``15-Mar-2020`` (older exports), ``15/03/2020``. NaT-like "" when
    unparseable.
    """
    text = values.str.strip().str.replace(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00$", r"\1",
                                          regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _ACLED_DATE_FORMATS:
        todo = out.isna() & text.ne("")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out.dt.strftime("%Y-%m-%d").fillna("")


def _inter_code(values: pd.Series, column: str, problems: _Problems) -> pd.Series:
    text = _int_text(values)

    def codes(v: pd.Series) -> pd.Series:
        numeric = pd.to_numeric(v.where(v.str.fullmatch(r"\d")), errors="coerce")
        labelled = v.str.casefold().map(_INTER_BY_LABEL)
        return numeric.where(numeric.isin(list(ACLED_INTER)), labelled)

    code = _on_distinct(text, codes)
    problems.reject(text.ne("") & code.isna(), column, "pr_unknown_actor_type", values)
    return code.fillna(0).astype(int)


def map_acled(raw: pd.DataFrame, file: str, first_row: int) -> Mapped:
    """ACLED export rows (numeric or text actor codes, any date style) -> app schema."""
    p = _Problems(raw.index, file, first_row)
    event_type = _col(raw, "event_type")
    sub = _col(raw, "sub_event_type")
    etype = _on_distinct(event_type, lambda v: v.str.casefold())
    p.reject(event_type.eq(""), "event_type", "pr_required_value")
    p.skip(event_type.ne("") & ~etype.isin(ACLED_VIOLENT_TYPES), event_type)
    subtype = _on_distinct(sub, lambda v: v.str.casefold().map(ACLED_SUBTYPES).fillna("other"))
    inter1 = _inter_code(_col(raw, "inter1"), "inter1", p)
    _inter_code(_col(raw, "inter2"), "inter2", p)
    # Violence against civilians by state or foreign forces -> state violence; everything
    # else (battles, remote violence, attacks by armed groups) -> insurgency.
    state_actor = inter1.isin([1, 8])
    civilian_target = (etype.eq("violence against civilians")
                       | _on_distinct(_col(raw, "civilian_targeting"),
                                      lambda v: v.str.casefold()).eq("civilian targeting"))
    category = np.where(state_actor & civilian_target, "state-violence", "insurgency")
    subtype = subtype.where(~(pd.Series(category, index=raw.index).eq("state-violence")
                              & subtype.isin(["armed-clash", "capture-of-town"])),
                            "attack-on-civilians")

    date_text = _col(raw, "event_date")
    date = _on_distinct(date_text, parse_acled_dates)
    p.reject(date_text.ne("") & date.eq(""), "event_date", "pr_unparseable_acled_date",
             date_text)
    tp = _int_text(_col(raw, "time_precision")).replace("", "1")
    p.reject(~tp.isin(["1", "2", "3"]), "time_precision", "pr_one_two_three", tp)
    precision = _on_distinct(tp, lambda v: v.map({"1": "day", "2": "approx", "3": "month"})
                             ).fillna("day")
    # Month precision: the model dates such an event on the first of its month.
    date = date.where(precision.ne("month") | date.eq(""), date.str.slice(0, 8) + "01")

    country = _country(raw, "iso", ISO_NUMERIC)
    p.reject(country.eq(""), "country", "pr_unknown_country",
             _col(raw, "country") + " / iso " + _col(raw, "iso"))
    fatalities = _fatalities(_col(raw, "fatalities"), "fatalities", p)
    ident = _col(raw, "event_id_cnty")
    notes = _text(raw, "notes")
    source = _text(raw, "source")
    summary = notes.where(notes.ne(""), event_type + ": " + sub)
    summary = summary.where(source.eq(""), summary + "\nSources: " + source)
    frame = pd.DataFrame({
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
        "actors": _join_actors(_text(raw, "actor1"), _text(raw, "assoc_actor_1"),
                               _text(raw, "actor2"), _text(raw, "assoc_actor_2")),
        "fatalities_low": fatalities,
        "fatalities_high": fatalities,
        "summary": summary,
        "sources": ACLED_URL,
        "verified": "false",
        "timestamp": _int_text(_col(raw, "timestamp")),
    }, index=raw.index)
    return Mapped(frame, p.bad, p.skipped, p.items)


def map_ucdp(raw: pd.DataFrame, file: str, first_row: int) -> Mapped:
    """UCDP GED CSV rows -> app schema."""
    p = _Problems(raw.index, file, first_row)
    tov = _int_text(_col(raw, "type_of_violence"))
    p.reject(~tov.isin(["1", "2", "3"]), "type_of_violence", "pr_one_two_three", tov)
    side_a = _text(raw, "side_a")
    state_side = side_a.str.startswith("Government of")
    category = np.where(tov.eq("3") & state_side, "state-violence", "insurgency")
    subtype = np.where(tov.eq("3"), "attack-on-civilians", "armed-clash")

    dates = {}
    for col in ("date_start", "date_end"):
        text = _col(raw, col).str.slice(0, 10)
        ok = pd.to_datetime(text.where(text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")),
                            format="%Y-%m-%d", errors="coerce")
        p.reject(ok.isna(), col, "pr_unparseable_date", _col(raw, col))
        dates[col] = text.where(ok.notna(), "")
    same = dates["date_start"].eq(dates["date_end"])
    date_prec = _int_text(_col(raw, "date_prec"))
    precision = np.where(same, np.where(date_prec.isin(["", "1"]), "day", "approx"), "range")

    where = _int_text(_col(raw, "where_prec"))
    p.reject(~where.isin([str(i) for i in range(1, 8)]), "where_prec", "pr_one_to_seven",
             where)
    geo_precision = where.map({"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3",
                               "7": "3"}).fillna("")
    country = _country(raw, "country_id", GLEDITSCH_WARD)
    p.reject(country.eq(""), "country", "pr_unknown_country",
             _col(raw, "country") + " / country_id " + _col(raw, "country_id"))
    low = _fatalities(_col(raw, "low"), "low", p)
    high = _fatalities(_col(raw, "high"), "high", p)
    best = _fatalities(_col(raw, "best"), "best", p)
    ident = _int_text(_col(raw, "id"))
    headline = _text(raw, "source_headline")
    where_desc = _text(raw, "where_description")
    dyad = _text(raw, "dyad_name")
    summary = (dyad.where(dyad.ne(""), side_a + " - " + _text(raw, "side_b"))
               + ". " + where_desc + ". Best estimate of deaths: " + best.replace("", "?"))
    summary = summary.where(headline.eq(""), summary + "\nHeadline: " + headline)
    original = _text(raw, "source_original")
    summary = summary.where(original.eq(""), summary + "\nSources: " + original)
    location = where_desc.where(where_desc.ne(""), _text(raw, "adm_2"))
    frame = pd.DataFrame({
        "id": ("ucdp:" + ident).where(ident.ne(""), ""),
        "dataset": "ucdp",
        "date": dates["date_start"],
        "date_end": dates["date_end"].where(~same, ""),
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
        "timestamp": "",
    }, index=raw.index)
    return Mapped(frame, p.bad, p.skipped, p.items)


def map_app(raw: pd.DataFrame, file: str, first_row: int) -> Mapped:
    """The app's own CSV schema: columns pass through; undo our export's formula guard."""
    p = _Problems(raw.index, file, first_row)
    frame = pd.DataFrame(index=raw.index)
    for col in (*CSV_COLUMNS, "timestamp"):
        values = _col(raw, col) if col not in ("location", "actors", "summary") else (
            raw[col].astype(str) if col in raw.columns else _col(raw, col))
        frame[col] = values.str.replace(_FORMULA, "", regex=True).str.slice(0, TEXT_LIMIT)
    stamp = frame["timestamp"]
    p.reject(stamp.ne("") & ~stamp.str.fullmatch(r"\d{1,12}"), "timestamp",
             "pr_not_whole_seconds", stamp)
    return Mapped(frame, p.bad, p.skipped, p.items)


MAPPERS = {"acled": map_acled, "ucdp": map_ucdp, "app": map_app}
REQUIRED = {"acled": ACLED_REQUIRED, "ucdp": UCDP_REQUIRED, "app": APP_REQUIRED}
