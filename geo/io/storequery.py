"""An event filter as SQL on the store's columns, so the database selects the events.

The shared PostgreSQL/PostGIS store answers the region panel, the events near a clicked
point and the per-unit counts itself (:meth:`geo.io.store.Store.unit_sums`,
:meth:`geo.io.store.Store.matching_events`); the SQLite store runs the same SQL. A
:class:`StoreQuery` holds what the SQL needs of an :class:`geo.model.filters.EventFilter`,
with the same meaning as :func:`geo.analysis.filters.filter_mask`:

- dates as days since 1970 (how the store keeps them): an event matches when
  ``[date, date_end]`` overlaps the filter's days;
- the countries (empty: the three AES states), plus coups elsewhere when asked;
- layers, subtypes, the sources' typology and civilian targeting, column by column;
- the fatalities' upper bound (``fatalities_high``, else ``fatalities_low``; unknown never
  passes a minimum above 0);
- actors: the filter names groups (:mod:`geo.io.actors`), which an ``actors`` text names
  after splitting and alias lookup; that work stays in Python, on the store's distinct
  texts (a few thousand for a million events, :func:`matching_actor_texts`), and the SQL
  keeps the events whose text is among those found;
- ``excluded_ids``: what only the app knows, the stored events it does not show under this
  filter although they match it (the curated file's ids, which win over a stored copy, and
  the copies of an event found in two datasets that
  :func:`geo.analysis.duplicates.shown_once` hides).

Nothing here imports Streamlit or opens the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.model.countries import AES_MEMBERS
from geo.model.filters import TYPOLOGY_FIELDS, EventFilter

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class StoreQuery:
    """The events one filter selects, in the store's terms (see the module's docstring).

    ``layers``, ``actor_texts`` and ``datasets`` are None for no restriction (an empty
    tuple selects nothing: no layer ticked, no text naming one of the actors asked for)."""

    date_from: int | None = None
    date_to: int | None = None
    countries: tuple[str, ...] = AES_MEMBERS
    non_aes_coups: bool = False
    layers: tuple[str, ...] | None = None
    subtypes: tuple[str, ...] = ()
    actor_texts: tuple[str, ...] | None = None
    min_fatalities: int = 0
    typology: tuple[tuple[str, tuple[str, ...]], ...] = ()
    civilian_targeting: str = ""
    datasets: tuple[str, ...] | None = None
    excluded_ids: tuple[str, ...] = ()


def day_number(day: date) -> int:
    """Days since 1970-01-01, as the store keeps dates."""
    return (day - EPOCH).days


def matching_actor_texts(texts: Iterable[str], actors: tuple[str, ...]) -> tuple[str, ...]:
    """The ``actors`` texts among ``texts`` that name one of ``actors`` (compared as
    canonical groups, acting or targeted: the rule of the filters), sorted."""
    from geo.io.actors import aliases
    from geo.io.events import actor_pairs

    table = aliases()
    wanted = {table.canonical(name) for name in actors}
    distinct = pd.Series(pd.unique(pd.Series(list(texts), dtype=object)), dtype=object)
    if not len(distinct):
        return ()
    pairs = actor_pairs(pd.DataFrame({"actors": distinct}))
    hit = np.zeros(len(distinct), dtype=bool)
    hit[pairs.row[np.isin(pairs.name, list(wanted))]] = True
    return tuple(sorted(str(t) for t in distinct[hit]))


def query_for(
    f: EventFilter,
    datasets: tuple[str, ...] | None = None,
    excluded_ids: Iterable[str] = (),
    actor_texts: Iterable[str] | None = None,
    no_layer_selects_none: bool = False,
) -> StoreQuery:
    """The :class:`StoreQuery` of ``f`` over ``datasets`` (None: all). ``actor_texts``:
    the store's distinct ``actors`` texts (:meth:`geo.io.store.Store.actor_texts`), needed
    only when ``f`` filters on actors. ``f.layers`` empty means every layer, as for
    :func:`geo.analysis.filters.filter_mask`, or none with ``no_layer_selects_none`` (the
    pages: no layer ticked shows nothing)."""
    matched: tuple[str, ...] | None = None
    if f.actors:
        if actor_texts is None:
            raise ValueError("an actor filter needs the store's actor texts")
        matched = matching_actor_texts(actor_texts, f.actors)
    return StoreQuery(
        date_from=day_number(f.date_from) if f.date_from is not None else None,
        date_to=day_number(f.date_to) if f.date_to is not None else None,
        countries=tuple(f.countries or AES_MEMBERS),
        non_aes_coups=bool(f.include_non_aes_coups),
        layers=tuple(f.layers) if f.layers or no_layer_selects_none else None,
        subtypes=tuple(f.subtypes),
        actor_texts=matched,
        min_fatalities=int(f.min_fatalities),
        typology=tuple(
            (column, tuple(getattr(f, name)))
            for name, column in TYPOLOGY_FIELDS.items()
            if getattr(f, name)
        ),
        civilian_targeting=f.civilian_targeting if f.civilian_targeting in ("yes", "no") else "",
        datasets=None if datasets is None else tuple(datasets),
        excluded_ids=tuple(sorted(set(excluded_ids))),
    )
