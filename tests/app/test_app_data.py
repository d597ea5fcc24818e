"""The Data page (and the map's dataset layers) in Streamlit's AppTest, on a tmp store.

Some tests put a prepared plan where the upload step puts it
(``st.session_state["data_plan"]``); others upload files through AppTest's file uploader;
the browser test covers the real upload.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import format_day, format_timestamp
from geo.io.importers import commit, prepare
from geo.io.store import Store, open_store
from geo.ui.data import disk_name, uploader_chrome_css
from geo.ui.state import EXPORTS_OPEN

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def data_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)


def frame_with(at: AppTest, column: str):
    """The one dataframe on the page that has ``column`` (AppTest keeps no dataframe key)."""
    [frame] = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


@pytest.fixture()
def any_store(backend) -> Store:
    """The store of each backend in turn, as the page opens it (SAHEL_ATLAS_DATABASE_URL)."""
    return open_store()


def test_empty_store(any_store):
    store = any_store
    at = data_page().run()
    assert not at.exception
    assert any("No dataset imported yet." in c.value for c in at.caption)
    if store.shared:  # named by its address, without a password
        assert any("the team's shared store" in c.value for c in at.caption)
        assert any("postgresql://postgres@/atlas" in c.value.replace("\\", "") for c in at.caption)
    else:
        assert any(str(store.directory) in c.value for c in at.caption)


def test_report_confirm_and_remove(any_store):
    store = any_store
    at = data_page()
    plan = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.session_state["data_plan"] = plan
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows read"] == "9" and metrics["Accepted"] == "5"
    assert metrics["Rejected"] == "4" and metrics["New"] == "5"
    assert metrics["Skipped"] == "0"  # a protest is imported (its own layer)
    assert not any("skipped on purpose" in c.value for c in at.caption)
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [str(p.row) for p in plan.problems] and len(problems) == 4
    assert any("ACLED" in c.value and "accessed" in c.value for c in at.caption)
    [confirm] = [b for b in at.button if b.key == "data_confirm"]
    assert confirm.label == "Store 5 events in dataset acled"
    confirm.click().run()
    assert not at.exception
    assert store.count() == 5
    assert any("Stored 5 events in dataset acled" in s.value for s in at.success)
    assert "data_plan" not in at.session_state
    # said after checking against the map's filters: the protest's layer is off by default
    assert any(
        s.value.endswith("With the current map filters, 4 of them are on the map.")
        for s in at.success
    )

    # Re-checking the same file: nothing to store.
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    assert any(
        "Nothing to store: every accepted event is already in the store" in i.value for i in at.info
    )

    at.session_state["data_plan"] = None
    at.run()
    at.checkbox(key="data_remove_sure").check().run()
    at.button(key="data_remove_button").click().run()
    assert not at.exception
    assert store.count() == 0
    assert any("Removed dataset acled (5 events)" in s.value for s in at.success)


def test_a_file_with_no_accepted_row_is_not_said_to_be_stored(store, tmp_path):
    lines = (FIX / "acled_labels.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    broken = tmp_path / "broken.csv"
    date_col = header.index("event_date")
    rows = [line.split(",") for line in lines[1:2]]
    rows[0][date_col] = "not a date"
    broken.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    plan = prepare(broken, store=store)
    assert plan.accepted == 0
    at = data_page()
    at.session_state["data_plan"] = plan
    at.run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("no row of this file was accepted" in i for i in infos)
    assert not any("already in the store" in i for i in infos)


def test_french_labels(store):
    at = data_page()
    at.session_state["lang"] = "fr"
    at.session_state["data_plan"] = prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store)
    at.run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Lignes lues", "Acceptées", "Rejetées", "Ignorées"}
    assert any("UCDP GED (CSV)" in c.value for c in at.caption)
    sample = frame_with(at, "pays")
    assert "pays" in sample.columns and "type d'événement" in sample.columns
    assert "country_iso3" not in sample.columns and "subtype" not in sample.columns
    assert set(sample["pays"]) <= {"Mali", "Burkina Faso", "Niger"}
    assert not sample["date"].str.match(r"^\d{4}-\d{2}-\d{2}$").any()  # never raw ISO
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    problems = frame_with(at, "raison")
    assert list(problems.columns) == ["fichier", "ligne", "colonne", "raison"]
    # Model fields are named in French, not by their column names.
    assert not set(problems["colonne"]) & {
        "country_iso3",
        "date",
        "id",
        "fatalities_low",
        "fatalities_high",
        "subtype",
        "geo_precision",
    }
    assert any("Export ACLED" in c.value for c in at.caption)
    assert not any("ACLED export" in c.value for c in at.caption)
    assert not any("ignorée volontairement" in c.value for c in at.caption)
    [confirm] = [b for b in at.button if b.key == "data_confirm"]
    assert confirm.label == "Enregistrer 5 événements dans le jeu acled"
    sample = frame_with(at, "pays")
    english = {
        "armed-clash",
        "attack-on-civilians",
        "insurgency",
        "state-violence",
        "attack-on-military",
        "bombing",
        "air-or-drone-strike",
        "other",
    }
    assert not set(sample["type d'événement"]) & english
    assert not set(sample["catégorie"]) & english


def test_french_plurals_and_dataset_table(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    at = data_page()
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception
    table = frame_with(at, "Accès")
    [info] = store.datasets()
    row = table.iloc[0]
    assert row["Format"] == "Export ACLED"
    assert row["Accès"] == format_day(datetime.fromisoformat(info.accessed).date(), "fr", "medium")
    assert row["Importé"] == format_timestamp(datetime.fromisoformat(info.imported_at), "fr")
    assert not re.search(r"\d{4}-\d\d-\d\dT", row["Importé"]) and row["Importé"].endswith(" UTC")
    # A plan with one event to store: singular, with French's "one" form.
    one = prepare(FIX / "acled_labels.csv", dataset="one", store=store)
    one.events = one.events.head(1)
    one.status = one.status.head(1).map(lambda _s: "new")
    one.elsewhere = {"acled": 1}
    at.session_state["data_plan"] = one
    at.run()
    [confirm] = [b for b in at.button if b.key == "data_confirm"]
    assert confirm.label == "Enregistrer 1 événement dans le jeu one"
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith("1 de ces événements est déjà enregistré dans le jeu acled") for w in warnings
    )


def test_a_second_upload_starts_from_its_own_detection(store):
    """ACLED upload -> check -> store, then a UCDP upload in the same session: the format
    and dataset name come from the new file, the check succeeds, no stale error shows."""
    at = data_page().run()
    at.file_uploader[0].set_value(
        ("acled_labels.csv", (FIX / "acled_labels.csv").read_bytes(), "text/csv")
    ).run()
    assert any(c.value == "Detected format: ACLED export" for c in at.caption)
    assert at.selectbox[0].value == "acled"
    # The user confirms the format and the name by hand (widgets touched, same values).
    at.selectbox[0].set_value("acled").run()
    at.text_input[0].set_value("acled").run()
    at.button(key="data_validate").click().run()
    assert not at.error
    at.button(key="data_confirm").click().run()
    assert not at.exception and store.count() == 4
    assert any("Stored 4 events in dataset acled" in s.value for s in at.success)
    # The stored file is done: the uploader is empty again, nothing left of the old form.
    assert all(not u.value for u in at.file_uploader)
    assert not at.selectbox or at.selectbox[0].key == "data_remove_name"

    ucdp = (FIX / "GEDEvent_v25_1_sample.csv").read_bytes()
    at.file_uploader[0].set_value(("GEDEvent_v25_1_sample.csv", ucdp, "text/csv")).run()
    assert any(c.value == "Detected format: UCDP GED (CSV)" for c in at.caption)
    [fmt] = [s for s in at.selectbox if s.key.startswith("data_format_")]
    assert fmt.value == "ucdp"
    [name] = [i for i in at.text_input if i.key.startswith("data_dataset_")]
    assert name.value == "ucdp"
    at.button(key="data_validate").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert {m.label: m.value for m in at.metric}["Accepted"] == "3"


def test_a_replaced_upload_and_a_stale_error(store):
    """A file replaced in the uploader (no store in between) starts from its detection; an
    error made for one format goes once the format is changed, and never sits beside a
    report."""
    at = data_page().run()
    uploader = at.file_uploader[0]
    uploader.set_value(
        ("acled_labels.csv", (FIX / "acled_labels.csv").read_bytes(), "text/csv")
    ).run()
    at.text_input(
        key=next(i.key for i in at.text_input if i.key.startswith("data_dataset_"))
    ).set_value("mine").run()
    at.file_uploader[0].set_value(
        ("GEDEvent_v25_1_sample.csv", (FIX / "GEDEvent_v25_1_sample.csv").read_bytes(), "text/csv")
    ).run()
    [fmt] = [s for s in at.selectbox if s.key.startswith("data_format_")]
    assert fmt.value == "ucdp"
    assert [i.value for i in at.text_input if i.key.startswith("data_dataset_")] == ["ucdp"]
    # The user forces the wrong format: the check fails and says why...
    fmt.set_value("acled").run()
    at.button(key="data_validate").click().run()
    assert any("Required columns are missing" in e.value for e in at.error)
    # ...and the error goes with its cause: the right format checks cleanly.
    [fmt] = [s for s in at.selectbox if s.key.startswith("data_format_")]
    fmt.set_value("ucdp").run()
    assert not at.error
    at.button(key="data_validate").click().run()
    assert not at.error
    assert any(s.value == "Validation report" for s in at.subheader)
    # A report made for other choices is stale too.
    [fmt] = [s for s in at.selectbox if s.key.startswith("data_format_")]
    fmt.set_value("app").run()
    assert not any(s.value == "Validation report" for s in at.subheader)


def test_errors_name_the_users_file(store):
    at = data_page().run()
    at.file_uploader[0].set_value(("Mes événements.csv", b"a|b|c\n1|2|3\n", "text/csv")).run()
    [error] = at.error
    assert "Mes événements.csv" in error.value or "line 1" in error.value
    at.file_uploader[0].set_value(("ACLED Sahel 2024.csv", b"\x00\x01\x02binary", "text/csv")).run()
    [error] = at.error
    assert "ACLED Sahel 2024.csv" in error.value
    assert "upload.csv" not in error.value


def test_disk_name_keeps_the_users_file_name():
    assert disk_name("ACLED Sahel 2024.CSV") == "ACLED Sahel 2024.csv"
    assert disk_name("../../etc/passwd") == "passwd.csv"
    assert disk_name("C:\\Users\\ana\\export.xlsx") == "export.xlsx"
    assert disk_name(".csv").endswith(".csv") and "/" not in disk_name("a/")
    assert len(disk_name("x" * 400 + ".csv")) <= 130


def test_uploader_chrome_is_written_in_the_readers_language(monkeypatch):
    # The limit shown is what this machine's memory allows (here: 2 GiB available).
    from geo.io import importers as imp
    from geo.ui import data as ui_data

    monkeypatch.setattr(imp, "available_memory", lambda: 2 * 1024**3)
    limit_mb = ui_data.page_limit_bytes() // 1024**2
    assert 100 < limit_mb < 300
    css = uploader_chrome_css("data_upload_0", "fr")
    assert '"Parcourir"' in css
    assert f"Jusqu'à {limit_mb} Mo par fichier" in css
    assert ".st-key-data_upload_0" in css
    assert "</" not in css.replace("</style>", "")


def test_storing_shows_its_phases(store, monkeypatch):
    """The store's own batches drive the progress shown while storing, then the phase of
    the map's cache."""
    import geo.ui.data as ui_data
    from geo.io import importers

    seen: list[float] = []
    real_commit = importers.commit

    def spying_commit(plan, store=None, progress=None):
        def spy(fraction, stage):
            seen.append(fraction)
            progress(fraction, stage)

        return real_commit(plan, store, progress=spy)

    monkeypatch.setattr(ui_data.importers, "commit", spying_commit)
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert seen and seen[-1] == 1.0
    assert store.count() == 5


def test_map_shows_imported_datasets_as_layers(any_store):
    store = any_store
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    labels = {c.label: c.value for c in at.checkbox if c.key and c.key.startswith("ev_ds_")}
    assert labels == {"Curated events (120)": True, "acled (4)": True, "ucdp (3)": True}
    shown = [
        c.value
        for c in at.caption
        if c.value.endswith("events shown") or "events shown ·" in c.value
    ]
    with_imports = shown[0]
    at.checkbox(key="ev_ds_acled").uncheck().run()
    without_acled = next(c.value for c in at.caption if "events shown" in c.value)
    assert with_imports != without_acled
    # Export attribution of the view names ACLED, its access date and the filters (in the
    # exports' expander, drawn once opened).
    at.session_state[EXPORTS_OPEN.name] = True
    at.checkbox(key="ev_ds_acled").check().run()
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED" in captions and "Filters applied" in captions and "UCDP" in captions


def test_analysis_of_imported_data_carries_their_attribution(store) -> None:
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED" in captions
    assert "Filters applied:" in captions


def test_large_counts_are_grouped_per_language(store, tmp_path):

    from scripts.synthetic_acled import generate

    path = tmp_path / "acled_3000.csv"
    generate(3000, seed=5).to_csv(path, index=False)
    commit(prepare(path, store=store), store)
    count = store.count()
    assert count > 1000
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    labels = [c.label for c in at.checkbox if c.key == "ev_ds_acled"]
    assert labels == [f"acled ({count:,})"]
    shown = [c.value for c in at.caption if "events shown" in c.value]
    assert shown and re.match(r"^\d{1,3}(,\d{3})+ events shown", shown[0])
    at.radio(key="lang").set_value("fr").run()
    labels = [c.label for c in at.checkbox if c.key == "ev_ds_acled"]
    assert labels == [f"acled ({count:,})".replace(",", "\u202f")]
    layer_labels = [c.label for c in at.checkbox if c.key and c.key.startswith("ev_layers_")]
    assert any("\u202f" in label for label in layer_labels)


def test_events_stored_under_another_name_are_pointed_out(store):
    commit(prepare(FIX / "acled_labels.csv", store=store), store)
    at = data_page()
    at.session_state["data_plan"] = prepare(
        FIX / "acled_labels.csv", dataset="acled-copy", store=store
    )
    at.run()
    assert not at.exception
    assert any(
        "4 of these events are already stored in dataset acled" in w.value for w in at.warning
    )


def test_stored_events_hidden_by_the_map_filters_are_not_said_to_be_on_the_map(store):
    plan = prepare(FIX / "acled_labels.csv", store=store)
    # One event in Chad: the map's default country filter (the AES states) leaves it out.
    plan.events.loc[plan.events.index[0], "country_iso3"] = "TCD"
    at = data_page()
    at.session_state["data_plan"] = plan
    at.run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    [success] = [s.value for s in at.success]
    # Barsalogho (BFA6001) is the curated Barsalogho: the map draws that one in its place
    assert success == (
        "Stored 4 events in dataset acled. With the current map filters, 2 of them are on the map."
    )
    [note] = [i.value for i in at.info]
    assert note.startswith("1 is in a country that the map's country filter leaves out (Chad)")
    assert "1 is the same event as one already in another dataset" in note


def test_visibility_counts_each_hidden_event_under_its_first_filter(store):
    from geo.model.filters import EventFilter
    from geo.ui.data import visibility, visibility_lines

    events = prepare(FIX / "acled_labels.csv", store=store).events.copy()
    events.loc[events.index[0], "country_iso3"] = "TCD"
    events.loc[events.index[1], "latitude"] = float("nan")
    last = events["date"].max().date()
    v = visibility(events, EventFilter(date_from=last, date_to=last))
    assert v.hidden_countries == 1 and v.countries == ("TCD",)
    assert v.visible + v.hidden_countries + v.hidden_dates + v.hidden_other == len(events)
    assert v.visible == 1 and v.hidden_dates == 2
    fr = visibility_lines(v, "fr")
    assert fr[0] == "Avec les filtres actuels de la carte, elle en montre 1."
    assert fr[1].startswith(
        "1 se trouve dans un pays que le filtre des pays de la carte exclut (Tchad)"
    )
    assert fr[2] == "2 sont hors de la période choisie sur la carte."


def test_the_map_filters_of_the_session_decide_what_is_said_to_be_on_the_map(store):
    at = data_page()
    at.session_state["_ev_seeded"] = True  # the map was drawn: its filters are in the session
    at.session_state["ev_countries"] = ["MLI"]
    at.session_state["data_plan"] = prepare(FIX / "acled_labels.csv", store=store)
    at.run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert any(s.value.endswith("1 of them is on the map.") for s in at.success)
    [note] = [i.value for i in at.info]
    assert note.startswith(
        "3 are in countries that the map's country filter leaves out (Burkina Faso, Niger)"
    )


def test_a_store_that_fails_while_storing_or_removing_says_why_without_a_traceback(
    store, monkeypatch
):
    """A full disk or a read-only folder met while storing (or removing) is the store's
    message on the page, never a traceback; nothing is lost: the checked plan stays."""
    import geo.ui.data as ui_data
    from geo.io.store import StoreError, StoreHealth

    full = StoreHealth("full", store.directory / "events.sqlite3", "full")
    real_commit = ui_data.importers.commit

    def failing(*_args, **_kwargs):
        raise StoreError(full)

    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    monkeypatch.setattr(ui_data.importers, "commit", failing)
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert any("is full: nothing was stored" in e.value for e in at.error)
    assert at.session_state["data_plan"] is not None  # kept: store it once space is freed
    assert store.count() == 0

    real_commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    monkeypatch.setattr(Store, "remove", failing)
    at = data_page().run()
    at.checkbox(key="data_remove_sure").check().run()
    at.button(key="data_remove_button").click().run()
    assert not at.exception
    assert any("is full" in e.value for e in at.error)


def _english_fragments(key: str) -> list[str]:
    """The fixed words of a message's English text (what is not a placeholder), less those
    its French text shares ("format", "ACLED")."""
    from geo.i18n.catalogue import catalog

    def texts(lang: str) -> list[str]:
        entry = catalog()[key][lang]
        return list(entry.values()) if isinstance(entry, dict) else [entry]

    french = " ".join(texts("fr"))
    parts = {part.strip(" ;:,.()") for text in texts("en") for part in re.split(r"\{\w+\}", text)}
    return [part for part in parts if len(part) >= 4 and part not in french]


def _bad_acled_file(tmp_path: Path) -> Path:
    """An ACLED export with several kinds of bad rows: an unparseable date, an unknown
    country, a negative toll, an unknown actor type, a point outside its country, a row
    with too few cells."""
    import pandas as pd

    good = pd.read_csv(
        FIX / "acled_numeric_bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    ).iloc[[0]]
    rows = []
    for n, change in enumerate(
        [
            {"event_date": "32 Foo 2020"},
            {"iso": "999", "iso3": "", "country": "Atlantis"},
            {"fatalities": "-3"},
            {"inter1": "99"},
            {"latitude": "5.0", "longitude": "5.0"},
            {},
        ]
    ):
        row = good.copy()
        row["event_id_cnty"] = f"MLI900{n}"
        for col, value in change.items():
            row[col] = value
        rows.append(row)
    path = tmp_path / "mauvais.csv"
    pd.concat(rows).to_csv(path, index=False)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("1,2,3\n")
    return path


def test_french_problems_errors_and_attribution_have_no_english_left(store, tmp_path):
    """Every reason in the problems table, every error and the citation are written in
    French; values quoted from the file stay as they are."""
    at = data_page()
    at.session_state["lang"] = "fr"
    for path in (FIX / "acled_numeric_bom.csv", _bad_acled_file(tmp_path)):
        plan = prepare(path, store=store, accessed="2026-12-02")
        keys = {p.message.key for p in plan.problems}
        at.session_state["data_plan"] = plan
        at.run()
        assert not at.exception
        reasons = list(frame_with(at, "raison")["raison"])
        assert reasons == [p.text("fr") for p in plan.problems]
        for reason in reasons:
            for key in keys:
                for fragment in _english_fragments(key):
                    assert fragment not in reason, (key, fragment, reason)
        [citation] = [c.value for c in at.caption if "www.acleddata.com" in c.value]
        assert "consulté le 2 décembre 2026" in citation
        assert "accessed" not in citation and "2026-12-02" not in citation
    assert keys >= {
        "pr_unparseable_acled_date",
        "pr_unknown_country",
        "pr_not_whole_number",
        "pr_unknown_actor_type",
        "pr_outside_country",
        "pr_cell_count",
    }
    assert any("'32 Foo 2020'" in r for r in reasons)  # the user's value, verbatim
    assert any("hors du pays indiqué, Mali" in r for r in reasons)  # named, not MLI

    # Whole-file errors: what, where and how to fix it, in French.
    cases = [
        (
            "sans-colonnes.csv",
            b"event_id_cnty,event_date,event_type\nX1,2020-01-01,Battles\n",
            "Des colonnes obligatoires manquent pour le format Export ACLED",
            "sans-colonnes.csv, ligne 1 (en-tête)",
            "err_missing_columns",
        ),
        (
            "barres.csv",
            b"event_id_cnty|event_date|event_type\nX1|2020-01-01|B\n",
            "Les colonnes sont séparées par des barres verticales",
            "barres.csv, ligne 1 (en-tête)",
            "err_delimiter",
        ),
        (
            "binaire.csv",
            b"\x00\x01\x02binary",
            "Il s'agit d'un fichier binaire",
            "binaire.csv",
            "err_binary",
        ),
    ]
    at = data_page()
    at.session_state["lang"] = "fr"
    at.run()
    for name, content, what, where, key in cases:
        at.file_uploader[0].set_value((name, content, "text/csv")).run()
        if not at.error:
            at.button(key="data_validate").click().run()
        [error] = at.error
        assert what in error.value and f"Où : {where}" in error.value
        assert "Comment corriger" in error.value
        fix = {
            "err_missing_columns": "fix_missing_columns",
            "err_delimiter": "fix_delimiter",
            "err_binary": "fix_binary",
        }[key]
        for fragment in (
            _english_fragments(key)
            + _english_fragments(fix)
            + ["line 1", "(header)", "How to fix", "Where:"]
        ):
            assert fragment not in error.value, (name, fragment)


def test_storing_a_dataset_another_user_is_writing_is_refused_with_its_name(any_store):
    """Two people store into the same dataset at once: the second is told so, by the
    dataset's name, nothing is stored and the checked plan stays (to store it after)."""
    store = any_store
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    with open_store()._dataset_claim("acled"):  # another user's import of it, under way
        at.button(key="data_confirm").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "Another import, update or removal of the dataset acled is running" in error
    assert "nothing was changed" in error
    assert at.session_state["data_plan"] is not None and store.count() == 0
    at.button(key="data_confirm").click().run()  # once it has finished
    assert store.count() == 5


def test_a_file_checked_before_another_session_imported_is_not_stored_and_says_why(any_store):
    """A checks a file; B imports into the store; A's confirm stores nothing, says what B
    changed (in A's language), and drops the stale report: checked again, it is stored."""
    store = any_store
    for lang, other, said in (
        (
            "en",
            "theirs",
            "Since you checked this file, another session changed the store: 4 events were "
            "imported into dataset theirs. Nothing was stored: check the file again",
        ),
        (
            "fr",
            "autres",
            "Depuis que vous avez vérifié ce fichier, une autre session a modifié la base : "
            "4 événements ont été importés dans le jeu autres. Rien n'a été enregistré",
        ),
    ):
        at = data_page()
        at.session_state["lang"] = lang
        at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
        at.run()
        theirs = open_store()  # another session's import, between the check and the confirm
        commit(prepare(FIX / "acled_labels.csv", store=theirs, dataset=other), theirs)
        at.button(key="data_confirm").click().run()
        assert not at.exception
        [error] = [e.value for e in at.error]
        assert said in error
        assert "data_plan" not in at.session_state
        assert "data_confirm" not in {b.key for b in at.button}  # the stale report is gone
        assert [d.name for d in store.datasets()] == [other]
        at.run()  # said once
        assert not at.error
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    at.button(key="data_confirm").click().run()
    assert any("Stored 5 events in dataset acled" in s.value for s in at.success)
    assert {d.name for d in store.datasets()} == {"acled", "autres"}


def test_storing_while_another_import_holds_the_store_is_refused_at_once(any_store):
    """The command line (or a remote update) holds the store's import lock from its check
    to its store: a confirm meanwhile is refused at once, nothing stored, the plan kept."""
    store = any_store
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    with open_store().import_lock():
        at.button(key="data_confirm").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "Another import, update or removal is running on the store" in error
    assert at.session_state["data_plan"] is not None and store.count() == 0
    at.button(key="data_confirm").click().run()  # once it has finished
    assert store.count() == 5


def test_a_removal_after_another_sessions_import_removes_nothing_and_says_why(any_store):
    """A looks at the datasets and ticks "remove acled"; B imports 4 more events into acled;
    A's removal removes nothing, says what B changed (in A's language), and asks again:
    confirmed on the list shown now, the dataset is removed."""
    store = any_store
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    for lang, said, count in (
        (
            "en",
            "Since the list of datasets was shown, another session changed the store: 4 events "
            "were imported into dataset acled. Nothing was removed: look at dataset acled in "
            "the list again",
            "9",
        ),
        (
            "fr",
            "Depuis l'affichage de la liste des jeux de données, une autre session a modifié "
            "la base : 4 événements ont été importés dans le jeu acled. Rien n'a été supprimé",
            "9",
        ),
    ):
        at = data_page()
        at.session_state["lang"] = lang
        at.run()
        at.checkbox(key="data_remove_sure").check().run()
        theirs = open_store()  # another session's import, between the look and the removal
        commit(prepare(FIX / "acled_labels.csv", store=theirs), theirs)
        at.button(key="data_remove_button").click().run()
        assert not at.exception
        [error] = [e.value for e in at.error]
        assert said in error
        assert not at.success
        assert [(d.name, d.count) for d in store.datasets()] == [("acled", 9)]
        [datasets] = [d.value for d in at.dataframe]  # the list as it is now
        assert datasets.iloc[:, 2].tolist() == [count]
        assert not at.checkbox(key="data_remove_sure").value  # to confirm again
        at.run()  # said once
        assert not at.error
        store.remove("acled")  # back to the five events for the French round
        commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    at = data_page().run()
    at.checkbox(key="data_remove_sure").check().run()
    at.button(key="data_remove_button").click().run()
    assert not at.exception and not at.error
    assert any("Removed dataset acled (5 events)" in s.value for s in at.success)
    assert store.datasets() == []


def test_a_removal_while_another_import_holds_the_store_is_refused_at_once(any_store):
    """The command line (or a remote update, or another session's confirm) holds the
    store's import lock: a removal meanwhile is refused at once, in the reader's language,
    nothing removed; once the lock is released it goes through."""
    store = any_store
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    for lang, said in (
        ("en", "Another import, update or removal is running on the store"),
        ("fr", "Une autre importation, mise à jour ou suppression est en cours dans la base"),
    ):
        at = data_page()
        at.session_state["lang"] = lang
        at.run()
        at.checkbox(key="data_remove_sure").check().run()
        with open_store().import_lock():
            at.button(key="data_remove_button").click().run()
        assert not at.exception
        [error] = [e.value for e in at.error]
        assert said in error
        assert store.count() == 5
    at.button(key="data_remove_button").click().run()  # once it has finished
    assert not at.exception and not at.error
    assert store.count() == 0


def test_a_reader_of_a_team_deployment_sees_the_datasets_and_nothing_that_changes_them(
    store, monkeypatch
):
    # Behind the team's proxy (SAHEL_ATLAS_ROLE_HEADER): a session whose request carries no
    # editor role reads only, even with a checked file left in its session by a crafted run.
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    monkeypatch.setenv("SAHEL_ATLAS_ROLE_HEADER", "X-Sahel-Atlas-Role")
    for lang, said in (("en", "signed in as a reader"), ("fr", "lecture seule")):
        at = data_page()
        at.session_state["lang"] = lang
        at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
        at.run()
        assert not at.exception
        assert any(said in i.value for i in at.info)
        assert not at.get("file_uploader")
        keys = {b.key for b in at.button}
        assert not keys & {"data_confirm", "data_remove_button"}, keys
        assert not [c for c in at.checkbox if c.key == "data_remove_sure"]
        [datasets] = [d.value for d in at.dataframe]  # the datasets table, and no other
        assert datasets.iloc[:, 0].astype(str).tolist() == ["acled"]
    assert store.count() == 5


def test_an_editor_of_a_team_deployment_imports_and_removes(store, monkeypatch):
    from geo.ui import access

    monkeypatch.setenv("SAHEL_ATLAS_ROLE_HEADER", "X-Sahel-Atlas-Role")
    monkeypatch.setattr(access, "current_role", lambda: "editor")
    at = data_page()
    at.session_state["data_plan"] = prepare(FIX / "acled_numeric_bom.csv", store=store)
    at.run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert store.count() == 5


def test_storing_is_refused_where_it_writes_when_the_session_is_a_readers(store, monkeypatch):
    from geo.ui import data as ui_data

    monkeypatch.setenv("SAHEL_ATLAS_ROLE_HEADER", "X-Sahel-Atlas-Role")
    plan = prepare(FIX / "acled_numeric_bom.csv", store=store)
    with pytest.raises(PermissionError):
        ui_data.store_plan(plan, store, "en")
    assert store.count() == 0
