"""Importing ACLED exports, UCDP GED files and the app's own CSV into the local store.

Two steps, so that nothing is stored before the user has seen the validation report:

1. :func:`prepare` checks the file (size limit from the file size, before reading; empty,
   binary, wrong encoding or delimiter, missing columns), recognises its format from the
   columns (:func:`detect_format`, overridable), reads it in chunks, maps every row onto
   the event model (:mod:`geo.io.importers.mapping`) and validates it with
   :func:`geo.io.events.validate_events`, the same rules as the curated data. It compares the
   result with the store: new rows, updates (same id, newer ``timestamp`` or changed
   content), unchanged rows, stale rows (older than the stored copy). Returns an
   :class:`ImportPlan`. Numbers-only dates (``25/11/2019``) are read in the day/month
   order that their whole column decides (or the caller's ``date_order``); a column
   that every value leaves ambiguous refuses the file with a message saying how to
   choose (:mod:`geo.io.importers.dates`).
2. :func:`commit` writes the new and updated rows in one transaction, provided the store is
   still in the state the check compared the file with (else nothing is written and the
   refusal says what changed in between: the plan would be stale).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.i18n.catalogue import translate
from geo.io.events import validate_events
from geo.io.importers import dates, reading, workbook
from geo.io.importers.mapping import (
    DATE_COLUMNS,
    MAPPERS,
    REQUIRED,
    DateOrderNeeded,
    MapOptions,
    canonical_columns,
    decimal_points,
)
from geo.io.importers.seen import SeenIds
from geo.io.memory import return_large_blocks_promptly
from geo.io.store import (
    DATASET_NAME_RE,
    RESERVED_DATASETS,
    DatasetInfo,
    Store,
    StoreState,
    attribution,
    open_store,
    row_hash,
)
from geo.model.events import RowProblem
from geo.model.messages import Joined, Message, text_of

FORMATS: tuple[str, ...] = ("acled", "ucdp", "app")
DATE_ORDERS: tuple[str, ...] = dates.DATE_ORDERS
FORMAT_LABELS = {
    "acled": "ACLED export",
    "ucdp": "UCDP GED (CSV)",
    "app": "Sahel Atlas CSV (data dictionary)",
}
# The CSV size limit follows from memory, not from a round number: an import streams the
# file in chunks, but the plan (the accepted events, shown before anything is stored) and
# the read cache written after it grow with the file. Measured with
# scripts/benchmark_import.py (1,000,000-row ACLED CSV, 351 MiB): peak resident memory of
# the whole command-line import 1.33-1.40 GB (2026-12-04; reading and validating, then
# the write), i.e. IMPORT_BASE_BYTES + IMPORT_BYTES_PER_FILE_BYTE x file size with ~3.0
# bytes per file byte, rounded up with a margin for longer texts. A file is refused when
# that estimate exceeds MEMORY_SHARE of the memory available when it is checked (see
# max_file_bytes).
IMPORT_BASE_BYTES = 300 * 1024 * 1024  # Python, pandas, geopandas, boundaries
IMPORT_BYTES_PER_FILE_BYTE = 3.5
MEMORY_SHARE = 0.6  # of the available memory: the dashboard and other programs run too
MIN_FILE_BYTES = 50 * 1024 * 1024  # never refuse less than this (a small machine swaps)
MAX_XLSX_BYTES = 50 * 1024 * 1024  # XLSX must be read whole, hence a lower limit
CHUNK_ROWS = 50_000
HASH_ROWS = 100_000  # rows hashed at a time
SAMPLE_ROWS = 20
HEAD_BYTES = 64 * 1024

Progress = Callable[[float, str], None]


class ImportFileError(ValueError):
    """A file that cannot be imported at all: what is wrong, where, and how to fix it.

    Each part is a :class:`~geo.model.messages.Message` (or plain text such as a file name);
    ``what``, ``where`` and ``fix`` are their English texts (command line, logs), and
    :meth:`texts` writes them in the reader's language."""

    def __init__(
        self, what: Message | str, where: Message | str = "", fix: Message | str | None = ""
    ) -> None:
        self.parts = (what, where, fix or "")
        self.what, self.where, self.fix = self.texts("en")
        super().__init__(self.text("en"))

    def texts(self, lang: str) -> tuple[str, str, str]:
        """(what, where, fix) in ``lang``."""
        what, where, fix = (text_of(part, lang) for part in self.parts)
        return what, where, fix

    def text(self, lang: str) -> str:
        """The whole message in one line, in ``lang`` (what. Where: …. How to fix: …)."""
        what, where, fix = self.texts(lang)
        return " ".join(
            part
            for part in (
                what.rstrip(".") + ".",
                translate("data_error_where", lang, text=where) + "." if where else "",
                translate("data_error_fix", lang, text=fix) if fix else "",
            )
            if part
        )


@dataclass(frozen=True)
class FileInfo:
    """What :func:`inspect_file` learnt from the first bytes of a file."""

    kind: str  # "csv" or "xlsx"
    columns: tuple[str, ...]
    # Lines (CSV: leading "# ..." lines, our exports' attribution) or sheet rows (XLSX)
    # before the header.
    skip_lines: int
    encoding: str  # a Python codec name, "" for XLSX
    delimiter: str = ","
    bom: int = 0  # bytes of byte-order mark
    newline: str = "\n"
    sheet: str = ""  # XLSX: the sheet read (the first whose header has a known format)
    sheets: tuple[str, ...] = ()  # XLSX: every sheet of the workbook, in order

    @property
    def header_line(self) -> int:
        return self.skip_lines + 1

    @property
    def decimal_comma(self) -> bool:
        """Whether numbers may be written with a decimal comma (``14,35``): in a
        semicolon-separated file, what a spreadsheet set to a decimal-comma locale (French)
        writes."""
        return self.kind == "csv" and self.delimiter == ";"


@dataclass(frozen=True)
class Chunk:
    """Rows read from a file: the cells as text (columns trimmed, lower case; missing-value
    spellings such as ``NA`` blank), the physical line (CSV) or sheet row (XLSX) where each
    row starts, and the rows that could not be parsed at all."""

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: list[reading.Malformed]


@dataclass
class ImportPlan:
    """The validated content of a file and what committing it would change."""

    file_name: str
    format: str
    dataset: str
    version: str
    accessed: str
    total_rows: int
    events: pd.DataFrame  # accepted rows in the model + timestamp + row_hash
    problems: list[RowProblem]
    rejected: pd.DataFrame  # raw rejected rows with "row" and "problems" columns
    status: pd.Series = field(default_factory=lambda: pd.Series(dtype=str))  # per event id
    # Rows left out on purpose (not errors), counted per reason, e.g. {"Protests": 12}:
    # ACLED event types other than political violence.
    skipped: dict[str, int] = field(default_factory=dict)
    # Accepted events whose id is already stored under another dataset name, per that
    # name: ids are unique across datasets, so storing them moves them to this dataset
    # (the dataset is part of an event's content: they count as updates).
    elsewhere: dict[str, int] = field(default_factory=dict)
    sheet: str = ""  # XLSX: the sheet that was read
    # The day/month order of numbers-only dates ("dmy", "mdy"; "" when the file has none)
    # and whether the file's columns decided it ("detected") or the user ("chosen").
    date_order: str = ""
    date_order_source: str = ""
    # The store's state (generation, token) this plan was compared with: commit refuses to
    # store it into another one (StoreChangedError). None: not bound to a state.
    checked: StoreState | None = None
    # Numbers read with a decimal comma ("14,35"): a semicolon-separated file.
    decimal_comma: bool = False

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

    @property
    def accepted(self) -> int:
        return len(self.events)

    def count(self, status: str) -> int:
        return int((self.status == status).sum())

    @property
    def to_write(self) -> pd.DataFrame:
        ids = self.events["id"]
        status = self.status
        # (the plan's own status is in the events' order: no lookup of a million ids)
        aligned = len(status) == len(ids) and status.index.equals(pd.Index(ids))
        keep = (status if aligned else status.reindex(ids)).isin(["new", "update"]).to_numpy()
        return self.events if keep.all() else self.events[keep]  # (no copy of all rows)

    def sample(self, n: int = SAMPLE_ROWS) -> pd.DataFrame:
        return self.events.head(n)

    def info(self) -> DatasetInfo:
        return DatasetInfo(
            self.dataset,
            self.format,
            self.version,
            self.accessed,
            self.file_name,
            "",
            self.accepted,
        )

    def attribution(self, lang: str = "en") -> str:
        return attribution(self.format, self.version, self.accessed, self.dataset, lang)


# --- the file itself -------------------------------------------------------------------------


def available_memory() -> int:
    """Bytes of memory available to a new task now (Linux ``MemAvailable``; elsewhere the
    physical memory, else 4 GiB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3


def max_file_bytes(available: int | None = None, upload: bool = False) -> int:
    """The largest CSV this machine can import now: the file size whose estimated peak
    memory (see :data:`IMPORT_BYTES_PER_FILE_BYTE`) fits in :data:`MEMORY_SHARE` of the
    ``available`` memory (default: :func:`available_memory`). ``upload``: the Data page
    also holds the uploaded bytes in memory (Streamlit keeps them) while it imports."""
    budget = MEMORY_SHARE * (available_memory() if available is None else available)
    per_byte = IMPORT_BYTES_PER_FILE_BYTE + (1 if upload else 0)
    return max(MIN_FILE_BYTES, int((budget - IMPORT_BASE_BYTES) / per_byte))


def check_size(path: Path, name: str | None = None, limit: int | None = None) -> int:
    """The file's size; :class:`ImportFileError` naming the file and the limit when it is
    above ``limit`` (default: XLSX :data:`MAX_XLSX_BYTES`, CSV :func:`max_file_bytes`)."""
    name = name or path.name
    size = path.stat().st_size
    if limit is None:
        limit = MAX_XLSX_BYTES if path.suffix.lower() in (".xlsx", ".xlsm") else max_file_bytes()
    if size > limit:
        raise ImportFileError(
            Message.of("err_too_large", size=round(size / 1024**2), limit=round(limit / 1024**2)),
            name,
            Message.of("fix_too_large"),
        )
    if size == 0:
        raise ImportFileError(Message.of("err_empty"), name, Message.of("fix_empty"))
    return size


def _where(file_name: str, line: int = 0, header: bool = False) -> Message | str:
    """Where in a file: its name, and the line (of the header) when known."""
    if not line:
        return file_name
    return Message.of(
        "err_where_header" if header else "err_where_line", file=file_name, line=str(line)
    )


def inspect_file(
    path: Path, encoding: str = "utf-8", name: str | None = None, fmt: str | None = None
) -> FileInfo:
    """Check a file before reading it whole; raise :class:`ImportFileError` if hopeless.

    ``name`` is the file's name as the user knows it (an upload is read from a temporary
    copy): every message names it. ``fmt`` (a format chosen by the user) picks the sheet
    of a workbook when no sheet's header is recognised by :func:`detect_format`.
    """
    path = Path(path)
    name = name or path.name
    try:
        check_size(path, name)
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as err:
        raise _unreadable(name, err) from err
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix not in (".xlsx", ".xlsm"):
            raise ImportFileError(
                Message.of("err_zip_not_csv"), name, Message.of("fix_zip_not_csv")
            )
        return _inspect_xlsx(path, name, fmt)
    if suffix in (".xlsx", ".xlsm"):
        raise ImportFileError(Message.of("err_bad_xlsx"), name, Message.of("fix_bad_xlsx"))
    try:
        enc = reading.detect_encoding(head, encoding)
    except reading.ReadError as err:
        raise ImportFileError(err.what, name, err.fix) from err
    text = head[enc.bom :].decode(enc.codec, errors="replace")
    if len(head) == HEAD_BYTES:
        text = text[:-4]  # a character may be cut at the end of the block
    nuls = text.count("\x00")
    others = sum(c < "\t" or "\r" < c < " " for c in text[:4096]) - text.count("\x00", 0, 4096)
    if others > 10 or nuls > 10 or (nuls and others):
        raise ImportFileError(Message.of("err_binary"), name, Message.of("fix_binary"))
    if nuls:  # clean text but for a stray NUL or two: say where
        line = text.count(enc.newline, 0, text.index("\x00")) + 1
        raise ImportFileError(
            Message.of("err_nul_byte"), _where(name, line), Message.of("fix_nul_byte")
        )
    bad = text.find("\ufffd") if enc.codec.startswith("utf-8") else -1
    if bad >= 0 and "\ufffd".encode() not in head:
        raise ImportFileError(
            Message.of("err_not_utf8"),
            _where(name, text.count(enc.newline, 0, bad) + 1),
            Message.of("fix_not_utf8"),
        )
    lines = text.split(enc.newline)
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    if skip >= len(lines) or not lines[skip].strip():
        raise ImportFileError(
            Message.of("err_no_header"), _where(name, skip + 1), Message.of("fix_no_header")
        )
    if skip == len(lines) - 1 and len(head) == HEAD_BYTES:
        # The header runs on past the first block (thousands of columns): read it whole,
        # never a cut header (every row would then have "too many cells").
        lines[skip] = _header_line(path, enc, skip + 1, name)
    candidates = reading.header_candidates(lines[skip].rstrip("\r"))
    delimiter, header = next(
        ((sep, cells) for sep, cells in candidates if detect_format(cells)), candidates[0]
    )
    if delimiter not in (",", "\t", ";"):
        if detect_format(header) or len(header) > 2:
            raise ImportFileError(
                Message.of(
                    "err_delimiter",
                    delimiter=Message.of(
                        "delim_" + reading.DELIMITERS[delimiter].replace(" ", "_")
                    ),
                ),
                _where(name, skip + 1, header=True),
                Message.of("fix_delimiter"),
            )
        delimiter, header = ",", next(c for s, c in candidates if s == ",")
    columns = tuple(c.strip() for c in header)
    _check_columns(columns, name, skip + 1)
    return FileInfo(
        "csv", columns, skip, enc.codec, delimiter=delimiter, bom=enc.bom, newline=enc.newline
    )


def _header_line(path: Path, enc: reading.TextEncoding, line: int, name: str) -> str:
    """Physical line ``line`` of the file, whole (bounded by :data:`reading.MAX_LINE_CHARS`:
    :class:`ImportFileError` naming the line beyond it)."""
    try:
        for number, text in enumerate(reading.physical_lines(path, enc), start=1):
            if number == line:
                return text.rstrip("\r\n")
    except reading.ReadError as err:
        raise ImportFileError(err.what, _where(name, err.line), err.fix) from err
    except OSError as err:
        raise _unreadable(name, err) from err
    return ""


def _unreadable(name: str, err: OSError) -> ImportFileError:
    return ImportFileError(
        Message.of("err_unreadable", reason=err.strerror or type(err).__name__),
        name,
        Message.of("fix_unreadable"),
    )


def _check_columns(columns: tuple[str, ...], name: str, line: int) -> None:
    """Refuse duplicate column names (compared as the importer reads them: trimmed, in
    lower case); which copy would be used is a guess nobody should have to make."""
    seen: dict[str, list[int]] = {}
    for number, col in enumerate(columns, start=1):
        if col.strip():
            seen.setdefault(col.strip().lower(), []).append(number)
    dups = {col: nums for col, nums in seen.items() if len(nums) > 1}
    if dups:
        raise ImportFileError(
            Message.of(
                "err_duplicate_columns",
                columns=Joined(
                    "; ",
                    tuple(
                        Message.of(
                            "err_duplicate_column",
                            name=repr(col),
                            numbers=", ".join(map(str, nums)),
                        )
                        for col, nums in dups.items()
                    ),
                ),
            ),
            _where(name, line, header=True),
            Message.of("fix_duplicate_columns"),
        )


def _inspect_xlsx(path: Path, name: str, fmt: str | None = None) -> FileInfo:
    try:
        workbook.check_workbook(path)

        def matches(columns: tuple[str, ...]) -> bool:
            if fmt in FORMATS:
                return not missing_columns(fmt, columns)
            return detect_format(columns) is not None

        header = workbook.sheet_header(path, matches)
    except workbook.WorkbookError as err:
        raise ImportFileError(err.what, name, err.fix) from err
    _check_columns(header.columns, name, header.row)
    return FileInfo(
        "xlsx", header.columns, header.row - 1, "", sheet=header.sheet, sheets=header.sheets
    )


def detect_format(columns: tuple[str, ...] | list[str]) -> str | None:
    """``acled``, ``ucdp`` or ``app`` from the column names (any case, other versions'
    names too: ``EVENT_ID_CNTY``, ``best_est``); None when none fits."""
    cols = {c.strip().lower() for c in columns}
    if {"event_id_cnty", "event_date", "event_type"} <= cols:
        return "acled"
    if {"type_of_violence", "where_prec", "date_prec"} <= cols and set(
        canonical_columns("ucdp", list(cols))
    ) >= {"best"}:
        return "ucdp"
    if {"id", "dataset", "category", "subtype", "date_precision"} <= cols:
        return "app"
    return None


def missing_columns(fmt: str, columns: tuple[str, ...]) -> list[str]:
    cols = set(canonical_columns(fmt, columns))
    missing = [c for c in REQUIRED[fmt] if c not in cols]
    if fmt == "acled" and not cols & {"iso3", "iso", "gwno", "country"}:
        missing.append("iso3 | iso | gwno | country")
    if fmt == "ucdp" and not cols & {"country_id", "country"}:
        missing.append("country_id | country")
    return missing


def _frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    """Text columns (one per header cell, in order) -> a text frame; the common spellings
    of a missing value become "" (``NA`` written by R is not an actor's name); unnamed
    columns are left out.

    Column by column in Arrow (trim, look up, replace in C): 2-3x faster than the same
    test in Python over every cell.
    """
    data = {}
    for i, name in enumerate(columns):
        if name:
            text = table.column(i)
            missing = pc.is_in(pc.utf8_trim_whitespace(text), value_set=_MISSING)
            data[name] = pc.if_else(missing, "", text)
    return pa.table(data).to_pandas()


def _rows_table(rows: list[list[str]], width: int) -> pa.Table:
    """Rows of cells (from the strict reader or a sheet) -> Arrow string columns."""
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    return pa.table({f"c{i}": pa.array(cells[i], type=pa.string()) for i in range(width)})


_MISSING = pa.array(sorted(reading.MISSING_VALUES), type=pa.string())


def _chunks(
    path: Path,
    info: FileInfo,
    chunk_rows: int,
    file_name: str,
    block_bytes: int | None = None,
    fmt: str | None = None,
) -> Iterator[Chunk]:
    """The file's rows in chunks of ``chunk_rows`` items (rows and unparseable rows
    together, the last chunk shorter), in file order, whatever way they were read: the
    chunks do not depend on how the reader split the file (:func:`reading.rows`). Columns
    are named in lower case, other versions' names as today's (``fmt``'s aliases)."""
    columns = canonical_columns(fmt, list(info.columns))
    width = len(columns)
    pieces: list[tuple[pa.Table, np.ndarray]] = []  # rows of the chunk being filled
    rows: list[list[str]] = []  # rows one by one (strict reader, sheets), not yet a piece
    lines: list[int] = []
    malformed: list[reading.Malformed] = []
    filled = 0  # rows and malformed rows in the chunk being filled

    def piece() -> None:
        if rows:
            pieces.append((_rows_table(rows, width), np.asarray(lines, dtype=np.int64)))
            rows.clear()
            lines.clear()

    def flush() -> Chunk:
        nonlocal filled
        piece()
        table = pa.concat_tables([t for t, _ in pieces]) if pieces else _rows_table([], width)
        numbers = np.concatenate([n for _, n in pieces]) if pieces else np.array([], dtype=np.int64)
        chunk = Chunk(_frame(table, columns), numbers, list(malformed))
        pieces.clear()
        malformed.clear()
        filled = 0
        return chunk

    if info.kind == "xlsx":
        source: Iterator = workbook.sheet_rows(
            path, workbook.SheetHeader(info.sheet, info.header_line, info.columns)
        )
    else:
        enc = reading.TextEncoding(info.encoding, info.bom, info.newline)
        source = reading.rows(
            path,
            enc,
            info.header_line + 1,
            info.delimiter,
            width,
            block_bytes or reading.FAST_BLOCK_BYTES,
        )
    for item in source:
        if isinstance(item, reading.Block):
            piece()
            table, numbers = item.table, item.lines
            while len(numbers):
                take = min(len(numbers), chunk_rows - filled)
                pieces.append((table.slice(0, take), numbers[:take]))
                table, numbers = table.slice(take), numbers[take:]
                filled += take
                if filled >= chunk_rows:
                    yield flush()
            continue
        if isinstance(item, reading.Malformed):
            malformed.append(item)
        elif isinstance(item, reading.Record):
            rows.append(item.fields)
            lines.append(item.first_line)
        else:
            lines.append(item[0])
            rows.append(item[1])
        filled += 1
        if filled >= chunk_rows:
            yield flush()
    if filled:
        yield flush()


def default_version(fmt: str, file_name: str, today: date) -> str:
    if fmt == "ucdp":
        match = re.search(r"v(\d+)[._-](\d+)", file_name, re.IGNORECASE)
        return f"{match.group(1)}.{match.group(2)}" if match else "unknown"
    return today.isoformat()


# --- prepare and commit ----------------------------------------------------------------------


def prepare(
    path: Path | str,
    fmt: str | None = None,
    dataset: str | None = None,
    version: str | None = None,
    accessed: str | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
    encoding: str = "utf-8",
    file_name: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: date | None = None,
    date_order: str | None = None,
) -> ImportPlan:
    """Read, map and validate a file; compare with the store. Stores nothing.

    ``date_order`` (``dmy`` or ``mdy``) reads numbers-only dates in that order; by
    default the file's date columns decide it. Raises :class:`ImportFileError` for a file
    that cannot be imported at all.
    """
    path = Path(path)
    file_name = file_name or path.name
    today = today or date.today()
    return_large_blocks_promptly()  # (a large file's freed buffers back to the system)
    info = inspect_file(path, encoding, name=file_name, fmt=fmt)
    fmt = fmt or detect_format(info.columns)
    if fmt is None and info.kind == "xlsx":
        raise ImportFileError(
            Message.of("err_no_known_sheet", sheets=", ".join(map(repr, info.sheets))),
            file_name,
            Message.of("fix_no_known_sheet"),
        )
    if fmt is None:
        raise ImportFileError(
            Message.of("err_format_unknown"),
            Message.of(
                "err_where_header_columns",
                file=file_name,
                line=str(info.header_line),
                columns=", ".join(info.columns[:12]) + (" …" if len(info.columns) > 12 else ""),
            ),
            Message.of("fix_format_unknown"),
        )
    if fmt not in FORMATS:
        raise ImportFileError(
            Message.of("err_format_name", value=repr(fmt)), "", Message.of("fix_format_name")
        )
    missing = missing_columns(fmt, info.columns)
    if missing and info.kind == "xlsx":  # (no sheet has them: the first one was read)
        raise ImportFileError(
            Message.of(
                "err_no_sheet_for_format",
                format=Message.of(f"data_format_{fmt}"),
                sheet=repr(info.sheet),
                columns=", ".join(missing),
                sheets=", ".join(map(repr, info.sheets)),
            ),
            file_name,
            Message.of("fix_no_known_sheet"),
        )
    if missing:
        raise ImportFileError(
            Message.of(
                "err_missing_columns",
                format=Message.of(f"data_format_{fmt}"),
                columns=", ".join(missing),
            ),
            _where(file_name, info.header_line, header=True),
            Message.of("fix_missing_columns"),
        )
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ImportFileError(
            Message.of("err_date_order_name", value=repr(date_order)),
            "",
            Message.of("fix_date_order_name"),
        )
    dataset = (dataset or "").strip().lower() or None
    size = path.stat().st_size
    store = store or open_store()
    order_source = "chosen" if date_order else ""
    try:
        while True:
            try:
                read = _read_all(
                    path,
                    info,
                    fmt,
                    dataset,
                    file_name,
                    today,
                    chunk_rows,
                    MapOptions(date_order, decimal_comma=info.decimal_comma),
                    size,
                    progress,
                )
                break
            except DateOrderNeeded:
                # Numbers-only dates: the order their whole columns decide (or a refusal).
                date_order = _column_date_order(path, info, fmt, file_name, chunk_rows)
                order_source = "detected"
    except reading.ReadError as err:
        fix = err.fix or (
            Message.of("fix_not_valid_text") if err.what.key == "err_not_valid_text" else None
        )
        raise ImportFileError(err.what, _where(file_name, err.line), fix) from err
    except workbook.WorkbookError as err:
        raise ImportFileError(err.what, file_name, err.fix) from err
    except OSError as err:
        raise _unreadable(file_name, err) from err
    valid_parts, problems, rejected_parts, skipped, total = read
    if total == 0:
        raise ImportFileError(Message.of("err_no_rows"), file_name, Message.of("fix_no_rows"))

    events = _concat_freeing(valid_parts)  # rows were read: one part per chunk, maybe empty
    if dataset is None:
        dataset = _default_dataset(fmt, events)
    _check_dataset_name(dataset)
    events["dataset"] = dataset
    # (in slices: the hash's text copy of a million rows would take gigabytes)
    events["row_hash"] = (
        np.concatenate(
            [row_hash(events.iloc[i : i + HASH_ROWS]) for i in range(0, len(events), HASH_ROWS)]
        )
        if len(events)
        else np.array([], "int64")
    )
    checked, stored = store.state_and_versions()
    status = _status(events, stored)
    elsewhere = _stored_elsewhere(events, stored, dataset)
    rejected = pd.concat(rejected_parts, ignore_index=True)
    problems.sort(key=lambda p: p.row)
    if progress:
        progress(0.95, "compared with the store")
    return ImportPlan(
        file_name=file_name,
        format=fmt,
        dataset=dataset,
        version=version or default_version(fmt, file_name, today),
        accessed=accessed or today.isoformat(),
        total_rows=total,
        events=events,
        problems=problems,
        rejected=rejected,
        status=status,
        elsewhere=elsewhere,
        skipped=dict(sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))),
        sheet=info.sheet,
        date_order=(date_order or "") if order_source else "",
        date_order_source=order_source,
        checked=checked,
        decimal_comma=info.decimal_comma,
    )


_Read = tuple[list[pd.DataFrame], list[RowProblem], list[pd.DataFrame], Counter, int]


def _read_all(
    path: Path,
    info: FileInfo,
    fmt: str,
    dataset: str | None,
    file_name: str,
    today: date,
    chunk_rows: int,
    options: MapOptions,
    size: int,
    progress: Progress | None,
) -> _Read:
    """Every chunk of the file mapped and validated: (valid parts, problems, rejected
    parts, skipped counts, rows read). Raises :class:`DateOrderNeeded` when numbers-only
    dates turn up while ``options`` has no order."""
    valid_parts: list[pd.DataFrame] = []
    problems: list[RowProblem] = []
    rejected_parts: list[pd.DataFrame] = []
    skipped: Counter[str] = Counter()
    seen = SeenIds()
    total = 0
    expected = _estimated_rows(path, size) if info.kind == "csv" else 1
    for chunk in _chunks(path, info, chunk_rows, file_name, fmt=fmt):
        total += len(chunk.frame) + len(chunk.malformed)
        valid, probs, rejected, skips = _validate_chunk(
            chunk, fmt, dataset, file_name, seen, today, options
        )
        skipped.update(skips)
        valid_parts.append(valid)
        problems.extend(probs)
        rejected_parts.append(rejected)
        if progress:
            progress(0.9 * min(1.0, total / expected), "validating")
    return valid_parts, problems, rejected_parts, skipped, total


def _column_date_order(
    path: Path, info: FileInfo, fmt: str, file_name: str, chunk_rows: int
) -> str:
    """The day/month order of the numbers-only dates of the file's date columns, decided
    over every row of them together (one pass reading those columns). Raises
    :class:`ImportFileError` when every such date fits both orders, or when some fit only
    one order and others only the other."""
    columns = [c for c in DATE_COLUMNS[fmt] if c in canonical_columns(fmt, info.columns)]
    found = dates.OrderEvidence()
    for chunk in _chunks(path, info, chunk_rows, file_name, fmt=fmt):
        for column in columns:
            found = found + dates.evidence(chunk.frame[column])
    order = dates.column_order(found)
    named = ", ".join(columns)
    where = Message.of("err_where_columns", file=file_name, columns=named)
    if dates.is_mixed(found):
        raise ImportFileError(
            Message.of(
                "err_date_order_mixed",
                columns=named,
                count=found.numeric,
                day_first=repr(found.day_first_example),
                month_first=repr(found.month_first_example),
            ),
            where,
            Message.of("fix_date_order"),
        )
    if order is None:
        raise ImportFileError(
            Message.of(
                "err_date_order_ambiguous",
                columns=named,
                count=found.numeric,
                example=repr(found.example),
            ),
            where,
            Message.of("fix_date_order"),
        )
    return order


def _concat_freeing(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(parts)``, column by column, each part's column let go once copied: the
    accepted events of a large file are not held twice over. Empties ``parts``."""
    columns = list(parts[0].columns)
    out = {col: pd.concat([part.pop(col) for part in parts], ignore_index=True) for col in columns}
    parts.clear()
    return pd.DataFrame(out)


def _estimated_rows(path: Path, size: int) -> int:
    """Rows in a CSV estimated from the bytes per line of its first block (for progress)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    lines = max(head.count(b"\n"), 1)
    return max(1, int(size / (len(head) / lines)))


def _default_dataset(fmt: str, events: pd.DataFrame | None) -> str:
    if fmt != "app":
        return fmt
    names = set(events["dataset"].unique()) if events is not None and len(events) else set()
    if len(names) == 1:
        name = names.pop()
        if DATASET_NAME_RE.match(name) and name not in RESERVED_DATASETS:
            return name
    return "custom"


def _check_dataset_name(name: str) -> None:
    if not DATASET_NAME_RE.match(name) or name in RESERVED_DATASETS:
        raise ImportFileError(
            Message.of("err_dataset_name", value=repr(name)), "", Message.of("fix_dataset_name")
        )


def _validate_chunk(
    chunk: Chunk,
    fmt: str,
    dataset: str | None,
    file_name: str,
    seen: SeenIds,
    today: date,
    options: MapOptions | None = None,
) -> tuple[pd.DataFrame, list[RowProblem], pd.DataFrame, Counter[str]]:
    """Map and validate one chunk. Problems and rejected rows carry the line in the file
    where their row starts (``chunk.lines``); rows that could not be parsed are rejected
    with the lines they span."""
    raw = chunk.frame.reset_index(drop=True)
    line_of = chunk.lines
    # Mapping and validation number rows by position (0-based here); turned into lines below.
    options = options or MapOptions()
    # (decimal commas read in a copy: the rejected rows keep the file's own text)
    cells = decimal_points(raw, fmt) if options.decimal_comma else raw
    mapped = MAPPERS[fmt](cells, file_name, 0, options)
    skipped = mapped.skipped.to_numpy(dtype=object)
    skipped_pos = np.flatnonzero(skipped != "")
    frame = mapped.frame
    if dataset is not None:
        frame["dataset"] = dataset
    todo = ~mapped.bad.to_numpy()
    positions = np.flatnonzero(todo)
    sub = frame.iloc[positions]
    valid, probs = validate_events(sub.drop(columns="timestamp"), file_name, today=today)
    by_pos: list[tuple[int, RowProblem]] = [(p.row, p) for p in mapped.problems]
    file_level: list[RowProblem] = []
    for p in probs:
        if p.row < 2:
            file_level.append(p)
        else:
            by_pos.append((int(positions[p.row - 2]), _in_file_lines(p, line_of, positions)))
    # Accepted rows: ids in the result (validate_events rejects in-file duplicates).
    ids = sub["id"].str.strip()
    # (a hash lookup in an Index: much faster than Series.isin on Arrow strings)
    accepted_pos = positions[
        (pd.Index(valid["id"]).get_indexer(ids) >= 0) & ~ids.duplicated().to_numpy()
    ]
    stamps = pd.to_numeric(frame["timestamp"].iloc[accepted_pos], errors="coerce")
    stamp_by_id = pd.Series(
        stamps.fillna(0).astype("int64").to_numpy(),
        index=ids.iloc[np.searchsorted(positions, accepted_pos)].to_numpy(),
    )
    valid["timestamp"] = stamp_by_id.reindex(valid["id"]).fillna(0).astype("int64").to_numpy()
    # Duplicates across chunks.
    first = seen.first_lines(valid["id"])
    dup = first > 0
    accepted_list = accepted_pos.tolist()
    for n in np.flatnonzero(dup).tolist():
        by_pos.append(
            (
                accepted_list[n],
                RowProblem.of(
                    file_name,
                    0,
                    "id",
                    Message.of(
                        "pr_duplicate_id_line",
                        value=repr(valid["id"].iat[n]),
                        first=str(int(first[n])),
                    ),
                ),
            )
        )
    fresh_lines = line_of[accepted_pos[~dup]]
    keep = np.zeros(len(raw), dtype=bool)
    keep[accepted_pos[~dup]] = True
    keep[skipped_pos] = True
    if dup.any():
        valid = valid[~dup].reset_index(drop=True)
    # One tuple object per distinct list of sources (a million rows mostly share a few):
    # saves ~100 bytes a row in the plan.
    shared: dict[tuple, tuple] = {}
    valid["sources"] = pd.Series([shared.setdefault(t, t) for t in valid["sources"]], dtype=object)
    seen.add(valid["id"], fresh_lines)
    rejected_pos = np.flatnonzero(~keep).tolist()
    reasons: dict[int, list[str]] = {}
    problems = list(file_level)
    for pos, p in by_pos:
        problems.append(
            RowProblem(file_name, int(line_of[pos]), p.column, p.reason, p.rejected, p.message)
        )
        reasons.setdefault(pos, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    rejected = raw.iloc[rejected_pos].copy()
    rejected.insert(0, "problems", ["; ".join(reasons.get(i, ["rejected"])) for i in rejected_pos])
    rejected.insert(0, "row", [int(line_of[i]) for i in rejected_pos])
    if chunk.malformed:
        broken = pd.DataFrame(
            {
                "row": [m.first_line for m in chunk.malformed],
                "problems": [m.reason for m in chunk.malformed],
            }
        )
        rejected = pd.concat([rejected, broken], ignore_index=True).fillna("")
        rejected = rejected.sort_values("row", kind="stable", ignore_index=True)
        problems.extend(
            RowProblem.of(file_name, m.first_line, m.column, m.message) for m in chunk.malformed
        )
    return valid, problems, rejected, Counter(skipped[skipped_pos].tolist())


def _in_file_lines(p: RowProblem, line_of: np.ndarray, positions: np.ndarray) -> RowProblem:
    """A problem of :func:`validate_events` (rows numbered within the validated rows) with
    the first copy of a duplicate id named by its line in the file."""
    if p.message is None or p.message.key != "pr_duplicate_id":
        return p
    params = dict(p.message.params)
    first = line_of[positions[int(str(params["first"])) - 2]]
    message = Message.of("pr_duplicate_id_line", value=params["value"], first=str(first))
    return RowProblem.of(p.file, p.row, p.column, message, p.rejected)


def _stored_elsewhere(events: pd.DataFrame, stored: pd.DataFrame, dataset: str) -> dict[str, int]:
    """How many of ``events`` are stored under another dataset name, per name."""
    names = stored["dataset"].reindex(events["id"]).dropna()
    counts = names[names != dataset].value_counts()
    return {str(name): int(n) for name, n in counts.items()}


STATUSES: tuple[str, ...] = ("new", "update", "unchanged", "stale")


def _status(events: pd.DataFrame, stored: pd.DataFrame) -> pd.Series:
    """Per event id: ``new``, ``update``, ``unchanged`` or ``stale`` (older than stored).

    A categorical Series indexed by the ids as the events hold them (Arrow text, not a
    million Python strings), in the events' order."""
    n = len(events)
    codes = np.zeros(n, dtype=np.int8)  # new
    if len(stored) and n:
        where = stored.index.get_indexer(events["id"])
        known = where >= 0
        known[known] = stored["row_hash"].notna().to_numpy()[where[known]]
        at = where[known]
        same = stored["row_hash"].to_numpy()[at] == events["row_hash"].to_numpy()[known]
        ts_old = np.nan_to_num(stored["timestamp"].to_numpy(dtype=float)[at])
        older = events["timestamp"].to_numpy()[known] < ts_old
        codes[known] = np.where(same, 2, np.where(older, 3, 1))
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(STATUSES)),
        index=pd.Index(events["id"], name=None),
    )


def commit(plan: ImportPlan, store: Store | None = None, progress: Progress | None = None) -> int:
    """Write the plan's new and updated events in one transaction; returns rows written.

    Refused with :class:`geo.io.store.StoreChangedError`, nothing written, when the store is no
    longer in the state the plan was checked against (another session imported, updated
    or removed something in between): check the file again."""
    store = store or open_store()
    info = plan.info()
    info = DatasetInfo(
        info.name,
        info.format,
        info.version,
        info.accessed,
        info.file_name,
        datetime.now(UTC).isoformat(timespec="seconds"),
        info.count,
    )
    return store.write(plan.to_write, info, progress, expected=plan.checked)


def problems_frame(problems: list[RowProblem]) -> pd.DataFrame:
    return pd.DataFrame([p.__dict__ for p in problems], columns=["file", "row", "column", "reason"])


def rejected_csv(plan: ImportPlan) -> bytes:
    """The rejected rows (with line number and reasons) as CSV, through the app's one CSV
    writer: formulas neutralised, the source's attribution first (they are its rows)."""
    from geo.io.exports import table_csv

    return table_csv(plan.rejected, [plan.attribution()])
