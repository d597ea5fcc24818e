"""Exports of the current filtered view: CSV and GeoJSON (the standalone HTML map is
:mod:`geo.render.export_html`).

Every export carries the attribution its datasets require (:func:`attribution_lines`):
for ACLED the dataset, the access date and the filters applied, plus the notice that the
user's own ACLED licence governs raw ACLED rows; for UCDP the CC BY 4.0 citation.

* CSV is in the app's schema (``DATA_DICTIONARY.md``; ``timestamp`` only when a source gave one,
  ``admin1_source_name`` (the region as the source wrote it) when at least one event has it: no
  column is always blank), so it can be imported again unchanged; the attribution is written as
  leading ``# `` lines, which the importer skips. UTF-8 with a byte-order mark, so that Excel reads
  the accents; a semicolon-separated variant with decimal commas opens in columns in Excel set to a
  French (or other decimal-comma) locale. Text cells starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return get a leading apostrophe (spreadsheet formula injection); numbers are written
  as numbers. The importer removes that apostrophe again.
* GeoJSON: a FeatureCollection of every event (those without coordinates with
  ``"geometry": null``, as RFC 7946 allows, and counted in the attribution), booleans and
  numbers as JSON values, the attribution as a foreign member ``attribution``.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping

import pandas as pd

from geo.i18n.catalogue import format_day, translate
from geo.io.actors import aliases
from geo.io.store import DatasetInfo
from geo.model.countries import country_name
from geo.model.events import CSV_COLUMNS, LAYERS, TYPOLOGY_COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and column names) starting a spreadsheet formula get a leading ``'``;
    numbers stay."""
    out = frame.copy()
    out.columns = [_safe_text(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col].astype(str)
            risky = values.str.startswith(FORMULA_START) & out[col].notna()
            if risky.any():
                out[col] = values.where(~risky, "'" + values)
    return out


def describe_filter(params: Mapping[str, str], lang: str = "en") -> str:
    """The filters applied, in words in ``lang``, from the map's URL parameters (only those
    that differ from the default view; see ``geo.model.filters.to_query_params``)."""

    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)

    def listed(values: list[str]) -> str:
        return ", ".join(values) if values else t("exp_f_nothing")

    def codes(value: str) -> list[str]:
        return [c for c in value.split(",") if c]

    parts = []
    for key, value in params.items():
        value = str(value)
        if key in ("from", "to"):
            if value:
                parts.append(t(f"exp_f_{key}", date=_day(value, lang)))
        elif key == "countries":
            parts.append(
                t("exp_f_countries", values=listed([country_name(c, lang) for c in codes(value)]))
            )
        elif key == "layers":
            parts.append(
                t(
                    "exp_f_layers",
                    values=listed(
                        [
                            translate(f"ev_layer_{c}", lang) if c in LAYERS else c
                            for c in codes(value)
                        ]
                    ),
                )
            )
        elif key == "subtypes":
            parts.append(
                t(
                    "exp_f_subtypes",
                    values=listed([_label(f"sub_{c}", c, lang) for c in codes(value)]),
                )
            )
        elif key == "actors":
            table = aliases()
            names = [table.display(table.canonical(a), lang) for a in value.split("|") if a]
            parts.append(t("exp_f_actors", values=listed(names)))
        elif key == "min_fatalities" and value.strip().isdigit():
            parts.append(t("exp_f_min_fatalities", count=int(value)))
        elif key == "non_aes_coups":
            on = value.strip().lower() in ("1", "true", "yes", "on")
            parts.append(t("exp_f_non_aes_on" if on else "exp_f_non_aes_off"))
        elif key == "winner" and value:
            parts.append(t("exp_f_winner", dataset=dataset_label(value, lang)))
        elif key == "datasets":
            parts.append(
                t("exp_f_datasets", values=listed([dataset_label(c, lang) for c in codes(value)]))
            )
        elif value:
            parts.append(f"{key}={value}")
    return "; ".join(parts) or t("exp_filters_none")


def dataset_label(name: str, lang: str) -> str:
    """A dataset as readers see it: the curated one by its description, others by name."""
    return translate("ev_dataset_curated", lang) if name == "curated" else name


def _label(key: str, fallback: str, lang: str) -> str:
    try:
        return translate(key, lang)
    except KeyError:
        return fallback


def _day(text: str, lang: str) -> str:
    try:
        return format_day(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text


def dataset_attribution(info: DatasetInfo, lang: str) -> str:
    """The citation a dataset requires, in ``lang`` (ACLED: access date; UCDP: CC BY 4.0)."""
    if info.format == "acled":
        return translate("exp_acled", lang, accessed=_day(info.accessed, lang), name=info.name)
    if info.format == "ucdp":
        return translate("exp_ucdp", lang, version=info.version, name=info.name)
    return translate("exp_user_dataset", lang, version=info.version, name=info.name)


def attribution_lines(
    events: pd.DataFrame, datasets: Iterable[DatasetInfo], filters: str, lang: str = "en"
) -> list[str]:
    """One line per dataset present in ``events``, the filters, and licence notices, in
    ``lang``."""
    present = set(events["dataset"].unique()) if len(events) else set()
    by_name = {d.name: d for d in datasets}
    lines = []
    if "curated" in present:
        lines.append(translate("exp_curated", lang))
    acled = False
    for name in sorted(present - {"curated"}):
        info = by_name.get(name)
        if info is None:
            lines.append(translate("exp_unknown_dataset", lang, name=name))
            continue
        lines.append(dataset_attribution(info, lang))
        acled |= info.format == "acled"
    lines.append(translate("exp_filters", lang, filters=filters))
    if acled:
        lines.append(translate("exp_acled_notice", lang))
    return lines


def _csv_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The events in the CSV schema; a column that the events cannot fill is left out."""
    out = pd.DataFrame(
        {
            "id": events["id"],
            "dataset": events["dataset"],
            "date": events["date"].dt.strftime("%Y-%m-%d"),
            "date_end": events["date_end"].dt.strftime("%Y-%m-%d"),
            "date_precision": events["date_precision"],
            "category": events["category"],
            "subtype": events["subtype"],
            "country_iso3": events["country_iso3"],
            "admin1_id": events["admin1_id"],
            "admin1_name": events["admin1_name"],
            "admin1_source_name": events["admin1_source_name"],
            "location": events["location"],
            "latitude": events["latitude"],
            "longitude": events["longitude"],
            "geo_precision": events["geo_precision"],
            "actors": events["actors"],
            "fatalities_low": events["fatalities_low"],
            "fatalities_high": events["fatalities_high"],
            "summary": events["summary"],
            "sources": events["sources"].map(" ".join),
            "verified": events["verified"].map({True: "true", False: "false"}),
            **{col: events[col] for col in TYPOLOGY_COLUMNS},
        }
    )
    assert tuple(out.columns) == CSV_COLUMNS
    if not (events["admin1_source_name"].astype(str).str.strip() != "").any():
        out = out.drop(columns="admin1_source_name")  # e.g. events stored before 0.2: blank
    # A column of the sources' typology only when some event has it (curated events
    # have none; ACLED's events no UCDP dyad).
    blank = [
        col
        for col in TYPOLOGY_COLUMNS
        if not (events[col].astype("string").fillna("").str.strip() != "").any()
    ]
    out = out.drop(columns=blank)
    if "timestamp" in events and events["timestamp"].fillna(0).astype("int64").any():
        out["timestamp"] = events["timestamp"].fillna(0).astype("int64").to_numpy()
    return out


def table_csv(
    table: pd.DataFrame, attribution: Iterable[str] = (), title: str = "", excel: bool = False
) -> bytes:
    """The one writer of every CSV the app hands a user (events, analysis tables, rejected
    rows): a title and the attribution first as ``# `` lines (which the importer skips),
    cells and column names through :func:`neutralise`, UTF-8 with a byte-order mark (so
    Excel reads the accents). ``excel``: semicolons and decimal commas, for Excel in a
    locale whose list separator is ``;`` (French and most of Europe); the importer reads
    both (decimal commas in a semicolon-separated file's number columns)."""
    sep, decimal = (";", ",") if excel else (",", ".")
    buf = io.StringIO()
    for line in ([title] if title else []) + list(attribution):
        buf.write("# " + str(line).replace("\n", " ").replace("\r", " ") + "\n")
    neutralise(table).to_csv(buf, index=False, lineterminator="\n", sep=sep, decimal=decimal)
    return buf.getvalue().encode("utf-8-sig")


def events_csv(events: pd.DataFrame, attribution: list[str], excel: bool = False) -> bytes:
    """The events in the app's CSV schema (:func:`table_csv`)."""
    return table_csv(_csv_frame(events), attribution, excel=excel)


def _json_value(value: object) -> object:
    """A cell as a JSON value: missing -> null, numpy numbers -> int/float, bool stays."""
    if isinstance(value, list | tuple):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def events_geojson(events: pd.DataFrame, attribution: list[str], lang: str = "en") -> bytes:
    """Every event as a GeoJSON Feature (``"geometry": null`` without coordinates, counted
    in ``attribution``), typed properties, ``attribution`` as a foreign member."""
    columns = [
        c for c in _csv_frame(events.iloc[0:0]).columns if c not in ("latitude", "longitude")
    ]
    props = pd.DataFrame({c: events[c] for c in columns if c in events})
    for col in ("date", "date_end"):
        props[col] = events[col].dt.strftime("%Y-%m-%d")
    props["sources"] = events["sources"].map(list)
    props["verified"] = events["verified"].astype(bool)
    located = (events["latitude"].notna() & events["longitude"].notna()).to_numpy()
    features = []
    for rec, has_point, lat, lon in zip(
        props.to_dict("records"), located, events["latitude"], events["longitude"], strict=True
    ):
        geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]} if has_point else None
        features.append(
            {
                "type": "Feature",
                "properties": {k: _json_value(v) for k, v in rec.items()},
                "geometry": geometry,
            }
        )
    lines = list(attribution)
    if (~located).any():
        lines.append(translate("exp_not_located", lang, count=int((~located).sum())))
    doc = {"type": "FeatureCollection", "attribution": lines, "features": features}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
