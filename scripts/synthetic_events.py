"""Synthetic events for benchmarks: N plausible events in Mali, Burkina Faso and Niger.

Points are uniform inside the union of the three AES states (``geo.io.boundaries
.load_countries()``), drawn by vectorised rejection sampling in the bounding box with
``shapely.contains_xy``; each point gets the country that contains it. Dates spread over
2012-01-01 .. today with yearly weights that follow the conflict's growth (few events in
2012-2016, most in 2019-2025); categories, subtypes and display layers come from
:mod:`geo.io.events` (mostly insurgency, a quarter state violence, a few coups), actors from a
short list of real parties, fatalities as low/high ranges (some unknown), one or two
``https://`` source URLs per event, unique ids ``SYN-<ISO3>-<YYYYMMDD>-<n>``, dataset
``synthetic``, ``verified`` false. Nothing here is a real event.

Use from Python::

    from scripts.synthetic_events import make_events, synthetic_rows
    events = make_events(10_000, seed=1)     # the app's event model (MODEL_COLUMNS)
    rows = synthetic_rows(10_000, seed=1)    # the same events as CSV text (CSV_COLUMNS)

or write a CSV in the app's schema (``data/events/DATA_DICTIONARY.md``) that
``geo.io.events.load_events`` reads with zero problems, e.g. to run the app on it::

    .venv/bin/python -m scripts.synthetic_events 50000 --seed 1 --out /tmp/events_50k.csv
    SAHEL_ATLAS_EVENTS=/tmp/events_50k.csv .venv/bin/streamlit run dashboard.py

``--check`` re-reads the written file with ``load_events`` and fails on any problem.
Same ``n`` and ``seed`` give the same file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date as Date
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.io.boundaries import load_africa_countries, load_countries
from geo.io.events import load_events, validate_events
from geo.model.countries import AES_MEMBERS
from geo.model.events import CSV_COLUMNS, SUBTYPES

DATASET = "synthetic"
FIRST_DAY = pd.Timestamp("2012-01-01")
# Relative number of events per year (roughly the shape of ACLED's counts for the three
# states: the 2012 northern Mali war, then growth from 2016 and a plateau after 2021).
YEAR_WEIGHTS: dict[int, float] = {
    2012: 3,
    2013: 3,
    2014: 1.5,
    2015: 2,
    2016: 3,
    2017: 5,
    2018: 9,
    2019: 16,
    2020: 20,
    2021: 24,
    2022: 30,
    2023: 32,
    2024: 30,
    2025: 28,
    2026: 26,
}
CATEGORY_WEIGHTS: dict[str, float] = {"insurgency": 0.72, "state-violence": 0.27, "coup": 0.01}
COUP_SUBTYPE_WEIGHTS: dict[str, float] = {"successful": 0.2, "attempted": 0.3, "alleged-plot": 0.5}
VIOLENCE_SUBTYPE_WEIGHTS: dict[str, float] = {
    "attack-on-military": 0.20,
    "attack-on-civilians": 0.24,
    "massacre": 0.04,
    "ambush": 0.10,
    "capture-of-town": 0.02,
    "bombing": 0.08,
    "siege": 0.01,
    "kidnapping": 0.07,
    "armed-clash": 0.16,
    "air-or-drone-strike": 0.06,
    "other": 0.02,
}
INSURGENT_ACTORS: tuple[str, ...] = (
    "JNIM",
    "Islamic State Sahel Province (ISSP)",
    "Ansarul Islam",
    "Katiba Macina",
    "Front de Libération de l'Azawad (FLA)",
    "Unidentified armed group",
)
STATE_ACTORS: dict[str, tuple[str, ...]] = {
    "MLI": ("Malian Armed Forces (FAMa)", "Wagner Group / Africa Corps", "Dan Na Ambassagou"),
    "BFA": ("Burkinabe Armed Forces", "Volunteers for the Defense of the Homeland (VDP)"),
    "NER": ("Niger Armed Forces (FAN)", "Niger National Guard"),
}
VICTIMS = "Civilians"
SOURCE_SITES: tuple[str, ...] = (
    "https://acleddata.com/synthetic/",
    "https://ucdp.uu.se/synthetic/",
    "https://www.reuters.com/synthetic/",
    "https://www.rfi.fr/synthetic/",
)
DATE_PRECISION_WEIGHTS: dict[str, float] = {
    "day": 0.80,
    "approx": 0.10,
    "range": 0.05,
    "month": 0.05,
}
GEO_PRECISION_WEIGHTS: dict[str, float] = {"1": 0.65, "2": 0.28, "3": 0.07}
UNKNOWN_FATALITIES_SHARE = 0.15
RANGE_SHARE = 0.30  # share of known tolls given as a low-high range rather than one figure


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def sample_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(lon, lat, iso3)``: ``n`` points uniform inside the union of MLI, BFA and NER.

    Rejection sampling in the union's bounding box, in vectorised batches. A point is kept
    only when it is also inside the same country's outline used for validation
    (``load_africa_countries``), so every point passes ``validate_events``. Uniform in
    degrees, which is close enough to uniform in area at these latitudes for a benchmark.
    """
    countries = load_countries().set_index("iso3").geometry
    africa = load_africa_countries().set_index("iso3").geometry
    shapes = {iso3: countries[iso3] for iso3 in AES_MEMBERS}
    checks = {iso3: africa[iso3] for iso3 in AES_MEMBERS}
    for geom in (*shapes.values(), *checks.values()):
        shapely.prepare(geom)
    union = shapely.union_all(list(shapes.values()))
    x0, y0, x1, y1 = union.bounds
    accept = union.area / ((x1 - x0) * (y1 - y0))
    lons, lats, codes = [], [], []
    found = 0
    while found < n:
        batch = int((n - found) / accept * 1.2) + 64
        x = rng.uniform(x0, x1, batch)
        y = rng.uniform(y0, y1, batch)
        iso3 = np.full(batch, "", dtype=object)
        for code, geom in shapes.items():
            inside = (iso3 == "") & shapely.contains_xy(geom, x, y)
            inside &= shapely.contains_xy(checks[code], x, y)
            iso3[inside] = code
        keep = iso3 != ""
        lons.append(x[keep])
        lats.append(y[keep])
        codes.append(iso3[keep])
        found += int(keep.sum())
    return (np.concatenate(lons)[:n], np.concatenate(lats)[:n], np.concatenate(codes)[:n])


def sample_dates(n: int, rng: np.random.Generator, today: Date) -> pd.DatetimeIndex:
    """Days between 2012-01-01 and ``today``, weighted by :data:`YEAR_WEIGHTS`."""
    last = pd.Timestamp(today)
    years = np.array([y for y in YEAR_WEIGHTS if pd.Timestamp(year=y, month=1, day=1) <= last])
    p = np.array([YEAR_WEIGHTS[y] for y in years], dtype=float)
    year = years[rng.choice(len(years), size=n, p=p / p.sum())]
    starts = pd.to_datetime({"year": year, "month": 1, "day": 1})
    ends = pd.to_datetime({"year": year, "month": 12, "day": 31}).clip(upper=last)
    span = (ends - starts).dt.days.to_numpy() + 1
    offset = np.floor(rng.random(n) * span).astype("int64")
    return pd.DatetimeIndex(starts + pd.to_timedelta(offset, unit="D"))


def _actors(
    category: np.ndarray, iso3: np.ndarray, subtype: np.ndarray, rng: np.random.Generator
) -> list[str]:
    insurgent = np.array(INSURGENT_ACTORS, dtype=object)[
        rng.integers(0, len(INSURGENT_ACTORS), len(category))
    ]
    pick = rng.random(len(category))
    out = []
    for cat, code, sub, rebel, u in zip(category, iso3, subtype, insurgent, pick, strict=True):
        states = STATE_ACTORS[code]
        state = states[int(u * len(states))]
        if cat == "coup":
            out.append(f"{state} (mutineers); Government of {code}")
        elif cat == "state-violence":
            out.append(f"{state}; {VICTIMS}")
        elif sub in ("attack-on-civilians", "massacre", "kidnapping"):
            out.append(f"{rebel}; {VICTIMS}")
        else:
            out.append(f"{rebel}; {state}")
    return out


def synthetic_rows(n: int, seed: int = 0, today: Date | None = None) -> pd.DataFrame:
    """``n`` synthetic events as CSV text, columns :data:`geo.model.events.CSV_COLUMNS`."""
    if n < 0:
        raise ValueError("n must be >= 0")
    today = today or Date.today()
    rng = np.random.default_rng(seed)
    lon, lat, iso3 = sample_points(n, rng)
    start = sample_dates(n, rng, today)

    category = _choice(rng, CATEGORY_WEIGHTS, n)
    subtype = np.where(
        category == "coup",
        _choice(rng, COUP_SUBTYPE_WEIGHTS, n),
        _choice(rng, VIOLENCE_SUBTYPE_WEIGHTS, n),
    )
    for cat, allowed in SUBTYPES.items():  # guard: the vocabulary must stay valid
        assert set(subtype[category == cat]) <= set(allowed)

    precision = _choice(rng, DATE_PRECISION_WEIGHTS, n)
    month_start = start.to_period("M").to_timestamp()
    start = pd.DatetimeIndex(np.where(precision == "month", month_start, start))
    last = pd.Timestamp(today)
    end = start + pd.to_timedelta(rng.integers(1, 6, n), unit="D")
    end = end.where(end <= last, last)
    is_range = (precision == "range") & (end > start)
    precision = np.where((precision == "range") & ~is_range, "day", precision)
    date_text = start.strftime("%Y-%m-%d")
    end_text = np.where(is_range, end.strftime("%Y-%m-%d"), "")

    known = rng.random(n) >= UNKNOWN_FATALITIES_SHARE
    heavy = np.isin(subtype, ["massacre", "capture-of-town", "siege"])
    low = rng.negative_binomial(1, np.where(heavy, 0.03, 0.2), n)
    high = low + np.ceil(low * rng.uniform(0.1, 1.5, n)).astype(int)
    ranged = known & (rng.random(n) < RANGE_SHARE) & (high > low)
    low_text = np.where(known, low.astype(str), "")
    high_text = np.where(ranged, high.astype(str), np.where(known, low.astype(str), ""))
    coup = category == "coup"
    low_text = np.where(coup, "", low_text)  # coups: tolls usually unknown
    high_text = np.where(coup, "", high_text)

    number = np.arange(1, n + 1)
    ids = [
        f"SYN-{c}-{d.replace('-', '')}-{k:06d}"
        for c, d, k in zip(iso3, date_text, number, strict=True)
    ]
    site = rng.integers(0, len(SOURCE_SITES), n)
    two = rng.random(n) < 0.3
    sources = [
        SOURCE_SITES[s]
        + ident.lower()
        + (" " + SOURCE_SITES[(s + 1) % len(SOURCE_SITES)] + ident.lower() if t else "")
        for s, ident, t in zip(site, ids, two, strict=True)
    ]
    location = [f"Locality {k:05d}" for k in rng.integers(0, 20_000, n)]
    summary = [
        f"Synthetic {cat} event ({sub}) for benchmarking; not a real event."
        for cat, sub in zip(category, subtype, strict=True)
    ]
    rows = pd.DataFrame(
        {
            "id": ids,
            "dataset": DATASET,
            "date": date_text,
            "date_end": end_text,
            "date_precision": precision,
            "category": category,
            "subtype": subtype,
            "country_iso3": iso3,
            "admin1_id": "",
            "admin1_name": "",
            "admin1_source_name": "",
            "location": location,
            "latitude": np.char.mod("%.5f", lat),
            "longitude": np.char.mod("%.5f", lon),
            "geo_precision": _choice(rng, GEO_PRECISION_WEIGHTS, n),
            "actors": _actors(category, iso3, subtype, rng),
            "fatalities_low": low_text,
            "fatalities_high": high_text,
            "summary": summary,
            "sources": sources,
            "verified": "false",
        }
    )
    return rows.reindex(columns=list(CSV_COLUMNS), fill_value="").astype(str)


def make_events(n: int, seed: int = 0, today: Date | None = None) -> pd.DataFrame:
    """``n`` synthetic events in the app's event model (:data:`geo.model.events.MODEL_COLUMNS`).

    Built from :func:`synthetic_rows` through ``geo.io.events.validate_events``, so it is
    exactly what the app would load from the CSV; raises if any row has a problem.
    """
    events, problems = validate_events(synthetic_rows(n, seed, today), "synthetic", today)
    if problems:
        raise ValueError(f"{len(problems)} problems in synthetic events, first: {problems[0]}")
    return events


def write_csv(path: Path, n: int, seed: int = 0, today: Date | None = None) -> Path:
    """Write ``n`` synthetic events as a CSV in the app's schema; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_rows(n, seed, today).to_csv(path, index=False, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument(
        "--check",
        action="store_true",
        help="re-read the file with geo.io.events.load_events; fail on problems",
    )
    args = parser.parse_args(argv)
    path = write_csv(args.out, args.n, args.seed)
    print(f"wrote {args.n} synthetic events to {path}")
    if args.check:
        load = load_events(path)
        if load.problems or len(load.events) != args.n:
            for problem in load.problems[:20]:
                print(problem, file=sys.stderr)
            print(
                f"{len(load.problems)} problems, {len(load.events)} events loaded", file=sys.stderr
            )
            return 1
        print(f"load_events: {len(load.events)} events, 0 problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
