"""Distances from one centre to each distinct place, kept on disk between server starts.

Why: the Analysis page measures every event's distance to the tripoint on the WGS 84
ellipsoid (:func:`geo.analysis.measures.distance_km`). Projecting 200,000 distinct places takes
about 0.15-0.25 s, a good part of the page's first view after a server start, and the
answer never changes: a place's distance to a given centre is a constant. So the distances
computed once are written to a small file per centre (beside the event store, in
``cache/``), and a later start reads them (about 10 ms for 200,000 places) and computes only
the places it has not seen.

The file is a cache, never a source: one that is missing, unreadable, damaged or written
by another version is ignored (and replaced by the next write); a write that fails is
logged and changes nothing. Nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

FORMAT = 1
MAX_PLACES = 5_000_000
"""A file never grows beyond this many places (about 120 MB): past it, a write keeps only
the places of the events at hand."""

_log = logging.getLogger(__name__)
_write_lock = threading.Lock()


def cache_file(directory: Path, center: shapely.Point) -> Path:
    """The file of the distances to ``center`` (its coordinates to the microdegree)."""
    return directory / "cache" / f"distances-{center.y:.6f}_{center.x:.6f}.npz"


def read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Places (``lon + 1j * lat``) and their distances in metres; empty when the file is
    missing or not a valid cache file."""
    empty = (np.empty(0, dtype=np.complex128), np.empty(0, dtype=np.float64))
    try:
        with np.load(path, allow_pickle=False) as content:
            if int(content["format"]) != FORMAT:
                return empty
            places = np.asarray(content["places"], dtype=np.complex128)
            metres = np.asarray(content["metres"], dtype=np.float64)
    except FileNotFoundError:
        return empty
    except Exception:  # noqa: BLE001 - a damaged cache is no cache
        _log.warning("ignoring the unreadable distance cache %s", path, exc_info=True)
        return empty
    if places.shape != metres.shape or places.ndim != 1:
        return empty
    return places, metres


def write(path: Path, places: np.ndarray, metres: np.ndarray) -> None:
    """Replace the file atomically (temporary file, then rename); failures are logged."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, open(tmp, "wb") as handle:
            np.savez(handle, format=np.int64(FORMAT), places=places, metres=metres)
        os.replace(tmp, path)
    except OSError:
        _log.warning("could not write the distance cache %s", path, exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def known_metres(path: Path, places: np.ndarray) -> np.ndarray:
    """The cached distance of each of ``places`` (distinct), NaN for those not cached."""
    cached_places, cached_metres = read(path)
    out = np.full(len(places), np.nan)
    if len(cached_places):
        at = pd.Index(cached_places).get_indexer(places)
        found = at >= 0
        out[found] = cached_metres[at[found]]
    return out


def remember(path: Path, places: np.ndarray, metres: np.ndarray) -> None:
    """Add ``places`` (distinct) and their distances to the file."""
    cached_places, cached_metres = read(path)
    if len(cached_places) and len(cached_places) + len(places) <= MAX_PLACES:
        new = ~pd.Index(places).isin(cached_places)
        places = np.concatenate([cached_places, places[new]])
        metres = np.concatenate([cached_metres, metres[new]])
    write(path, places[:MAX_PLACES], metres[:MAX_PLACES])


def clear(directory: Path) -> None:
    """Delete the distance files under ``directory`` (the store's): called when a dataset
    is removed, so that no place of its events stays on disk. Failures are logged."""
    for path in (directory / "cache").glob("distances-*.npz"):
        try:
            path.unlink()
        except OSError:
            _log.warning("could not delete the distance cache %s", path, exc_info=True)
