/*
 * Sahel Atlas: every event of a view drawn as its own mark on one canvas, from typed arrays.
 *
 * Why not one Leaflet layer per event: at 200,000 events, building a GeoJSON layer with a
 * circle marker and a tooltip per event takes seconds on the server and in the browser and
 * tens of megabytes of page. Here the server sends a compact binary block (geo/render/pointlayer.py
 * writes it, the layout is described there), the browser projects each point once per zoom
 * and paints all visible points in a few canvas paths.
 *
 * Two Leaflet layers work together:
 *  - L.AtlasPoints (a Renderer: it owns a canvas in its own pane above the overlays, with
 *    pointer-events off, and follows pans and zoom animations like Leaflet's own canvas);
 *  - a HitArea path registered with the map's default canvas renderer, so that clicks and
 *    hovers are dispatched by Leaflet itself: the top-most layer under the mouse wins, so an
 *    event above a region gets the click, and a click beside every event reaches the region.
 *
 * A click on events fires "click" on the HitArea with `e.layer.toGeoJSON()` describing the
 * hits ({kind: "event-hits", token, hits: [indices, top-most first]}), which is what
 * streamlit-folium sends back to the server; the server maps indices to events with the same
 * order it encoded (the token names that order).
 *
 * Optional grouping (`cluster: true`): below `clusterMaxZoom`, points closer than
 * `clusterRadius` pixels are drawn as one bubble with their count; a click on a bubble zooms
 * in; from `clusterMaxZoom` on, every event is drawn on its own.
 *
 * The block holds every located event of the data (fetched once per token); which of them
 * the filters keep comes as a mask of one bit per point (`maskToken` with `mask` inline or
 * `maskUrl`), so a filter change fetches n / 8 bytes, not a new block.
 *
 * Time (the time slider, geo/render/mapjs/atlas_time.js): with `daysToken` and `days` inline
 * or `daysUrl` (gzip), the layer reads each point's first day and length (ATD1, see
 * pointlayer.py) once per token; setTimeWindow({from, to}) (days since 1970-01-01,
 * inclusive; null: every date) then keeps the points of the mask whose days overlap it.
 * What is kept (mask and window) is one set, for this layer and any other reading the same
 * block (e.g. a density view): layer.keptIndices() (Int32Array of block indices),
 * layer.keptFlags() (Uint8Array, 1 = kept, or null: every point), layer.keptCounts()
 * ({count, byLayer}), and the map event "atlaskept" {layer, count, byLayer} fired whenever
 * that set changes (new data, mask or window). The map event "atlaspointsready" {layer}
 * fires once a layer has its block (and days): layer.daySpan() then gives the first and last
 * day of the points the mask keeps (null without days).
 *
 * After each paint, window.atlasPointStats = {paints, drawn, drawnByLayer, bubbles, total
 * (points the mask keeps), blockSize, token, maskToken, lastPaint} (used by the tests and the
 * benchmark); `kept` counts the view changes that needed no paint (the view stayed inside
 * the canvas painted last).
 */
(function () {
  "use strict";
  if (L.AtlasPoints) { return; }

  var MAGIC = "ATP1";
  var MASK_MAGIC = "ATM1";
  var DAYS_MAGIC = "ATD1";
  var NO_DAY = 65535;
  var HEADER_BYTES = 8;
  var CELL_PX = 32;           // hit-test grid cell: larger than any mark's reach
  var TAU = 2 * Math.PI;

  function decodeBase64(text) {
    var raw = window.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  /* The block's arrays (no copy) and each point's Web-Mercator position at zoom 0. */
  function readBlock(buffer) {
    var head = new Uint8Array(buffer, 0, HEADER_BYTES);
    var magic = String.fromCharCode(head[0], head[1], head[2], head[3]);
    if (magic !== MAGIC) { throw new Error("atlas points: not an ATP1 block"); }
    var n = new DataView(buffer).getUint32(4, true);
    var lat = new Float32Array(buffer, HEADER_BYTES, n);
    var lng = new Float32Array(buffer, HEADER_BYTES + 4 * n, n);
    var radius = new Uint8Array(buffer, HEADER_BYTES + 8 * n, n);
    var style = new Uint8Array(buffer, HEADER_BYTES + 9 * n, n);
    var wx = new Float64Array(n), wy = new Float64Array(n);
    var maxLat = 85.0511287798;
    for (var i = 0; i < n; i++) {
      var phi = Math.max(Math.min(lat[i], maxLat), -maxLat) * Math.PI / 180;
      wx[i] = 256 * (0.5 + lng[i] / 360);
      wy[i] = 256 * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / TAU);
    }
    return {n: n, lat: lat, lng: lng, radius: radius, style: style, wx: wx, wy: wy};
  }

  var cache = {};  // token -> block, so a rerun that keeps the same events decodes nothing
  var masks = {};  // mask token -> mask
  var pending = {};  // token -> the block's download started by L.AtlasPoints.prefetch
  var dayBlocks = {};  // days token -> days
  var loading = {};  // token -> the block or mask being read (shared by L.AtlasPoints.load)

  /* The bytes at `url`; `encoding` "gzip": the server sent them compressed once per state of
     the events (cheaper than compressing them for every page), inflated here. */
  function fetched(url, encoding) {
    return window.fetch(url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error("atlas points: HTTP " + r.status); }
      if (encoding !== "gzip") { return r.arrayBuffer(); }
      if (typeof window.DecompressionStream !== "function") {
        throw new Error("atlas points: this browser cannot inflate the events (gzip)");
      }
      return new Response(r.body.pipeThrough(new window.DecompressionStream("gzip")))
        .arrayBuffer();
    });
  }

  function blockBytes(o) {
    if (o.data) { return Promise.resolve(decodeBase64(o.data)); }
    var started = pending[o.token];
    delete pending[o.token];
    return started || fetched(o.url, o.encoding);
  }

  /* An ATM1 mask: one bit per point of the block (point i: bit i % 8 of byte i / 8). */
  function readMask(buffer) {
    var head = new Uint8Array(buffer, 0, HEADER_BYTES);
    var magic = String.fromCharCode(head[0], head[1], head[2], head[3]);
    if (magic !== MASK_MAGIC) { throw new Error("atlas points: not an ATM1 mask"); }
    var n = new DataView(buffer).getUint32(4, true);
    var bits = new Uint8Array(buffer, HEADER_BYTES, (n + 7) >> 3), count = 0;
    for (var i = 0; i < n; i++) { count += (bits[i >> 3] >> (i & 7)) & 1; }
    return {n: n, bits: bits, count: count};
  }

  /* An ATD1 block: each point's first day (since 1970-01-01, 65535: none) and length. */
  function readDays(buffer) {
    var head = new Uint8Array(buffer, 0, HEADER_BYTES);
    var magic = String.fromCharCode(head[0], head[1], head[2], head[3]);
    if (magic !== DAYS_MAGIC) { throw new Error("atlas points: not an ATD1 block"); }
    var n = new DataView(buffer).getUint32(4, true);
    return {n: n, first: new Uint16Array(buffer, HEADER_BYTES, n),
            length: new Uint16Array(buffer, HEADER_BYTES + 2 * n, n)};
  }

  function stats(update) {
    var s = window.atlasPointStats || {paints: 0, drawn: 0, total: 0, token: null,
                                       lastPaint: 0};
    for (var k in update) { s[k] = update[k]; }
    window.atlasPointStats = s;
  }

  var HitArea = L.Path.extend({
    options: {interactive: true, bubblingMouseEvents: false, stroke: false, fill: false},
    // No _pxBounds: the canvas renderer then never redraws for this path (it draws nothing).
    initialize: function (owner) { this._owner = owner; },
    _project: function () {},
    _update: function () {},
    _updatePath: function () {},
    _empty: function () { return true; },
    _containsPoint: function (p) { return this._owner._hitsAt(p).length > 0; }
  });

  /* A canvas in a pane of its own (`pane`, z-index `paneZ`, no pointer events) that
     paints itself with `_paint` (given this._ctx, this._bounds and this._ratio) when the
     view leaves the canvas painted last: the base of L.AtlasPoints and of L.AtlasDensity
     (atlas_density.js). `_onStillPainted` is called when a view change needs no paint. */
  L.AtlasCanvas = L.Renderer.extend({
    options: {pane: "atlasCanvas", paneZ: 450, padding: 0.5, className: "atlas-canvas"},

    beforeAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = this.options.paneZ;
        pane.style.pointerEvents = "none";
      }
    },

    _initContainer: function () {
      this._container = document.createElement("canvas");
      this._container.className = this.options.className;
      this._ctx = this._container.getContext("2d");
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },

    _updatePaths: function () {},

    // A view change during a zoom animation is painted once the animation has ended.
    _onZoomEnd: function () {
      L.Renderer.prototype._onZoomEnd.call(this);
      if (this._pending) { this._pending = false; this._update(); }
    },

    _update: function () {
      if (!this._map) { return; }
      if (this._map._animatingZoom && this._bounds) { this._pending = true; return; }
      if (this._stillPainted()) { this._onStillPainted(); return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._container, b.min);
      this._container.width = Math.round(ratio * size.x);
      this._container.height = Math.round(ratio * size.y);
      this._container.style.width = size.x + "px";
      this._container.style.height = size.y + "px";
      this._ratio = ratio;
      this._paint();
      this._painted = {zoom: this._map.getZoom(), origin: this._map.getPixelOrigin(),
                       bounds: b};
    },

    _onStillPainted: function () {},

    /* True when the view is still inside the canvas painted last (same zoom, same pixel
       origin): the canvas moved with the map, so a pan within it needs no new paint. The
       canvas is painted with half a view of `padding` on every side for this; a pan beyond
       it, a zoom, or new data or a new mask (which set this._painted = null) paint again. */
    _stillPainted: function () {
      var p = this._painted, map = this._map;
      if (!p || p.zoom !== map.getZoom() || !p.origin.equals(map.getPixelOrigin())) {
        return false;
      }
      var view = L.bounds(map.containerPointToLayerPoint([0, 0]),
                          map.containerPointToLayerPoint(map.getSize()));
      return p.bounds.contains(view);
    },

    _paint: function () {}
  });

  L.AtlasPoints = L.AtlasCanvas.extend({
    options: {
      pane: "atlasPoints", paneZ: 450, padding: 0.5, className: "atlas-points", tolerance: 3,
      cluster: false, clusterRadius: 60, clusterMaxZoom: 10,
      clusterFill: "#555555", clusterText: "#ffffff", locale: "en-GB",
      styles: [], token: "", data: null, url: null, maskToken: null, mask: null,
      maskUrl: null, daysToken: null, days: null, daysUrl: null,
      hitLabel: "{n}", bubbleLabel: "{n}",
      minZoom: 0  // below it nothing is drawn (the density view shows hexagons there)
    },

    initialize: function (options) {
      L.Renderer.prototype.initialize.call(this, options);
      this._block = null;
      this._mask = null;
      this._days = null;
      this._window = null;
      this._kept = undefined;  // undefined: to compute; null: every point
      this._drawn = null;
      this._bubbles = [];
      this._hover = null;
    },

    onAdd: function (map) {
      this._painted = null;  // a new canvas
      L.Renderer.prototype.onAdd.call(this, map);
      // Registered now, while streamlit-folium binds its click listener to the map's layers.
      this._hitArea = new HitArea(this);
      this._hitArea.on("click", this._onHitClick, this);
      this._hitArea.on("mouseover mousemove", this._onHitMove, this);
      this._hitArea.bindTooltip(this._tooltipElement(""), {sticky: true, direction: "top"});
      map.addLayer(this._hitArea);
      this._load();
    },

    onRemove: function (map) {
      map.fire("atlaspointsremove", {layer: this});
      if (this._hitArea) { map.removeLayer(this._hitArea); this._hitArea = null; }
      L.Renderer.prototype.onRemove.call(this, map);
    },

    /* The block (kept per token: a filter change fetches only the mask) and the mask of
       the points drawn (none given: every point). */
    _load: function () {
      var self = this, o = this.options;
      function remember(store, key, value) {
        var keys = Object.keys(store);
        if (keys.length >= 2) { delete store[keys[0]]; }
        store[key] = value;
        return value;
      }
      var block = cache[o.token] ? Promise.resolve(cache[o.token])
        : loading[o.token] || (loading[o.token] = blockBytes(o).then(function (buffer) {
          delete loading[o.token];
          return remember(cache, o.token, readBlock(buffer));
        }));
      var mask = null;
      if (o.maskToken) {
        mask = masks[o.maskToken] ? Promise.resolve(masks[o.maskToken])
          : loading[o.maskToken] || (loading[o.maskToken] = (
            o.mask ? Promise.resolve(decodeBase64(o.mask)) : fetched(o.maskUrl)
          ).then(function (buffer) {
            delete loading[o.maskToken];
            return remember(masks, o.maskToken, readMask(buffer));
          }));
      }
      var days = null;
      if (o.daysToken) {
        days = dayBlocks[o.daysToken] ? Promise.resolve(dayBlocks[o.daysToken])
          : (o.days ? Promise.resolve(decodeBase64(o.days)) : fetched(o.daysUrl, "gzip")).then(
            function (buffer) { return remember(dayBlocks, o.daysToken, readDays(buffer)); });
      }
      Promise.all([block, mask, days]).then(function (parts) {
        if ((parts[1] && parts[1].n !== parts[0].n) || (parts[2] && parts[2].n !== parts[0].n)) {
          throw new Error("atlas points: the mask or the days do not fit the block");
        }
        self._setBlock(parts[0], parts[1], parts[2]);
      }).catch(function (err) { stats({error: String(err)}); });
    },

    _setBlock: function (block, mask, days) {
      this._block = block;
      this._mask = mask;
      this._days = days || null;
      this._kept = undefined;
      this._painted = null;
      if (this._map) {
        this._map.fire("atlaspointsready", {layer: this});
        this._keptChanged();
        this._update();
      }
    },

    /* The period drawn: {from, to} in days since 1970-01-01, inclusive; null: every date. */
    setTimeWindow: function (win) {
      var next = win ? {from: win.from, to: win.to} : null, cur = this._window;
      if ((next === null && cur === null) ||
          (next && cur && next.from === cur.from && next.to === cur.to)) { return this; }
      this._window = next;
      this._kept = undefined;
      this._painted = null;
      if (this._map && this._block) { this._keptChanged(); this._update(); }
      return this;
    },

    timeWindow: function () { return this._window; },

    /* Whether each point is kept (mask and period), or null when every point is. */
    keptFlags: function () {
      if (this._kept !== undefined) { return this._kept; }
      var block = this._block, win = this._days ? this._window : null;
      if (!block || (!this._mask && !win)) { this._kept = null; return null; }
      var n = block.n, kept = new Uint8Array(n), count = 0;
      var bits = this._mask ? this._mask.bits : null;
      var first = win ? this._days.first : null, len = win ? this._days.length : null;
      for (var i = 0; i < n; i++) {
        if (bits !== null && !((bits[i >> 3] >> (i & 7)) & 1)) { continue; }
        if (win !== null) {
          var d = first[i];
          if (d === NO_DAY || d > win.to || d + len[i] < win.from) { continue; }
        }
        kept[i] = 1; count++;
      }
      this._kept = kept;
      this._keptCount = count;
      return kept;
    },

    /* The block indices of the points kept, in drawing order. */
    keptIndices: function () {
      var block = this._block;
      if (!block) { return new Int32Array(0); }
      var kept = this.keptFlags(), n = block.n;
      if (kept === null) {
        var all = new Int32Array(n);
        for (var j = 0; j < n; j++) { all[j] = j; }
        return all;
      }
      var out = new Int32Array(this._keptCount), c = 0;
      for (var i = 0; i < n; i++) { if (kept[i]) { out[c++] = i; } }
      return out;
    },

    /* How many points are kept, in all and by layer (whatever the view). */
    keptCounts: function () {
      var block = this._block, byLayer = {}, count = 0;
      if (!block) { return {count: 0, byLayer: byLayer}; }
      var kept = this.keptFlags(), st = block.style, styles = this.options.styles;
      var byStyle = new Int32Array(256);
      for (var i = 0; i < block.n; i++) {
        if (kept === null || kept[i]) { byStyle[st[i]]++; }
      }
      for (var k = 0; k < 256; k++) {
        if (!byStyle[k]) { continue; }
        var layer = (styles[k] || {}).layer;
        byLayer[layer] = (byLayer[layer] || 0) + byStyle[k];
        count += byStyle[k];
      }
      return {count: count, byLayer: byLayer};
    },

    /* First and last day of the points the mask keeps (null: no days, or no point). */
    daySpan: function () {
      var block = this._block, days = this._days;
      if (!block || !days) { return null; }
      var bits = this._mask ? this._mask.bits : null, lo = Infinity, hi = -Infinity;
      for (var i = 0; i < block.n; i++) {
        if (bits !== null && !((bits[i >> 3] >> (i & 7)) & 1)) { continue; }
        var d = days.first[i];
        if (d === NO_DAY) { continue; }
        if (d < lo) { lo = d; }
        if (d + days.length[i] > hi) { hi = d + days.length[i]; }
      }
      return lo <= hi ? {from: lo, to: hi} : null;
    },

    _keptChanged: function () {
      var counts = this.keptCounts();
      this._map.fire("atlaskept", {layer: this, count: counts.count, byLayer: counts.byLayer});
    },

    _onStillPainted: function () {
      stats({kept: ((window.atlasPointStats || {}).kept || 0) + 1});
    },

    /* Paint every visible point (or bubble) and index what was painted for hit tests. */
    _paint: function () {
      var ctx = this._ctx, block = this._block, b = this._bounds;
      ctx.setTransform(this._ratio, 0, 0, this._ratio, -b.min.x * this._ratio,
                       -b.min.y * this._ratio);
      ctx.clearRect(b.min.x, b.min.y, b.max.x - b.min.x, b.max.y - b.min.y);
      if (!block) { return; }
      var map = this._map, zoom = map.getZoom();
      var scale = Math.pow(2, zoom), origin = map.getPixelOrigin();
      var n = zoom < this.options.minZoom ? 0 : block.n;  // none below minZoom
      var wx = block.wx, wy = block.wy, rq = block.radius, st = block.style;
      var x = new Float32Array(n), y = new Float32Array(n);
      var visible = new Int32Array(n), count = 0;
      var minX = b.min.x - 32, minY = b.min.y - 32, maxX = b.max.x + 32, maxY = b.max.y + 32;
      var kept = this.keptFlags();
      for (var i = 0; i < n; i++) {
        if (kept !== null && !kept[i]) { continue; }
        var px = wx[i] * scale - origin.x, py = wy[i] * scale - origin.y;
        if (px < minX || px > maxX || py < minY || py > maxY) { continue; }
        x[i] = px; y[i] = py; visible[count++] = i;
      }
      var grouped = this.options.cluster && zoom < this.options.clusterMaxZoom;
      var singles = visible.subarray(0, count);
      this._bubbles = [];
      if (grouped) { singles = this._group(singles, x, y); }
      this._drawRuns(ctx, singles, x, y, rq, st);
      this._drawBubbles(ctx);
      this._index(singles, x, y);
      var byLayer = {}, byDataset = {}, styles = this.options.styles;
      for (var k = 0; k < singles.length; k++) {
        var style = styles[st[singles[k]]] || {};
        byLayer[style.layer] = (byLayer[style.layer] || 0) + 1;
        byDataset[style.dataset] = (byDataset[style.dataset] || 0) + 1;
      }
      var s = window.atlasPointStats || {paints: 0};
      stats({paints: (s.paints || 0) + 1, drawn: singles.length, bubbles: this._bubbles.length,
             drawnByLayer: byLayer, drawnByDataset: byDataset,
             total: kept === null ? n : this._keptCount, blockSize: n,
             token: this.options.token, maskToken: this.options.maskToken || null,
             window: this._window,
             lastPaint: window.performance.now()});
    },

    /* Consecutive points of one style are one canvas path (the server sorts by style). */
    _drawRuns: function (ctx, order, x, y, rq, st) {
      var styles = this.options.styles, current = -1;
      function flush(style) {
        if (!style) { return; }
        ctx.globalAlpha = style.fillOpacity; ctx.fillStyle = style.fill; ctx.fill();
        ctx.globalAlpha = 1; ctx.lineWidth = style.weight; ctx.strokeStyle = style.line;
        ctx.setLineDash(style.dash || []); ctx.stroke();
      }
      for (var k = 0; k < order.length; k++) {
        var i = order[k];
        if (st[i] !== current) {
          flush(styles[current]);
          current = st[i];
          ctx.beginPath();
        }
        var r = rq[i] / 4;
        ctx.moveTo(x[i] + r, y[i]);
        ctx.arc(x[i], y[i], r, 0, TAU);
      }
      flush(styles[current]);
      ctx.setLineDash([]);
    },

    /* Points within clusterRadius px of a cell are one bubble when there are several. */
    _group: function (order, x, y) {
      var cellSize = this.options.clusterRadius, cells = new Map(), singles = [];
      for (var k = 0; k < order.length; k++) {
        var i = order[k];
        var key = Math.floor(x[i] / cellSize) + ":" + Math.floor(y[i] / cellSize);
        var cell = cells.get(key);
        if (!cell) { cell = {items: [], sx: 0, sy: 0}; cells.set(key, cell); }
        cell.items.push(i); cell.sx += x[i]; cell.sy += y[i];
      }
      var self = this;
      cells.forEach(function (cell) {
        if (cell.items.length === 1) { singles.push(cell.items[0]); return; }
        var n = cell.items.length;
        var size = n < 10 ? 14 : (n < 100 ? 17 : (n < 1000 ? 20 : 23));
        self._bubbles.push({x: cell.sx / n, y: cell.sy / n, r: size, n: n});
      });
      singles.sort(function (a, b) { return a - b; });  // back to the drawing order
      return Int32Array.from(singles);
    },

    _drawBubbles: function (ctx) {
      if (!this._bubbles.length) { return; }
      var o = this.options;
      ctx.font = "600 12px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      for (var k = 0; k < this._bubbles.length; k++) {
        var c = this._bubbles[k];
        ctx.beginPath(); ctx.arc(c.x, c.y, c.r, 0, TAU);
        ctx.globalAlpha = 0.9; ctx.fillStyle = o.clusterFill; ctx.fill();
        ctx.globalAlpha = 1; ctx.lineWidth = 2; ctx.strokeStyle = "#ffffff"; ctx.stroke();
        ctx.fillStyle = o.clusterText;
        ctx.fillText(c.n.toLocaleString(o.locale), c.x, c.y);
      }
    },

    /* A grid of CELL_PX cells over the painted points (counting sort, typed arrays). */
    _index: function (order, x, y) {
      var b = this._bounds, cols = Math.ceil((b.max.x - b.min.x + 64) / CELL_PX) + 1;
      var rows = Math.ceil((b.max.y - b.min.y + 64) / CELL_PX) + 1;
      var m = order.length, cellOf = new Int32Array(m), starts = new Int32Array(cols * rows + 1);
      var ox = b.min.x - 32, oy = b.min.y - 32;
      for (var k = 0; k < m; k++) {
        var i = order[k];
        var c = Math.min(cols - 1, Math.max(0, Math.floor((x[i] - ox) / CELL_PX)));
        var r = Math.min(rows - 1, Math.max(0, Math.floor((y[i] - oy) / CELL_PX)));
        cellOf[k] = r * cols + c; starts[cellOf[k] + 1]++;
      }
      for (var j = 0; j < cols * rows; j++) { starts[j + 1] += starts[j]; }
      var fill = starts.slice(0, cols * rows), items = new Int32Array(m);
      for (k = 0; k < m; k++) { items[fill[cellOf[k]]++] = order[k]; }
      this._drawn = {x: x, y: y, cols: cols, rows: rows, ox: ox, oy: oy, starts: starts,
                     items: items};
    },

    /* Indices of the painted points under layer point p, top-most (last drawn) first. */
    _hitsAt: function (p) {
      var d = this._drawn, block = this._block;
      if (!d || !block || !this._map) { return []; }
      if (this._bubbleAt(p)) { return [-1]; }
      var c = Math.floor((p.x - d.ox) / CELL_PX), r = Math.floor((p.y - d.oy) / CELL_PX);
      var hits = [], styles = this.options.styles, tol = this.options.tolerance;
      for (var rr = r - 1; rr <= r + 1; rr++) {
        if (rr < 0 || rr >= d.rows) { continue; }
        for (var cc = c - 1; cc <= c + 1; cc++) {
          if (cc < 0 || cc >= d.cols) { continue; }
          var cell = rr * d.cols + cc;
          for (var k = d.starts[cell]; k < d.starts[cell + 1]; k++) {
            var i = d.items[k], dx = d.x[i] - p.x, dy = d.y[i] - p.y;
            var style = styles[block.style[i]] || {weight: 1};
            var reach = block.radius[i] / 4 + style.weight / 2 + tol;
            if (dx * dx + dy * dy <= reach * reach) { hits.push(i); }
          }
        }
      }
      hits.sort(function (a, b) { return b - a; });
      return hits;
    },

    _bubbleAt: function (p) {
      for (var k = this._bubbles.length - 1; k >= 0; k--) {
        var c = this._bubbles[k], dx = c.x - p.x, dy = c.y - p.y;
        if (dx * dx + dy * dy <= (c.r + 2) * (c.r + 2)) { return c; }
      }
      return null;
    },

    _tooltipElement: function (text) {
      var el = document.createElement("span");
      el.textContent = text;
      return el;
    },

    _onHitMove: function (e) {
      var hits = this._hitsAt(e.layerPoint);
      var key = hits.slice(0, 3).join(",") + "/" + hits.length;
      if (key === this._hover) { return; }
      this._hover = key;
      var text = "";
      if (hits[0] === -1) {
        var bubble = this._bubbleAt(e.layerPoint);
        text = this.options.bubbleLabel.replace("{n}", bubble.n.toLocaleString(this.options.locale));
      } else if (hits.length) {
        var style = this.options.styles[this._block.style[hits[0]]];
        text = style.label;
        if (hits.length > 1) {
          text += " · " + this.options.hitLabel.replace(
            "{n}", hits.length.toLocaleString(this.options.locale));
        }
      }
      this._hitArea.setTooltipContent(this._tooltipElement(text));
    },

    /* Sends `properties` back to the server as streamlit-folium sends a click (the page
       reads last_active_drawing.properties), e.g. the time slider's period. */
    sendBack: function (properties) {
      if (!this._hitArea || !this._map) { return false; }
      var centre = this._map.getCenter();
      this._hitArea.fire("click", {
        latlng: centre, sent: true,
        layer: {toGeoJSON: function () {
          return {type: "Feature", properties: properties,
                  geometry: {type: "Point", coordinates: [centre.lng, centre.lat]}};
        }}
      });
      return true;
    },

    _onHitClick: function (e) {
      if (e.sent) { return; }  // sendBack: not a click on the map
      var hits = this._hitsAt(e.layerPoint);
      if (hits[0] === -1) {  // a bubble: zoom in on it, nothing is selected
        var bubble = this._bubbleAt(e.layerPoint);
        var zoom = Math.min(this._map.getZoom() + 2, this.options.clusterMaxZoom);
        var centre = this._map.layerPointToLatLng([bubble.x, bubble.y]);
        this._map.setView(centre, zoom);
        // Reported as a click on no event (a point without an event's properties).
        e.layer = {
          toGeoJSON: function () {
            return {type: "Feature", properties: {kind: "zoom-in"},
                    geometry: {type: "Point", coordinates: [centre.lng, centre.lat]}};
          }
        };
        return;
      }
      if (!hits.length) { return; }
      var block = this._block, top = hits[0], token = this.options.token;
      var latlng = L.latLng(block.lat[top], block.lng[top]);
      var chosen = hits.slice(0, 200);
      // What streamlit-folium reads from a layer click (last_object_clicked and
      // last_active_drawing): the first hit's position and every hit, by index.
      e.latlng = latlng;
      e.layer = {
        toGeoJSON: function () {
          return {type: "Feature", geometry: {type: "Point", coordinates: [latlng.lng, latlng.lat]},
                  properties: {kind: "event-hits", token: token, hits: chosen,
                               more: hits.length - chosen.length}};
        }
      };
    }
  });

  L.atlasPoints = function (options) { return new L.AtlasPoints(options); };

  /* The block and mask of `options` ({block, mask}; mask null: every point), read as the
     events layer reads them and sharing its downloads and caches: for another view of the
     same events (atlas_density.js). */
  L.AtlasPoints.load = function (options) {
    return new Promise(function (resolve) {
      L.AtlasPoints.prototype._load.call({options: options, _setBlock: function (block, mask) {
        resolve({block: block, mask: mask});
      }});
    });
  };

  /* Starts downloading the block `token` (unless this page holds it) before the layer that
     draws it exists: the base map's script calls this first, so the events download while
     the boundaries load, instead of after them. */
  L.AtlasPoints.prefetch = function (token, url, encoding) {
    if (cache[token] || pending[token]) { return; }
    pending[token] = fetched(url, encoding);
    pending[token].catch(function () { delete pending[token]; });
  };
})();
