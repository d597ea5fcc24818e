"""HTML for the side panel: what was clicked, and member-state cards.

Pure functions returning HTML strings; every value from data is escaped here.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.i18n.catalogue import format_day, format_event_date, format_number, translate
from geo.io.sources import SourceInfo, source_info, weakly_sourced
from geo.model.countries import AES_MEMBERS, country_name
from geo.model.selection import Selection
from geo.render.palette import CLUSTER_FILL, CLUSTER_TEXT
from geo.spatial.geometry import rounded_km2


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def source_list_html(urls: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """Clickable sources; only http(s) URLs become links, anything else is plain text.

    A URL the source registry knows (:mod:`geo.io.sources`) is followed by its publisher, its
    type and its grade; a list whose registered sources are all weak says so first.
    """
    items = []
    registered = []
    for url in urls:
        text = esc(url)
        info = source_info(url)
        if str(url).lower().startswith(("http://", "https://")):
            item = (f'<a href="{text}" target="_blank" '
                    f'rel="noopener noreferrer">{text}</a>')
        else:
            item = text
        if info is not None:
            registered.append(url)
            item += source_meta_html(info, lang)
        items.append(f"<li>{item}</li>")
    warning = ""
    if registered and weakly_sourced(registered):
        warning = (f'<p class="weakly-sourced" style="color:#8a4b00;font-weight:600" '
                   f'title="{esc(translate("src_weak_help", lang))}">'
                   f'{esc(translate("src_weakly_sourced", lang))}</p>')
    return warning + '<ul class="sources">' + "".join(items) + "</ul>"


def source_meta_html(info: SourceInfo, lang: str) -> str:
    """Publisher · type · grade of one registered source, after its link, and its note in
    the reader's language."""
    parts = [esc(info.publisher), esc(translate(f"src_type_{info.type}", lang))]
    grade = esc(translate(f"src_grade_{info.grade}", lang))
    checked = esc(translate("src_checked", lang, date=format_day(info.checked, lang, "medium"))
                  if info.checked is not None else translate("src_not_checked", lang))
    note = f" — {esc(info.note.text(lang))}" if info.note else ""
    return (f' <span class="source-meta">({" · ".join(parts)} · '
            f'<span class="grade grade-{esc(info.grade)}">{grade}</span>; {checked}{note})'
            "</span>")


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">{body}</table>'


def unit_panel_html(selection: Selection, layers: dict[str, gpd.GeoDataFrame],
                    facts: dict[str, pd.DataFrame], lang: str) -> str:
    """Name (English and French), country, type, area, ALG membership, distance to the
    tripoint, for a selected admin-1 region, province or country."""
    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    row = layers[selection.kind].set_index("id").loc[selection.id]
    fact = facts[selection.kind].loc[selection.id]
    country = country_name(row["iso3"], lang)
    title = row["name_fr"] if lang == "fr" else row["name_en"]

    rows = [(t("field_name_en"), esc(row["name_en"])), (t("field_name_fr"), esc(row["name_fr"]))]
    if selection.kind == "country":
        rows.append((t("field_type"), esc(t("kind_country"))))
        rows.append((t("field_role"), esc(t(f"role_{row['role']}"))))
        in_alg = t("partly") if row["iso3"] in AES_MEMBERS else t("answer_no")
    else:
        rows.append((t("field_country"), esc(country)))
        rows.append((t("field_type"), esc(row["type_fr"] if lang == "fr" else row["type_en"])))
        if selection.kind == "province":
            region = layers["admin1"].set_index("id").loc[row["region_id"]]
            rows.append((t("field_region"), esc(region["name_fr" if lang == "fr" else "name_en"])))
        in_alg = t("answer_yes") if bool(fact["in_alg"]) else t("answer_no")
    computed = rounded_km2(float(fact["area_km2"]))
    rows.append((t("field_area"),
                 f'{esc(t("unit_km2_about", value=format_number(computed, lang)))} '
                 f'<span class="note">({esc(t("area_note"))})</span>'))
    if selection.kind == "country":
        rows.extend(_usual_area_rows(str(row["iso3"]), computed, lang))
    rows.append((t("field_alg"), esc(in_alg)))
    rows.append((t("field_tripoint"),
                 f'{esc(t("unit_km", value=format_number(fact["tripoint_km"], lang)))} '
                 f'<span class="note">({esc(t("distance_note"))})</span>'))
    return (f'<div class="unit-panel" data-kind="{esc(selection.kind)}" '
            f'data-id="{esc(selection.id)}"><h3>{esc(title)}</h3>{_rows(rows)}</div>')


def _usual_area_rows(iso3: str, computed: int, lang: str) -> list[tuple[str, str]]:
    """The usual area of a member state whose sources give one (Niger), with its sources
    and a note that the outline's computed area differs."""
    from geo.io.facts import load_member_states

    state = load_member_states().get(iso3)
    if state is None or state.area_km2 is None:
        return []
    value = esc(translate("unit_km2", lang, value=format_number(state.area_km2, lang)))
    note = esc(translate("area_usual_note", lang, computed=format_number(computed, lang)))
    return [(translate("field_area_usual", lang),
             f'{value} <span class="note">({note})</span>'
             f'{source_list_html(state.area_sources, lang)}')]


def legend_html(lang: str) -> str:
    """Swatches for the base map and the Liptako-Gourma layers."""
    from geo.render.mapbuild import COLORS

    def t(key: str) -> str:
        return esc(translate(key, lang))

    def swatch(fill: str, line: str, dashed: bool = False, width: int = 2) -> str:
        style = "dashed" if dashed else "solid"
        return (f'<span class="swatch" style="display:inline-block;width:22px;height:14px;'
                f'background:{fill};border:{width}px {style} {line};'
                f'vertical-align:middle;margin-right:6px"></span>')

    items = [
        (swatch(_tint(COLORS["member_fill"], 0.4), COLORS["member_line"], width=3),
         t("legend_members")),
        (swatch(COLORS["context_fill"], COLORS["context_line"], width=1), t("legend_context")),
        (swatch("transparent", COLORS["region_line"], width=1), t("legend_regions")),
        (swatch(_tint(COLORS["alg"], 0.15), COLORS["alg"], dashed=True), t("legend_alg")),
        (swatch(_tint(COLORS["core"], 0.18), COLORS["core"]), t("legend_core")),
    ]
    body = "".join(f"<li>{sw}{text}</li>" for sw, text in items)
    return (f'<ul class="legend" style="list-style:none;padding-left:0;margin:0">{body}</ul>'
            f'<p class="note" style="font-size:0.85em;color:#555">{t("legend_online")}</p>')


def _tint(hex_colour: str, alpha: float) -> str:
    """A palette colour as a translucent CSS fill (as the map draws the zone)."""
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def fatalities_text(low: Any, high: Any, lang: str) -> str:
    """``14–27``, ``12``, ``at least 14`` or ``unknown`` (``low``, ``high``: numbers or
    missing values, as a frame's cells are)."""
    import pandas as pd

    if pd.isna(low) and pd.isna(high):
        return translate("fatalities_unknown", lang)
    if pd.isna(high):
        return translate("fatalities_at_least", lang, low=int(low))
    if pd.isna(low) or int(low) == int(high):
        return str(int(high))
    return f"{int(low)}–{int(high)}"


def actors_html(actors: object, lang: str) -> tuple[str, str]:
    """The ``<ul>`` of the actors and of the targets (victims) of one event's ``actors``
    text ("" when none): each name as the source writes it, followed by its group's
    name (``geo.io.actors``) when the alias table maps it to another one."""
    from geo.io.actors import aliases, name_key
    from geo.model.events import split_actors

    table = aliases()
    acting, targets = [], []
    for name in split_actors(actors):
        if table.is_victim(name):
            targets.append(f"<li>{esc(name)}</li>")
            continue
        group = table.group_of(name)
        shown = group.name(lang) if group is not None else name
        note = ""
        # The group is named when the written name does not already say it ("VDP" is
        # the group "VDP (Volunteers...)"; "JNIM (suspected)" is named "JNIM").
        if group is not None and name_key(name) not in name_key(shown):
            note = (f' <span class="actor-group note">'
                    f'({esc(translate("actor_group_of", lang, group=shown))})</span>')
        acting.append(f"<li>{esc(name)}{note}</li>")
    return (f"<ul>{''.join(acting)}</ul>" if acting else "",
            f'<ul class="targets">{"".join(targets)}</ul>' if targets else "")


def dataset_label(dataset: object, lang: str) -> str:
    """A dataset's name as the panels show it (the curated one in the reader's language)."""
    return translate("ev_dataset_curated", lang) if dataset == "curated" else str(dataset)


def also_in_html(copies: Sequence[tuple], lang: str, km: float) -> str:
    """The copies of an event in other datasets, ``(dataset, id)`` or ``(dataset, id,
    source URLs)`` each, as a list with their sources' links ("" when none)."""
    if not copies:
        return ""

    def item(ds: str, ident: str, urls: Sequence[str] = ()) -> str:
        text = translate("also_in_item", lang, dataset=dataset_label(ds, lang), id=ident)
        links = " ".join(f'<a href="{esc(u)}" target="_blank" rel="noopener noreferrer">'
                         f"{esc(u)}</a>" for u in urls
                         if str(u).lower().startswith(("http://", "https://")))
        return (f'<li data-dataset="{esc(ds)}" data-id="{esc(ident)}">{esc(text)}'
                + (f'<br><span class="sources">{links}</span>' if links else "") + "</li>")

    items = "".join(item(*copy) for copy in copies)
    note = esc(translate("also_in_note", lang, km=format_number(km, lang)))
    return f'<ul class="also-in">{items}</ul><span class="note">{note}</span>'


def event_panel_html(event: pd.Series, country_name: str, lang: str,
                     also_in: Sequence[tuple] = ()) -> str:
    """Every field of one event, with its fatality range, location precision and sources;
    ``also_in``: its copies in other datasets (:func:`also_in_html`,
    ``geo.analysis.duplicates``)."""
    from geo.analysis.duplicates import DUPLICATE_KM
    from geo.io.eventtexts import event_text

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    text = event_text(event, lang)
    date = format_event_date(event["date"].date(), event["date_end"].date(),
                             str(event["date_precision"]), lang)
    precision = t(f"prec_{event['date_precision']}")
    geo_prec = event["geo_precision"]
    if pd.isna(event["latitude"]):
        coords, geo_text = "—", t("geo_precision_none")
    else:
        coords = f"{event['latitude']:.4f}, {event['longitude']:.4f}"
        geo_text = t(f"geo_precision_{int(geo_prec)}") if not pd.isna(geo_prec) else "—"
    actors, targets = actors_html(event["actors"], lang)
    rows = [
        (t("field_date"), f'{esc(date)} <span class="note">({esc(t("field_precision", value=precision))})</span>'),  # noqa: E501
        (t("field_category"), esc(t(f"cat_{event['category']}"))),
        (t("field_subtype"), esc(t(f"sub_{event['subtype']}"))),
        (t("field_country"), esc(country_name)),
        (t("field_region"), esc(event["admin1_name"] or "—")),
        (t("field_location"), esc(text.location)),
        (t("field_coordinates"), esc(coords)),
        (t("field_geo_precision"), esc(geo_text)),
        (t("field_actors"), actors or "—"),
        *([(t("field_targets"), targets)] if targets else []),
        (t("field_fatalities"), esc(fatalities_text(event["fatalities_low"],
                                                    event["fatalities_high"], lang))),
        (t("field_dataset"), esc(dataset_label(event["dataset"], lang))),
        *([(t("field_also_in"), also_in_html(also_in, lang, DUPLICATE_KM))] if also_in else []),
        (t("field_verified"), esc(t("answer_yes") if event["verified"] else t("answer_no"))),
        *typology_rows(event, lang),
    ]
    # "Summary (English)" only when a French reader gets the English text (imports).
    summary_label = "field_summary" if text.translated else "field_summary_english"
    return (f'<div class="event-panel" data-id="{esc(event["id"])}">'
            f'<h3>{esc(text.location)} · {esc(date)}</h3>{_rows(rows)}'
            f'<h5>{esc(t(summary_label))}</h5><p class="summary">{esc(text.summary)}</p>'
            f'<h5>{esc(t("sources"))}</h5>{source_list_html(list(event["sources"]), lang)}</div>')


def typology_rows(event: pd.Series, lang: str) -> list[tuple[str, str]]:
    """The source's own typology of an event (ACLED's types, interaction and civilian
    targeting; UCDP's type of violence, dyad and best estimate), escaped, for the fields
    it has (none for a curated event). ACLED's labels are shown as ACLED writes them."""
    def value(column: str) -> str:
        text = event.get(column, "")
        return "" if text is None or pd.isna(text) else str(text).strip()

    rows = []
    for column in ("disorder_type", "event_type", "sub_event_type"):
        if value(column):
            rows.append((translate(f"field_{column}", lang), esc(value(column))))
    if value("interaction"):
        code = f' <span class="note">({esc(value("interaction_code"))})</span>' \
            if value("interaction_code") else ""
        rows.append((translate("field_interaction", lang), esc(value("interaction")) + code))
    if value("civilian_targeting"):
        rows.append((translate("field_civilian_targeting", lang),
                     esc(value("civilian_targeting"))))
    if value("type_of_violence") in ("1", "2", "3"):
        rows.append((translate("field_type_of_violence", lang),
                     esc(translate(f"tov_{value('type_of_violence')}", lang))))
    if value("dyad_name"):
        dyad = f' <span class="note">({esc(value("dyad_id"))})</span>' \
            if value("dyad_id") else ""
        rows.append((translate("field_dyad", lang), esc(value("dyad_name")) + dyad))
    if value("fatalities_best"):
        rows.append((translate("field_fatalities_best", lang),
                     esc(format_number(int(event["fatalities_best"]), lang))))
    return rows


def dataset_legend_html(slots: dict[str, int], lang: str) -> str:
    """One entry per dataset shown (``slots``: its outline slot,
    ``geo.render.pointlayer.dataset_slots``): a mark of the insurgency layer with the dataset's
    outline and its name ("" for a single dataset: nothing to tell apart)."""
    from geo.render.pointlayer import dataset_style

    if len(slots) <= 1:
        return ""
    items = []
    for name in sorted(slots, key=lambda n: (n != "curated", n)):
        style = dataset_style("insurgency", slots[name])
        border = "dashed" if style.get("dash_array") else "solid"
        if style.get("dash_array") and style["dash_array"].split()[0] == "1":
            border = "dotted"
        mark = (f'<span style="display:inline-block;width:14px;height:14px;'
                f'border-radius:50%;background:{style["fill_color"]};'
                f'border:{style["weight"]}px {border} {style["color"]};vertical-align:middle;'
                f'margin-right:6px"></span>')
        items.append(f'<li class="legend-dataset" data-dataset="{esc(name)}">{mark}'
                     f"{esc(dataset_label(name, lang))}</li>")
    return (f"<h5>{esc(translate('legend_datasets', lang))}</h5>"
            f'<ul style="list-style:none;padding-left:0;margin:0">{"".join(items)}</ul>')


def event_legend_html(lang: str, coverage_end: dt.date | None = None,
                      datasets: dict[str, int] | None = None) -> str:
    """Symbols of the event layers and the stated size scale; with ``coverage_end`` (the
    last day of the curated events, :func:`geo.model.events.coverage_end`), how far they go;
    when several datasets are shown, their outlines (``datasets``: see
    :func:`dataset_legend_html`)."""
    from geo.model.events import LAYERS
    from geo.render.pointlayer import LAYER_STYLES, legend_sizes

    def circle(style: dict, radius: float) -> str:
        border = "dashed" if style.get("dash_array") else "solid"
        size = 2 * radius
        return (f'<span style="display:inline-block;width:{size:.0f}px;height:{size:.0f}px;'
                f'border-radius:50%;background:{style["fill_color"]};'
                f'border:{style["weight"]}px {border} {style["color"]};vertical-align:middle;'
                f'margin-right:6px"></span>')

    items = "".join(
        f"<li>{circle(LAYER_STYLES[layer], 7)}{esc(translate(f'ev_layer_{layer}', lang))}</li>"
        for layer in LAYERS)
    sizes = "".join(
        f'<span style="margin-right:12px">{circle(LAYER_STYLES["insurgency"], r)}'
        f"{esc(translate('rd_legend_deaths', lang, count=n))}</span>"
        for n, r in legend_sizes())
    bubble = (f'<span style="display:inline-block;width:22px;height:22px;line-height:22px;'
              f'border-radius:50%;background:{CLUSTER_FILL};color:{CLUSTER_TEXT};'
              f'border:2px solid #fff;box-shadow:0 0 0 1px {CLUSTER_FILL};text-align:center;'
              f'font:600 10px/22px sans-serif;vertical-align:middle;margin-right:6px">'
              f'{esc(format_number(12, lang))}</span>')
    cluster = f'<li class="legend-cluster">{bubble}{esc(translate("rd_legend_cluster", lang))}</li>'
    coverage = ("" if coverage_end is None else
                f'<p class="coverage" style="margin:0 0 4px">'
                f"{esc(translate('ev_coverage', lang, date=format_day(coverage_end, lang)))}"
                "</p>")
    return (f"<h5>{esc(translate('legend_events', lang))}</h5>{coverage}"
            f'<ul style="list-style:none;padding-left:0;margin:0">{items}{cluster}</ul>'
            f'<p style="margin:6px 0">{sizes}</p>'
            f'<p class="note" style="font-size:0.85em;color:#555">'
            f"{esc(translate('legend_size', lang))}</p>"
            + dataset_legend_html(datasets or {}, lang))
