"""The Map page's time slider: the filtered events played through time, week by week, month by
month or quarter by quarter, in a window or cumulatively (browser half:
``geo/render/mapjs/atlas_time.js``).

Playback runs in the browser, without a rerun per frame: the events layer gets each point's
days once per state of the events (``geo.render.pointlayer.PointDays``) and keeps the points
of the filter's mask whose days overlap the slider's period. The control is part of the base
map (loaded once), so its period survives the reruns that follow widgets. Paused, "Keep as
date filter" sends the period back as a map click does (:func:`period_from_click` reads it;
``geo.ui.map_page`` sets the date filter to it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from geo.i18n.catalogue import translate

JS_SOURCE = Path(__file__).with_name("mapjs") / "atlas_time.js"
PERIOD_KIND = "time-period"
STEPS: tuple[str, ...] = ("week", "month", "quarter")

# The label keys of the control (geo/i18n/locales/render.yaml), by their name in the JS.
LABEL_KEYS: dict[str, str] = {
    "group": "time_group",
    "open": "time_open",
    "close": "time_close",
    "prev": "time_prev",
    "next": "time_next",
    "play": "time_play",
    "pause": "time_pause",
    "step": "time_step",
    "week": "time_week",
    "month": "time_month",
    "quarter": "time_quarter",
    "mode": "time_mode",
    "window": "time_window",
    "cumulative": "time_cumulative",
    "position": "time_position",
    "all": "time_all",
    "keep": "time_keep",
    "allDates": "time_all_dates",
    "noDays": "time_no_days",
    "weekOf": "time_week_of",
    "quarterOf": "time_quarter_of",
    "upTo": "time_up_to",
    "dates": "time_dates",
    "count": "time_count",
}

TIME_CSS = (
    ".atlas-time{background:#fff;padding:4px;font:13px/1.35 sans-serif;color:#000;"
    "max-width:360px}"
    ".atlas-time-open{min-width:250px;padding:6px 8px}"
    ".atlas-time-summary{padding:2px 4px}"
    ".atlas-time [hidden]{display:none}"
    ".atlas-time:focus-visible{outline:3px solid #0072B2;outline-offset:1px}"
    ".atlas-time-period{font-weight:700;font-size:15px}"
    ".atlas-time-dates{color:#333;font-size:12px;min-height:1em}"
    ".atlas-time-counts{font-size:12px;margin:2px 0 4px}"
    ".atlas-time-row{display:flex;gap:4px;align-items:center;flex-wrap:wrap;margin:3px 0}"
    ".atlas-time-button{min-width:30px;height:28px;border:1px solid #767676;border-radius:3px;"
    "background:#fff;color:#000;font:14px/1 sans-serif;cursor:pointer;padding:0 6px}"
    ".atlas-time-button:hover{background:#f0f0f0}"
    ".atlas-time-button:disabled{color:#767676;cursor:default;background:#f7f7f7}"
    ".atlas-time-button[aria-pressed=true]{background:#ffe08a}"
    ".atlas-time-button:focus-visible,.atlas-time-select:focus-visible,"
    ".atlas-time-range:focus-visible{outline:3px solid #0072B2;outline-offset:1px}"
    ".atlas-time-select{height:28px;font:13px sans-serif;color:#000;background:#fff;"
    "border:1px solid #767676;border-radius:3px}"
    ".atlas-time-range{width:100%;margin:2px 0}"
)


def js_source() -> str:
    return JS_SOURCE.read_text(encoding="utf-8")


def labels(lang: str) -> dict[str, str]:
    """The control's texts in ``lang`` (written by the browser as text, never HTML)."""
    return {name: translate(key, lang) for name, key in LABEL_KEYS.items()}


class TimeSlider(MacroElement):
    """The time slider's code and control, added to the Map page's base map."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.source }}"
        "new L.Control.AtlasTime({locale: {{ this.locale|tojson }},"
        " labels: {{ this.labels|tojson }}}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "TimeSlider"
        self.css = TIME_CSS
        self.source = js_source()
        self.locale = "fr-FR" if lang == "fr" else "en-GB"
        self.labels = labels(lang)


def period_from_click(properties: dict[str, Any]) -> tuple[str, date, date] | None:
    """``(nonce, first day, last day)`` of a period the slider sent back ("Keep as date
    filter"), from the clicked feature's properties; None for any other click or a
    malformed one (unreadable dates, first after last)."""
    if properties.get("kind") != PERIOD_KIND:
        return None
    nonce = properties.get("nonce")
    try:
        first = date.fromisoformat(str(properties.get("from")))
        last = date.fromisoformat(str(properties.get("to")))
    except ValueError:
        return None
    if not isinstance(nonce, str) or not nonce or first > last:
        return None
    return nonce, first, last
