/* The 渝黔 map in the browser: big layers (thousands of features, such as 50,000 parcels) on one
 * canvas. geo/web/biglayer.py sends each feature's id, encoded geometry (and a lighter copy for small
 * scales) and its shown values, escaped in Python; the field labels once. Here the geometry is
 * projected once (Web Mercator, zoom-0 pixels) and indexed in a grid; each view draws only what
 * it shows, skipping vertices closer than half a pixel; hover and click find the feature under
 * the pointer through the grid. The text shown is put together from the escaped pieces only. */
(function () {
  "use strict";
  var yq = window.yq;
  var PAD = 0.05;  // drawn beyond the view on each side, so a short pan shows no empty edge
  var TINY = 16;  // features smaller than this (px) are drawn as filled boxes: an outline would cover them
  var GRID = 256;  // cells per side of the layer's extent
  var CHUNK = 1;  // features per canvas path: one each rasterises fastest (measured: 1 < 8 < 50 < 200 < 1000)
  var MAX_LAT = 85.0511287798;

  function mercator(lng, lat) {
    var phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180;
    return [256 * (0.5 + lng / 360), 256 * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI))];
  }

  /* Rings (encoded polylines) as flat arrays of zoom-0 pixels: [[x0, y0, x1, y1, …], …], and their bounds. */
  function project(rings) {
    var out = [], box = [Infinity, Infinity, -Infinity, -Infinity];
    rings.forEach(function (text) {
      var coords = yq.unpolyline(text), flat = new Float64Array(coords.length * 2);
      for (var i = 0; i < coords.length; i++) {
        var p = mercator(coords[i][0], coords[i][1]);
        flat[2 * i] = p[0]; flat[2 * i + 1] = p[1];
        if (p[0] < box[0]) { box[0] = p[0]; } if (p[0] > box[2]) { box[2] = p[0]; }
        if (p[1] < box[1]) { box[1] = p[1]; } if (p[1] > box[3]) { box[3] = p[1]; }
      }
      out.push(flat);
    });
    return { rings: out, box: box };
  }

  /* The rings of a geometry as geo.data.geojson.encode_geometry sends it (GCJ-02 copies). */
  function ringsOf(g) {
    if (!g.p) {  // a point or points, plain
      var points = g.type === "Point" ? [g.coordinates] : g.coordinates;
      return points.map(function (pt) { return encodePoint(pt); });
    }
    var rings = [g.coordinates];
    for (var d = 0; d < yq.DEPTH[g.type]; d++) { rings = [].concat.apply([], rings); }
    return yq.DEPTH[g.type] ? rings : [g.coordinates];
  }
  function encodePoint(pt) {  // one position as an encoded polyline (latitude first)
    return [Math.round(pt[1] * 1e5), Math.round(pt[0] * 1e5)].map(function (v) {
      v = v < 0 ? ~(v << 1) : v << 1;
      var out = "";
      while (v >= 0x20) { out += String.fromCharCode((0x20 | (v & 0x1f)) + 63); v >>= 5; }
      return out + String.fromCharCode(v + 63);
    }).join("");
  }

  function inside(rings, x, y) {  // even-odd over every ring
    var hit = false;
    rings.forEach(function (r) {
      for (var i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
        if ((r[i + 1] > y) !== (r[j + 1] > y) && x < (r[j] - r[i]) * (y - r[i + 1]) / (r[j + 1] - r[i + 1]) + r[i]) { hit = !hit; }
      }
    });
    return hit;
  }

  function near(rings, x, y, tolerance, closed) {  // distance to any segment (lines) or vertex (points)
    var t2 = tolerance * tolerance;
    return rings.some(function (r) {
      if (r.length === 2) { return (r[0] - x) * (r[0] - x) + (r[1] - y) * (r[1] - y) <= t2; }
      for (var i = 0; i + 3 < r.length + (closed ? 2 : 0); i += 2) {
        var ax = r[i], ay = r[i + 1], bx = r[(i + 2) % r.length], by = r[(i + 3) % r.length];
        var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
        var t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
        var ex = ax + t * dx - x, ey = ay + t * dy - y;
        if (ex * ex + ey * ey <= t2) { return true; }
      }
      return false;
    });
  }

  yq.BigLayer = L.Layer.extend({
    initialize: function (data, opts, styleOf) {
      this._opts = opts;
      this._big = data.big;
      this._data = data;
      this._kind = opts.point ? "point" : (opts.line ? "line" : "polygon");
      var low = {}, cache = {}, by = data.by;
      data.low.forEach(function (n) { low[n] = true; });
      this._styles = data.ids.map(function (id, n) {  // one style object per distinct look
        var key = (by ? by[n] : "") + (low[n] ? "|low" : "");
        if (!cache[key]) { cache[key] = styleOf({ properties: { confidence: low[n] ? "low" : null, [opts.by]: by && by[n] } }); }
        return cache[key];
      });
      this._full = data.rings.map(project);
      this._lod = data.lod ? data.lod.map(project) : null;
      this._index();
      this.yqCount = data.ids.length;
    },

    _index: function () {
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      this._full.forEach(function (it) {
        box = [Math.min(box[0], it.box[0]), Math.min(box[1], it.box[1]), Math.max(box[2], it.box[2]), Math.max(box[3], it.box[3])];
      });
      this._box = box;
      this._cell = Math.max(box[2] - box[0], box[3] - box[1], 1e-9) / GRID;
      this._grid = {};
      var self = this;
      this._full.forEach(function (it, n) { self._cells(it.box, function (key) { (self._grid[key] = self._grid[key] || []).push(n); }); });
    },

    _cells: function (b, each) {
      var c = this._cell, x0 = Math.floor((b[0] - this._box[0]) / c), x1 = Math.floor((b[2] - this._box[0]) / c);
      var y0 = Math.floor((b[1] - this._box[1]) / c), y1 = Math.floor((b[3] - this._box[1]) / c);
      for (var x = Math.max(0, x0); x <= Math.min(GRID, x1); x++) {
        for (var y = Math.max(0, y0); y <= Math.min(GRID, y1); y++) { each(x * (GRID + 1) + y); }
      }
    },

    /* Indices of the features whose bounds meet the zoom-0 box b, each once. */
    _within: function (b) {
      var seen = {}, out = [], grid = this._grid;
      this._cells(b, function (key) {
        (grid[key] || []).forEach(function (n) { if (!seen[n]) { seen[n] = true; out.push(n); } });
      });
      return out.sort(function (a, b2) { return a - b2; });
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated yq-big");
      this._canvas.style.pointerEvents = "none";  // the map reports the pointer; layers below stay usable
      this.getPane().appendChild(this._canvas);
      this._tip = L.tooltip({ sticky: true, className: "yq-tooltip yq-big-tip" });
      this._draw();
    },

    /* The map events this layer answers (Leaflet adds and removes them with the layer). */
    getEvents: function () {
      return {
        moveend: this._draw, viewreset: this._draw, resize: this._draw, zoomanim: this._animate,
        mousemove: this._hover, mouseout: this._out, click: this._click,
      };
    },

    onRemove: function () {
      this._out();
      L.DomUtil.remove(this._canvas);
    },

    bringToFront: function () { if (this._canvas) { L.DomUtil.toFront(this._canvas); } return this; },
    bringToBack: function () { if (this._canvas) { L.DomUtil.toBack(this._canvas); } return this; },

    /* GCJ-02 basemaps: draw these geometries instead (null: the stored WGS-84 ones again). */
    yqShiftTo: function (encoded) {
      var rings = this._data.rings;
      this._full = rings.map(function (r, n) { return project(encoded && encoded[n] ? ringsOf(encoded[n]) : r); });
      this._lod = null;  // the lighter copy is WGS-84 only; shifted layers draw the full geometry
      this._index();
      if (this._map) { this._draw(); }
    },

    _animate: function (e) {
      if (!this._topLeftLatLng) { return; }
      var map = this._map, scale = map.getZoomScale(e.zoom, this._drawnZoom);
      L.DomUtil.setTransform(this._canvas, map._latLngToNewLayerPoint(this._topLeftLatLng, e.zoom, e.center), scale);
    },

    _draw: function () {
      var map = this._map;
      if (!map) { return; }
      var size = map.getSize(), pad = size.multiplyBy(PAD), dims = size.add(pad.multiplyBy(2));
      var topLeft = map.containerPointToLayerPoint([0, 0]).subtract(pad).round();
      var dpr = window.devicePixelRatio || 1, canvas = this._canvas;
      var width = Math.round(dims.x * dpr), height = Math.round(dims.y * dpr);
      if (canvas.width !== width || canvas.height !== height) {  // a new size: a new backing store
        canvas.width = width;
        canvas.height = height;
        canvas.style.width = dims.x + "px";
        canvas.style.height = dims.y + "px";
      } else {
        canvas.getContext("2d").clearRect(0, 0, width, height);
      }
      L.DomUtil.setPosition(canvas, topLeft);
      this._topLeftLatLng = map.layerPointToLatLng(topLeft);
      this._drawnZoom = map.getZoom();
      var zoom = map.getZoom(), scale = Math.pow(2, zoom), origin = map.getPixelOrigin();
      var ox = topLeft.x + origin.x, oy = topLeft.y + origin.y;
      var view = [ox / scale, oy / scale, (ox + dims.x) / scale, (oy + dims.y) / scale];
      var items = this._lod && zoom < this._big.lodBelow ? this._lod : this._full;
      var ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);  // after clearRect, which works in device pixels
      var batches = {}, order = [], styles = this._styles, kind = this._kind;
      this._within(view).forEach(function (n) {
        var s = styles[n], key = [s.color, s.weight, s.opacity, s.fillColor, s.fillOpacity, s.dashArray, s.radius].join("|");
        if (!batches[key]) { batches[key] = { style: s, items: [] }; order.push(key); }
        batches[key].items.push(n);
      });
      var full = this._full;
      function paint(s) {
        if (kind !== "line" && s.fillOpacity > 0) {
          ctx.globalAlpha = s.fillOpacity;
          ctx.fillStyle = String(s.fillColor).indexOf("url(") === 0 ? s.color : s.fillColor;
          ctx.fill("evenodd");
        }
        if (s.weight > 0) {
          ctx.globalAlpha = s.opacity === undefined ? 1 : s.opacity;
          ctx.stroke();
        }
      }
      order.forEach(function (key) {
        var batch = batches[key], s = batch.style, tiny = [], outlined = [];
        batch.items.forEach(function (n) {
          var b = full[n].box;
          (kind === "polygon" && Math.max(b[2] - b[0], b[3] - b[1]) * scale < TINY ? tiny : outlined).push(n);
        });
        ctx.strokeStyle = s.color;
        ctx.lineWidth = kind === "polygon" ? Math.min(s.weight, 1.2) : s.weight;  // dense outlines, kept fine
        ctx.lineJoin = ctx.lineCap = "round";
        ctx.setLineDash(s.dashArray ? String(s.dashArray).split(/[ ,]+/).map(Number) : []);
        if (tiny.length) {  // seen from afar: each a filled box in its outline's colour
          ctx.globalAlpha = Math.max(s.fillOpacity || 0, 0.6);
          ctx.fillStyle = s.color;
          tiny.forEach(function (n) {
            var b = full[n].box, x = b[0] * scale - ox, y = b[1] * scale - oy;
            ctx.fillRect(x, y, Math.max(1, (b[2] - b[0]) * scale), Math.max(1, (b[3] - b[1]) * scale));
          });
        }
        ctx.beginPath();
        outlined.forEach(function (n, count) {
          if (count && count % CHUNK === 0) { paint(s); ctx.beginPath(); }
          var rings = (items[n] || full[n]).rings;
          for (var k = 0; k < rings.length; k++) {
            var r = rings[k], lx = r[0] * scale - ox, ly = r[1] * scale - oy;
            if (kind === "point") { ctx.moveTo(lx + (s.radius || 6), ly); ctx.arc(lx, ly, s.radius || 6, 0, 2 * Math.PI); continue; }
            ctx.moveTo(lx, ly);
            for (var i = 2; i < r.length; i += 2) {
              var x = r[i] * scale - ox, y = r[i + 1] * scale - oy;
              if (Math.abs(x - lx) + Math.abs(y - ly) < 0.5 && i + 2 < r.length) { continue; }  // under half a pixel
              ctx.lineTo(x, y); lx = x; ly = y;
            }
            if (kind !== "line") { ctx.closePath(); }
          }
        });
        if (outlined.length) { paint(s); }
      });
      ctx.globalAlpha = 1;
      this._drawnCount = order.reduce(function (sum, key) { return sum + batches[key].items.length; }, 0);
    },

    /* The feature under a map event (topmost: the last drawn), or -1. */
    _at: function (e) {
      var map = this._map, scale = Math.pow(2, map.getZoom());
      var p = map.project(e.latlng, 0), x = p.x, y = p.y;
      var tolerance = ((this._kind === "polygon" ? 0 : 4) + (this._styles[0].weight || 2) / 2 + (this._styles[0].radius || 0)) / scale;
      var found = -1, full = this._full, kind = this._kind;
      this._within([x - tolerance, y - tolerance, x + tolerance, y + tolerance]).forEach(function (n) {
        var rings = full[n].rings;
        if (kind === "polygon" ? inside(rings, x, y) : near(rings, x, y, tolerance, false)) { found = n; }
      });
      return found;
    },

    /* Hover or click text, put together from pieces escaped in Python (geo/web/biglayer.py). */
    _text: function (n, popup) {
      var lang = yq.lang || this._opts.lang, big = this._big, data = this._data;
      var column = data["values_" + lang] || data.values || data[Object.keys(data).filter(function (k) { return k.indexOf("values_") === 0; })[0]];
      var values = column[n], labels = big.labels[lang] || big.labels[Object.keys(big.labels)[0]];
      var shown = function (i) { return values[i] !== null && values[i] !== undefined; };
      if (!popup) {
        var parts = ["<b>" + (shown(0) ? values[0] : data.ids[n]) + "</b>"];
        big.tooltip.forEach(function (i) { if (shown(i)) { parts.push(labels[i] + ": " + values[i]); } });
        return '<div class="yq-tip">' + parts.join("<br>") + "</div>";
      }
      var rows = big.popup.filter(shown).map(function (i) { return "<tr><th>" + labels[i] + "</th><td>" + values[i] + "</td></tr>"; });
      return '<div class="yq-pop"><div class="yq-meta">' + (big.title[lang] || "") + "</div><table>" + rows.join("") + "</table></div>";
    },

    _hover: function (e) {
      var n = this._at(e), map = this._map;
      map.getContainer().style.cursor = n >= 0 ? "pointer" : "";
      // the topmost feature speaks: a layer's tooltip underneath (an area's) stays hidden meanwhile
      L.DomUtil[n >= 0 ? "addClass" : "removeClass"](map.getContainer(), "yq-big-hover");
      if (n < 0) { this._out(); return; }
      this._tip.setContent(this._text(n, false));
      if (map.hasLayer(this._tip)) { this._tip.setLatLng(e.latlng); } else { map.openTooltip(this._tip, e.latlng); }
    },

    _out: function () {
      if (this._map) { L.DomUtil.removeClass(this._map.getContainer(), "yq-big-hover"); }
      if (this._map && this._map.hasLayer(this._tip)) { this._map.closeTooltip(this._tip); }
    },

    _click: function (e) {
      var n = this._at(e);
      if (n < 0 || yq.measuring) { return; }
      if (this._opts.layer) { yq.picked(this._opts.layer, this._data.ids[n], e.latlng); }
      yq.openPopup(this._map, e.latlng, this._text(n, true));
    },
  });

  /* Whether a big layer on `map` has a feature at `latlng` (it answers clicks there, not the layers below). */
  yq.bigAt = function (map, latlng) {
    var hit = false;
    map.eachLayer(function (l) { if (!hit && l instanceof yq.BigLayer && l._at({ latlng: latlng }) >= 0) { hit = true; } });
    return hit;
  };

  /* For tools and tests: how many features the big layers on the map drew last time. */
  yq.probe.bigDrawn = function () {
    var total = 0;
    Object.keys(yq.groups).forEach(function (id) {
      yq.groups[id].eachLayer(function (l) { if (l instanceof yq.BigLayer && l._map) { total += l._drawnCount || 0; } });
    });
    return total;
  };
})();
