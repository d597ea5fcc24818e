"""The Data page's "Update from ACLED" and "Update from UCDP" sections.

Each runs :func:`geo.io.remote_sources.update_acled` / ``update_ucdp`` when its button is
pressed, shows the pages and rows fetched with ``st.progress``, then the report as an
import's (kept in ``st.session_state`` for the next reruns). The password and the token
are read from the widget for the one update and handed to the client as
:class:`~geo.io.remote_sources.Secret`; they are never written to the page, the session's
report or the store. Nothing here is pure logic: that lives in :mod:`geo.io.remote_sources`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from geo.i18n.catalogue import format_number, translate
from geo.io import remote_sources as rs
from geo.io.importers.mapping import GLEDITSCH_WARD, ISO_NUMERIC
from geo.io.store import Store, StoreError
from geo.model.countries import country_name
from geo.ui.store_health import health_text

REPORT_KEY = "remote_update_report"  # (source, UpdateReport) of the last update
STOPPED_KEY = "remote_update_stopped"  # (source, what, fix, UpdateReport | None)


def _t(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)


def step_text(step: rs.Step, lang: str) -> str:
    """The progress bar's text for a step of an update."""
    if step.stage == "storing":
        return translate("ru_storing", lang, page=format_number(step.page, lang))
    if step.stage == "deletions":
        return translate("ru_deletions", lang)
    return translate("ru_fetching", lang, count=step.rows, page=format_number(step.page, lang))


def _run(lang: str, source: str, work: Callable[[rs.Progress], rs.UpdateReport]) -> None:
    """Run an update under a progress bar; keep its report or what stopped it."""
    st.session_state.pop(REPORT_KEY, None)
    st.session_state.pop(STOPPED_KEY, None)
    bar = st.progress(0.0, text=translate("ru_fetching", lang, count=0, page="1"))

    def progress(step: rs.Step) -> None:
        bar.progress(step.fraction, text=step_text(step, lang))

    try:
        report = work(progress)
    except rs.RemoteError as err:
        what, fix = err.texts(lang)
        st.session_state[STOPPED_KEY] = (source, what, fix, err.report)
        return
    except StoreError as err:
        st.session_state[STOPPED_KEY] = (source, health_text(err.health, lang), "", None)
        return
    finally:
        bar.empty()
    st.session_state[REPORT_KEY] = (source, report)


def report_view(report: rs.UpdateReport, lang: str) -> None:
    """The report of an update, counted as an import's."""
    from geo.ui.data import problems_table

    t = _t(lang)
    st.markdown(f"**{t('ru_report')}**")
    counts = report.statuses
    for metrics in (
        [
            ("ru_pages", report.pages),
            ("ru_fetched", report.fetched),
            ("data_accepted", report.accepted),
            ("data_rejected", report.rejected),
            ("data_skipped", report.skipped_rows),
        ],
        [
            ("data_new", counts["new"]),
            ("data_updates", counts["update"]),
            ("data_unchanged", counts["unchanged"]),
            ("ru_stored", report.written),
            ("ru_deleted", report.deleted),
        ],
    ):
        for col, (key, value) in zip(st.columns(len(metrics)), metrics, strict=True):
            col.metric(t(key), format_number(value, lang))
    for note in report.notes:
        st.caption(note.text(lang))
    if report.skipped:
        st.caption(
            t(
                "data_skipped_note",
                count=report.skipped_rows,
                types=", ".join(
                    f"{label} ({format_number(n, lang)})" for label, n in report.skipped.items()
                ),
            )
        )
    if report.problems:
        st.markdown(f"**{t('data_problems')}**")
        st.dataframe(
            problems_table(report.problems, lang),
            hide_index=True,
            width="stretch",
            key=f"ru_problems_{report.source}",
        )
    if report.source == "acled":
        st.info(t("data_acled_notice"))


def _outcome(source: str, lang: str) -> None:
    t = _t(lang)
    done = st.session_state.get(REPORT_KEY)
    if done and done[0] == source:
        report = done[1]
        st.success(t("ru_done", count=report.written, name=report.dataset))
        report_view(report, lang)
    stopped = st.session_state.get(STOPPED_KEY)
    if stopped and stopped[0] == source:
        _, what, fix, report = stopped
        st.error(what)
        if fix:
            st.info(fix)
        if report is not None:
            st.warning(t("ru_stopped", count=report.written))
            report_view(report, lang)


@st.cache_resource(show_spinner=False)
def _keyring() -> rs.KeyringState:
    """Whether a keyring can be used, found once per server (finding the backend reads
    every installed package's entry points)."""
    return rs.keyring_state()


def _keyring_caption(state: rs.KeyringState, lang: str) -> None:
    note = rs.keyring_note(state)
    if note is not None:
        st.caption(note.text(lang))


def acled_section(lang: str, store: Store) -> None:
    t = _t(lang)
    keyring = _keyring()
    with st.expander(t("ru_title")):
        st.caption(t("ru_intro"))
        _keyring_caption(keyring, lang)
        user = st.text_input(
            t("ru_username"), value=os.environ.get(rs.ACLED_USERNAME_ENV, ""), key="ru_acled_user"
        )
        known = rs.acled_credentials(user, keyring=keyring)
        if known is not None and known.origin == "environment":
            st.caption(t("ru_from_environment", user=known.username))
        elif known is not None and known.origin == "keyring":
            st.caption(t("ru_from_keyring", user=known.username))
        password = st.text_input(
            t("ru_password"), type="password", help=t("ru_password_help"), key="ru_acled_password"
        )
        save = st.checkbox(t("ru_save_keyring"), disabled=not keyring.usable, key="ru_acled_save")
        options = list(ISO_NUMERIC)
        isos = st.multiselect(
            t("ru_countries"),
            options,
            default=list(rs.AES_ISO),
            format_func=lambda n: country_name(ISO_NUMERIC[n], lang),
            key="ru_acled_countries",
        )
        since = st.date_input(t("ru_since"), value=None, key="ru_acled_since")
        dataset = st.text_input(t("ru_dataset"), value="acled", key="ru_acled_dataset")
        if st.button(t("ru_button"), type="primary", key="ru_acled_button"):
            secret = rs.Secret(password) if password else None
            credentials = rs.acled_credentials(user, secret, keyring=keyring)
            if credentials is None:
                st.session_state.pop(REPORT_KEY, None)
                st.session_state[STOPPED_KEY] = (
                    "acled",
                    t("ru_err_no_credentials"),
                    t("ru_fix_no_credentials"),
                    None,
                )
            else:
                if save and secret:
                    rs.keyring_set("acled", credentials.username, secret, keyring)
                _run(
                    lang,
                    "acled",
                    lambda progress: rs.update_acled(
                        store,
                        rs.AcledApi(credentials),
                        dataset=dataset,
                        isos=tuple(isos),
                        since=since.isoformat() if since else None,
                        progress=progress,
                    ),
                )
        _outcome("acled", lang)


def ucdp_section(lang: str, store: Store) -> None:
    t = _t(lang)
    keyring = _keyring()
    with st.expander(t("ru_ucdp_title")):
        st.caption(t("ru_ucdp_intro"))
        _keyring_caption(keyring, lang)
        if rs.ucdp_token(keyring=keyring):
            st.caption(t("ru_ucdp_token_found"))
        token = st.text_input(
            t("ru_ucdp_token"), type="password", help=t("ru_ucdp_token_help"), key="ru_ucdp_token"
        )
        save = st.checkbox(t("ru_save_keyring"), disabled=not keyring.usable, key="ru_ucdp_save")
        version = st.text_input(t("ru_ucdp_version"), value="", key="ru_ucdp_version")
        codes = st.multiselect(
            t("ru_countries"),
            list(GLEDITSCH_WARD),
            default=list(rs.AES_GW),
            format_func=lambda n: country_name(GLEDITSCH_WARD[n], lang),
            key="ru_ucdp_countries",
        )
        since = st.date_input(t("ru_since"), value=None, key="ru_ucdp_since")
        dataset = st.text_input(t("ru_dataset"), value="ucdp", key="ru_ucdp_dataset")
        if st.button(t("ru_ucdp_button"), type="primary", key="ru_ucdp_button"):
            secret = rs.ucdp_token(rs.Secret(token) if token else None, keyring=keyring)
            if secret is None:
                st.session_state.pop(REPORT_KEY, None)
                st.session_state[STOPPED_KEY] = (
                    "ucdp",
                    t("ru_err_no_token"),
                    t("ru_fix_no_token"),
                    None,
                )
            else:
                if save and token:
                    rs.keyring_set("ucdp", rs.UCDP_KEYRING_USER, secret, keyring)
                _run(
                    lang,
                    "ucdp",
                    lambda progress: rs.update_ucdp(
                        store,
                        rs.UcdpApi(secret),
                        version,
                        dataset=dataset,
                        countries=tuple(codes) or rs.AES_GW,
                        since=since.isoformat() if since else None,
                        progress=progress,
                    ),
                )
        _outcome("ucdp", lang)


def remote_update_section(lang: str, store: Store) -> None:
    """Both update sections (called by :func:`geo.ui.data.data_page`)."""
    acled_section(lang, store)
    ucdp_section(lang, store)
