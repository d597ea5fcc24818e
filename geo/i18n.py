"""English/French interface strings.

Strings live in ``geo/locales/*.yaml`` (one file per area of the app, so features do not
edit the same file). Each key maps to ``{en: ..., fr: ...}``; placeholders use
``str.format`` syntax.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from geo.yamlfile import read_yaml

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All strings from every locale file; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        entries = read_yaml(path) or {}
        for key, value in entries.items():
            if not isinstance(key, str):  # YAML reads bare yes/no/on/off as booleans
                raise ValueError(f"{path.name}: string key {key!r} is not a string")
            if key in merged:
                raise ValueError(f"{path.name}: string key {key!r} is defined twice")
            merged[key] = value
    return merged


def normalise_language(value: str | None) -> str:
    """A supported language code, falling back to English."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str, **params: object) -> str:
    """The string ``key`` in ``lang``; a missing key raises so tests catch it."""
    entry = catalog()[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text


def pick(values: dict[str, str], lang: str) -> str:
    """Choose the ``lang`` value of a ``{en: .., fr: ..}`` mapping from data."""
    return values.get(lang) or values.get(DEFAULT_LANGUAGE) or ""


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """``12,345.6`` in English, ``12 345,6`` in French (narrow no-break space)."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
