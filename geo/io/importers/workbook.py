"""XLSX workbooks: bounded before they are read, then read row by row with sheet row numbers.

An XLSX file is a ZIP of XML parts. Before openpyxl sees it, :func:`check_workbook` checks
from the ZIP directory and the first bytes of every XML part only (cheap, whatever the file
holds):

* the total uncompressed size and the compression ratio of each large part (a "zip bomb"
  of a few hundred kB can expand to gigabytes; Python's zipfile never inflates a member
  beyond the size its directory declares, so the declared sizes are a real bound);
* no DTD in any XML part (``<!DOCTYPE``/``<!ENTITY``: entity expansion, "billion laughs");
  XLSX parts never have one, and a DTD can only stand in the prolog, before the root
  element, so the first :data:`PROLOG_BYTES` of each part settle it;
* each worksheet's ``<dimension>`` (rows, columns, cells), the reading then counts the rows
  it really meets against the same bounds (the dimension may be missing or wrong).

Then :func:`sheet_header` picks the sheet whose header row matches a known format (an export
may open with a licence or notes sheet) and :func:`sheet_rows` streams its rows with openpyxl
in read-only mode. Any failure of openpyxl (a truncated or malformed part) is a
:class:`WorkbookError` with a plain message.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TypeVar

from geo.io.importers.reading import Malformed
from geo.model.messages import Message

MAX_UNCOMPRESSED = 1024**3  # all parts together
MAX_RATIO = 200  # uncompressed / compressed, for a part above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 1_000  # ACLED exports have ~31, UCDP GED ~49
MAX_CELLS = 20_000_000  # rows x columns of one sheet
PROLOG_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 20  # a header row is looked for in the first rows of a sheet
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_ROOT = re.compile(r"<[A-Za-z_]")
_DTD = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell's formula: <f>, <x:f ...>
_SCAN_BYTES = 1024 * 1024


class WorkbookError(ValueError):
    """A workbook refused or unreadable: what is wrong and how to fix it (messages shown in
    the reader's language; the exception's text is the English ``what``)."""

    def __init__(self, what: Message, fix: Message | None = None) -> None:
        self.what, self.fix = what, fix or Message.of("fix_workbook_resave")
        super().__init__(what.en)


@dataclass(frozen=True)
class SheetHeader:
    """The sheet chosen for import and its header row (1-based sheet row number)."""

    sheet: str
    row: int
    columns: tuple[str, ...]
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in order


def _column_number(letters: str | bytes) -> int:
    n = 0
    for ch in letters.decode("ascii") if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _prolog_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[:1] == b"<" else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def check_bounds(rows: int, columns: int, sheet: str) -> None:
    """:class:`WorkbookError` when a sheet of ``rows`` x ``columns`` is beyond the limits."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise WorkbookError(
            Message.of(
                "err_sheet_too_large",
                sheet=sheet,
                rows=rows,
                columns=columns,
                max_rows=MAX_ROWS,
                max_columns=MAX_COLUMNS,
                max_cells=MAX_CELLS,
            ),
            Message.of("fix_sheet_too_large"),
        )


def check_workbook(path: Path) -> None:
    """Refuse a workbook that is not a sound, bounded XLSX, without inflating it."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED:
                raise WorkbookError(
                    Message.of(
                        "err_workbook_expands",
                        size=round(total / 1024**2),
                        limit=round(MAX_UNCOMPRESSED / 1024**2),
                    ),
                    Message.of("fix_workbook_expands"),
                )
            for m in members:
                if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                    raise WorkbookError(
                        Message.of(
                            "err_part_ratio",
                            part=m.filename,
                            ratio=round(m.file_size / max(m.compress_size, 1)),
                            limit=MAX_RATIO,
                        ),
                        Message.of("fix_export_again_from_source"),
                    )
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise WorkbookError(Message.of("err_zip_not_workbook"))
            for m in members:
                if m.filename.lower().endswith(_XML_SUFFIXES):
                    _check_part(zf, m)
    except zipfile.BadZipFile as err:
        raise WorkbookError(Message.of("err_bad_zip", detail=str(err))) from err
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:
        raise WorkbookError(
            Message.of("err_damaged_or_encrypted", detail=f"{type(err).__name__}: {err}")
        ) from err


def _check_part(zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    try:
        with zf.open(member) as fh:
            head = fh.read(PROLOG_BYTES)
    except zipfile.BadZipFile as err:
        raise WorkbookError(
            Message.of("err_part_damaged", part=member.filename, detail=str(err))
        ) from err
    text = _prolog_text(head)
    root = _ROOT.search(text)
    prolog = text[: root.start()] if root else text
    if _DTD.search(prolog):
        raise WorkbookError(
            Message.of("err_part_dtd", part=member.filename),
            Message.of("fix_export_again_from_source"),
        )
    if root is None and member.file_size > len(head):
        raise WorkbookError(Message.of("err_part_not_xml", part=member.filename))
    if member.filename.startswith("xl/worksheets/"):
        match = _DIMENSION.search(head)
        if match and match.group(4):
            rows = int(match.group(4)) - int(match.group(2) or 1) + 1
            cols = _column_number(match.group(3)) - _column_number(match.group(1) or "A") + 1
            check_bounds(rows, cols, member.filename)


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (whole numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _open(path: Path, data_only: bool = True):
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


_T = TypeVar("_T")


def _guard(action: Callable[[], _T]) -> _T:
    try:
        return action()
    except WorkbookError:
        raise
    except Exception as err:
        raise WorkbookError(
            Message.of("err_workbook_unreadable", detail=f"{type(err).__name__}: {str(err)[:200]}")
        ) from err


def sheet_header(path: Path, matches: Callable[[tuple[str, ...]], bool]) -> SheetHeader:
    """The first sheet whose header row satisfies ``matches`` (a known format), else the
    first non-empty row of the first sheet (the caller then says that no sheet has a
    known format, naming them all: ``sheets``). Call :func:`check_workbook` first."""

    def find() -> SheetHeader:
        wb = _open(path)
        try:
            fallback: SheetHeader | None = None
            names = tuple(ws.title for ws in wb.worksheets)
            for ws in wb.worksheets:
                ws.reset_dimensions()  # read what is there, not what <dimension> claims
                rows = ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                for number, row in enumerate(rows, start=1):
                    columns = tuple(cell_text(v).strip() for v in row)
                    while columns and not columns[-1]:
                        columns = columns[:-1]
                    if not columns:
                        continue
                    header = SheetHeader(ws.title, number, columns, names)
                    if matches(columns):
                        return header
                    fallback = fallback or header
            if fallback is None:
                raise WorkbookError(
                    Message.of("err_workbook_empty"), Message.of("fix_export_again")
                )
            return fallback
        finally:
            wb.close()

    return _guard(find)


def has_formulas(path: Path) -> bool:
    """Whether a worksheet of the workbook holds a formula (streamed through, within the
    bounds :func:`check_workbook` checked)."""
    with zipfile.ZipFile(path) as zf:
        for member in zf.infolist():
            if not member.filename.startswith("xl/worksheets/"):
                continue
            with zf.open(member) as fh:
                tail = b""
                while block := fh.read(_SCAN_BYTES):
                    if _FORMULA_TAG.search(tail + block):
                        return True
                    tail = block[-16:]
    return False


def _is_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or hasattr(value, "text")


def sheet_rows(path: Path, header: SheetHeader) -> Iterator[tuple[int, list[str]] | Malformed]:
    """(sheet row number, cells as text) for every non-empty row below the header, counted
    against the bounds as they come (the declared dimension may be wrong).

    A cell holds the value its formula last computed (what Excel and LibreOffice save and
    show); a formula without one (a workbook written by a program that computes nothing)
    would read as a blank cell: its row is a :class:`Malformed` one instead, naming the
    columns, never a row with blanks where the file has formulas."""
    wb = _guard(lambda: _open(path))
    formulas = _guard(lambda: _open(path, data_only=False)) if has_formulas(path) else None
    width = len(header.columns)
    try:
        ws = wb[header.sheet]
        # A wrong <dimension> would make openpyxl stop early and drop rows silently.
        ws.reset_dimensions()
        rows = ws.iter_rows(min_row=header.row + 1, max_col=width, values_only=True)
        texts = None
        if formulas is not None:
            wf = formulas[header.sheet]
            wf.reset_dimensions()
            texts = wf.iter_rows(min_row=header.row + 1, max_col=width, values_only=True)
        number = header.row
        while True:
            row = _guard(lambda: next(rows, None))
            if row is None:
                return
            number += 1
            check_bounds(number, width, header.sheet)
            written = _guard(lambda: next(texts, ())) if texts is not None else ()
            unset = [
                (header.columns[i].strip().lower(), str(f))
                for i, (v, f) in enumerate(zip(row, written, strict=False))
                if v is None and _is_formula(f)
            ]
            if unset:
                yield Malformed(
                    number,
                    number,
                    Message.of(
                        "pr_formula_no_value",
                        count=len(unset),
                        columns=", ".join(c for c, _ in unset),
                        formula=repr(unset[0][1][:60]),
                    ),
                    column=unset[0][0],
                )
                continue
            cells = [cell_text(v) for v in row]
            if any(c.strip() for c in cells):
                yield number, cells + [""] * (width - len(cells))
    finally:
        wb.close()
        if formulas is not None:
            formulas.close()
