/* The 渝黔 map in the browser: loaded first, it makes `yq`, the one object the modules share, and
 * holds the registry of catalog layers and the drawing of their features. Needs only Leaflet;
 * works offline. Every string put into the page with innerHTML was escaped in Python before
 * (geo/web/popups.py).
 * Modules talk through events, each registered by the module that answers it (never an optional
 * call into another module): apply.js emits them while it draws a state, in this order —
 *   "boot" (map)            once, when the map starts: labels.js, page.js
 *   "lang" (map, lang)      the language changed: controls.js relabels its buttons
 *   "legend" ()             what the legend shows changed: legend.js
 *   "year" (map, year)      the year to show: time.js
 *   "compare" (map, compare) the other year left of a divider, or null: compare.js
 *   "present" (map, state)  presentation on or off, and the caption: page.js
 *   "labels" ()             names to place again: labels.js
 *   "applied" (map, state)  after every state: a11y.js
 *   "texts" (lang)          the other language's texts arrived (texts.js): time.js redraws its variants
 * What tests and tools read lives under yq.probe, apart from the API. */
(function () {
  "use strict";
  if (window.yq) { return; }
  var yq = (window.yq = { groups: {}, data: {}, probe: {} });

  var handlers = {};
  /* Answer the event `name` with `fn` (called in the order registered). */
  yq.on = function (name, fn) {
    (handlers[name] = handlers[name] || []).push(fn);
  };
  /* Tell every module that answers `name`; the arguments are passed on. */
  yq.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    (handlers[name] || []).forEach(function (fn) { fn.apply(null, args); });
  };

  /* The group that draws the selected feature's outline: registered like a layer, but not one. */
  yq.SELECTION = "_selection";
  /* Ids of the registered catalog layers (the selection's group left out). */
  yq.layerIds = function () {
    return Object.keys(yq.groups).filter(function (id) { return id !== yq.SELECTION; });
  };

  /* A feature's popup: as wide as its content up to a readable measure (and never past the map),
   * wrapping beyond. Not bindPopup: it stops the click, and the measure tool needs every click. */
  yq.openPopup = function (map, latlng, html) {
    var width = Math.max(220, Math.min(440, map.getSize().x - 60));
    L.popup({ maxWidth: width, minWidth: Math.min(300, width), autoPanPadding: [20, 20], className: "yq-popup" })
      .setLatLng(latlng).setContent(html).openOn(map);
  };

  /* Remember which catalog layer a Leaflet group draws, and its drawing rank. */
  yq.register = function (group, layerId, rank) {
    group.yqLayerId = layerId;
    group.yqRank = rank;
    yq.groups[layerId] = group;
    return group;
  };

  /* Data the page carries as JSON: {data: {layerId: FeatureCollection}, legends: {lang: ...}};
   * the languages whose texts it holds are those of its legends. */
  var textLangs = {};
  yq.load = function (bundle) {
    Object.keys(bundle.data || {}).forEach(function (id) { yq.data[id] = bundle.data[id]; });
    yq.legendData = yq.legendData || {};
    Object.keys(bundle.legends || {}).forEach(function (lang) {
      yq.legendData[lang] = bundle.legends[lang];
      textLangs[lang] = true;
    });
  };
  /* Whether the texts of `lang` are here (they come with the data, or later as a pack: texts.js). */
  yq.hasLang = function (lang) { return !!textLangs[lang]; };

  /* A feature was clicked: tell the dashboard which one (its layer and id, not a position to
   * resolve again). streamlit-folium reports clicks on the layers it knew when the map was
   * built; yq.relay is one of them, so firing a click on it reaches the dashboard from any
   * feature, also one switched on or uploaded later. In an exported file there is no relay. */
  yq.picked = function (layerId, featureId, latlng) {
    var relay = yq.relay;
    if (!relay) { return; }
    var picked = { type: "Feature", properties: { layer: layerId, id: featureId }, geometry: null };
    // after the click has reached every other listener: the dashboard keeps the last report
    setTimeout(function () {
      relay.fire("click", { latlng: latlng, layer: { toGeoJSON: function () { return picked; } } });
    }, 0);
  };

  /* The reader left the compare divider at `at` (a fraction of the map's width): tell the
   * dashboard through the relay, as a click on no feature (geo/app/picking.py reads it). */
  yq.reportCompare = function (at) {
    var relay = yq.relay;
    if (!relay) { return; }
    var report = { type: "Feature", properties: { divider: Math.round(at * 1000) / 1000 }, geometry: null };
    relay.fire("click", { latlng: yq.map.getCenter(), layer: { toGeoJSON: function () { return report; } } });
  };

  /* The registered groups on `map`, in drawing order. */
  yq.registered = function (map) {
    var out = [];
    map.eachLayer(function (l) { if (l.yqLayerId) { out.push(l); } });
    out.sort(function (a, b) { return a.yqRank - b.yqRank; });
    return out;
  };

  /* Geometry from geo.data.geojson.encode_geometry: each coordinate sequence an encoded polyline
   * (Google's algorithm, 1e-5°, latitude first). yq.DEPTH: nesting depth of the sequences per
   * type (the same table as geojson_io.SEQUENCE_DEPTH). */
  yq.DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
  function unpolyline(text) {
    var out = [], index = 0, lat = 0, lng = 0;
    function next() {
      var result = 0, shift = 0, byte;
      do {
        byte = text.charCodeAt(index++) - 63;
        result |= (byte & 0x1f) << shift;
        shift += 5;
      } while (byte >= 0x20);
      return result & 1 ? ~(result >> 1) : result >> 1;
    }
    while (index < text.length) {
      lat += next();
      lng += next();
      out.push([lng / 1e5, lat / 1e5]);
    }
    return out;
  }
  yq.unpolyline = unpolyline;
  function walk(value, level) {
    return level === 0 ? unpolyline(value) : value.map(function (v) { return walk(v, level - 1); });
  }
  yq.decodeGeometry = function (g) {
    if (!g || !g.p) { return g; }
    return { type: g.type, coordinates: walk(g.coordinates, yq.DEPTH[g.type]) };
  };
  function decodeAll(data) {
    if (data.type === "FeatureCollection") {
      data.features.forEach(function (f) { f.geometry = yq.decodeGeometry(f.geometry); });
    } else if (data.type === "Feature") {
      data.geometry = yq.decodeGeometry(data.geometry);
    }
    return data;
  }

  /* A catalog layer from GeoJSON whose properties carry escaped HTML (_tip_<lang>, _pop_<lang>).
   * opts = {lang, style, by, categories: {value: style}, lowDash, point, highlight, interactive}. */
  /* Hatching for low-confidence areas (pattern, not colour alone): one SVG pattern per colour,
   * kept in the renderer's own <svg>. */
  var SVG_NS = "http://www.w3.org/2000/svg";
  function ensureHatch(layer, colour) {
    var svg = layer._renderer && layer._renderer._container;
    var id = "yq-hatch-" + String(colour).replace(/[^0-9a-zA-Z]/g, "");
    if (!svg || svg.querySelector("#" + id)) { return; }
    var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(SVG_NS, "defs"), svg.firstChild);
    var pattern = document.createElementNS(SVG_NS, "pattern");
    var attrs = { id: id, patternUnits: "userSpaceOnUse", width: "8", height: "8", patternTransform: "rotate(45)" };
    Object.keys(attrs).forEach(function (k) { pattern.setAttribute(k, attrs[k]); });
    var line = document.createElementNS(SVG_NS, "line");
    var lattrs = { x1: "0", y1: "0", x2: "0", y2: "8", stroke: colour, "stroke-width": "2.5" };
    Object.keys(lattrs).forEach(function (k) { line.setAttribute(k, lattrs[k]); });
    pattern.appendChild(line);
    defs.appendChild(pattern);
  }
  yq.hatchId = function (colour) { return "yq-hatch-" + String(colour).replace(/[^0-9a-zA-Z]/g, ""); };

  /* The style function of a layer: its categories, low confidence dashed (and hatched for areas). */
  yq.styleFor = function (opts) {
    return function styleOf(feature) {
      var p = feature.properties || {};
      var s = (opts.by && opts.categories[p[opts.by]]) || opts.style;
      var out = {};
      for (var k in s) { out[k] = s[k]; }
      if (p.confidence === "low" && !opts.point && opts.lowDash) {
        // a line keeps its own dashes (planned = long dashes); otherwise low confidence is dashed
        if (!out.dashArray) { out.dashArray = opts.lowDash; }
        if (!opts.line) {
          out.yqHatch = out.fillColor || out.color;
          out.fillColor = "url(#" + yq.hatchId(out.yqHatch) + ")";
          out.fillOpacity = Math.max(out.fillOpacity || 0, 0.55);
        }
      }
      return out;
    };
  };

  /* A raster layer (data.type "Image": one picture between two corners, in Web Mercator like the
   * map): drawn in its own pane over the tiles and under every layer, never clicked. On GCJ-02
   * tiles it moves as a whole (apply.js calls yqShiftTo). */
  function image(data, opts) {
    var overlay = L.imageOverlay(data.image, data.bounds, {
      opacity: opts.style.opacity === undefined ? 0.5 : opts.style.opacity,
      interactive: false, className: "yq-relief", alt: "", pane: "yqRelief"
    });
    overlay.yqShiftTo = function (gcj) { overlay.setBounds(L.latLngBounds(gcj ? data.gcj : data.wgs)); };
    overlay.beforeAdd = function (m) {  // Leaflet calls it before drawing: the pane must be there
      if (!m.getPane("yqRelief")) { m.createPane("yqRelief").style.zIndex = 250; }
    };
    return overlay;
  }

  /* Leaflet options of a catalog layer's features: style, points as circles, tooltip, click
   * (select, popup) and hover. `renderer` (optional) draws them elsewhere (compare.js: one side
   * of the divider). */
  function featureOptions(opts, styleOf, renderer) {
    var index = 0;
    return {
      style: styleOf,
      interactive: opts.interactive !== false,
      renderer: renderer,
      pointToLayer: function (feature, latlng) {
        var style = styleOf(feature);
        if (renderer) { style.renderer = renderer; }
        return L.circleMarker(latlng, style);
      },
      onEachFeature: function (feature, l) {
        l.yqIndex = index++;  // position in the layer's data, to find the same feature's GCJ-02 copy
        var p = feature.properties || {};
        if (opts.layer) { p._layer = opts.layer; }
        var hatch = styleOf(feature).yqHatch;
        if (hatch) { l.on("add", function () { ensureHatch(l, hatch); }); }
        var tip = p["_tip_" + (yq.lang || opts.lang)];
        if (tip) { l.bindTooltip(tip, { sticky: true, className: "yq-tooltip" }); }
        l.on("click", function (e) {
          var pop = p["_pop_" + (yq.lang || opts.lang)];
          if (yq.measuring || !l._map) { return; }
          if (yq.bigAt(l._map, e.latlng)) { return; }  // a big layer's feature on top answers
          if (opts.layer) { yq.picked(opts.layer, p.id, e.latlng); }
          if (pop) { yq.openPopup(l._map, e.latlng, pop); }
        });
        if (opts.highlight) {
          l.on("mouseover", function () { if (l.setStyle) { l.setStyle(opts.highlight); } });
          l.on("mouseout", function () { if (l.setStyle) { l.setStyle(styleOf(feature)); } });
        }
      }
    };
  }

  /* One more drawing of a feature of `layer` (a yq.geojson layer) with other properties, drawn
   * by `renderer`: compare.js draws a feature as it was in the other year this way. */
  yq.featureCopy = function (layer, feature, renderer) {
    var copy = L.geoJSON(feature, featureOptions(layer.yqOpts, layer.yqStyle, renderer)).getLayers()[0];
    return copy;
  };

  yq.geojson = function (data, opts) {
    if (data.type === "Image") { return image(data, opts); }
    var styleOf = yq.styleFor(opts);
    if (data.big) { return new yq.BigLayer(data, opts, styleOf); }  // thousands of features: one canvas
    data = decodeAll(data);
    if (opts.label && opts.layer) { yq.labelSpec(opts.layer, opts.label, !!opts.point); }
    var layer = L.geoJSON(data, featureOptions(opts, styleOf));
    layer.yqOpts = opts;
    layer.yqStyle = styleOf;
    layer.yqCount = data.features ? data.features.length : 1;
    return layer;
  };
})();
