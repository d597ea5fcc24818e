"""The countries the map draws, and their roles."""

from __future__ import annotations

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


def country_role(iso3: str) -> str:
    """``"member"`` for the AES states, ``"ecowas"`` or ``"neighbour"`` otherwise."""
    if iso3 in AES_MEMBERS:
        return "member"
    if iso3 in ECOWAS_OTHERS:
        return "ecowas"
    return "neighbour"
