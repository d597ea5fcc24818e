"""The Charter, the timeline and the member states, as HTML and filtered data.

Pure functions over the curated facts of :mod:`geo.io.facts` (no Streamlit here): the pages
``pages/charter.py`` and ``pages/timeline.py`` and the map's charter panel only wire widgets
to them. The HTML comes from the templates of :mod:`geo.render.html`, which escape every value
from data; sources become links only for http(s) URLs (:func:`~geo.render.panels.source_list_html`).
Items whose ``verified`` flag is false
are shown with an "unverified" badge and never filled in.

The map side uses :func:`timeline_highlight` (or :func:`highlight_for_id`) to outline the
countries of a milestone and select the matching event of the event layer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from babel import Locale
from markupsafe import Markup

from geo.i18n.catalogue import format_number, normalise_language, pick
from geo.i18n.french import translate
from geo.io.facts import (
    Article,
    Category,
    Charter,
    Correction,
    FlaggedValue,
    MembershipMilestone,
    MemberState,
    Milestone,
    Provision,
    date_phrase,
    format_date,
    parse_date,
)
from geo.model.countries import AES_MEMBERS, country_name, sorted_by_name
from geo.render.html import render
from geo.render.panels import source_list_html

if TYPE_CHECKING:  # imported where used: the map page needs no chart library
    import altair as alt

ALL = ""
"""The "no filter" value of the theme selector."""

TIMELINE_CATEGORIES: tuple[str, ...] = (
    "alliance",
    "coup",
    "coup-attempt",
    "security",
    "diplomacy",
    "foreign-forces",
    "peace-process",
    "economy",
)
CATEGORY_COLORS: dict[str, str] = {
    "alliance": "#b5541c",
    "coup": "#b0233a",
    "coup-attempt": "#e07b91",
    "security": "#4d4d4d",
    "diplomacy": "#1f6f8b",
    "foreign-forces": "#6a51a3",
    "peace-process": "#2e8b57",
    "economy": "#c9a227",
}

# "What followed" the Charter: ECOWAS exit (announced, effective), the unified force, the
# ratification vote and the confederation treaty, pulled from the timeline by id.
WHAT_FOLLOWED_IDS: tuple[str, ...] = (
    "ecowas-exit-announced",
    "aes-joint-force-announced",
    "burkina-ratifies-charter",
    "confederation-treaty",
    "ecowas-exit-effective",
    "fu-aes-hq-niamey",
    "fu-aes-launch",
)
PURPOSE_ARTICLE = 2
PERIODS: tuple[str, ...] = ("all", "2010", "2020", "charter")
"""Time windows of the timeline page: everything, since 2010, since 2020, since the Charter."""
CATEGORY_LABEL_LIMIT = 240
"""Width (px) a category's name may take on the timeline chart before Vega cuts it ("Tentative
de coup d'État" is cut at Vega's default 180 px)."""
CHART_SELECTION = "milestone"
"""Name of the chart's point-selection parameter (``selection_mode`` of the chart)."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def _t(lang: str) -> Callable[..., str]:
    """The interface strings of ``lang``, with French contractions where a value is
    inserted after "de", "à", "le"... (:func:`geo.i18n.french.translate`)."""
    return lambda key, **params: translate(key, lang, **params)


def md_escape(text: str) -> str:
    """``text`` with Markdown punctuation backslash-escaped, for widget labels (expanders,
    buttons) that Streamlit renders as Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def badge_html(verified: bool, lang: str, *, feminine: bool = False) -> str:
    """A small "unverified" badge, or "" for a verified item (verified needs no badge).

    ``feminine``: the item is a feminine noun in French (une étape, une correction), which
    the participle agrees with ("non vérifiée")."""
    if verified:
        return ""
    key = "charter_unverified_feminine" if feminine else "charter_unverified"
    return render("charter_badge.html.j2", text=translate(key, lang))


def _badge(verified: bool, lang: str, *, feminine: bool = False) -> Markup:
    return Markup(badge_html(verified, lang, feminine=feminine))


def _sources_details(sources: Sequence[str], lang: str) -> Markup:
    if not sources:
        return Markup("")
    label = translate("charter_sources_count", lang, count=len(sources))
    return Markup(
        render(
            "charter_sources.html.j2",
            label=label,
            sources=Markup(source_list_html(list(sources), lang)),
        )
    )


def _note(text: str, cls: str = "note") -> str:
    return render("charter_note.html.j2", text=text, cls=cls)


def _cell(value: object, note: object = "", badge: str = "", after: str = "") -> Markup:
    """A table cell: ``value`` and ``note`` (escaped), the ``badge`` and what comes
    ``after`` (HTML already rendered)."""
    return Markup(
        render(
            "charter_cell.html.j2", value=value, note=note, badge=Markup(badge), after=Markup(after)
        )
    )


# --------------------------------------------------------------------------- countries


def country_list(codes: Iterable[str], lang: str) -> str:
    return ", ".join(country_name(c, lang) for c in codes)


# --------------------------------------------------------------------------- charter


def theme_options(charter: Charter) -> list[str]:
    """Themes used by at least one article or unlocated provision, in vocabulary order."""
    used = {t for a in charter.articles for t in a.themes}
    used |= {t for p in charter.provisions_unlocated for t in p.themes}
    return [t for t in charter.themes if t in used]


def articles_for_theme(charter: Charter, theme: str | None) -> tuple[Article, ...]:
    """Articles carrying ``theme`` (all of them for ``None`` or ``""``), in number order.

    Unverified articles are kept (they are shown as "content not verified"); their only
    theme is ``other``, so a specific theme leaves them out.
    """
    articles = sorted(charter.articles, key=lambda a: a.number)
    if not theme:
        return tuple(articles)
    return tuple(a for a in articles if theme in a.themes)


def provisions_for_theme(charter: Charter, theme: str | None) -> tuple[Provision, ...]:
    """Provisions whose article number is unknown, filtered like :func:`articles_for_theme`."""
    if not theme:
        return charter.provisions_unlocated
    return tuple(p for p in charter.provisions_unlocated if theme in p.themes)


def article_label(article: Article, lang: str) -> str:
    """Plain-text heading of an article: ``Article 6 — Attack on one, attack on all``.

    An unverified article gets the interface's "content not verified" wording, never the
    data's title, so nothing unverified reads like a known content.
    """
    title = (
        pick(article.title, lang)
        if article.verified
        else translate("charter_article_not_verified", lang)
    )
    return translate("charter_article_label", lang, number=article.number, title=title)


def article_body_html(article: Article, charter: Charter, lang: str) -> str:
    """The body of one article: summary, notes, themes and sources, or, for an unverified
    article, only the statement that its content is not verified."""
    t = _t(lang)
    if not article.verified:
        return render(
            "article_body.html.j2",
            number=article.number,
            verified=False,
            unknown=t("charter_article_unknown", number=article.number),
            badge=_badge(False, lang),
        )
    themes = ", ".join(charter.theme_label(theme, lang) for theme in article.themes)
    return render(
        "article_body.html.j2",
        number=article.number,
        verified=True,
        summary=pick(article.summary, lang),
        notes=pick(article.notes, lang) if article.notes else "",
        uncertainty=(
            t("charter_uncertainty", text=pick(article.uncertainty, lang))
            if article.uncertainty
            else ""
        ),
        themes=t("charter_themes", themes=themes),
        sources=_sources_details(article.sources, lang),
    )


def article_html(article: Article, charter: Charter, lang: str) -> str:
    """One article as an expandable ``<details>`` block (usable inside st.expander/tabs,
    where Streamlit does not allow nested expanders)."""
    return render(
        "article.html.j2",
        number=article.number,
        verified=article.verified,
        label=article_label(article, lang),
        badge=_badge(article.verified, lang),
        body=Markup(article_body_html(article, charter, lang)),
    )


def articles_html(articles: Iterable[Article], charter: Charter, lang: str) -> str:
    return render(
        "articles.html.j2",
        articles=[Markup(article_html(a, charter, lang)) for a in articles],
        empty=translate("charter_no_article", lang),
    )


def articles_caption(charter: Charter, articles: Sequence[Article], lang: str) -> str:
    """ "6 of 26 articles shown; 2 of them with content not verified."."""
    unverified = sum(1 for a in articles if not a.verified)
    return translate(
        "charter_articles_shown",
        lang,
        count=len(articles),
        total=format_number(len(charter.articles), lang),
        unverified=format_number(unverified, lang),
    )


def provisions_html(provisions: Iterable[Provision], charter: Charter, lang: str) -> str:
    """Provisions reported without an article number, kept apart from the articles; the
    one no source mentions is labelled "not found in any source read"."""
    t = _t(lang)
    items = [
        {
            "id": p.id,
            "found": p.found,
            "text": pick(p.provision, lang),
            "themes": t(
                "charter_themes",
                themes=", ".join(charter.theme_label(theme, lang) for theme in p.themes),
            ),
            "sources": _sources_details(p.sources, lang),
        }
        for p in provisions
    ]
    return render(
        "provisions.html.j2",
        items=items,
        not_found=t("charter_not_found"),
        intro=t("charter_provisions_intro"),
        empty=t("charter_no_provision"),
    )


def _flagged_body(value: FlaggedValue, lang: str, *, compact: bool) -> Markup:
    """A flagged value with its badge; its notes inline, or folded away when ``compact``."""
    note = pick(value.notes, lang) if value.notes else ""
    if compact:
        return Markup(
            render(
                "charter_folded.html.j2",
                value=pick(value.value, lang),
                badge=_badge(value.verified, lang),
                note=note,
                label=translate("charter_notes", lang),
                sources=_sources_details(value.sources, lang),
            )
        )
    return _cell(
        pick(value.value, lang),
        note,
        _badge(value.verified, lang),
        _sources_details(value.sources, lang),
    )


def signatories_html(charter: Charter, lang: str) -> str:
    return render(
        "signatories.html.j2",
        signatories=[
            {
                "country": s.country,
                "name": pick(s.name, lang),
                "country_name": country_name(s.country, lang),
                "title": pick(s.title_at_signing, lang),
            }
            for s in charter.signatories
        ],
    )


def charter_glance_html(charter: Charter, lang: str, *, compact: bool = False) -> str:
    """The Charter at a glance: name, signing date and place, signatories with their titles
    at the time, purpose (Article 2), depositary and entry into force (each with its
    verified flag). In full (not ``compact``) also the language, length, notes on date and
    place, the parties, the preamble and the ratification; ``compact`` stacks labels over
    values and folds notes away, for a narrow side column."""
    t = _t(lang)
    date = format_date(charter.signing_date, charter.signing_date_precision, lang)
    purpose = next(
        (a for a in charter.articles if a.number == PURPOSE_ARTICLE and a.verified), None
    )
    signatory_sources = (
        Markup("") if compact else _sources_details(charter.signatories_sources, lang)
    )
    fields = [
        (t("charter_signed"), _cell(f"{date}, {pick(charter.place, lang)}")),
        (t("charter_signatories"), Markup(signatories_html(charter, lang)) + signatory_sources),
    ]
    if purpose is not None:
        fields.append((t("charter_purpose"), _cell(pick(purpose.summary, lang))))
    for key, value in (
        ("charter_depositary", charter.depositary),
        ("charter_entry_into_force", charter.entry_into_force),
    ):
        fields.append((t(key), _flagged_body(value, lang, compact=compact)))
    full = None
    if not compact:
        fields.append(
            (t("charter_languages"), _flagged_body(charter.languages, lang, compact=False))
        )
        fields.append(
            (
                t("charter_length"),
                _cell(
                    t("charter_article_count", count=charter.article_count),
                    pick(charter.length_note, lang),
                ),
            )
        )
        full = {
            "notes_label": t("charter_date_place_notes"),
            "notes": [pick(n, lang) for n in (charter.signing_date_notes, charter.place_notes)],
            "parties_label": t("charter_parties"),
            "parties": pick(charter.contracting_parties, lang),
            "preamble_label": t("charter_preamble"),
            "preamble_badge": _badge(charter.preamble_verified, lang),
            "preamble": pick(charter.preamble_summary, lang),
            "preamble_sources": _sources_details(charter.preamble_sources, lang),
            "ratification_label": t("charter_ratification"),
            "ratification": [pick(n, lang) for n in charter.ratification_notes],
            "ratification_sources": _sources_details(charter.ratification_sources, lang),
        }
    return render(
        "charter_glance.html.j2",
        name=pick(charter.name, lang),
        abbreviation=charter.abbreviation,
        compact=compact,
        fields=fields,
        full=full,
    )


def correction_html(correction: Correction, lang: str) -> str:
    """A correction of the founding briefs, with its verified flag exactly as recorded.

    Unverified, it is introduced as "reported, not verified" and carries the badge; the
    notes say why it is unverified.
    """
    t = _t(lang)
    lead = t(
        "charter_correction_verified" if correction.verified else "charter_correction_unverified"
    )
    if correction.notes:
        notes_label = t(
            "charter_why_unverified" if not correction.verified else "charter_correction_notes"
        )
    else:
        notes_label = ""
    return render(
        "correction.html.j2",
        id=correction.id,
        verified=correction.verified,
        lead=lead,
        badge=_badge(correction.verified, lang, feminine=True),
        statement=pick(correction.statement, lang),
        wrong_claim=t("charter_wrong_claim", text=pick(correction.wrong_claim, lang)),
        notes=pick(correction.notes, lang) if correction.notes else "",
        notes_label=notes_label,
        sources=_sources_details(correction.sources, lang),
        no_source="" if correction.sources else t("charter_no_source"),
    )


# --------------------------------------------------------------------------- timeline


def milestone_by_id(milestones: Iterable[Milestone], milestone_id: str | None) -> Milestone | None:
    for m in milestones:
        if m.id == milestone_id:
            return m
    return None


def what_followed(
    milestones: Iterable[Milestone], ids: Sequence[str] = WHAT_FOLLOWED_IDS
) -> list[Milestone]:
    """The milestones named by ``ids`` that exist, in date order (missing ids are skipped)."""
    wanted = set(ids)
    return sorted((m for m in milestones if m.id in wanted), key=lambda m: m.sort_date)


def timeline_countries(milestones: Iterable[Milestone], lang: str = "en") -> list[str]:
    """Countries named by the milestones: the AES states first, then the others by their
    name in ``lang`` (accents ignored: "États-Unis" among the E's)."""
    seen = {c for m in milestones for c in m.countries}
    return [c for c in AES_MEMBERS if c in seen] + sorted_by_name(seen - set(AES_MEMBERS), lang)


def timeline_intro(milestones: Sequence[Milestone], lang: str) -> str | None:
    """ "58 milestones, from 3 August 1970 to 13 February 2026 (the latest verified one)":
    the count of all milestones and the span of the verified ones (``None`` if none is)."""
    verified = [m for m in milestones if m.verified]
    if not verified:
        return None
    first, last = verified[0], verified[-1]
    return translate(
        "tl_intro",
        lang,
        count=len(milestones),
        first=date_phrase(first.date, first.date_precision, lang),
        last=date_phrase(last.date, last.date_precision, lang),
    )


def coverage_note(milestones: Sequence[Milestone], lang: str) -> str | None:
    """Where the curated facts end, derived from the data: the latest verified milestone,
    the latest day a cited source was checked, and how many later milestones are unverified
    ("Coverage end: 26 February 2026 (latest verified milestone). ..."). ``None`` when no
    milestone is verified."""
    from geo.i18n.catalogue import format_day
    from geo.io.sources import source_info

    verified = sorted((m for m in milestones if m.verified), key=lambda m: m.sort_date)
    if not verified:
        return None
    last = verified[-1]
    text = translate("facts_coverage", lang, last=format_date(last.date, last.date_precision, lang))
    checked = [
        info.checked
        for m in milestones
        for url in m.sources
        if (info := source_info(url)) is not None and info.checked is not None
    ]
    if checked:
        text += " " + translate(
            "facts_coverage_checked", lang, checked=format_day(max(checked), lang)
        )
    later = [m for m in milestones if not m.verified and m.sort_date > last.sort_date]
    if later:
        text += " " + translate("facts_coverage_later", lang, count=len(later))
    return text


def timeline_count(shown: int, total: int, lang: str) -> str:
    """ "12 of 58 milestones shown." / "1 étape affichée sur 58."."""
    return translate("tl_count", lang, count=shown, total=format_number(total, lang))


def period_labels(milestones: Sequence[Milestone], charter: Charter, lang: str) -> dict[str, str]:
    """The label of each period of :data:`PERIODS` ("All (from 3 August 1970)", "Since
    2010", "Since the Charter (16 September 2023)")."""
    labels = {
        "all": translate(
            "tl_period_all",
            lang,
            first=date_phrase(milestones[0].date, milestones[0].date_precision, lang),
        )
        if milestones
        else ""
    }
    for period in PERIODS:
        if period.isdigit():
            labels[period] = translate("tl_period_since", lang, year=period)
    labels["charter"] = translate(
        "tl_period_charter",
        lang,
        date=format_date(charter.signing_date, charter.signing_date_precision, lang),
    )
    return labels


def period_start(period: str, charter: Charter) -> str | None:
    """First ISO day of a period of :data:`PERIODS` (``None`` for ``all``): ``"2010"`` ->
    ``"2010-01-01"``, ``"charter"`` -> the Charter's signing date."""
    if period == "charter":
        return parse_date(charter.signing_date, charter.signing_date_precision).isoformat()
    if period.isdigit():
        return f"{period}-01-01"
    return None


def filter_timeline(
    milestones: Iterable[Milestone],
    categories: Iterable[str] = (),
    countries: Iterable[str] = (),
    *,
    since: str | None = None,
    include_unverified: bool = False,
) -> list[Milestone]:
    """Milestones in one of ``categories`` naming at least one of ``countries``, dated
    (``sort_date``) on or after ``since`` (ISO day) when given.

    An empty ``categories`` or ``countries`` means no filter on it. Unverified milestones
    are left out unless ``include_unverified``. Order is kept (the loader sorts by date).
    """
    cats, isos = set(categories), set(countries)
    return [
        m
        for m in milestones
        if (include_unverified or m.verified)
        and (not cats or m.category in cats)
        and (not isos or isos.intersection(m.countries))
        and (since is None or m.sort_date >= since)
    ]


def milestone_date_label(milestone: Milestone, lang: str) -> str:
    """``26 July 2023``, ``June 2025`` or ``25 July 2024 – 27 July 2024`` (per precision)."""
    start = format_date(milestone.date, milestone.date_precision, lang)
    if milestone.end_date:
        return f"{start} – {format_date(milestone.end_date, 'day', lang)}"
    return start


def category_label(categories: Mapping[str, Category], key: str, lang: str) -> str:
    category = categories.get(key)
    return pick(category.label, lang) if category else key


def milestone_label(milestone: Milestone, lang: str) -> str:
    """Plain-text one-line label: ``26 July 2023 — Niger coup ousts Bazoum``."""
    return f"{milestone_date_label(milestone, lang)} — {pick(milestone.title, lang)}"


def milestone_list_label(
    milestone: Milestone, lang: str, categories: Mapping[str, Category]
) -> str:
    """Plain-text label for the list: date, title and category."""
    return (
        f"{milestone_label(milestone, lang)} · "
        f"{category_label(categories, milestone.category, lang)}"
    )


def milestone_html(
    milestone: Milestone, lang: str, categories: Mapping[str, Category], *, with_title: bool = False
) -> str:
    """One milestone: date, category, countries, place, summary, notes and sources."""
    t = _t(lang)
    notes = []
    if milestone.place:
        notes.append(t("tl_place", place=pick(milestone.place, lang)))
    if milestone.notes:
        notes.append(pick(milestone.notes, lang))
    if milestone.category_note:
        notes.append(pick(milestone.category_note, lang))
    return render(
        "milestone.html.j2",
        id=milestone.id,
        category=milestone.category,
        verified=milestone.verified,
        with_title=with_title,
        title=pick(milestone.title, lang),
        badge=_badge(milestone.verified, lang, feminine=True),
        date=milestone_date_label(milestone, lang),
        category_label=category_label(categories, milestone.category, lang),
        countries=country_list(milestone.countries, lang),
        summary=pick(milestone.summary, lang),
        notes=notes,
        sources=_sources_details(milestone.sources, lang),
    )


def what_followed_html(
    milestones: Iterable[Milestone], lang: str, categories: Mapping[str, Category]
) -> str:
    return render(
        "what_followed.html.j2",
        milestones=[
            Markup(milestone_html(m, lang, categories, with_title=True)) for m in milestones
        ],
    )


def timeline_frame(
    milestones: Iterable[Milestone], lang: str, categories: Mapping[str, Category]
) -> pd.DataFrame:
    """One row per milestone for the chart: id, date (its sort date), labels, verified.

    Text columns are raw (Vega-Lite tooltips render text, not HTML).
    """
    rows = [
        {
            "id": m.id,
            "date": pd.Timestamp(m.sort_date),
            "date_label": milestone_date_label(m, lang),
            "title": pick(m.title, lang),
            "category": m.category,
            "category_label": category_label(categories, m.category, lang),
            "countries": country_list(m.countries, lang),
            "verified": m.verified,
        }
        for m in milestones
    ]
    columns = [
        "id",
        "date",
        "date_label",
        "title",
        "category",
        "category_label",
        "countries",
        "verified",
    ]
    return pd.DataFrame(rows, columns=columns)


def time_axis(dates: pd.Series, lang: str) -> alt.Axis:
    """A date axis written in ``lang`` at every zoom level (Vega's own month names are
    English-only, so the labels are built here from CLDR's).

    Vega picks the ticks for the span in view, about one a year over more than three years
    of ``dates`` and one a quarter below, and again for the narrower span when the reader
    zooms in; each label says what its tick needs: the year on 1 January ("2024"), month and
    year on the first of a month ("juillet 2024"), else the day ("16 sept.").
    """
    import altair as alt

    dates = pd.to_datetime(dates)
    span_days = (dates.max() - dates.min()).days if len(dates) else 0
    span_years = span_days / 365.25
    count = min(14, math.ceil(span_years)) if span_years > 3 else max(2, math.ceil(span_days / 91))
    months = Locale.parse(normalise_language(lang)).months["format"]
    wide = json.dumps([months["wide"][m] for m in range(1, 13)], ensure_ascii=False)
    short = json.dumps([months["abbreviated"][m] for m in range(1, 13)], ensure_ascii=False)
    label = (
        "month(datum.value) == 0 && date(datum.value) == 1"
        " ? timeFormat(datum.value, '%Y')"
        f" : date(datum.value) == 1 ? {wide}[month(datum.value)]"
        " + ' ' + timeFormat(datum.value, '%Y')"
        f" : date(datum.value) + ' ' + {short}[month(datum.value)]"
    )
    return alt.Axis(tickCount=count, labelExpr=label, labelOverlap=True, labelFlush=True)


def timeline_chart(frame: pd.DataFrame, lang: str, categories: Mapping[str, Category]) -> alt.Chart:
    """One point per milestone on a time axis, a row and a colour per category, a tooltip
    with date, title and countries, and a click selection named :data:`CHART_SELECTION`
    (field ``id``). Only the categories present get a row. Dragging or the mouse wheel pans
    and zooms the time axis."""
    import altair as alt

    t = _t(lang)
    present = set(frame["category"].unique())
    known = [c for c in TIMELINE_CATEGORIES if c in categories] + [
        c for c in categories if c not in TIMELINE_CATEGORIES
    ]
    order = [c for c in known if c in present] + sorted(present - set(known))
    labels = [category_label(categories, c, lang) for c in order]
    colors = [CATEGORY_COLORS.get(c, "#888888") for c in order]
    pick_one = alt.selection_point(
        name=CHART_SELECTION, fields=["id"], on="click", clear="dblclick"
    )
    zoom = alt.selection_interval(name="zoom", bind="scales", encodings=["x"])
    return (
        alt.Chart(frame)
        .mark_circle(size=140, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "date:T",
                title=t("tl_axis_date"),
                scale=alt.Scale(padding=14),
                axis=time_axis(frame["date"], lang),
            ),
            y=alt.Y(
                "category_label:N",
                title=t("tl_tooltip_category"),
                sort=labels,
                scale=alt.Scale(domain=labels),
                axis=alt.Axis(title=None, labelLimit=CATEGORY_LABEL_LIMIT),
            ),
            color=alt.Color(
                "category_label:N",
                legend=None,
                title=t("tl_tooltip_category"),
                scale=alt.Scale(domain=labels, range=colors),
            ),
            opacity=alt.condition(pick_one, alt.value(0.95), alt.value(0.55)),
            tooltip=[
                alt.Tooltip("date_label:N", title=t("tl_tooltip_date")),
                alt.Tooltip("title:N", title=t("tl_tooltip_title")),
                alt.Tooltip("category_label:N", title=t("tl_tooltip_category")),
                alt.Tooltip("countries:N", title=t("tl_tooltip_countries")),
            ],
        )
        .add_params(pick_one, zoom)
        .properties(height=80 + 32 * len(order))
    )


def selected_milestone_id(state: object, known: Iterable[str] = ()) -> str | None:
    """The milestone id picked in a chart selection state (``st.altair_chart`` event).

    Accepts the shapes Streamlit returns for a point selection with ``fields=["id"]``:
    ``{"selection": {"milestone": [{"id": ...}]}}``, or the inner ``selection`` mapping.
    When ``known`` is given, an id outside it is ignored.
    """
    if not isinstance(state, Mapping):
        return None
    selection = state.get("selection", state)
    if not isinstance(selection, Mapping):
        return None
    points = selection.get(CHART_SELECTION)
    candidates: list[object] = []
    if isinstance(points, Mapping):  # {"id": [...]} form
        ids = points.get("id")
        candidates = list(ids) if isinstance(ids, list | tuple) else [ids]
    elif isinstance(points, list | tuple):
        candidates = [p.get("id") for p in points if isinstance(p, Mapping)]
    allowed = set(known)
    for value in candidates:
        if isinstance(value, str) and value and (not allowed or value in allowed):
            return value
    return None


# --------------------------------------------------------------------------- map highlight


@dataclass(frozen=True)
class Highlight:
    """What the map shows for a milestone: country outlines and matching event ids."""

    countries: tuple[str, ...]
    event_ids: tuple[str, ...]


# Which event layers can be "the same thing" as a milestone of a category. Milestone
# categories without an entry (alliance, diplomacy, foreign-forces, peace-process, economy)
# never match an event. Post-coup consolidation steps are filed under "coup" in the timeline
# but have no coup event on their date, so the date rule keeps them unmatched.
EVENT_LAYERS_FOR_CATEGORY: dict[str, tuple[str, ...]] = {
    "coup": ("coup-successful",),
    "coup-attempt": ("coup-attempted", "coup-plot"),
    "security": ("insurgency", "state-violence"),
}
# Both dates are calendar days of the same incident, but a coup at night or an attack over
# midnight may be dated a day apart by different sources.
DATE_TOLERANCE_DAYS = 1
# A foiled plot is a milestone on the day it was announced, while the event is dated to the
# plot itself (e.g. BFA: plot of 16 April 2025 announced on 21 April). So for coup-attempt
# milestones the event may start up to this many days before the milestone.
ANNOUNCEMENT_LAG_DAYS = 7


def milestone_span(milestone: Milestone) -> tuple[dt.date, dt.date]:
    """First and last day a milestone covers (a month- or year-precision date covers the
    whole month or year; ``end_date`` extends it)."""
    start = parse_date(milestone.date, milestone.date_precision)
    if milestone.end_date:
        return start, parse_date(milestone.end_date, "day")
    if milestone.date_precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        return start, start.replace(day=last)
    if milestone.date_precision == "year":
        return start, start.replace(month=12, day=31)
    return start, start


def timeline_highlight(
    milestone: Milestone, events_df: pd.DataFrame | None, countries: Iterable[str] | None = None
) -> Highlight:
    """What to highlight on the map for ``milestone``.

    Countries: the milestone's countries, in its order, kept only if in ``countries`` (the
    ISO3 codes the map can outline; ``None`` keeps all).

    Events: rows of ``events_df`` (``geo.io.events`` model: ``id``, ``date``, ``date_end``,
    ``layer``, ``country_iso3``, ``verified``) that are the same incident, i.e. all of:

    * the event's layer is compatible with the milestone's category
      (:data:`EVENT_LAYERS_FOR_CATEGORY`: coup ↔ successful coup, coup-attempt ↔ attempted
      coup or alleged plot, security ↔ insurgency or state violence; other categories never
      match);
    * the event's country is one of the milestone's countries;
    * the event's days ``[date, date_end]`` overlap the milestone's days
      (:func:`milestone_span`) widened by :data:`DATE_TOLERANCE_DAYS` on each side, and for
      coup-attempt milestones by :data:`ANNOUNCEMENT_LAG_DAYS` more before;
    * the event is verified (an unverified event is never presented as the match).

    Matches are ordered by distance in days from the milestone's start, then by id.
    """
    allowed = None if countries is None else set(countries)
    outline = tuple(c for c in milestone.countries if allowed is None or c in allowed)
    layers = EVENT_LAYERS_FOR_CATEGORY.get(milestone.category, ())
    if events_df is None or events_df.empty or not layers:
        return Highlight(outline, ())
    first, last = milestone_span(milestone)
    before = DATE_TOLERANCE_DAYS + (
        ANNOUNCEMENT_LAG_DAYS if milestone.category == "coup-attempt" else 0
    )
    lo = pd.Timestamp(first - dt.timedelta(days=before))
    hi = pd.Timestamp(last + dt.timedelta(days=DATE_TOLERANCE_DAYS))
    ev = events_df
    start = pd.to_datetime(ev["date"])
    end = pd.to_datetime(ev["date_end"]).fillna(start) if "date_end" in ev else start
    mask = (
        ev["layer"].isin(layers)
        & ev["country_iso3"].isin(milestone.countries)
        & (start <= hi)
        & (end >= lo)
    )
    if "verified" in ev:
        mask &= ev["verified"].fillna(False).astype(bool)
    hits = ev.loc[mask, ["id"]].assign(gap=(start[mask] - pd.Timestamp(first)).abs())
    hits = hits.sort_values(["gap", "id"])
    return Highlight(outline, tuple(str(i) for i in hits["id"]))


def highlight_for_id(
    milestone_id: str | None,
    milestones: Iterable[Milestone],
    events_df: pd.DataFrame | None,
    countries: Iterable[str] | None = None,
) -> Highlight | None:
    """:func:`timeline_highlight` for a milestone id (from session state or the ``hl`` URL
    parameter); ``None`` when the id is unknown."""
    milestone = milestone_by_id(milestones, milestone_id)
    if milestone is None:
        return None
    return timeline_highlight(milestone, events_df, countries)


def highlight_banner_html(
    milestone: Milestone, highlight: Highlight, lang: str, categories: Mapping[str, Category]
) -> str:
    """A short notice for the map page: which milestone is highlighted and how."""
    t = _t(lang)
    if highlight.event_ids:
        how = t("tl_banner_event", count=len(highlight.event_ids))
    else:
        how = t("tl_banner_no_event")
    return render(
        "highlight_banner.html.j2",
        id=milestone.id,
        countries_attr=" ".join(highlight.countries),
        events_attr=" ".join(highlight.event_ids),
        heading=t("tl_banner_heading"),
        label=milestone_label(milestone, lang),
        badge=_badge(milestone.verified, lang, feminine=True),
        category=category_label(categories, milestone.category, lang),
        countries=country_list(milestone.countries, lang),
        how=how,
    )


# --------------------------------------------------------------------------- member states


def member_state_html(state: MemberState, lang: str) -> str:
    """A full member-state card: capital, head of state and title, in power since, the coups
    of the period with the presidents they ousted, membership milestones (G5 Sahel exit,
    Charter, ECOWAS exit, confederation), latest verification (per its precision, with its
    note), background notes and sources."""
    t = _t(lang)
    since = format_date(state.in_power_since, state.in_power_since_precision, lang)
    latest = format_date(state.latest_verified, state.latest_verified_precision, lang)
    rows = [
        (t("ms_capital"), _cell(pick(state.capital, lang))),
        (t("ms_head"), _cell(pick(state.head_of_state, lang), pick(state.title, lang))),
        (t("ms_since"), _cell(since)),
    ]

    def lines(items: Iterable[tuple[str | None, str]]) -> list[tuple[str, str]]:
        """(timeline id, text) items; an item without a timeline id gets an empty one."""
        return [(ident or "", text) for ident, text in items]

    def milestone_lines(steps: Iterable[MembershipMilestone]) -> list[tuple[str, str]]:
        return lines(
            (
                m.timeline_id,
                t(
                    "ms_milestone_line",
                    date=format_date(m.date, m.precision, lang),
                    label=pick(m.label, lang),
                ),
            )
            for m in steps
        )

    lists = [
        (
            t("ms_coups"),
            lines(
                (
                    c.timeline_id,
                    t(
                        "ms_coup_line",
                        date=format_date(c.date, c.precision, lang),
                        ousted=pick(c.ousted, lang),
                    ),
                )
                for c in state.coups
            ),
        ),
        (t("ms_milestones"), milestone_lines(state.milestones)),
        (t("ms_recent"), milestone_lines(state.recent)),
    ]
    return render(
        "member_state.html.j2",
        iso3=state.iso3,
        name=pick(state.name, lang),
        rows=rows,
        lists=lists,
        latest=t("ms_latest_verified", date=latest),
        latest_note=(pick(state.latest_verified_note, lang) if state.latest_verified_note else ""),
        background_label=t("ms_background"),
        background=pick(state.notes, lang) if state.notes else "",
        sources=_sources_details(state.sources, lang),
    )
