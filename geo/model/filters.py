"""What the user filters on (:class:`EventFilter`), and a filter as URL query parameters.

Conventions: every tuple field of :class:`EventFilter` means "no restriction" when empty,
except ``countries``, where empty means "all AES members". Applying a filter to events is
:mod:`geo.analysis.filters`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date as Date
from typing import Any

from geo.model.countries import ISO3_CODES
from geo.model.events import LAYERS, SUBTYPES

# Every country an event may be in (imports hold events anywhere: a shared link to the
# events in the United States keeps them).
KNOWN_COUNTRIES: frozenset[str] = ISO3_CODES


KNOWN_SUBTYPES: frozenset[str] = frozenset(s for subs in SUBTYPES.values() for s in subs)


MAX_ACTORS = 50


MAX_ACTOR_LENGTH = 300


MAX_MIN_FATALITIES = 1_000_000


@dataclass(frozen=True)
class EventFilter:
    """What the user selected.

    * ``date_from`` / ``date_to``: inclusive bounds (None = open); an event matches when its
      ``[date, date_end]`` overlaps them.
    * ``countries``: ISO3 codes; empty = all AES members (MLI, BFA, NER). Events elsewhere
      only show when their code is listed or, for coups, when ``include_non_aes_coups``.
    * ``layers``: display layers (``geo.model.events.LAYERS``); empty = all.
    * ``subtypes``: event subtypes; empty = all.
    * ``actors``: an event matches when any of its actors (or targets) is listed; empty
      = all. Names are compared as canonical groups (:func:`canonical_actors`): ``JNIM
      (suspected)`` selects every JNIM event.
    * ``min_fatalities``: compared with the upper bound of the fatality range; events with
      unknown fatalities only pass when it is 0.
    * ``include_non_aes_coups``: also show coups, attempts and plots outside the AES.
    * ``disorder_types``, ``event_types``, ``sub_event_types``: ACLED's own typology, as
      ACLED writes it; empty = all. When set, events without it (curated, UCDP) do not
      match.
    * ``violence_types``: UCDP's type of violence (``1`` state-based, ``2`` non-state,
      ``3`` one-sided), ``dyads``: UCDP's dyad names as UCDP writes them; empty = all.
      When set, events without them (curated, ACLED) do not match.
    * ``civilian_targeting``: ``""`` any, ``"yes"`` events ACLED flags as civilian
      targeting, ``"no"`` events with ACLED's typology and without the flag.
    * ``winner``: the dataset whose copy of an event found in two datasets is shown and
      counted (``geo.analysis.duplicates``); the curated dataset by default.
    """

    date_from: Date | None = None
    date_to: Date | None = None
    countries: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    min_fatalities: int = 0
    include_non_aes_coups: bool = False
    disorder_types: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    violence_types: tuple[str, ...] = ()
    dyads: tuple[str, ...] = ()
    civilian_targeting: str = ""
    winner: str = "curated"


CIVILIAN_TARGETING: tuple[str, ...] = ("", "yes", "no")


# Filter field -> the model's column of a source's typology (ACLED, UCDP) it selects on.
TYPOLOGY_FIELDS: dict[str, str] = {
    "disorder_types": "disorder_type",
    "event_types": "event_type",
    "sub_event_types": "sub_event_type",
    "violence_types": "type_of_violence",
    "dyads": "dyad_name",
}
VIOLENCE_TYPES: tuple[str, ...] = ("1", "2", "3")
"""UCDP's types of violence: state-based conflict, non-state conflict, one-sided violence."""


_KEYS = {
    "date_from": "from",
    "date_to": "to",
    "countries": "countries",
    "layers": "layers",
    "subtypes": "subtypes",
    "actors": "actors",
    "min_fatalities": "min_fatalities",
    "include_non_aes_coups": "non_aes_coups",
    "disorder_types": "disorder",
    "event_types": "event_types",
    "sub_event_types": "sub_event_types",
    "violence_types": "violence",
    "dyads": "dyads",
    "civilian_targeting": "civ_targeting",
    "winner": "winner",
}


QUERY_KEYS: tuple[str, ...] = tuple(_KEYS.values())
"""Every URL parameter a filter may write."""


_CODE_SEP = ","


_ACTOR_SEP = "|"  # actor names contain commas and semicolons, never "|"


# Fields holding free text (names as a source writes them), joined by "|".
_TEXT_FIELDS = ("actors", *TYPOLOGY_FIELDS)


MAX_LABEL_LENGTH = 200  # an ACLED type label or a UCDP dyad name is a few words


_TRUE = {"1", "true", "yes", "on"}


_FALSE = {"0", "false", "no", "off"}


def _encode(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, tuple):
        return (_ACTOR_SEP if name in _TEXT_FIELDS else _CODE_SEP).join(value)
    return str(value)


def to_query_params(f: EventFilter, defaults: EventFilter | None = None) -> dict[str, str]:
    """The filter as URL query parameters (all fields, or those differing from ``defaults``).

    Keys: ``from``, ``to`` (YYYY-MM-DD or blank = open), ``countries``, ``layers``,
    ``subtypes`` (comma-separated), ``actors`` (``|``-separated), ``min_fatalities``,
    ``non_aes_coups`` (1/0), ``disorder``, ``event_types``, ``sub_event_types`` (ACLED's
    labels, ``|``-separated), ``violence`` (UCDP's codes 1-3, ``|``-separated), ``dyads``
    (UCDP's dyad names, ``|``-separated), ``civ_targeting`` (``yes``/``no``/blank), ``winner`` (a
    dataset name). An empty list is written as a blank value.
    """
    params = {}
    for fld in fields(EventFilter):
        value = getattr(f, fld.name)
        if defaults is not None and value == getattr(defaults, fld.name):
            continue
        params[_KEYS[fld.name]] = _encode(fld.name, value)
    return params


def _one(value: object) -> str | None:
    """A query value as one string (the last of a list), or None when unusable."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def _date(text: str) -> Date | None:
    try:
        value = Date.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 and len(text.strip()) == 10 else None


def _codes(text: str, allowed: frozenset[str] | tuple[str, ...], upper: bool) -> tuple[str, ...]:
    items = [t.strip().upper() if upper else t.strip().lower() for t in text.split(_CODE_SEP)]
    return tuple(dict.fromkeys(t for t in items if t in allowed))


def _actors(text: str, max_length: int = MAX_ACTOR_LENGTH) -> tuple[str, ...]:
    items = [t.strip() for t in text.split(_ACTOR_SEP)]
    items = [t for t in items if t and len(t) <= max_length]
    return tuple(dict.fromkeys(items))[:MAX_ACTORS]


def _decode(name: str, text: str) -> tuple[bool, Any]:
    """``(ok, value)`` for one parameter; ok is False for a value to ignore (the value's
    type is the one of the filter's field ``name``)."""
    text = text.strip()
    if name in ("date_from", "date_to"):
        day = _date(text) if text else None
        return (day is not None or not text), day
    if name == "min_fatalities":
        ok = text.isascii() and text.isdigit() and int(text) <= MAX_MIN_FATALITIES
        return ok, int(text) if ok else 0
    if name == "include_non_aes_coups":
        low = text.lower()
        return low in _TRUE | _FALSE, low in _TRUE
    if name == "civilian_targeting":
        low = text.lower()
        return low in CIVILIAN_TARGETING, low if low in CIVILIAN_TARGETING else ""
    if name == "winner":  # a dataset name (geo.io.store.DATASET_NAME_RE)
        ok = re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,39}", text) is not None
        return ok, text
    if name == "actors":
        value = _actors(text)
    elif name == "violence_types":
        value = tuple(v for v in _actors(text) if v in VIOLENCE_TYPES)
    elif name in TYPOLOGY_FIELDS:
        value = _actors(text, MAX_LABEL_LENGTH)
    elif name == "countries":
        value = _codes(text, KNOWN_COUNTRIES, upper=True)
    elif name == "layers":
        value = _codes(text, LAYERS, upper=False)
    else:
        value = _codes(text, KNOWN_SUBTYPES, upper=False)
    # A blank value means "empty list"; a non-blank value with nothing valid is ignored.
    return (bool(value) or not text), value


def from_query_params(
    params: Mapping[str, object], defaults: EventFilter | None = None
) -> EventFilter:
    """Rebuild a filter from query parameters (see :func:`to_query_params`).

    Missing keys and invalid values (unparseable dates, unknown codes, negative or
    non-numeric numbers, a ``from`` after ``to``) fall back to ``defaults``; unknown keys
    are ignored; list values (as from ``st.query_params.to_dict()`` or ``parse_qs``) use
    their last item. Never raises for bad input.
    """
    defaults = defaults or EventFilter()
    changes: dict[str, Any] = {}
    for name, key in _KEYS.items():
        text = _one(params.get(key)) if key in params else None
        if text is None:
            continue
        ok, value = _decode(name, text)
        if ok:
            changes[name] = value
    result = replace(defaults, **changes)
    if result.date_from and result.date_to and result.date_from > result.date_to:
        result = replace(result, date_from=defaults.date_from, date_to=defaults.date_to)
    return result
