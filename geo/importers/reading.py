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

Nothing here imports Streamlit or pandas.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.messages import Message

BLOCK_BYTES = 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024  # one physical line; beyond it the file is refused
FIELD_LIMIT = 1024 * 1024  # characters in one cell (csv's default is 131,072)
DELIMITERS = {",": "commas", "\t": "tabs", ";": "semicolons", "|": "vertical bars"}
# Cell texts that mean "no value" (R, Excel, databases, hand-typed placeholders).
MISSING_VALUES = frozenset({"", "NA", "N/A", "n/a", "#N/A", "#NA", "NULL", "null", "-", "--",
                            "NaN", "nan", "<NA>"})
# (the longest of them: a longer cell is only trimmed and compared when it has white space
# at an end)
MISSING_MAX_LEN = max(map(len, MISSING_VALUES))
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
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

    @property
    def reason(self) -> str:
        """The message in English."""
        return self.message.en


def normalise_codec(encoding: str) -> str:
    """A codec's canonical name; :class:`ReadError` for a name Python does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as err:
        raise ReadError(Message.of("err_unknown_encoding", value=repr(encoding)),
                        fix=Message.of("fix_encoding_name")) from err


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the head looks like UTF-16 text without a BOM: NULs in
    most odd (LE) or even (BE) positions and almost none in the others."""
    sample = head[:4096 - 4096 % 2]
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


def physical_lines(path: Path, enc: TextEncoding) -> Iterator[str]:
    """The file's lines as text, each with its line break, decoded strictly.

    Raises :class:`ReadError` with the line number for bytes that are not valid in the
    encoding, a NUL character or a line longer than :data:`MAX_LINE_CHARS`.
    """
    decoder = codecs.getincrementaldecoder(enc.codec)(errors="strict")
    done = 0  # complete lines yielded so far
    carry = ""
    nl = enc.newline
    with Path(path).open("rb") as fh:
        fh.seek(enc.bom)
        while True:
            block = fh.read(BLOCK_BYTES)
            final = not block
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final)
            except UnicodeDecodeError as err:
                prefix = (pending + block)[:err.start].decode(enc.codec, errors="replace")
                line = done + 1 + (carry + prefix).count(nl)
                raise ReadError(Message.of(
                    "err_not_valid_text", codec=enc.codec,
                    byte=repr((pending + block)[err.start:err.start + 1])),
                    line) from err
            text = carry + text
            nul = text.find("\x00")
            if nul >= 0:
                raise ReadError(Message.of("err_nul_byte"),
                                done + 1 + text.count(nl, 0, nul),
                                Message.of("fix_nul_byte"))
            parts = text.split(nl)
            carry = parts.pop()
            for part in parts:
                yield part + nl
            done += len(parts)
            if len(carry) > MAX_LINE_CHARS:
                raise ReadError(Message.of("err_line_too_long", line=str(done + 1),
                                           limit=MAX_LINE_CHARS), done + 1,
                                Message.of("fix_line_too_long"))
            if final:
                break
    if carry:
        yield carry


def records(lines: Iterator[str], delimiter: str, first_line: int,
            n_fields: int) -> Iterator[Record | Malformed]:
    """Parse ``lines`` (the first of which is physical line ``first_line``) into records.

    Blank lines and rows of empty cells are left out (they hold nothing). A record with
    another number of fields than ``n_fields`` (the header's) is :class:`Malformed`, and so
    is a record spanning several lines when one of those continuation lines is a complete
    row by itself: an unbalanced quote swallowed it (a legitimate line break inside a
    quoted cell leaves a fragment, not a full row).
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
            yield Malformed(start, line_no, _unbalanced(start, line_no, swallowed)
                            if swallowed else _csv_reason(str(err), start, line_no))
            continue
        line_no = start + len(kept) - 1
        if not "".join(fields).strip():
            continue
        if line_no > start:
            swallowed = _swallowed_rows(kept[1:], delimiter, n_fields)
            if swallowed:
                yield Malformed(start, line_no, _unbalanced(start, line_no, swallowed))
                continue
        if len(fields) != n_fields:
            yield Malformed(start, line_no, Message.of(
                "pr_cell_count", count=len(fields), header=n_fields))
            continue
        yield Record(start, line_no, fields)


def _unbalanced(start: int, end: int, swallowed: list[int]) -> Message:
    return Message.of("pr_unbalanced_quote", start=str(start), end=str(end),
                      count=len(swallowed),
                      lines=", ".join(str(start + 1 + i) for i in swallowed))


def _csv_reason(message: str, start: int, end: int) -> Message:
    where = (Message.of("pr_where_line", line=str(start)) if start == end
             else Message.of("pr_where_lines", start=str(start), end=str(end)))
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
