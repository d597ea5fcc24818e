"""Reading delimited text files row by row, each row with its physical line in the file.

Why not ``pandas.read_csv``: it cannot say on which line of the file a row starts (a quoted
cell with line breaks, blank lines and skipped lines shift every later row), it silently
merges rows behind an unbalanced quote, and it decodes in blocks, so a bad byte is reported
somewhere in a block instead of on its line. Here:

* the encoding comes from the byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32), else from a
  UTF-16 pattern without one, else from what the caller declared (default UTF-8);
* the text is decoded incrementally and split into physical lines (``\\n``, ``\\r\\n`` or
  old Mac ``\\r``); a byte that does not decode or a NUL character is reported with its
  line number and refuses the file;
* :mod:`csv` parses the lines in strict mode, so that every record knows its first and last
  physical line; a record that is broken (bad quoting, wrong number of fields, a quoted cell
  that swallowed lines which are rows of their own) is returned as a :class:`Malformed`
  record with its lines instead of being merged into or dropped from its neighbours.

Nothing here imports Streamlit or pandas; the fast path (at the end) uses numpy and Arrow.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from geo.model.messages import Message

BLOCK_BYTES = 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024  # one physical line; beyond it the file is refused
FIELD_LIMIT = 1024 * 1024  # characters in one cell (csv's default is 131,072)
DELIMITERS = {",": "commas", "\t": "tabs", ";": "semicolons", "|": "vertical bars"}
# Cell texts that mean "no value" (R, Excel, databases, hand-typed placeholders).
MISSING_VALUES = frozenset(
    {"", "NA", "N/A", "n/a", "#N/A", "#NA", "NULL", "null", "-", "--", "NaN", "nan", "<NA>"}
)
# (the longest of them: a longer cell is only trimmed and compared when it has white space
# at an end)
MISSING_MAX_LEN = max(map(len, MISSING_VALUES))
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ReadError(ValueError):
    """A problem that makes the whole file unreadable, at a physical line (0 = unknown).

    ``what`` and ``fix`` are :class:`Message` s (shown in the reader's language); the
    exception's text is the English ``what``."""

    def __init__(self, what: Message, line: int = 0, fix: Message | None = None) -> None:
        self.what, self.line, self.fix = what, line, fix
        super().__init__(what.en)


@dataclass(frozen=True)
class TextEncoding:
    """How to turn the file's bytes into text."""

    codec: str  # a Python codec name without BOM handling ("utf-8", "utf-16-le", ...)
    bom: int  # bytes of byte-order mark to skip at the start
    newline: str  # "\n" (also for "\r\n") or "\r" (old Mac files)


@dataclass(frozen=True)
class Record:
    """A parsed row: its fields and the physical lines it spans (1-based, inclusive)."""

    first_line: int
    last_line: int
    fields: list[str]


@dataclass(frozen=True)
class Malformed:
    """A row that cannot be parsed into fields; ``message`` says why and how to fix it."""

    first_line: int
    last_line: int
    message: Message
    column: str = ""  # the column at fault, when one is (else the whole row is)

    @property
    def reason(self) -> str:
        """The message in English."""
        return self.message.en


def normalise_codec(encoding: str) -> str:
    """A codec's canonical name; :class:`ReadError` for a name Python does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as err:
        raise ReadError(
            Message.of("err_unknown_encoding", value=repr(encoding)),
            fix=Message.of("fix_encoding_name"),
        ) from err


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the head looks like UTF-16 text without a BOM: NULs in
    most odd (LE) or even (BE) positions and almost none in the others."""
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.6 * half and even.count(0) < 0.05 * half:
        return "utf-16-le"
    if even.count(0) > 0.6 * half and odd.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def detect_encoding(head: bytes, declared: str = "utf-8") -> TextEncoding:
    """The text encoding of a file from its first bytes and the encoding the user declared.

    A byte-order mark wins over the declaration (Excel's "Unicode text" is UTF-16 LE with
    one); a declared "utf-16"/"utf-32" without a mark means little-endian.
    """
    codec, bom = normalise_codec(declared), 0
    for mark, name in _BOMS:
        if head.startswith(mark):
            codec, bom = name, len(mark)
            break
    else:
        guess = _utf16_without_bom(head)
        if guess and codec in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            codec = guess if codec in ("utf-8", "utf-16") else codec
        elif codec in ("utf-16", "utf-32"):
            codec += "-le"
    text = head[bom:].decode(codec, errors="replace")
    newline = "\r" if "\r" in text and "\n" not in text else "\n"
    return TextEncoding(codec, bom, newline)


def physical_lines(
    path: Path, enc: TextEncoding, start: int | None = None, first_line: int = 1
) -> Iterator[str]:
    """The file's lines as text, each with its line break, decoded strictly, from byte
    ``start`` (default: after the byte-order mark), which is physical line ``first_line``.

    Raises :class:`ReadError` with the line number for bytes that are not valid in the
    encoding, a NUL character or a line longer than :data:`MAX_LINE_CHARS`.
    """
    decoder = codecs.getincrementaldecoder(enc.codec)(errors="strict")
    done = first_line - 1  # complete lines yielded so far (and lines before ``start``)
    carry = ""
    nl = enc.newline
    with Path(path).open("rb") as fh:
        fh.seek(enc.bom if start is None else start)
        while True:
            block = fh.read(BLOCK_BYTES)
            final = not block
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final)
            except UnicodeDecodeError as err:
                prefix = (pending + block)[: err.start].decode(enc.codec, errors="replace")
                line = done + 1 + (carry + prefix).count(nl)
                raise ReadError(
                    Message.of(
                        "err_not_valid_text",
                        codec=enc.codec,
                        byte=repr((pending + block)[err.start : err.start + 1]),
                    ),
                    line,
                ) from err
            text = carry + text
            nul = text.find("\x00")
            if nul >= 0:
                raise ReadError(
                    Message.of("err_nul_byte"),
                    done + 1 + text.count(nl, 0, nul),
                    Message.of("fix_nul_byte"),
                )
            parts = text.split(nl)
            carry = parts.pop()
            for part in parts:
                yield part + nl
            done += len(parts)
            if len(carry) > MAX_LINE_CHARS:
                raise ReadError(
                    Message.of("err_line_too_long", line=str(done + 1), limit=MAX_LINE_CHARS),
                    done + 1,
                    Message.of("fix_line_too_long"),
                )
            if final:
                break
    if carry:
        yield carry


def records(
    lines: Iterator[str],
    delimiter: str,
    first_line: int,
    n_fields: int,
    stop_after: int | None = None,
) -> Iterator[Record | Malformed]:
    """Parse ``lines`` (the first of which is physical line ``first_line``) into records.

    Blank lines and rows of empty cells are left out (they hold nothing). A record with
    another number of fields than ``n_fields`` (the header's) is :class:`Malformed`, and so
    is a record spanning several lines when one of those continuation lines is a complete
    row by itself: an unbalanced quote swallowed it (a legitimate line break inside a
    quoted cell leaves a fragment, not a full row).

    With ``stop_after``, parsing stops after the first record (blank ones included) that
    ends on or after that line; ``lines`` is then consumed exactly up to that record's
    last line (:mod:`csv` takes one line at a time), so a caller can go on from there.
    """
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    kept: list[str] = []  # the physical lines of the current record

    def feed() -> Iterator[str]:
        for line in lines:
            kept.append(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    line_no = first_line - 1  # last physical line consumed
    while True:
        kept.clear()
        start = line_no + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line_no = start + len(kept) - 1
            swallowed = _swallowed_rows(kept[1:], delimiter, n_fields)
            yield Malformed(
                start,
                line_no,
                _unbalanced(start, line_no, swallowed)
                if swallowed
                else _csv_reason(str(err), start, line_no),
            )
        else:
            line_no = start + len(kept) - 1
            item = _record(fields, start, line_no, kept, delimiter, n_fields)
            if item is not None:
                yield item
        if stop_after is not None and line_no >= stop_after:
            return


def _record(
    fields: list[str], start: int, end: int, kept: list[str], delimiter: str, n_fields: int
) -> Record | Malformed | None:
    """What a parsed row is: nothing (blank), :class:`Malformed` or a :class:`Record`."""
    if not "".join(fields).strip():
        return None
    if end > start:
        swallowed = _swallowed_rows(kept[1:], delimiter, n_fields)
        if swallowed:
            return Malformed(start, end, _unbalanced(start, end, swallowed))
    if len(fields) != n_fields:
        return Malformed(
            start, end, Message.of("pr_cell_count", count=len(fields), header=n_fields)
        )
    return Record(start, end, fields)


def _unbalanced(start: int, end: int, swallowed: list[int]) -> Message:
    return Message.of(
        "pr_unbalanced_quote",
        start=str(start),
        end=str(end),
        count=len(swallowed),
        lines=", ".join(str(start + 1 + i) for i in swallowed),
    )


def _csv_reason(message: str, start: int, end: int) -> Message:
    where = (
        Message.of("pr_where_line", line=str(start))
        if start == end
        else Message.of("pr_where_lines", start=str(start), end=str(end))
    )
    if "field larger than field limit" in message:
        return Message.of("pr_cell_too_long", limit=FIELD_LIMIT, where=where)
    if "unexpected end of data" in message:
        return Message.of("pr_quote_never_closed", start=str(start))
    return Message.of("pr_broken_quoting", where=where, detail=message)


def _swallowed_rows(continuation: list[str], delimiter: str, n_fields: int) -> list[int]:
    """Positions of the continuation lines that parse alone as a full row."""
    if n_fields < 2:
        return []
    out = []
    for i, line in enumerate(continuation):
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(cells) == n_fields:
            out.append(i)
    return out


def header_candidates(head_text: str) -> list[tuple[str, list[str]]]:
    """The header line parsed with every known delimiter, most columns first."""
    out = []
    for sep in DELIMITERS:
        try:
            cells = next(csv.reader([head_text], delimiter=sep), [])
        except csv.Error:
            cells = [head_text]
        out.append((sep, cells))
    return sorted(out, key=lambda item: -len(item[1]))


# --- the fast path: whole blocks of rows parsed in C -----------------------------------------
#
# Parsing a million rows with :mod:`csv` and turning them into columns costs about half a
# minute in Python. Most files are plain CSV: every quote opens or closes a quoted cell, no
# row has the wrong number of cells. For such a block of text the record boundaries are
# known from the quote parity alone (a line break ends a record when an even number of
# quotes precedes it), so numpy finds them, with each record's first physical line, and
# Arrow's CSV parser (in C) splits the cells. Anything the two parsers could disagree on
# (a quote inside an unquoted cell, text after a closing quote, a lone carriage return, a
# wrong number of cells, a continuation line that looks like a whole row, a very long
# record or line, a quote never closed, a byte that does not decode, a NUL) sends the
# block, from the first record concerned, to :func:`records` above, which decides; the
# fast path resumes at the next record boundary that :func:`records` reaches. The result
# is the same rows, lines and problems, whichever path read them.

FAST_BLOCK_BYTES = 16 * 1024 * 1024  # bytes of the file decoded at a time by the fast path
_MAX_PENDING = 4 * FAST_BLOCK_BYTES  # a record longer than this: the strict reader decides
_QUOTE, _LF, _CR = 34, 10, 13
_PARSE_BLOCK = 4 * FIELD_LIMIT  # Arrow's parsing block: more than the longest record


@dataclass(frozen=True)
class Block:
    """Rows parsed by the fast path: one Arrow string column per header cell (named
    ``c0``, ``c1``...) and the physical line where each row starts."""

    table: pa.Table
    lines: np.ndarray  # int64, one per row


def rows(
    path: Path,
    enc: TextEncoding,
    data_line: int,
    delimiter: str,
    n_fields: int,
    block_bytes: int = FAST_BLOCK_BYTES,
) -> Iterator[Block | Record | Malformed]:
    """The rows of a file from physical line ``data_line`` on, in file order: the same
    rows, lines and :class:`Malformed` records as :func:`records` over
    :func:`physical_lines`, mostly in :class:`Block` s (see the comment above)."""
    start = _line_offset(path, enc, data_line)
    if enc.newline != "\n" or len(delimiter) != 1 or not delimiter.isascii():
        yield from records(
            physical_lines(path, enc, start, data_line), delimiter, data_line, n_fields
        )
        return
    line = data_line
    while True:
        handover = yield from _fast(path, enc, start, line, ord(delimiter), n_fields, block_bytes)
        if handover is None:
            return
        start, line, stop_after = handover
        counted = _CountedLines(physical_lines(path, enc, start, line), enc.codec)
        yield from records(iter(counted), delimiter, line, n_fields, stop_after)
        if counted.exhausted:
            return
        start += counted.bytes
        line += counted.lines


def _line_offset(path: Path, enc: TextEncoding, line: int) -> int:
    """The byte offset in the file where physical line ``line`` starts."""
    offset = enc.bom
    for n, text in enumerate(physical_lines(path, enc), start=1):
        if n >= line:
            break
        offset += len(text.encode(enc.codec))
    return offset


class _CountedLines:
    """Physical lines, counting how many (and how many bytes of the file) were taken."""

    def __init__(self, lines: Iterator[str], codec: str) -> None:
        self._lines, self._codec = lines, codec
        self.lines = self.bytes = 0
        self.exhausted = False

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.lines += 1
            self.bytes += len(line.encode(self._codec))
            yield line
        self.exhausted = True


def _fast(
    path: Path,
    enc: TextEncoding,
    start: int,
    line: int,
    delim: int,
    n_fields: int,
    block_bytes: int,
) -> Generator[Block, None, tuple[int, int, int] | None]:
    """Blocks of rows from byte ``start`` (physical line ``line``, a record boundary) until
    the end of the file (returns None) or something for the strict reader: then returns
    (byte offset, line, line after which the strict reader may hand back)."""
    decoder = codecs.getincrementaldecoder(enc.codec)(errors="strict")
    utf8 = enc.codec == "utf-8"
    pending = b""  # UTF-8 text after the last record boundary
    with Path(path).open("rb") as fh:
        fh.seek(start)
        while True:
            raw = fh.read(block_bytes)
            final = not raw
            try:
                text = decoder.decode(raw, final)
            except UnicodeDecodeError:
                return start, line, 1 << 62  # the strict reader says where, and refuses
            if "\x00" in text:
                return start, line, 1 << 62
            data = pending + text.encode("utf-8")
            if not data:
                if final:
                    return None
                continue
            scan = _scan(data, final, delim, n_fields)
            if scan is None:  # no record ends in the text read so far
                if len(data) > _MAX_PENDING:
                    return start, line, line
                pending = data
                continue
            block, cut, lines_used, clean = scan
            if block is not None and block[0].num_rows:
                yield Block(block[0], block[1] + line)
            used = data[:cut]
            start += cut if utf8 else len(used.decode("utf-8").encode(enc.codec))
            line += lines_used
            if not clean:
                return start, line, line
            pending = data[cut:]
            if final and not pending:
                return None


def _scan(
    data: bytes, final: bool, delim: int, n_fields: int
) -> tuple[tuple[pa.Table, np.ndarray] | None, int, int, bool] | None:
    """The complete records at the start of ``data`` that are plain CSV, parsed.

    Returns None when no record ends in ``data`` (and more is to come), else ``(block or
    None, bytes used, physical lines used, clean)``: ``block`` holds the rows (and their
    lines counted from 0), ``clean`` False when the strict reader must read on from there.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == _LF)
    quotes = np.flatnonzero(arr == _QUOTE)
    ends = nl[(np.searchsorted(quotes, nl) & 1) == 0]  # line breaks that end a record
    if final:
        if not len(ends) or ends[-1] != len(data) - 1:
            # the last record, without a line break (or with an open quote)
            ends = np.append(ends, len(data))
        cut = len(data)
    elif not len(ends):
        return None
    else:
        cut = int(ends[-1]) + 1
    if not len(ends):  # only the open quote of a record that never ends
        return None, 0, 0, False
    seg = arr[:cut]
    quotes = quotes[quotes < cut]
    nl = nl[nl < cut]
    starts = np.concatenate(([0], ends[:-1] + 1))
    bad = np.zeros(len(ends), dtype=bool)  # records the strict reader must read

    def flag(positions: np.ndarray) -> None:
        if len(positions):
            bad[np.searchsorted(ends, positions)] = True

    # Quotes: an opening one starts a cell (or follows a closing one: a doubled quote), a
    # closing one ends the cell (or is followed by the quote it doubles).
    opens, closes = quotes[0::2], quotes[1::2]
    before = seg[np.maximum(opens - 1, 0)]
    flag(opens[(opens > 0) & (before != delim) & (before != _LF) & (before != _QUOTE)])
    after_pos = closes + 1
    inside = after_pos < cut
    after = seg[np.minimum(after_pos, cut - 1)]
    flag(closes[inside & (after != delim) & (after != _LF) & (after != _CR) & (after != _QUOTE)])
    if len(quotes) % 2:  # a quote opened and never closed (at the end of the file)
        flag(quotes[-1:])
    # Carriage returns outside quotes: only as part of CR LF.
    cr = np.flatnonzero(seg == _CR)
    cr = cr[(np.searchsorted(quotes, cr) & 1) == 0]
    nxt = cr + 1
    flag(cr[(nxt >= cut) | (seg[np.minimum(nxt, cut - 1)] != _LF)])
    # Cells per record; rows whose bytes are all blank-ish may be blank (checked below).
    delims = np.flatnonzero(seg == delim)
    outer = delims[(np.searchsorted(quotes, delims) & 1) == 0]
    cells = np.searchsorted(outer, ends) - np.searchsorted(outer, starts) + 1
    length = ends - starts
    empty_line = (length == 0) | ((length == 1) & (seg[np.minimum(starts, cut - 1)] == _CR))
    flag(starts[~empty_line & (cells != n_fields)])
    flag(starts[length > FIELD_LIMIT])
    # Physical lines: not too long; a continuation line (after a line break inside quotes)
    # with enough delimiters to be a whole row may be a row an open quote swallowed.
    line_ends = np.append(nl, cut) if (not len(nl) or nl[-1] != cut - 1) else nl
    line_starts = np.concatenate(([0], line_ends[:-1] + 1))
    flag(line_starts[line_ends - line_starts > MAX_LINE_CHARS])
    inner = nl[(np.searchsorted(quotes, nl) & 1) == 1]
    if len(inner) and n_fields > 1:
        cont_start = inner + 1
        k = np.searchsorted(line_starts, cont_start)
        cont_end = line_ends[np.minimum(k, len(line_ends) - 1)]
        many = (
            np.searchsorted(delims, cont_end) - np.searchsorted(delims, cont_start) >= n_fields - 1
        )
        flag(cont_start[many & (cont_start < cut)])
    # The clean records before the first one the strict reader must read.
    first_bad = int(np.argmax(bad)) if bad.any() else len(ends)
    if first_bad == 0:
        return None, 0, 0, False
    n = first_bad
    used = cut if n == len(ends) else int(starts[n])
    lines_used = int(np.searchsorted(nl, used))  # line breaks before ``used``
    keep = ~empty_line[:n]
    first_lines = np.searchsorted(nl, starts[:n][keep]).astype(np.int64)
    table = _parse(data[:used], n_fields, delim)
    if table.num_rows != len(first_lines):  # never expected: let the strict reader decide
        return None, 0, 0, False
    # Rows of white space only are blank (left out, as by records()): the rows without an
    # ASCII byte that is neither white space (for str.strip), a quote nor the delimiter
    # are checked one by one.
    used_seg = seg[:used]
    printable = (used_seg > 32) & (used_seg < 128) & (used_seg != _QUOTE) & (used_seg != delim)
    printable |= (used_seg < 9) | ((used_seg > 13) & (used_seg < 28))
    maybe = np.flatnonzero(~np.logical_or.reduceat(printable, starts[:n])[keep])
    if len(maybe):
        blank = [
            int(i)
            for i in maybe
            if not "".join(table.slice(int(i), 1).to_pylist()[0].values()).strip()
        ]
        if blank:
            mask = np.ones(table.num_rows, dtype=bool)
            mask[blank] = False
            table = table.filter(pa.array(mask))
            first_lines = first_lines[mask]
    return (table, first_lines), used, lines_used, n == len(ends)


def _parse(data: bytes, n_fields: int, delim: int) -> pa.Table:
    """Records of plain CSV (checked by :func:`_scan`) -> Arrow string columns."""
    names = [f"c{i}" for i in range(n_fields)]
    return pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(
            column_names=names, use_threads=True, block_size=_PARSE_BLOCK
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=chr(delim),
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=True,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
