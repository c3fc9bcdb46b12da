/* Controls of the 渝黔 map: legend that follows the visible layers, layer ordering,
 * full screen and measure. Works offline: needs only Leaflet.
 * Every string put into the page with innerHTML was escaped in Python before. */
(function () {
  "use strict";
  if (window.yq) { return; }
  var yq = (window.yq = {});
  var ICON_FULLSCREEN = '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><path d="M2 7V2h5M13 2h5v5M18 13v5h-5M7 18H2v-5" fill="none" stroke="#222" stroke-width="2"/></svg>';
  var ICON_MEASURE = '<svg width="22" height="20" viewBox="0 0 22 20" aria-hidden="true"><rect x="1" y="6" width="20" height="8" fill="none" stroke="#222" stroke-width="1.8"/><path d="M5 6v4M9 6v3M13 6v4M17 6v3" stroke="#222" stroke-width="1.5"/></svg>';

  /* Remember which catalog layer a Leaflet group draws, and its drawing rank. */
  yq.groups = {};
  yq.register = function (group, layerId, rank) {
    group.yqLayerId = layerId;
    group.yqRank = rank;
    yq.groups[layerId] = group;
    return group;
  };

  /* Dashboard only: apply the state the page put in window.parent.yqState (visible layers,
   * selection highlight, view) without rebuilding anything. In an exported file there is
   * no parent state and this does nothing. */
  /* Switch the language of every tooltip and of the legend, without rebuilding layers. */
  yq.setLang = function (lang) {
    if (!lang || lang === yq.lang) { return; }
    yq.lang = lang;
    Object.keys(yq.groups).forEach(function (id) {
      yq.groups[id].eachLayer(function (layer) {
        if (!layer.eachLayer) { return; }
        layer.eachLayer(function (f) {
          var p = (f.feature && f.feature.properties) || {};
          if (f.getTooltip && f.getTooltip() && p["_tip_" + lang]) { f.setTooltipContent(p["_tip_" + lang]); }
        });
      });
    });
    if (yq.map) {
      yq.map.closePopup();
      if (yq.map.yqLegendUpdate) { yq.map.yqLegendUpdate(); }
    }
  };

  /* Move every drawn feature between WGS-84 and GCJ-02 in place (same Leaflet layers, so
   * tooltips and click handlers stay). GCJ-02 geometries come from window.parent.yqGcj,
   * {layerId: [encoded geometry per feature]}, made in Python by the coordtransform package. */
  var LEVELS = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
  yq.shift = function (crs) {
    var gcj = null;
    if (crs === "gcj02") {
      try { gcj = window.parent.yqGcj || null; } catch (e) { gcj = null; }
      if (!gcj) { return false; }  // its data has not arrived yet; the next sync retries
    }
    Object.keys(yq.groups).forEach(function (id) {
      if (id === "_selection") { return; }
      yq.groups[id].eachLayer(function (layer) {
        if (!layer.eachLayer) { return; }
        layer.eachLayer(function (f) {
          if (!f.feature) { return; }
          var g = gcj ? yq.decodeGeometry(gcj[id] && gcj[id][f.yqIndex]) : f.feature.geometry;
          if (!g) { return; }
          if (g.type === "Point") { f.setLatLng(L.GeoJSON.coordsToLatLng(g.coordinates)); }
          else if (f.setLatLngs) { f.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, LEVELS[g.type])); }
        });
      });
    });
    yq.crs = crs;
    if (yq.map && yq.map.yqLegendUpdate) { yq.map.yqLegendUpdate(); }
    return true;
  };

  /* Replace the basemap tiles: state.basemap = {key, layers: [{url, options}]} or null (offline). */
  function setTiles(map, basemap) {
    var key = basemap ? basemap.key : "offline";
    if (key === yq.tilesKey) { return; }
    (yq.tiles || []).forEach(function (t) { map.removeLayer(t); });
    yq.tiles = (basemap ? basemap.layers : []).map(function (t) { return L.tileLayer(t.url, t.options).addTo(map); });
    yq.tiles.slice().reverse().forEach(function (t) { t.bringToBack(); });
    yq.tilesKey = key;
  }

  yq.sync = function () {
    var state = null;
    try { state = window.parent !== window ? window.parent.yqState : null; } catch (e) { state = null; }
    var map = yq.map;
    if (!state || !map) { return false; }
    yq.setLang(state.lang);
    setTiles(map, state.basemap || null);
    if ((state.crs || "wgs84") !== (yq.crs || "wgs84")) { yq.shift(state.crs || "wgs84"); }
    var wanted = {};
    state.visible.forEach(function (id) { wanted[id] = true; });
    Object.keys(yq.groups).forEach(function (id) {
      var g = yq.groups[id];
      if (id === "_selection") { return; }
      if (wanted[id] && !map.hasLayer(g)) { map.addLayer(g); }
      if (!wanted[id] && map.hasLayer(g)) { map.removeLayer(g); }
    });
    var selKey = state.selection ? state.selection.key : "";
    if (selKey !== yq.selectionKey) {
      if (yq.selectionLayer) { map.removeLayer(yq.selectionLayer); yq.selectionLayer = null; }
      if (state.selection) {
        yq.selectionLayer = yq.register(L.featureGroup(), "_selection", 100000);
        yq.geojson(state.selection.data, state.selection.options).addTo(yq.selectionLayer);
        map.addLayer(yq.selectionLayer);
      }
      yq.selectionKey = selKey;
    }
    if (state.view && state.view.seq !== yq.viewSeq) {
      yq.viewSeq = state.view.seq;
      if (state.view.bounds) {
        map.flyToBounds(state.view.bounds, { duration: 0.8, padding: [10, 10] });
      } else {
        map.flyTo(state.view.center, state.view.zoom, { duration: 0.8 });
      }
    }
    return true;
  };

  function registered(map) {
    var out = [];
    map.eachLayer(function (l) { if (l.yqLayerId) { out.push(l); } });
    out.sort(function (a, b) { return a.yqRank - b.yqRank; });
    return out;
  }

  /* Polygons below lines below points, whatever order layers are switched on in. */
  function restack(map) {
    registered(map).forEach(function (g) { if (g.bringToFront) { g.bringToFront(); } });
  }

  /* The legend. configs = {lang: {title, order, entries: {layerId: html}, lowConfidence, lowHtml,
   * emptyHtml, footerHtml}}; it lists exactly the registered layers on the map, in the
   * current language (yq.lang, else defaultLang). */
  yq.legend = function (map, configs, defaultLang) {
    yq.map = map;  // the page's map, for scripts and tests that need a handle on it
    if (map.yqLegend) { map.yqLegend.remove(); map.off("layeradd layerremove", map.yqLegendUpdate); }
    var control = L.control({ position: "bottomright" });
    var div;
    control.onAdd = function () {
      div = L.DomUtil.create("div", "yq-legend");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    var pending = false;
    function update() {
      if (pending) { return; }
      pending = true;
      setTimeout(function () {
        pending = false;
        var config = configs[yq.lang] || configs[defaultLang];
        var onMap = {};
        registered(map).forEach(function (g) { onMap[g.yqLayerId] = true; });
        var ids = (config.order || []).filter(function (id) { return onMap[id]; });
        var seen = {};
        var rows = [];
        var low = false;
        ids.forEach(function (id) {
          if (seen[id] || !config.entries[id]) { return; }
          seen[id] = true;
          rows.push(config.entries[id]);
          low = low || !!config.lowConfidence[id];
        });
        div.setAttribute("data-layers", Object.keys(seen).join(","));
        div.innerHTML =
          '<div class="yq-legend-title">' + config.title + "</div>" +
          (rows.length ? rows.join("") : '<div class="yq-legend-empty">' + config.emptyHtml + "</div>") +
          (low ? config.lowHtml : "") +
          '<div class="yq-legend-footer">' + config.footerHtml +
          (config.crsHtml ? "<br>" + config.crsHtml[yq.crs || config.crs] : "") + "</div>";
        restack(map);
      }, 0);
    }
    map.yqLegend = control;
    map.yqLegendUpdate = update;
    map.on("layeradd layerremove", update);
    update();
    return control;
  };

  /* A catalog layer from GeoJSON whose properties carry escaped HTML (_tip, _pop).
   * opts = {style, by, categories: {value: style}, lowDash, point, highlight}. */
  /* Restore a geometry delta-encoded by geo.geojson_io.encode_geometry. */
  var DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
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
    return { type: g.type, coordinates: walk(g.coordinates, DEPTH[g.type]) };
  };
  function decodeAll(data) {
    if (data.type === "FeatureCollection") {
      data.features.forEach(function (f) { f.geometry = yq.decodeGeometry(f.geometry); });
    } else if (data.type === "Feature") {
      data.geometry = yq.decodeGeometry(data.geometry);
    }
    return data;
  }

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

  /* Full screen: the browser's Fullscreen API where allowed, else fill the window. */
  yq.fullscreen = function (map, label) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var a = L.DomUtil.create("a", "yq-button yq-fullscreen");
      a.href = "#";
      a.title = label;
      a.setAttribute("role", "button");
      a.setAttribute("aria-label", label);
      a.innerHTML = ICON_FULLSCREEN;
      L.DomEvent.on(a, "click", function (e) {
        L.DomEvent.preventDefault(e);
        var el = map.getContainer();
        var doc = document;
        if (doc.fullscreenElement) { doc.exitFullscreen(); return; }
        if (L.DomUtil.hasClass(el, "yq-pseudo-fullscreen")) {
          L.DomUtil.removeClass(el, "yq-pseudo-fullscreen");
          map.invalidateSize();
          return;
        }
        var fallback = function () { L.DomUtil.addClass(el, "yq-pseudo-fullscreen"); map.invalidateSize(); };
        if (el.requestFullscreen) {
          el.requestFullscreen().then(function () { map.invalidateSize(); }, fallback);
        } else { fallback(); }
      });
      L.DomEvent.disableClickPropagation(a);
      return a;
    };
    return control.addTo(map);
  };

  /* Area of a lon/lat ring on the sphere (m²), by the spherical excess of its trapezoids. */
  function ringArea(latlngs) {
    var R = 6378137, d2r = Math.PI / 180, area = 0, n = latlngs.length;
    if (n < 3) { return 0; }
    for (var i = 0; i < n; i++) {
      var p1 = latlngs[i], p2 = latlngs[(i + 1) % n];
      area += (p2.lng - p1.lng) * d2r * (2 + Math.sin(p1.lat * d2r) + Math.sin(p2.lat * d2r));
    }
    return Math.abs(area * R * R / 2);
  }
  yq.ringArea = ringArea;

  function fmtKm(m) { return m >= 10000 ? (m / 1000).toFixed(1) + " km" : (m / 1000).toFixed(2) + " km"; }
  function fmtKm2(m2) { return (m2 / 1e6).toFixed(m2 >= 1e8 ? 0 : 2) + " km\u00B2"; }

  /* Measure: click points on the map; shows the path length and, from three points, the area.
   * Click the button again (or press Esc) to finish and clear. */
  yq.measure = function (map, labels) {
    var control = L.control({ position: "topleft" });
    var active = false, points = [], line = null, poly = null, box = null, button = null;
    function redraw() {
      if (line) { line.setLatLngs(points); } else { line = L.polyline(points, { color: "#d7301f", weight: 3, dashArray: "4 4", interactive: false }).addTo(map); }
      if (points.length >= 3) {
        if (poly) { poly.setLatLngs(points); } else { poly = L.polygon(points, { color: "#d7301f", weight: 1, fillOpacity: 0.1, interactive: false }).addTo(map); }
      }
      var dist = 0;
      for (var i = 1; i < points.length; i++) { dist += map.distance(points[i - 1], points[i]); }
      var text = labels.distance + ": " + fmtKm(dist);
      if (points.length >= 3) { text += " \u00B7 " + labels.area + ": " + fmtKm2(ringArea(points)); }
      box.textContent = points.length ? text : labels.hint;
      box.setAttribute("data-distance-m", String(Math.round(dist)));
      box.setAttribute("data-area-m2", String(Math.round(points.length >= 3 ? ringArea(points) : 0)));
    }
    function onClick(e) { points.push(e.latlng); redraw(); }
    function stop() {
      active = false;
      yq.measuring = false;
      points = [];
      if (line) { map.removeLayer(line); line = null; }
      if (poly) { map.removeLayer(poly); poly = null; }
      box.style.display = "none";
      L.DomUtil.removeClass(button, "yq-active");
      map.off("click", onClick);
      map.getContainer().style.cursor = "";
      if (map.doubleClickZoom) { map.doubleClickZoom.enable(); }
    }
    function start() {
      active = true;
      yq.measuring = true;
      map.closePopup();
      box.style.display = "block";
      box.textContent = labels.hint;
      L.DomUtil.addClass(button, "yq-active");
      map.on("click", onClick);
      map.getContainer().style.cursor = "crosshair";
      if (map.doubleClickZoom) { map.doubleClickZoom.disable(); }
    }
    control.onAdd = function () {
      var wrap = L.DomUtil.create("div", "yq-measure");
      button = L.DomUtil.create("a", "yq-button", wrap);
      button.href = "#";
      button.title = labels.title;
      button.setAttribute("role", "button");
      button.setAttribute("aria-label", labels.title);
      button.innerHTML = ICON_MEASURE;
      box = L.DomUtil.create("div", "yq-measure-box", wrap);
      box.style.display = "none";
      L.DomEvent.on(button, "click", function (e) { L.DomEvent.preventDefault(e); if (active) { stop(); } else { start(); } });
      L.DomEvent.disableClickPropagation(wrap);
      document.addEventListener("keydown", function (e) { if (active && e.key === "Escape") { stop(); } });
      return wrap;
    };
    return control.addTo(map);
  };
})();
