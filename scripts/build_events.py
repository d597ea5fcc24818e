"""Build the app's curated event dataset data/events/ from the verified facts file.

Source: ``/work/shared/facts/events.csv`` (116 verified geocoded events), or the path given as
the first argument. The app never reads the source at run time, only this script's output.

Transformation (recorded in data/events/PROVENANCE.json):
1. read every cell as text; no fact is edited: ids, dates, categories, places, coordinates,
   actors, fatalities, summaries and all source URLs are copied verbatim (URLs re-joined
   with single spaces);
2. rename columns to the app's schema (data/events/DATA_DICTIONARY.md): event_date -> date,
   admin1 -> admin1_source_name, source_urls -> sources; add dataset = "curated";
3. date_end: for a ``range`` event, the last day stated in its own summary (table
   DATE_END_FROM_SUMMARY below, with the quoted words); blank where the summary states no end;
4. admin1_id / admin1_name by point-in-polygon on data/boundaries/admin1.geojson
   (geo.events.assign_admin1), not copied from the source's admin-1 name;
5. rows whose ``verified`` is not ``true`` go to events_unverified.csv, never to events.csv;
6. both files are re-read with geo.events.load_events; any problem fails the build.

Run: ``python scripts/build_events.py [SOURCE_CSV] [--out-dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.events import CSV_COLUMNS, assign_admin1, load_events  # noqa: E402
from geo.paths import DATA_DIR  # noqa: E402

DEFAULT_SOURCE = Path("/work/shared/facts/events.csv")
SOURCE_COLUMNS = (
    "id", "event_date", "date_precision", "category", "subtype", "country_iso3", "admin1",
    "location", "latitude", "longitude", "geo_precision", "actors", "fatalities_low",
    "fatalities_high", "summary", "source_urls", "verified",
)
RENAME = {"event_date": "date", "admin1": "admin1_source_name", "source_urls": "sources"}
DATASET = "curated"

# Last day of multi-day ("range") events, transcribed from each event's own summary.
# Range events whose summary gives no end (MLI-2022-03-08-TAMALAT "over several days",
# BFA-2019-01-01-YIRGOU) and MLI-2012-01-24-AGUELHOK (whose date is already the last day)
# keep a blank date_end, read as "same as date".
DATE_END_FROM_SUMMARY: dict[str, tuple[str, str]] = {
    "MLI-2012-04-30-COUP": ("2012-05-01", "on 30 April–1 May 2012"),
    "BFA-2015-09-16-COUP": ("2015-09-23", "the transitional government was restored on "
                                          "23 September"),
    "GNB-2023-11-30-COUP": ("2023-12-01", "on 30 November–1 December 2023"),
    "MLI-2015-08-07-SEVARE": ("2015-08-08", "for almost 24 hours until troops stormed it on "
                                            "8 August"),
    "MLI-2022-03-27-MOURA": ("2022-03-31", "During a five-day operation from 27 March 2022"),
    "MLI-2024-07-25-TINZAOUATEN": ("2024-07-27", "Over 25–27 July 2024"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def to_app_schema(src: pd.DataFrame) -> pd.DataFrame:
    """The source rows in the app's CSV schema (all text, facts unchanged)."""
    out = src.rename(columns=RENAME).copy()
    out["dataset"] = DATASET
    out["sources"] = out["sources"].str.split().str.join(" ")
    ends = {key: end for key, (end, _) in DATE_END_FROM_SUMMARY.items()}
    out["date_end"] = out["id"].map(ends).fillna("")
    for key, (end, quote) in DATE_END_FROM_SUMMARY.items():
        row = out.loc[out["id"] == key]
        if row.empty:
            continue
        if row["date_precision"].iloc[0] != "range" or quote not in row["summary"].iloc[0]:
            raise SystemExit(f"{key}: date_end table no longer matches the source summary")
        if end < row["date"].iloc[0]:
            raise SystemExit(f"{key}: date_end {end} before date")
    located = pd.DataFrame({
        "country_iso3": out["country_iso3"].str.strip(),
        "latitude": pd.to_numeric(out["latitude"], errors="coerce"),
        "longitude": pd.to_numeric(out["longitude"], errors="coerce"),
    }, index=out.index)
    admin1 = assign_admin1(located)
    out["admin1_id"] = admin1["admin1_id"]
    out["admin1_name"] = admin1["admin1_name"]
    return out.reindex(columns=list(CSV_COLUMNS), fill_value="")


def _norm(name: str) -> str:
    name = name.split("(")[0].strip().casefold()
    return name.removesuffix(" district").strip()


def admin1_differences(events: pd.DataFrame) -> list[dict[str, str]]:
    """Events whose computed admin-1 name differs from the source's name (for review)."""
    from geo.boundaries import load_admin1

    names = load_admin1().set_index("id")[["name_en", "name_fr"]]
    rows = []
    for ev in events.itertuples():
        if ev.country_iso3 not in ("MLI", "BFA", "NER"):
            continue
        ours = ({_norm(n) for n in names.loc[ev.admin1_id]} if ev.admin1_id else set())
        if _norm(ev.admin1_source_name) not in ours:
            rows.append({"id": ev.id, "admin1_source_name": ev.admin1_source_name,
                         "admin1_id": ev.admin1_id, "admin1_name": ev.admin1_name})
    return rows


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR / "events")
    args = parser.parse_args(argv)

    src = pd.read_csv(args.source, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in SOURCE_COLUMNS if c not in src.columns]
    if missing:
        raise SystemExit(f"{args.source}: missing columns {missing}")
    events = to_app_schema(src[list(SOURCE_COLUMNS)])
    is_verified = events["verified"].str.strip().str.lower() == "true"

    args.out_dir.mkdir(parents=True, exist_ok=True)
    main_file = args.out_dir / "events.csv"
    unverified_file = args.out_dir / "events_unverified.csv"
    write_csv(events[is_verified], main_file)
    write_csv(events[~is_verified], unverified_file)

    failed = False
    for path in (main_file, unverified_file):
        loaded = load_events(path)
        for p in loaded.problems:
            print(f"{p.file}:{p.row}: {p.column}: {p.reason}", file=sys.stderr)
            failed = True
        print(f"{path.name}: {len(loaded.events)} events, {len(loaded.problems)} problems")

    provenance = {
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "script": "scripts/build_events.py",
        "source": {
            "file": str(args.source),
            "sha256": sha256(args.source),
            "rows": len(src),
            "description": "Verified geocoded events (coups and attempts across West/Central "
                           "Africa 2012-2026; major insurgency and state-violence events in "
                           "Mali, Burkina Faso and Niger), each with its source URLs.",
        },
        "outputs": {
            path.name: {"rows": int(n), "sha256": sha256(path)}
            for path, n in ((main_file, is_verified.sum()),
                            (unverified_file, (~is_verified).sum()))
        },
        "steps": [line.split(". ", 1)[1] for line in _steps()],
        "date_end_from_summary": {
            key: {"date_end": end, "quote": quote}
            for key, (end, quote) in DATE_END_FROM_SUMMARY.items()
        },
        "admin1_differs_from_source_name": admin1_differences(events),
    }
    (args.out_dir / "PROVENANCE.json").write_text(
        json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


def _steps() -> list[str]:
    """The numbered transformation steps of this module's docstring, one string each."""
    text = __doc__.split("Transformation", 1)[1].split("\n\nRun:", 1)[0]
    steps: list[str] = []
    for line in text.splitlines()[1:]:
        if line[:1].isdigit():
            steps.append(line.strip())
        elif steps:
            steps[-1] += " " + line.strip()
    return steps


if __name__ == "__main__":
    sys.exit(main())
