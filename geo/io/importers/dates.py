"""Dates as real exports write them, parsed a column at a time.

ACLED and UCDP files reach the importer as they were downloaded, or after a spreadsheet
opened and saved them again. Accepted forms (leading/trailing white space ignored):

* ISO ``2019-11-25`` (also ``2019/11/25``), with or without a time (``2019-11-25
  00:00:00`` is how a real date cell of an XLSX sheet reaches the importer);
* month names in English: ``25 November 2019``, ``25-Nov-2019``, ``9-May-20``,
  ``November 25, 2019`` (full names, three-letter abbreviations, ``Sept``);
* numbers only: ``25/11/2019``, ``25-11-19``, ``11.25.2019``: day and month in an order
  that the **whole column** decides (see :func:`column_order`), never row by row;
* Excel serial day numbers (``43794`` = 2019-11-25): what a date cell becomes when a
  sheet is saved without its date format.

Two-digit years follow Excel's own pivot (the tool that wrote them): ``00``-``29`` are
2000-2029, ``30``-``99`` are 1930-1999 (:func:`full_year`).

Everything runs on the distinct texts of a column (a million rows hold a few thousand
dates) with vectorised pandas string operations; no Python loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DATE_ORDERS: tuple[str, ...] = ("dmy", "mdy")
PIVOT = 30  # two-digit years below it are 20yy, the others 19yy (Excel's default)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1900-01-01 (Excel's leap-year bug)
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999  # 1927-05-18 .. 2173-10-14: five digits

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_ISO = (
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]00:?00)?)?$"
)
_DAY_NAME = r"^(?P<d>\d{1,2})[ \-/.]+(?P<mon>[A-Za-z]{3,9})\.?[ \-/.,]+(?P<y>\d{4}|\d{2})$"
_NAME_DAY = r"^(?P<mon>[A-Za-z]{3,9})\.? +(?P<d>\d{1,2}),? +(?P<y>\d{4})$"
_NUMERIC = r"^(?P<a>\d{1,2})(?P<s>[/\-.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})$"
_SERIAL = r"^(?P<n>\d{5})(?:\.\d+)?$"


@dataclass(frozen=True)
class OrderEvidence:
    """What the numeric dates (``a/b/y``) of a column say about their order.

    ``numeric``: how many there are; ``day_first`` / ``month_first``: how many can only
    be read one way (a first part above 12 is a day; a second part above 12 is a day),
    with the first such text as an example."""

    numeric: int = 0
    day_first: int = 0
    month_first: int = 0
    day_first_example: str = ""
    month_first_example: str = ""
    example: str = ""

    def __add__(self, other: OrderEvidence) -> OrderEvidence:
        return OrderEvidence(
            self.numeric + other.numeric,
            self.day_first + other.day_first,
            self.month_first + other.month_first,
            self.day_first_example or other.day_first_example,
            self.month_first_example or other.month_first_example,
            self.example or other.example,
        )


def full_year(yy: pd.Series) -> pd.Series:
    """Two-digit years -> four digits by the :data:`PIVOT` rule; four digits unchanged."""
    n = pd.to_numeric(yy, errors="coerce")
    short = yy.str.len() == 2
    return n.where(~short, np.where(n < PIVOT, 2000 + n, 1900 + n))


def _numeric_parts(text: pd.Series) -> pd.DataFrame:
    parts = text.str.extract(_NUMERIC)
    return parts.assign(
        a=pd.to_numeric(parts["a"], errors="coerce"), b=pd.to_numeric(parts["b"], errors="coerce")
    )


def has_numeric(values: pd.Series) -> bool:
    """Whether any text of ``values`` is a numbers-only date whose order matters."""
    text = pd.Series(pd.unique(values.astype(str).str.strip()), dtype=object)
    return bool(text.str.match(_NUMERIC).any())


def evidence(values: pd.Series) -> OrderEvidence:
    """The order evidence of one column (or chunk of it)."""
    codes, uniques = pd.factorize(values.astype(str).str.strip())
    text = pd.Series(uniques, dtype=object)
    parts = _numeric_parts(text)
    numeric = parts["a"].notna()
    if not numeric.any():
        return OrderEvidence()
    day_first = numeric & (parts["a"] > 12) & (parts["a"] <= 31) & (parts["b"] <= 12)
    month_first = numeric & (parts["b"] > 12) & (parts["b"] <= 31) & (parts["a"] <= 12)
    weight = np.bincount(codes[codes >= 0], minlength=len(text))

    def count(mask: pd.Series) -> int:
        return int(weight[mask.to_numpy()].sum())

    def first(mask: pd.Series) -> str:
        return str(text[mask].iloc[0]) if mask.any() else ""

    return OrderEvidence(
        count(numeric),
        count(day_first),
        count(month_first),
        first(day_first),
        first(month_first),
        first(numeric),
    )


def column_order(ev: OrderEvidence) -> str | None:
    """``dmy`` or ``mdy`` when the column decides, else None (ambiguous or mixed: see
    :func:`is_mixed`); a column without numeric dates has no order to decide (``dmy``)."""
    if not ev.numeric:
        return "dmy"
    if ev.day_first and not ev.month_first:
        return "dmy"
    if ev.month_first and not ev.day_first:
        return "mdy"
    return None


def is_mixed(ev: OrderEvidence) -> bool:
    """Both orders are certain for some values: the column mixes them."""
    return bool(ev.day_first and ev.month_first)


def _to_iso(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    """Year, month, day numbers -> ``YYYY-MM-DD``; "" where they are no real date."""
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(y, errors="coerce"),
            "month": pd.to_numeric(m, errors="coerce"),
            "day": pd.to_numeric(d, errors="coerce"),
        }
    )
    ok = frame.notna().all(axis=1)
    ok &= frame["month"].between(1, 12) & frame["day"].between(1, 31)
    ok &= frame["year"].between(1, 9999)
    out = pd.Series("", index=y.index, dtype=object)
    if ok.any():
        stamps = pd.to_datetime(frame[ok].astype("int64"), errors="coerce")
        out[ok] = stamps.dt.strftime("%Y-%m-%d").fillna("")
    return out


def _parse_distinct(text: pd.Series, order: str | None) -> pd.Series:
    """Distinct texts -> ISO text ("" when no form fits). The forms cannot overlap (four
    digits first, a month name, two numbers and a year, five digits alone)."""
    out = pd.Series("", index=text.index, dtype=object)
    # Plain ISO dates (most files): read in C, without a regular expression.
    plain = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if plain.any():
        stamps = pd.to_datetime(text[plain], format="%Y-%m-%d", errors="coerce")
        out[plain] = stamps.dt.strftime("%Y-%m-%d").fillna("").to_numpy()
        text = text[~plain]
        if not len(text):
            return out
    iso = text.str.extract(_ISO).dropna()
    if len(iso):
        out[iso.index] = _to_iso(iso["y"], iso["m"], iso["d"])
        text = text.drop(iso.index)  # (the other forms never match these)
        if not len(text):
            return out
    for pattern in (_DAY_NAME, _NAME_DAY):
        named = text.str.extract(pattern).dropna()
        month = named["mon"].str.lower().map(_MONTHS).dropna()
        if len(month):
            idx = month.index
            out[idx] = _to_iso(full_year(named["y"][idx]), month, named["d"][idx])
    if order in DATE_ORDERS:
        p = _numeric_parts(text).dropna(subset=["a", "b"])
        if len(p):
            day, month = (p["a"], p["b"]) if order == "dmy" else (p["b"], p["a"])
            out[p.index] = _to_iso(full_year(p["y"]), month, day)
    serial = pd.to_numeric(text.str.extract(_SERIAL)["n"], errors="coerce")
    serial = serial[serial.between(SERIAL_MIN, SERIAL_MAX)]
    if len(serial):
        days = pd.to_timedelta(serial.astype("int64"), unit="D")
        out[serial.index] = (EXCEL_EPOCH + days).dt.strftime("%Y-%m-%d").to_numpy()
    return out


def parse_dates(values: pd.Series, order: str | None = None) -> pd.Series:
    """The dates of ``values`` as ISO ``YYYY-MM-DD`` text ("" when not a date of a known
    form, or a numbers-only date while ``order`` is None: decide it first with
    :func:`evidence` / :func:`column_order` over the whole column)."""
    text = values.astype(str).str.strip()
    codes, uniques = pd.factorize(text)
    parsed = _parse_distinct(pd.Series(uniques, dtype=object), order).to_numpy(dtype=object)
    out = pd.Series(
        parsed[codes] if len(codes) else np.array([], dtype=object),
        index=values.index,
        dtype=object,
    )
    if (codes < 0).any():
        out[codes < 0] = ""
    return out


def fits_order(values: pd.Series, order: str) -> pd.Series:
    """False for the numbers-only dates that are no real date in ``order`` (such as
    ``25/11/2019`` read month first); True for every other value."""
    parts = _numeric_parts(values.astype(str).str.strip())
    month = parts["b"] if order == "dmy" else parts["a"]
    return ~(parts["a"].notna() & (month > 12))
