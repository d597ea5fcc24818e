"""The Help page: what each layer, zone and measure means, a glossary with its sources, and
the data's coverage and limits (content: data/help/help.yaml)."""

import streamlit as st

from geo import ui
from geo.ui import help as ui_help

ui.ensure_app_shell()

lang = ui.current_language()
t = ui.translator(lang)
st.title(t("help_title"))
st.caption(t("help_intro"))
content = ui_help.content_or_error(lang)
if content is not None:
    st.markdown(ui_help.contents_markdown(content, lang))
    ui_help.sections(content, lang)
    ui_help.glossary(content, lang)
