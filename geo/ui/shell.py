"""The app shell on a fresh server's first request: the one place that touches a private
Streamlit attribute (``PagesManager.uses_pages_directory``), checked by
``tests/ui/test_ui_shell.py``.

Why it is needed (Streamlit 1.67.0, ``CHECKED_WITH``): a server starts in the legacy
"pages/ folder" mode when a ``pages/`` directory sits beside the main script, and leaves it
only at the process's first ``st.navigation`` call. The very first request to a deep link
(``/charter``) then runs that page on its own, without dashboard.py's language switch and
layout. No public API turns that mode off (``client.showSidebarNavigation`` only hides the
links; renaming ``pages/`` would change the project's layout), so the page leaves it and
reruns: the rerun goes through dashboard.py, which routes to the requested page.
``dashboard.py``'s server start hook sets the same attribute before the first session, so a
served app never pays that rerun; the page's check stays for runs without the hook (AppTest,
``streamlit run`` of a page file).
"""

from __future__ import annotations

import streamlit as st

CHECKED_WITH = "1.67.0"
"""The Streamlit version whose legacy-mode behaviour this works around (re-check on upgrade:
the test fails when another version is installed)."""


def in_legacy_pages_mode() -> bool:
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def ensure_app_shell() -> None:
    """Run this page inside dashboard.py's navigation, even on a fresh server's first request
    (see the module's docstring)."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
