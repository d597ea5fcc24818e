"""What each cited source is: its publisher, its type and a quality grade (``data/SOURCES.md``).

The curated data cites sources by URL only. The source registries
(``data/events/sources.yaml`` for the events, ``data/facts/sources.yaml`` for the charter,
timeline and member states) say, once per URL, who published it, what kind of source it
is, how strong it is and when it was last checked. The panels show that beside each link,
and an item whose best source is weak is marked *weakly sourced*.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.i18n.catalogue import LANGUAGES
from geo.io.paths import DATA_DIR
from geo.io.yamlfile import read_yaml

SOURCE_TYPES: tuple[str, ...] = ("primary", "news", "research", "encyclopaedia", "other")
"""``primary``: official text, communiqué, statement or official site of the actor;
``news``: established news agency or newspaper; ``research``: research institute, think tank,
academic work or conflict dataset; ``encyclopaedia``: Wikipedia (a major language edition)
or a reference encyclopaedia; ``other``: anything else (mirrors, aggregators, blogs, search,
tag and author pages)."""

GRADES: tuple[str, ...] = ("strong", "fair", "weak")
"""Best first. ``strong``: can be cited alone; ``fair``: usable, better paired with a
stronger source; ``weak``: not enough alone (the item is marked weakly sourced)."""

DEFAULT_GRADE: dict[str, str] = {
    "primary": "strong",
    "news": "strong",
    "research": "strong",
    "encyclopaedia": "fair",
    "other": "weak",
}
"""The grade a type gets unless an entry says otherwise with a ``note`` giving the reason."""

REGISTRY_FILES: tuple[Path, ...] = (
    DATA_DIR / "events" / "sources.yaml",
    DATA_DIR / "facts" / "sources.yaml",
)

_FIELDS = {"url", "publisher", "title", "type", "grade", "language", "checked", "note"}
_REQUIRED = ("url", "publisher", "type")


class SourceRegistryError(ValueError):
    """A registry file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Note:
    """A registry note, written in every language of the app (``note: {en: .., fr: ..}``)."""

    en: str
    fr: str

    def text(self, lang: str) -> str:
        """The note in ``lang`` (English for a language the app does not have)."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class SourceInfo:
    """One cited URL as the registry describes it."""

    url: str
    publisher: str  # in English; a proper name reads the same in every language
    type: str
    grade: str
    checked: dt.date | None  # None: not opened for the registry (graded by what it is)
    title: str = ""
    language: str = ""
    note: Note | None = None
    publisher_fr: str = ""  # a descriptive label's French form, as given; "" for a proper name

    def publisher_in(self, lang: str) -> str:
        """The publisher as a reader of ``lang`` sees it."""
        return self.publisher_fr if lang == "fr" and self.publisher_fr else self.publisher


def _note(raw: object, where: str, field: str = "note") -> Note | None:
    """The entry's note, which must give every language of the app: a single string (the
    old form, one language or two mixed in one text) is refused, not guessed apart."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, dict):
        raise SourceRegistryError(
            f"{where}: {field!r} must give the text in each language "
            f"({', '.join(f'{lang}: ...' for lang in LANGUAGES)}), "
            f"got {type(raw).__name__}"
        )
    unknown = sorted(set(map(str, raw)) - set(LANGUAGES))
    if unknown:
        raise SourceRegistryError(
            f"{where}: {field!r} has unknown language(s) {', '.join(unknown)}"
        )
    texts = {}
    for lang in LANGUAGES:
        text = raw.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise SourceRegistryError(f"{where}: {field!r} has no {lang!r} text")
        texts[lang] = text.strip()
    return Note(**texts)


def _publisher(raw: object, where: str) -> Note:
    """The publisher: a proper name as one string ("Reuters", "Le Monde"), or a label that
    describes the site ("WikiMili (Wikipedia mirror)", "United Nations, meetings
    coverage") given in every language (``publisher: {en: .., fr: ..}``)."""
    if isinstance(raw, dict):
        texts = _note(raw, where, "publisher")
        assert texts is not None  # an empty value was refused as a missing field
        return texts
    return Note(en=str(raw), fr=str(raw))


def _entry(raw: object, where: str) -> SourceInfo:
    if not isinstance(raw, dict):
        raise SourceRegistryError(f"{where}: expected a mapping, got {type(raw).__name__}")
    unknown = sorted(set(map(str, raw)) - _FIELDS)
    if unknown:
        raise SourceRegistryError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in _REQUIRED:
        if raw.get(name) in (None, ""):
            raise SourceRegistryError(f"{where}: field {name!r} is missing")
    url = str(raw["url"]).strip()
    if not url.lower().startswith(("http://", "https://")):
        raise SourceRegistryError(f"{where}: url {url!r} is not an http(s) URL")
    kind = str(raw["type"])
    if kind not in SOURCE_TYPES:
        raise SourceRegistryError(f"{where}: type {kind!r} is not one of {', '.join(SOURCE_TYPES)}")
    grade = str(raw.get("grade") or DEFAULT_GRADE[kind])
    if grade not in GRADES:
        raise SourceRegistryError(f"{where}: grade {grade!r} is not one of {', '.join(GRADES)}")
    note = _note(raw.get("note"), where)
    publisher = _publisher(raw["publisher"], where)
    if grade != DEFAULT_GRADE[kind] and not note:
        raise SourceRegistryError(
            f"{where}: grade {grade!r} differs from the {kind!r} default "
            f"({DEFAULT_GRADE[kind]!r}); give the reason in 'note'"
        )
    checked = raw.get("checked")
    if checked in (None, ""):
        if not note:
            raise SourceRegistryError(
                f"{where}: no 'checked' date: say in 'note' why the page "
                "was not read and what the grade rests on"
            )
        checked = None
    elif isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked)
        except ValueError:
            raise SourceRegistryError(
                f"{where}: checked {checked!r} is not a YYYY-MM-DD date"
            ) from None
    if checked is not None and not isinstance(checked, dt.date):
        raise SourceRegistryError(f"{where}: checked {checked!r} is not a YYYY-MM-DD date")
    return SourceInfo(
        url=url,
        publisher=publisher.en,
        publisher_fr=publisher.fr if isinstance(raw["publisher"], dict) else "",
        type=kind,
        grade=grade,
        checked=checked,
        title=str(raw.get("title") or ""),
        language=str(raw.get("language") or ""),
        note=note,
    )


def read_registry(path: Path) -> dict[str, SourceInfo]:
    """The entries of one registry file by URL; a missing file is an empty registry."""
    if not path.exists():
        return {}
    content = read_yaml(path)
    if content is None:
        return {}
    entries = content.get("sources") if isinstance(content, dict) else None
    if not isinstance(entries, list):
        raise SourceRegistryError(f"{path.name}: expected a top-level 'sources:' list")
    found: dict[str, SourceInfo] = {}
    for index, raw in enumerate(entries):
        url = raw.get("url") if isinstance(raw, dict) else None
        info = _entry(raw, f"{path.name}: sources[{index}]" + (f" ({url})" if url else ""))
        if info.url in found:
            raise SourceRegistryError(f"{path.name}: sources[{index}]: {info.url} is listed twice")
        found[info.url] = info
    return found


def _read_on(info: SourceInfo) -> dt.date:
    return info.checked or dt.date.min


def merge_registries(parts: Iterable[tuple[str, dict[str, SourceInfo]]]) -> dict[str, SourceInfo]:
    """One registry from several; a URL in two files must be described the same way,
    unless one of the descriptions comes from a later reading of the page (a later
    ``checked`` date; an entry without one was not read): the later reading wins."""
    merged: dict[str, SourceInfo] = {}
    origin: dict[str, str] = {}
    for name, registry in parts:
        for url, info in registry.items():
            if url in merged and merged[url] != info:
                if _read_on(info) == _read_on(merged[url]):
                    raise SourceRegistryError(
                        f"{name}: {url} is described differently in {origin[url]}"
                    )
                if _read_on(info) < _read_on(merged[url]):
                    continue
                del merged[url]
            if url not in merged:
                merged[url] = info
                origin[url] = name
    return merged


@lru_cache(maxsize=1)
def registry() -> dict[str, SourceInfo]:
    """Every registered source of the curated data, by URL."""
    return merge_registries((p.name, read_registry(p)) for p in REGISTRY_FILES)


def source_info(url: str) -> SourceInfo | None:
    """The registry's description of ``url``; None for a URL it does not list (imports)."""
    return registry().get(str(url).strip())


def best_grade(urls: Iterable[str]) -> str | None:
    """The strongest grade among ``urls``; None when none of them is registered."""
    ranks = [GRADES.index(info.grade) for url in urls if (info := source_info(url))]
    return GRADES[min(ranks)] if ranks else None


def weakly_sourced(urls: Iterable[str]) -> bool:
    """True when the registered sources of an item are all weak (or it has none)."""
    urls = tuple(urls)
    return not urls or best_grade(urls) == "weak"
