"""English/French interface strings.

Strings live in ``geo/i18n/locales/*.yaml`` (one file per area of the app, so features do not
edit the same file). Each key maps to ``{en: ..., fr: ...}``; placeholders use
``str.format`` syntax.

A string that depends on a number has plural forms instead of one text, keyed by CLDR
plural category (``one``, ``other``; Babel's rules: English "1 event" / "0 events", French
"0 événement" / "1 événement" / "2 événements")::

    ev_shown:
      en: {one: "{count} event shown", other: "{count} events shown"}
      fr: {one: "{count} événement affiché", other: "{count} événements affichés"}

``translate("ev_shown", lang, count=1253)`` picks the form from the number and writes it in
the reader's format ("1,253" / "1 253"). Never build a plural by hand.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from numbers import Number
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
# The i18n layer sits below geo.io, so it reads its catalogue itself (safe loading, libyaml's
# parser when PyYAML has it, as geo.io.yamlfile does).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All strings from every locale file; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        for key, value in entries.items():
            if not isinstance(key, str):  # YAML reads bare yes/no/on/off as booleans
                raise ValueError(f"{path.name}: string key {key!r} is not a string")
            if key in merged:
                raise ValueError(f"{path.name}: string key {key!r} is defined twice")
            merged[key] = value
    return merged


def normalise_language(value: str | None) -> str:
    """A supported language code, falling back to English."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


PLURAL_CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")


def translate(key: str, lang: str, **params: object) -> str:
    """The string ``key`` in ``lang``; a missing key raises so tests catch it.

    For a plural entry (forms per CLDR category), ``count`` must be a number: it chooses the
    form and is written with :func:`format_number`.
    """
    entry = catalog()[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    if isinstance(text, dict):
        count = params.get("count")
        if not isinstance(count, Number) or isinstance(count, bool):
            raise TypeError(
                f"string {key!r} has plural forms: pass count= as a number, not {count!r}"
            )
        text = text.get(plural_category(count, lang)) or text["other"]
        params = {
            **params,
            "count": format_number(count, lang, 0 if float(count).is_integer() else 1),
        }
    return text.format(**params) if params else text


def is_plural(key: str) -> bool:
    """Whether ``key`` has plural forms (and so needs ``count=`` as a number)."""
    return any(isinstance(v, dict) for v in catalog()[key].values())


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(normalise_language(lang))


def plural_category(count: float, lang: str) -> str:
    """CLDR plural category of ``count`` in ``lang`` (``"one"`` for 0 and 1 in French,
    for 1 alone in English)."""
    return _locale(lang).plural_form(abs(count))


def pick(values: dict[str, str], lang: str) -> str:
    """Choose the ``lang`` value of a ``{en: .., fr: ..}`` mapping from data."""
    return values.get(lang) or values.get(DEFAULT_LANGUAGE) or ""


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """``12,345.6`` in English, ``12 345,6`` in French (narrow no-break space)."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_day(value: dt.date, lang: str, style: str = "long") -> str:
    """A calendar day in the reader's language: ``16 September 2023`` / ``16 septembre 2023``
    (``style="medium"``: ``16 Sept 2023`` / ``16 sept. 2023``; ``"iso"``: ``2023-09-16``).
    French writes the first of a month as an ordinal: ``1er janvier 2020``."""
    if style == "iso":
        return value.isoformat()
    # Day, month, year in both languages, as the facts and the sources write them (CLDR's
    # English "long" is the American "September 16, 2023").
    pattern = {"long": "d MMMM y", "medium": "d MMM y"}[style]
    text = _babel_format_date(value, format=pattern, locale=_locale(lang))
    if normalise_language(lang) == "fr" and value.day == 1:  # CLDR writes "1 janvier"
        text = "1er" + text[1:] if text.startswith(("1 ", "1\xa0")) else text
    return text


def format_timestamp(value: dt.datetime, lang: str) -> str:
    """A moment (an import's time, say) in the reader's format, to the minute, in UTC, never
    raw ISO: ``2 Dec 2026, 14:05 UTC`` / ``2 déc. 2026, 14:05 UTC``. Naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _babel_format_datetime(
        value.astimezone(dt.UTC), "d MMM y, HH:mm 'UTC'", tzinfo=dt.UTC, locale=_locale(lang)
    )


def format_month(value: dt.date, lang: str) -> str:
    """A month of a year: ``July 2023`` / ``juillet 2023``."""
    return _babel_format_date(value, format="LLLL y", locale=_locale(lang))


def format_days(days, lang: str, style: str = "medium"):
    """:func:`format_day` over a pandas Series of datetimes, each distinct day formatted
    once (a million events share a few thousand days); missing days give ``""``."""
    import pandas as pd

    codes, distinct = pd.factorize(days.dt.normalize(), use_na_sentinel=True)
    texts = [format_day(d.date(), lang, style) for d in distinct] + [""]
    return pd.Series([texts[c] for c in codes], index=days.index, dtype="str")


def format_event_date(start: dt.date, end: dt.date, precision: str, lang: str) -> str:
    """An event's date no more precise than its source: a month-precision event as its
    month, a range as ``first – last``, a day as the day (medium style)."""
    if precision == "month":
        return format_month(start, lang)
    text = format_day(start, lang, "medium")
    if end != start:
        text += " – " + format_day(end, lang, "medium")
    return text
