"""Build the app's curated event dataset data/events/ from the verified facts file.

Source: ``../shared/facts/events.csv`` beside the repository (116 verified geocoded events),
or the path given as the first argument, plus the hand curation ``data/events/curation.yaml``
(``--curation``).
The app never reads the source at run time, only this script's output.

Transformation (recorded in data/events/PROVENANCE.json):
1. read every cell as text; ids, dates, categories, places, coordinates, actors, fatalities,
   summaries and all source URLs are copied verbatim (URLs re-joined with single spaces),
   except where step 4 says otherwise;
2. rename columns to the app's schema (data/events/DATA_DICTIONARY.md): event_date -> date,
   admin1 -> admin1_source_name, source_urls -> sources; add dataset = "curated";
3. date_end: for a ``range`` event, the last day stated in its own summary (table
   DATE_END_FROM_SUMMARY below, with the quoted words); blank where the summary states no end;
4. apply data/events/curation.yaml: per event, its French summary and place (to
   events_fr.csv), English texts that replace the sheet's, corrected fields and replaced or
   added sources (each with its reason and source), an admin-1 unit set by the sources
   (to admin1_overrides.csv); then the added events, with all their fields and sources.
   Every change is listed in PROVENANCE.json under "curation"; every verified event must
   have a French summary, and a French place when its place has a descriptor;
5. admin1_id / admin1_name by point-in-polygon on data/boundaries/admin1.geojson
   (geo.io.events.assign_admin1), not copied from the source's admin-1 name, except for the
   admin-1 overrides of step 4;
6. rows whose ``verified`` is not ``true`` go to events_unverified.csv, never to events.csv;
7. every actor name written by a verified event must have its English and French display
   names in data/events/actor_names.yaml (``--names``, hand-written); a name without one
   fails the build (the table's file, hash and size are in PROVENANCE.json, "actor_names");
8. both files are re-read with geo.io.events.load_events; any problem fails the build.

Run: ``python -m scripts.build_events [SOURCE_CSV] [--curation YAML] [--names YAML]
[--out-dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

from geo.io.actors import NAMES_FILE, read_names, written_key
from geo.io.events import apply_admin1_overrides, assign_admin1, load_events
from geo.io.eventtexts import FRENCH_COLUMNS
from geo.io.paths import DATA_DIR
from geo.model.events import CSV_COLUMNS, split_actors

# The reference sheets sit beside the repository (/work/shared/facts here, ../shared/facts in CI).
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "facts" / "events.csv"
SOURCE_COLUMNS = (
    "id",
    "event_date",
    "date_precision",
    "category",
    "subtype",
    "country_iso3",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities_low",
    "fatalities_high",
    "summary",
    "source_urls",
    "verified",
)
RENAME = {"event_date": "date", "admin1": "admin1_source_name", "source_urls": "sources"}
DATASET = "curated"
DEFAULT_CURATION = DATA_DIR / "events" / "curation.yaml"
# Fields a curation entry may correct under ``fix`` (texts and sources have their own keys).
FIXABLE = (
    "date",
    "date_end",
    "date_precision",
    "category",
    "subtype",
    "admin1_source_name",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities_low",
    "fatalities_high",
)
# Fields of an added event, besides id, summary, location and sources.
ADDED_FIELDS = (
    "date",
    "date_end",
    "date_precision",
    "category",
    "subtype",
    "country_iso3",
    "admin1_source_name",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities_low",
    "fatalities_high",
)

# Last day of multi-day ("range") events, transcribed from each event's own summary.
# Range events whose summary gives no end (MLI-2022-03-08-TAMALAT "over several days",
# BFA-2019-01-01-YIRGOU) and MLI-2012-01-24-AGUELHOK (whose date is already the last day)
# keep a blank date_end, read as "same as date".
DATE_END_FROM_SUMMARY: dict[str, tuple[str, str]] = {
    "MLI-2012-04-30-COUP": ("2012-05-01", "on 30 April–1 May 2012"),
    "BFA-2015-09-16-COUP": (
        "2015-09-23",
        "the transitional government was restored on 23 September",
    ),
    "GNB-2023-11-30-COUP": ("2023-12-01", "on 30 November–1 December 2023"),
    "MLI-2015-08-07-SEVARE": (
        "2015-08-08",
        "for almost 24 hours until troops stormed it on 8 August",
    ),
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
    out["admin1_id"] = ""
    out["admin1_name"] = ""
    return out.reindex(columns=list(CSV_COLUMNS), fill_value="")


def locate(events: pd.DataFrame, overrides: dict[str, str]) -> pd.DataFrame:
    """``events`` with admin1_id / admin1_name: point-in-polygon, then the overrides."""
    located = pd.DataFrame(
        {
            "id": events["id"],
            "dataset": events["dataset"],
            "country_iso3": events["country_iso3"].str.strip(),
            "latitude": pd.to_numeric(events["latitude"], errors="coerce"),
            "longitude": pd.to_numeric(events["longitude"], errors="coerce"),
        },
        index=events.index,
    )
    admin1 = apply_admin1_overrides(assign_admin1(located), overrides)
    out = events.copy()
    out["admin1_id"] = admin1["admin1_id"].astype(str)
    out["admin1_name"] = admin1["admin1_name"].astype(str)
    return out


class CurationError(SystemExit):
    """A malformed curation file; the message names the file and the entry."""


# A place with a descriptor (lower-case words: "giraffe reserve", "road", "near", "and", or
# a parenthesis) needs its French wording; a bare name ("Bamako", "Tin-Akoff") does not.
_DESCRIPTOR = r"\(|(?<![\w'’-])[a-z]{2,}\b|~"


def has_descriptor(location: str) -> bool:
    import re

    return re.search(_DESCRIPTOR, location) is not None


@dataclass
class Curated:
    """The result of applying the curation: events, French texts, overrides, change log."""

    events: pd.DataFrame
    french: pd.DataFrame
    overrides: dict[str, dict[str, str]]
    changes: list[dict[str, str]] = field(default_factory=list)
    added: list[dict[str, object]] = field(default_factory=list)


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CurationError(f"{where}: {key!r} must be a non-empty text")
    return " ".join(value.split())


def _reasoned(entry: dict, where: str) -> tuple[str, str]:
    reason = _text(entry, "reason", where)
    source = entry.get("source", "")
    if source and not str(source).startswith(("http://", "https://")):
        raise CurationError(f"{where}: source {source!r} is not an http(s) URL")
    return reason, str(source or "")


def apply_curation(events: pd.DataFrame, curation: dict, name: str) -> Curated:
    """Apply ``curation`` (the parsed curation file ``name``) to the sheet's ``events``."""
    if not isinstance(curation, dict):
        raise CurationError(f"{name}: expected a mapping with 'events' and 'added'")
    out = events.copy().set_index("id", drop=False)
    french: dict[str, tuple[str, str]] = {}
    overrides: dict[str, dict[str, str]] = {}
    result = Curated(events, pd.DataFrame(), overrides)

    def log(ident: str, column: str, old: str, new: str, reason: str, source: str) -> None:
        result.changes.append(
            {
                "id": ident,
                "field": column,
                "from": old,
                "to": new,
                "reason": reason,
                "source": source,
            }
        )

    per_event = curation.get("events") or {}
    added = curation.get("added") or []
    if not isinstance(per_event, dict) or not isinstance(added, list):
        raise CurationError(f"{name}: 'events' must be a mapping by id, 'added' a list")
    for index, entry in enumerate(added):
        where = f"{name}: added[{index}]"
        if not isinstance(entry, dict):
            raise CurationError(f"{where}: expected a mapping")
        ident = _text(entry, "id", where)
        if ident in out.index:
            raise CurationError(f"{where}: id {ident} is already in the source")
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update({"id": ident, "dataset": DATASET, "verified": "true"})
        for column in ADDED_FIELDS:
            value = entry.get(column, "")
            row[column] = "" if value is None else str(value)
        for column in ("date", "date_precision", "category", "subtype", "country_iso3"):
            if not row[column]:
                raise CurationError(f"{where}: {column!r} is missing")
        urls = entry.get("sources")
        if not isinstance(urls, list) or not urls:
            raise CurationError(f"{where}: 'sources' must be a non-empty list of URLs")
        row["sources"] = " ".join(str(u).strip() for u in urls)
        row["summary"] = _text(entry.get("en") or {}, "summary", f"{where}: en")
        row["location"] = _text(entry.get("en") or {}, "location", f"{where}: en")
        reason = _text(entry, "reason", where)
        out.loc[ident] = pd.Series(row)
        per_event.setdefault(ident, {})
        per_event[ident] = {**per_event[ident], "fr": entry.get("fr")}
        result.added.append({"id": ident, "reason": reason, "sources": urls})

    for ident, entry in per_event.items():
        where = f"{name}: events.{ident}"
        if ident not in out.index:
            raise CurationError(f"{where}: no event with this id in the source")
        if not isinstance(entry, dict):
            raise CurationError(f"{where}: expected a mapping")
        unknown = sorted(set(entry) - {"fr", "en", "fix", "admin1", "sources"})
        if unknown:
            raise CurationError(f"{where}: unknown key(s) {', '.join(unknown)}")
        fr = entry.get("fr") or {}
        summary_fr = _text(fr, "summary", f"{where}: fr")
        location_fr = " ".join(str(fr.get("location") or "").split())
        french[ident] = (location_fr, summary_fr)
        en = entry.get("en")
        if en:
            reason, source = _reasoned(en, f"{where}: en")
            for key, column in (("summary", "summary"), ("location", "location")):
                if key in en:
                    new = _text(en, key, f"{where}: en")
                    log(ident, column, out.at[ident, column], new, reason, source)
                    out.at[ident, column] = new
        fix = entry.get("fix")
        if fix:
            reason, source = _reasoned(fix, f"{where}: fix")
            for column, value in fix.items():
                if column in ("reason", "source"):
                    continue
                if column not in FIXABLE:
                    raise CurationError(f"{where}: fix: {column!r} cannot be corrected here")
                new = "" if value is None else str(value)
                log(ident, column, out.at[ident, column], new, reason, source)
                out.at[ident, column] = new
        replaced = entry.get("sources")
        if replaced:
            reason, _ = _reasoned(replaced, f"{where}: sources")
            urls = out.at[ident, "sources"].split()
            for old, new in (replaced.get("replace") or {}).items():
                if old not in urls:
                    raise CurationError(f"{where}: sources: {old} is not cited by the event")
                urls[urls.index(old)] = str(new)
            for old in replaced.get("drop") or []:
                if old not in urls:
                    raise CurationError(f"{where}: sources: {old} is not cited by the event")
                urls.remove(old)
            urls += [str(u) for u in replaced.get("add") or [] if str(u) not in urls]
            if not urls:
                raise CurationError(f"{where}: sources: no source left")
            new = " ".join(dict.fromkeys(urls))
            log(ident, "sources", out.at[ident, "sources"], new, reason, "")
            out.at[ident, "sources"] = new
        admin1 = entry.get("admin1")
        if admin1:
            reason, source = _reasoned(admin1, f"{where}: admin1")
            overrides[ident] = {
                "admin1_id": _text(admin1, "id", f"{where}: admin1"),
                "reason": reason,
                "source": source,
            }

    verified = out["verified"].str.strip().str.lower() == "true"
    for ident, location in out.loc[verified, "location"].items():
        if ident not in french:
            raise CurationError(f"{name}: events.{ident}: no French summary (fr.summary)")
        if has_descriptor(location) and not french[ident][0]:
            raise CurationError(
                f"{name}: events.{ident}: the place {location!r} has a "
                "descriptor: give its French wording (fr.location)"
            )
    result.events = out.reset_index(drop=True)[list(CSV_COLUMNS)]
    result.french = pd.DataFrame(
        [(ident, *french[ident]) for ident in result.events["id"] if ident in french],
        columns=list(FRENCH_COLUMNS),
    )
    return result


def unnamed_actors(events: pd.DataFrame, names: Path) -> list[str]:
    """The actor names of ``events`` that the French name table ``names`` does not list,
    each once, in the order of the events. A malformed table stops the build."""
    try:
        french = read_names(names)
    except ValueError as err:
        raise CurationError(str(err)) from err
    missing = {
        name: None
        for text in events["actors"]
        for name in split_actors(text)
        if written_key(name) not in french
    }
    return list(missing)


def _norm(name: str) -> str:
    name = name.split("(")[0].strip().casefold()
    return name.removesuffix(" district").strip()


def admin1_differences(events: pd.DataFrame) -> list[dict[str, str]]:
    """Events whose computed admin-1 name differs from the source's name (for review)."""
    from geo.io.boundaries import load_admin1

    names = load_admin1().set_index("id")[["name_en", "name_fr"]]
    rows = []
    for ev in events.itertuples():
        if ev.country_iso3 not in ("MLI", "BFA", "NER"):
            continue
        ours = {_norm(n) for n in names.loc[ev.admin1_id]} if ev.admin1_id else set()
        if _norm(ev.admin1_source_name) not in ours:
            rows.append(
                {
                    "id": ev.id,
                    "admin1_source_name": ev.admin1_source_name,
                    "admin1_id": ev.admin1_id,
                    "admin1_name": ev.admin1_name,
                }
            )
    return rows


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--curation", type=Path, default=DEFAULT_CURATION)
    parser.add_argument("--names", type=Path, default=NAMES_FILE)
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR / "events")
    args = parser.parse_args(argv)

    src = pd.read_csv(args.source, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in SOURCE_COLUMNS if c not in src.columns]
    if missing:
        raise SystemExit(f"{args.source}: missing columns {missing}")
    curation = yaml.safe_load(args.curation.read_text(encoding="utf-8"))
    curated = apply_curation(to_app_schema(src[list(SOURCE_COLUMNS)]), curation, args.curation.name)
    overrides = {key: o["admin1_id"] for key, o in curated.overrides.items()}
    events = locate(curated.events, overrides)
    is_verified = events["verified"].str.strip().str.lower() == "true"
    unnamed = unnamed_actors(events[is_verified], args.names)
    if unnamed:
        raise CurationError(
            f"{args.names.name}: no English and French display name for "
            + "; ".join(repr(n) for n in unnamed)
        )

    args.out_dir.mkdir(parents=True, exist_ok=True)
    main_file = args.out_dir / "events.csv"
    unverified_file = args.out_dir / "events_unverified.csv"
    french_file = args.out_dir / "events_fr.csv"
    overrides_file = args.out_dir / "admin1_overrides.csv"
    write_csv(events[is_verified], main_file)
    write_csv(events[~is_verified], unverified_file)
    write_csv(
        curated.french[curated.french["id"].isin(set(events.loc[is_verified, "id"]))], french_file
    )
    write_csv(
        pd.DataFrame(
            [{"id": key, **o} for key, o in curated.overrides.items()],
            columns=["id", "admin1_id", "reason", "source"],
        ),
        overrides_file,
    )

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
        "curation": {
            "file": args.curation.name,
            "sha256": sha256(args.curation),
            "french_texts": len(curated.french),
            "changes": curated.changes,
            "added": curated.added,
            "admin1_overrides": [{"id": key, **o} for key, o in curated.overrides.items()],
        },
        "actor_names": {
            "file": args.names.name,
            "sha256": sha256(args.names),
            "names": len(read_names(args.names)),
            "description": "English and French display name of every actor name the "
            "verified events write, entered by hand (the file's header says how).",
        },
        "outputs": {
            path.name: {"rows": int(n), "sha256": sha256(path)}
            for path, n in (
                (main_file, is_verified.sum()),
                (unverified_file, (~is_verified).sum()),
                (french_file, len(pd.read_csv(french_file, dtype=str))),
                (overrides_file, len(curated.overrides)),
            )
        },
        "steps": [line.split(". ", 1)[1] for line in _steps()],
        "date_end_from_summary": {
            key: {"date_end": end, "quote": quote}
            for key, (end, quote) in DATE_END_FROM_SUMMARY.items()
        },
        "admin1_differs_from_source_name": admin1_differences(events),
    }
    (args.out_dir / "PROVENANCE.json").write_text(
        json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
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
