"""The Data page: import ACLED / UCDP GED / CSV files into the local store, manage datasets."""

from geo import ui
from geo.ui import data as ui_data

ui.ensure_app_shell()
ui_data.data_page(ui.current_language())
