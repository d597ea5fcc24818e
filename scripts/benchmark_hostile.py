"""Benchmark of the importer's bounds on hostile files (timings are measured here, not in
tests).

Builds in a temporary folder and times the refusal (``geo.io.importers.prepare``) of:

1. a zip bomb: a workbook of a few hundred kB whose sheet expands to ``--bomb-gb`` GB;
2. a "billion laughs" workbook (entity expansion in the shared strings);
3. a workbook whose sheet declares 1,048,576 x 702 cells;
4. a CSV of ``--rows`` ACLED rows with an unbalanced quote near the start (the rows after
   it are read and the broken one reported, not merged);

and, for reference, the reading of the same CSV without the fault. Each step reports the
seconds and the peak memory of this process. Figures go to
``artifacts/benchmark_hostile.json``.

    python -m scripts.benchmark_hostile [--bomb-gb 2] [--rows 50000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
FIXTURE = REPO / "tests" / "fixtures" / "acled_labels.csv"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _base_workbook() -> bytes:
    import pandas as pd

    frame = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def _replace(xlsx: bytes, name: str, write) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item))
        write(dst, name)
    return out.getvalue()


def bomb(xlsx: bytes, gigabytes: float) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        head, tail = zf.read("xl/worksheets/sheet1.xml").split(b"</sheetData>")
    row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))

    def write(dst: zipfile.ZipFile, name: str) -> None:
        with dst.open(name, "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(int(gigabytes * 1024)):
                fh.write(block)
            fh.write(b"</sheetData>" + tail)

    return _replace(xlsx, "xl/worksheets/sheet1.xml", write)


def laughs(xlsx: bytes) -> bytes:
    entities = b"".join(
        b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY l0 "lol">' + entities + b"]>"
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&l9;</t></si></sst>"
    )
    return _replace(xlsx, "xl/sharedStrings.xml", lambda dst, name: dst.writestr(name, xml))


def wide(xlsx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    start = xml.index(b"<dimension")
    end = xml.index(b"/>", start) + 2
    xml = xml[:start] + b'<dimension ref="A1:ZZ1048576"/>' + xml[end:]
    return _replace(xlsx, "xl/worksheets/sheet1.xml", lambda dst, name: dst.writestr(name, xml))


def acled_csv(rows: int, broken: bool) -> bytes:
    with FIXTURE.open(newline="", encoding="utf-8") as fh:
        header, *base = list(csv.reader(fh))
    notes = header.index("notes")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(base[i % len(base)])
        row[0] = f"{row[0][:3]}{100000 + i}"
        if broken and i == 10:
            row[notes] = "OPENQUOTE unbalanced"
        writer.writerow(row)
    return buf.getvalue().replace("OPENQUOTE", '"').encode()


def timed(path: Path) -> dict:
    from geo.io import importers
    from geo.io.store import Store

    start = time.perf_counter()
    try:
        plan = importers.prepare(path, store=Store())
        outcome = (
            f"read {plan.total_rows} rows, accepted {plan.accepted}, rejected {len(plan.rejected)}"
        )
    except importers.ImportFileError as err:
        outcome = f"refused: {err.what[:120]}"
    return {
        "file_kb": round(path.stat().st_size / 1024, 1),
        "seconds": round(time.perf_counter() - start, 3),
        "outcome": outcome,
        "peak_mb": round(_peak_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bomb-gb", type=float, default=2.0)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    import os

    results = {}
    with tempfile.TemporaryDirectory(prefix="sahel-hostile-") as folder:
        os.environ["SAHEL_ATLAS_DATA_DIR"] = str(Path(folder) / "store")
        base = _base_workbook()
        cases = {
            f"zip bomb ({args.bomb_gb:g} GB of XML)": (
                "bomb.xlsx",
                lambda: bomb(base, args.bomb_gb),
            ),
            "entity expansion": ("laughs.xlsx", lambda: laughs(base)),
            "declared 1,048,576 x 702 cells": ("wide.xlsx", lambda: wide(base)),
            f"CSV, {args.rows:,} rows, unbalanced quote": (
                "quote.csv",
                lambda: acled_csv(args.rows, broken=True),
            ),
            f"CSV, {args.rows:,} rows (reference)": (
                "clean.csv",
                lambda: acled_csv(args.rows, broken=False),
            ),
        }
        for label, (name, build) in cases.items():
            path = Path(folder) / name
            path.write_bytes(build())
            results[label] = timed(path)
            figures = results[label]
            print(
                f"{label:45} {figures['file_kb']:>10,.1f} kB {figures['seconds']:>8.3f} s"
                f"  {figures['outcome']}",
                flush=True,
            )
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "benchmark_hostile.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
