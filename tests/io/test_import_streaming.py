"""Streaming imports: the fast reader and chunked validation give exactly what the strict
reader and one chunk give (rows, lines, problems, counts), and the size limit follows from
the memory available and is said with the file's name."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.io import importers
from geo.io.importers import ImportFileError, prepare, reading
from geo.io.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


# --- the fast reader against the strict one --------------------------------------------------


def _items(items) -> list[tuple]:
    out: list[tuple] = []
    for item in items:
        if isinstance(item, reading.Block):
            for row, line in zip(item.table.to_pylist(), item.lines.tolist(), strict=True):
                out.append(("row", line, list(row.values())))
        elif isinstance(item, reading.Record):
            out.append(("row", item.first_line, item.fields))
        else:
            out.append(("malformed", item.first_line, item.last_line, item.reason))
    return out


def _both(
    path: Path, n_fields: int, block: int, codec: str = "utf-8", delimiter: str = ","
) -> tuple[tuple, tuple]:
    enc = reading.TextEncoding(codec, 0, "\n")
    results = []
    for how in ("strict", "fast"):
        try:
            if how == "strict":
                got = reading.records(reading.physical_lines(path, enc), delimiter, 1, n_fields)
            else:
                got = reading.rows(path, enc, 1, delimiter, n_fields, block_bytes=block)
            results.append((_items(got), None))
        except reading.ReadError as err:
            results.append((None, (err.what.en, err.line)))
    return results[0], results[1]


def _random_csv(rng: random.Random, n: int) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.7:  # a row, mostly well formed
            cells = []
            for _ in range(n if rng.random() < 0.85 else rng.randint(1, 5)):
                cell = "".join(
                    rng.choice(["a", "b", " ", "é", "\n", ",", '"'])
                    for _ in range(rng.randint(0, 4))
                )
                if rng.random() < 0.5 or any(ch in cell for ch in ',"\n'):
                    cell = '"' + cell.replace('"', '""') + '"'
                cells.append(cell)
            parts.append(",".join(cells) + rng.choice(["\n", "\n", "\r\n", ""]))
        else:  # noise: stray quotes, carriage returns, blank lines
            parts.append(
                "".join(
                    rng.choice(["a", ",", '"', "\n", "\r", " ", "x,y", '""'])
                    for _ in range(rng.randint(0, 8))
                )
            )
    return "".join(parts)


@pytest.mark.parametrize("seed", range(4))
def test_fast_reader_equals_strict_reader_on_random_text(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "random.csv"
    for _ in range(300):
        n = rng.choice([1, 2, 3, 4])
        codec = rng.choice(["utf-8", "utf-8", "utf-16-le", "cp1252"])
        data = _random_csv(rng, n).encode(codec)
        if rng.random() < 0.05:
            data += b"\xff\xfe\xfd" + "a,b\n".encode(codec)  # not valid text
        if rng.random() < 0.03:
            data += "\x00\n".encode(codec)
        path.write_bytes(data)
        block = rng.choice([1, 2, 3, 7, 64, 1 << 20])
        strict, fast = _both(path, n, block, codec)
        assert fast == strict, (data, block)


def test_fast_reader_blocks_and_borders(tmp_path):
    """A clean file read in blocks of a few bytes: records (with quoted line breaks, CR LF
    endings, blank lines) are cut across every block border, lines stay physical."""
    path = tmp_path / "clean.csv"
    rows = [f'{i},"note {i}\r\nsecond ""line""",x{i}\r\n' for i in range(40)]
    rows.insert(10, "\r\n")
    rows.insert(25, ",,\n")
    path.write_bytes("".join(rows).encode())
    strict, _ = _both(path, 3, 1 << 20)
    for block in (1, 5, 13, 64, 1 << 20):
        assert _both(path, 3, block)[1] == strict
    assert [r[1] for r in strict[0][:3]] == [1, 3, 5]
    assert len(strict[0]) == 40


def test_fast_reader_reads_plain_blocks_in_c(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("".join(f'{i},"a\nb",c\n' for i in range(1000)))
    enc = reading.TextEncoding("utf-8", 0, "\n")
    items = list(reading.rows(path, enc, 1, ",", 3, block_bytes=4096))
    assert all(isinstance(i, reading.Block) for i in items)
    assert sum(i.table.num_rows for i in items) == 1000


# --- chunked validation against one chunk ----------------------------------------------------


def _acled_with_problems(tmp_path: Path, n: int = 50) -> Path:
    from scripts.synthetic_acled import generate

    frame = generate(n, seed=3).astype(str)
    frame.loc[3, "event_date"] = "32 March 2020"  # unparseable date
    frame.loc[6, "fatalities"] = "many"  # not a number
    frame.loc[7, "event_id_cnty"] = frame.loc[2, "event_id_cnty"]  # duplicate, chunk 2
    frame.loc[13, "event_id_cnty"] = frame.loc[1, "event_id_cnty"]  # duplicate, later chunk
    frame.loc[20, "latitude"] = "91"  # out of range
    frame.loc[27, "event_type"] = ""  # required
    frame.loc[34, "iso"] = "999"
    frame.loc[34, "country"] = "Atlantis"
    frame.loc[48, "inter1"] = "Aliens"
    frame.loc[12, "notes"] = 'two\nlines, a comma and "quotes"'
    frame.loc[41, "notes"] = "line one\nline two\nline three"
    path = tmp_path / "acled_problems.csv"
    frame.to_csv(path, index=False)
    text = path.read_text().splitlines(keepends=True)
    # A row with a missing cell, one with a stray quote, a blank line.
    text.insert(18, text[18].rsplit(",", 2)[0] + "\n")
    text.insert(30, 'X1,"2020-01-01,broken\n')
    text.insert(45, "\n")
    path.write_text("".join(text))
    return path


def _report(plan: importers.ImportPlan) -> tuple:
    return (
        plan.total_rows,
        plan.accepted,
        plan.skipped,
        len(plan.rejected),
        [(p.row, p.column, p.reason, p.rejected) for p in plan.problems],
        plan.rejected.to_dict("records"),
    )


def test_chunks_of_seven_rows_equal_one_chunk(store, tmp_path, monkeypatch):
    path = _acled_with_problems(tmp_path)
    today = pd.Timestamp("2026-01-01").date()
    whole = prepare(path, store=store, chunk_rows=10**6, today=today)
    assert whole.problems and len(whole.rejected) >= 8  # the problems above are there
    lines = {p.row for p in whole.problems}
    assert {31, 46} & lines or any(p.row >= 31 for p in whole.problems)
    monkeypatch.setattr(reading, "FAST_BLOCK_BYTES", 200)  # records cut across blocks
    chunked = prepare(path, store=store, chunk_rows=7, today=today)
    assert _report(chunked) == _report(whole)
    pd.testing.assert_frame_equal(chunked.events, whole.events)
    # And the strict reader alone (the fast path switched off) agrees too.
    monkeypatch.setattr(
        reading,
        "rows",
        lambda p, enc, line, sep, n, block=0: reading.records(
            reading.physical_lines(p, enc, reading._line_offset(p, enc, line), line), sep, line, n
        ),
    )
    strict = prepare(path, store=store, chunk_rows=7, today=today)
    assert _report(strict) == _report(whole)
    pd.testing.assert_frame_equal(strict.events, whole.events)


def test_stored_snapshot_equals_sqlite_read(store, tmp_path):
    """The read cache written from the imported frame (no SQLite round trip) is what
    reading the store back from SQLite gives."""
    path = _acled_with_problems(tmp_path)
    plan = prepare(path, store=store)
    importers.commit(plan, store)
    cached = store.load_events()
    _, from_sql = store._load_sql(None)
    pd.testing.assert_frame_equal(
        cached.reset_index(drop=True), from_sql.reset_index(drop=True), check_dtype=False
    )
    assert len(cached) == plan.accepted


# --- the size limit --------------------------------------------------------------------------


def test_size_limit_follows_available_memory():
    small = importers.max_file_bytes(available=2 * 1024**3)
    large = importers.max_file_bytes(available=16 * 1024**3)
    assert large > 7 * small  # proportional beyond the fixed cost
    # ~16 GiB available: a 1M-row ACLED CSV (~370 MB) is accepted.
    assert large > 400 * 1024**2
    assert importers.max_file_bytes(available=10 * 1024**2) == importers.MIN_FILE_BYTES
    # The Data page also holds the upload in memory: a lower limit.
    from geo.ui.data import page_limit_bytes

    assert page_limit_bytes(16 * 1024**3) < large


def test_file_above_the_limit_is_refused_naming_file_and_limit(store, tmp_path, monkeypatch):
    path = tmp_path / "acled_big.csv"
    with path.open("wb") as fh:
        fh.truncate(120 * 1024**2)  # sparse: nothing written or read
    monkeypatch.setattr(importers, "available_memory", lambda: 1024**3)
    limit_mb = round(importers.max_file_bytes() / 1024**2)
    with pytest.raises(ImportFileError) as err:
        prepare(path, store=store)
    assert err.value.where == "acled_big.csv"
    assert f"(120 MB; the limit is {limit_mb} MB" in err.value.what
    assert err.value.fix


def test_command_line_says_the_limit(tmp_path):
    path = tmp_path / "acled_big.csv"
    with path.open("wb") as fh:
        fh.truncate(120 * 1024**2)
    code = (
        "import sys; from geo.io import importers; "
        "importers.available_memory = lambda: 1024**3; "
        "from geo.io.cli import main; raise SystemExit(main(sys.argv[1:]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "import", str(path), "--yes"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"SAHEL_ATLAS_DATA_DIR": str(tmp_path / "store"), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 1
    assert "too large (120 MB; the limit is" in out.stderr
    assert "Where: acled_big.csv" in out.stderr and "Traceback" not in out.stderr
