"""The Data page: upload, validation report, confirm, list and remove imported datasets.

The plan of an upload (:class:`geo.io.importers.ImportPlan`) lives in
``st.session_state["data_plan"]`` between "check" and "confirm": nothing reaches the store
before the user confirms, and a confirm stores the plan only into the state of the store it
was checked against (another session may import in between: the plan is then dropped and
the page says what changed, to check the file again). A removal likewise removes a dataset
only as the list showed it when the button was drawn (``data_remove_seen``): changed since
(re-imported, updated, emptied), nothing is removed and the page says what changed. Both
take the store's import lock and are refused at once while another holds it.

Every upload starts from its own detection: the widgets that describe a file (format,
dataset name, version, access date) are keyed by the upload's identity, so a second file
never inherits the choices made for the first. A report or an error is kept together with
the choices it was made for and shown only while they still hold: change the file or the
format and the stale message goes.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from geo.analysis.duplicates import find_duplicates, hidden
from geo.analysis.filters import apply_filter, filter_mask
from geo.i18n.catalogue import catalog, format_day, format_number, format_timestamp, translate
from geo.io import importers
from geo.io.store import (
    DatasetInfo,
    Store,
    StoreChangedError,
    StoreError,
    StoreState,
    health,
    open_store,
)
from geo.model.countries import country_name, sorted_by_name
from geo.model.events import DEFAULT_LAYERS, LAYERS, RowProblem
from geo.model.filters import EventFilter, from_query_params
from geo.render.charter import md_escape
from geo.ui import WARNING_ICON, access
from geo.ui.store_health import health_text

PLAN_KEY = "data_plan"
PLAN_FOR_KEY = "data_plan_for"  # the choices (file, format, name, ...) the plan was made for
FILE_KEY = "data_file"
ERROR_KEY = "data_error"  # (choices, ImportFileError) of the last failed check
DONE_KEY = "data_done"
STALE_KEY = "data_stale"  # a plan's or a removal's refusal: the store changed (StoreChangedError)
REMOVED_KEY = "data_removed"  # (name, events) of the last removal
# (state, {name: DatasetInfo}) of the datasets' list as drawn: what a removal confirms
REMOVE_SEEN_KEY = "data_remove_seen"
REMOVE_SURE_KEY = "data_remove_sure"
UPLOAD_ROUND_KEY = "data_upload_round"  # a stored file empties the uploader for the next
# Streamlit's server.maxUploadSize (.streamlit/config.toml): only a ceiling, set high so
# that the page itself refuses a file above what this machine can import (page_limit_bytes)
# with a message that names the file and the limit, instead of the uploader's own refusal.
STREAMLIT_UPLOAD_MB = 4096


def page_limit_bytes(available: int | None = None) -> int:
    """The largest file this page imports now: what the machine's available memory allows
    for an upload (held in memory by Streamlit while it is imported,
    :func:`geo.io.importers.max_file_bytes`), at most Streamlit's upload ceiling."""
    return min(importers.max_file_bytes(available, upload=True), STREAMLIT_UPLOAD_MB * 1024**2)


# file id, format, dataset, version, accessed, date order ("" = decided by the file)
Choices = tuple[str, str, str, str, str, str, str]
DATE_ORDER_CHOICES: tuple[str, ...] = ("", *importers.DATE_ORDERS)
# Text encodings offered for a CSV ("": UTF-8, or what its byte-order mark says); cp1252 is
# what Excel writes for "CSV (séparateur: point-virgule)" in French (and Western Europe).
ENCODING_CHOICES: tuple[str, ...] = ("", "cp1252")


def _t(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)


# --- labels (pure) ------------------------------------------------------------------------


def format_label(fmt: str, lang: str) -> str:
    """A source format's name in the reader's language (an unknown one as it is)."""
    key = f"data_format_{fmt}"
    return translate(key, lang) if key in catalog() else fmt


def dataset_label(name: str, lang: str) -> str:
    """A dataset as the reader sees it: the atlas's own events by name, never 'curated'."""
    return translate("data_dataset_curated", lang) if name == "curated" else name


def field_label(column: str, lang: str) -> str:
    """A column of the event model as a readable field name; a source file's own column
    (say ACLED's ``event_date``) is the user's vocabulary and stays as it is."""
    key = f"data_field_{column}"
    return translate(key, lang) if key in catalog() else column


def _code_label(prefix: str, value: object, lang: str) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    key = f"{prefix}{text}"
    return translate(key, lang) if text and key in catalog() else text


def _count_text(value: Any, lang: str) -> str:
    return "" if pd.isna(value) else format_number(int(value), lang)


def _day_text(value: Any, lang: str) -> str:
    """A day (a date, a Timestamp or ISO text) in the reader's format; text that is not a
    day is shown as it is."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value), lang, "medium")
        except ValueError:
            return value
    if isinstance(value, pd.Timestamp | datetime):
        value = value.date()
    return format_day(value, lang, "medium")


def _moment_text(value: str, lang: str) -> str:
    """An ISO moment (a dataset's import time) in the reader's format."""
    try:
        return format_timestamp(datetime.fromisoformat(value), lang)
    except (TypeError, ValueError):
        return value or ""


def _epoch_text(value: Any, lang: str) -> str:
    """A source timestamp (Unix seconds; 0 = none) in the reader's format."""
    if pd.isna(value) or int(value) <= 0:
        return ""
    return format_timestamp(datetime.fromtimestamp(int(value), UTC), lang)


def problems_table(problems: list[RowProblem], lang: str) -> pd.DataFrame:
    """The report's problems with headers, row numbers, model fields and reasons in
    ``lang`` (values quoted from the file as they are)."""
    table = importers.problems_frame(problems).head(5_000)
    table["reason"] = [p.text(lang) for p in problems[: len(table)]]
    table["row"] = [format_number(int(r), lang) for r in table["row"]]
    table["column"] = [field_label(c, lang) for c in table["column"]]
    table.columns = [translate(f"data_col_{c}", lang) for c in table.columns]
    return table


SAMPLE_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "country_iso3",
    "admin1_name",
    "location",
    "category",
    "subtype",
    "actors",
    "fatalities_low",
    "fatalities_high",
    "summary",
)


def events_table(events: pd.DataFrame, columns: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Events of the model for reading: countries named, categories and event types in
    ``lang``, days and numbers in the reader's format, headers as field names."""
    out = pd.DataFrame(index=events.index)
    for col in columns:
        values = events[col]
        if col in ("date", "date_end"):
            out[col] = [_day_text(v, lang) for v in values]
        elif col == "country_iso3":
            out[col] = [country_name(v, lang) if v else "" for v in values]
        elif col == "category":
            out[col] = [_code_label("cat_", v, lang) for v in values]
        elif col == "subtype":
            out[col] = [_code_label("sub_", v, lang) for v in values]
        elif col in ("fatalities_low", "fatalities_high"):
            out[col] = [_count_text(v, lang) for v in values]
        elif col == "timestamp":
            out[col] = [_epoch_text(v, lang) for v in values]
        elif col == "dataset":
            out[col] = [dataset_label(v, lang) for v in values]
        else:
            out[col] = values
    out.columns = [field_label(c, lang) for c in columns]
    return out.reset_index(drop=True)


def datasets_table(datasets: list, lang: str) -> pd.DataFrame:
    """The imported datasets, every value in the reader's language and format."""
    t = _t(lang)
    return pd.DataFrame(
        [
            {
                t("data_col_name"): dataset_label(d.name, lang),
                t("data_col_format"): format_label(d.format, lang),
                t("data_col_count"): format_number(d.count, lang),
                t("data_col_version"): _day_text(d.version, lang)
                if d.format != "ucdp"
                else d.version,
                t("data_col_accessed"): _day_text(d.accessed, lang),
                t("data_col_imported"): _moment_text(d.imported_at, lang),
                t("data_col_attribution"): d.attribution(lang),
            }
            for d in datasets
        ]
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes, '<' and newlines escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return '"' + out.replace("\n", "\\A ") + '"'


def uploader_chrome_css(widget_key: str, lang: str) -> str:
    """CSS that writes Streamlit's drop-zone text (its "Upload" button and its "200MB per
    file • CSV, XLSX" line, which st.file_uploader offers no parameter for) in ``lang``:
    the original text is set to size 0 and the translation drawn in its place."""
    zone = f'.st-key-{widget_key} [data-testid="stFileUploaderDropzone"]'
    targets = (
        (
            f'{zone} > span > button [data-testid="stMarkdownContainer"] p',
            translate("data_upload_button", lang),
            "0.875rem",
        ),
        (
            f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span',
            translate(
                "data_upload_limit", lang, mb=format_number(page_limit_bytes() // 1024**2, lang)
            ),
            "0.75rem",
        ),
    )
    rules = [
        f"{selector} {{font-size: 0;}} {selector}::after {{content: {_css_string(text)};"
        f" font-size: {size};}}"
        for selector, text, size in targets
    ]
    return "<style>" + " ".join(rules) + "</style>"


class Visibility(NamedTuple):
    """Where the events just stored stand against the map's filters."""

    visible: int  # shown by the filters (drawn, or counted when without coordinates)
    hidden_countries: int  # left out by the country filter
    countries: tuple[str, ...]  # ISO3 of those left out
    hidden_dates: int  # in the chosen countries, outside the chosen dates
    hidden_other: int  # left out by layers, event types, actors or fatalities
    not_located: int  # visible ones without coordinates (counted, not drawn)
    hidden_duplicates: int = 0  # passing the filters, but drawn once as another dataset's copy


def visibility(
    events: pd.DataFrame, f: EventFilter, everything: pd.DataFrame | None = None
) -> Visibility:
    """How many of ``events`` the map shows with filter ``f``, and why the others are not
    shown: each hidden event counted once, under the first filter that leaves it out.

    ``everything``: all the app's events (``events`` among them): the events that are the
    same event as another dataset's copy, shown in its place (``f.winner``), are not counted
    as on the map but as duplicates."""
    by_country = apply_filter(
        events, EventFilter(countries=f.countries, include_non_aes_coups=f.include_non_aes_coups)
    )
    by_dates = apply_filter(
        by_country,
        EventFilter(
            date_from=f.date_from,
            date_to=f.date_to,
            countries=f.countries,
            include_non_aes_coups=f.include_non_aes_coups,
        ),
    )
    shown = apply_filter(by_dates, f)
    left_out = events.loc[~events.index.isin(by_country.index), "country_iso3"]
    dups = 0 if everything is None else _hidden_as_duplicates(shown, f, everything)
    return Visibility(
        visible=len(shown) - dups,
        hidden_duplicates=dups,
        hidden_countries=len(left_out),
        countries=tuple(sorted(set(left_out.astype(str)) - {""})),
        hidden_dates=len(by_country) - len(by_dates),
        hidden_other=len(by_dates) - len(shown),
        not_located=int(shown["latitude"].isna().sum()),
    )


def _hidden_as_duplicates(shown: pd.DataFrame, f: EventFilter, everything: pd.DataFrame) -> int:
    """How many of ``shown`` (events passing ``f``) the map leaves out as the copy of an
    event of another dataset (geo.analysis.duplicates), as the map decides it."""
    if shown.empty:
        return 0
    rows = filter_mask(everything, f, once=False)
    codes, names = pd.factorize(everything["dataset"].astype(str))
    out = hidden(find_duplicates(everything), codes, list(names), f.winner, rows)
    keys = pd.MultiIndex.from_frame(shown[["dataset", "id"]].astype(str))
    mine = pd.MultiIndex.from_frame(everything[["dataset", "id"]].astype(str)).isin(keys)
    return int((out & mine).sum())


def visibility_lines(v: Visibility, lang: str) -> list[str]:
    """The sentences that say where the stored events are: on the map, or hidden and why."""
    t = _t(lang)
    lines = [t("data_visible", count=v.visible)]
    if v.hidden_countries:
        names = [country_name(c, lang) for c in sorted_by_name(v.countries, lang)]
        shown = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        lines.append(t("data_hidden_countries", count=v.hidden_countries, countries=shown))
    if v.hidden_dates:
        lines.append(t("data_hidden_dates", count=v.hidden_dates))
    if v.hidden_other:
        lines.append(t("data_hidden_other", count=v.hidden_other))
    if v.hidden_duplicates:
        lines.append(t("data_hidden_duplicates", count=v.hidden_duplicates))
    if v.not_located:
        lines.append(t("data_not_located", count=v.not_located))
    return lines


def map_filter(events: pd.DataFrame) -> EventFilter:
    """The map's filter as it stands in this session: its widgets' values once the map has
    been drawn (they are kept across pages), else the URL's filter over the defaults."""
    start = events["date"].min().date() if len(events) else None
    end = events["date_end"].max().date() if len(events) else None
    defaults = EventFilter(
        date_from=start, date_to=end, layers=DEFAULT_LAYERS, include_non_aes_coups=True
    )
    f = from_query_params(st.query_params.to_dict(), defaults)
    state = st.session_state
    if not state.get("_ev_seeded"):
        return f
    dates = state.get("ev_dates") or (f.date_from, f.date_to)
    return EventFilter(
        date_from=dates[0],
        date_to=dates[1],
        countries=tuple(state.get("ev_countries", f.countries)),
        layers=tuple(
            layer for layer in LAYERS if state.get(f"ev_layers_{layer}", layer in f.layers)
        ),
        subtypes=tuple(state.get("ev_subtypes", f.subtypes)),
        actors=tuple(state.get("ev_actors", f.actors)),
        min_fatalities=int(state.get("ev_min_fat", f.min_fatalities)),
        include_non_aes_coups=bool(state.get("ev_non_aes", f.include_non_aes_coups)),
        disorder_types=tuple(state.get("ev_disorder", f.disorder_types)),
        event_types=tuple(state.get("ev_event_types", f.event_types)),
        sub_event_types=tuple(state.get("ev_sub_event_types", f.sub_event_types)),
        civilian_targeting=str(state.get("ev_civ", f.civilian_targeting)),
    )


# --- the upload -------------------------------------------------------------------------


def disk_name(file_name: str) -> str:
    """The name a private copy of an upload gets on disk: the user's own file name (the
    importers name it in their messages), without folders and within file-system limits."""
    name = Path(file_name.replace("\\", "/")).name.replace("\x00", "")
    suffix = Path(name).suffix.lower()[:6] if Path(name).suffix else ""
    stem = name[: len(name) - len(Path(name).suffix)] if Path(name).suffix else name
    stem = stem.strip().strip(".")[:120] or "upload"
    return stem + (suffix or ".csv")


@contextmanager
def _upload_copy(upload) -> Iterator[Path]:
    """The upload as a private temporary file (streamed, never decoded here) for the
    duration of one step: Streamlit keeps the upload itself, so no copy outlives the step
    (a closed tab or a stopped server leaves nothing behind in the temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="sahel-atlas-upload-") as folder:
        path = Path(folder) / disk_name(upload.name)
        upload.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out, 1024 * 1024)
        yield path


def _discard_file() -> None:
    for key in (FILE_KEY, PLAN_KEY, PLAN_FOR_KEY, ERROR_KEY):
        st.session_state.pop(key, None)


def _discard_plan() -> None:
    st.session_state.pop(PLAN_KEY, None)
    st.session_state.pop(PLAN_FOR_KEY, None)


def show_error(err: importers.ImportFileError, lang: str) -> None:
    t = _t(lang)
    what, where, fix = err.texts(lang)
    lines = [t("data_error"), t("data_error_what", text=what)]
    if where:
        lines.append(t("data_error_where", text=where))
    if fix:
        lines.append(t("data_error_fix", text=fix))
    st.error("\n\n".join(lines), icon=WARNING_ICON)


def _inspect(upload, encoding: str = "") -> dict:
    """What the page knows of a new upload (read as ``encoding``, "" for UTF-8): its
    identity, name, columns, and the error that stops it at once (too large, not a
    readable table)."""
    info: dict = {
        "id": upload.file_id,
        "name": upload.name,
        "columns": (),
        "error": None,
        "encoding": encoding,
    }
    limit = page_limit_bytes()
    if upload.size > limit:
        info["error"] = ("too_large", upload.size, limit)
        return info
    try:
        with _upload_copy(upload) as path:
            info["columns"] = importers.inspect_file(path, encoding or "utf-8").columns
    except importers.ImportFileError as err:
        info["error"] = err
    return info


def upload_section(lang: str, store: Store) -> None:
    t = _t(lang)
    widget = f"data_upload_{st.session_state.get(UPLOAD_ROUND_KEY, 0)}"
    st.html(uploader_chrome_css(widget, lang))
    upload = st.file_uploader(
        t("data_upload"), type=["csv", "txt", "tsv", "xlsx"], key=widget, help=t("data_upload_help")
    )
    if upload is None:
        if FILE_KEY in st.session_state:
            _discard_file()
        return
    current = st.session_state.get(FILE_KEY)
    if current is None or current["id"] != upload.file_id:
        _discard_file()
        current = st.session_state[FILE_KEY] = _inspect(upload)
    error = current["error"]
    if isinstance(error, tuple):
        show_error(
            importers.ImportFileError(
                t(
                    "data_upload_too_large",
                    mb=format_number(error[1] / 1024**2, lang),
                    limit=format_number(error[2] // 1024**2, lang),
                ),
                current["name"],
                t("data_upload_too_large_fix"),
            ),
            lang,
        )
        return
    # The text encoding chosen (its widget is drawn below: with the options, or under the
    # error when the file cannot be read as it is).
    text_file = not upload.name.lower().endswith((".xlsx", ".xlsm"))
    encoding = st.session_state.get(f"data_encoding_{upload.file_id}", "") if text_file else ""
    if encoding != current.get("encoding", ""):
        current = st.session_state[FILE_KEY] = _inspect(upload, encoding)
        error = current["error"]
    if error is not None:
        show_error(error, lang)
        if not current["columns"]:
            if text_file:
                _encoding_choice(upload.file_id, lang)
            return
    detected = importers.detect_format(current["columns"]) if current["columns"] else None
    if detected:
        st.caption(t("data_detected", label=format_label(detected, lang)))
    else:
        st.warning(t("data_not_detected"))
    file_id = current["id"]
    fmt = st.selectbox(
        t("data_format"),
        importers.FORMATS,
        index=importers.FORMATS.index(detected or "acled"),
        format_func=lambda f: format_label(f, lang),
        key=f"data_format_{file_id}",
    )
    cols = st.columns(3)
    dataset = cols[0].text_input(
        t("data_dataset"),
        value="" if fmt == "app" else fmt,
        key=f"data_dataset_{file_id}_{fmt}",
        max_chars=40,
    )
    version = cols[1].text_input(
        t("data_version"),
        value=importers.default_version(fmt, current["name"], date.today()),
        key=f"data_version_{file_id}_{fmt}",
    )
    accessed = cols[2].date_input(
        t("data_accessed"),
        value=date.today(),
        key=f"data_accessed_{file_id}",
        max_value=date.today(),
        format="DD/MM/YYYY" if lang == "fr" else "YYYY/MM/DD",
    )
    date_order = st.selectbox(
        t("data_date_order"),
        DATE_ORDER_CHOICES,
        key=f"data_date_order_{file_id}",
        format_func=lambda o: t(f"data_date_order_{o or 'auto'}"),
        help=t("data_date_order_help"),
    )
    if text_file:
        _encoding_choice(file_id, lang)
    choices: Choices = (
        file_id,
        fmt,
        dataset,
        version,
        accessed.isoformat(),
        date_order,
        encoding,
    )
    # A report or an error made for other choices (another file, another format) is stale.
    if st.session_state.get(PLAN_FOR_KEY, choices) != choices:
        _discard_plan()
    failed = st.session_state.get(ERROR_KEY)
    if failed is not None and failed[0] != choices:
        st.session_state.pop(ERROR_KEY, None)
    if st.button(t("data_validate"), type="primary", key="data_validate"):
        _check(upload, current["name"], choices, store, lang)
    failed = st.session_state.get(ERROR_KEY)
    if failed is not None:
        show_error(failed[1], lang)


def _encoding_choice(file_id: str, lang: str) -> str:
    """The text encoding of a CSV upload ("" for UTF-8 or its byte-order mark)."""
    t = _t(lang)
    return st.selectbox(
        t("data_encoding"),
        ENCODING_CHOICES,
        key=f"data_encoding_{file_id}",
        format_func=lambda e: t(f"data_encoding_{e or 'utf8'}"),
        help=t("data_encoding_help"),
    )


def _check(upload, file_name: str, choices: Choices, store: Store, lang: str) -> None:
    """Run the check of the upload with ``choices``; keep the plan or the error for them."""
    t = _t(lang)
    _, fmt, dataset, version, accessed, date_order, encoding = choices
    bar = st.progress(0.0, text=t("data_checking"))

    def progress(fraction: float, _stage: str) -> None:
        bar.progress(min(fraction, 1.0), text=t("data_checking"))

    try:
        with _upload_copy(upload) as path:
            plan = importers.prepare(
                path,
                fmt=fmt,
                dataset=dataset or None,
                version=version or None,
                accessed=accessed,
                store=store,
                file_name=file_name,
                date_order=date_order or None,
                encoding=encoding or "utf-8",
                progress=progress,
            )
    except importers.ImportFileError as err:
        _discard_plan()
        st.session_state[ERROR_KEY] = (choices, err)
        return
    except StoreError as err:  # the store went bad or read-only since the page was drawn
        _discard_plan()
        st.error(health_text(err.health, lang))
        return
    finally:
        bar.empty()
    st.session_state.pop(ERROR_KEY, None)
    st.session_state[PLAN_KEY] = plan
    st.session_state[PLAN_FOR_KEY] = choices


# --- the report -------------------------------------------------------------------------


def report_section(plan: importers.ImportPlan, lang: str, store: Store) -> None:
    t = _t(lang)
    st.subheader(t("data_report"))
    st.caption(
        " · ".join(
            (plan.file_name, format_label(plan.format, lang), dataset_label(plan.dataset, lang))
        )
    )
    read_as = []
    if plan.sheet:
        read_as.append(t("data_sheet_used", sheet=md_escape(plan.sheet)))  # (Markdown)
    if plan.date_order:
        read_as.append(
            t(f"data_dates_read_{plan.date_order_source}", order=t(f"date_order_{plan.date_order}"))
        )
    if plan.decimal_comma:
        read_as.append(t("data_decimal_comma"))
    if read_as:
        st.caption(" · ".join(read_as))
    # Two rows of four: the file, then what storing it would change (a row of eight
    # truncated counts of a few hundred thousand).
    for metrics in (
        [
            ("data_rows_read", plan.total_rows),
            ("data_accepted", plan.accepted),
            ("data_rejected", len(plan.rejected)),
            ("data_skipped", plan.skipped_rows),
        ],
        [
            ("data_new", plan.count("new")),
            ("data_updates", plan.count("update")),
            ("data_unchanged", plan.count("unchanged")),
            ("data_stale", plan.count("stale")),
        ],
    ):
        for col, (key, value) in zip(st.columns(len(metrics)), metrics, strict=True):
            col.metric(t(key), format_number(value, lang))
    for name, n in plan.elsewhere.items():
        st.warning(t("data_elsewhere", count=n, other=dataset_label(name, lang), name=plan.dataset))
    if plan.skipped:
        st.caption(
            t(
                "data_skipped_note",
                count=plan.skipped_rows,
                types=", ".join(
                    f"{label} ({format_number(n, lang)})" for label, n in plan.skipped.items()
                ),
            )
        )
    if plan.problems:
        st.markdown(f"**{t('data_problems')}**")
        st.dataframe(
            problems_table(plan.problems, lang),
            hide_index=True,
            width="stretch",
            key="data_problems_table",
        )
    else:
        st.success(t("data_no_problems"))
    if len(plan.rejected):
        st.download_button(
            t("data_download_rejected"),
            importers.rejected_csv(plan),
            file_name=f"rejected-{Path(plan.file_name).stem}.csv",
            mime="text/csv",
            key="data_download_rejected",
        )
    updates = plan.status[plan.status == "update"].index
    if len(updates):
        st.markdown(f"**{t('data_updated_rows')}**")
        st.dataframe(
            events_table(
                plan.events[plan.events["id"].isin(updates[:1000])],
                ("id", "date", "location", "fatalities_low", "timestamp"),
                lang,
            ),
            hide_index=True,
            key="data_updated_table",
        )
    if plan.accepted:
        st.markdown(f"**{t('data_sample')}**")
        st.dataframe(
            events_table(plan.sample(), SAMPLE_COLUMNS, lang),
            hide_index=True,
            width="stretch",
            key="data_sample_table",
        )
    st.caption(t("data_attribution", text=plan.attribution(lang)))
    if plan.format == "acled":
        st.info(t("data_acled_notice"))
    to_write = len(plan.to_write)
    left, right = st.columns([3, 1])
    if to_write == 0:
        left.info(t("data_nothing_accepted" if plan.accepted == 0 else "data_nothing_to_store"))
    elif left.button(
        t("data_confirm", count=to_write, name=plan.dataset), type="primary", key="data_confirm"
    ):
        stored = plan.to_write
        try:
            written = store_plan(plan, store, lang)
        except StoreChangedError as err:  # checked against a state that is gone: check again
            st.session_state[STALE_KEY] = err
            _discard_plan()
            st.rerun()
        except StoreError as err:  # a full disk, a read-only folder: nothing was stored
            st.error(health_text(err.health, lang))
            return
        from geo.ui.events import app_events  # after the write: the events with the new ones

        st.session_state[DONE_KEY] = (
            written,
            plan.dataset,
            visibility(stored, map_filter(stored), app_events()[0]),
        )
        _discard_file()
        # The stored file is done: the next upload starts in an empty uploader.
        st.session_state[UPLOAD_ROUND_KEY] = st.session_state.get(UPLOAD_ROUND_KEY, 0) + 1
        st.rerun()
    if right.button(t("data_cancel"), key="data_cancel"):
        _discard_plan()
        st.rerun()


def _refuse_while_importing(store: Store) -> Callable[[], None]:
    """The import lock's ``on_wait`` of a confirm: refuse at once rather than wait behind
    another import, update or removal (a command line may hold the lock for minutes)."""

    def refuse() -> None:
        raise StoreError(health("importing", store.path))

    return refuse


def store_plan(plan: importers.ImportPlan, store: Store, lang: str) -> int:
    """Commit the plan while showing its phases: events written so far (from the store's
    batches), then the update of the map's read cache.

    Under the store's import lock (the one the command line and the remote updates hold
    from check to store; refused with ``importing`` when another holds it), and only
    into the state the plan was checked against (:class:`StoreChangedError` otherwise,
    nothing written)."""
    t = _t(lang)
    if not access.may_change():  # never drawn for a reader; checked again where it writes
        raise PermissionError(t("data_read_only"))
    with store.import_lock(on_wait=_refuse_while_importing(store)):
        return _store_plan(plan, store, lang)


def _store_plan(plan: importers.ImportPlan, store: Store, lang: str) -> int:
    t = _t(lang)
    total = len(plan.to_write)
    with st.status(t("data_writing", count=total, name=plan.dataset), expanded=True) as status:
        bar = st.progress(
            0.0, text=t("data_writing_rows", count=total, done=format_number(0, lang))
        )

        def step(fraction: float, _stage: str) -> None:
            fraction = min(max(fraction, 0.0), 1.0)
            bar.progress(
                fraction,
                text=t(
                    "data_writing_rows",
                    count=total,
                    done=format_number(round(fraction * total), lang),
                ),
            )
            if fraction >= 1.0:
                status.update(label=t("data_writing_cache"))

        written = importers.commit(plan, store, progress=step)
        status.update(state="complete")
    return written


# --- the datasets -----------------------------------------------------------------------


class SeenDatasets(NamedTuple):
    """The datasets' list as it was drawn: the store's state and each dataset then."""

    state: StoreState
    datasets: dict[str, DatasetInfo]


def remove_dataset(store: Store, name: str, seen: SeenDatasets | None, lang: str) -> int:
    """Remove dataset ``name`` as the list ``seen`` showed it; returns the events removed.

    Under the store's import lock (refused at once with ``importing`` while another
    import, update or removal holds it), and only if the dataset is still as it was seen
    (:class:`StoreChangedError` otherwise, nothing removed). Refused for a reader."""
    if not access.may_change():  # never drawn for a reader; checked again where it writes
        raise PermissionError(translate("data_read_only", lang))
    with store.import_lock(on_wait=_refuse_while_importing(store)):
        if seen is None:  # nothing drawn in this session yet: nothing to hold it to
            return store.remove(name)
        return store.remove(name, expected=seen.state, seen=seen.datasets.get(name))


def datasets_section(lang: str, store: Store, can_remove: bool = True) -> None:
    t = _t(lang)
    st.subheader(t("data_datasets"))
    state, datasets = store.state_and_datasets()
    # What the user saw when they clicked: the list drawn by the previous run.
    seen = st.session_state.get(REMOVE_SEEN_KEY)
    st.session_state[REMOVE_SEEN_KEY] = SeenDatasets(state, {d.name: d for d in datasets})
    if not datasets:
        st.caption(t("data_no_datasets"))
        return
    st.dataframe(
        datasets_table(datasets, lang), hide_index=True, width="stretch", key="data_datasets_table"
    )
    if not can_remove:  # a reader: the removal is not drawn, so no request can reach it
        return
    with st.expander(t("data_remove")):
        name = st.selectbox(
            t("data_col_name"),
            [d.name for d in datasets],
            format_func=lambda n: dataset_label(n, lang),
            key="data_remove_name",
        )
        sure = st.checkbox(t("data_remove_confirm"), key=REMOVE_SURE_KEY)
        if st.button(t("data_remove_button"), disabled=not sure, key="data_remove_button"):
            try:
                removed = remove_dataset(store, name, seen, lang)
            except StoreChangedError as err:  # changed since it was shown: look again
                st.session_state[STALE_KEY] = err
                st.session_state.pop(REMOVE_SURE_KEY, None)
                st.rerun()
            except StoreError as err:  # another import running, a full disk: nothing removed
                st.error(health_text(err.health, lang))
                return
            st.session_state[REMOVED_KEY] = (name, removed)
            st.session_state.pop(REMOVE_SURE_KEY, None)
            st.rerun()


def data_page(lang: str) -> None:
    t = _t(lang)
    store = open_store()
    st.markdown(f"#### {t('data_title')}")
    if not access.may_change():  # a team's reader: the datasets, and nothing that changes them
        st.info(t("data_read_only"))
        datasets_section(lang, store, can_remove=False)
        return
    if store.shared:  # the team's PostgreSQL store: named by its address (no password)
        st.caption(t("data_intro_shared", path=md_escape(str(store.path))))
    else:
        st.caption(t("data_intro", path=str(store.directory)))
    st.caption(
        t(
            "data_limits",
            csv_mb=format_number(importers.max_file_bytes() // 1024**2, lang),
            xlsx_mb=format_number(importers.MAX_XLSX_BYTES // 1024**2, lang),
            upload_mb=format_number(page_limit_bytes() // 1024**2, lang),
        )
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        lines = visibility_lines(done[2], lang)
        st.success(
            " ".join([t("data_stored", count=done[0], name=dataset_label(done[1], lang)), lines[0]])
        )
        if len(lines) > 1:
            st.info(" ".join(lines[1:]))
    stale = st.session_state.pop(STALE_KEY, None)
    if stale is not None:  # an import's or a removal's refusal: look (or check) again
        st.error(stale.text(lang), icon=WARNING_ICON)
    removed = st.session_state.pop(REMOVED_KEY, None)
    if removed:
        st.success(t("data_removed", name=dataset_label(removed[0], lang), count=removed[1]))
    upload_section(lang, store)
    plan = st.session_state.get(PLAN_KEY)
    if plan is not None:
        report_section(plan, lang, store)
    from geo.ui.acled_update import remote_update_section

    remote_update_section(lang, store)  # "Update from ACLED" / "Update from UCDP"
    datasets_section(lang, store)
