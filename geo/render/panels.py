"""HTML for the side panel: what was clicked, and member-state cards.

Pure functions returning HTML strings, from the templates of :mod:`geo.render.html`
(which escape every value from data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from markupsafe import Markup

from geo.i18n.catalogue import format_day, format_event_date, format_number, translate
from geo.io.sources import SourceInfo, source_info, weakly_sourced
from geo.model.countries import AES_MEMBERS, country_name
from geo.model.selection import Selection
from geo.render.html import render
from geo.render.palette import CLUSTER_FILL, CLUSTER_TEXT
from geo.spatial.geometry import rounded_km2

_LINK_SCHEMES = ("http://", "https://")


def source_list_html(urls: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """Clickable sources; only http(s) URLs become links, anything else is plain text.

    A URL the source registry knows (:mod:`geo.io.sources`) is followed by its publisher, its
    type and its grade; a list whose registered sources are all weak says so first.
    """
    items = []
    registered = []
    for url in urls:
        info = source_info(url)
        if info is not None:
            registered.append(url)
        items.append(
            {
                "url": url,
                "link": str(url).lower().startswith(_LINK_SCHEMES),
                "meta": None if info is None else source_meta(info, lang),
            }
        )
    warning = None
    if registered and weakly_sourced(registered):
        warning = {
            "help": translate("src_weak_help", lang),
            "text": translate("src_weakly_sourced", lang),
        }
    return render("source_list.html.j2", warning=warning, items=items)


def source_meta(info: SourceInfo, lang: str) -> dict[str, str]:
    """Publisher, type, grade and checked date of one registered source, and its note in
    the reader's language, as the source list shows them after its link."""
    checked = (
        translate("src_checked", lang, date=format_day(info.checked, lang, "medium"))
        if info.checked is not None
        else translate("src_not_checked", lang)
    )
    return {
        "publisher": info.publisher_in(lang),
        "type": translate(f"src_type_{info.type}", lang),
        "grade_key": info.grade,
        "grade": translate(f"src_grade_{info.grade}", lang),
        "checked": checked,
        "note": info.note.text(lang) if info.note else "",
    }


def _rows(rows: list[tuple[str, Markup]]) -> Markup:
    return Markup(render("facts_table.html.j2", rows=rows))


def _cell(value: object, note: object = "", after: str = "") -> Markup:
    """A table cell: ``value`` (escaped), its ``note`` in brackets when there is one, and
    ``after``, HTML already rendered (a source list)."""
    return Markup(render("with_note.html.j2", value=value, note=note, after=Markup(after)))


def unit_panel_html(
    selection: Selection,
    layers: dict[str, gpd.GeoDataFrame],
    facts: dict[str, pd.DataFrame],
    lang: str,
) -> str:
    """Name (English and French), country, type, area, ALG membership, distance to the
    tripoint, for a selected admin-1 region, province or country."""

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    row = layers[selection.kind].set_index("id").loc[selection.id]
    fact = facts[selection.kind].loc[selection.id]
    country = country_name(row["iso3"], lang)
    title = row["name_fr"] if lang == "fr" else row["name_en"]

    rows = [
        (t("field_name_en"), _cell(row["name_en"])),
        (t("field_name_fr"), _cell(row["name_fr"])),
    ]
    if selection.kind == "country":
        rows.append((t("field_type"), _cell(t("kind_country"))))
        rows.append((t("field_role"), _cell(t(f"role_{row['role']}"))))
        in_alg = t("partly") if row["iso3"] in AES_MEMBERS else t("answer_no")
    else:
        rows.append((t("field_country"), _cell(country)))
        rows.append((t("field_type"), _cell(row["type_fr"] if lang == "fr" else row["type_en"])))
        if selection.kind == "province":
            region = layers["admin1"].set_index("id").loc[row["region_id"]]
            rows.append(
                (t("field_region"), _cell(region["name_fr" if lang == "fr" else "name_en"]))
            )
        in_alg = t("answer_yes") if bool(fact["in_alg"]) else t("answer_no")
    computed = rounded_km2(float(fact["area_km2"]))
    rows.append(
        (
            t("field_area"),
            _cell(t("unit_km2_about", value=format_number(computed, lang)), t("area_note")),
        )
    )
    if selection.kind == "country":
        rows.extend(_usual_area_rows(str(row["iso3"]), computed, lang))
    rows.append((t("field_alg"), _cell(in_alg)))
    rows.append(
        (
            t("field_tripoint"),
            _cell(t("unit_km", value=format_number(fact["tripoint_km"], lang)), t("distance_note")),
        )
    )
    return render(
        "unit_panel.html.j2", kind=selection.kind, id=selection.id, title=title, table=_rows(rows)
    )


def _usual_area_rows(iso3: str, computed: int, lang: str) -> list[tuple[str, Markup]]:
    """The usual area of a member state whose sources give one (Niger), with its sources
    and a note that the outline's computed area differs."""
    from geo.io.facts import load_member_states

    state = load_member_states().get(iso3)
    if state is None or state.area_km2 is None:
        return []
    value = translate("unit_km2", lang, value=format_number(state.area_km2, lang))
    note = translate("area_usual_note", lang, computed=format_number(computed, lang))
    return [
        (
            translate("field_area_usual", lang),
            _cell(value, note, source_list_html(state.area_sources, lang)),
        )
    ]


def legend_html(lang: str) -> str:
    """Swatches for the base map and the Liptako-Gourma layers."""
    from geo.render.mapbuild import COLORS

    def t(key: str) -> str:
        return translate(key, lang)

    def swatch(fill: str, line: str, dashed: bool = False, width: int = 2) -> Markup:
        return Markup(
            render(
                "swatch.html.j2",
                fill=fill,
                line=line,
                width=width,
                style="dashed" if dashed else "solid",
            )
        )

    items = [
        (
            swatch(_tint(COLORS["member_fill"], 0.4), COLORS["member_line"], width=3),
            t("legend_members"),
        ),
        (swatch(COLORS["context_fill"], COLORS["context_line"], width=1), t("legend_context")),
        (swatch("transparent", COLORS["region_line"], width=1), t("legend_regions")),
        (swatch(_tint(COLORS["alg"], 0.15), COLORS["alg"], dashed=True), t("legend_alg")),
        (swatch(_tint(COLORS["core"], 0.18), COLORS["core"]), t("legend_core")),
    ]
    return render("legend.html.j2", items=items, online=t("legend_online"))


def _tint(hex_colour: str, alpha: float) -> str:
    """A palette colour as a translucent CSS fill (as the map draws the zone)."""
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
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


def actors_html(actors: object, lang: str, curated: bool = True) -> tuple[str, str]:
    """The ``<ul>`` of the actors and of the targets (victims) of one event's ``actors``
    text ("" when none): each name as the event writes it (a ``curated`` event's in the
    reader's language, ``data/events/actor_names.yaml``; an imported event's as its dataset
    writes it), followed by its group's name (``geo.io.actors``) when the name does not
    already say it."""
    from geo.io.actors import aliases, name_key
    from geo.model.events import split_actors

    table = aliases()
    acting: list[tuple[str, str]] = []
    targets: list[tuple[str, str]] = []
    for name in split_actors(actors):
        written = table.written(name, lang) if curated else name
        if table.is_victim(name):
            targets.append((written, ""))
            continue
        group = table.group_of(name)
        shown = group.name(lang) if group is not None else written
        note = ""
        # The group is named when the name, in the language shown, does not already say it
        # ("VDP" is the group "VDP (Volunteers...)"; "JNIM (suspected)" is named "JNIM";
        # "Forces armées maliennes (FAMa)" is the group's French name itself).
        if group is not None and name_key(written) not in name_key(shown):
            note = translate("actor_group_of", lang, group=shown)
        acting.append((written, note))
    return (
        render("name_list.html.j2", items=acting, cls="") if acting else "",
        render("name_list.html.j2", items=targets, cls="targets") if targets else "",
    )


def dataset_label(dataset: object, lang: str) -> str:
    """A dataset's name as the panels show it (the curated one in the reader's language)."""
    return translate("ev_dataset_curated", lang) if dataset == "curated" else str(dataset)


def also_in_html(copies: Sequence[tuple], lang: str, km: float) -> str:
    """The copies of an event in other datasets, ``(dataset, id)`` or ``(dataset, id,
    source URLs)`` each, as a list with their sources' links ("" when none)."""
    if not copies:
        return ""

    def item(ds: str, ident: str, urls: Sequence[str] = ()) -> dict[str, object]:
        text = translate("also_in_item", lang, dataset=dataset_label(ds, lang), id=ident)
        return {
            "dataset": ds,
            "id": ident,
            "text": text,
            "urls": [u for u in urls if str(u).lower().startswith(_LINK_SCHEMES)],
        }

    return render(
        "also_in.html.j2",
        copies=[item(*copy) for copy in copies],
        note=translate("also_in_note", lang, km=format_number(km, lang)),
    )


def event_panel_html(
    event: pd.Series, country_name: str, lang: str, also_in: Sequence[tuple] = ()
) -> str:
    """Every field of one event, with its fatality range, location precision and sources;
    ``also_in``: its copies in other datasets (:func:`also_in_html`,
    ``geo.analysis.duplicates``)."""
    from geo.analysis.duplicates import DUPLICATE_KM
    from geo.io.eventtexts import event_text

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    text = event_text(event, lang)
    date = format_event_date(
        event["date"].date(), event["date_end"].date(), str(event["date_precision"]), lang
    )
    precision = t(f"prec_{event['date_precision']}")
    geo_prec = event["geo_precision"]
    if pd.isna(event["latitude"]):
        coords, geo_text = "—", t("geo_precision_none")
    else:
        coords = f"{event['latitude']:.4f}, {event['longitude']:.4f}"
        geo_text = t(f"geo_precision_{int(geo_prec)}") if not pd.isna(geo_prec) else "—"
    actors, targets = actors_html(
        event["actors"], lang, curated=str(event.get("dataset", "curated")) == "curated"
    )
    rows = [
        (t("field_date"), _cell(date, t("field_precision", value=precision))),
        (t("field_category"), _cell(t(f"cat_{event['category']}"))),
        (t("field_subtype"), _cell(t(f"sub_{event['subtype']}"))),
        (t("field_country"), _cell(country_name)),
        (t("field_region"), _cell(event["admin1_name"] or "—")),
        (t("field_location"), _cell(text.location)),
        (t("field_coordinates"), _cell(coords)),
        (t("field_geo_precision"), _cell(geo_text)),
        (t("field_actors"), Markup(actors) if actors else _cell("—")),
        *([(t("field_targets"), Markup(targets))] if targets else []),
        (
            t("field_fatalities"),
            _cell(fatalities_text(event["fatalities_low"], event["fatalities_high"], lang)),
        ),
        (t("field_dataset"), _cell(dataset_label(event["dataset"], lang))),
        *(
            [(t("field_also_in"), Markup(also_in_html(also_in, lang, DUPLICATE_KM)))]
            if also_in
            else []
        ),
        (
            t("field_verified"),
            _cell(
                t("answer_yes") if event["verified"] else t("answer_no"),
                t("field_verified_note") if event["verified"] else "",
            ),
        ),
        *typology_rows(event, lang),
    ]
    # "Summary (English)" only when a French reader gets the English text (imports).
    summary_label = "field_summary" if text.translated else "field_summary_english"
    return render(
        "event_panel.html.j2",
        id=event["id"],
        location=text.location,
        date=date,
        table=_rows(rows),
        summary_label=t(summary_label),
        summary=text.summary,
        sources_label=t("sources"),
        sources=Markup(source_list_html(list(event["sources"]), lang)),
    )


def typology_rows(event: pd.Series, lang: str) -> list[tuple[str, Markup]]:
    """The source's own typology of an event (ACLED's types, interaction and civilian
    targeting; UCDP's type of violence, dyad and best estimate), escaped, for the fields
    it has (none for a curated event). ACLED's labels are shown as ACLED writes them."""

    def value(column: str) -> str:
        text = event.get(column, "")
        return "" if text is None or pd.isna(text) else str(text).strip()

    rows = []
    for column in ("disorder_type", "event_type", "sub_event_type"):
        if value(column):
            rows.append((translate(f"field_{column}", lang), _cell(value(column))))
    if value("interaction"):
        rows.append(
            (
                translate("field_interaction", lang),
                _cell(value("interaction"), value("interaction_code")),
            )
        )
    if value("civilian_targeting"):
        rows.append(
            (translate("field_civilian_targeting", lang), _cell(value("civilian_targeting")))
        )
    if value("type_of_violence") in ("1", "2", "3"):
        rows.append(
            (
                translate("field_type_of_violence", lang),
                _cell(translate(f"tov_{value('type_of_violence')}", lang)),
            )
        )
    if value("dyad_name"):
        rows.append((translate("field_dyad", lang), _cell(value("dyad_name"), value("dyad_id"))))
    if value("fatalities_best"):
        rows.append(
            (
                translate("field_fatalities_best", lang),
                _cell(format_number(int(event["fatalities_best"]), lang)),
            )
        )
    return rows


def _circle(style: dict, radius: float, border: str) -> Markup:
    """A point mark of the event legends: ``style``, a layer's style
    (``geo.render.pointlayer``), ``radius`` in pixels."""
    return Markup(
        render(
            "circle.html.j2",
            size=f"{2 * radius:.0f}",
            fill=style["fill_color"],
            weight=style["weight"],
            border=border,
            color=style["color"],
        )
    )


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
        items.append(
            {"name": name, "mark": _circle(style, 7, border), "label": dataset_label(name, lang)}
        )
    return render("dataset_legend.html.j2", heading=translate("legend_datasets", lang), items=items)


def event_legend_html(
    lang: str, coverage_end: dt.date | None = None, datasets: dict[str, int] | None = None
) -> str:
    """Symbols of the event layers and the stated size scale; with ``coverage_end`` (the
    last day of the curated events, :func:`geo.model.events.coverage_end`), how far they go;
    when several datasets are shown, their outlines (``datasets``: see
    :func:`dataset_legend_html`)."""
    from geo.model.events import LAYERS
    from geo.render.pointlayer import LAYER_STYLES, legend_sizes

    def circle(style: dict, radius: float) -> Markup:
        return _circle(style, radius, "dashed" if style.get("dash_array") else "solid")

    return render(
        "event_legend.html.j2",
        heading=translate("legend_events", lang),
        coverage=(
            ""
            if coverage_end is None
            else translate("ev_coverage", lang, date=format_day(coverage_end, lang))
        ),
        layers=[
            (circle(LAYER_STYLES[layer], 7), translate(f"ev_layer_{layer}", lang))
            for layer in LAYERS
        ],
        cluster_fill=CLUSTER_FILL,
        cluster_text=CLUSTER_TEXT,
        cluster_count=format_number(12, lang),
        cluster_label=translate("rd_legend_cluster", lang),
        sizes=[
            (circle(LAYER_STYLES["insurgency"], r), translate("rd_legend_deaths", lang, count=n))
            for n, r in legend_sizes()
        ],
        size_note=translate("legend_size", lang),
        datasets=Markup(dataset_legend_html(datasets or {}, lang)),
    )
