"""The "new actors" table of "Where it is changing" names actors in the reader's language."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.i18n.catalogue import translate
from geo.ui.signals import actors_view


def test_new_actors_are_named_in_the_readers_language():
    table = pd.DataFrame(
        {
            "admin1": ["ML-7", "ML-7", "ML-7"],
            "actor": ["President Mohamed Bazoum", "Malian Armed Forces (FAMa)", "Civilians (Mali)"],
            "events": [3, 2, 1],
            "first": [date(2024, 1, 5)] * 3,
        }
    )
    names = pd.Series({"ML-7": "Mopti"})
    fr = actors_view(table, names, "fr")[translate("an_actor", "fr")].tolist()
    en = actors_view(table, names, "en")[translate("an_actor", "en")].tolist()
    assert fr == [
        "le président Mohamed Bazoum",
        "Forces armées maliennes (FAMa)",
        "Civilians (Mali)",  # not a curated name: as written
    ]
    assert en == ["President Mohamed Bazoum", "Malian Armed Forces (FAMa)", "Civilians (Mali)"]
