/*
 * Sahel Atlas: the density of the filtered events, in hexagons of a fixed size on screen.
 *
 * L.AtlasDensity reads the events layer's block and mask (L.AtlasPoints.load: the same
 * downloads and caches, geo/render/pointlayer.py describes them) and bins the kept events
 * into pointy-top hexagons laid on the world's pixel grid at the current zoom: one pass of
 * typed arrays per zoom (and mask; a filter change brings a new layer), none per pan, which
 * only repaints the hexagons in view. Each hexagon is coloured by its events per
 * `perKm2` km², its true ground area at its latitude (geo/render/densitylayer.py computes it
 * the same way): the fixed class bounds `bounds`, colours and labels `classes`.
 *
 * When the map holds the events layer of the same block and mask, the hexagons count what
 * that layer keeps (its mask and the time slider's period, keptFlags()), rebinned on each
 * "atlaskept" event: a step of the time slider changes the hexagons without a rerun.
 *
 * From `resolveZoom` on it draws nothing (the events layer, given minZoom, draws each event).
 * A legend control (bottom right, compact, foldable) gives the classes, the hexagons' size at
 * the map's centre, and the zoom where the events appear.
 *
 * The hexagons take no click: a click on the map opens what lies under it (a region's panel)
 * as in the events view, and a double-click zooms in (Leaflet's own). Under the mouse a
 * tooltip below the cursor gives the hexagon's count and density (the region's own tooltip
 * stays above it). By keyboard, the legend's "hexagons" button browses the hexagons in view:
 * the arrow keys move to the nearest hexagon that way, Enter zooms in on it by two levels,
 * Escape gives the keys back to the map; a polite live line says the count and class.
 *
 * After each paint, window.atlasDensityStats = {paints, bins (rebinnings), hexes (in the
 * whole binned world), drawn (hexes painted), counted (events binned), byClass, zoom,
 * resolved, binMs, paintMs, token, maskToken}.
 */
(function () {
  "use strict";
  if (L.AtlasDensity) { return; }

  var SQRT3 = Math.sqrt(3);
  var EARTH_M = 2 * Math.PI * 6378137;
  var KEY_ROW = 4194304;  // 2^22: hexagon key = (row) * KEY_ROW + (column + KEY_ROW / 2)

  function stats(update) {
    var s = window.atlasDensityStats || {paints: 0, bins: 0};
    for (var k in update) { s[k] = update[k]; }
    window.atlasDensityStats = s;
  }

  /* The key of the pointy-top hexagon of radius r holding world pixel (px, py): its axial
     coordinates, rounded through cube coordinates. */
  function hexKey(px, py, r) {
    var qf = (SQRT3 / 3 * px - py / 3) / r, rf = (2 / 3 * py) / r, sf = -qf - rf;
    var q = Math.round(qf), rr = Math.round(rf), s = Math.round(sf);
    var dq = Math.abs(q - qf), dr = Math.abs(rr - rf), ds = Math.abs(s - sf);
    if (dq > dr && dq > ds) { q = -rr - s; } else if (dr > ds) { rr = -q - s; }
    return rr * KEY_ROW + (q + KEY_ROW / 2);
  }

  function latOfWorldY(y, world) {
    return (2 * Math.atan(Math.exp(Math.PI * (1 - 2 * y / world))) - Math.PI / 2) * 180 / Math.PI;
  }

  /* km² of a hexagon of radius r px centred at world pixel row y0 (world px wide world):
     its width at each slice times the ground size of a pixel there, squared. */
  function hexAreaKm2(y0, r, world, slices) {
    var step = 2 * r / slices, total = 0;
    for (var k = 0; k < slices; k++) {
      var v = -r + (k + 0.5) * step;
      var width = Math.abs(v) <= r / 2 ? SQRT3 * r : 2 * SQRT3 * (r - Math.abs(v));
      var m = EARTH_M * Math.cos(latOfWorldY(y0 + v, world) * Math.PI / 180) / world;
      total += width * step * m * m;
    }
    return total / 1e6;
  }

  L.AtlasDensity = L.AtlasCanvas.extend({  // atlas_points.js
    options: {
      pane: "atlasDensity", paneZ: 445, padding: 0.5, className: "atlas-density",
      radius: 14, resolveZoom: 9,
      areaSlices: 16, perKm2: 1000, bounds: [], classes: [], locale: "en-GB",
      title: "", sizeLabel: "", resolveLabel: "", resolvedLabel: "", hexLabel: "{n}",
      hexLabelOne: "{n}", browseHexOne: "{n}",
      boundLabels: [], browseLabel: "", browseHelp: "", browseHex: "{n}", browseNone: "",
      browseEdge: "", foldLabel: "", unfoldLabel: "",
      token: "", data: null, url: null, maskToken: null, mask: null, maskUrl: null
    },

    initialize: function (options) {
      L.Renderer.prototype.initialize.call(this, options);
      this._block = null;
      this._mask = null;
      this._bins = null;
      this._flags = null;
      this._source = null;
      this._hover = null;
      this._browsing = false;
      this._current = null;  // the browsed hexagon: {zoom, key}
      this._folded = false;
    },

    onAdd: function (map) {
      this._painted = null;
      L.Renderer.prototype.onAdd.call(this, map);
      this._tip = L.tooltip({direction: "bottom", offset: [0, 14], className: "atlas-density-tip"});
      // The container's own DOM events: the map's "mousemove" stops at a region that takes
      // the hover, and its "mouseout" also bubbles from each region.
      L.DomEvent.on(map.getContainer(), "mousemove", this._onMouseMove, this);
      L.DomEvent.on(map.getContainer(), "mouseleave", this._hideTip, this);
      this._legend = this._makeLegend().addTo(map);
      map.on("moveend", this._updateLegend, this);
      map.on("atlaskept", this._onKept, this);
      var self = this;
      L.AtlasPoints.load(this.options).then(function (parts) {
        if (self._source) { return; }  // the events layer's kept set came first
        self._block = parts.block;
        self._mask = parts.mask;
        self._bins = null;
        self._painted = null;
        if (self._map) { self._update(); self._updateLegend(); }
      });
      map.eachLayer(function (layer) {  // an events layer that already has its block
        if (layer instanceof L.AtlasPoints && layer._block) { self._onKept({layer: layer}); }
      });
    },

    /* The events layer of the same block and mask kept another set (a new period): bin
       what it keeps. */
    _onKept: function (e) {
      var layer = e.layer, o = this.options;
      if (!layer || layer.options.token !== o.token
          || (layer.options.maskToken || null) !== (o.maskToken || null) || !layer._block) {
        return;
      }
      this._source = layer;
      this._block = layer._block;
      this._mask = null;
      this._flags = layer.keptFlags();
      this._bins = null;
      this._painted = null;
      if (this._map) { this._update(); this._updateLegend(); }
    },

    onRemove: function (map) {
      L.DomEvent.off(map.getContainer(), "mousemove", this._onMouseMove, this);
      L.DomEvent.off(map.getContainer(), "mouseleave", this._hideTip, this);
      this._hideTip();
      if (this._legend) { this._legend.remove(); this._legend = null; }
      map.off("moveend", this._updateLegend, this);
      map.off("atlaskept", this._onKept, this);
      this._source = null;
      L.Renderer.prototype.onRemove.call(this, map);
    },

    /* The kept events counted per hexagon at `zoom`: keys, counts, rows and columns in
       typed arrays, and a Map from key to hexagon for hit tests. */
    _bin: function (zoom) {
      var t0 = window.performance.now();
      var block = this._block, n = block.n, wx = block.wx, wy = block.wy;
      var bits = this._mask ? this._mask.bits : null, flags = this._flags || null;
      var scale = Math.pow(2, zoom), r = this.options.radius;
      var index = new Map(), rows = [], cols = [], counts = [], counted = 0;
      for (var i = 0; i < n; i++) {
        if (flags !== null && !flags[i]) { continue; }
        if (bits !== null && !((bits[i >> 3] >> (i & 7)) & 1)) { continue; }
        var key = hexKey(wx[i] * scale, wy[i] * scale, r);
        var at = index.get(key);
        if (at === undefined) {
          at = counts.length; index.set(key, at);
          var rr = Math.floor(key / KEY_ROW);
          rows.push(rr); cols.push(key - rr * KEY_ROW - KEY_ROW / 2); counts.push(0);
        }
        counts[at]++; counted++;
      }
      var m = counts.length, world = 256 * scale;
      var cx = new Float64Array(m), cy = new Float64Array(m), density = new Float64Array(m);
      var cls = new Uint8Array(m), areas = new Map(), bounds = this.options.bounds;
      for (var k = 0; k < m; k++) {
        cx[k] = r * SQRT3 * (cols[k] + rows[k] / 2);
        cy[k] = r * 1.5 * rows[k];
        var area = areas.get(rows[k]);  // one area per row of hexagons
        if (area === undefined) {
          area = hexAreaKm2(cy[k], r, world, this.options.areaSlices);
          areas.set(rows[k], area);
        }
        density[k] = counts[k] / area * this.options.perKm2;
        var c = 0;
        while (c < bounds.length && density[k] >= bounds[c]) { c++; }
        cls[k] = c;
      }
      var s0 = window.atlasDensityStats || {};
      stats({bins: (s0.bins || 0) + 1, binMs: window.performance.now() - t0, hexes: m,
             counted: counted});
      return {zoom: zoom, index: index, counts: Int32Array.from(counts), cx: cx, cy: cy,
              density: density, cls: cls, areas: areas, rows: Int32Array.from(rows),
              cols: Int32Array.from(cols)};
    },

    _paint: function () {
      var t0 = window.performance.now();
      var ctx = this._ctx, b = this._bounds, map = this._map, zoom = map.getZoom();
      ctx.setTransform(this._ratio, 0, 0, this._ratio, -b.min.x * this._ratio,
                       -b.min.y * this._ratio);
      ctx.clearRect(b.min.x, b.min.y, b.max.x - b.min.x, b.max.y - b.min.y);
      var resolved = zoom >= this.options.resolveZoom;
      if (!this._block || resolved) {
        this._drawnZoom = null;
        stats({paints: ((window.atlasDensityStats || {}).paints || 0) + 1, drawn: 0,
               zoom: zoom, resolved: resolved, byClass: [], paintMs: 0,
               token: this.options.token, maskToken: this.options.maskToken || null});
        if (this._browsing) { this._reselect(); }
        return;
      }
      if (!this._bins || this._bins.zoom !== zoom) { this._bins = this._bin(zoom); }
      var bins = this._bins, origin = map.getPixelOrigin(), r = this.options.radius;
      var classes = this.options.classes, byClass = [], drawn = 0;
      var minX = b.min.x - r, maxX = b.max.x + r, minY = b.min.y - r, maxY = b.max.y + r;
      var sprites = this._sprites(), half = sprites.half;
      for (var c = 0; c < classes.length; c++) { byClass.push(0); }
      // One stamp per hexagon (a canvas drawn once per class): thousands of hexagons cost
      // a few milliseconds, where as many polygon paths cost a tenth of a second.
      for (var k = 0; k < bins.cls.length; k++) {
        var x = bins.cx[k] - origin.x, y = bins.cy[k] - origin.y;
        if (x < minX || x > maxX || y < minY || y > maxY) { continue; }
        ctx.drawImage(sprites.canvases[bins.cls[k]], x - half, y - half, 2 * half, 2 * half);
        byClass[bins.cls[k]]++;
        drawn++;
      }
      this._drawnZoom = zoom;
      if (this._browsing) { this._reselect(); }
      var at = this._currentIndex();
      if (at !== null) {  // the browsed hexagon: a dark outline inside a white one
        this._hexPath(ctx, bins.cx[at] - origin.x, bins.cy[at] - origin.y, r);
        ctx.lineWidth = 4; ctx.strokeStyle = "#fff"; ctx.stroke();
        ctx.lineWidth = 2; ctx.strokeStyle = "#000"; ctx.stroke();
      }
      stats({paints: ((window.atlasDensityStats || {}).paints || 0) + 1, drawn: drawn,
             zoom: zoom, resolved: false, byClass: byClass,
             paintMs: window.performance.now() - t0,
             token: this.options.token, maskToken: this.options.maskToken || null,
             current: at});
    },

    _hexPath: function (g, x, y, r) {
      g.beginPath();
      for (var j = 0; j < 6; j++) {
        var a = Math.PI / 180 * (60 * j - 30);
        if (j === 0) { g.moveTo(x + r * Math.cos(a), y + r * Math.sin(a)); }
        else { g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); }
      }
      g.closePath();
    },

    /* A canvas per class holding one hexagon (fill and outline), at the screen's pixel
       ratio, kept for the layer's life. */
    _sprites: function () {
      var ratio = this._ratio || 1;
      if (this._spriteSet && this._spriteSet.ratio === ratio) { return this._spriteSet; }
      var r = this.options.radius, half = r + 1, classes = this.options.classes;
      var canvases = [];
      for (var c = 0; c < classes.length; c++) {
        var canvas = document.createElement("canvas");
        canvas.width = canvas.height = Math.ceil(2 * half * ratio);
        var g = canvas.getContext("2d");
        g.setTransform(ratio, 0, 0, ratio, half * ratio, half * ratio);
        this._hexPath(g, 0, 0, r);
        g.globalAlpha = 0.8; g.fillStyle = classes[c].colour; g.fill();
        g.globalAlpha = 1; g.lineWidth = 0.6; g.strokeStyle = "rgba(0, 0, 0, 0.35)"; g.stroke();
        canvases.push(canvas);
      }
      this._spriteSet = {ratio: ratio, half: half, canvases: canvases};
      return this._spriteSet;
    },

    /* The hexagon under layer point p ({index, count, density, area, centre}), or null. */
    _hexAt: function (p) {
      var bins = this._bins, map = this._map;
      if (!bins || !map || this._drawnZoom !== map.getZoom() || bins.zoom !== map.getZoom()) {
        return null;
      }
      var origin = map.getPixelOrigin(), r = this.options.radius;
      var at = bins.index.get(hexKey(p.x + origin.x, p.y + origin.y, r));
      return at === undefined ? null : this._hex(at);
    },

    _hex: function (at) {
      var bins = this._bins, map = this._map;
      return {index: at, count: bins.counts[at], density: bins.density[at], cls: bins.cls[at],
              area: bins.areas.get(bins.rows[at]),
              centre: map.unproject([bins.cx[at], bins.cy[at]], bins.zoom)};
    },

    _text: function (text) {
      var el = document.createElement("span");
      el.textContent = text;
      return el;
    },

    _number: function (value, digits) {
      return value.toLocaleString(this.options.locale, {maximumFractionDigits: digits});
    },

    /* `template` (or its singular form `one` for a single event) with the hexagon's
       numbers. */
    _fill: function (template, one, hex) {
      return (hex.count === 1 ? one : template)
        .replace("{n}", hex.count.toLocaleString(this.options.locale))
        .replace("{d}", this._number(hex.density, hex.density < 10 ? 2 : 0))
        .replace("{cls}", this.options.classes[hex.cls].label);
    },

    /* The mouse's hexagon in a tooltip of its own (the map's canvas gives clicks and the
       hover to the regions under it). */
    _onMouseMove: function (e) {
      var map = this._map;
      if (!map) { return; }
      // Over the map itself, not over one of its controls (such as the legend).
      var onControl = e.target && e.target.closest && e.target.closest(".leaflet-control");
      var hex = onControl ? null : this._hexAt(map.mouseEventToLayerPoint(e));
      if (!hex) { this._hideTip(); return; }
      if (hex.index !== this._hover) {
        this._hover = hex.index;
        var o = this.options;
        this._tip.setContent(this._text(this._fill(o.hexLabel, o.hexLabelOne, hex)));
      }
      this._tip.setLatLng(map.mouseEventToLatLng(e));
      if (!this._map.hasLayer(this._tip)) { this._tip.addTo(this._map); }
    },

    _hideTip: function () {
      this._hover = null;
      if (this._tip && this._map && this._map.hasLayer(this._tip)) {
        this._map.removeLayer(this._tip);
      }
    },

    // --- browsing by keyboard ----------------------------------------------------------

    /* Indices of the hexagons whose centre is in view, in reading order (rows from the
       top, each from the left): the live line's "hexagon i of m". */
    _inView: function () {
      var bins = this._bins, map = this._map, out = [];
      if (!bins || this._drawnZoom !== map.getZoom()) { return out; }
      var origin = map.getPixelOrigin(), size = map.getSize();
      var b = L.bounds(map.containerPointToLayerPoint([0, 0]),
                       map.containerPointToLayerPoint(size));
      for (var k = 0; k < bins.cls.length; k++) {
        var x = bins.cx[k] - origin.x, y = bins.cy[k] - origin.y;
        if (x >= b.min.x && x <= b.max.x && y >= b.min.y && y <= b.max.y) { out.push(k); }
      }
      return out.sort(function (i, j) { return bins.cy[i] - bins.cy[j] || bins.cx[i] - bins.cx[j]; });
    },

    _currentIndex: function () {
      var cur = this._current, bins = this._bins;
      if (!cur || !bins || cur.zoom !== bins.zoom) { return null; }
      var at = bins.index.get(cur.key);
      return at === undefined ? null : at;
    },

    _keyOf: function (at) {
      return this._bins.rows[at] * KEY_ROW + (this._bins.cols[at] + KEY_ROW / 2);
    },

    /* While browsing: keep the browsed hexagon if it is still in view at this zoom, else
       take the one nearest the map's centre, and say it. */
    _reselect: function () {
      var at = this._currentIndex(), view = this._inView();
      if (at !== null && view.indexOf(at) >= 0) { return; }
      if (!view.length) {
        this._current = null;
        this._say(this._map.getZoom() >= this.options.resolveZoom
          ? this.options.resolvedLabel : this.options.browseNone);
        return;
      }
      var centre = this._map.project(this._map.getCenter(), this._bins.zoom), best = null;
      var bins = this._bins, bestD = Infinity;
      for (var i = 0; i < view.length; i++) {
        var dx = bins.cx[view[i]] - centre.x, dy = bins.cy[view[i]] - centre.y;
        if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = view[i]; }
      }
      this._select(best, view);
    },

    _select: function (at, view) {
      this._current = {zoom: this._bins.zoom, key: this._keyOf(at)};
      var hex = this._hex(at);
      this._say(this._fill(this.options.browseHex, this.options.browseHexOne, hex)
        .replace("{i}", (view.indexOf(at) + 1).toLocaleString(this.options.locale))
        .replace("{m}", view.length.toLocaleString(this.options.locale)));
    },

    _say: function (text) {
      if (this._live) {
        this._live.textContent = text;
        this._live.style.padding = text ? "4px 7px" : "0";
        this._live.style.boxShadow = text ? "0 1px 5px rgba(0,0,0,.4)" : "none";
        this._live.style.background = text ? "#fff" : "transparent";
      }
      stats({said: text});
    },

    _startBrowse: function () {
      this._browsing = true;
      this._current = null;
      if (!this._map) { return; }
      if (!this._bins || this._drawnZoom !== this._map.getZoom()) {
        this._say(this._map.getZoom() >= this.options.resolveZoom
          ? this.options.resolvedLabel : this.options.browseNone);
        return;
      }
      this._reselect();
      this._repaint();
    },

    _stopBrowse: function () {
      this._browsing = false;
      this._current = null;
      this._say("");
      this._repaint();
    },

    _repaint: function () {
      if (this._map && this._ctx && this._bounds) { this._paint(); }
    },

    /* The nearest hexagon in view in direction (ux, uy) from the browsed one: within about
       50 degrees of that direction, the nearest counting the offset from it twice. */
    _move: function (ux, uy) {
      var from = this._currentIndex(), view = this._inView(), bins = this._bins;
      if (from === null) { this._reselect(); this._repaint(); return; }
      var best = null, bestScore = Infinity;
      for (var i = 0; i < view.length; i++) {
        var k = view[i];
        if (k === from) { continue; }
        var dx = bins.cx[k] - bins.cx[from], dy = bins.cy[k] - bins.cy[from];
        var along = dx * ux + dy * uy, across = Math.abs(dx * uy - dy * ux);
        if (along <= 0 || across > 1.2 * along) { continue; }
        var score = Math.sqrt(dx * dx + dy * dy) * (1 + across / along);
        if (score < bestScore) { bestScore = score; best = k; }
      }
      if (best === null) { this._say(this.options.browseEdge); return; }
      this._select(best, view);
      this._repaint();
    },

    _zoomIn: function () {
      var at = this._currentIndex();
      if (at === null) { return; }
      var zoom = Math.min(this._map.getZoom() + 2, this.options.resolveZoom);
      this._current = null;  // the next paint, at the new zoom, takes the centre's hexagon
      this._map.setView(this._hex(at).centre, zoom);
    },

    _onBrowseKey: function (e) {
      var moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
      if (moves[e.key]) { this._move(moves[e.key][0], moves[e.key][1]); }
      else if (e.key === "Enter" || e.key === " ") { this._zoomIn(); }
      else if (e.key === "Escape") { this._stopBrowse(); this._map.getContainer().focus(); }
      else { return; }
      L.DomEvent.stop(e);  // not the map's keys (the arrows would pan it)
    },

    /* The legend: a title and a fold button, a ramp of the classes with their bounds under
       it (each class also named for screen readers), the hexagons' size at the map's
       centre, where the events appear, and the browse button with its live line. Compact,
       so that at the default view it leaves southern Niger visible. Text only
       (textContent). */
    _makeLegend: function () {
      var self = this, o = this.options;
      var control = L.control({position: "bottomright"});
      control.onAdd = function () {
        var box = L.DomUtil.create("div", "atlas-density-legend leaflet-bar");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", o.title);
        box.style.cssText = "background:#fff;padding:5px 7px;font:11px/1.3 sans-serif;"
          + "color:#222;width:" + (o.classes.length * 24) + "px";
        var head = L.DomUtil.create("div", "atlas-density-head", box);
        head.style.cssText = "display:flex;align-items:center;gap:4px";
        var title = L.DomUtil.create("div", "atlas-density-title", head);
        title.style.cssText = "font-weight:600;flex:1";
        title.textContent = o.title;
        var fold = L.DomUtil.create("button", "atlas-density-fold", head);
        fold.type = "button";
        fold.style.cssText = "border:1px solid #999;background:#f4f4f4;border-radius:3px;"
          + "font:12px/1 sans-serif;padding:1px 5px;cursor:pointer";
        var body = L.DomUtil.create("div", "atlas-density-body", box);
        body.id = "atlas-density-body-" + L.Util.stamp(self);
        fold.setAttribute("aria-controls", body.id);
        var list = L.DomUtil.create("div", "atlas-density-classes", body);
        list.setAttribute("role", "list");
        list.style.cssText = "display:flex;margin-top:3px";
        for (var c = 0; c < o.classes.length; c++) {
          var swatch = L.DomUtil.create("span", "atlas-density-class", list);
          swatch.setAttribute("role", "listitem");
          swatch.setAttribute("aria-label", o.classes[c].label);
          swatch.title = o.classes[c].label;
          swatch.style.cssText = "flex:1;height:10px;opacity:.8;border:1px solid rgba(0,0,0,.35);"
            + "border-left-width:" + (c ? 0 : 1) + "px;background:" + o.classes[c].colour;
        }
        var ticks = L.DomUtil.create("div", "atlas-density-bounds", body);
        ticks.setAttribute("aria-hidden", "true");
        ticks.style.cssText = "position:relative;height:13px;font-size:10px;color:#444";
        for (var j = 0; j < o.boundLabels.length; j++) {
          var tick = L.DomUtil.create("span", "", ticks);
          tick.textContent = o.boundLabels[j];
          tick.style.cssText = "position:absolute;transform:translateX(-50%);left:"
            + (100 * (j + 1) / o.classes.length) + "%";
        }
        self._sizeLine = L.DomUtil.create("div", "atlas-density-size", body);
        self._zoomLine = L.DomUtil.create("div", "atlas-density-zoom", body);
        var browse = L.DomUtil.create("button", "atlas-density-browse", body);
        browse.type = "button";
        browse.textContent = o.browseLabel;
        browse.title = o.browseHelp;
        browse.style.cssText = "margin-top:3px;border:1px solid #999;background:#f4f4f4;"
          + "border-radius:3px;font:11px/1.2 sans-serif;padding:2px 6px;cursor:pointer";
        var help = L.DomUtil.create("span", "atlas-density-browse-help", body);
        help.id = "atlas-density-help-" + L.Util.stamp(self);
        help.textContent = o.browseHelp;
        help.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;"
          + "clip:rect(0 0 0 0);white-space:nowrap";
        browse.setAttribute("aria-describedby", help.id);
        // Above the legend, out of its flow: a change of its text does not move the
        // legend's buttons (a click must land where it was aimed).
        self._live = L.DomUtil.create("div", "atlas-density-live", box);
        self._live.setAttribute("aria-live", "polite");
        self._live.style.cssText = "position:absolute;right:0;bottom:100%;margin-bottom:4px;"
          + "width:100%;box-sizing:border-box;font-weight:600;border-radius:4px";
        self._say("");
        L.DomEvent.on(browse, "focus", self._startBrowse, self);
        L.DomEvent.on(browse, "blur", self._stopBrowse, self);
        L.DomEvent.on(browse, "keydown", self._onBrowseKey, self);
        L.DomEvent.on(browse, "click", function (e) {
          L.DomEvent.stop(e);
          browse.focus();
          if (!self._browsing) { self._startBrowse(); }
        });
        L.DomEvent.on(fold, "click", function (e) { L.DomEvent.stop(e); self._setFolded(!self._folded); });
        self._fold = fold;
        self._body = body;
        self._classList = list;
        self._setFolded(self._folded);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      return control;
    },

    _setFolded: function (folded) {
      var o = this.options;
      this._folded = folded;
      this._body.style.display = folded ? "none" : "";
      this._fold.textContent = folded ? "+" : "\u2212";
      this._fold.setAttribute("aria-expanded", folded ? "false" : "true");
      this._fold.setAttribute("aria-label", folded ? o.unfoldLabel : o.foldLabel);
      this._fold.title = folded ? o.unfoldLabel : o.foldLabel;
    },

    _updateLegend: function () {
      var map = this._map, o = this.options;
      if (!map || !this._sizeLine) { return; }
      var zoom = map.getZoom(), resolved = zoom >= o.resolveZoom;
      var lat = map.getCenter().lat, world = 256 * Math.pow(2, zoom);
      var metres = EARTH_M * Math.cos(lat * Math.PI / 180) / world;
      var y = map.project([lat, map.getCenter().lng], zoom).y;
      var km = SQRT3 * o.radius * metres / 1000;
      var area = hexAreaKm2(y, o.radius, world, o.areaSlices);
      this._classList.style.display = resolved ? "none" : "flex";
      this._classList.nextSibling.style.display = resolved ? "none" : "";
      this._sizeLine.style.display = resolved ? "none" : "";
      this._sizeLine.textContent = o.sizeLabel
        .replace("{km}", this._number(km, km < 10 ? 1 : 0))
        .replace("{area}", this._number(area, area < 10 ? 1 : 0));
      this._zoomLine.textContent = resolved ? o.resolvedLabel : o.resolveLabel;
      stats({legendKm: km, legendAreaKm2: area});
    }
  });

  L.atlasDensity = function (options) { return new L.AtlasDensity(options); };
})();
