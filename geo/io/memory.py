"""How the C heap gives memory back, for imports of large files (glibc on Linux).

An import allocates and frees many blocks of a few hundred kilobytes to a few megabytes
per chunk of the file (pandas and NumPy buffers). glibc serves blocks above its ``mmap``
threshold with their own mapping, returned to the system when freed, but it raises that
threshold (up to 32 MB) each time such a block is freed; from then on these blocks come
from the heap, whose free space in the middle cannot be returned. On a million-row ACLED
CSV that left about 150 MB of freed memory held by the process at the import's peak
(measured with ``scripts/benchmark_import.py``). A fixed threshold keeps large blocks in
their own mappings. Elsewhere (macOS, Windows, musl) nothing is changed.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value, kept fixed

_set = False


def return_large_blocks_promptly() -> bool:
    """Fix glibc's ``mmap`` threshold for this process (once); True when it is set."""
    global _set
    if _set:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _set = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    return _set
