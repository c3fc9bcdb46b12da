/* The 渝黔 map in the browser, part 1 of 4: the registry of catalog layers and the drawing of
 * their features. Needs only Leaflet; works offline. Every string put into the page with
 * innerHTML was escaped in Python before (geo/popups.py). */
(function () {
  "use strict";
  if (window.yq) { return; }
  var yq = (window.yq = { groups: {}, data: {} });

  /* Remember which catalog layer a Leaflet group draws, and its drawing rank. */
  yq.register = function (group, layerId, rank) {
    group.yqLayerId = layerId;
    group.yqRank = rank;
    yq.groups[layerId] = group;
    return group;
  };

  /* Data the page carries as JSON: {data: {layerId: FeatureCollection}, legends: {...}}. */
  yq.load = function (bundle) {
    Object.keys(bundle.data || {}).forEach(function (id) { yq.data[id] = bundle.data[id]; });
    if (bundle.legends) { yq.legendData = bundle.legends; }
  };

  /* The registered groups on `map`, in drawing order. */
  yq.registered = function (map) {
    var out = [];
    map.eachLayer(function (l) { if (l.yqLayerId) { out.push(l); } });
    out.sort(function (a, b) { return a.yqRank - b.yqRank; });
    return out;
  };

  /* Geometry delta-encoded by geo.geojson_io.encode_geometry: nesting depth of the
   * coordinate sequences per type (the same table as geojson_io.SEQUENCE_DEPTH). */
  yq.DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
  function undelta(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i]; y += flat[i + 1];
      out.push([x / 1e5, y / 1e5]);
    }
    return out;
  }
  function walk(value, level) {
    return level === 0 ? undelta(value) : value.map(function (v) { return walk(v, level - 1); });
  }
  yq.decodeGeometry = function (g) {
    if (!g || !g.e) { return g; }
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
  yq.geojson = function (data, opts) {
    data = decodeAll(data);
    function styleOf(feature) {
      var p = feature.properties || {};
      var s = (opts.by && opts.categories[p[opts.by]]) || opts.style;
      var out = {};
      for (var k in s) { out[k] = s[k]; }
      if (p.confidence === "low" && !opts.point && opts.lowDash) {
        out.dashArray = opts.lowDash;
        out.opacity = Math.min(out.opacity === undefined ? 1 : out.opacity, 0.85);
      }
      return out;
    }
    var index = 0;
    var layer = L.geoJSON(data, {
      style: styleOf,
      interactive: opts.interactive !== false,
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, styleOf(feature)); },
      onEachFeature: function (feature, l) {
        l.yqIndex = index++;  // position in the layer's data, to find the same feature's GCJ-02 copy
        var p = feature.properties || {};
        var tip = p["_tip_" + (yq.lang || opts.lang)];
        if (tip) { l.bindTooltip(tip, { sticky: true, className: "yq-tooltip" }); }
        // not bindPopup: it stops the click, and the measure tool needs every map click
        l.on("click", function (e) {
          var pop = p["_pop_" + (yq.lang || opts.lang)];
          if (!pop || yq.measuring || !l._map) { return; }
          L.popup({ maxWidth: 380 }).setLatLng(e.latlng).setContent(pop).openOn(l._map);
        });
        if (opts.highlight) {
          l.on("mouseover", function () { if (l.setStyle) { l.setStyle(opts.highlight); } });
          l.on("mouseout", function () { if (l.setStyle) { l.setStyle(styleOf(feature)); } });
        }
      }
    });
    layer.yqCount = data.features ? data.features.length : 1;
    return layer;
  };
})();
