/*
 * Sahel Atlas: the base map's own tools, loaded once with the base map (geo/render/maptools.py).
 *
 *  - L.AtlasTownLabels: town names from the gazetteer (data/places, GeoNames), one layer of
 *    plain DOM labels in their own pane. Each row says from which zoom it is shown
 *    (capitals always, big towns from zoom 6, ...); rows come most important first, and a
 *    label that would overlap one already placed is skipped, so the map never shows a pile
 *    of names. Names are written with textContent: never parsed as HTML.
 *  - L.Control.AtlasFullscreen: a button that shows the map over the whole screen (the
 *    Fullscreen API on the map's frame; where the browser refuses it, the frame is laid over
 *    the page instead). Escape leaves either form.
 *  - L.Control.AtlasMeasure: a distance tool. While it is on, each click on the map adds a
 *    point (Enter adds the point under the centre cross, for the keyboard) and the
 *    geodesic length of the line (WGS 84 ellipsoid, Vincenty's inverse formula) is shown;
 *    Escape stops, "Clear" removes the line. While measuring, a transparent sheet over the
 *    map takes the clicks, so they neither select a region nor rerun the app; dragging the
 *    map still pans it.
 *  - atlasGoTo(map, nonce, view): moves the map once per nonce (a place search result); a
 *    later rerun that re-sends the same layers does not move the map again.
 *
 * Labels of the controls come from the server in the page's language.
 */
(function () {
  "use strict";
  if (window.L && L.AtlasTownLabels) { return; }

  /* ---- town labels ----------------------------------------------------------------- */

  var TOWN_FONT = "12px sans-serif";
  var CAPITAL_FONT = "600 12px sans-serif";
  var measureContext = null;

  function textWidth(text, font) {
    if (!measureContext) { measureContext = document.createElement("canvas").getContext("2d"); }
    measureContext.font = font;
    return measureContext.measureText(text).width;
  }

  function overlaps(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var other = boxes[i];
      if (box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3]) {
        return true;
      }
    }
    return false;
  }

  L.AtlasTownLabels = L.Layer.extend({
    options: {pane: "atlasTowns", maxLabels: 250, gap: 3},

    initialize: function (data, options) {
      L.setOptions(this, options);
      this._rows = (data && data.rows) || [];
    },

    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        // above the boundaries and the events (a town under a bubble stays readable; the
        // pane lets every click through to the events), below markers and tooltips
        pane.style.zIndex = 460;
        pane.style.pointerEvents = "none";
      }
      this._box = L.DomUtil.create("div", "atlas-towns", map.getPane(this.options.pane));
      map.on("zoomstart", this._hide, this);
      map.on("moveend resize", this._draw, this);
      this._draw();
    },

    onRemove: function (map) {
      map.off("zoomstart", this._hide, this);
      map.off("moveend resize", this._draw, this);
      L.DomUtil.remove(this._box);
    },

    _hide: function () { this._box.style.display = "none"; },

    _draw: function () {
      var map = this._map, zoom = map.getZoom(), view = map.getBounds().pad(0.05);
      var placed = [], shown = [], fragment = document.createDocumentFragment();
      var gap = this.options.gap;
      for (var i = 0; i < this._rows.length && shown.length < this.options.maxLabels; i++) {
        var row = this._rows[i];  // [lat, lon, name, first zoom, capital]
        if (row[3] > zoom || !view.contains([row[0], row[1]])) { continue; }
        var capital = row[4] === 1;
        var at = map.latLngToLayerPoint([row[0], row[1]]);
        var width = textWidth(row[2], capital ? CAPITAL_FONT : TOWN_FONT);
        var box = [at.x - 4 - gap, at.y - 9 - gap, at.x + 8 + width + gap, at.y + 9 + gap];
        if (overlaps(box, placed)) { continue; }
        placed.push(box);
        var label = document.createElement("div");
        label.className = capital ? "atlas-town atlas-capital" : "atlas-town";
        var dot = document.createElement("span");
        dot.className = "atlas-town-dot";
        var name = document.createElement("span");
        name.className = "atlas-town-name";
        name.textContent = row[2];
        label.appendChild(dot);
        label.appendChild(name);
        L.DomUtil.setPosition(label, at);
        fragment.appendChild(label);
        shown.push(row[2]);
      }
      this._box.textContent = "";
      this._box.appendChild(fragment);
      this._box.style.display = "";
      window.atlasTownStats = {zoom: zoom, shown: shown};
    }
  });

  /* ---- shared button helper -------------------------------------------------------- */

  function button(parent, className, text, label, onClick, context) {
    var el = L.DomUtil.create("button", "atlas-tool-button " + className, parent);
    el.type = "button";
    el.textContent = text;
    el.title = label;
    el.setAttribute("aria-label", label);
    L.DomEvent.on(el, "click", function (e) { L.DomEvent.stop(e); onClick.call(context); });
    return el;
  }

  function appWindow() {
    try {
      if (window.parent !== window && window.frameElement && window.parent.document) {
        return window.parent;
      }
    } catch (e) { /* another origin: the map's own frame only */ }
    return null;
  }

  /* ---- fullscreen ------------------------------------------------------------------ */

  L.Control.AtlasFullscreen = L.Control.extend({
    options: {position: "topleft", labels: {enter: "Full screen", exit: "Leave full screen"}},

    onAdd: function (map) {
      var bar = L.DomUtil.create("div", "leaflet-bar atlas-tool atlas-fullscreen");
      L.DomEvent.disableClickPropagation(bar);
      this._button = button(bar, "atlas-fullscreen-button", "",
                            this.options.labels.enter, this.toggle, this);
      this._map = map;
      this._on = false;
      this._pseudo = false;
      var app = appWindow(), self = this;
      this._onChange = function () { self._sync(); };
      document.addEventListener("fullscreenchange", this._onChange);
      if (app) { app.document.addEventListener("fullscreenchange", this._onChange); }
      this._onKey = function (e) {
        if (e.key === "Escape" && self._pseudo) { self._leave(); }
      };
      document.addEventListener("keydown", this._onKey);
      if (app) { app.document.addEventListener("keydown", this._onKey); }
      return bar;
    },

    _target: function () { return window.frameElement || this._map.getContainer(); },

    _fullscreenElement: function () {
      var app = appWindow();
      return document.fullscreenElement || (app && app.document.fullscreenElement) || null;
    },

    toggle: function () {
      if (this._on) { this._leave(); } else { this._enter(); }
    },

    _enter: function () {
      var target = this._target(), self = this;
      var request = target.requestFullscreen ? target.requestFullscreen() : null;
      if (request && request.then) {
        request.then(function () { self._sync(); }, function () { self._pseudoEnter(); });
      } else {
        this._pseudoEnter();
      }
    },

    _leave: function () {
      if (this._pseudo) { this._pseudoLeave(); return; }
      var doc = this._fullscreenElement() && this._fullscreenElement().ownerDocument;
      if (doc && doc.exitFullscreen) { doc.exitFullscreen(); }
    },

    _pseudoEnter: function () {
      var frame = window.frameElement;
      this._pseudo = true;
      if (frame) {
        this._frameStyle = frame.getAttribute("style") || "";
        frame.style.cssText += ";position:fixed;inset:0;width:100vw;height:100vh;" +
          "z-index:1000000;background:#fff";
      }
      this._sync();
    },

    _pseudoLeave: function () {
      var frame = window.frameElement;
      this._pseudo = false;
      if (frame) { frame.setAttribute("style", this._frameStyle || ""); }
      this._sync();
    },

    _sync: function () {
      var on = this._pseudo || !!this._fullscreenElement();
      var box = this._map.getContainer();
      if (on && !this._on) { this._height = box.style.height; box.style.height = "100vh"; }
      if (!on && this._on) { box.style.height = this._height || ""; }
      this._on = on;
      L.DomUtil[on ? "addClass" : "removeClass"](box, "atlas-is-fullscreen");
      var label = on ? this.options.labels.exit : this.options.labels.enter;
      this._button.title = label;
      this._button.setAttribute("aria-label", label);
      this._button.setAttribute("aria-pressed", on ? "true" : "false");
      var map = this._map;
      window.setTimeout(function () { map.invalidateSize(); }, 50);
    }
  });

  /* ---- geodesic distance ----------------------------------------------------------- */

  // Vincenty's inverse formula on the WGS 84 ellipsoid, in metres; the great circle
  // (haversine, mean radius) when it does not converge (nearly antipodal points).
  function geodesicMetres(a, b) {
    var A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F);
    var rad = Math.PI / 180;
    var L1 = (b.lng - a.lng) * rad;
    var U1 = Math.atan((1 - F) * Math.tan(a.lat * rad));
    var U2 = Math.atan((1 - F) * Math.tan(b.lat * rad));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L1, previous, iterations = 0;
    var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    do {
      var sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt(Math.pow(cosU2 * sinLambda, 2) +
                           Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosLambda, 2));
      if (sinSigma === 0) { return 0; }  // the same point
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      var sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha : 0;
      var C = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      previous = lambda;
      lambda = L1 + (1 - C) * F * sinAlpha * (sigma + C * sinSigma *
               (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    } while (Math.abs(lambda - previous) > 1e-12 && ++iterations < 200);
    if (iterations >= 200) { return L.CRS.Earth.distance(a, b); }
    var uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    var bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var deltaSigma = bigB * sinSigma * (cos2SigmaM + bigB / 4 *
      (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - bigB / 6 * cos2SigmaM *
       (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return B * bigA * (sigma - deltaSigma);
  }
  L.atlasGeodesicMetres = geodesicMetres;

  /* ---- distance tool --------------------------------------------------------------- */

  L.Control.AtlasMeasure = L.Control.extend({
    options: {
      position: "topleft", locale: "en", color: "#000000",
      labels: {start: "Measure a distance", stop: "Stop measuring", clear: "Clear",
               hint: "Click points on the map (Enter: the centre). Escape stops.",
               total: "Distance", unit: "km"}
    },

    onAdd: function (map) {
      var labels = this.options.labels;
      var bar = L.DomUtil.create("div", "leaflet-bar atlas-tool atlas-measure");
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.disableScrollPropagation(bar);
      this._startButton = button(bar, "atlas-measure-button", "", labels.start,
                                 this.toggle, this);
      this._startButton.setAttribute("aria-pressed", "false");
      this._clearButton = button(bar, "atlas-measure-clear", "\u2715", labels.clear,
                                 this.clear, this);
      this._output = L.DomUtil.create("div", "atlas-measure-output", bar);
      this._output.setAttribute("role", "status");
      this._output.setAttribute("aria-live", "polite");
      this._map = map;
      this._points = [];
      this._active = false;
      this._shapes = L.layerGroup().addTo(map);
      this._format = new Intl.NumberFormat(this.options.locale, {maximumFractionDigits: 1,
                                                                  minimumFractionDigits: 1});
      var self = this;
      this._onKey = function (e) {
        if (!self._active) { return; }
        if (e.key === "Escape") { self.stop(); e.preventDefault(); }
        else if (e.key === "Enter" && document.activeElement === map.getContainer()) {
          self._add(map.getCenter());
          e.preventDefault();
        }
      };
      document.addEventListener("keydown", this._onKey);
      var app = appWindow();
      if (app) { app.document.addEventListener("keydown", this._onKey); }
      this._show();
      return bar;
    },

    toggle: function () { if (this._active) { this.stop(); } else { this.start(); } },

    start: function () {
      var map = this._map, self = this;
      this.clear();
      this._active = true;
      var sheet = L.DomUtil.create("div", "atlas-measure-sheet", map.getContainer());
      var downAt = null;
      L.DomEvent.on(sheet, "mousedown", function (e) { downAt = [e.clientX, e.clientY]; });
      L.DomEvent.on(sheet, "click", function (e) {
        L.DomEvent.stop(e);
        if (downAt && Math.abs(e.clientX - downAt[0]) + Math.abs(e.clientY - downAt[1]) > 5) {
          return;  // the end of a drag (a pan), not a point
        }
        self._add(map.mouseEventToLatLng(e));
      });
      L.DomEvent.on(sheet, "dblclick", L.DomEvent.stop);
      this._sheet = sheet;
      L.DomUtil.addClass(map.getContainer(), "atlas-measuring");
      this._startButton.setAttribute("aria-pressed", "true");
      this._startButton.title = this.options.labels.stop;
      this._startButton.setAttribute("aria-label", this.options.labels.stop);
      map.getContainer().focus({preventScroll: true});
      this._show();
    },

    stop: function () {
      if (!this._active) { return; }
      this._active = false;
      L.DomUtil.remove(this._sheet);
      this._sheet = null;
      L.DomUtil.removeClass(this._map.getContainer(), "atlas-measuring");
      this._startButton.setAttribute("aria-pressed", "false");
      this._startButton.title = this.options.labels.start;
      this._startButton.setAttribute("aria-label", this.options.labels.start);
      this._show();
    },

    clear: function () {
      this._points = [];
      this._shapes.clearLayers();
      this._show();
    },

    _add: function (latlng) {
      this._points.push(latlng);
      this._shapes.clearLayers();
      var style = {color: this.options.color, weight: 3, dashArray: "6 4", interactive: false};
      if (this._points.length > 1) { L.polyline(this._points, style).addTo(this._shapes); }
      for (var i = 0; i < this._points.length; i++) {
        L.circleMarker(this._points[i], {radius: 4, color: this.options.color, weight: 2,
                                         fillColor: "#ffffff", fillOpacity: 1,
                                         interactive: false}).addTo(this._shapes);
      }
      this._show();
    },

    km: function () {
      var metres = 0;
      for (var i = 1; i < this._points.length; i++) {
        metres += geodesicMetres(this._points[i - 1], this._points[i]);
      }
      return metres / 1000;
    },

    _show: function () {
      var labels = this.options.labels, km = this.km();
      if (this._points.length > 1) {
        this._output.textContent = labels.total + ": " + this._format.format(km) + " " +
                                   labels.unit;
      } else {
        this._output.textContent = this._active ? labels.hint : "";
      }
      this._output.style.display = this._output.textContent ? "" : "none";
      window.atlasMeasure = {active: this._active, points: this._points.length, km: km};
    }
  });

  /* ---- one-shot moves ---------------------------------------------------------------- */

  window.atlasGoTo = function (map, nonce, view) {
    var done = window.__atlasGoneTo = window.__atlasGoneTo || {};
    if (done[nonce]) { return; }
    done[nonce] = true;
    if (view.bounds) {
      map.fitBounds(view.bounds, {maxZoom: view.maxZoom || 9, animate: false});
    } else {
      map.setView(view.center, view.zoom, {animate: false});
    }
  };
})();
