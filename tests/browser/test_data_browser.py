"""Upload an ACLED file through the real Data page, confirm, and find its events on the map.

Runs its own `streamlit run` with a temporary store (SAHEL_ATLAS_DATA_DIR). Until the Data
page is registered in dashboard.py, the server runs a scratch copy of dashboard.py (outside
the repository) that adds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, _free_port, _require_chromium
from tests.browser.mapdriver import map_frame

pytestmark = pytest.mark.browser

FIX = REPO / "tests" / "fixtures"
DATA_PAGE = '    ("pages/data.py", "page_data", "database", "data"),\n'
IMPORTED_IDS_JS = """() => { const ids = new Set();
  const visit = (l) => {
    const p = l.feature && l.feature.properties;
    if (p && p.id) ids.add(p.id);
    if (l.getLayers) { try { l.getLayers().forEach(visit); } catch (e) {} } };
  Object.values(window.map._layers).forEach(visit);
  return Array.from(ids).filter(i => i.startsWith('acled:')).sort(); }"""


def _main_script(tmp: Path) -> Path:
    text = (REPO / "dashboard.py").read_text(encoding="utf-8")
    if "pages/data.py" in text:
        return REPO / "dashboard.py"
    scratch = tmp / "app"
    scratch.mkdir()
    for name in ("pages", "static"):
        (scratch / name).symlink_to(REPO / name)
    anchor = '    ("pages/timeline.py"'
    start = text.index(anchor)
    end = text.index("\n", start) + 1
    (scratch / "dashboard.py").write_text(text[:end] + DATA_PAGE + text[end:], encoding="utf-8")
    return scratch / "dashboard.py"


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    tmp = tmp_path_factory.mktemp("data_app")
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "SAHEL_ATLAS_DATA_DIR": str(tmp / "store"),
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    log = tmp / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(_main_script(tmp)),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true"], cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.3)  # not in Playwright: no page exists yet
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_upload_acled_file_then_see_its_events_on_the_map(data_app, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{data_app}/data")
    page.get_by_text("Your data: ACLED, UCDP GED and CSV imports").wait_for()
    page.locator("input[type=file]").set_input_files(str(FIX / "acled_labels.csv"))
    page.get_by_text("Detected format: ACLED export").wait_for()
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Validation report").wait_for()
    page.screenshot(path=artifacts / "data-report.png", full_page=True)
    page.get_by_role("button", name="Store 4 events in dataset acled").click()
    page.get_by_text("Stored 4 events in dataset acled").wait_for()
    page.get_by_text("Imported datasets").wait_for()

    page.goto(f"{data_app}/map")
    frame = map_frame(page)
    page.get_by_text("acled (4)").wait_for()
    found: list[str] = []
    for _ in range(60):
        found = frame.evaluate(IMPORTED_IDS_JS)
        if len(found) == 4:
            break
        page.wait_for_timeout(500)
        frame = map_frame(page)
    assert found == ["acled:BFA6001", "acled:MLI5001", "acled:NER7001", "acled:NER7002"]
    page.screenshot(path=artifacts / "data-on-map.png")
    # Streamlit's frontend asks Google Fonts for the pages' Material icons (dashboard.py's
    # choice, aborted here); nothing else may leave the machine.
    external = [u for u in offline_page.external_requests if "materialsymbols" not in u]
    assert external == []
    assert offline_page.page_errors == []
