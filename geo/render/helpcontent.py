"""The Help page's content: sections explaining the map, the zones and the measures, a
glossary with sources, the data's coverage and limits. Read from ``data/help/help.yaml``.

Every text is ``{en: ..., fr: ...}``. A text may hold placeholders (``{min}``, ``{km}``...)
filled from the constants the app computes with (:func:`rule_params`), so a threshold the
help states is the one the code uses. An item may also name locale strings (``rule:
sg_rule``, or a list of keys): a rule the app already prints beside its numbers is shown
from that one string, never copied. Validation errors name the file and the path inside it
(``help.yaml: glossary[3].sources[0].url: ...``). Nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geo.io.yamlfile import read_yaml

HELP_FILE = Path(__file__).resolve().parents[2] / "data" / "help" / "help.yaml"
LANGUAGES: tuple[str, ...] = ("en", "fr")
SHOWS: tuple[str, ...] = (
    "base_legend",
    "event_legend",
    "dataset_legend",
    "level_legend",
    "alg_zone",
    "core_zone",
    "coverage",
)
"""Elements the page draws from the app's own code inside an item (``show:``): the map's
legends, the zones' definitions from ``data/zones``, the coverage computed from the data."""
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class HelpContentError(ValueError):
    """The help file is malformed; the message names the file and the path in it."""


Text = dict[str, str]


@dataclass(frozen=True)
class Item:
    id: str
    title: Text
    text: Text | None = None
    rules: tuple[str, ...] = ()
    """Locale keys whose strings state the rule (shown after ``text``)."""
    show: str | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str
    title: str
    checked: dt.date
    """The day the page was opened and read."""
    publisher_fr: str = ""
    """The French form of a descriptive publisher label ({en, fr} in help.yaml); "" for a
    proper name, written once."""

    def publisher_in(self, lang: str) -> str:
        return self.publisher_fr if lang == "fr" and self.publisher_fr else self.publisher


@dataclass(frozen=True)
class Term:
    id: str
    term: Text
    """The term as each language writes it (``ECOWAS`` / ``CEDEAO``; the file may give one
    string for both); ``names`` gives the expansion."""
    names: Text
    definition: Text
    sources: tuple[Source, ...]
    also: tuple[str, ...] = ()
    """Other spellings a search finds it by (``GSIM``, ``EIGS``)."""


@dataclass(frozen=True)
class HelpContent:
    sections: tuple[Section, ...]
    glossary: tuple[Term, ...]


def rule_params() -> dict[str, int | float]:
    """The constants help texts may name, from the modules that compute with them."""
    from geo.analysis import duplicates, signals
    from geo.analysis import measures as analysis
    from geo.io import places
    from geo.render import densitylayer, pointlayer

    (big, big_zoom), (mid, mid_zoom), (_, small_zoom) = places.TOWN_TIERS
    return {
        "min": signals.MIN_COUNT,
        "periods": signals.MIN_BASELINE_PERIODS,
        "baseline": signals.BASELINE_PERIODS,
        "months": signals.NEW_ACTOR_MONTHS,
        "km": duplicates.DUPLICATE_KM,
        "days": duplicates.DUPLICATE_DAYS,
        "max": analysis.MAX_BARS,
        "cluster_zoom": pointlayer.CLUSTER_MAX_ZOOM,
        "density_zoom": densitylayer.RESOLVE_ZOOM,
        "density_unit": densitylayer.PER_KM2,
        "town_big": big,
        "town_big_zoom": big_zoom,
        "town_mid": mid,
        "town_mid_zoom": mid_zoom,
        "town_small_zoom": small_zoom,
    }


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a format string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- loading and validation ----------------------------------------------------------------


class _Reader:
    """Checks one file's content, each problem named by its path in the file."""

    def __init__(self, path: Path, params: set[str], strings: Mapping[str, Any]) -> None:
        self.path, self.params, self.strings = path, params, strings

    def fail(self, where: str, problem: str) -> HelpContentError:
        return HelpContentError(f"{self.path.name}: {where}: {problem}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, found {type(value).__name__}")
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "expected a non-empty list")
        return value

    def plain(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected a non-empty text")
        return value.strip()

    def ident(self, value: Any, where: str, seen: set[str]) -> str:
        text = self.plain(value, where)
        if not _ID.match(text):
            raise self.fail(where, f"{text!r} is not an id (lower-case letters, digits, hyphens)")
        if text in seen:
            raise self.fail(where, f"id {text!r} is used twice")
        seen.add(text)
        return text

    def text(self, value: Any, where: str) -> dict[str, str]:
        entry = self.mapping(value, where)
        unknown = set(entry) - set(LANGUAGES)
        if unknown:
            raise self.fail(where, f"unknown language {sorted(unknown)[0]!r} (en, fr)")
        out = {}
        for lang in LANGUAGES:
            if lang not in entry:
                raise self.fail(f"{where}.{lang}", "missing (every text has en and fr)")
            out[lang] = self.plain(entry[lang], f"{where}.{lang}")
            try:
                names = placeholders(out[lang])
            except ValueError as err:
                raise self.fail(
                    f"{where}.{lang}", f"bad braces ({err}); write {{{{ }}}} for a literal brace"
                ) from err
            missing = names - self.params
            if missing:
                raise self.fail(
                    f"{where}.{lang}",
                    f"unknown placeholder {{{sorted(missing)[0]}}}"
                    f" (known: {', '.join(sorted(self.params))})",
                )
        return out

    def optional_text(self, entry: Mapping[str, Any], key: str, where: str) -> dict | None:
        return None if entry.get(key) is None else self.text(entry[key], f"{where}.{key}")

    def rules(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        keys = value if isinstance(value, list) else [value]
        return tuple(
            self.rule(key, f"{where}[{i}]" if isinstance(value, list) else where)
            for i, key in enumerate(keys)
        )

    def rule(self, value: Any, where: str) -> str:
        key = self.plain(value, where)
        if key not in self.strings:
            raise self.fail(where, f"no interface string {key!r} (geo/i18n/locales)")
        entry = self.strings[key]
        for lang in LANGUAGES:
            text = entry.get(lang) if isinstance(entry, Mapping) else None
            if not isinstance(text, str):
                raise self.fail(where, f"interface string {key!r} has no plain {lang} text")
            missing = placeholders(text) - self.params
            if missing:
                raise self.fail(
                    where,
                    f"interface string {key!r} needs {{{sorted(missing)[0]}}}"
                    ", which the help cannot fill",
                )
        return key

    def url(self, value: Any, where: str) -> str:
        text = self.plain(value, where)
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            raise self.fail(where, f"{text!r} is not an http(s) URL")
        return text

    def day(self, value: Any, where: str, today: dt.date) -> dt.date:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(where, f"{value!r} is not a date (YYYY-MM-DD)")
        if value > today:
            raise self.fail(where, f"{value.isoformat()} is in the future")
        return value


def parse_help(
    raw: Any,
    path: Path = HELP_FILE,
    today: dt.date | None = None,
    strings: Mapping[str, Any] | None = None,
) -> HelpContent:
    """The content of a help file already read (``raw``); :class:`HelpContentError` names
    the first problem. ``strings``: the interface strings rules may name (default: the
    app's catalogue)."""
    if strings is None:
        from geo.i18n.catalogue import catalog

        strings = catalog()
    today = today or dt.date.today()
    r = _Reader(path, set(rule_params()), strings)
    top = r.mapping(raw, "(top)")
    unknown = set(top) - {"sections", "glossary"}
    if unknown:
        raise r.fail(sorted(unknown)[0], "unknown key (sections, glossary)")
    ids: set[str] = set()
    sections = []
    for i, value in enumerate(r.items(top.get("sections"), "sections")):
        where = f"sections[{i}]"
        entry = r.mapping(value, where)
        items = []
        for j, item_value in enumerate(r.items(entry.get("items"), f"{where}.items")):
            iw = f"{where}.items[{j}]"
            item = r.mapping(item_value, iw)
            show = item.get("show")
            if show is not None and show not in SHOWS:
                raise r.fail(f"{iw}.show", f"{show!r} is not one of {', '.join(SHOWS)}")
            text = r.optional_text(item, "text", iw)
            rules = r.rules(item.get("rule"), f"{iw}.rule")
            if text is None and not rules and show is None:
                raise r.fail(iw, "an item needs a text, a rule or a show")
            items.append(
                Item(
                    id=r.ident(item.get("id"), f"{iw}.id", ids),
                    title=r.text(item.get("title"), f"{iw}.title"),
                    text=text,
                    rules=rules,
                    show=show,
                )
            )
        sections.append(
            Section(
                id=r.ident(entry.get("id"), f"{where}.id", ids),
                title=r.text(entry.get("title"), f"{where}.title"),
                intro=r.optional_text(entry, "intro", where),
                items=tuple(items),
            )
        )
    terms = []
    seen_terms: dict[str, str] = {}
    for i, value in enumerate(r.items(top.get("glossary"), "glossary")):
        where = f"glossary[{i}]"
        entry = r.mapping(value, where)
        raw_term = entry.get("term")
        term = (
            r.text(raw_term, f"{where}.term")
            if isinstance(raw_term, Mapping)
            else dict.fromkeys(LANGUAGES, r.plain(raw_term, f"{where}.term"))
        )
        also = entry.get("also") or []
        if not isinstance(also, list):
            raise r.fail(f"{where}.also", "expected a list of other spellings")
        spellings = [(f"{where}.term", name) for name in dict.fromkeys(term.values())]
        spellings += [(f"{where}.also[{k}]", name) for k, name in enumerate(also)]
        for name_where, name in spellings:
            key = fold(r.plain(name, name_where))
            if key in seen_terms:
                raise r.fail(
                    name_where, f"{name!r} is already a term or spelling of {seen_terms[key]}"
                )
            seen_terms[key] = where
        sources = []
        for k, src_value in enumerate(r.items(entry.get("sources"), f"{where}.sources")):
            sw = f"{where}.sources[{k}]"
            src = r.mapping(src_value, sw)
            raw_publisher = src.get("publisher")
            if isinstance(raw_publisher, dict):
                publisher = r.text(raw_publisher, f"{sw}.publisher")
            else:
                name = r.plain(raw_publisher, f"{sw}.publisher")
                publisher = {"en": name, "fr": ""}
            sources.append(
                Source(
                    url=r.url(src.get("url"), f"{sw}.url"),
                    publisher=publisher["en"],
                    publisher_fr=publisher["fr"],
                    title=r.plain(src.get("title"), f"{sw}.title"),
                    checked=r.day(src.get("checked"), f"{sw}.checked", today),
                )
            )
        terms.append(
            Term(
                id=r.ident(entry.get("id"), f"{where}.id", ids),
                term=term,
                names=r.text(entry.get("names"), f"{where}.names"),
                definition=r.text(entry.get("definition"), f"{where}.definition"),
                sources=tuple(sources),
                also=tuple(str(a).strip() for a in also),
            )
        )
    return HelpContent(sections=tuple(sections), glossary=tuple(terms))


def load_help(path: Path | None = None) -> HelpContent:
    """The help file (default :data:`HELP_FILE`), validated (:func:`parse_help`)."""
    path = path or HELP_FILE
    try:
        raw = read_yaml(path)
    except Exception as err:
        raise HelpContentError(f"{path.name}: cannot be read: {err}") from err
    return parse_help(raw, path)


@lru_cache(maxsize=1)
def help_content() -> HelpContent:
    return load_help()


# --- use -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed (for search)."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def fill(text: str, lang: str, params: Mapping[str, int | float] | None = None) -> str:
    """A help text with its placeholders filled, numbers in the reader's format."""
    from geo.i18n.catalogue import format_number

    values = params if params is not None else rule_params()
    return text.format(
        **{k: format_number(v, lang, 0 if float(v).is_integer() else 1) for k, v in values.items()}
    )


def sorted_terms(terms: tuple[Term, ...] | list[Term], lang: str) -> list[Term]:
    """The terms in the reader's alphabetical order (accents and case ignored)."""
    return sorted(terms, key=lambda t: fold(t.term[lang]))


def search_terms(terms: tuple[Term, ...] | list[Term], query: str, lang: str) -> list[Term]:
    """The terms whose name, other spellings, expansion (either language) or definition
    (the reader's) contain every word of ``query``; accents and case do not matter. An
    empty query gives every term. Terms whose name matches come first."""
    words = fold(query).split()
    if not words:
        return list(terms)

    def names(term: Term) -> str:
        return fold(" ".join([*term.term.values(), *term.also, *term.names.values()]))

    def matches(text: str) -> bool:
        return all(w in text for w in words)

    named = [t for t in terms if matches(names(t))]
    described = [
        t
        for t in terms
        if t not in named and matches(names(t) + " " + fold(t.definition.get(lang, "")))
    ]
    return named + described
