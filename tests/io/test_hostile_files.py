"""A hostile corpus, generated here, run through the library and the command line.

Every case must end in a clear message (no traceback; the user's file name; the line where
a line is at fault) and, when the import is refused or not confirmed, a store whose files
are byte for byte what they were.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.io import importers
from geo.io.importers import ImportFileError, prepare, workbook
from geo.io.store import Store

REPO = Path(__file__).resolve().parents[2]
ACLED = REPO / "tests" / "fixtures" / "acled_labels.csv"
with ACLED.open(newline="", encoding="utf-8") as _fh:
    _ROWS = list(csv.reader(_fh))
HEADER, BASE = _ROWS[0], _ROWS[1:]
COL = {name: i for i, name in enumerate(HEADER)}


def acled_rows(n: int) -> list[list[str]]:
    """``n`` valid ACLED rows with distinct ids (the fixture's four events, cycled)."""
    rows = []
    for i in range(n):
        row = list(BASE[i % len(BASE)])
        row[COL["event_id_cnty"]] = f"{row[COL['event_id_cnty']][:3]}{9000 + i}"
        rows.append(row)
    return rows


def csv_text(
    rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",", newline: str = "\n"
) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_part(
    xlsx: bytes, name: str, content: bytes, compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """The workbook with one part replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item))
        dst.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return out.getvalue()


def sheet_xml(xlsx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


ACLED_XLSX = xlsx_bytes({"Sheet1": [HEADER, *acled_rows(4)]})
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def _unbalanced() -> bytes:
    rows = acled_rows(9)
    # line 5 (the 4th event): its notes open a quote that is never closed on that line
    rows[3][COL["notes"]] = "OPENQUOTE Soldiers said so"
    return csv_text(rows).replace("OPENQUOTE", '"').encode()


def _blank_lines_bom_latin1() -> bytes:
    rows = acled_rows(3)
    rows[2][COL["event_date"]] = "not a date"
    body = csv_text(rows).split("\n")
    # header, blank, row, blank, blank, row, row(bad date): the bad row is on line 7
    text = "\n".join([body[0], "", body[1], "", "", body[2], body[3]]) + "\n"
    return b"\xef\xbb\xbf" + text.encode()


def _latin1_far() -> bytes:
    rows = acled_rows(400)
    rows[-1][COL["location"]] = "S\u00e9gou"
    text = csv_text(rows)
    assert len(text.encode()) > importers.HEAD_BYTES
    return text.encode("latin-1")


def _nul_far() -> bytes:
    rows = acled_rows(400)
    rows[-2][COL["notes"]] = "before\x00after"
    return csv_text(rows).encode()


def _multiline() -> bytes:
    rows = acled_rows(4)
    rows[0][COL["notes"]] = "first line\nsecond line, with a comma\nthird line"
    rows[2][COL["latitude"]] = "95.0"  # invalid, on line 2 + 3 lines of the first row
    return csv_text(rows).encode()


def _missing_values() -> bytes:
    rows = acled_rows(6)
    for row, na in zip(rows, ["NA", "N/A", "NULL", "-", "n/a", "#N/A"], strict=True):
        row[COL["actor2"]] = na
        row[COL["assoc_actor_2"]] = na
        row[COL["assoc_actor_1"]] = na
        row[COL["notes"]] = na
    return csv_text(rows).encode()


def _injection() -> bytes:
    rows = acled_rows(4)
    rows[0][COL["actor1"]] = '=HYPERLINK("http://evil.example","x")'
    rows[1][COL["location"]] = "@SUM(1+1)*cmd|' /C calc'!A0"
    rows[2][COL["notes"]] = "+1+1"
    rows[3][COL["event_date"]] = "=1+1"  # rejected: lands in the rejected-rows CSV
    return csv_text(rows).encode()


def _duplicate_columns() -> bytes:
    header = [*HEADER, "Notes"]
    return csv_text([[*r, "again"] for r in acled_rows(2)], header=header).encode()


def _zip_bomb() -> bytes:
    # 20 MB of one repeated row compresses about 1000 times: the shape of a bomb (real ones
    # declare gigabytes; the bound is on the ratio, so a small one shows it).
    xml = sheet_xml(ACLED_XLSX)
    row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>'
    bloated = xml.replace(b"</sheetData>", row * (20_000_000 // len(row)) + b"</sheetData>")
    return with_part(ACLED_XLSX, "xl/worksheets/sheet1.xml", bloated)


def _huge_dimension() -> bytes:
    xml = sheet_xml(ACLED_XLSX)
    start = xml.index(b"<dimension")
    end = xml.index(b"/>", start) + 2
    return with_part(
        ACLED_XLSX,
        "xl/worksheets/sheet1.xml",
        xml[:start] + b'<dimension ref="A1:ZZ1048576"/>' + xml[end:],
    )


def _truncated_sheet() -> bytes:
    xml = sheet_xml(ACLED_XLSX)
    return with_part(ACLED_XLSX, "xl/worksheets/sheet1.xml", xml[: len(xml) // 2])


def _utf16(byteorder: str) -> Callable[[], bytes]:
    def build() -> bytes:
        text = csv_text(acled_rows(4), delimiter="\t", newline="\r\n")
        bom = "\ufeff"
        return (bom + text).encode(f"utf-16-{byteorder}")

    return build


# name -> (file name, content builder, expected message or None if the import is accepted)
CORPUS: dict[str, tuple[str, Callable[[], bytes], str | None]] = {
    "empty": ("empty.csv", lambda: b"", "The file is empty"),
    "binary": ("garbage.csv", lambda: bytes(range(256)) * 64, "binary file"),
    "header_only": ("header.csv", lambda: csv_text([]).encode(), "no data rows"),
    "unknown_header": ("other.csv", lambda: b"name,value\nx,1\n", "format is not recognised"),
    "one_column": ("one.csv", lambda: b"event\nsomething\nelse\n", "format is not recognised"),
    "duplicate_columns": (
        "dups.csv",
        _duplicate_columns,
        "Duplicate column names: 'notes' (columns 28, 32)",
    ),
    "nul_far": ("nul.csv", _nul_far, "NUL byte"),
    "latin1_far": ("latin.csv", _latin1_far, "not valid utf-8"),
    "long_line": (
        "long.csv",
        lambda: (csv_text(acled_rows(1)) + "x" * 17_000_000).encode(),
        "longer than",
    ),
    "entity_expansion": (
        "laughs.xlsx",
        lambda: with_part(ACLED_XLSX, "xl/sharedStrings.xml", LAUGHS),
        "declares a DTD or entities",
    ),
    "truncated_sheet": ("cut.xlsx", _truncated_sheet, "cannot be read: a damaged"),
    "zip_bomb": ("bomb.xlsx", _zip_bomb, "zip bomb"),
    "huge_dimension": ("wide.xlsx", _huge_dimension, "too large (1,048,576 rows x 702"),
    "not_a_workbook": ("fake.xlsx", lambda: b"PK\x03\x04" + b"\x00" * 200, "damaged"),
    # accepted, with the rows that are wrong reported on their lines
    "unbalanced_quote": ("quote.csv", _unbalanced, None),
    "multiline_cells": ("multi.csv", _multiline, None),
    "blank_lines_bom": ("blank.csv", _blank_lines_bom_latin1, None),
    "utf16_le_tabs": ("unicode.txt", _utf16("le"), None),
    "utf16_be_tabs": ("unicode_be.txt", _utf16("be"), None),
    "missing_values": ("r_export.csv", _missing_values, None),
    "injection": ("inject.csv", _injection, None),
    "very_long_cell": (
        "cell.csv",
        lambda: csv_text(
            [[*r[: COL["notes"]], "y" * 300000, *r[COL["notes"] + 1 :]] for r in acled_rows(2)]
        ).encode(),
        None,
    ),
}
REFUSED = sorted(k for k, v in CORPUS.items() if v[2])
ACCEPTED = sorted(k for k, v in CORPUS.items() if not v[2])


def store_files(folder: Path) -> dict[str, str]:
    """Hashes of the store's files. Opening the store may add SQLite's shared-memory index
    (``-shm``) and empty files (an empty write-ahead log, a lock file): they hold no data."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm") and p.stat().st_size
    }


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory) -> Path:
    """A store holding one imported dataset (built once, copied for each test)."""
    folder = tmp_path_factory.mktemp("filled") / "store"
    patch = pytest.MonkeyPatch()
    patch.setenv("SAHEL_ATLAS_DATA_DIR", str(folder))
    try:
        store = Store()
        importers.commit(prepare(ACLED, store=store), store)
    finally:
        patch.undo()
    return folder


@pytest.fixture()
def store_dir(filled_store, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(filled_store, folder)
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(folder))
    return folder


@pytest.fixture()
def openpyxl_calls(monkeypatch) -> list[Path]:
    """Spy on openpyxl: the workbooks it was asked to open."""
    import openpyxl

    calls: list[Path] = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda path, *a, **k: calls.append(path) or real(path, *a, **k)
    )
    return calls


def write_case(case: str, folder: Path) -> Path:
    name, build, _ = CORPUS[case]
    path = folder / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(build())
    return path


# --- the library ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSED)
def test_refused_with_a_clear_message_and_store_unchanged(
    case, store_dir, tmp_path, openpyxl_calls
):
    path = write_case(case, tmp_path)
    before = store_files(store_dir)
    # read from a temporary name, as the Data page does: messages use the user's name
    temp = tmp_path / ("upload" + path.suffix)
    shutil.copy(path, temp)
    with pytest.raises(ImportFileError) as err:
        prepare(temp, store=Store(), file_name=path.name)
    message = str(err.value)
    assert CORPUS[case][2] in message
    assert path.name in message and "upload" not in message
    assert err.value.fix
    assert store_files(store_dir) == before
    if case in ("entity_expansion", "zip_bomb", "huge_dimension", "not_a_workbook"):
        assert openpyxl_calls == [], "refused before openpyxl reads the workbook"


def test_inspect_names_the_users_file(tmp_path):
    temp = tmp_path / "upload.csv"
    temp.write_bytes(_duplicate_columns())
    with pytest.raises(ImportFileError, match="Duplicate column names") as err:
        importers.inspect_file(temp, name="Mes données.csv")
    assert err.value.where == "Mes données.csv, line 1 (header)"


@pytest.mark.parametrize(
    ("case", "line"), [("nul_far", 400), ("latin1_far", 401), ("long_line", 3)]
)
def test_whole_file_faults_name_their_line(case, line, tmp_path):
    path = write_case(case, tmp_path)
    with pytest.raises(ImportFileError) as err:
        prepare(path, store=Store())
    assert err.value.where == f"{path.name}, line {line}"


def test_unbalanced_quote_never_merges_rows(store_dir, tmp_path):
    path = write_case("unbalanced_quote", tmp_path)
    assert path.read_bytes().count(b"\n") == 10  # a 10-line file: header and 9 events
    plan = prepare(path, store=Store())
    broken = [p for p in plan.problems if "unbalanced quote" in p.reason]
    assert [p.row for p in broken] == [5]
    assert "swallows 1 line (6)" in broken[0].reason
    assert plan.total_rows == plan.accepted + len(plan.rejected) + plan.skipped_rows
    assert len(plan.rejected) >= 1 and 5 in set(plan.rejected["row"])
    # no accepted event holds another row's raw CSV, and no event after the quote is lost
    # silently: every id of the file is either accepted or on a rejected line
    assert not plan.events["summary"].str.contains("Western Africa").any()
    ids = {f"acled:{r[COL['event_id_cnty']]}" for r in acled_rows(9)}
    accepted = set(plan.events["id"])
    rejected_lines = set(plan.rejected["row"])
    for line, row in enumerate(acled_rows(9), start=2):
        ident = f"acled:{row[COL['event_id_cnty']]}"
        assert ident in accepted or any(first <= line for first in rejected_lines), ident
    assert accepted <= ids


def test_unterminated_quote_at_the_end(tmp_path):
    path = tmp_path / "open.csv"
    text = csv_text(acled_rows(3))
    path.write_text(text.rstrip("\n") + ',"never closed\nmore text\n')
    plan = prepare(path, store=Store())
    reasons = {p.row: p.reason for p in plan.problems}
    assert "never closed" in reasons[4] and plan.accepted == 2


def test_multiline_cells_keep_physical_lines(tmp_path):
    plan = prepare(write_case("multiline_cells", tmp_path), store=Store())
    assert plan.accepted == 3
    assert [(p.row, p.column) for p in plan.problems] == [(6, "latitude")]
    summary = plan.events.set_index("id").loc["acled:MLI9000", "summary"]
    assert summary.startswith("first line\nsecond line, with a comma\nthird line")


def test_blank_lines_and_bom_keep_physical_lines(tmp_path):
    plan = prepare(write_case("blank_lines_bom", tmp_path), store=Store())
    assert plan.total_rows == 3 and plan.accepted == 2
    assert [(p.row, p.column) for p in plan.problems] == [(7, "event_date")]
    assert list(plan.rejected["row"]) == [7]


@pytest.mark.parametrize("case", ["utf16_le_tabs", "utf16_be_tabs"])
def test_utf16_tab_separated_text(case, tmp_path):
    plan = prepare(write_case(case, tmp_path), store=Store())
    assert plan.format == "acled" and plan.accepted == 4 and not plan.problems
    assert "Côte" not in "".join(plan.events["location"])  # decoded, not mojibake
    assert plan.events.set_index("id").loc["acled:MLI9000", "location"] == "Tinzaouaten"


def test_declared_encoding_and_unknown_encoding(tmp_path):
    path = tmp_path / "cp.csv"
    rows = acled_rows(1)
    rows[0][COL["location"]] = "Ségou – centre"
    path.write_bytes(csv_text(rows).encode("cp1252"))
    plan = prepare(path, store=Store(), encoding="cp1252")
    assert plan.events.loc[0, "location"] == "Ségou – centre"
    with pytest.raises(ImportFileError, match="Unknown text encoding 'klingon'"):
        prepare(path, store=Store(), encoding="klingon")


def test_missing_value_spellings_are_missing(tmp_path):
    plan = prepare(write_case("missing_values", tmp_path), store=Store())
    assert plan.accepted == 6
    for actors in plan.events["actors"]:
        assert not {"NA", "N/A", "NULL", "-", "n/a", "#N/A"} & set(actors.split("; "))
    # a missing note: the summary falls back to the event type, never "NA"
    assert plan.events["summary"].str.startswith(("Battles:", "Violence", "Explosions")).all()


def test_injection_payloads_are_plain_text(tmp_path):
    plan = prepare(write_case("injection", tmp_path), store=Store())
    ev = plan.events.set_index("id")
    assert ev.loc["acled:MLI9000", "actors"].startswith('=HYPERLINK("http://evil.example"')
    assert ev.loc["acled:BFA9001", "location"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    rejected = importers.rejected_csv(plan).decode("utf-8-sig")
    assert "'=1+1" in rejected and ",=1+1" not in rejected


def test_very_long_cell_is_bounded(tmp_path):
    plan = prepare(write_case("very_long_cell", tmp_path), store=Store())
    assert plan.accepted == 2
    assert plan.events["summary"].str.len().max() <= 20_100


def test_xlsx_sheet_picked_by_header_and_rows_numbered(tmp_path, openpyxl_calls):
    rows = acled_rows(4)
    rows[3][COL["event_date"]] = "NA"
    data = [["Export of ACLED data"], [], HEADER, rows[0], rows[1], [], rows[2], rows[3]]
    path = tmp_path / "export.xlsx"
    path.write_bytes(
        xlsx_bytes({"Licence": [["Terms of use"], ["Use under licence"]], "Data": data})
    )
    plan = prepare(path, store=Store())
    assert plan.format == "acled" and plan.accepted == 3
    assert [(p.row, p.column) for p in plan.problems] == [(8, "date")]  # "NA": missing
    assert openpyxl_calls  # a sound workbook is read by openpyxl


def test_xlsx_total_size_bound(tmp_path, monkeypatch, openpyxl_calls):
    path = tmp_path / "big.xlsx"
    path.write_bytes(ACLED_XLSX)
    monkeypatch.setattr(workbook, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(ImportFileError, match="expands to"):
        prepare(path, store=Store())
    assert openpyxl_calls == []


def test_xlsx_rows_counted_while_read(tmp_path, monkeypatch):
    # the dimension says 5 rows; the bound is also applied to the rows really read
    path = tmp_path / "rows.xlsx"
    path.write_bytes(xlsx_bytes({"Sheet1": [HEADER, *acled_rows(40)]}))
    monkeypatch.setattr(workbook, "MAX_ROWS", 30)
    xml = sheet_xml(path.read_bytes())
    start = xml.index(b"<dimension")
    end = xml.index(b"/>", start) + 2
    path.write_bytes(
        with_part(
            path.read_bytes(),
            "xl/worksheets/sheet1.xml",
            xml[:start] + b'<dimension ref="A1:AE5"/>' + xml[end:],
        )
    )
    with pytest.raises(ImportFileError, match="too large"):
        prepare(path, store=Store())


# --- the command line -------------------------------------------------------------------------


def run_cli(path: Path, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "geo.io.cli", "import", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_cli_clear_message_and_store_unchanged(case, store_dir, tmp_path):
    path = write_case(case, tmp_path)
    before = store_files(store_dir)
    out = run_cli(path, store_dir)
    text = out.stdout + out.stderr
    assert "Traceback" not in text
    assert path.name in text
    expected = CORPUS[case][2]
    if expected:
        assert out.returncode == 1 and expected in out.stderr
        assert "nothing was stored" in out.stderr
    else:
        assert "rows read:" in out.stdout and "nothing was stored" in out.stdout
    assert store_files(store_dir) == before
    if case == "unbalanced_quote":
        assert "row 5 (whole row) an unbalanced quote" in out.stdout
    if case in ("nul_far", "latin1_far"):
        assert f"{path.name}, line 40" in out.stderr


def test_a_header_longer_than_the_first_block_is_read_whole(tmp_path):
    # 10,000 extra columns: the header line alone is longer than the block inspected first
    extra = [f"extra_{i}" for i in range(10_000)]
    path = tmp_path / "wide.csv"
    path.write_text(csv_text([[*r, *[""] * 10_000] for r in acled_rows(3)], [*HEADER, *extra]))
    assert path.read_bytes().index(b"\n") > importers.HEAD_BYTES
    info = importers.inspect_file(path)
    assert len(info.columns) == len(HEADER) + 10_000 and info.columns[-1] == "extra_9999"
    plan = prepare(path, store=Store())
    assert (plan.accepted, len(plan.rejected)) == (3, 0) and not plan.problems


def test_a_header_line_beyond_the_line_limit_is_refused_with_its_line(tmp_path, monkeypatch):
    from geo.io.importers import reading

    monkeypatch.setattr(reading, "MAX_LINE_CHARS", 100_000)
    monkeypatch.setattr(reading, "BLOCK_BYTES", 65_536)
    path = tmp_path / "endless.csv"
    path.write_text("#\n" + ",".join(f"c{i}" for i in range(30_000)) + "\n")
    with pytest.raises(ImportFileError, match="longer than 100,000 characters") as err:
        prepare(path, store=Store())
    assert err.value.where == "endless.csv, line 2"


def test_a_windows_1252_file_is_pointed_to_cp1252_not_latin_1(tmp_path):
    rows = acled_rows(2)
    rows[0][COL["notes"]] = "l’armée a réagi à Ménaka, cœur"
    path = tmp_path / "excel-fr.csv"
    path.write_bytes(csv_text(rows, newline="\r\n").encode("cp1252"))
    with pytest.raises(ImportFileError) as err:
        prepare(path, store=Store())
    assert "--encoding cp1252" in err.value.fix and "--encoding cp1252" in err.value.texts("fr")[2]
    plan = prepare(path, store=Store(), encoding="cp1252")
    assert (
        plan.events.set_index("id")
        .loc["acled:MLI9000", "summary"]
        .startswith("l’armée a réagi à Ménaka, cœur")
    )


def test_xlsx_formulas_without_a_computed_value_reject_their_row(tmp_path):
    # A workbook written by a program that computes nothing (openpyxl, pandas): the
    # formulas have no value, which would read as blank cells (an actor or a count lost).
    rows: list[list[object]] = [list(r) for r in acled_rows(4)]
    rows[0][COL["actor1"]] = '=HYPERLINK("http://evil.example","x")'
    rows[1][COL["fatalities"]] = "=1+1"
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(xlsx_bytes({"Sheet1": [HEADER, *rows]}))
    assert workbook.has_formulas(path)
    plan = prepare(path, store=Store())
    assert plan.accepted == 2
    assert [(p.row, p.column) for p in plan.problems] == [(2, "actor1"), (3, "fatalities")]
    assert "'=1+1') with no computed value in column fatalities" in plan.problems[1].reason
    assert "sans valeur calculée dans la colonne fatalities" in plan.problems[1].text("fr")
    # The values Excel or LibreOffice computed and saved are read, as they show them.
    xml = sheet_xml(path.read_bytes())
    assert b"<f>1+1</f><v />" in xml
    path.write_bytes(
        with_part(
            path.read_bytes(),
            "xl/worksheets/sheet1.xml",
            xml.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>").replace(
                b'<c r="H2"><f>HYPERLINK("http://evil.example","x")</f><v />',
                b'<c r="H2" t="str"><f>HYPERLINK("http://evil.example","x")</f><v>x</v>',
            ),
        )
    )
    plan = prepare(path, store=Store())
    assert plan.accepted == 4 and not plan.problems
    ev = plan.events.set_index("id")
    assert ev.loc["acled:BFA9001", "fatalities_low"] == 2
    assert ev.loc["acled:MLI9000", "actors"].startswith("x; ")


def test_a_workbook_without_formulas_is_read_once(tmp_path, openpyxl_calls):
    path = tmp_path / "plain.xlsx"
    path.write_bytes(ACLED_XLSX)
    assert not workbook.has_formulas(path)
    prepare(path, store=Store())
    assert len(openpyxl_calls) == 2  # the header, then the rows: no second reading


def test_a_stray_nul_in_the_first_block_is_named_by_its_line(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_bytes(_nul_far().replace(b"Tinzaouaten", b"Tinza\x00ouaten", 1))
    with pytest.raises(ImportFileError, match="NUL byte") as err:
        prepare(path, store=Store())
    assert err.value.where == "stray.csv, line 2"
