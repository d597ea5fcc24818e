"""ACLED's and UCDP's own typology, and the rule that derives the app's categories from it.

The rule is stated in ``data/ANALYSIS_RULES.md`` ("Categories from ACLED's typology"); keep
the two in step. ACLED's actor type codes (``inter1`` / ``inter2``, published in ACLED's
codebook): 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
5 rioters, 6 protesters, 7 civilians, 8 external/other forces, 0 none.

:func:`acled_category` and :func:`acled_subtype` are pure functions of one event's
typology; :func:`acled_categories` applies them once per distinct combination of a
column-wise table (a large export holds a few hundred combinations, not a Python call per
row). Nothing here imports Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Today's ACLED event types (since 2019), as ACLED writes them.
BATTLES = "Battles"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
EXPLOSIONS = "Explosions/Remote violence"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"
# The pre-2019 type that held both riots and protests (see IMPORT_MAPPING.md).
LEGACY_RIOTS_PROTESTS = "Riots/Protests"
ACLED_EVENT_TYPES: tuple[str, ...] = (
    BATTLES,
    VIOLENCE_AGAINST_CIVILIANS,
    EXPLOSIONS,
    PROTESTS,
    RIOTS,
    STRATEGIC,
)

STATE_FORCES, EXTERNAL_FORCES, RIOTERS = 1, 8, 5
# Actor 1 types whose violence against civilians or remote violence is state violence:
# state forces and external/other forces (foreign armies, and contractors such as the
# Wagner Group / Africa Corps, which ACLED codes as external/other forces).
STATE_ACTOR_TYPES: frozenset[int] = frozenset({STATE_FORCES, EXTERNAL_FORCES})

# ACLED actor type codes and their labels (singular, as in ACLED's ``interaction`` labels).
ACLED_INTER: dict[int, str] = {
    0: "",
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

# ACLED sub-event type (case folded) -> the app's subtype.
VIOLENCE_SUB_EVENTS: dict[str, str] = {
    "armed clash": "armed-clash",
    "government regains territory": "armed-clash",
    "non-state actor overtakes territory": "capture-of-town",
    "attack": "attack-on-civilians",
    "abduction/forced disappearance": "kidnapping",
    "sexual violence": "attack-on-civilians",
    "air/drone strike": "air-or-drone-strike",
    "remote explosive/landmine/ied": "bombing",
    "suicide bomb": "bombing",
    "shelling/artillery/missile attack": "bombing",
    "grenade": "bombing",
    "chemical weapon": "bombing",
}
PROTEST_SUBTYPES: tuple[str, ...] = (
    "peaceful-protest",
    "protest-with-intervention",
    "excessive-force",
    "other",
)
RIOT_SUBTYPES: tuple[str, ...] = ("violent-demonstration", "mob-violence", "other")
STRATEGIC_SUBTYPES: tuple[str, ...] = (
    "agreement",
    "arrests",
    "change-to-group",
    "disrupted-weapons-use",
    "base-established",
    "looting",
    "transfer-of-territory",
    "other",
)
OTHER_SUB_EVENTS: dict[str, str] = {
    "peaceful protest": "peaceful-protest",
    "protest with intervention": "protest-with-intervention",
    "excessive force against protesters": "excessive-force",
    "violent demonstration": "violent-demonstration",
    "mob violence": "mob-violence",
    "agreement": "agreement",
    "arrests": "arrests",
    "change to group/activity": "change-to-group",
    "disrupted weapons use": "disrupted-weapons-use",
    "headquarters or base established": "base-established",
    "looting/property destruction": "looting",
    "non-violent transfer of territory": "transfer-of-territory",
}


def acled_category(
    event_type: str, inter1: int, inter2: int = 0, civilian_targeting: str = ""
) -> str | None:
    """The app's category of one ACLED event, or None for an event type outside ACLED's
    typology (the importer skips such rows and counts them).

    * Protests -> ``protest``; Riots -> ``riot``; Strategic developments -> ``strategic``;
      the pre-2019 Riots/Protests -> ``riot`` when actor 1 is rioters (5), else ``protest``.
    * Violence against civilians and Explosions/Remote violence -> ``state-violence`` when
      actor 1 is state forces (1) or external/other forces (8), else ``insurgency``.
    * Battles -> ``insurgency``, whoever fights (state forces against a rebel group or a
      militia, or armed groups among themselves).

    ``inter2`` and ``civilian_targeting`` do not change the category (ACLED's civilian
    targeting flag marks violence against civilians and some explosions, whose category
    actor 1 already decides); they are parameters so the rule's inputs are explicit.
    Coups are never derived: ACLED has no coup event type (coups are curated events).
    """
    del inter2, civilian_targeting  # see the docstring
    kind = event_type.strip().casefold()
    if kind == PROTESTS.casefold():
        return "protest"
    if kind == RIOTS.casefold():
        return "riot"
    if kind == LEGACY_RIOTS_PROTESTS.casefold():
        return "riot" if inter1 == RIOTERS else "protest"
    if kind == STRATEGIC.casefold():
        return "strategic"
    if kind in (VIOLENCE_AGAINST_CIVILIANS.casefold(), EXPLOSIONS.casefold()):
        return "state-violence" if inter1 in STATE_ACTOR_TYPES else "insurgency"
    if kind == BATTLES.casefold():
        return "insurgency"
    return None


def acled_subtype(category: str, sub_event_type: str) -> str:
    """The app's subtype of an ACLED event of ``category`` from its sub-event type
    (``other`` when ACLED's sub-event type has no subtype of its own, or is blank as in
    pre-2019 exports)."""
    sub = sub_event_type.strip().casefold()
    if category in ("insurgency", "state-violence"):
        subtype = VIOLENCE_SUB_EVENTS.get(sub, "other")
        # (no clash or capture of territory is state violence, see acled_category)
        if category == "state-violence" and subtype in ("armed-clash", "capture-of-town"):
            return "attack-on-civilians"
        return subtype
    allowed = {
        "protest": PROTEST_SUBTYPES,
        "riot": RIOT_SUBTYPES,
        "strategic": STRATEGIC_SUBTYPES,
    }.get(category, ())
    subtype = OTHER_SUB_EVENTS.get(sub, "other")
    return subtype if subtype in allowed else "other"


def interaction_label(inter1: int, inter2: int) -> str:
    """ACLED's label of an interaction: ``State forces-Civilians``, ``Rebel group only``
    (no second actor), ``""`` when actor 1's type is unknown."""
    first = ACLED_INTER.get(inter1, "")
    if not first:
        return ""
    second = ACLED_INTER.get(inter2, "")
    return f"{first}-{second}" if second else f"{first} only"


def interaction_code(inter1: int, inter2: int) -> str:
    """ACLED's numeric interaction code (``17``: state forces against civilians; ``20``:
    a rebel group alone), ``""`` when actor 1's type is unknown."""
    return f"{inter1}{inter2}" if inter1 in ACLED_INTER and inter1 else ""


def acled_categories(
    event_type: pd.Series,
    sub_event_type: pd.Series,
    inter1: pd.Series,
    inter2: pd.Series,
    civilian_targeting: pd.Series,
) -> pd.DataFrame:
    """:func:`acled_category` and :func:`acled_subtype` for every row of aligned columns
    (event types as text, actor codes as integers): a frame of ``category`` (None outside
    the typology) and ``subtype``, same index. Each distinct combination is worked out
    once."""
    columns = (event_type, sub_event_type, civilian_targeting)
    codes = [pd.factorize(col.astype(str).to_numpy())[0].astype(np.int64) for col in columns]
    a = np.asarray(inter1, dtype=np.int64)
    b = np.asarray(inter2, dtype=np.int64)
    if not len(a):
        return pd.DataFrame(
            {"category": pd.Series([], dtype=object), "subtype": pd.Series([], dtype=object)},
            index=event_type.index,
        )
    # one integer per row for its combination (actor codes are 0-8)
    combined = (
        ((codes[0] * (int(codes[1].max()) + 1) + codes[1]) * (int(codes[2].max()) + 1) + codes[2])
        * 100
        + a * 10
        + b
    )
    which, where = np.unique(combined, return_inverse=True)
    first = np.zeros(len(which), dtype=np.int64)
    first[where[::-1]] = np.arange(len(where))[::-1]  # a row holding each combination
    texts = [col.astype(str).to_numpy(dtype=object) for col in columns]
    cats = [acled_category(texts[0][i], int(a[i]), int(b[i]), texts[2][i]) for i in first]
    subs = [acled_subtype(cat or "", texts[1][i]) for cat, i in zip(cats, first, strict=True)]
    return pd.DataFrame(
        {
            "category": np.array(cats, dtype=object)[where],
            "subtype": np.array(subs, dtype=object)[where],
        },
        index=event_type.index,
    )


def interactions(inter1: pd.Series, inter2: pd.Series) -> pd.DataFrame:
    """``interaction_code`` and ``interaction`` (label) for aligned actor type codes,
    worked out once per distinct pair."""
    a = np.asarray(inter1, dtype=np.int64)
    b = np.asarray(inter2, dtype=np.int64)
    pair = a * 10 + b
    codes, distinct = pd.factorize(pair)
    code_text = np.array(
        [interaction_code(int(p) // 10, int(p) % 10) for p in distinct] + [""], dtype=object
    )
    labels = np.array(
        [interaction_label(int(p) // 10, int(p) % 10) for p in distinct] + [""], dtype=object
    )
    return pd.DataFrame(
        {"interaction_code": code_text[codes], "interaction": labels[codes]}, index=inter1.index
    )


# --- UCDP ------------------------------------------------------------------------------------
UCDP_TYPES_OF_VIOLENCE: dict[str, str] = {
    "1": "State-based conflict",
    "2": "Non-state conflict",
    "3": "One-sided violence",
}


def ucdp_category(type_of_violence: str, side_a: str) -> str:
    """The app's category of one UCDP GED event: one-sided violence (3) by a government
    (``side_a`` "Government of ...") -> ``state-violence``; every other event (state-based
    conflict 1, non-state conflict 2, one-sided violence by a non-state group) ->
    ``insurgency``."""
    state = side_a.startswith("Government of")
    return "state-violence" if type_of_violence == "3" and state else "insurgency"
