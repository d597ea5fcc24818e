"""The Data page: upload, validation report, confirm, list and remove imported datasets.

The plan of an upload (:class:`geo.importers.ImportPlan`) lives in
``st.session_state["data_plan"]`` between "check" and "confirm": nothing reaches the store
before the user confirms.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import importers
from geo.i18n import format_number, translate
from geo.store import Store

PLAN_KEY = "data_plan"
FILE_KEY = "data_file"
ERROR_KEY = "data_error"
DONE_KEY = "data_done"
UPLOAD_MB = 200  # Streamlit's server.maxUploadSize (default)


def _t(lang: str):
    return lambda key, **params: translate(key, lang, **params)


@contextmanager
def _upload_copy(upload) -> Iterator[Path]:  # noqa: ANN001 - streamlit UploadedFile
    """The upload as a private temporary file (streamed, never decoded here) for the
    duration of one step: Streamlit keeps the upload itself, so no copy outlives the step
    (a closed tab or a stopped server leaves nothing behind in the temporary folder)."""
    suffix = Path(upload.name).suffix.lower()[:6] or ".csv"
    with tempfile.TemporaryDirectory(prefix="sahel-atlas-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out, 1024 * 1024)
        yield path


def _discard_file() -> None:
    st.session_state.pop(FILE_KEY, None)
    st.session_state.pop(PLAN_KEY, None)
    st.session_state.pop(ERROR_KEY, None)


def show_error(err: importers.ImportFileError, lang: str) -> None:
    t = _t(lang)
    lines = [t("data_error"), t("data_error_what", text=err.what)]
    if err.where:
        lines.append(t("data_error_where", text=err.where))
    if err.fix:
        lines.append(t("data_error_fix", text=err.fix))
    st.error("\n\n".join(lines), icon="⚠️")


def upload_section(lang: str, store: Store) -> None:
    t = _t(lang)
    upload = st.file_uploader(t("data_upload"), type=["csv", "xlsx"], key="data_upload")
    if upload is None:
        if FILE_KEY in st.session_state and not st.session_state.get(PLAN_KEY):
            _discard_file()
        return
    current = st.session_state.get(FILE_KEY)
    if current is None or current["id"] != upload.file_id:
        _discard_file()
        if upload.size > importers.MAX_FILE_BYTES:
            show_error(importers.ImportFileError(
                f"The file is too large ({upload.size / 1024**2:,.0f} MB)", upload.name,
                "split it, or use python -m geo.importer import FILE"), lang)
            return
        columns: tuple[str, ...] = ()
        try:
            with _upload_copy(upload) as path:
                columns = importers.inspect_file(path).columns
        except importers.ImportFileError as err:
            st.session_state[ERROR_KEY] = err
        st.session_state[FILE_KEY] = {"id": upload.file_id, "name": upload.name,
                                      "columns": columns}
        current = st.session_state[FILE_KEY]
    if st.session_state.get(ERROR_KEY) is not None and PLAN_KEY not in st.session_state:
        show_error(st.session_state[ERROR_KEY], lang)
        if not current["columns"]:
            return
    detected = importers.detect_format(current["columns"]) if current["columns"] else None
    if detected:
        st.caption(t("data_detected", label=importers.FORMAT_LABELS[detected]))
    else:
        st.warning(t("data_not_detected"))
    fmt = st.selectbox(t("data_format"), importers.FORMATS,
                       index=importers.FORMATS.index(detected or "acled"),
                       format_func=importers.FORMAT_LABELS.get, key="data_format")
    cols = st.columns(3)
    dataset = cols[0].text_input(t("data_dataset"), value="" if fmt == "app" else fmt,
                                 key=f"data_dataset_{fmt}", max_chars=40)
    version = cols[1].text_input(t("data_version"), value=importers.default_version(
        fmt, current["name"], date.today()), key=f"data_version_{fmt}")
    accessed = cols[2].date_input(t("data_accessed"), value=date.today(), key="data_accessed",
                                  max_value=date.today())
    if st.button(t("data_validate"), type="primary", key="data_validate"):
        bar = st.progress(0.0, text=t("data_checking"))
        try:
            with _upload_copy(upload) as path:
                plan = importers.prepare(
                    path, fmt=fmt, dataset=dataset or None, version=version or None,
                    accessed=accessed.isoformat(), store=store, file_name=current["name"],
                    progress=lambda f, _stage: bar.progress(min(f, 1.0),
                                                            text=t("data_checking")))
        except importers.ImportFileError as err:
            bar.empty()
            st.session_state[ERROR_KEY] = err
            st.session_state.pop(PLAN_KEY, None)
            show_error(err, lang)
            return
        bar.empty()
        st.session_state.pop(ERROR_KEY, None)
        st.session_state[PLAN_KEY] = plan


def report_section(plan: importers.ImportPlan, lang: str, store: Store) -> None:
    t = _t(lang)
    st.subheader(t("data_report"))
    st.caption(f"{plan.file_name} · {importers.FORMAT_LABELS[plan.format]} · {plan.dataset}")
    # Two rows of four: the file, then what storing it would change (a row of eight
    # truncated counts of a few hundred thousand).
    for metrics in ([("data_rows_read", plan.total_rows), ("data_accepted", plan.accepted),
                     ("data_rejected", len(plan.rejected)),
                     ("data_skipped", plan.skipped_rows)],
                    [("data_new", plan.count("new")), ("data_updates", plan.count("update")),
                     ("data_unchanged", plan.count("unchanged")),
                     ("data_stale", plan.count("stale"))]):
        for col, (key, value) in zip(st.columns(len(metrics)), metrics, strict=True):
            col.metric(t(key), format_number(value, lang))
    for name, n in plan.elsewhere.items():
        st.warning(t("data_elsewhere", count=format_number(n, lang), other=name,
                     name=plan.dataset))
    if plan.skipped:
        st.caption(t("data_skipped_note", count=format_number(plan.skipped_rows, lang),
                     types=", ".join(f"{label} ({format_number(n, lang)})"
                                     for label, n in plan.skipped.items())))
    if plan.problems:
        st.markdown(f"**{t('data_problems')}**")
        table = importers.problems_frame(plan.problems).head(5_000)
        table.columns = [t(f"data_col_{c}") for c in table.columns]
        st.dataframe(table, hide_index=True,
                     width="stretch", key="data_problems_table")
    else:
        st.success(t("data_no_problems"))
    if len(plan.rejected):
        st.download_button(t("data_download_rejected"), importers.rejected_csv(plan),
                           file_name=f"rejected-{Path(plan.file_name).stem}.csv",
                           mime="text/csv", key="data_download_rejected")
    updates = plan.status[plan.status == "update"].index
    if len(updates):
        st.markdown(f"**{t('data_updated_rows')}**")
        st.dataframe(plan.events[plan.events["id"].isin(updates[:1000])][
            ["id", "date", "location", "fatalities_low", "timestamp"]], hide_index=True)
    if plan.accepted:
        st.markdown(f"**{t('data_sample')}**")
        sample = plan.sample()[["id", "date", "country_iso3", "admin1_name", "location",
                                "category", "subtype", "actors", "fatalities_low",
                                "fatalities_high", "summary"]].copy()
        sample["date"] = sample["date"].dt.strftime("%Y-%m-%d")
        st.dataframe(sample, hide_index=True, width="stretch",
                     key="data_sample_table")
    st.caption(t("data_attribution", text=plan.attribution()))
    if plan.format == "acled":
        st.info(t("data_acled_notice"))
    to_write = len(plan.to_write)
    left, right = st.columns([3, 1])
    if to_write == 0:
        left.info(t("data_nothing_to_store"))
    elif left.button(t("data_confirm", count=format_number(to_write, lang), name=plan.dataset),
                     type="primary", key="data_confirm"):
        bar = st.progress(0.0, text=t("data_writing"))
        written = importers.commit(plan, store, progress=lambda f, _s: bar.progress(
            min(f, 1.0), text=t("data_writing")))
        bar.empty()
        st.session_state[DONE_KEY] = (written, plan.dataset)
        _discard_file()
        st.rerun()
    if right.button(t("data_cancel"), key="data_cancel"):
        _discard_file()
        st.rerun()


def datasets_section(lang: str, store: Store) -> None:
    t = _t(lang)
    st.subheader(t("data_datasets"))
    datasets = store.datasets()
    if not datasets:
        st.caption(t("data_no_datasets"))
        return
    table = pd.DataFrame([{
        t("data_col_name"): d.name, t("data_col_format"): importers.FORMAT_LABELS.get(
            d.format, d.format),
        t("data_col_count"): d.count, t("data_col_version"): d.version,
        t("data_col_accessed"): d.accessed, t("data_col_imported"): d.imported_at,
        t("data_col_attribution"): d.attribution()} for d in datasets])
    st.dataframe(table, hide_index=True, width="stretch", key="data_datasets_table")
    with st.expander(t("data_remove")):
        name = st.selectbox(t("data_col_name"), [d.name for d in datasets],
                            key="data_remove_name")
        sure = st.checkbox(t("data_remove_confirm"), key="data_remove_sure")
        if st.button(t("data_remove_button"), disabled=not sure, key="data_remove_button"):
            removed = store.remove(name)
            st.session_state["data_removed"] = (name, removed)
            st.session_state.pop("data_remove_sure", None)
            st.rerun()


def data_page(lang: str) -> None:
    t = _t(lang)
    store = Store()
    st.markdown(f"#### {t('data_title')}")
    st.caption(t("data_intro", path=str(store.directory)))
    st.caption(t("data_limits", csv_mb=importers.MAX_FILE_BYTES // 1024**2,
                 xlsx_mb=importers.MAX_XLSX_BYTES // 1024**2, upload_mb=UPLOAD_MB))
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(t("data_stored", count=format_number(done[0], lang), name=done[1]))
    removed = st.session_state.pop("data_removed", None)
    if removed:
        st.success(t("data_removed", name=removed[0], count=format_number(removed[1], lang)))
    upload_section(lang, store)
    plan = st.session_state.get(PLAN_KEY)
    if plan is not None:
        report_section(plan, lang, store)
    datasets_section(lang, store)
