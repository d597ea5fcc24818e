"""Curated facts: the Liptako-Gourma Charter, the AES timeline and the member states.

The data lives in ``data/facts/*.yaml`` (English and French, derived from the project's
shared fact sheets; see ``data/facts/PROVENANCE.md``). Every bilingual field is a plain
``{"en": ..., "fr": ...}`` dict, to be rendered with :func:`~geo.i18n.catalogue.pick`.
Items keep their
sources and their ``verified`` flag: unverified items stay in the data and the UI decides
whether to flag or hide them.

Each file's shape is declared once, by the dataclasses below (the ``*File`` ones are a
file's top level), and checked by :mod:`geo.io.schema`: types, required keys, no unknown
key, the vocabularies, bilingual texts, http(s) sources, dates at their precision. A file
that does not match its model is refused with :class:`FactsError`, whose message names the
file and the path inside it (``timeline.yaml: milestones[12].sources[0]: 'x' is not an
http(s) URL``). The rules that relate fields or files to one another (ids unique,
references that exist, dates in order and not in the future...) are the named checks at the
end, run by :func:`validate_facts`.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar, get_args

from geo.i18n.catalogue import LANGUAGES, normalise_language, pick
from geo.io import schema
from geo.io.paths import DATA_DIR
from geo.io.schema import DERIVED, KEY, InRange, Matches, NonEmpty, OneOf
from geo.io.yamlfile import read_yaml
from geo.model.countries import AES_MEMBERS

FACTS_DIR = DATA_DIR / "facts"
CHARTER_FILE = "charter.yaml"
TIMELINE_FILE = "timeline.yaml"
MEMBER_STATES_FILE = "member_states.yaml"
SEED_COVERAGE_FILE = "seed_coverage.yaml"

Precision = Literal["day", "month", "year"]
Coverage = Literal["full", "partial"]
PRECISIONS: tuple[str, ...] = get_args(Precision)
SEED_POINT_COUNT = 14
COVERAGE_LEVELS: tuple[str, ...] = get_args(Coverage)

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}

_DATE_PATTERNS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}

T = TypeVar("T")


class FactsError(ValueError):
    """A facts file cannot be read as its model: one line per problem, each naming the
    file and the path inside it."""


# --------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class _Bilingual:
    """A text in every language of the app, each non-empty, and nothing else."""

    def __call__(self, value: Mapping[str, str], siblings: Mapping[str, Any]) -> str | None:
        extra = sorted(set(value) - set(LANGUAGES))
        if extra:
            return f"unexpected keys {extra} in a text (only {', '.join(LANGUAGES)})"
        missing = [lang for lang in LANGUAGES if not value.get(lang, "").strip()]
        if missing:
            return f"needs non-empty {' and '.join(map(repr, missing))} text"
        return None


@dataclass(frozen=True)
class DateAt:
    """An ISO date written at a precision: a fixed one (``DateAt("day")``) or the one the
    sibling field ``precision_field`` gives (a bad precision is reported on that field)."""

    precision: str | None = None
    precision_field: str | None = None

    def __call__(self, value: str, siblings: Mapping[str, Any]) -> str | None:
        precision = self.precision or siblings.get(self.precision_field or "")
        if precision not in PRECISIONS:
            return None
        try:
            parse_date(value, str(precision))
        except ValueError as exc:
            return str(exc)
        return None


Text = Annotated[dict[str, str], _Bilingual()]
"""A bilingual text: ``{"en": ..., "fr": ...}``."""
Url = Annotated[str, Matches(r"https?://\S+", "is not an http(s) URL")]
Sources = tuple[Url, ...]
"""The URLs an item cites (empty for an item no source backs: it cannot be verified)."""
SomeSources = Annotated[tuple[Url, ...], NonEmpty()]
"""The URLs of an item that must cite at least one."""
Iso3 = Annotated[str, Matches(r"[A-Z]{3}", "is not an ISO3 country code")]
Id = Annotated[str, NonEmpty()]
Day = Annotated[str, DateAt("day")]
"""An ISO day, ``YYYY-MM-DD``."""


# --------------------------------------------------------------------------- models


@dataclass(frozen=True)
class FlaggedValue:
    """A charter fact that may or may not be verified (depositary, entry into force...)."""

    value: Text
    verified: bool
    notes: Text
    sources: Sources = ()


@dataclass(frozen=True)
class Signatory:
    country: Annotated[str, OneOf(AES_MEMBERS)]
    name: Text
    title_at_signing: Text


@dataclass(frozen=True)
class Article:
    number: int
    title: Text
    summary: Text
    themes: Annotated[tuple[str, ...], NonEmpty()]
    verified: bool
    sources: Sources = ()
    notes: Text | None = None
    uncertainty: Text | None = None


@dataclass(frozen=True)
class Provision:
    """A provision attributed to the Charter whose article number is unknown.

    ``found`` is False for the one provision no source mentions at all.
    """

    id: Id
    provision: Text
    themes: tuple[str, ...]
    found: bool
    sources: Sources = ()


@dataclass(frozen=True)
class Correction:
    """A correct fact set against a wrong claim of the founding briefs."""

    id: Id
    seed_point: Annotated[int, InRange(1, SEED_POINT_COUNT)]
    statement: Text
    wrong_claim: Text
    notes: Text
    verified: bool
    sources: Sources = ()
    revised: Day | None = None
    """ISO day the correction was given its sources by hand (PROVENANCE.md)."""


@dataclass(frozen=True)
class CharterMetadata:
    """The ``charter:`` mapping of ``charter.yaml``: what the Charter is, who signed it."""

    name: Text
    abbreviation: Id
    article_count: Annotated[int, InRange(1)]
    length_note: Text
    signing_date: Annotated[str, DateAt(precision_field="signing_date_precision")]
    signing_date_precision: Precision
    signing_date_notes: Text
    place: Text
    place_notes: Text
    contracting_parties: Text
    signatories: tuple[Signatory, ...]
    signatories_sources: SomeSources
    languages: FlaggedValue
    depositary: FlaggedValue
    entry_into_force: FlaggedValue
    ratification_notes: tuple[Text, ...]
    ratification_sources: SomeSources
    preamble_summary: Text
    preamble_verified: bool
    preamble_sources: Sources
    sources: SomeSources


@dataclass(frozen=True)
class Charter(CharterMetadata):
    """The Charter as the pages read it: its metadata with the rest of ``charter.yaml``."""

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
class CharterFile:
    """``charter.yaml``."""

    charter: CharterMetadata
    articles: tuple[Article, ...]
    provisions_unlocated: tuple[Provision, ...]
    themes: dict[str, Text]
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class Category:
    key: str = field(metadata=KEY)
    label: Text
    note: Text | None = None


@dataclass(frozen=True)
class Milestone:
    id: Id
    date: Annotated[str, DateAt(precision_field="date_precision")]
    date_precision: Precision
    sort_date: Day
    title: Text
    summary: Text
    countries: Annotated[tuple[Iso3, ...], NonEmpty()]
    category: str
    verified: bool
    sources: Sources = ()
    end_date: Day | None = None
    place: Text | None = None
    notes: Text | None = None
    category_note: Text | None = None
    added: Day | None = None
    """ISO day a milestone was added by hand beyond the shared fact sheets (PROVENANCE.md)."""
    revised: Day | None = None
    """ISO day a milestone of the shared sheets was corrected or given stronger sources."""


@dataclass(frozen=True)
class TimelineFile:
    """``timeline.yaml``: the category vocabulary and the milestones, in file order."""

    categories: dict[str, Category]
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class Coup:
    date: Annotated[str, DateAt(precision_field="precision")]
    precision: Precision
    ousted: Text
    timeline_id: Id | None = None


@dataclass(frozen=True)
class MembershipMilestone:
    date: Annotated[str, DateAt(precision_field="precision")]
    precision: Precision
    label: Text
    timeline_id: Id


@dataclass(frozen=True)
class MemberState:
    iso3: str = field(metadata=KEY)
    name: Text
    capital: Text
    head_of_state: Text
    title: Text
    in_power_since: Annotated[str, DateAt(precision_field="in_power_since_precision")]
    in_power_since_precision: Precision
    coups: tuple[Coup, ...]
    milestones: tuple[MembershipMilestone, ...]
    latest_verified: Annotated[str, DateAt(precision_field="latest_verified_precision")]
    sources: SomeSources
    latest_verified_precision: Precision = "day"
    latest_verified_note: Text | None = None
    notes: Text | None = None
    as_of: Text | None = field(default=None, metadata=DERIVED)
    """The file's ``as_of`` (when its facts were researched), repeated on each state."""
    area_km2: Annotated[int, InRange(1)] | None = None
    """The state's usual total area, as its sources give it (the map's outline, simplified
    from Natural Earth, can differ: Niger's computes to about 1,180,000 km²)."""
    area_sources: Sources = ()
    recent: tuple[MembershipMilestone, ...] = ()
    """Timeline milestones since mid-2025 that concern this state (added 2026-12-03)."""


@dataclass(frozen=True)
class MemberStatesFile:
    """``member_states.yaml``."""

    member_states: dict[str, MemberState]
    as_of: Text | None = None


@dataclass(frozen=True)
class SeedPoint:
    """One numbered point of the founding briefs and the items that cover it."""

    number: int
    point: Annotated[str, NonEmpty()]
    coverage: Coverage
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


@dataclass(frozen=True)
class SeedCoverageFile:
    """``seed_coverage.yaml``."""

    points: tuple[SeedPoint, ...]


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


def _read(name: str) -> Any:
    return read_yaml(FACTS_DIR / name)


def _load(name: str, model: type[T]) -> T:
    """``data/facts/<name>`` as its model; :class:`FactsError` if it does not match it."""
    built = schema.build(model, _read(name))
    if built.problems or built.value is None:
        raise FactsError("\n".join(f"{name}: {p}" for p in built.problems))
    return built.value


def _charter(doc: CharterFile) -> Charter:
    meta = {f.name: getattr(doc.charter, f.name) for f in fields(CharterMetadata)}
    return Charter(
        **meta,
        articles=doc.articles,
        provisions_unlocated=doc.provisions_unlocated,
        corrections=doc.corrections,
        themes=doc.themes,
    )


def _categories(doc: TimelineFile) -> dict[str, Category]:
    # a category without a note has always been given an empty one
    return {key: replace(c, note=c.note or {}) for key, c in doc.categories.items()}


def _member_states(doc: MemberStatesFile) -> dict[str, MemberState]:
    return {iso3: replace(s, as_of=doc.as_of) for iso3, s in doc.member_states.items()}


def _one_line(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _seed_points(doc: SeedCoverageFile) -> tuple[SeedPoint, ...]:
    return tuple(
        replace(p, point=" ".join(p.point.split()), gaps=_one_line(p.gaps)) for p in doc.points
    )


@lru_cache(maxsize=1)
def load_charter() -> Charter:
    """The Charter: metadata, 17 articles, unlocated provisions, corrections, themes."""
    return _charter(_load(CHARTER_FILE, CharterFile))


@lru_cache(maxsize=1)
def _timeline_file() -> TimelineFile:
    return _load(TIMELINE_FILE, TimelineFile)


@lru_cache(maxsize=1)
def load_categories() -> dict[str, Category]:
    """The timeline's category vocabulary (``alliance``, ``coup`` ...) with en/fr labels."""
    return _categories(_timeline_file())


@lru_cache(maxsize=1)
def _timeline() -> tuple[Milestone, ...]:
    return tuple(sorted(_timeline_file().milestones, key=lambda m: m.sort_date))


def load_timeline() -> list[Milestone]:
    """Every milestone, sorted by ``sort_date`` (a fresh list on each call)."""
    return list(_timeline())


@lru_cache(maxsize=1)
def _states() -> dict[str, MemberState]:
    return _member_states(_load(MEMBER_STATES_FILE, MemberStatesFile))


def load_member_states() -> dict[str, MemberState]:
    """``{"MLI": MemberState, "BFA": ..., "NER": ...}`` (a fresh dict on each call)."""
    return dict(_states())


@lru_cache(maxsize=1)
def _seed_coverage() -> tuple[SeedPoint, ...]:
    return _seed_points(_load(SEED_COVERAGE_FILE, SeedCoverageFile))


def load_seed_coverage() -> list[SeedPoint]:
    """The 14 points of the founding briefs, each with the ids of the items covering it."""
    return list(_seed_coverage())


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Documents:
    """The facts files as built by their models (``None``: absent or not buildable), for the
    rules that relate fields and files. Each rule yields ``"path: problem"`` lines."""

    charter: schema.Built[CharterFile] | None
    timeline: schema.Built[TimelineFile] | None
    member_states: schema.Built[MemberStatesFile] | None
    seed_coverage: schema.Built[SeedCoverageFile] | None
    raws: Mapping[str, Any]
    today: dt.date


def _named(raw: Any, key: str, id_field: str = "") -> set[Any]:
    """What a raw document names under ``key``: a mapping's keys, or the ``id_field`` of a
    list's items. References are checked against what the file names, read leniently, so
    that an item its model refused is reported once, not again by every reference to it."""
    node = raw.get(key) if isinstance(raw, Mapping) else None
    if isinstance(node, Mapping):
        return set(node)
    if isinstance(node, list):
        return {item.get(id_field) for item in node if isinstance(item, Mapping)}
    return set()


def _sourced_if_verified(docs: _Documents) -> Iterator[str]:
    """A verified (or found) item cites a source; an item marked not found cites none; an
    item added or revised by hand cites its source; a stated area cites its source."""
    if docs.charter is not None:
        d = docs.charter
        verifiable: list[tuple[str, FlaggedValue | Article | Correction]] = [
            *d.of_type(FlaggedValue),
            *d.of_type(Article),
            *d.of_type(Correction),
        ]
        for path, item in verifiable:
            if item.verified and not item.sources:
                yield f"{CHARTER_FILE}: {path}.sources: verified but has no source"
        for path, p in d.of_type(Provision):
            if p.found and not p.sources:
                yield f"{CHARTER_FILE}: {path}.sources: found but has no source"
            if not p.found and p.sources:
                yield f"{CHARTER_FILE}: {path}: marked not found but has sources"
        for path, k in d.of_type(Correction):
            if k.revised and not k.sources:
                yield f"{CHARTER_FILE}: {path}: revised by hand without a source"
        for path, meta in d.of_type(CharterMetadata):
            if meta.preamble_verified and not meta.preamble_sources:
                yield f"{CHARTER_FILE}: {path}.preamble_sources: verified but has no source"
    if docs.timeline is not None:
        for path, m in docs.timeline.of_type(Milestone):
            if m.verified and not m.sources:
                yield f"{TIMELINE_FILE}: {path}.sources: verified but has no source"
            if (m.added or m.revised) and not m.sources:
                yield f"{TIMELINE_FILE}: {path}: added or revised by hand without a source"
    if docs.member_states is not None:
        for path, s in docs.member_states.of_type(MemberState):
            if s.area_km2 is not None and not s.area_sources:
                yield f"{MEMBER_STATES_FILE}: {path}.area_sources: an area needs its source"


def _duplicates(items: Iterator[tuple[str, Any]], name: str, what: str = "id") -> Iterator[str]:
    first: dict[Any, str] = {}
    for path, value in items:
        if value in first:
            yield f"{name}: {path}.{what}: duplicate {what} {value!r} (first at {first[value]})"
        else:
            first[value] = path


def _ids_unique_and_numbering_complete(docs: _Documents) -> Iterator[str]:
    """Ids are unique; the articles are numbered 1..article_count, the seed points 1..14."""
    if docs.charter is not None:
        d = docs.charter
        yield from _duplicates(((p, i.id) for p, i in d.of_type(Provision)), CHARTER_FILE)
        yield from _duplicates(((p, i.id) for p, i in d.of_type(Correction)), CHARTER_FILE)
        yield from _duplicates(
            ((p, a.number) for p, a in d.of_type(Article)), CHARTER_FILE, "number"
        )
        for _, meta in d.of_type(CharterMetadata):
            count = meta.article_count
            numbers = _named(docs.raws[CHARTER_FILE], "articles", "number")
            if _all_int(numbers) and numbers != set(range(1, count + 1)):
                yield (
                    f"{CHARTER_FILE}: articles: numbers {sorted(numbers)} are not "
                    f"1..{count} (charter.article_count)"
                )
    if docs.timeline is not None:
        yield from _duplicates(
            ((p, m.id) for p, m in docs.timeline.of_type(Milestone)), TIMELINE_FILE
        )
    if docs.seed_coverage is not None:
        points = docs.seed_coverage.of_type(SeedPoint)
        yield from _duplicates(((p, s.number) for p, s in points), SEED_COVERAGE_FILE, "number")
        numbers = _named(docs.raws[SEED_COVERAGE_FILE], "points", "number")
        if _all_int(numbers) and numbers != set(range(1, SEED_POINT_COUNT + 1)):
            yield (
                f"{SEED_COVERAGE_FILE}: points: numbers {sorted(numbers)} are not "
                f"1..{SEED_POINT_COUNT}"
            )


def _all_int(values: set[Any]) -> bool:
    """Whether every number is an integer (a bad one is the model's to report)."""
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _vocabularies_cover_what_is_used(docs: _Documents) -> Iterator[str]:
    """Article and provision themes are among the charter's themes; milestone categories
    among the timeline's categories."""
    if docs.charter is not None:
        themes = _named(docs.raws[CHARTER_FILE], "themes")
        themed: list[tuple[str, Article | Provision]] = [
            *docs.charter.of_type(Article),
            *docs.charter.of_type(Provision),
        ]
        for path, item in themed:
            for i, theme in enumerate(item.themes):
                if theme not in themes:
                    yield f"{CHARTER_FILE}: {path}.themes[{i}]: unknown theme {theme!r}"
    if docs.timeline is not None:
        categories = _named(docs.raws[TIMELINE_FILE], "categories")
        for path, m in docs.timeline.of_type(Milestone):
            if m.category not in categories:
                yield f"{TIMELINE_FILE}: {path}.category: unknown category {m.category!r}"


def _timeline_dates_agree(docs: _Documents) -> Iterator[str]:
    """A milestone's sort date lies inside its date, its end date is not before it."""
    if docs.timeline is None:
        return
    for path, m in docs.timeline.of_type(Milestone):
        if not m.sort_date.startswith(m.date):
            yield f"{TIMELINE_FILE}: {path}.sort_date: {m.sort_date} lies outside {m.date}"
        if m.end_date is not None and m.end_date < m.sort_date:
            yield f"{TIMELINE_FILE}: {path}.end_date: {m.end_date} is before the date"


def _member_states_follow_the_timeline(docs: _Documents) -> Iterator[str]:
    """The file has the AES states; their coups and steps name timeline milestones of the
    same date that name the state, in date order."""
    if docs.member_states is None:
        return
    name, d = MEMBER_STATES_FILE, docs.member_states
    named = _named(docs.raws[MEMBER_STATES_FILE], "member_states")
    if sorted(map(str, named)) != sorted(AES_MEMBERS):
        yield f"{name}: member_states: expected {sorted(AES_MEMBERS)}, got {sorted(named)}"
    timeline: dict[str, Milestone] = {}
    milestone_ids: set[Any] = set()
    if docs.timeline is not None:
        timeline = {m.id: m for _, m in docs.timeline.of_type(Milestone)}
        milestone_ids = _named(docs.raws[TIMELINE_FILE], "milestones", "id")
    for sw, s in d.of_type(MemberState):
        iso3 = s.iso3
        for attr in ("coups", "milestones", "recent"):
            steps = getattr(s, attr)
            for i, (before, after) in enumerate(itertools.pairwise(steps)):
                if after.date < before.date:
                    yield f"{name}: {sw}.{attr}[{i + 1}].date: {after.date} is before {before.date}"
        if docs.timeline is None:
            continue
        for i, c in enumerate(s.coups):
            cw = f"{sw}.coups[{i}]"
            if c.timeline_id is None:
                continue
            target = timeline.get(c.timeline_id)
            if c.timeline_id not in milestone_ids:
                yield f"{name}: {cw}.timeline_id: dangling timeline id {c.timeline_id!r}"
            elif target is not None and target.date != c.date:
                yield f"{name}: {cw}.date: {c.date} differs from timeline {c.timeline_id}"
        for attr in ("milestones", "recent"):
            for i, m in enumerate(getattr(s, attr)):
                mw = f"{sw}.{attr}[{i}]"
                target = timeline.get(m.timeline_id)
                if m.timeline_id not in milestone_ids:
                    yield f"{name}: {mw}.timeline_id: dangling timeline id {m.timeline_id!r}"
                elif target is None:
                    continue  # refused by its model, reported there
                elif (target.date, target.date_precision) != (m.date, m.precision):
                    yield (
                        f"{name}: {mw}.date: {m.date} ({m.precision}) differs from timeline "
                        f"{m.timeline_id}"
                    )
                elif iso3 not in target.countries:
                    yield f"{name}: {mw}: timeline milestone {m.timeline_id} does not name {iso3}"


def _seed_references_exist(docs: _Documents) -> Iterator[str]:
    """Each seed point is covered by items that exist; a partial one says what is missing."""
    if docs.seed_coverage is None:
        return
    charter = docs.raws.get(CHARTER_FILE)
    charter_fields = {f.name for f in fields(Charter)}
    state_fields = {f.name for f in fields(MemberState)}
    articles = _named(charter, "articles", "number")
    provisions = _named(charter, "provisions_unlocated", "id")
    corrections = _named(charter, "corrections", "id")
    milestones = _named(docs.raws.get(TIMELINE_FILE), "milestones", "id")
    by_iso3 = _named(docs.raws.get(MEMBER_STATES_FILE), "member_states")
    for path, p in docs.seed_coverage.of_type(SeedPoint):
        if not p.references:
            yield f"{SEED_COVERAGE_FILE}: {path}: covered by no item"
        if p.coverage == "partial" and not p.gaps:
            yield f"{SEED_COVERAGE_FILE}: {path}.gaps: partial coverage without gaps"
        dangling = (
            [f"charter:{f}" for f in p.charter if f not in charter_fields]
            + [f"article:{n}" for n in p.articles if n not in articles]
            + [f"provision:{i}" for i in p.provisions if i not in provisions]
            + [f"correction:{i}" for i in p.corrections if i not in corrections]
            + [f"timeline:{i}" for i in p.timeline if i not in milestones]
            + [
                f"member_state:{ref}"
                for ref in p.member_states
                if ref.partition(".")[0] not in by_iso3 or ref.partition(".")[2] not in state_fields
            ]
        )
        for ref in dangling:
            yield f"{SEED_COVERAGE_FILE}: {path}: dangling reference {ref}"


def _no_date_in_the_future(docs: _Documents) -> Iterator[str]:
    """Facts are dated on or before today (an end date may be planned, it is not checked)."""
    today = docs.today.isoformat()
    dated: list[tuple[str, str, str, str]] = []  # file, path, field, iso
    if docs.charter is not None:
        for path, meta in docs.charter.of_type(CharterMetadata):
            dated.append((CHARTER_FILE, path, "signing_date", meta.signing_date))
        for path, k in docs.charter.of_type(Correction):
            dated.append((CHARTER_FILE, path, "revised", k.revised or ""))
    if docs.timeline is not None:
        for path, m in docs.timeline.of_type(Milestone):
            dated += [
                (TIMELINE_FILE, path, name, getattr(m, name) or "")
                for name in ("date", "sort_date", "added", "revised")
            ]
    if docs.member_states is not None:
        for path, s in docs.member_states.of_type(MemberState):
            dated += [
                (MEMBER_STATES_FILE, path, name, getattr(s, name))
                for name in ("in_power_since", "latest_verified")
            ]
        steps: list[tuple[str, Coup | MembershipMilestone]] = [
            *docs.member_states.of_type(Coup),
            *docs.member_states.of_type(MembershipMilestone),
        ]
        dated += [(MEMBER_STATES_FILE, path, "date", step.date) for path, step in steps]
    for name, path, field_name, iso in dated:
        if iso[: len(today)] > today[: len(iso)]:
            yield f"{name}: {path}.{field_name}: {iso} is in the future (today is {today})"


_RULES: tuple[Callable[[_Documents], Iterator[str]], ...] = (
    _sourced_if_verified,
    _ids_unique_and_numbering_complete,
    _vocabularies_cover_what_is_used,
    _timeline_dates_agree,
    _member_states_follow_the_timeline,
    _seed_references_exist,
    _no_date_in_the_future,
)

_MODELS: dict[str, type] = {
    CHARTER_FILE: CharterFile,
    TIMELINE_FILE: TimelineFile,
    MEMBER_STATES_FILE: MemberStatesFile,
    SEED_COVERAGE_FILE: SeedCoverageFile,
}


def validate_documents(raws: Mapping[str, Any], today: dt.date | None = None) -> list[str]:
    """Every problem of already-parsed facts documents (``{"timeline.yaml": ..., ...}``; a
    file left out is not checked, nor are the rules that need it), each line naming the
    file and the path inside it: first what the models refuse, then the named rules."""
    problems: list[str] = []
    built: dict[str, schema.Built[Any]] = {}
    for name, model in _MODELS.items():
        if name in raws:
            built[name] = schema.build(model, raws[name])
            problems += [f"{name}: {p}" for p in built[name].problems]
    docs = _Documents(
        charter=built.get(CHARTER_FILE),
        timeline=built.get(TIMELINE_FILE),
        member_states=built.get(MEMBER_STATES_FILE),
        seed_coverage=built.get(SEED_COVERAGE_FILE),
        raws=raws,
        today=today or dt.date.today(),
    )
    for rule in _RULES:
        problems += rule(docs)
    return problems


def validate_facts() -> list[str]:
    """Every problem found in ``data/facts`` (an empty list when all is well).

    Checks: each file matches its model (types, required keys, no unknown key, bilingual
    texts, http(s) sources, dates at their precision, vocabularies), then the rules above:
    verified items have a source; ids are unique and references (themes, categories,
    timeline ids, seed coverage) exist; dates agree with one another and none is in the
    future.
    """
    problems: list[str] = []
    raws: dict[str, Any] = {}
    for name in _MODELS:
        try:
            raws[name] = _read(name)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
            problems.append(f"{name}: cannot be read ({type(exc).__name__}: {exc})")
    return problems + validate_documents(raws)
