"""The countries the map draws, and their roles."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale

AES_MEMBERS: tuple[str, ...] = ("MLI", "BFA", "NER")

# ECOWAS members other than the three AES states (which left on 29 January 2025).
ECOWAS_OTHERS: tuple[str, ...] = (
    "BEN", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "NGA", "SEN", "SLE", "TGO",
)
OTHER_NEIGHBOURS: tuple[str, ...] = ("DZA", "LBY", "TCD", "MRT", "CMR")
CONTEXT_COUNTRIES: tuple[str, ...] = ECOWAS_OTHERS + OTHER_NEIGHBOURS
ALL_COUNTRIES: tuple[str, ...] = AES_MEMBERS + CONTEXT_COUNTRIES

# The rest of Africa: not drawn, but needed to check that an event (a coup in Gabon, say)
# lies inside the country it names.
REST_OF_AFRICA: tuple[str, ...] = (
    "AGO", "BDI", "BWA", "CAF", "COD", "COG", "COM", "DJI", "EGY", "ERI", "ESH", "ETH",
    "GAB", "GNQ", "KEN", "LSO", "MAR", "MDG", "MOZ", "MUS", "MWI", "NAM", "RWA", "SDN",
    "SOM", "SSD", "STP", "SWZ", "SYC", "TUN", "TZA", "UGA", "ZAF", "ZMB", "ZWE",
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
}


def country_role(iso3: str) -> str:
    """``"member"`` for the AES states, ``"ecowas"`` or ``"neighbour"`` otherwise."""
    if iso3 in AES_MEMBERS:
        return "member"
    if iso3 in ECOWAS_OTHERS:
        return "ecowas"
    return "neighbour"


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
