"""Who acted and who was hit: actor groups, their aliases, and victims.

The events name their actors in the words of their source. The curated file spells one
armed group many ways (``JNIM``, ``JNIM (suspected)``, ``Katiba Macina / JNIM``...), so
``data/events/actor_aliases.yaml`` maps the curated spellings to one **canonical group**
with a display name in English and French and the sources that describe the group and
its other names. Every name the table does not list (ACLED's and UCDP's names, which
stay as the dataset writes them, and any curated name not yet listed) passes through
unchanged.

A name is a **victim** (a target, not an actor) when the table marks it so, or by the
head-noun rule of :func:`names_unarmed_people` (``Civilians (Mali)``, ACLED's name for its
civilian actor type 7; ``Fulani civilians``). See ``data/ANALYSIS_RULES.md``.

Each name a curated event writes has its French wording in ``data/events/actor_names.yaml``
(``en`` as written, ``fr``): French pages show it wherever the name is shown, a group's own
``name_fr`` where the name is counted under its group. Names are looked up exactly as
written (white space collapsed, case kept), so an imported name that merely resembles a
curated one (UCDP's ``Civilians``, the curated ``civilians``) is not translated.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo.io.paths import DATA_DIR
from geo.io.yamlfile import read_yaml

ALIASES_FILE = DATA_DIR / "events" / "actor_aliases.yaml"
NAMES_FILE = DATA_DIR / "events" / "actor_names.yaml"

_GROUP_FIELDS = {"key", "name_en", "name_fr", "aliases", "sources", "note"}
_SOURCE_FIELDS = {"url", "title", "checked"}
_VICTIM_FIELDS = {"name", "note"}
_NAME_FIELDS = {"en", "fr", "note"}


class ActorAliasError(ValueError):
    """The alias table is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class GroupSource:
    """A page describing a group and its other names, and the day it was read."""

    url: str
    checked: dt.date
    title: str = ""


@dataclass(frozen=True)
class ActorGroup:
    """One canonical group: ``name_en`` is its name in filters, URLs and rankings."""

    key: str
    name_en: str
    name_fr: str
    aliases: tuple[str, ...]
    sources: tuple[GroupSource, ...]
    note: str = ""

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


def written_key(name: str) -> str:
    """How a written name is looked up in the French name table: Unicode NFC, typographic
    apostrophes as ``'``, runs of white space as one space; case kept."""
    text = unicodedata.normalize("NFC", str(name)).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str) -> str:
    """How names are compared: Unicode NFC, case folded, typographic apostrophes as
    ``'``, runs of white space as one space, no space at the ends."""
    text = unicodedata.normalize("NFC", str(name)).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class ActorAliases:
    """The alias table: groups by any of their spellings, and the names marked victims."""

    groups: tuple[ActorGroup, ...] = ()
    victims: frozenset[str] = frozenset()
    """:func:`name_key` of each name marked as a victim group."""
    french: Mapping[str, str] = field(default_factory=dict)
    """The French wording of each curated name, by :func:`written_key` of its English."""
    problem: str = ""
    """Why the table file could not be used (:func:`aliases`), naming file and entry;
    "" when it was read."""

    def __post_init__(self) -> None:
        by_key: dict[str, ActorGroup] = {}
        for group in self.groups:
            for spelling in (group.name_en, *group.aliases):
                by_key[name_key(spelling)] = group
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_name", {g.name_en: g for g in self.groups})

    def group_of(self, name: str) -> ActorGroup | None:
        """The group a name is a spelling of (its canonical name included), else None."""
        return self._by_key.get(name_key(name))  # type: ignore[attr-defined]

    def canonical(self, name: str) -> str:
        """The group's canonical name (``name_en``) for a listed spelling; any other name
        unchanged."""
        group = self.group_of(name)
        return group.name_en if group is not None else name

    def written(self, name: str, lang: str) -> str:
        """A name as an event writes it, in ``lang``: on French pages its French wording
        from the name table; unchanged in English and for names the table does not list."""
        if lang != "fr":
            return name
        return self.french.get(written_key(name), name)

    def display(self, canonical: str, lang: str) -> str:
        """A canonical name in ``lang``: a group's name in that language, else the name's
        French wording (:meth:`written`); any other name unchanged."""
        group = self._by_name.get(canonical)  # type: ignore[attr-defined]
        return group.name(lang) if group is not None else self.written(canonical, lang)

    def is_victim(self, name: str) -> bool:
        """Whether ``name`` names people attacked rather than a party that acted: marked
        in the table, or by :func:`names_unarmed_people`; a listed group never is."""
        if self.group_of(name) is not None:
            return False
        return name_key(name) in self.victims or names_unarmed_people(name)


def _text(raw: dict, field: str, where: str, required: bool = True) -> str:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ActorAliasError(f"{where}: field {field!r} is missing")
        return ""
    if not isinstance(value, str):
        raise ActorAliasError(f"{where}: field {field!r} must be text, got {type(value).__name__}")
    return value.strip()


def _checked(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ActorAliasError(f"{where}: checked {value!r} is not a YYYY-MM-DD date")


def _mapping(raw: object, fields: set[str], where: str) -> dict:
    if not isinstance(raw, dict):
        raise ActorAliasError(f"{where}: expected a mapping, got {type(raw).__name__}")
    unknown = sorted(set(map(str, raw)) - fields)
    if unknown:
        raise ActorAliasError(f"{where}: unknown field(s) {', '.join(unknown)}")
    return raw


def _group(raw: object, where: str) -> ActorGroup:
    raw = _mapping(raw, _GROUP_FIELDS, where)
    key = _text(raw, "key", where)
    where = f"{where} ({key})"
    aliases = raw.get("aliases")
    if not isinstance(aliases, list) or not aliases:
        raise ActorAliasError(f"{where}: 'aliases' must be a non-empty list")
    spellings = tuple(
        _text({"alias": a}, "alias", f"{where}: aliases[{i}]") for i, a in enumerate(aliases)
    )
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise ActorAliasError(f"{where}: 'sources' must list at least one source")
    found = []
    for i, src in enumerate(sources):
        at = f"{where}: sources[{i}]"
        src = _mapping(src, _SOURCE_FIELDS, at)
        url = _text(src, "url", at)
        if not url.lower().startswith(("http://", "https://")):
            raise ActorAliasError(f"{at}: url {url!r} is not an http(s) URL")
        if "checked" not in src:
            raise ActorAliasError(f"{at}: field 'checked' is missing")
        found.append(
            GroupSource(url, _checked(src["checked"], at), _text(src, "title", at, required=False))
        )
    return ActorGroup(
        key=key,
        name_en=_text(raw, "name_en", where),
        name_fr=_text(raw, "name_fr", where),
        aliases=spellings,
        sources=tuple(found),
        note=_text(raw, "note", where, required=False),
    )


def read_aliases(path: Path = ALIASES_FILE) -> ActorAliases:
    """The alias table of ``path``; a missing file is an empty table.

    Raises :class:`ActorAliasError` naming the file and the entry for: a top level other
    than ``groups:`` / ``victims:`` lists, a group without key, names, aliases or a
    source (an http(s) URL with the date it was checked), an unknown field, and a
    spelling listed twice (in two groups, or as a group and a victim)."""
    path = Path(path)
    if not path.exists():
        return ActorAliases()
    content = read_yaml(path)
    if content is None:
        return ActorAliases()
    content = _mapping(content, {"groups", "victims"}, path.name)
    groups_raw = content.get("groups")
    victims_raw = content.get("victims")
    groups_raw = [] if groups_raw is None else groups_raw
    victims_raw = [] if victims_raw is None else victims_raw
    for name, value in (("groups", groups_raw), ("victims", victims_raw)):
        if not isinstance(value, list):
            raise ActorAliasError(f"{path.name}: '{name}' must be a list")
    groups = [_group(raw, f"{path.name}: groups[{i}]") for i, raw in enumerate(groups_raw)]
    seen: dict[str, str] = {}
    keys: set[str] = set()
    for i, group in enumerate(groups):
        where = f"{path.name}: groups[{i}] ({group.key})"
        if group.key in keys:
            raise ActorAliasError(f"{where}: key {group.key!r} is used twice")
        keys.add(group.key)
        for spelling in {name_key(s): s for s in (group.name_en, *group.aliases)}.values():
            other = seen.get(name_key(spelling))
            if other is not None and other != group.key:
                raise ActorAliasError(f"{where}: {spelling!r} is also listed under {other!r}")
            seen[name_key(spelling)] = group.key
    victims = set()
    for i, raw in enumerate(victims_raw):
        where = f"{path.name}: victims[{i}]"
        name = _text(_mapping(raw, _VICTIM_FIELDS, where), "name", where)
        if name_key(name) in seen:
            raise ActorAliasError(
                f"{where}: {name!r} is also listed under {seen[name_key(name)]!r}"
            )
        seen[name_key(name)] = "victims"
        victims.add(name_key(name))
    return ActorAliases(tuple(groups), frozenset(victims))


def read_names(path: Path = NAMES_FILE) -> dict[str, str]:
    """The French wording of each curated name in ``path`` (a ``names:`` list of ``en``,
    ``fr`` and an optional ``note``), by :func:`written_key` of the English; a missing
    file is an empty table.

    Raises :class:`ActorAliasError` naming the file and the entry for: another top level,
    an entry without ``en`` or ``fr`` or with an unknown field, an English name listed
    twice, and two English names with the same French (a French ranking would show two
    bars under one label)."""
    path = Path(path)
    if not path.exists():
        return {}
    content = read_yaml(path)
    if content is None:
        return {}
    content = _mapping(content, {"names"}, path.name)
    raw = content.get("names")
    raw = [] if raw is None else raw
    if not isinstance(raw, list):
        raise ActorAliasError(f"{path.name}: 'names' must be a list")
    french: dict[str, str] = {}
    english_of: dict[str, str] = {}
    for i, entry in enumerate(raw):
        where = f"{path.name}: names[{i}]"
        entry = _mapping(entry, _NAME_FIELDS, where)
        en = _text(entry, "en", where)
        where = f"{where} ({en})"
        fr = _text(entry, "fr", where)
        _text(entry, "note", where, required=False)
        key = written_key(en)
        if key in french:
            raise ActorAliasError(f"{where}: the name is listed twice")
        other = english_of.get(written_key(fr))
        if other is not None:
            raise ActorAliasError(f"{where}: the French {fr!r} is also that of {other!r}")
        french[key] = written_key(fr)
        english_of[written_key(fr)] = en
    return french


@lru_cache(maxsize=1)
def aliases() -> ActorAliases:
    """The project's alias table (:data:`ALIASES_FILE`) with the French names
    (:data:`NAMES_FILE`), read once. A malformed file gives an empty table whose
    :attr:`~ActorAliases.problem` says what is wrong (names then pass unchanged, in
    English: the pages still work and say why nothing is grouped)."""
    try:
        table = read_aliases(ALIASES_FILE)
        french = read_names(NAMES_FILE)
    except (ActorAliasError, OSError, UnicodeDecodeError) as err:
        return ActorAliases(problem=str(err))
    except Exception as err:  # noqa: BLE001 - a YAML syntax error (yaml.YAMLError) and the like
        return ActorAliases(problem=f"{ALIASES_FILE.name} / {NAMES_FILE.name}: {err}")
    return ActorAliases(table.groups, table.victims, french)


# --- the head-noun rule -----------------------------------------------------------------------

VICTIM_NOUNS: frozenset[str] = frozenset(
    {
        "civilian",
        "civilians",
        "villagers",
        "worshippers",
        "passengers",
        "residents",
        "pilgrims",
        "civils",
        "civiles",
        "villageois",
        "fidèles",
        "passagers",
        "habitants",
    }
)
"""Head nouns that name unarmed people, in English and French: ACLED names its civilian
actors ``Civilians (Mali)`` (actor type 7), UCDP's one-sided violence has side B
``Civilians``, and the curated events write ``civilians``, ``Fulani civilians``, ``Muslim
worshippers``."""

_TRAILING_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def names_unarmed_people(actor: str) -> bool:
    """Whether a name's head noun names unarmed people.

    The head noun is the last word of the name once trailing parenthesised qualifiers
    (``(Mali)``, ``(suspected)``) and any ``of ...`` complement are removed. So
    ``Civilians (Mali)``, ``Fulani civilians`` and ``passengers of the boat`` are victims;
    ``civilians and soldiers (accused)`` (head noun *soldiers*) and ``Civilian JTF`` are
    not.
    """
    base = actor
    while True:
        stripped = _TRAILING_QUALIFIER.sub("", base)
        if stripped == base:
            break
        base = stripped
    base = re.split(r"\s+(?:of|de|des|du)\s+", base, maxsplit=1, flags=re.IGNORECASE)[0]
    words = _WORD.findall(base)
    return bool(words) and words[-1].casefold() in VICTIM_NOUNS


def is_victim(actor: str) -> bool:
    """Whether a name names victims (targets), by the project's alias table and the
    head-noun rule (:meth:`ActorAliases.is_victim`)."""
    return aliases().is_victim(actor)
