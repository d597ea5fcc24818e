"""The curated events' texts in the reader's language.

``data/events/events.csv`` holds each curated event's place and summary in English (the
app's CSV schema, shared with imports). Their French texts are in
``data/events/events_fr.csv`` (``id, location_fr, summary_fr``), written by
``scripts/build_events.py`` from ``data/events/curation.yaml``. Imported events have no
French text: they keep the English (the panel then says the summary is in English).

Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.io.paths import DATA_DIR

FRENCH_TEXTS_FILE = DATA_DIR / "events" / "events_fr.csv"
FRENCH_COLUMNS: tuple[str, ...] = ("id", "location_fr", "summary_fr")


@dataclass(frozen=True)
class EventText:
    """The place and summary of one event in one language; ``translated`` is False when
    the reader asked for another language than the text's (an English fallback)."""

    location: str
    summary: str
    translated: bool


def read_french_texts(path: Path) -> dict[str, tuple[str, str]]:
    """``id -> (location_fr, summary_fr)`` of one file; a missing file is empty.

    A file without the expected columns raises ``ValueError`` naming the file and them.
    """
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in FRENCH_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return {
        row.id: (row.location_fr, row.summary_fr) for row in table.itertuples(index=False) if row.id
    }


@lru_cache(maxsize=1)
def french_texts() -> dict[str, tuple[str, str]]:
    """The French texts of the curated events, by event id."""
    return read_french_texts(FRENCH_TEXTS_FILE)


def event_text(event: pd.Series | dict, lang: str) -> EventText:
    """Place and summary of ``event`` for a reader of ``lang`` (``en`` or ``fr``).

    French readers get the French text of a curated event; a blank French place (a bare
    place name, the same in both languages) falls back to the English one.
    """
    location, summary = str(event["location"]), str(event["summary"])
    if lang != "fr":
        return EventText(location, summary, translated=True)
    french = (
        french_texts().get(str(event["id"]))
        if str(event.get("dataset", "curated")) == "curated"
        else None
    )
    if not french or not french[1].strip():
        return EventText(location, summary, translated=False)
    return EventText(french[0].strip() or location, french[1], translated=True)


def localized_locations(events: pd.DataFrame, lang: str) -> pd.Series:
    """The ``location`` column in the reader's language (English where no French exists)."""
    if lang != "fr" or events.empty:
        return events["location"].astype(str)
    texts = french_texts()
    curated = (
        events["dataset"].astype(str) == "curated"
        if "dataset" in events
        else pd.Series(True, index=events.index)
    )
    french = events["id"].astype(str).map(lambda key: texts.get(key, ("", ""))[0])
    use = curated & french.str.strip().ne("")
    return events["location"].astype(str).where(~use, french)
