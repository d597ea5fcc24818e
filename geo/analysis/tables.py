"""The Analysis page's tables as the reader sees them and as its CSV downloads write them:
labelled, renamed and ordered from :mod:`geo.analysis.measures`' numbers, in English or
French.

Plain pandas (no Streamlit): the page's sections (``geo.ui.analysis_page``) show these.
"""

from __future__ import annotations

import pandas as pd

from geo.analysis import measures as an
from geo.i18n.catalogue import format_number, translate
from geo.model.countries import AES_MEMBERS, country_name


def _t(lang: str):  # a translator of ``lang``
    return lambda key, **params: translate(key, lang, **params)


def signed(value: float, lang: str) -> str:
    """``+1,253`` / ``-12`` / ``0`` in the reader's format (a leading ``-`` keeps
    Streamlit's down arrow)."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return sign + format_number(abs(value), lang)


def radius_text(radius_km: float, lang: str) -> str:
    """The core radius as written in the page: ``200``, ``62,5`` in French."""
    return format_number(radius_km, lang, 0 if float(radius_km).is_integer() else 1)


def area_labels(radius_km: float, lang: str) -> dict[str, str]:
    """The name of each area of the before/after comparison
    (:data:`geo.analysis.measures.AREAS`)."""
    t = _t(lang)
    labels = {iso: country_name(iso, lang) for iso in AES_MEMBERS}
    return labels | {
        "AES": t("an_area_AES"),
        "ALG": t("an_area_ALG"),
        "CORE": t("an_area_CORE", radius=radius_text(radius_km, lang)),
    }


def actor_columns(lang: str) -> dict[str, str]:
    """The sums' columns of the actors' and regions' tables, as the reader reads them."""
    t = _t(lang)
    return {
        "events": t("an_events"),
        "fatalities_low": t("an_fat_low"),
        "fatalities_high": t("an_fat_high"),
        "fatalities_unknown": t("an_fat_unknown"),
    }


def before_after_view(table: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    """:attr:`geo.analysis.measures.BeforeAfter.table` with the areas' names and labelled
    columns."""
    t = _t(lang)
    view = table.copy()
    view.index = [labels[a] for a in view.index]
    view.index.name = t("an_area")
    columns: dict[str, str] = {}
    for measure, label in (
        ("events", t("an_events")),
        ("fatalities_low", t("an_fat_low")),
        ("fatalities_high", t("an_fat_high")),
    ):
        columns |= {
            f"{measure}_before": f"{label} · {t('an_window_before')}",
            f"{measure}_after": f"{label} · {t('an_window_after')}",
            f"{measure}_change": f"{label} · {t('an_change')}",
            f"{measure}_change_pct": f"{label} · {t('an_change_pct')}",
        }
    columns["straddling"] = t("an_straddling")
    return view.rename(columns=columns)


def before_after_export(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The before/after CSV's rows: the codes as index, each area's name beside them."""
    export = table.copy()
    export.insert(0, "area_name", [labels[a] for a in export.index])
    return export


def band_label(band: str, lang: str) -> str:
    """``0–50 km``, ``400 km and over`` (``400 km et plus``)."""
    if band.endswith("+"):
        return translate("an_band_over", lang, km=format_number(float(band[:-1]), lang))
    low, high = band.split("-")
    return translate(
        "an_band_range",
        lang,
        low=format_number(float(low), lang),
        high=format_number(float(high), lang),
    )


BAND_SHARES = {
    "share_events": "an_band_events",
    "share_fatalities_low": "an_band_fat_low",
    "share_fatalities_high": "an_band_fat_high",
}
"""The distance bands' share columns and the label of each."""


def band_share_columns(lang: str) -> dict[str, str]:
    t = _t(lang)
    return {col: f"{t('an_share')} · {t(key)}" for col, key in BAND_SHARES.items()}


def bands_summary_view(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:attr:`geo.analysis.measures.DistanceBands.summary` per year, labelled."""
    t = _t(lang)
    view = summary.rename(
        columns={
            "located_events": t("an_located"),
            "share_within_100km": t("an_within_100"),
            "median_km": t("an_median_km"),
        }
    )
    view.index = view.index.astype(str)
    view.index.name = t("an_year")
    return view


def bands_table_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:attr:`geo.analysis.measures.DistanceBands.table` (year x band), labelled."""
    t = _t(lang)
    view = table.assign(
        year=table["year"].astype(str), band=[band_label(str(b), lang) for b in table["band"]]
    )
    return view.rename(
        columns={
            "year": t("an_year"),
            "band": t("an_band"),
            "events": t("an_events"),
            "fatalities_low": t("an_fat_low"),
            "fatalities_high": t("an_fat_high"),
            **band_share_columns(lang),
        }
    )


def bands_sentence(summary: pd.DataFrame, lang: str) -> str:
    """What the median distance did from the first to the last year with enough located
    events (:func:`geo.analysis.measures.concentration_trend`), with the base of each year."""
    t = _t(lang)
    trend = an.concentration_trend(summary)
    if trend == "insufficient":
        return t("an_trend_insufficient")
    usable = summary[summary["located_events"] >= 5]
    return t(
        f"an_trend_{trend}",
        first=format_number(usable["median_km"].iloc[0], lang),
        y1=usable.index[0],
        last=format_number(usable["median_km"].iloc[-1], lang),
        y2=usable.index[-1],
        n1=format_number(usable["located_events"].iloc[0], lang),
        n2=format_number(usable["located_events"].iloc[-1], lang),
        base=t("an_trend_base"),
    )


def actors_view(ranked: pd.DataFrame, lang: str, victims: bool = False) -> pd.DataFrame:
    """A ranking of actors (or of victims) with labelled columns."""
    name = translate("an_victim" if victims else "an_actor", lang)
    return ranked.rename(columns={"actor": name, **actor_columns(lang)})


def region_table(counts: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The regions' sums with each unit's ``name`` after its ``admin1_id``: the CSV's rows."""
    table = counts.reset_index()
    table.insert(1, "name", table["admin1_id"].map(names))
    return table


def regions_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`region_table` as the reader reads it: names, labelled sums, most events first."""
    view = table.drop(columns="admin1_id").rename(
        columns={"name": translate("an_region", lang), **actor_columns(lang)}
    )
    return view.sort_values(translate("an_events", lang), ascending=False)


def trend_download_name(period: str, by: str) -> str:
    """``monthly-by-country``, ``yearly-by-category``... (the trend CSV's file name)."""
    return f"{period}ly-by-{'country' if by == 'country_iso3' else 'category'}"
