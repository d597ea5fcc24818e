"""The Help page's drawing: the sections of ``data/help/help.yaml`` with the map's own
legends and zone definitions inside them, the glossary, the coverage computed from the
loaded data. The HTML builders are plain functions (tested without a running app) over the
templates of :mod:`geo.render.html`, which escape every text from data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st
from markupsafe import Markup

from geo.i18n.catalogue import format_day, format_number, pick, translate
from geo.io.facts import Milestone
from geo.model.countries import AES_MEMBERS, country_name
from geo.render import helpcontent as hc
from geo.render.html import render
from geo.spatial.zones import ZoneDefinitions
from geo.ui import WARNING_ICON

STYLE = """<style>
.help-item{max-width:62rem;margin:0 0 1.2rem}
.help-item h3{font-size:1.15rem;margin:0 0 .3rem}
.help-item p{margin:.3rem 0;line-height:1.5}
.help-rule{border-left:3px solid #8c8c8c;padding-left:.6rem;color:#333}
.help-rule .label{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#555}
.help-shown{margin:.5rem 0;padding:.5rem .7rem;background:#f6f6f3;border-radius:4px}
.help-shown ul{margin:.2rem 0}
.help-glossary{max-width:62rem;margin:0 !important;padding:0 !important}
.help-term{margin:0 0 1rem;padding:.2rem 0 .6rem;border-bottom:1px solid #e4e4e0}
.help-term dt{font-weight:700;font-size:1.05rem}
.help-term dt .names{font-weight:400;color:#444}
.help-term dd{margin:.25rem 0 0}
.help-term .sources{margin:.3rem 0 0;padding-left:1.1rem;font-size:.9rem}
.help-item a,.help-term a{overflow-wrap:anywhere;word-break:break-word}
</style>"""
"""Readable from a phone's width up: text blocks wrap, long URLs break."""

_SAMPLE_DATASETS = {"curated": "curated", "ACLED": "acled", "UCDP": "ucdp"}
"""Dataset names shown in the outline legend's sample -> their outline slot's name."""


def formatted_params(lang: str) -> dict[str, str]:
    """:func:`geo.render.helpcontent.rule_params` written in the reader's format."""
    return {
        k: format_number(v, lang, 0 if float(v).is_integer() else 1)
        for k, v in hc.rule_params().items()
    }


def help_text(text: hc.Text, lang: str) -> str:
    """A help text in ``lang``, placeholders filled (plain text: the templates escape it)."""
    return pick(text, lang).format(**formatted_params(lang))


def rule_text(key: str, lang: str) -> str:
    """A rule the app states in the locale string ``key``, filled as the app fills it."""
    return translate(key, lang, **formatted_params(lang))


def item_html(item: hc.Item, lang: str, shown: str = "") -> str:
    """One item: its title (anchored ``help-<id>``), text, the app's own statement of the
    rule, and ``shown`` (HTML the app draws, see :func:`shown_html`)."""
    return render(
        "help_item.html.j2",
        id=item.id,
        title=pick(item.title, lang),
        text=None if item.text is None else help_text(item.text, lang),
        rules=[(key, rule_text(key, lang)) for key in item.rules],
        rule_label=translate("help_rule", lang),
        show=item.show or "",
        shown=Markup(shown),
    )


def intro_html(section: hc.Section, lang: str) -> str:
    if section.intro is None:
        return ""
    return render("help_intro.html.j2", text=help_text(section.intro, lang))


def contents_markdown(content: hc.HelpContent, lang: str) -> str:
    """Links to the page's sections and the glossary (``#<id>``, the headers' anchors)."""
    links = [f"[{pick(s.title, lang)}](#{s.id})" for s in content.sections]
    links.append(f"[{translate('help_glossary', lang)}](#glossary)")
    return f"**{translate('help_contents', lang)}** " + " · ".join(links)


def glossary_index_markdown(terms: Iterable[hc.Term], lang: str) -> str:
    return " · ".join(f"[{t.term[lang]}](#term-{t.id})" for t in terms)


def term_html(term: hc.Term, lang: str) -> str:
    """One glossary entry, anchored ``term-<id>``, with its sources and the day each was
    read."""
    sources = [
        {
            "url": s.url,
            "title": s.title,
            "publisher": s.publisher_in(lang),
            "read": translate("help_read_on", lang, date=format_day(s.checked, lang)),
        }
        for s in term.sources
    ]
    names, written = pick(term.names, lang), term.term[lang]
    return render(
        "help_term.html.j2",
        id=term.id,
        written=written,
        names="" if hc.fold(names) == hc.fold(written) else names,
        definition=pick(term.definition, lang),
        sources_label=translate("help_sources", lang),
        sources=sources,
    )


def glossary_html(terms: Sequence[hc.Term], lang: str) -> str:
    return render("help_glossary.html.j2", terms=[Markup(term_html(t, lang)) for t in terms])


# --- what the app draws inside an item --------------------------------------------------------


def dataset_legend_sample(lang: str) -> str:
    """The map's dataset outlines, for the curated data, ACLED, UCDP and any other import."""
    from geo.render.panels import dataset_legend_html
    from geo.render.pointlayer import DATASET_SLOTS

    slots = {name: DATASET_SLOTS.index(slot) for name, slot in _SAMPLE_DATASETS.items()}
    slots[translate("help_other_import", lang)] = len(DATASET_SLOTS) - 1
    return dataset_legend_html(slots, lang)


def alg_zone_html(zones: ZoneDefinitions, lang: str) -> str:
    """The ALG zone as ``data/zones/liptako_gourma.yaml`` defines it (the map's panel's
    words), its units by country and its sources."""
    from geo.render.panels import source_list_html

    return render(
        "help_zone.html.j2",
        name=pick(zones.alg_name, lang),
        paragraphs=[pick(zones.alg_definition, lang), pick(zones.alg_caveat, lang)],
        units=[
            (country_name(iso, lang), ", ".join(names)) for iso, names in zones.alg_units.items()
        ],
        units_label=translate("help_alg_units", lang),
        sources_label=translate("help_sources", lang),
        sources=Markup(source_list_html(list(zones.alg_sources), lang)),
    )


def core_zone_html(zones: ZoneDefinitions, lang: str) -> str:
    radius = format_number(zones.default_radius_km, lang)
    return render(
        "help_zone.html.j2",
        name=pick(zones.core_name, lang),
        paragraphs=[
            pick(zones.core_definition, lang),
            translate("help_core_radius", lang, radius=radius),
            translate("computed_layer", lang),
        ],
        units=None,
    )


def _span(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    first = frame["date"].min()
    last = frame["date_end"].fillna(frame["date"]).max()
    return {"first": format_day(first.date(), lang), "last": format_day(last.date(), lang)}


def coverage_html(events: pd.DataFrame, milestones: Sequence[Milestone], lang: str) -> str:
    """What the loaded data cover, computed: the curated events' count, span, categories
    and countries; each imported dataset's count and span; where the facts end."""
    from geo.render.charter import coverage_note

    lines = []
    curated = events[events["dataset"].astype(str) == "curated"]
    if len(curated):
        lines.append(
            translate("help_cov_curated", lang, count=len(curated), **_span(curated, lang))
        )
        counts = curated["category"].value_counts()
        parts = ", ".join(
            f"{translate(f'cat_{cat}', lang)} {format_number(n, lang)}" for cat, n in counts.items()
        )
        lines.append(translate("help_cov_categories", lang, parts=parts))
        in_aes = int(curated["country_iso3"].isin(AES_MEMBERS).sum())
        lines.append(
            translate(
                "help_cov_countries",
                lang,
                count=int(curated["country_iso3"].nunique()),
                aes=format_number(in_aes, lang),
            )
        )
    imported = events[events["dataset"].astype(str) != "curated"]
    if len(imported):
        for name, rows in imported.groupby(imported["dataset"].astype(str), sort=True):
            lines.append(
                translate("help_cov_import", lang, name=name, count=len(rows), **_span(rows, lang))
            )
    else:
        lines.append(translate("help_cov_no_import", lang))
    facts = coverage_note(list(milestones), lang)
    if facts:
        lines.append(facts)
    return render("help_coverage.html.j2", lines=lines)


def shown_html(show: str | None, lang: str) -> str:
    """The element an item shows (``show:`` in the help file), drawn by the app's own code."""
    if show is None:
        return ""
    from geo import ui
    from geo.render import panels

    if show == "base_legend":
        return panels.legend_html(lang)
    if show == "event_legend":
        return panels.event_legend_html(lang)
    if show == "dataset_legend":
        return dataset_legend_sample(lang)
    if show == "level_legend":
        from geo.ui.signals import level_legend_html

        return level_legend_html(lang)
    if show == "alg_zone":
        return alg_zone_html(ui.zone_definitions(), lang)
    if show == "core_zone":
        return core_zone_html(ui.zone_definitions(), lang)
    if show == "coverage":
        from geo.ui import events as ui_events
        from geo.ui import facts as ui_facts

        events, _ = ui_events.app_events()
        return coverage_html(events, ui_facts.timeline(), lang)
    raise ValueError(f"unknown help element {show!r}")


# --- the page ----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def content() -> hc.HelpContent:
    return hc.load_help()


def content_or_error(lang: str) -> hc.HelpContent | None:
    """The help content; None, after an error naming the file and the place in it, when
    the file is broken (never a traceback)."""
    try:
        return content()
    except hc.HelpContentError as err:
        st.error(translate("help_broken", lang, problem=str(err)), icon=WARNING_ICON)
        return None


def sections(help_content: hc.HelpContent, lang: str) -> None:
    """Every section: an anchored header, its intro, its items."""
    st.html(STYLE)
    for section in help_content.sections:
        st.header(pick(section.title, lang), anchor=section.id)
        intro = intro_html(section, lang)
        if intro:
            st.html(intro)
        for item in section.items:
            st.html(item_html(item, lang, shown_html(item.show, lang)))


def glossary(help_content: hc.HelpContent, lang: str) -> None:
    """The glossary's header, index, search field (its value in the URL, ``term``) and the
    entries it finds."""
    from geo import ui

    st.header(translate("help_glossary", lang), anchor="glossary")
    st.caption(translate("help_glossary_intro", lang))
    terms = hc.sorted_terms(help_content.glossary, lang)
    st.markdown(glossary_index_markdown(terms, lang))
    ui.url_backed("term", "", lambda raw: raw[:100])
    query = st.text_input(
        translate("help_search", lang),
        key="term",
        placeholder=translate("help_search_placeholder", lang),
        help=translate("help_search_help", lang),
    )
    ui.remember({"term": query}, {"term": query.strip() or None})
    found = hc.search_terms(terms, query, lang)
    total = len(terms)
    if not found:
        st.info(translate("help_no_term", lang, query=query.strip()))
        return
    st.caption(translate("help_found", lang, count=len(found), total=format_number(total, lang)))
    st.html(glossary_html(found, lang))
