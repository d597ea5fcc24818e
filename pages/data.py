"""The Data page: import ACLED / UCDP GED / CSV files into the local store, manage datasets."""

from geo import ui
from geo.ui import data as ui_data
from geo.ui.store_health import store_repair_panel

ui.ensure_app_shell()
# A damaged store: what is wrong and its repair, instead of imports that could only fail.
if store_repair_panel(ui.current_language()):
    ui_data.data_page(ui.current_language())
