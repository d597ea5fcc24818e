/*
 * Sahel Atlas: the time slider of the Map page (geo/render/timeslider.py adds it).
 *
 * Plays the filtered events through time in the browser, with no server rerun per frame:
 * the events layer (L.AtlasPoints, atlas_points.js) holds every point's days and keeps the
 * points of the server's filter mask whose days overlap the period set here
 * (layer.setTimeWindow). The control lives in the base map, which the browser loads once,
 * so its period, step and mode survive the reruns that replace the events layer: each new
 * layer gets the current period before it paints ("atlaspointsready").
 *
 * Periods: a week (Monday to Sunday), a calendar month or a quarter, counted from the first
 * day of the events the filter keeps; "window" draws the period's events, "cumulative"
 * every event from the first day to the period's end. Off ("all dates"), the layer draws
 * what the filter keeps. The period and the counts of what is drawn (by layer) are written
 * on the map, in the control.
 *
 * The control is folded by default (one button, "Time slider": the map stays free); while a
 * period is drawn, its name, dates and counts stay written on the map, folded or not.
 * Keyboard (focus in the control, e.g. Tab to its button): Left/Right (or Down/Up) step,
 * Home/End go to the first or last period, Space or K plays/pauses (buttons and lists keep
 * their own keys), Escape folds it.
 * "Keep as date filter" (paused) sends the period back like a click
 * (layer.sendBack({kind: "time-period", from, to, nonce})): the page sets its date filter
 * to it (geo.ui.map_page), so the sidebar's counts and the panels follow.
 *
 * window.atlasTimeStats = {active, step, mode, index, periods, from, to, label, count,
 * playing} after each change (for the tests).
 */
(function () {
  "use strict";
  if (L.Control.AtlasTime) { return; }

  var DAY_MS = 86400000;

  function utc(day) { return new Date(day * DAY_MS); }
  function dayOf(y, m, d) { return Math.round(Date.UTC(y, m, d) / DAY_MS); }
  function iso(day) { return utc(day).toISOString().slice(0, 10); }

  /* Period k of `step` counted from the one holding day `start`: {from, to} inclusive. */
  function period(step, start, k) {
    if (step === "week") {
      var monday = start - ((start + 3) % 7);  // 1970-01-01 was a Thursday
      return {from: monday + 7 * k, to: monday + 7 * k + 6};
    }
    var first = utc(start), months = step === "quarter" ? 3 : 1;
    var m0 = step === "quarter" ? first.getUTCMonth() - (first.getUTCMonth() % 3)
      : first.getUTCMonth();
    var y = first.getUTCFullYear(), m = m0 + months * k;
    return {from: dayOf(y, m, 1), to: dayOf(y, m + months, 1) - 1};
  }

  /* How many periods of `step` it takes to cover [span.from, span.to]. */
  function periodCount(step, span) {
    var k = 0;
    if (step === "week") {
      return Math.floor((span.to - period(step, span.from, 0).from) / 7) + 1;
    }
    while (period(step, span.from, k).to < span.to) { k++; }
    return k + 1;
  }

  function button(parent, cls, text, label, onClick) {
    var b = L.DomUtil.create("button", "atlas-time-button " + cls, parent);
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    L.DomEvent.on(b, "click", function (e) { L.DomEvent.stop(e); onClick(); });
    return b;
  }

  function choice(parent, cls, label, values, labels) {
    var s = L.DomUtil.create("select", "atlas-time-select " + cls, parent);
    s.setAttribute("aria-label", label);
    s.title = label;
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = labels[v];
      s.appendChild(o);
    });
    return s;
  }

  L.Control.AtlasTime = L.Control.extend({
    options: {position: "bottomleft", locale: "en-GB", intervalMs: 900, labels: {}},

    onAdd: function (map) {
      var t = this.options.labels, self = this;
      this._step = "month";
      this._mode = "window";
      this._index = 0;
      this._active = false;
      this._playing = null;
      this._layer = null;
      this._span = null;
      this._keptSent = false;
      var box = L.DomUtil.create("div", "atlas-time leaflet-bar");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", t.group);
      box.tabIndex = 0;
      this._box = box;
      // Folded by default (one button: the map stays free); the period and the counts stay
      // written on the map while a period is drawn, folded or not.
      this._open = false;
      this._toggleBtn = button(box, "atlas-time-toggle", t.open, t.open, function () {
        self._setOpen(!self._open);
      });
      this._toggleBtn.setAttribute("aria-expanded", "false");
      this._summary = L.DomUtil.create("div", "atlas-time-summary", box);
      this._periodEl = L.DomUtil.create("div", "atlas-time-period", this._summary);
      this._periodEl.setAttribute("aria-live", "polite");
      this._datesEl = L.DomUtil.create("div", "atlas-time-dates", this._summary);
      this._countsEl = L.DomUtil.create("div", "atlas-time-counts", this._summary);
      var panel = L.DomUtil.create("div", "atlas-time-panel", box);
      this._panel = panel;
      panel.id = "atlas-time-panel-" + L.Util.stamp(this);
      this._toggleBtn.setAttribute("aria-controls", panel.id);
      var row = L.DomUtil.create("div", "atlas-time-row", panel);
      this._prev = button(row, "atlas-time-prev", "\u2039", t.prev, function () {
        self._stepBy(-1);
      });
      this._play = button(row, "atlas-time-play", "\u25B6", t.play, function () {
        self._toggle();
      });
      this._next = button(row, "atlas-time-next", "\u203A", t.next, function () {
        self._stepBy(1);
      });
      this._stepSel = choice(row, "atlas-time-step", t.step, ["week", "month", "quarter"],
                             {week: t.week, month: t.month, quarter: t.quarter});
      this._stepSel.value = this._step;
      this._modeSel = choice(row, "atlas-time-mode", t.mode, ["window", "cumulative"],
                             {window: t.window, cumulative: t.cumulative});
      this._range = L.DomUtil.create("input", "atlas-time-range", panel);
      this._range.type = "range";
      this._range.min = "0";
      this._range.step = "1";
      this._range.setAttribute("aria-label", t.position);
      var row2 = L.DomUtil.create("div", "atlas-time-row", panel);
      this._all = button(row2, "atlas-time-all", t.all, t.all, function () {
        self._pause(); self._setActive(false);
      });
      this._keep = button(row2, "atlas-time-keep", t.keep, t.keep, function () {
        self._keepPeriod();
      });
      L.DomEvent.on(this._stepSel, "change", function () {
        var at = self._active ? self._current().from : null;
        self._step = self._stepSel.value;
        self._index = at === null ? 0 : self._indexOfDay(at);
        self._refresh();
      });
      L.DomEvent.on(this._modeSel, "change", function () {
        self._mode = self._modeSel.value; self._refresh();
      });
      L.DomEvent.on(this._range, "input change", function () {
        self._goTo(parseInt(self._range.value, 10));
      });
      L.DomEvent.on(box, "keydown", this._onKey, this);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      map.on("atlaspointsready", this._onReady, this);
      map.on("atlaskept", this._onKept, this);
      map.on("atlaspointsremove", this._onRemoved, this);
      map.eachLayer(function (layer) {
        if (layer instanceof L.AtlasPoints && layer._block) { self._onReady({layer: layer}); }
      });
      this._refresh();
      return box;
    },

    onRemove: function (map) {
      this._pause();
      map.off("atlaspointsready", this._onReady, this);
      map.off("atlaskept", this._onKept, this);
      map.off("atlaspointsremove", this._onRemoved, this);
    },

    _onReady: function (e) {
      // New data or filters: the same period stays drawn (its index may change with the
      // first day of what the filters keep).
      var at = this._active && this._span ? this._current().from : null;
      this._layer = e.layer;
      this._span = e.layer.daySpan();
      if (this._keptSent) {  // the page now filters by the kept period: show it whole
        this._keptSent = false;
        this._active = false;
      }
      if (!this._span) {
        this._active = false;
        this._index = 0;
      } else if (at !== null) {
        this._index = this._indexOfDay(at);
      } else if (this._index >= this._periods()) {
        this._index = this._periods() - 1;
      }
      this._apply();  // before the layer's first paint
      this._counts = e.layer.keptCounts();
      this._refresh();
    },

    _onRemoved: function (e) {
      if (e.layer === this._layer) { this._layer = null; }
    },

    _onKept: function (e) {
      if (e.layer !== this._layer) { return; }
      this._counts = {count: e.count, byLayer: e.byLayer};
      this._writeCounts();
      this._report();
    },

    _periods: function () { return this._span ? periodCount(this._step, this._span) : 0; },

    _indexOfDay: function (day) {
      var n = this._periods();
      for (var k = 0; k < n; k++) {
        if (period(this._step, this._span.from, k).to >= day) { return k; }
      }
      return Math.max(0, n - 1);
    },

    _current: function () { return period(this._step, this._span.from, this._index); },

    /* The days drawn: the period (window) or every day up to its end (cumulative). */
    _window: function () {
      if (!this._active || !this._span) { return null; }
      var p = this._current();
      return this._mode === "cumulative" ? {from: this._span.from, to: p.to} : p;
    },

    _setOpen: function (open) {
      var t = this.options.labels;
      this._open = open;
      this._toggleBtn.setAttribute("aria-expanded", open ? "true" : "false");
      this._toggleBtn.textContent = open ? t.close : t.open;
      this._toggleBtn.setAttribute("aria-label", open ? t.close : t.open);
      this._toggleBtn.title = open ? t.close : t.open;
      this._refresh();
    },

    _setActive: function (on) { this._active = on && !!this._span; this._refresh(); },

    _goTo: function (k) {
      var n = this._periods();
      if (!n) { return; }
      this._index = Math.max(0, Math.min(n - 1, k));
      this._active = true;
      this._refresh();
    },

    _stepBy: function (d) {
      if (!this._span) { return; }
      this._goTo(this._active ? this._index + d : (d > 0 ? 0 : this._periods() - 1));
    },

    _toggle: function () { if (this._playing) { this._pause(); } else { this._start(); } },

    _start: function () {
      if (!this._span) { return; }
      var self = this, n = this._periods();
      if (!this._active || this._index >= n - 1) { this._index = 0; }
      this._active = true;
      this._playing = window.setInterval(function () {
        if (self._index >= self._periods() - 1) { self._pause(); return; }
        self._goTo(self._index + 1);
      }, this.options.intervalMs);
      this._refresh();
    },

    _pause: function () {
      if (this._playing) { window.clearInterval(this._playing); this._playing = null; }
      if (this._box) { this._refresh(); }
    },

    _keepPeriod: function () {
      var win = this._window();
      if (!win || this._playing || !this._layer) { return; }
      var sent = this._layer.sendBack({
        kind: "time-period", from: iso(win.from), to: iso(win.to),
        nonce: String(Date.now()) + ":" + win.from + ":" + win.to
      });
      if (sent) { this._keptSent = true; }
    },

    _onKey: function (e) {
      var tag = (e.target && e.target.tagName) || "", key = e.key;
      var own = tag === "SELECT" || (tag === "INPUT" && /^Arrow|^Home$|^End$|^Page/.test(key));
      if (own) { L.DomEvent.stopPropagation(e); return; }
      var handled = true;
      if (key === "ArrowLeft" || key === "ArrowDown") { this._pause(); this._stepBy(-1); }
      else if (key === "ArrowRight" || key === "ArrowUp") { this._pause(); this._stepBy(1); }
      else if (key === "Home") { this._pause(); this._goTo(0); }
      else if (key === "End") { this._pause(); this._goTo(this._periods() - 1); }
      else if (key === "Escape" && this._open) { this._setOpen(false); this._toggleBtn.focus(); }
      else if ((key === " " || key === "k" || key === "K") && tag !== "BUTTON") { this._toggle(); }
      else { handled = false; }
      if (handled) { L.DomEvent.preventDefault(e); }
      L.DomEvent.stopPropagation(e);  // never pans the map
    },

    _apply: function () {
      if (this._layer && this._layer._map) { this._layer.setTimeWindow(this._window()); }
    },

    _label: function (p) {
      var t = this.options.labels, loc = this.options.locale, d = utc(p.from);
      var name;
      if (this._step === "week") {
        name = t.weekOf.replace("{date}", d.toLocaleDateString(
          loc, {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"}));
      } else if (this._step === "quarter") {
        name = t.quarterOf.replace("{q}", String(Math.floor(d.getUTCMonth() / 3) + 1))
          .replace("{year}", String(d.getUTCFullYear()));
      } else {
        name = d.toLocaleDateString(loc, {month: "long", year: "numeric", timeZone: "UTC"});
      }
      return this._mode === "cumulative" ? t.upTo.replace("{period}", name) : name;
    },

    _dayText: function (day) {
      return utc(day).toLocaleDateString(this.options.locale,
        {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"});
    },

    _refresh: function () {
      var t = this.options.labels, n = this._periods(), win = this._window();
      this._apply();
      var has = n > 0;
      [this._prev, this._play, this._next, this._range, this._all].forEach(function (el) {
        el.disabled = !has;
      });
      this._keep.disabled = !win || !!this._playing;
      this._range.max = String(Math.max(0, n - 1));
      this._range.value = String(this._index);
      var playing = !!this._playing;
      this._play.textContent = playing ? "\u275A\u275A" : "\u25B6";
      this._play.setAttribute("aria-label", playing ? t.pause : t.play);
      this._play.title = playing ? t.pause : t.play;
      this._play.setAttribute("aria-pressed", playing ? "true" : "false");
      this._all.setAttribute("aria-pressed", this._active ? "false" : "true");
      var label = !has ? t.noDays : (win ? this._label(this._current()) : t.allDates);
      this._periodEl.textContent = label;
      this._datesEl.textContent = win
        ? t.dates.replace("{from}", this._dayText(win.from)).replace("{to}", this._dayText(win.to))
        : "";
      this._range.setAttribute("aria-valuetext", label);
      this._label_ = label;
      this._panel.hidden = !this._open;
      this._summary.hidden = !this._open && !win;
      L.DomUtil[this._open ? "addClass" : "removeClass"](this._box, "atlas-time-open");
      this._writeCounts();
      this._report();
    },

    _writeCounts: function () {
      var c = this._counts, t = this.options.labels, loc = this.options.locale;
      if (!c || !this._layer) { this._countsEl.textContent = ""; return; }
      var names = {}, styles = this._layer.options.styles || [];
      styles.forEach(function (s) { names[s.layer] = s.label; });
      var parts = Object.keys(c.byLayer).filter(function (k) { return c.byLayer[k] > 0; })
        .sort(function (a, b) { return c.byLayer[b] - c.byLayer[a]; })
        .map(function (k) { return (names[k] || k) + "\u00a0" + c.byLayer[k].toLocaleString(loc); });
      this._countsEl.textContent = t.count.replace("{n}", c.count.toLocaleString(loc)) +
        (parts.length ? " \u00b7 " + parts.join(" \u00b7 ") : "");
    },

    _report: function () {
      var win = this._window();
      window.atlasTimeStats = {
        active: this._active, step: this._step, mode: this._mode, index: this._index,
        periods: this._periods(), from: win ? iso(win.from) : null, to: win ? iso(win.to) : null,
        open: this._open,
        label: this._label_ || "", count: this._counts ? this._counts.count : null,
        byLayer: this._counts ? this._counts.byLayer : null, playing: !!this._playing
      };
    }
  });
})();
