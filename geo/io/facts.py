"""Curated facts: the Liptako-Gourma Charter, the AES timeline and the member states.

The data lives in ``data/facts/*.yaml`` (English and French, derived from the project's
shared fact sheets; see ``data/facts/PROVENANCE.md``). Every bilingual field is a plain
``{"en": ..., "fr": ...}`` dict, to be rendered with :func:`~geo.i18n.catalogue.pick`.
Items keep their
sources and their ``verified`` flag: unverified items stay in the data and the UI decides
whether to flag or hide them.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from typing import Any

from geo.i18n.catalogue import LANGUAGES, normalise_language, pick
from geo.io.paths import DATA_DIR
from geo.io.yamlfile import read_yaml
from geo.model.countries import AES_MEMBERS

FACTS_DIR = DATA_DIR / "facts"
CHARTER_FILE = "charter.yaml"
TIMELINE_FILE = "timeline.yaml"
MEMBER_STATES_FILE = "member_states.yaml"
SEED_COVERAGE_FILE = "seed_coverage.yaml"

PRECISIONS: tuple[str, ...] = ("day", "month", "year")
SEED_POINT_COUNT = 14
COVERAGE_LEVELS: tuple[str, ...] = ("full", "partial")

Text = dict[str, str]
"""A bilingual text: ``{"en": ..., "fr": ...}``."""

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}

_DATE_PATTERNS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}
_URL = re.compile(r"^https?://\S+$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class FlaggedValue:
    """A charter fact that may or may not be verified (depositary, entry into force...)."""

    value: Text
    verified: bool
    notes: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Signatory:
    country: str
    name: Text
    title_at_signing: Text


@dataclass(frozen=True)
class Article:
    number: int
    title: Text
    summary: Text
    themes: tuple[str, ...]
    verified: bool
    sources: tuple[str, ...]
    notes: Text | None = None
    uncertainty: Text | None = None


@dataclass(frozen=True)
class Provision:
    """A provision attributed to the Charter whose article number is unknown.

    ``found`` is False for the one provision no source mentions at all.
    """

    id: str
    provision: Text
    themes: tuple[str, ...]
    found: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    """A correct fact set against a wrong claim of the founding briefs."""

    id: str
    seed_point: int
    statement: Text
    wrong_claim: Text
    notes: Text
    verified: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Charter:
    name: Text
    abbreviation: str
    article_count: int
    length_note: Text
    signing_date: str
    signing_date_precision: str
    signing_date_notes: Text
    place: Text
    place_notes: Text
    contracting_parties: Text
    signatories: tuple[Signatory, ...]
    signatories_sources: tuple[str, ...]
    languages: FlaggedValue
    depositary: FlaggedValue
    entry_into_force: FlaggedValue
    ratification_notes: tuple[Text, ...]
    ratification_sources: tuple[str, ...]
    preamble_summary: Text
    preamble_verified: bool
    preamble_sources: tuple[str, ...]
    sources: tuple[str, ...]
    articles: tuple[Article, ...]
    provisions_unlocated: tuple[Provision, ...]
    corrections: tuple[Correction, ...]
    themes: dict[str, Text]

    def article(self, number: int) -> Article:
        for article in self.articles:
            if article.number == number:
                return article
        raise KeyError(number)

    def theme_label(self, theme: str, lang: str) -> str:
        return pick(self.themes.get(theme, {"en": theme}), lang)

    @property
    def verified_articles(self) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.verified)


@dataclass(frozen=True)
class Category:
    key: str
    label: Text
    note: Text | None = None


@dataclass(frozen=True)
class Milestone:
    id: str
    date: str
    date_precision: str
    sort_date: str
    title: Text
    summary: Text
    countries: tuple[str, ...]
    category: str
    verified: bool
    sources: tuple[str, ...]
    end_date: str | None = None
    place: Text | None = None
    notes: Text | None = None
    category_note: Text | None = None
    added: str | None = None
    """ISO day a milestone was added by hand beyond the shared fact sheets (PROVENANCE.md)."""
    revised: str | None = None
    """ISO day a milestone of the shared sheets was corrected or given stronger sources."""


@dataclass(frozen=True)
class Coup:
    date: str
    precision: str
    ousted: Text
    timeline_id: str | None


@dataclass(frozen=True)
class MembershipMilestone:
    date: str
    precision: str
    label: Text
    timeline_id: str


@dataclass(frozen=True)
class MemberState:
    iso3: str
    name: Text
    capital: Text
    head_of_state: Text
    title: Text
    in_power_since: str
    in_power_since_precision: str
    coups: tuple[Coup, ...]
    milestones: tuple[MembershipMilestone, ...]
    latest_verified: str
    sources: tuple[str, ...]
    latest_verified_precision: str = "day"
    latest_verified_note: Text | None = None
    notes: Text | None = None
    as_of: Text | None = None
    area_km2: int | None = None
    """The state's usual total area, as its sources give it (the map's outline, simplified
    from Natural Earth, can differ: Niger's computes to about 1,180,000 km²)."""
    area_sources: tuple[str, ...] = ()
    recent: tuple[MembershipMilestone, ...] = ()
    """Timeline milestones since mid-2025 that concern this state (added 2026-12-03)."""


@dataclass(frozen=True)
class SeedPoint:
    """One numbered point of the founding briefs and the items that cover it."""

    number: int
    point: str
    coverage: str
    charter: tuple[str, ...] = ()
    articles: tuple[int, ...] = ()
    provisions: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    timeline: tuple[str, ...] = ()
    member_states: tuple[str, ...] = ()
    gaps: str | None = None

    @property
    def references(self) -> tuple[str, ...]:
        """Every covering item as ``kind:id`` (``article:6``, ``timeline:niger-coup-2023``)."""
        return (
            tuple(f"charter:{f}" for f in self.charter)
            + tuple(f"article:{n}" for n in self.articles)
            + tuple(f"provision:{p}" for p in self.provisions)
            + tuple(f"correction:{c}" for c in self.corrections)
            + tuple(f"timeline:{t}" for t in self.timeline)
            + tuple(f"member_state:{m}" for m in self.member_states)
        )


# --------------------------------------------------------------------------- dates


def parse_date(iso: str, precision: str) -> dt.date:
    """The date ``iso`` written at ``precision`` (first day of the month/year if reduced).

    Day precision needs ``YYYY-MM-DD``, month ``YYYY-MM``, year ``YYYY``; anything else
    raises :class:`ValueError`.
    """
    if precision not in _DATE_PATTERNS:
        raise ValueError(f"unknown date precision {precision!r}")
    match = _DATE_PATTERNS[precision].match(str(iso))
    if not match:
        raise ValueError(f"{iso!r} is not a {precision}-precision ISO date")
    parts = [int(p) for p in match.groups()] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        raise ValueError(f"{iso!r} is not a valid date ({exc})") from None


def format_date(iso: str, precision: str, lang: str) -> str:
    """A date for display, no more precise than its source.

    ``format_date("2023-09-16", "day", "fr")`` -> ``"16 septembre 2023"``; month precision
    gives ``"July 2024"`` / ``"juillet 2024"``, year precision ``"2015"``. A reduced
    precision also accepts a fuller ISO date (``"2025-06-15"`` at month precision).
    """
    lang = normalise_language(lang)
    if precision not in _DATE_PATTERNS:
        raise ValueError(f"unknown date precision {precision!r}")
    finer = PRECISIONS[: PRECISIONS.index(precision) + 1][::-1]
    for candidate in finer:
        try:
            value = parse_date(str(iso), candidate)
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"{iso!r} is not a {precision}-precision ISO date")
    if precision == "year":
        return str(value.year)
    month = MONTH_NAMES[lang][value.month - 1]
    if precision == "month":
        return f"{month} {value.year}"
    day = "1er" if (lang == "fr" and value.day == 1) else str(value.day)
    return f"{day} {month} {value.year}"


def date_phrase(iso: str, precision: str, lang: str) -> str:
    """:func:`format_date` as it reads inside a sentence: a French day takes its article
    ("le 16 septembre 2023", so "depuis le …", and "de …" contracts to "du …" with
    :mod:`geo.i18n.french`), a month or a year none ("depuis juin 2025", "de 1970"). English
    dates read the same everywhere."""
    text = format_date(iso, precision, lang)
    if normalise_language(lang) == "fr" and precision == "day":
        return f"le {text}"
    return text


# --------------------------------------------------------------------------- loading


def _read(name: str) -> dict[str, Any]:
    return read_yaml(FACTS_DIR / name) or {}


def _text(value: Any) -> Text | None:
    return None if value is None else {str(k): str(v) for k, v in value.items()}


def _required_text(value: Any) -> Text:
    """A text the file must have: missing, it is empty, and :func:`validate_facts` reports
    it (as it reports a text that lacks a language)."""
    return _text(value) or {}


def _strs(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _flagged(raw: Mapping[str, Any]) -> FlaggedValue:
    return FlaggedValue(
        value=_text(raw["value"]) or {},
        verified=bool(raw["verified"]),
        notes=_text(raw.get("notes")) or {},
        sources=_strs(raw.get("sources")),
    )


def _build_charter(raw: Mapping[str, Any]) -> Charter:
    c = raw["charter"]
    return Charter(
        name=_required_text(c["name"]),
        abbreviation=str(c["abbreviation"]),
        article_count=int(c["article_count"]),
        length_note=_required_text(c["length_note"]),
        signing_date=str(c["signing_date"]),
        signing_date_precision=str(c["signing_date_precision"]),
        signing_date_notes=_required_text(c["signing_date_notes"]),
        place=_required_text(c["place"]),
        place_notes=_required_text(c["place_notes"]),
        contracting_parties=_required_text(c["contracting_parties"]),
        signatories=tuple(
            Signatory(str(s["country"]), _required_text(s["name"]),
                      _required_text(s["title_at_signing"]))
            for s in c["signatories"]
        ),
        signatories_sources=_strs(c["signatories_sources"]),
        languages=_flagged(c["languages"]),
        depositary=_flagged(c["depositary"]),
        entry_into_force=_flagged(c["entry_into_force"]),
        ratification_notes=tuple(_required_text(n) for n in c["ratification_notes"]),
        ratification_sources=_strs(c["ratification_sources"]),
        preamble_summary=_required_text(c["preamble_summary"]),
        preamble_verified=bool(c["preamble_verified"]),
        preamble_sources=_strs(c["preamble_sources"]),
        sources=_strs(c["sources"]),
        articles=tuple(
            Article(
                number=int(a["number"]),
                title=_required_text(a["title"]),
                summary=_required_text(a["summary"]),
                themes=_strs(a["themes"]),
                verified=bool(a["verified"]),
                sources=_strs(a.get("sources")),
                notes=_text(a.get("notes")),
                uncertainty=_text(a.get("uncertainty")),
            )
            for a in raw["articles"]
        ),
        provisions_unlocated=tuple(
            Provision(
                id=str(p["id"]),
                provision=_required_text(p["provision"]),
                themes=_strs(p["themes"]),
                found=bool(p["found"]),
                sources=_strs(p.get("sources")),
            )
            for p in raw["provisions_unlocated"]
        ),
        corrections=tuple(
            Correction(
                id=str(k["id"]),
                seed_point=int(k["seed_point"]),
                statement=_required_text(k["statement"]),
                wrong_claim=_required_text(k["wrong_claim"]),
                notes=_text(k.get("notes")) or {},
                verified=bool(k["verified"]),
                sources=_strs(k.get("sources")),
            )
            for k in raw.get("corrections") or ()
        ),
        themes={str(k): _required_text(v) for k, v in raw["themes"].items()},
    )


def _build_categories(raw: Mapping[str, Any]) -> dict[str, Category]:
    return {
        str(key): Category(str(key), _required_text(value["label"]),
                           _required_text(value.get("note")))
        for key, value in raw["categories"].items()
    }


def _build_timeline(raw: Mapping[str, Any]) -> tuple[Milestone, ...]:
    milestones = [
        Milestone(
            id=str(m["id"]),
            date=str(m["date"]),
            date_precision=str(m["date_precision"]),
            sort_date=str(m["sort_date"]),
            title=_required_text(m["title"]),
            summary=_required_text(m["summary"]),
            countries=_strs(m["countries"]),
            category=str(m["category"]),
            verified=bool(m["verified"]),
            sources=_strs(m.get("sources")),
            end_date=None if m.get("end_date") is None else str(m["end_date"]),
            place=_text(m.get("place")),
            notes=_text(m.get("notes")),
            category_note=_text(m.get("category_note")),
            added=None if m.get("added") is None else str(m["added"]),
            revised=None if m.get("revised") is None else str(m["revised"]),
        )
        for m in raw["milestones"]
    ]
    return tuple(sorted(milestones, key=lambda m: m.sort_date))


def _membership_milestones(raw: Iterable[Mapping[str, Any]] | None
                           ) -> tuple[MembershipMilestone, ...]:
    """A member state's list of dated steps linked to the timeline (its milestones, and
    its steps since mid-2025)."""
    return tuple(MembershipMilestone(date=str(m["date"]), precision=str(m["precision"]),
                                     label=_required_text(m["label"]),
                                     timeline_id=str(m["timeline_id"]))
                 for m in raw or ())


def _build_member_states(raw: Mapping[str, Any]) -> dict[str, MemberState]:
    as_of = _text(raw.get("as_of"))
    states: dict[str, MemberState] = {}
    for iso3, s in raw["member_states"].items():
        states[str(iso3)] = MemberState(
            iso3=str(iso3),
            name=_required_text(s["name"]),
            capital=_required_text(s["capital"]),
            head_of_state=_required_text(s["head_of_state"]),
            title=_required_text(s["title"]),
            in_power_since=str(s["in_power_since"]),
            in_power_since_precision=str(s["in_power_since_precision"]),
            coups=tuple(
                Coup(
                    date=str(c["date"]),
                    precision=str(c["precision"]),
                    ousted=_required_text(c["ousted"]),
                    timeline_id=None if c.get("timeline_id") is None else str(c["timeline_id"]),
                )
                for c in s.get("coups") or ()
            ),
            milestones=_membership_milestones(s.get("milestones")),
            latest_verified=str(s["latest_verified"]),
            sources=_strs(s.get("sources")),
            latest_verified_precision=str(s.get("latest_verified_precision", "day")),
            latest_verified_note=_text(s.get("latest_verified_note")),
            notes=_text(s.get("notes")),
            as_of=as_of,
            area_km2=None if s.get("area_km2") is None else int(s["area_km2"]),
            area_sources=_strs(s.get("area_sources")),
            recent=_membership_milestones(s.get("recent")),
        )
    return states


def _build_seed_coverage(raw: Mapping[str, Any]) -> tuple[SeedPoint, ...]:
    return tuple(
        SeedPoint(
            number=int(p["number"]),
            point=" ".join(str(p["point"]).split()),
            coverage=str(p["coverage"]),
            charter=_strs(p.get("charter")),
            articles=tuple(int(n) for n in p.get("articles") or ()),
            provisions=_strs(p.get("provisions")),
            corrections=_strs(p.get("corrections")),
            timeline=_strs(p.get("timeline")),
            member_states=_strs(p.get("member_states")),
            gaps=None if p.get("gaps") is None else " ".join(str(p["gaps"]).split()),
        )
        for p in raw["points"]
    )


@lru_cache(maxsize=1)
def load_charter() -> Charter:
    """The Charter: metadata, 17 articles, unlocated provisions, corrections, themes."""
    return _build_charter(_read(CHARTER_FILE))


@lru_cache(maxsize=1)
def load_categories() -> dict[str, Category]:
    """The timeline's category vocabulary (``alliance``, ``coup`` ...) with en/fr labels."""
    return _build_categories(_read(TIMELINE_FILE))


@lru_cache(maxsize=1)
def _timeline() -> tuple[Milestone, ...]:
    return _build_timeline(_read(TIMELINE_FILE))


def load_timeline() -> list[Milestone]:
    """Every milestone, sorted by ``sort_date`` (a fresh list on each call)."""
    return list(_timeline())


@lru_cache(maxsize=1)
def _member_states() -> dict[str, MemberState]:
    return _build_member_states(_read(MEMBER_STATES_FILE))


def load_member_states() -> dict[str, MemberState]:
    """``{"MLI": MemberState, "BFA": ..., "NER": ...}`` (a fresh dict on each call)."""
    return dict(_member_states())


@lru_cache(maxsize=1)
def _seed_coverage() -> tuple[SeedPoint, ...]:
    return _build_seed_coverage(_read(SEED_COVERAGE_FILE))


def load_seed_coverage() -> list[SeedPoint]:
    """The 14 points of the founding briefs, each with the ids of the items covering it."""
    return list(_seed_coverage())


# --------------------------------------------------------------------------- validation


def _is_text(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(value.get(lang), str) and value.get(lang, "").strip() for lang in LANGUAGES
    )


def _walk_texts(node: Any, path: str, problems: list[str]) -> None:
    """Any mapping with an ``en`` or ``fr`` key must be a complete bilingual text."""
    if isinstance(node, Mapping):
        if "en" in node or "fr" in node:
            if not _is_text(node):
                problems.append(f"{path}: needs non-empty 'en' and 'fr' text")
            extra = set(node) - set(LANGUAGES)
            if extra:
                problems.append(f"{path}: unexpected keys {sorted(extra)} in a text")
            return
        for key, value in node.items():
            _walk_texts(value, f"{path}.{key}", problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk_texts(value, f"{path}[{i}]", problems)


def _check_date(iso: Any, precision: Any, where: str, problems: list[str]) -> dt.date | None:
    try:
        return parse_date(str(iso), str(precision))
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None


def _check_sources(
    sources: Iterable[str], verified: bool, where: str, problems: list[str]
) -> None:
    sources = tuple(sources)
    for url in sources:
        if not _URL.match(url):
            problems.append(f"{where}: source {url!r} is not an http(s) URL")
    if verified and not sources:
        problems.append(f"{where}: verified but has no source")


def _require_texts(obj: Any, names: Iterable[str], where: str, problems: list[str]) -> None:
    for name in names:
        if not _is_text(getattr(obj, name)):
            problems.append(f"{where}.{name}: missing en/fr text")


def _guard(problems: list[str], what: str, build: Callable[[], Any]) -> Any:
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - any malformed file is reported, not raised
        problems.append(f"{what}: cannot be loaded ({type(exc).__name__}: {exc})")
        return None


def _validate_charter(charter: Charter, problems: list[str]) -> None:
    where = "charter"
    _require_texts(
        charter,
        ("name", "length_note", "signing_date_notes", "place", "place_notes",
         "contracting_parties", "preamble_summary"),
        where, problems,
    )
    _check_date(charter.signing_date, charter.signing_date_precision,
                f"{where}.signing_date", problems)
    for s in charter.signatories:
        if s.country not in AES_MEMBERS:
            problems.append(f"{where}.signatories: unknown country {s.country!r}")
        _require_texts(s, ("name", "title_at_signing"), f"{where}.signatories.{s.country}",
                       problems)
    _check_sources(charter.signatories_sources, True, f"{where}.signatories", problems)
    for name in ("languages", "depositary", "entry_into_force"):
        value: FlaggedValue = getattr(charter, name)
        _require_texts(value, ("value", "notes"), f"{where}.{name}", problems)
        _check_sources(value.sources, value.verified, f"{where}.{name}", problems)
    for i, note in enumerate(charter.ratification_notes):
        if not _is_text(note):
            problems.append(f"{where}.ratification_notes[{i}]: missing en/fr text")
    _check_sources(charter.ratification_sources, True, f"{where}.ratification", problems)
    _check_sources(charter.preamble_sources, charter.preamble_verified,
                   f"{where}.preamble", problems)
    _check_sources(charter.sources, True, where, problems)

    for key, label in charter.themes.items():
        if not _is_text(label):
            problems.append(f"themes.{key}: missing en/fr label")
    numbers = [a.number for a in charter.articles]
    if sorted(numbers) != list(range(1, charter.article_count + 1)):
        problems.append(f"articles: numbers {numbers} are not 1..{charter.article_count}")
    for a in charter.articles:
        aw = f"articles[{a.number}]"
        _require_texts(a, ("title", "summary"), aw, problems)
        for name in ("notes", "uncertainty"):
            if getattr(a, name) is not None and not _is_text(getattr(a, name)):
                problems.append(f"{aw}.{name}: missing en/fr text")
        if not a.themes:
            problems.append(f"{aw}: no theme")
        for theme in a.themes:
            if theme not in charter.themes:
                problems.append(f"{aw}: unknown theme {theme!r}")
        _check_sources(a.sources, a.verified, aw, problems)
    ids = [p.id for p in charter.provisions_unlocated]
    if len(ids) != len(set(ids)):
        problems.append("provisions_unlocated: duplicate ids")
    for p in charter.provisions_unlocated:
        pw = f"provisions_unlocated[{p.id}]"
        _require_texts(p, ("provision",), pw, problems)
        for theme in p.themes:
            if theme not in charter.themes:
                problems.append(f"{pw}: unknown theme {theme!r}")
        _check_sources(p.sources, p.found, pw, problems)
        if not p.found and p.sources:
            problems.append(f"{pw}: marked not found but has sources")
    for k in charter.corrections:
        kw = f"corrections[{k.id}]"
        _require_texts(k, ("statement", "wrong_claim", "notes"), kw, problems)
        _check_sources(k.sources, k.verified, kw, problems)
        if not 1 <= k.seed_point <= SEED_POINT_COUNT:
            problems.append(f"{kw}: seed_point {k.seed_point} out of range")


def _validate_timeline(
    milestones: tuple[Milestone, ...], categories: dict[str, Category], problems: list[str]
) -> None:
    for key, category in categories.items():
        if not _is_text(category.label):
            problems.append(f"categories.{key}: missing en/fr label")
    seen: set[str] = set()
    for m in milestones:
        mw = f"timeline[{m.id}]"
        if m.id in seen:
            problems.append(f"{mw}: duplicate id")
        seen.add(m.id)
        start = _check_date(m.date, m.date_precision, f"{mw}.date", problems)
        sort = _check_date(m.sort_date, "day", f"{mw}.sort_date", problems)
        if start and sort and sort.isoformat()[: len(m.date)] != m.date:
            problems.append(f"{mw}: sort_date {m.sort_date} lies outside {m.date}")
        if m.end_date is not None:
            end = _check_date(m.end_date, "day", f"{mw}.end_date", problems)
            if start and end and end < start:
                problems.append(f"{mw}: end_date before date")
        if m.category not in categories:
            problems.append(f"{mw}: unknown category {m.category!r}")
        if not m.countries or not all(_ISO3.match(c) for c in m.countries):
            problems.append(f"{mw}: countries must be ISO3 codes")
        _require_texts(m, ("title", "summary"), mw, problems)
        for name in ("place", "notes", "category_note"):
            if getattr(m, name) is not None and not _is_text(getattr(m, name)):
                problems.append(f"{mw}.{name}: missing en/fr text")
        _check_sources(m.sources, m.verified, mw, problems)
        for name in ("added", "revised"):
            if getattr(m, name) is not None:
                _check_date(getattr(m, name), "day", f"{mw}.{name}", problems)
        if (m.added or m.revised) and not m.sources:
            problems.append(f"{mw}: added or revised by hand without a source")


def _validate_member_states(
    states: dict[str, MemberState], timeline: dict[str, Milestone], problems: list[str]
) -> None:
    if sorted(states) != sorted(AES_MEMBERS):
        problems.append(f"member_states: expected {sorted(AES_MEMBERS)}, got {sorted(states)}")
    for iso3, s in states.items():
        sw = f"member_states[{iso3}]"
        if s.iso3 != iso3:
            problems.append(f"{sw}: iso3 mismatch")
        _require_texts(s, ("name", "capital", "head_of_state", "title"), sw, problems)
        for name in ("latest_verified_note", "notes", "as_of"):
            if getattr(s, name) is not None and not _is_text(getattr(s, name)):
                problems.append(f"{sw}.{name}: missing en/fr text")
        _check_date(s.in_power_since, s.in_power_since_precision,
                    f"{sw}.in_power_since", problems)
        _check_date(s.latest_verified, s.latest_verified_precision,
                    f"{sw}.latest_verified", problems)
        _check_sources(s.sources, True, sw, problems)
        if s.area_km2 is not None:
            if s.area_km2 <= 0:
                problems.append(f"{sw}.area_km2: must be a positive number")
            _check_sources(s.area_sources, True, f"{sw}.area_km2", problems)
        for c in s.coups:
            cw = f"{sw}.coups[{c.date}]"
            _check_date(c.date, c.precision, cw, problems)
            if not _is_text(c.ousted):
                problems.append(f"{cw}.ousted: missing en/fr text")
            if c.timeline_id is not None:
                target = timeline.get(c.timeline_id)
                if target is None:
                    problems.append(f"{cw}: dangling timeline id {c.timeline_id!r}")
                elif target.date != c.date:
                    problems.append(f"{cw}: date differs from timeline {c.timeline_id}")
        for m in s.milestones + s.recent:
            mw = f"{sw}.milestones[{m.timeline_id}]"
            _check_date(m.date, m.precision, mw, problems)
            if not _is_text(m.label):
                problems.append(f"{mw}.label: missing en/fr text")
            target = timeline.get(m.timeline_id)
            if target is None:
                problems.append(f"{mw}: dangling timeline id")
            elif (target.date, target.date_precision) != (m.date, m.precision):
                problems.append(f"{mw}: date differs from the timeline")
            elif iso3 not in target.countries:
                problems.append(f"{mw}: timeline milestone does not name {iso3}")


def _validate_seed_coverage(
    points: tuple[SeedPoint, ...],
    charter: Charter | None,
    timeline: dict[str, Milestone],
    states: dict[str, MemberState],
    problems: list[str],
) -> None:
    numbers = [p.number for p in points]
    if sorted(numbers) != list(range(1, SEED_POINT_COUNT + 1)):
        problems.append(f"seed_coverage: points {numbers} are not 1..{SEED_POINT_COUNT}")
    charter_fields = {f.name for f in fields(Charter)}
    state_fields = {f.name for f in fields(MemberState)}
    articles = {a.number for a in charter.articles} if charter else set()
    provisions = {p.id for p in charter.provisions_unlocated} if charter else set()
    corrections = {k.id for k in charter.corrections} if charter else set()
    for p in points:
        pw = f"seed_coverage[{p.number}]"
        if not p.point.strip():
            problems.append(f"{pw}: empty point")
        if not p.references:
            problems.append(f"{pw}: covered by no item")
        if p.coverage not in COVERAGE_LEVELS:
            problems.append(f"{pw}: coverage must be one of {COVERAGE_LEVELS}")
        if p.coverage == "partial" and not p.gaps:
            problems.append(f"{pw}: partial coverage without gaps")
        dangling = (
            [f"charter:{f}" for f in p.charter if f not in charter_fields]
            + [f"article:{n}" for n in p.articles if n not in articles]
            + [f"provision:{i}" for i in p.provisions if i not in provisions]
            + [f"correction:{i}" for i in p.corrections if i not in corrections]
            + [f"timeline:{i}" for i in p.timeline if i not in timeline]
        )
        for ref in p.member_states:
            iso3, _, field = ref.partition(".")
            if iso3 not in states or field not in state_fields:
                dangling.append(f"member_state:{ref}")
        for ref in dangling:
            problems.append(f"{pw}: dangling reference {ref}")


def validate_facts() -> list[str]:
    """Every problem found in ``data/facts`` (an empty list when all is well).

    Checks: dates parse at their precision; verified items have an http(s) source; every
    text has English and French; categories and themes are in their vocabularies; ids in
    the member states and the seed coverage exist.
    """
    problems: list[str] = []
    raws: dict[str, dict[str, Any]] = {}
    for name in (CHARTER_FILE, TIMELINE_FILE, MEMBER_STATES_FILE, SEED_COVERAGE_FILE):
        raw = _guard(problems, name, partial(_read, name))
        if raw is not None:
            raws[name] = raw
            _walk_texts(raw, name, problems)
    return problems + _validate_raw(raws)


def _validate_raw(raws: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The structural checks of :func:`validate_facts` on already-parsed YAML documents."""
    problems: list[str] = []
    charter = categories = milestones = states = points = None
    if CHARTER_FILE in raws:
        charter = _guard(problems, CHARTER_FILE, lambda: _build_charter(raws[CHARTER_FILE]))
    if TIMELINE_FILE in raws:
        raw = raws[TIMELINE_FILE]
        categories = _guard(problems, TIMELINE_FILE, lambda: _build_categories(raw))
        milestones = _guard(problems, TIMELINE_FILE, lambda: _build_timeline(raw))
    if MEMBER_STATES_FILE in raws:
        raw = raws[MEMBER_STATES_FILE]
        states = _guard(problems, MEMBER_STATES_FILE, lambda: _build_member_states(raw))
    if SEED_COVERAGE_FILE in raws:
        raw = raws[SEED_COVERAGE_FILE]
        points = _guard(problems, SEED_COVERAGE_FILE, lambda: _build_seed_coverage(raw))

    if charter is not None:
        _validate_charter(charter, problems)
    by_id = {m.id: m for m in milestones or ()}
    if milestones is not None:
        _validate_timeline(milestones, categories or {}, problems)
    if states is not None:
        _validate_member_states(states, by_id, problems)
    if points is not None:
        _validate_seed_coverage(points, charter, by_id, states or {}, problems)
    return problems
