"""Upload an ACLED file through the real Data page, confirm, and find its events on the map.

Runs its own `streamlit run` with a temporary store (SAHEL_ATLAS_DATA_DIR). Until the Data
page is registered in dashboard.py, the server runs a scratch copy of dashboard.py (outside
the repository) that adds it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, _require_chromium
from tests.browser.mapdriver import click_lat_lng, map_frame
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

FIX = REPO / "tests" / "fixtures"
# The map's events layer (L.AtlasPoints) once painted: its marks and paint count.
POINTS_JS = """() => {
  const layer = Object.values(window.map._layers).find((l) => l instanceof L.AtlasPoints);
  const s = window.atlasPointStats;
  if (!layer || !layer._block || !s || s.token !== layer.options.token
      || s.maskToken !== (layer.options.maskToken || null)) return null;
  return {total: s.total, paints: s.paints, kept: s.kept || 0, drawn: s.drawn};
}"""


def wait_points(page: object, accept, what: str, polls: int = 240) -> dict:
    """The events layer's state once ``accept(state)`` holds (the map frame is looked up
    again each time: a rerun may replace it)."""
    state = None
    for _ in range(polls):
        try:
            state = map_frame(page).evaluate(POINTS_JS)
        except Exception:  # noqa: BLE001 - frame detached by a rerun
            state = None
        if state and accept(state):
            return state
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}; last: {state!r}")


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard with its own empty event store and its own temporary folder."""
    _require_chromium()
    tmp = tmp_path_factory.mktemp("data_app")
    (tmp / "tmp").mkdir()
    with streamlit_server(
        tmp / "server.log",
        env={"SAHEL_ATLAS_DATA_DIR": str(tmp / "store"), "TMPDIR": str(tmp / "tmp")},
    ) as url:
        yield url, tmp / "tmp"


def test_upload_acled_file_then_see_its_events_on_the_map(data_app, offline_page, artifacts):
    data_app, server_tmp = data_app
    page = offline_page.page
    page.goto(f"{data_app}/data")
    page.get_by_text("Your data: ACLED, UCDP GED and CSV imports").wait_for()
    page.locator("input[type=file]").set_input_files(str(FIX / "acled_labels.csv"))
    page.get_by_text("Detected format: ACLED export").wait_for()
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Validation report").wait_for()
    page.get_by_text("Sample of the accepted events").wait_for()
    page.get_by_text("Rows read").wait_for()
    page.wait_for_timeout(500)  # the metrics and tables finish drawing
    page.screenshot(path=artifacts / "data-report.png", full_page=True)
    page.get_by_role("button", name="Store 4 events in dataset acled").click()
    page.get_by_text("Stored 4 events in dataset acled").wait_for()
    page.get_by_text("Imported datasets").first.wait_for()  # a rerun may briefly show two
    # The upload was copied to disk only while it was read: nothing is left behind.
    assert [p.name for p in server_tmp.glob("sahel-atlas-upload-*")] == []

    # Only the imported dataset on the map: its four events are the marks, each one opens
    # its own panel when clicked.
    with (FIX / "acled_labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = [
            (f"acled:{r['event_id_cnty']}", float(r["latitude"]), float(r["longitude"]))
            for r in csv.DictReader(fh)
        ]
    assert len(rows) == 4
    page.goto(f"{data_app}/map?cluster=0")
    map_frame(page)
    page.get_by_text("acled (4)").wait_for()
    curated = page.get_by_role("checkbox", name=re.compile(r"^Curated events \("))
    curated.locator("xpath=ancestor::label").click()
    wait_points(page, lambda s: s["total"] == 4, "the four imported events alone")
    assert not curated.is_checked()
    for ident, lat, lng in rows:
        frame = map_frame(page)
        before = wait_points(page, lambda s: s["total"] == 4, "the events layer")
        frame.evaluate(f"() => {{ window.map.setView([{lat}, {lng}], 9, {{animate: false}}); }}")
        # Painted there, or still inside the canvas painted last (then nothing is repainted).
        wait_points(
            page,
            lambda s, b=before: (
                (s["paints"] > b["paints"] or s["kept"] > b["kept"]) and s["drawn"] >= 1
            ),
            f"the marks around {ident}",
        )
        click_lat_lng(page, frame, lat, lng)
        page.locator(f'.event-panel[data-id="{ident}"]').wait_for(timeout=60_000)
    page.screenshot(path=artifacts / "data-on-map.png")
    assert offline_page.external_requests == []  # nothing leaves the machine
    assert offline_page.page_errors == []


ERRORS_JS = """() => Array.from(document.querySelectorAll(
  '[data-testid="stAlertContentError"], [data-testid="stException"]')).map(e => e.innerText)"""


def test_second_upload_without_reload_starts_from_its_own_detection(
    data_app, offline_page, artifacts
):
    """ACLED upload -> store -> UCDP upload in the same page (no reload): the format and the
    dataset name follow the new file, the check succeeds and no stale error is left."""
    data_app, _ = data_app
    page = offline_page.page
    page.goto(f"{data_app}/data")
    page.get_by_text("Your data: ACLED, UCDP GED and CSV imports").wait_for()
    page.locator("input[type=file]").set_input_files(str(FIX / "acled_numeric_bom.csv"))
    page.get_by_text("Detected format: ACLED export").wait_for()
    # The user confirms the format and the dataset name by hand (the widgets are touched).
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="ACLED export").click()
    name = page.get_by_label("Dataset name (one map layer per dataset)")
    name.fill("acled")
    name.press("Enter")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Store 5 events in dataset acled").click()
    page.get_by_text("Stored 5 events in dataset acled").wait_for()
    # The run after storing draws an empty uploader; the old one goes when that run ends.
    page.wait_for_function("() => document.querySelectorAll('input[type=file]').length === 1")

    page.locator("input[type=file]").set_input_files(str(FIX / "GEDEvent_v25_1_sample.csv"))
    page.get_by_text("Detected format: UCDP GED (CSV)").wait_for()
    # The Format select shows the new file's format (its value sits in an input).
    page.wait_for_function("""() => Array.from(document.querySelectorAll(
      '[data-testid="stSelectbox"]')).some(s => s.innerText.startsWith('Format')
      && (s.innerText.includes('UCDP GED (CSV)') || Array.from(s.querySelectorAll('input'))
          .some(i => i.value === 'UCDP GED (CSV)')))""")
    name = page.get_by_label("Dataset name (one map layer per dataset)")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('input')).some(i => i.value === 'ucdp')"
    )
    assert name.input_value() == "ucdp"
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Validation report").wait_for()
    page.get_by_role("button", name="Store 3 events in dataset ucdp").wait_for()
    assert page.evaluate(ERRORS_JS) == []
    page.screenshot(path=artifacts / "data-second-upload.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_uploader_chrome_in_french(data_app, offline_page, artifacts):
    data_app, _ = data_app
    page = offline_page.page
    page.goto(f"{data_app}/data?lang=fr")
    page.get_by_text("Vos données : imports ACLED, UCDP GED et CSV").wait_for()
    zone = page.get_by_test_id("stFileUploaderDropzone")
    zone.wait_for()
    # The French text is put in by the page's style once it has run: wait for it.
    handle = page.wait_for_function("""() => {
      const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
      const text = (el) => getComputedStyle(el, '::after').content;
      const found = zone ? Array.from(zone.querySelectorAll('span, p')).map(text)
        .filter(c => c && c !== 'none') : [];
      return found.some(c => c.includes('Parcourir')) ? found : null; }""")
    after = handle.json_value()
    assert '"Parcourir"' in after
    # The limit follows the machine's free memory (geo.ui.data.page_limit_bytes): any size,
    # written in French (spaces between thousands).
    assert any(re.search(r"Jusqu[’']à \d[\d\u202f\u00a0 ]* Mo par fichier", c) for c in after), (
        after
    )
    zone.screenshot(path=artifacts / "data-uploader-fr.png")
    assert offline_page.external_requests == []


SEEN_JS = """() => { window.__seen = new Set();
  const look = () => document.querySelectorAll('[data-testid="stExpander"], '
    + '[data-testid="stProgress"]').forEach(e => window.__seen.add(e.innerText));
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, characterData: true}); }"""


def test_storing_shows_its_progress(data_app, offline_page, artifacts, tmp_path):
    """While a file is stored, the page shows the phase and the events written so far (an
    observer records every state the page went through, however fast the write)."""

    from scripts.synthetic_acled import generate

    path = tmp_path / "acled_sahel_synthetic.csv"
    generate(12_000, seed=11).to_csv(path, index=False)
    data_app, _ = data_app
    page = offline_page.page
    page.goto(f"{data_app}/data")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    confirm = page.get_by_role("button", name=re.compile(r"^Store [\d,]+ events in dataset"))
    confirm.wait_for(timeout=120_000)
    page.evaluate(SEEN_JS)
    confirm.click()
    page.get_by_text(re.compile(r"^Stored [\d,]+ events in dataset acled")).wait_for(
        timeout=120_000
    )
    seen = " | ".join(page.evaluate("() => Array.from(window.__seen)"))
    assert re.search(r"Storing [\d,]+ events in dataset acled", seen), seen
    assert re.search(r"Writing to the store: [\d,]+ of [\d,]+ events", seen), seen
    page.screenshot(path=artifacts / "data-stored-visibility.png")
    assert offline_page.page_errors == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("zip_bomb", "zip bomb"),
        ("entity_expansion", "laughs.xlsx"),
        ("truncated_sheet", "cut.xlsx"),
        ("duplicate_columns", "dups.csv"),
        ("binary", "garbage.csv"),
    ],
)
def test_a_refused_upload_says_why_with_no_traceback(
    data_app, offline_page, artifacts, tmp_path, case, expected
):
    """Hostile files through the real uploader: a clear error naming the user's file, never
    Streamlit's exception box, and the page stays usable (the store is untouched: see
    tests/io/test_hostile_files.py)."""
    from tests.io.test_hostile_files import CORPUS

    data_app, _ = data_app
    name, make, _message = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(make())
    page = offline_page.page
    page.goto(f"{data_app}/data")
    page.get_by_text("Your data: ACLED, UCDP GED and CSV imports").wait_for()
    page.locator("input[type=file]").set_input_files(str(path))
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text=expected)
    check = page.get_by_role("button", name="Check the file")
    error.or_(check).first.wait_for(timeout=60_000)  # refused on upload, or when checked
    if not error.count():
        check.click()
    error.first.wait_for(timeout=60_000)
    assert name in error.first.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=artifacts / f"data-refused-{case}.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []
