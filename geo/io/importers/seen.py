"""The event ids accepted from the chunks of a file read so far, and the line of each.

An import reads a file in chunks; an id accepted in an earlier chunk makes a later row with
the same id a duplicate, named by the line of the first. A dictionary of a million Python
strings and line numbers costs about 150 MB; here each chunk keeps its ids as they are in
its accepted rows (pandas text columns, shared, not copied), their 64-bit hashes sorted for
a binary search, and the lines: about 20 bytes an id beyond the ids themselves. A hash
match is confirmed on the ids' text, so two ids with the same hash are never confused.
Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def _hashes(ids: pd.Series) -> np.ndarray:
    return pd.util.hash_array(ids.to_numpy(dtype=object))


@dataclass(frozen=True)
class _Chunk:
    ids: pd.Series  # in the order added
    sorted_hashes: np.ndarray  # uint64, ascending
    order: np.ndarray  # positions in ``ids`` of the sorted hashes
    lines: np.ndarray  # line of each id, in the order added


class SeenIds:
    """Ids seen so far (each added once) with the line where each was first accepted."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []

    def __len__(self) -> int:
        return sum(len(chunk.ids) for chunk in self._chunks)

    def add(self, ids: pd.Series, lines: np.ndarray) -> None:
        """Remember ``ids`` (unique, none seen before) and their ``lines``."""
        if not len(ids):
            return
        hashes = _hashes(ids)
        order = np.argsort(hashes, kind="stable")
        self._chunks.append(
            _Chunk(
                ids.reset_index(drop=True),
                hashes[order],
                order.astype(np.int32),
                np.asarray(lines, dtype=np.int64),
            )
        )

    def first_lines(self, ids: pd.Series) -> np.ndarray:
        """Per id in ``ids``, the line where it was first accepted, 0 when never seen."""
        found = np.zeros(len(ids), dtype=np.int64)
        if not len(ids) or not self._chunks:
            return found
        hashes = _hashes(ids)
        texts: np.ndarray | None = None
        for chunk in self._chunks:
            left = np.searchsorted(chunk.sorted_hashes, hashes, side="left")
            right = np.searchsorted(chunk.sorted_hashes, hashes, side="right")
            candidates = np.flatnonzero((right > left) & (found == 0))
            if not len(candidates):
                continue
            if texts is None:
                texts = ids.to_numpy(dtype=object)
            for n in candidates.tolist():
                for k in range(int(left[n]), int(right[n])):  # (equal hashes: check the text)
                    position = int(chunk.order[k])
                    if chunk.ids.iat[position] == texts[n]:
                        found[n] = chunk.lines[position]
                        break
        return found
