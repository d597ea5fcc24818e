"""Generate a synthetic ACLED-shaped CSV (the column layout of ACLED's current exports).

Every row is invented: realistic columns, event types, actors, dates and places inside Mali,
Burkina Faso and Niger, but no real ACLED data (whose licence forbids redistribution).

    python -m scripts.synthetic_acled 200000 artifacts/acled_200k.csv [--seed 1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

# (name, lat, lon, admin1) of towns well inside each country.
TOWNS = {
    ("MLI", 466, "Mali"): [
        ("Bamako", 12.6392, -8.0029, "Bamako"),
        ("Gao", 16.2717, -0.0447, "Gao"),
        ("Timbuktu", 16.7735, -3.0074, "Timbuktu"),
        ("Mopti", 14.4843, -4.1827, "Mopti"),
        ("Sevare", 14.5333, -4.1000, "Mopti"),
        ("Kidal", 18.4411, 1.4078, "Kidal"),
        ("Menaka", 15.9182, 2.4022, "Menaka"),
        ("Segou", 13.4317, -6.2157, "Segou"),
        ("Douentza", 15.0019, -2.9497, "Mopti"),
        ("Bandiagara", 14.3500, -3.6100, "Bandiagara"),
    ],
    ("BFA", 854, "Burkina Faso"): [
        ("Ouagadougou", 12.3714, -1.5197, "Centre"),
        ("Djibo", 14.1022, -1.6306, "Sahel"),
        ("Kaya", 13.0917, -1.0844, "Centre-Nord"),
        ("Ouahigouya", 13.5828, -2.4216, "Nord"),
        ("Fada N'Gourma", 12.0616, 0.3584, "Est"),
        ("Dedougou", 12.4634, -3.4607, "Boucle du Mouhoun"),
        ("Arbinda", 14.2300, -0.8700, "Sahel"),
        ("Koudougou", 12.2526, -2.3627, "Centre-Ouest"),
    ],
    ("NER", 562, "Niger"): [
        ("Niamey", 13.5116, 2.1254, "Niamey"),
        ("Tillaberi", 14.2117, 1.4531, "Tillaberi"),
        ("Ouallam", 14.3184, 2.0862, "Tillaberi"),
        ("Tahoua", 14.8888, 5.2692, "Tahoua"),
        ("Agadez", 16.9733, 7.9911, "Agadez"),
        ("Zinder", 13.8053, 8.9883, "Zinder"),
        ("Maradi", 13.5000, 7.1017, "Maradi"),
        ("Dosso", 13.0490, 3.1937, "Dosso"),
    ],
}

# (disorder_type, event_type, sub_event_type, weight)
TYPES = [
    ("Political violence", "Battles", "Armed clash", 30),
    ("Political violence", "Battles", "Non-state actor overtakes territory", 2),
    ("Political violence", "Battles", "Government regains territory", 2),
    ("Political violence", "Violence against civilians", "Attack", 25),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", 6),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", 8),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 6),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack", 2),
    ("Demonstrations", "Protests", "Peaceful protest", 4),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", 2),
]
# (actor, inter code, text label)
ACTORS = [
    ("Military Forces of Mali (2021-)", 1, "State forces"),
    ("Military Forces of Burkina Faso (2022-)", 1, "State forces"),
    ("Military Forces of Niger (2023-)", 1, "State forces"),
    ("JNIM: Group for Support of Islam and Muslims", 2, "Rebel group"),
    ("Islamic State Sahel Province", 2, "Rebel group"),
    ("VDP: Volunteers for the Defense of the Homeland", 3, "Political militia"),
    ("Dozo Communal Militia (Mali)", 4, "Identity militia"),
    ("Civilians (Mali)", 7, "Civilians"),
    ("Civilians (Burkina Faso)", 7, "Civilians"),
    ("Wagner Group", 8, "External/Other forces"),
]
NOTES = [
    "On {d}, militants attacked a position near {p}. {f} fatalities reported, including "
    'soldiers and "VDP" members.',
    "On {d}, a drone strike targeted a convoy near {p}, killing {f}; sources differ.",
    "On {d}, armed men abducted villagers in {p} (region of {a}).\nLocal sources reported it.",
]
SOURCES = ["Reuters", "AFP", "Le Monde; RFI", "Studio Tamani", "Whatsapp; Local source"]


def generate(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    towns = [(key, town) for key, ts in TOWNS.items() for town in ts]
    pick = rng.integers(0, len(towns), n)
    iso3 = np.array([towns[i][0][0] for i in pick])
    iso_num = np.array([towns[i][0][1] for i in pick])
    country = np.array([towns[i][0][2] for i in pick])
    place = np.array([towns[i][1][0] for i in pick])
    lat = np.array([towns[i][1][1] for i in pick]) + rng.uniform(-0.05, 0.05, n)
    lon = np.array([towns[i][1][2] for i in pick]) + rng.uniform(-0.05, 0.05, n)
    admin1 = np.array([towns[i][1][3] for i in pick])
    weights = np.array([w for *_, w in TYPES], float)
    kind = rng.choice(len(TYPES), n, p=weights / weights.sum())
    a1 = rng.integers(0, len(ACTORS), n)
    a2 = rng.integers(0, len(ACTORS), n)
    inter1 = np.array([ACTORS[i][1] for i in a1])
    inter2 = np.array([ACTORS[i][1] for i in a2])
    lo, hi = np.minimum(inter1, inter2), np.maximum(inter1, inter2)
    days = rng.integers(0, (pd.Timestamp("2025-12-31") - pd.Timestamp("2012-01-01")).days, n)
    dates = pd.Timestamp("2012-01-01") + pd.to_timedelta(days, unit="D")
    fatalities = rng.poisson(3, n) * (rng.random(n) < 0.7)
    fatalities[rng.random(n) < 0.003] = rng.integers(50, 300)
    date_text = dates.strftime("%Y-%m-%d")
    seq = np.arange(1, n + 1)
    notes = [
        NOTES[i % len(NOTES)].format(d=d, p=p, f=f, a=a)
        for i, (d, p, f, a) in enumerate(zip(date_text, place, fatalities, admin1, strict=True))
    ]
    return pd.DataFrame(
        {
            "event_id_cnty": [f"{c}{s}" for c, s in zip(iso3, seq, strict=True)],
            "event_date": date_text,
            "year": dates.year,
            "time_precision": rng.choice([1, 1, 1, 1, 2, 3], n),
            "disorder_type": [TYPES[k][0] for k in kind],
            "event_type": [TYPES[k][1] for k in kind],
            "sub_event_type": [TYPES[k][2] for k in kind],
            "actor1": [ACTORS[i][0] for i in a1],
            "assoc_actor_1": np.where(
                rng.random(n) < 0.2, "Fulani Ethnic Militia; Dogon Group", ""
            ),
            "inter1": inter1,
            "actor2": [ACTORS[i][0] for i in a2],
            "assoc_actor_2": "",
            "inter2": inter2,
            "interaction": lo * 10 + hi,
            "civilian_targeting": np.where(inter2 == 7, "Civilian targeting", ""),
            "iso": iso_num,
            "region": "Western Africa",
            "country": country,
            "admin1": admin1,
            "admin2": "",
            "admin3": "",
            "location": place,
            "latitude": np.round(lat, 4),
            "longitude": np.round(lon, 4),
            "geo_precision": rng.choice([1, 1, 2, 3], n),
            "source": rng.choice(SOURCES, n),
            "source_scale": "National",
            "notes": notes,
            "fatalities": fatalities,
            "tags": "",
            "timestamp": 1_700_000_000 + rng.integers(0, 10_000_000, n),
        },
        columns=ACLED_COLUMNS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate(args.rows, args.seed).to_csv(args.out, index=False)
    print(f"wrote {args.rows} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
