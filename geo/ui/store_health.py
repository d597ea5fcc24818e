"""The store's health in the app: a banner when the store of imported events cannot be
read, and the repair on the Data page (:meth:`geo.io.store.Store.repair`).

A damaged store never takes a page down: :func:`geo.ui.events.app_events` falls back to
the curated events and calls :func:`store_banner`; the Data page calls
:func:`store_repair_panel` first and shows its import and dataset sections only when the
store can be used.
"""

from __future__ import annotations

import streamlit as st

from geo.i18n.catalogue import translate
from geo.io import snapshot
from geo.io.store import RepairResult, Store, StoreError, StoreHealth, open_store
from geo.ui import DONE_ICON, WARNING_ICON, current_language, markdown_text

DONE_KEY = "store_repaired"
DATA_PAGE = "pages/data.py"


def _t(lang: str):
    return lambda key, **params: translate(key, lang, **params)


def health_text(state: StoreHealth, lang: str) -> str:
    """What is wrong and where the file is, in ``lang``, safe for Markdown."""
    return translate(
        f"store_kind_{state.kind}",
        lang,
        path=markdown_text(str(state.path)),
        detail=markdown_text(state.detail),
    )


def _in_cached_function() -> bool:
    """True while a Streamlit cached function runs (it would record the banner and show it
    again on every cache hit)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            in_cached_function,
        )
    except ImportError:  # another Streamlit version: show it, at worst twice
        return False
    return bool(in_cached_function.get())


def store_banner(state: StoreHealth, lang: str | None = None) -> None:
    """Say that the imported events cannot be shown, why, where the file is, and where to
    repair it (on any page that shows events). The shared store is the team's database,
    which the atlas never repairs: it says so, and that the database cannot be reached
    when the server does not answer."""
    if _in_cached_function():
        return
    lang = lang or current_language()
    t = _t(lang)
    if open_store().shared:  # the team's database: nothing for the atlas to repair
        title = (
            "store_shared_unreachable_title"
            if state.kind == "unreachable"
            else ("store_damaged_title")
        )
        st.error(
            f"**{t(title)}**\n\n{health_text(state, lang)}\n\n{t('store_shared_curated_shown')}",
            icon=WARNING_ICON,
        )
        st.caption(t("store_shared_hint"))
        return
    st.error(
        f"**{t('store_damaged_title')}**\n\n{health_text(state, lang)}\n\n"
        f"{t('store_curated_shown')}",
        icon=WARNING_ICON,
    )
    try:
        st.page_link(DATA_PAGE, label=t("store_repair_on_data"), icon=":material/build:")
    except Exception:  # noqa: BLE001 - a page run outside the app's navigation (tests)
        st.caption(t("store_cli_hint"))


def store_repair_panel(lang: str, store: Store | None = None) -> bool:
    """On the Data page: the result of a repair just made, or, when the store cannot be
    used, what is wrong and a button that repairs it. True when the page can go on (the
    store is fine or does not exist yet)."""
    t = _t(lang)
    store = store or open_store()
    done: RepairResult | None = st.session_state.pop(DONE_KEY, None)
    if done is not None:
        kept = markdown_text(done.moved[0].name) if done.moved else ""
        if done.action == "rebuilt":
            st.success(t("store_repaired_rebuilt", count=done.events, kept=kept), icon=DONE_ICON)
        elif done.action == "new":
            st.success(t("store_repaired_new", kept=kept), icon=DONE_ICON)
    state = store.health()
    if state.kind in ("ok", "missing"):
        return True
    if not state.repairable:  # locked, read-only: nothing the app may change
        st.markdown(f"#### {t('data_title')}")
        st.warning(health_text(state, lang), icon=WARNING_ICON)
        return False
    plan = store.repair_plan()
    if plan.action == "refused":  # the shared store: its server keeps its data, not the app
        st.markdown(f"#### {t('data_title')}")
        st.warning(health_text(plan.health, lang), icon=WARNING_ICON)
        return False
    st.markdown(f"#### {t('data_title')}")
    st.error(
        f"**{t('store_damaged_title')}**\n\n{health_text(plan.health, lang)}\n\n"
        f"{t('store_curated_shown')}",
        icon=WARNING_ICON,
    )
    if plan.action == "rebuild" and plan.cache is not None:
        name = snapshot.path_for(store.directory, plan.cache.generation).name
        st.info(t("store_repair_from_cache", file=markdown_text(name), count=plan.events))
    else:
        st.info(t("store_repair_new"))
    if st.button(t("store_repair_button"), type="primary", key="store_repair"):
        try:
            result = store.repair()
        except StoreError as err:
            st.error(t("store_repair_failed", message=health_text(err.health, lang)))
            return False
        st.session_state[DONE_KEY] = result
        st.rerun()
    st.caption(t("store_cli_hint"))
    return False
