"""Interface strings (geo/i18n/catalogue.py, geo/i18n/locales/) and the side-panel
HTML (geo/render/panels.py)."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.i18n import catalogue as i18n
from geo.i18n.catalogue import catalog, format_number, normalise_language, translate
from geo.io.boundaries import load_admin1, load_bfa_provinces, load_countries
from geo.model.selection import Selection
from geo.render.panels import source_list_html, unit_panel_html
from geo.spatial.geometry import rounded_km2
from geo.spatial.zones import load_zone_definitions, unit_facts

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ID = 'x"><svg onload=alert(1)>'


class PanelParser(HTMLParser):
    """Collects the panel title (h3), its table rows (th -> td text) and the tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.rows: dict[str, str] = {}
        self.tags: set[str] = set()
        self.attrs: dict[str, str] = {}
        self._cell: str | None = None
        self._header = ""
        self._text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "div" and not self.attrs:
            self.attrs = dict(attrs)
        if tag in {"h3", "th", "td"}:
            self._cell, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag != self._cell:
            return
        text = re.sub(r"[ \t\r\n]+", " ", self._text).strip()  # keeps no-break spaces
        if tag == "h3":
            self.title = text
        elif tag == "th":
            self._header = text
        else:
            self.rows[self._header] = text
        self._cell = None

    def handle_data(self, data):
        if self._cell:
            self._text += data


def parse_panel(html: str) -> PanelParser:
    parser = PanelParser()
    parser.feed(html)
    return parser


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {"admin1": load_admin1(), "country": load_countries(), "province": load_bfa_provinces()}


@pytest.fixture(scope="module")
def facts(layers) -> dict[str, pd.DataFrame]:
    alg_units = load_zone_definitions().alg_units
    return {
        kind: unit_facts(gdf, layers["country"], alg_units, layers["admin1"])
        for kind, gdf in layers.items()
    }


def panel(selection: Selection, layers, facts, lang: str) -> PanelParser:
    return parse_panel(unit_panel_html(selection, layers, facts, lang))


def row(lang: str, key: str, result: PanelParser) -> str:
    return result.rows[translate(key, lang)]


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_keys_are_strings():
    assert catalog()
    assert all(isinstance(key, str) for key in catalog())


def forms(entry: dict, lang: str) -> list[str]:
    """The texts of one language: one, or one per plural category."""
    value = entry.get(lang)  # missing: none (test_every_key_has_english_and_french says so)
    if value is None:
        return []
    return list(value.values()) if isinstance(value, dict) else [value]


# Each check below runs over the whole catalogue and lists every key at fault, so that one
# failure names all the strings to fix (one test per key made 2,700 cases that said less).


def _defects(check) -> list[str]:
    return [
        f"{key}: {problem}"
        for key, entry in sorted(catalog().items())
        for problem in check(key, entry)
    ]


def _language_problems(key: str, entry: dict) -> list[str]:
    problems = []
    for lang in ("en", "fr"):
        value = entry.get(lang)
        if not isinstance(value, str | dict):
            problems.append(f"no {lang} text")
            continue
        if isinstance(value, dict) and not (
            "other" in value and set(value) <= set(i18n.PLURAL_CATEGORIES)
        ):
            problems.append(
                f"{lang} plural forms {sorted(value)} are not CLDR categories with 'other'"
            )
        if not all(isinstance(text, str) and text.strip() for text in forms(entry, lang)):
            problems.append(f"an empty {lang} text")
    return problems


def test_every_key_has_english_and_french():
    assert _defects(_language_problems) == []


def _placeholder_problems(key: str, entry: dict) -> list[str]:
    expected = placeholders((forms(entry, "en") or [""])[0])
    problems = [
        f"{lang} {text!r} has {sorted(placeholders(text))}, not {sorted(expected)}"
        for lang in ("en", "fr")
        for text in forms(entry, lang)
        if placeholders(text) != expected
    ]
    if i18n.is_plural(key):
        if "count" not in expected:
            problems.append("plural without {count}")
        problems += [
            f"plural in English, one form in {lang}"
            for lang in ("en", "fr")
            if not isinstance(entry.get(lang), dict)
        ]
    return problems


def test_english_and_french_have_the_same_placeholders():
    assert _defects(_placeholder_problems) == []


def _format_problems(key: str, entry: dict) -> list[str]:
    problems = []
    for lang in ("en", "fr"):
        texts = forms(entry, lang)
        if not texts:
            continue
        params: dict[str, object] = dict.fromkeys(placeholders(texts[0]), "X")
        for count in (0, 1, 2, 1253) if i18n.is_plural(key) else (None,):
            if count is not None:
                params["count"] = count
            try:
                if not translate(key, lang, **params):
                    problems.append(f"{lang} formats to nothing")
            except Exception as err:  # noqa: BLE001 - the defect is what is reported
                problems.append(f"{lang} does not format: {type(err).__name__}: {err}")
    return problems


def test_every_string_formats_with_its_placeholders():
    assert _defects(_format_problems) == []


def test_no_plural_made_by_hand():
    """ "(s)" or a count beside a noun in one fixed form is what plural forms are for."""
    assert (
        _defects(
            lambda _key, entry: [
                f"{lang} {text!r}"
                for lang in ("en", "fr")
                for text in forms(entry, lang)
                if "(s)" in text
            ]
        )
        == []
    )


def test_the_checks_find_a_defective_entry(monkeypatch):
    """Each check above fails on the defect it is for (not only passes on good data)."""
    import sys

    broken = {
        "no_fr": {"en": "text"},
        "other_placeholders": {"en": "{count} in {place}", "fr": "{n} à {place}"},
        "unformattable": {"en": "{a.b}", "fr": "{a.b}"},
        "by_hand": {"en": "event(s)", "fr": "événement(s)"},
    }
    monkeypatch.setattr(i18n, "catalog", lambda: broken)
    monkeypatch.setattr(sys.modules[__name__], "catalog", lambda: broken)
    assert _defects(_language_problems) == ["no_fr: no fr text"]
    assert [d.split(":")[0] for d in _defects(_placeholder_problems)] == ["other_placeholders"]
    assert {d.split(":")[0] for d in _defects(_format_problems)} == {"unformattable"}
    with pytest.raises(AssertionError, match="by_hand"):
        test_no_plural_made_by_hand()


def test_plural_forms_follow_each_language():
    assert translate("ev_shown", "en", count=1) == "1 event shown"
    assert translate("ev_shown", "en", count=0) == "0 events shown"
    assert translate("ev_shown", "fr", count=1) == "1 événement affiché"
    assert translate("ev_shown", "fr", count=0) == "0 événement affiché"
    assert translate("ev_shown", "fr", count=2) == "2 événements affichés"
    assert translate("ev_shown", "fr", count=1253) == f"1{NNBSP}253 événements affichés"
    assert translate("ev_shown", "en", count=1_000_000) == "1,000,000 events shown"


def test_a_plural_string_refuses_a_preformatted_count():
    with pytest.raises(TypeError, match="plural"):
        translate("ev_shown", "en", count="1,253")


def test_dates_and_moments_in_the_readers_format():
    import datetime as dt

    assert i18n.format_day(dt.date(2023, 9, 16), "fr") == "16 septembre 2023"
    assert i18n.format_day(dt.date(2023, 9, 16), "en") == "16 September 2023"
    moment = dt.datetime(2026, 12, 2, 14, 5, 33, tzinfo=dt.UTC)
    assert i18n.format_timestamp(moment, "fr") == "2 déc. 2026, 14:05 UTC"
    assert i18n.format_timestamp(moment, "en") == "2 Dec 2026, 14:05 UTC"


@pytest.fixture
def locales_dir(tmp_path, monkeypatch):
    """A throwaway locales folder; the real catalogue is reloaded afterwards."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    catalog.cache_clear()
    yield tmp_path
    catalog.cache_clear()


def test_catalogue_rejects_a_yaml_boolean_key(locales_dir):
    (locales_dir / "a.yaml").write_text('yes: {en: "Yes", fr: "Oui"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a string"):
        catalog()


def test_catalogue_rejects_a_key_defined_in_two_files(locales_dir):
    (locales_dir / "a.yaml").write_text('hello: {en: "Hi", fr: "Salut"}\n', encoding="utf-8")
    (locales_dir / "b.yaml").write_text('hello: {en: "Hello", fr: "Bonjour"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        catalog()


def test_translate_fills_placeholders():
    assert translate("unit_km", "en", value="12") == "12 km"
    assert translate("core_area", "fr", area="5") == "Superficie de la zone : environ 5 km²"


def test_translate_falls_back_to_english_for_an_unknown_language():
    assert translate("panel_hint", "de") == translate("panel_hint", "en")


def test_translate_raises_on_a_missing_key():
    with pytest.raises(KeyError):
        translate("no_such_key_anywhere", "en")


@pytest.mark.parametrize(
    ("raw", "lang"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-CA", "fr"),
        (" en ", "en"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_normalise_language(raw, lang):
    assert normalise_language(raw) == lang


# --- format_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "text"),
    [
        (1234567.891, 0, "en", "1,234,568"),
        (1234567.891, 1, "en", "1,234,567.9"),
        (1234567.891, 0, "fr", f"1{NNBSP}234{NNBSP}568"),
        (1234567.891, 1, "fr", f"1{NNBSP}234{NNBSP}567,9"),
        (42, 0, "en", "42"),
        (42, 0, "fr", "42"),
        (0.25, 2, "fr", "0,25"),
        (-1234.5, 1, "en", "-1,234.5"),
        (-1234.5, 1, "fr", f"-1{NNBSP}234,5"),
    ],
)
def test_format_number(value, decimals, lang, text):
    assert format_number(value, lang, decimals) == text


# --- unit_panel_html -------------------------------------------------------------------------


def test_region_panel_in_english(layers, facts):
    result = panel(Selection("admin1", "ML-7"), layers, facts, "en")
    assert result.title == "Gao"
    assert row("en", "field_name_en", result) == "Gao"
    assert row("en", "field_country", result) == "Mali"
    assert row("en", "field_alg", result) == "Yes"
    area = format_number(rounded_km2(facts["admin1"].loc["ML-7", "area_km2"]), "en")
    assert row("en", "field_area", result).startswith(f"about {area} km²")


def test_region_panel_area_has_the_published_magnitude(layers, facts):
    # Gao region before Ménaka was carved out of it: about 170,000 km².
    text = row("en", "field_area", panel(Selection("admin1", "ML-7"), layers, facts, "en"))
    area = int(re.match(r"about ([\d,]+) km²", text).group(1).replace(",", ""))
    assert 150_000 < area < 200_000


def test_region_panel_in_french(layers, facts):
    result = panel(Selection("admin1", "ML-7"), layers, facts, "fr")
    assert result.title == "Gao"
    assert row("fr", "field_country", result) == "Mali"
    assert row("fr", "field_alg", result) == "Oui"
    area = format_number(rounded_km2(facts["admin1"].loc["ML-7", "area_km2"]), "fr")
    assert NNBSP in area
    assert row("fr", "field_area", result).startswith(f"environ {area} km²")


@pytest.mark.parametrize(("lang", "title"), [("en", "Timbuktu"), ("fr", "Tombouctou")])
def test_region_title_is_in_the_panel_language(layers, facts, lang, title):
    assert panel(Selection("admin1", "ML-6"), layers, facts, lang).title == title


@pytest.mark.parametrize(("lang", "answer"), [("en", "No"), ("fr", "Non")])
def test_region_outside_the_alg_zone(layers, facts, lang, answer):
    result = panel(Selection("admin1", "ML-1"), layers, facts, lang)  # Kayes
    assert row(lang, "field_alg", result) == answer


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_region_panel_gives_the_distance_to_the_tripoint(layers, facts, lang):
    result = panel(Selection("admin1", "NE-6"), layers, facts, lang)  # Tillabéri
    km = format_number(facts["admin1"].loc["NE-6", "tripoint_km"], lang)
    assert row(lang, "field_tripoint", result).startswith(f"{km} km")


@pytest.mark.parametrize(
    ("lang", "country", "region"),
    [
        ("en", "Burkina Faso", "Sahel"),
        ("fr", "Burkina Faso", "Sahel"),
    ],
)
def test_province_panel_names_its_country_and_region(layers, facts, lang, country, region):
    result = panel(Selection("province", "BFA-2805"), layers, facts, lang)  # Oudalan
    assert result.title == "Oudalan"
    assert row(lang, "field_country", result) == country
    assert row(lang, "field_region", result) == region
    assert row(lang, "field_type", result) == "Province"
    area = format_number(rounded_km2(facts["province"].loc["BFA-2805", "area_km2"]), lang)
    assert row(lang, "field_area", result).startswith(translate("unit_km2_about", lang, value=area))


@pytest.mark.parametrize(("lang", "answer"), [("en", "Yes"), ("fr", "Oui")])
def test_province_in_an_alg_region_is_in_the_alg_zone(layers, facts, lang, answer):
    result = panel(Selection("province", "BFA-2805"), layers, facts, lang)  # Oudalan, Sahel
    assert row(lang, "field_alg", result) == answer


@pytest.mark.parametrize(
    ("lang", "role", "answer"),
    [
        ("en", "AES member state", "Partly"),
        ("fr", "État membre de l'AES", "En partie"),
    ],
)
def test_member_country_panel(layers, facts, lang, role, answer):
    result = panel(Selection("country", "MLI"), layers, facts, lang)
    assert result.title == "Mali"
    assert row(lang, "field_type", result) == translate("kind_country", lang)
    assert row(lang, "field_role", result) == role
    assert row(lang, "field_alg", result) == answer
    area = format_number(1_250_000, lang)  # 1,252,729 km² computed: three figures shown
    assert row(lang, "field_area", result).startswith(translate("unit_km2_about", lang, value=area))
    # the usual figure beside it, sourced (data/facts/member_states.yaml)
    usual = row(lang, "field_area_usual", result)
    assert usual.startswith(translate("unit_km2", lang, value=format_number(1_240_000, lang)))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_niger_area_is_rounded_and_the_usual_figure_is_sourced(layers, facts, lang):
    """The outline computes 1,181,224 km²: never shown to the km², and the usual 1,267,000
    km² is shown beside it with its source and a note that the outline differs."""
    result = panel(Selection("country", "NER"), layers, facts, lang)
    computed = row(lang, "field_area", result)
    assert computed.startswith(
        translate("unit_km2_about", lang, value=format_number(1_180_000, lang))
    )
    html = unit_panel_html(Selection("country", "NER"), layers, facts, lang)
    assert format_number(1_181_224, lang) not in html
    usual = row(lang, "field_area_usual", result)
    assert usual.startswith(translate("unit_km2", lang, value=format_number(1_267_000, lang)))
    assert format_number(1_180_000, lang) in usual  # the note names the outline's figure
    assert "nationsencyclopedia.com" in html


@pytest.mark.parametrize("kind_id", [("admin1", "ML-6"), ("province", "BFA-2805")])
def test_unit_areas_are_rounded_to_three_figures(layers, facts, kind_id):
    kind, unit = kind_id
    exact = float(facts[kind].loc[unit, "area_km2"])
    shown = row("en", "field_area", panel(Selection(kind, unit), layers, facts, "en"))
    digits = shown.split(" km²")[0].removeprefix("about ").replace(",", "")
    assert int(digits) == rounded_km2(exact)
    assert len(digits.rstrip("0")) <= 3


@pytest.mark.parametrize(("lang", "answer"), [("en", "No"), ("fr", "Non")])
def test_neighbour_country_panel(layers, facts, lang, answer):
    result = panel(Selection("country", "GHA"), layers, facts, lang)
    assert result.title == "Ghana"
    assert row(lang, "field_role", result) == translate("role_ecowas_neighbour", lang)
    assert row(lang, "field_alg", result) == answer


@pytest.mark.parametrize("iso3", ["CPV", "GMB", "GNB", "LBR", "SLE", "CMR"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_country_without_a_border_with_the_aes_is_not_called_a_neighbour(
    layers, facts, lang, iso3
):
    role = row(lang, "field_role", panel(Selection("country", iso3), layers, facts, lang))
    assert role == translate("role_region" if iso3 == "CMR" else "role_ecowas", lang)
    assert "neighbour" not in role.lower() and "voisin" not in role.lower()
    assert "frontalier" not in role and "borders an" not in role


def test_country_panel_uses_the_french_country_name(layers, facts):
    assert panel(Selection("country", "DZA"), layers, facts, "fr").title == "Algérie"


def test_panel_carries_the_selection_as_data_attributes(layers, facts):
    result = panel(Selection("admin1", "NE-6"), layers, facts, "en")
    assert result.attrs["data-kind"] == "admin1"
    assert result.attrs["data-id"] == "NE-6"


# --- hostile data is escaped -----------------------------------------------------------------


def hostile_layers() -> tuple[dict[str, gpd.GeoDataFrame], dict[str, pd.DataFrame]]:
    square = shapely.box(0, 0, 1, 1)
    names = {
        "name_en": HOSTILE_IMG,
        "name_fr": HOSTILE_SCRIPT,
        "type_en": "<b>bold</b>",
        "type_fr": "<i>it</i>",
    }
    admin1 = gpd.GeoDataFrame(
        [{"id": HOSTILE_ID, "iso3": "MLI", **names}], geometry=[square], crs="EPSG:4326"
    )
    province = gpd.GeoDataFrame(
        [{"id": "P1", "iso3": "MLI", "region_id": HOSTILE_ID, **names}],
        geometry=[square],
        crs="EPSG:4326",
    )
    country = gpd.GeoDataFrame(
        [
            {
                "id": "MLI",
                "iso3": "MLI",
                "name_en": HOSTILE_SCRIPT,
                "name_fr": HOSTILE_IMG,
                "role": "member",
            }
        ],
        geometry=[square],
        crs="EPSG:4326",
    )
    fact = {"area_km2": 1.0, "in_alg": True, "tripoint_km": 2.0}
    facts = {
        kind: pd.DataFrame([fact], index=pd.Index([ident], name="id"))
        for kind, ident in (("admin1", HOSTILE_ID), ("province", "P1"), ("country", "MLI"))
    }
    return {"admin1": admin1, "province": province, "country": country}, facts


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    "selection",
    [
        Selection("admin1", HOSTILE_ID),
        Selection("province", "P1"),
        Selection("country", "MLI"),
    ],
)
def test_hostile_names_are_escaped(selection, lang):
    layers, facts = hostile_layers()
    html = unit_panel_html(selection, layers, facts, lang)
    for raw in ("<img", "<script", "<svg", "<b>", "<i>"):
        assert raw not in html
    allowed = {"div", "h3", "table", "tr", "th", "td", "span"}
    if selection.kind == "country":  # Mali's usual area and its source list (our own data)
        allowed |= {"ul", "li", "a"}
    assert parse_panel(html).tags <= allowed
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_id_stays_inside_its_attribute():
    layers, facts = hostile_layers()
    result = parse_panel(unit_panel_html(Selection("admin1", HOSTILE_ID), layers, facts, "en"))
    assert result.attrs["data-id"] == HOSTILE_ID
    assert result.tags <= {"div", "h3", "table", "tr", "th", "td", "span"}


# --- source_list_html ------------------------------------------------------------------------


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.items = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])
        elif tag == "li":
            self.items += 1


def links(html: str) -> LinkParser:
    parser = LinkParser()
    parser.feed(html)
    return parser


def test_http_and_https_sources_become_links():
    urls = ["https://www.liptakogourma.org/zones-dintervention/", "http://example.org/a?b=1&c=2"]
    result = links(source_list_html(urls))
    assert result.hrefs == urls
    assert result.items == 2


def test_links_open_in_a_new_tab_without_opener():
    html = source_list_html(["https://example.org/"])
    assert 'target="_blank"' in html
    assert "noopener" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/",
        "//example.org/",
        "example.org",
        "Interview with a minister, 2024",
    ],
)
def test_other_sources_are_plain_text(url):
    html = source_list_html([url])
    result = links(html)
    assert result.hrefs == []
    assert result.items == 1
    assert "<script" not in html


def test_quotes_in_a_url_cannot_break_out_of_the_link():
    url = 'https://example.org/"><script>alert(1)</script>'
    html = source_list_html([url])
    assert "<script" not in html
    assert links(html).hrefs == [url]


def test_empty_source_list_is_an_empty_list():
    assert links(source_list_html([])).items == 0


# --- country names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("COD", "fr", "RD Congo"),
        ("GAB", "fr", "Gabon"),
        ("MDG", "en", "Madagascar"),
        ("STP", "en", "São Tomé and Príncipe"),
        ("CAF", "fr", "République centrafricaine"),
        ("USA", "fr", "États-Unis"),
        ("MLI", "fr", "Mali"),
        ("CIV", "en", "Côte d'Ivoire"),
    ],
)
def test_every_country_is_named_in_the_readers_language(code, lang, name):
    from geo.model.countries import country_name

    assert country_name(code, lang) == name


def test_every_iso_country_has_a_name_not_a_code():
    import pycountry

    from geo.model.countries import country_name

    for record in pycountry.countries:
        for lang in ("en", "fr"):
            assert country_name(record.alpha_3, lang) != record.alpha_3, (record.alpha_3, lang)


def test_countries_sort_in_the_readers_language_ignoring_accents():
    from geo.model.countries import sorted_by_name

    codes = ["ZMB", "EGY", "USA", "DZA", "ETH"]
    # Algérie, Égypte, États-Unis, Éthiopie, Zambie
    assert sorted_by_name(codes, "fr") == ["DZA", "EGY", "USA", "ETH", "ZMB"]
    assert sorted_by_name(codes, "en") == ["DZA", "EGY", "ETH", "USA", "ZMB"]


def test_event_dates_are_no_more_precise_than_their_source_and_in_the_readers_format():
    import datetime as dt

    import pandas as pd

    day, later = dt.date(2023, 7, 26), dt.date(2023, 7, 28)
    assert i18n.format_event_date(day, day, "day", "fr") == "26 juil. 2023"
    assert i18n.format_event_date(day, later, "range", "en") == "26 Jul 2023 – 28 Jul 2023"
    assert (
        i18n.format_event_date(dt.date(2023, 7, 1), dt.date(2023, 7, 31), "month", "fr")
        == "juillet 2023"
    )
    days = pd.Series(pd.to_datetime(["2023-07-26", None, "2023-07-26", "2020-01-01"]))
    assert list(i18n.format_days(days, "fr")) == [
        "26 juil. 2023",
        "",
        "26 juil. 2023",
        "1er janv. 2020",
    ]


# --- the events' texts in the reader's language (data/events/events_fr.csv) -----------------


@pytest.fixture(scope="module")
def curated_events() -> pd.DataFrame:
    from geo.io.events import load_events

    return load_events().events.set_index("id", drop=False)


def test_every_curated_event_has_its_texts_in_english_and_french(curated_events):
    """A curated event without either language fails here (the build refuses it too)."""
    from geo.io.eventtexts import french_texts

    french = french_texts()
    lacking = [
        ident
        for ident, summary in curated_events["summary"].items()
        if not summary.strip() or not french.get(ident, ("", ""))[1].strip()
    ]
    assert lacking == []
    assert set(french) == set(curated_events.index)  # no text for an event that is gone
    # The French is not the English pasted: no French summary equals its English one.
    same = [i for i, s in curated_events["summary"].items() if french[i][1] == s]
    assert same == []


def test_french_place_descriptors_and_names_keep_their_diacritics(curated_events):
    from geo.io.eventtexts import event_text

    kouré = curated_events.loc["NER-2020-08-09-KOURE"]
    assert event_text(kouré, "en").location == "Kouré giraffe reserve"
    assert event_text(kouré, "fr").location == "réserve de girafes de Kouré"
    déou = curated_events.loc["BFA-2023-02-17-DEOU"]
    assert event_text(déou, "fr").location == "axe Oursi–Déou"
    assert event_text(curated_events.loc["MLI-2012-04-01-TIMBUKTU"], "fr").location == (
        "Tombouctou"
    )
    # a bare name is the same in both languages
    assert event_text(curated_events.loc["MLI-2019-03-17-DIOURA"], "fr").location == "Dioura"
    for ident, name in (
        ("MLI-2020-08-18-COUP", "Keïta"),
        ("BFA-2022-09-30-COUP", "Traoré"),
        ("MLI-2021-05-24-COUP", "Goïta"),
        ("NER-2019-12-10-INATES", "Inatès"),
        ("BFA-2025-03-28-DIAPAGA", "Diapaga"),
    ):
        for lang in ("en", "fr"):
            assert name in event_text(curated_events.loc[ident], lang).summary, (ident, lang)


def test_the_event_panel_speaks_the_readers_language(curated_events):
    from geo.render.panels import event_panel_html

    kouré = curated_events.loc["NER-2020-08-09-KOURE"]
    fr = event_panel_html(kouré, "Niger", "fr")
    assert "Résumé (en anglais)" not in fr and "<h5>Résumé</h5>" in fr
    assert "réserve de girafes de Kouré" in fr and "giraffe reserve" not in fr
    assert "humanitaires français de l&#x27;ONG ACTED" in fr  # escaped, in French
    en = event_panel_html(kouré, "Niger", "en")
    assert "<h5>Summary</h5>" in en and "Kouré giraffe reserve" in en
    assert "réserve" not in en


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("fr", "la solidité de chaque source est la note indiquée à côté du lien"),
        ("en", "how strong each source is, is its grade beside the link"),
    ],
)
def test_the_verified_answer_says_what_it_means(curated_events, lang, says):
    """The answer "verified" means found in the cited sources, not that they are strong
    (data/SOURCES.md): the panel says so beside the answer, in the reader's language."""
    from geo.render.panels import event_panel_html

    html = event_panel_html(curated_events.loc["NER-2023-07-26-COUP"], "Niger", lang)
    verified_row = html.split(says)[0].rsplit("<tr", 1)[1]
    assert ("Vérifié d&#x27;après les sources" if lang == "fr" else "Verified against sources") in (
        verified_row
    )


def test_an_imported_event_keeps_its_english_summary_labelled_as_such(curated_events):
    from geo.render.panels import event_panel_html

    imported = curated_events.loc["NER-2020-08-09-KOURE"].copy()
    imported["dataset"] = "acled"  # same id, another dataset: no French text of ours
    fr = event_panel_html(imported, "Niger", "fr")
    assert "<h5>Résumé (en anglais)</h5>" in fr and "Kouré giraffe reserve" in fr


def test_the_french_texts_are_escaped_in_the_panel(monkeypatch, curated_events):
    from geo.io import eventtexts
    from geo.render.panels import event_panel_html

    ident = "NER-2020-08-09-KOURE"
    monkeypatch.setattr(
        eventtexts,
        "french_texts",
        lambda: {ident: ('<img src=x onerror="alert(1)">', "<script>x</script>")},
    )
    html = event_panel_html(curated_events.loc[ident], "Niger", "fr")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_places_in_lists_are_in_the_readers_language(curated_events):
    from geo.io.eventtexts import localized_locations

    part = curated_events.loc[["NER-2020-08-09-KOURE", "MLI-2019-03-17-DIOURA"]].copy()
    assert localized_locations(part, "fr").tolist() == ["réserve de girafes de Kouré", "Dioura"]
    assert localized_locations(part, "en").tolist() == ["Kouré giraffe reserve", "Dioura"]
    part["dataset"] = "ucdp"
    assert localized_locations(part, "fr").tolist() == ["Kouré giraffe reserve", "Dioura"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Curated events to 25 April 2026 (latest event in the data)"),
        ("fr", "Événements vérifiés jusqu'au 25 avril 2026 (dernier événement des données)"),
    ],
)
def test_the_legend_states_the_curated_datas_end_from_the_data(curated_events, lang, text):
    from geo.model.events import coverage_end
    from geo.render.panels import event_legend_html

    end = coverage_end(curated_events)
    assert end == curated_events["date_end"].max().date()
    assert text.replace("'", "&#x27;") in event_legend_html(lang, end)
    assert "coverage" not in event_legend_html(lang)  # exports without it: no line
    later = curated_events.iloc[[0]].copy()
    later["date_end"] = pd.Timestamp("2027-01-31")
    assert coverage_end(pd.concat([curated_events, later])) == later["date_end"].iloc[0].date()
    later["dataset"] = "acled"  # an import does not extend the curated data's coverage
    assert coverage_end(pd.concat([curated_events, later])) == end


# --- the actors' names in the reader's language (data/events/actor_names.yaml) ----------------


def test_the_event_panel_names_a_curated_events_actors_in_the_readers_language(curated_events):
    from geo.render.panels import event_panel_html

    coup = curated_events.loc["NER-2023-07-26-COUP"]
    fr = event_panel_html(coup, "Niger", "fr")
    assert "<li>Garde présidentielle / CNSP (général Abdourahamane Tiani)</li>" in fr
    assert "<li>le président Mohamed Bazoum</li>" in fr
    assert "<li>President Mohamed Bazoum</li>" not in fr  # (a source's title may say it)
    en = event_panel_html(coup, "Niger", "en")
    assert "<li>Presidential Guard / CNSP (Gen. Abdourahamane Tiani)</li>" in en
    assert "<li>President Mohamed Bazoum</li>" in en

    aguelhok = curated_events.loc["MLI-2012-01-24-AGUELHOK"]
    fr = event_panel_html(aguelhok, "Mali", "fr")
    # the name is the group's French name itself: no "(groupe : ...)" repeating it
    assert "<li>Forces armées maliennes (FAMa)</li>" in fr
    assert "<li>Malian Armed Forces" not in fr and "groupe :" not in fr
    assert "<li>AQMI</li>" in fr
    en = event_panel_html(aguelhok, "Mali", "en")
    assert "<li>Malian Armed Forces (FAMa)</li>" in en and "group:" not in en


def test_the_panel_names_victims_in_french_and_a_group_written_otherwise(curated_events):
    from geo.render.panels import event_panel_html

    dogon = curated_events[curated_events["actors"].str.contains("Dogon civilians")].iloc[0]
    fr = event_panel_html(dogon, "Mali", "fr")
    targets = fr.split('<ul class="targets">')[1].split("</ul>")[0]
    assert "<li>civils dogons</li>" in targets and "Dogon civilians" not in fr
    goita = curated_events.loc["MLI-2021-05-24-COUP"]
    fr = event_panel_html(goita, "Mali", "fr")
    assert (
        "<li>Forces armées maliennes (colonel Assimi Goïta) "
        '<span class="actor-group note">(groupe : Forces armées maliennes (FAMa))</span></li>'
    ) in fr


def test_an_imported_event_keeps_its_actors_as_the_dataset_writes_them(curated_events):
    from geo.render.panels import event_panel_html

    imported = curated_events.loc["NER-2023-07-26-COUP"].copy()
    imported["dataset"] = "acled"  # same names, another dataset: not ours to translate
    fr = event_panel_html(imported, "Niger", "fr")
    assert "<li>President Mohamed Bazoum</li>" in fr
