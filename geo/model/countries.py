"""The countries the map draws, their roles, and every country a source file may name.

The map draws the AES states and their neighbours (:data:`ALL_COUNTRIES`), but an imported
event may lie anywhere: every ISO 3166-1 country is known (pycountry), plus Kosovo as
``XKX`` (the user-assigned code ACLED and others use; ISO 3166 has none). Source files
name countries in three ways, all resolved here to alpha-3 codes:

* ISO 3166 numeric codes (ACLED's ``iso`` column): :func:`iso3_from_numeric`;
* Gleditsch-Ward state numbers (UCDP GED's ``country_id``, old ACLED's ``GWNO``):
  :func:`iso3_from_gw`, from :data:`GLEDITSCH_WARD`;
* names as ACLED and UCDP write them (``Ivory Coast``, ``DR Congo (Zaire)``,
  ``Kingdom of eSwatini``, ``Yemen (North Yemen)``): :func:`iso3_from_name`.

The ``*_codes`` functions apply them to a column, once per distinct value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry
from babel import Locale

AES_MEMBERS: tuple[str, ...] = ("MLI", "BFA", "NER")
CHARTER_DATE = date(2023, 9, 16)
"""The Liptako-Gourma Charter's signing, which founded the AES (the one constant of it in
the code: defaults and "since the charter"; ``data/facts/charter.yaml`` holds the sourced
fact, and tests/io/test_facts.py checks that they agree)."""

# ECOWAS members other than the three AES states (which left on 29 January 2025).
ECOWAS_OTHERS: tuple[str, ...] = (
    "BEN",
    "CPV",
    "CIV",
    "GMB",
    "GHA",
    "GIN",
    "GNB",
    "LBR",
    "NGA",
    "SEN",
    "SLE",
    "TGO",
)
# The other countries the map draws: four that border an AES state, and Cameroon, which
# does not (it is drawn for context: Lake Chad, Nigeria's east).
OTHER_NEIGHBOURS: tuple[str, ...] = ("DZA", "LBY", "TCD", "MRT", "CMR")
CONTEXT_COUNTRIES: tuple[str, ...] = ECOWAS_OTHERS + OTHER_NEIGHBOURS

# The drawn countries that share a land border with an AES state (checked against the
# boundary data by tests/io/test_boundaries.py). Cabo Verde, the Gambia, Guinea-Bissau,
# Liberia, Sierra Leone and Cameroon border none: they are not called neighbours.
BORDERS_AES: frozenset[str] = frozenset(
    {"BEN", "CIV", "GHA", "GIN", "NGA", "SEN", "TGO", "DZA", "LBY", "TCD", "MRT"}
)
ALL_COUNTRIES: tuple[str, ...] = AES_MEMBERS + CONTEXT_COUNTRIES

# The rest of Africa: not drawn, but needed to check that an event (a coup in Gabon, say)
# lies inside the country it names.
REST_OF_AFRICA: tuple[str, ...] = (
    "AGO",
    "BDI",
    "BWA",
    "CAF",
    "COD",
    "COG",
    "COM",
    "DJI",
    "EGY",
    "ERI",
    "ESH",
    "ETH",
    "GAB",
    "GNQ",
    "KEN",
    "LSO",
    "MAR",
    "MDG",
    "MOZ",
    "MUS",
    "MWI",
    "NAM",
    "RWA",
    "SDN",
    "SOM",
    "SSD",
    "STP",
    "SWZ",
    "SYC",
    "TUN",
    "TZA",
    "UGA",
    "ZAF",
    "ZMB",
    "ZWE",
)

# Short display names (Natural Earth's are long or English-only).
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "MLI": {"en": "Mali", "fr": "Mali"},
    "BFA": {"en": "Burkina Faso", "fr": "Burkina Faso"},
    "NER": {"en": "Niger", "fr": "Niger"},
    "BEN": {"en": "Benin", "fr": "Bénin"},
    "CPV": {"en": "Cabo Verde", "fr": "Cap-Vert"},
    "CIV": {"en": "Côte d'Ivoire", "fr": "Côte d'Ivoire"},
    "GMB": {"en": "The Gambia", "fr": "Gambie"},
    "GHA": {"en": "Ghana", "fr": "Ghana"},
    "GIN": {"en": "Guinea", "fr": "Guinée"},
    "GNB": {"en": "Guinea-Bissau", "fr": "Guinée-Bissau"},
    "LBR": {"en": "Liberia", "fr": "Liberia"},
    "NGA": {"en": "Nigeria", "fr": "Nigeria"},
    "SEN": {"en": "Senegal", "fr": "Sénégal"},
    "SLE": {"en": "Sierra Leone", "fr": "Sierra Leone"},
    "TGO": {"en": "Togo", "fr": "Togo"},
    "DZA": {"en": "Algeria", "fr": "Algérie"},
    "LBY": {"en": "Libya", "fr": "Libye"},
    "TCD": {"en": "Chad", "fr": "Tchad"},
    "MRT": {"en": "Mauritania", "fr": "Mauritanie"},
    "CMR": {"en": "Cameroon", "fr": "Cameroun"},
}

# Usual short names where CLDR's differ from what analysts write ("Congo - Kinshasa").
_NAME_OVERRIDES: dict[str, dict[str, str]] = {
    "COD": {"en": "DR Congo", "fr": "RD Congo"},
    "COG": {"en": "Republic of the Congo", "fr": "République du Congo"},
    "STP": {"en": "São Tomé and Príncipe", "fr": "Sao Tomé-et-Principe"},
    "USA": {"en": "United States", "fr": "États-Unis"},
    "XKX": {"en": "Kosovo", "fr": "Kosovo"},
}


COUNTRY_ROLES: tuple[str, ...] = ("member", "ecowas_neighbour", "ecowas", "neighbour", "region")


def country_role(iso3: str) -> str:
    """What a drawn country is to the AES (one of :data:`COUNTRY_ROLES`).

    ``"member"`` for the AES states; an ECOWAS member is ``"ecowas_neighbour"`` when it
    borders an AES state and ``"ecowas"`` when it does not; any other country is a
    ``"neighbour"`` only when it borders an AES state, else ``"region"``.
    """
    if iso3 in AES_MEMBERS:
        return "member"
    borders = iso3 in BORDERS_AES
    if iso3 in ECOWAS_OTHERS:
        return "ecowas_neighbour" if borders else "ecowas"
    return "neighbour" if borders else "region"


@lru_cache(maxsize=512)
def country_name(iso3: str, lang: str) -> str:
    """The country's short name in ``lang``, for any ISO 3166 alpha-3 code.

    The map's own short names first, then CLDR's (Babel) for every other country, so a
    reader never sees a bare code; an unknown code is returned as it is.
    """
    own = COUNTRY_NAMES.get(iso3) or _NAME_OVERRIDES.get(iso3)
    if own:
        return own.get(lang) or own["en"]
    record = pycountry.countries.get(alpha_3=str(iso3).upper())
    if record is None:
        return str(iso3)
    cldr = Locale.parse(lang if lang in ("en", "fr") else "en").territories.get(record.alpha_2)
    return cldr or getattr(record, "common_name", None) or record.name


def collation_key(text: str) -> str:
    """Sort key that orders names as a reader expects (accents and case ignored, so "Égypte"
    sorts among the E's, not after "Zambie")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sorted_by_name(codes, lang: str) -> list[str]:
    """ISO3 codes ordered by their names in ``lang``."""
    return sorted(codes, key=lambda code: collation_key(country_name(code, lang)))


# --- every country: codes and names of source files ------------------------------------

KOSOVO = "XKX"
ISO3_CODES: frozenset[str] = frozenset([c.alpha_3 for c in pycountry.countries] + [KOSOVO])

# Gleditsch-Ward state numbers -> ISO 3166-1 alpha-3. Numbers from Gleditsch & Ward's list
# of independent states (K. S. Gleditsch and M. D. Ward, "A Revised List of Independent
# States since the Congress of Vienna", International Interactions 25(4), 1999;
# http://ksgleditsch.com/statelist.html), the codes UCDP GED uses in ``country_id``.
# A former state maps to the country that holds its territory now when there is one
# (Yugoslavia 345 -> Serbia, as UCDP names it "Serbia (Yugoslavia)"; South Yemen 680 ->
# Yemen; the German Democratic Republic 265 -> Germany; Republic of Vietnam 817 ->
# Viet Nam; Zanzibar 511 -> Tanzania). States split since (Czechoslovakia 315,
# Austria-Hungary 300) and the pre-1871 German and Italian states are left out: their
# rows fall back to the country name.
GLEDITSCH_WARD: dict[int, str] = {
    2: "USA",
    20: "CAN",
    31: "BHS",
    40: "CUB",
    41: "HTI",
    42: "DOM",
    51: "JAM",
    52: "TTO",
    53: "BRB",
    54: "DMA",
    55: "GRD",
    56: "LCA",
    57: "VCT",
    58: "ATG",
    60: "KNA",
    70: "MEX",
    80: "BLZ",
    90: "GTM",
    91: "HND",
    92: "SLV",
    93: "NIC",
    94: "CRI",
    95: "PAN",
    100: "COL",
    101: "VEN",
    110: "GUY",
    115: "SUR",
    130: "ECU",
    135: "PER",
    140: "BRA",
    145: "BOL",
    150: "PRY",
    155: "CHL",
    160: "ARG",
    165: "URY",
    200: "GBR",
    205: "IRL",
    210: "NLD",
    211: "BEL",
    212: "LUX",
    220: "FRA",
    225: "CHE",
    230: "ESP",
    235: "PRT",
    255: "DEU",
    260: "DEU",
    265: "DEU",
    290: "POL",
    305: "AUT",
    310: "HUN",
    316: "CZE",
    317: "SVK",
    325: "ITA",
    338: "MLT",
    339: "ALB",
    340: "SRB",
    341: "MNE",
    343: "MKD",
    344: "HRV",
    345: "SRB",
    346: "BIH",
    347: KOSOVO,
    349: "SVN",
    350: "GRC",
    352: "CYP",
    355: "BGR",
    359: "MDA",
    360: "ROU",
    365: "RUS",
    366: "EST",
    367: "LVA",
    368: "LTU",
    369: "UKR",
    370: "BLR",
    371: "ARM",
    372: "GEO",
    373: "AZE",
    375: "FIN",
    380: "SWE",
    385: "NOR",
    390: "DNK",
    395: "ISL",
    402: "CPV",
    404: "GNB",
    411: "GNQ",
    420: "GMB",
    432: "MLI",
    433: "SEN",
    434: "BEN",
    435: "MRT",
    436: "NER",
    437: "CIV",
    438: "GIN",
    439: "BFA",
    450: "LBR",
    451: "SLE",
    452: "GHA",
    461: "TGO",
    471: "CMR",
    475: "NGA",
    481: "GAB",
    482: "CAF",
    483: "TCD",
    484: "COG",
    490: "COD",
    500: "UGA",
    501: "KEN",
    510: "TZA",
    511: "TZA",
    516: "BDI",
    517: "RWA",
    520: "SOM",
    522: "DJI",
    530: "ETH",
    531: "ERI",
    540: "AGO",
    541: "MOZ",
    551: "ZMB",
    552: "ZWE",
    553: "MWI",
    560: "ZAF",
    565: "NAM",
    570: "LSO",
    571: "BWA",
    572: "SWZ",
    580: "MDG",
    581: "COM",
    590: "MUS",
    600: "MAR",
    615: "DZA",
    616: "TUN",
    620: "LBY",
    625: "SDN",
    626: "SSD",
    630: "IRN",
    640: "TUR",
    645: "IRQ",
    651: "EGY",
    652: "SYR",
    660: "LBN",
    663: "JOR",
    666: "ISR",
    670: "SAU",
    678: "YEM",
    680: "YEM",
    690: "KWT",
    692: "BHR",
    694: "QAT",
    696: "ARE",
    698: "OMN",
    700: "AFG",
    701: "TKM",
    702: "TJK",
    703: "KGZ",
    704: "UZB",
    705: "KAZ",
    710: "CHN",
    712: "MNG",
    713: "TWN",
    731: "PRK",
    732: "KOR",
    740: "JPN",
    750: "IND",
    760: "BTN",
    770: "PAK",
    771: "BGD",
    775: "MMR",
    780: "LKA",
    781: "MDV",
    790: "NPL",
    800: "THA",
    811: "KHM",
    812: "LAO",
    816: "VNM",
    817: "VNM",
    820: "MYS",
    830: "SGP",
    835: "BRN",
    840: "PHL",
    850: "IDN",
    860: "TLS",
    900: "AUS",
    910: "PNG",
    920: "NZL",
    940: "SLB",
    950: "FJI",
}

# Names that pycountry does not know, as ACLED and UCDP (Gleditsch-Ward names, with the
# state's earlier name in parentheses) write them; compared after :func:`name_key`.
_NAME_ALIASES: dict[str, str] = {
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "congo, dr": "COD",
    "zaire": "COD",
    "congo, democratic republic of the": "COD",
    "congo-kinshasa": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo-brazzaville": "COG",
    "congo, republic of": "COG",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "eswatini": "SWZ",
    "kingdom of eswatini": "SWZ",
    "swaziland": "SWZ",
    "russia": "RUS",
    "soviet union": "RUS",
    "ussr": "RUS",
    "north yemen": "YEM",
    "south yemen": "YEM",
    "yemen, people's republic of": "YEM",
    "kampuchea": "KHM",
    "burma": "MMR",
    "rhodesia": "ZWE",
    "malagasy": "MDG",
    "yugoslavia": "SRB",
    "bosnia-herzegovina": "BIH",
    "bosnia": "BIH",
    "united states of america": "USA",
    "usa": "USA",
    "us": "USA",
    "the gambia": "GMB",
    "gambia, the": "GMB",
    "cape verde": "CPV",
    "cabo verde": "CPV",
    "east timor": "TLS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "palestine": "PSE",
    "macedonia": "MKD",
    "macedonia, fyr": "MKD",
    "macedonia (former yugoslav republic of)": "MKD",
    "brunei": "BRN",
    "micronesia": "FSM",
    "kosovo": KOSOVO,
    "vatican city": "VAT",
    "vatican": "VAT",
    "curacao": "CUW",
    "falkland islands": "FLK",
    "bonaire, saint eustatius and saba": "BES",
    "caribbean netherlands": "BES",
    "saint helena, ascension and tristan da cunha": "SHN",
    "north korea": "PRK",
    "korea, north": "PRK",
    "south korea": "KOR",
    "korea, south": "KOR",
    "korea": "KOR",
    "vietnam": "VNM",
    "vietnam, republic of": "VNM",
    "laos": "LAO",
    "syria": "SYR",
    "iran": "IRN",
    "german federal republic": "DEU",
    "german democratic republic": "DEU",
    "west germany": "DEU",
    "east germany": "DEU",
    "czech republic": "CZE",
    "bahamas, the": "BHS",
    "the bahamas": "BHS",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "st. kitts and nevis": "KNA",
    "sao tome and principe": "STP",
    "united kingdom": "GBR",
    "uk": "GBR",
    "great britain": "GBR",
    "tanzania": "TZA",
    "zanzibar": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "moldova": "MDA",
    "taiwan": "TWN",
    "hong kong": "HKG",
    "macau": "MAC",
    "macao": "MAC",
}

_PARENS = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*$")


def name_key(name: str) -> str:
    """A country name as compared: accents dropped, case folded, ``&`` as ``and``, white
    space and typographic apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("&", " and ")
    return " ".join(plain.casefold().split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every known spelling (:func:`name_key`) -> alpha-3."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(name_key(value), c.alpha_3)
    for code in ISO3_CODES:
        for lang in ("en", "fr"):
            out.setdefault(name_key(country_name(code, lang)), code)
    out.update({name_key(k): v for k, v in _NAME_ALIASES.items()})
    return out


@lru_cache(maxsize=4096)
def iso3_from_name(name: str) -> str | None:
    """The alpha-3 code of a country name as a source writes it, else None.

    A name with a part in parentheses (UCDP's ``DR Congo (Zaire)``, ``Russia (Soviet
    Union)``) is looked up whole, then by the part before, then by the part inside.
    An alpha-3 code itself is accepted too."""
    key = name_key(name)
    if not key:
        return None
    names = _names()
    if key in names:
        return names[key]
    if key.upper() in ISO3_CODES:
        return key.upper()
    match = _PARENS.match(key)
    if match:
        for part in (match.group("head"), match.group("inner")):
            if part.strip() in names:
                return names[part.strip()]
    return None


def _whole_number(text: str) -> int | None:
    """``"12"``, ``"012"``, ``"12.0"`` -> 12; anything else None."""
    match = re.fullmatch(r"\s*(\d{1,4})(?:\.0+)?\s*", str(text))
    return int(match.group(1)) if match else None


@lru_cache(maxsize=1024)
def iso3_from_numeric(code: str) -> str | None:
    """ISO 3166-1 numeric (``"466"``, ``"12"`` for ``012``) -> alpha-3, else None."""
    n = _whole_number(code)
    if n is None or n == 0:
        return None
    record = pycountry.countries.get(numeric=f"{n:03d}")
    return record.alpha_3 if record else None


@lru_cache(maxsize=1024)
def iso3_from_gw(code: str) -> str | None:
    """Gleditsch-Ward state number -> alpha-3, else None."""
    n = _whole_number(code)
    return GLEDITSCH_WARD.get(n) if n is not None else None


def _per_distinct(values: pd.Series, fn) -> pd.Series:
    codes, uniques = pd.factorize(values.astype(str))
    looked = np.array([fn(u) or "" for u in uniques] + [""], dtype=object)
    return pd.Series(looked[codes], index=values.index, dtype=object)


def name_codes(values: pd.Series) -> pd.Series:
    """:func:`iso3_from_name` of a column ("" when unknown), once per distinct value."""
    return _per_distinct(values, iso3_from_name)


def numeric_codes(values: pd.Series) -> pd.Series:
    """:func:`iso3_from_numeric` of a column ("" when unknown)."""
    return _per_distinct(values, iso3_from_numeric)


def gw_codes(values: pd.Series) -> pd.Series:
    """:func:`iso3_from_gw` of a column ("" when unknown)."""
    return _per_distinct(values, iso3_from_gw)


def is_country_code(values: pd.Series) -> pd.Series:
    """Whether each value is a known alpha-3 code (:data:`ISO3_CODES`)."""
    return values.isin(ISO3_CODES)
