/* The 渝黔 map in the browser: one function, yq.apply(state), draws a map state.
 * The live dashboard and the exported file both call it; Python sends only data (JSON):
 *   {lang, visible: [layerId], selection: {key, data, options} | null,
 *    camera: {center, zoom} | {bounds} | null, cameraSeq, crs: "wgs84"|"gcj02",
 *    basemap: {key, layers: [{url, options}]} | null}
 * It changes only what differs from what is drawn: nothing is rebuilt. */
(function () {
  "use strict";
  var yq = window.yq;

  /* Switch every tooltip and the legend to `lang`. */
  function setLang(map, lang, texts) {
    if (!lang || lang === yq.lang) { return; }
    if (!yq.hasTexts(lang, texts && texts[lang])) { return; }  // applied again once loaded
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
    map.closePopup();
    yq.emit("legend");
    yq.emit("lang", map, lang);
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }

  /* Move every drawn feature between WGS-84 and GCJ-02 in place (same Leaflet layers, so
   * tooltips and click handlers stay). GCJ-02 copies come from yqGcj in the page
   * ({layerId: [encoded geometry per feature]}, made in Python by coordtransform). */
  function shift(map, crs) {
    var gcj = null;
    if (crs === "gcj02") {
      gcj = yq.gcjSource();
      if (!gcj) { return false; }  // its data has not arrived yet; the next apply retries
    }
    yq.layerIds().forEach(function (id) {
      yq.groups[id].eachLayer(function (layer) {
        if (layer.yqShiftTo) { layer.yqShiftTo(gcj ? gcj[id] : null); return; }  // a big layer (one canvas)
        if (!layer.eachLayer) { return; }
        var all = (layer.yqHidden || []).slice();  // features of another year move too
        layer.eachLayer(function (f) { all.push(f); });
        all.forEach(function (f) {
          if (!f.feature) { return; }
          var g = gcj ? yq.decodeGeometry(gcj[id] && gcj[id][f.yqIndex]) : f.feature.geometry;
          if (!g) { return; }
          if (g.type === "Point") { f.setLatLng(L.GeoJSON.coordsToLatLng(g.coordinates)); }
          else if (f.setLatLngs) { f.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, yq.DEPTH[g.type])); }
          f.yqShift = gcj ? offsetOf(f.feature.geometry, g) : [0, 0];  // names move with their feature
        });
      });
    });
    yq.crs = crs;
    yq.emit("legend");
    return true;
  }

  /* The (lat, lon) offset between a geometry and its shifted copy, from their first positions. */
  function firstPosition(coords) {
    while (coords && typeof coords[0] !== "number") { coords = coords[0]; }
    return coords;
  }
  function offsetOf(from, to) {
    var a = firstPosition(from.coordinates), b = firstPosition(to.coordinates);
    return a && b ? [b[1] - a[1], b[0] - a[0]] : [0, 0];
  }

  /* Tiles that cannot load (no network, a moved provider) leave the map looking like the offline
   * one; say so on the map instead. */
  function watchTiles(map, layers, message) {
    var loaded = 0, failed = 0;
    var note = yq.tileNote;
    if (note) { note.remove(); yq.tileNote = null; }
    layers.forEach(function (t) {
      t.on("tileload", function () { loaded += 1; if (yq.tileNote) { yq.tileNote.remove(); yq.tileNote = null; } });
      t.on("tileerror", function () {
        failed += 1;
        if (loaded === 0 && failed >= 2 && !yq.tileNote) {
          yq.tileNote = L.control({ position: "topright" });
          yq.tileNote.onAdd = function () {
            var div = L.DomUtil.create("div", "yq-tile-error");
            div.setAttribute("role", "status");
            div.textContent = message;
            return div;
          };
          yq.tileNote.addTo(map);
        }
      });
    });
  }

  function setTiles(map, basemap) {
    var key = basemap ? basemap.key : "offline";
    if (key === yq.tilesKey) { return; }
    (yq.tiles || []).forEach(function (t) { map.removeLayer(t); });
    yq.tiles = (basemap ? basemap.layers : []).map(function (t) { return L.tileLayer(t.url, t.options).addTo(map); });
    yq.tiles.slice().reverse().forEach(function (t) { t.bringToBack(); });
    yq.tilesKey = key;
    watchTiles(map, yq.tiles, basemap ? basemap.error : "");
  }

  function setVisible(map, visible) {
    var wanted = {};
    visible.forEach(function (id) { wanted[id] = true; });
    yq.layerIds().forEach(function (id) {
      var g = yq.groups[id];
      if (wanted[id] && !map.hasLayer(g)) { map.addLayer(g); }
      if (!wanted[id] && map.hasLayer(g)) { map.removeLayer(g); }
    });
  }

  function setSelection(map, selection) {
    var key = selection ? selection.key : "";
    if (key === yq.selectionKey) { return; }
    if (yq.selectionLayer) { map.removeLayer(yq.selectionLayer); yq.selectionLayer = null; }
    if (selection) {
      yq.selectionLayer = yq.register(L.featureGroup(), yq.SELECTION, 100000);
      yq.geojson(selection.data, selection.options).addTo(yq.selectionLayer);
      map.addLayer(yq.selectionLayer);
    }
    yq.selectionKey = key;
  }

  /* Room kept free when fitting bounds: the zoom and tool buttons on the left, the legend (when
   * open) on the right, so it never hides what was asked for. */
  function fitPadding(map, bounds) {
    var legend = map.getContainer().querySelector(".yq-legend:not(.yq-legend-closed)");
    var caption = map.getContainer().querySelector(".yq-caption");  // presentation: the view's caption
    var size = map.getSize();
    var left = Math.min(60, size.x / 6), right = Math.min(legend ? legend.offsetWidth + 20 : 20, size.x / 2);
    var options = [[left, 20, right, 20]];
    if (caption) {  // keep the caption's corner free: above it, or beside it, whichever shows more
      options = [
        [left, 20, right, Math.min(caption.offsetHeight + 12, size.y / 3)],
        [Math.min(caption.offsetWidth + 16, size.x / 2), 20, right, 20],
      ];
    }
    var best = null, bestZoom = -1;
    options.forEach(function (o) {
      var zoom = map.getBoundsZoom(bounds, false, L.point(o[0] + o[2], o[1] + o[3]));
      if (zoom > bestZoom) { best = o; bestZoom = zoom; }
    });
    return { paddingTopLeft: [best[0], best[1]], paddingBottomRight: [best[2], best[3]], maxZoom: 12 };
  }

  function setCamera(map, camera, seq, animate) {
    if (!camera || seq === yq.cameraSeq) { return; }
    // the map's first camera is where it opens, not a flight: a flight at load moved the map under
    // the reader for most of a second after it appeared, and reported three places to the page
    var first = yq.cameraSeq === undefined;
    yq.cameraSeq = seq;
    animate = animate && !first && !(yq.reducedMotion && yq.reducedMotion());  // readers who ask for less motion: a jump
    if (camera.bounds) {
      var fit = fitPadding(map, L.latLngBounds(camera.bounds));
      if (animate) { fit.duration = 0.8; map.flyToBounds(camera.bounds, fit); }
      else { fit.animate = false; map.fitBounds(camera.bounds, fit); }
    } else if (animate) {
      map.flyTo(camera.center, camera.zoom, { duration: 0.8 });
    } else {
      map.setView(camera.center, camera.zoom, { animate: false });
    }
  }

  /* Draw `state` on `map` (default: the page's map). opts.animate: fly to a new camera. */
  yq.apply = function (state, opts) {
    var map = yq.map;
    if (!state || !map) { return false; }
    var animate = !opts || opts.animate !== false;
    setLang(map, state.lang, state.texts);
    setTiles(map, state.basemap || null);
    var crs = state.crs || "wgs84";
    var stamp = yq.gcjStamp();
    // shift when the CRS changes, or when new GCJ-02 copies arrived (a layer added on a GCJ-02 basemap)
    if (crs !== (yq.crs || "wgs84") || (crs === "gcj02" && stamp !== yq.shiftedStamp)) {
      if (shift(map, crs)) { yq.shiftedStamp = stamp; }
    }
    yq.yearKey = state.year ? state.year.key : "now";
    yq.emit("year", map, state.year || null);
    yq.emit("compare", map, state.compare || null);  // after the year: it draws the other year beside it
    var yearHtml = state.year ? state.year.html : "";  // "截至 2026 年" at the top of the legend
    if (yearHtml !== yq.yearHtml) { yq.yearHtml = yearHtml; yq.emit("legend"); }
    setVisible(map, state.visible || []);
    setSelection(map, state.selection || null);
    yq.emit("present", map, state);  // first: the caption it shows is room the camera keeps free
    setCamera(map, state.camera || null, state.cameraSeq || 0, animate);
    yq.labelsOn = state.labels !== false;
    yq.emit("labels");
    yq.emit("applied", map, state);
    return true;
  };

  /* Where GCJ-02 copies of the features are: the page the map is in (the dashboard), or this one. */
  yq.gcjSource = function () {
    try { return (window.parent !== window && window.parent.yqGcj) || window.yqGcj || null; }
    catch (e) { console.error("yq: cannot read GCJ-02 data", e); return null; }
  };

  yq.gcjStamp = function () {
    try { return (window.parent !== window && window.parent.yqGcjStamp) || 0; }
    catch (e) { return 0; }
  };

  /* Dashboard: apply the latest state the page received (window.parent.yqState). */
  yq.sync = function () {
    var state = null;
    try { state = window.parent !== window ? window.parent.yqState : null; }
    catch (e) { console.error("yq: cannot read the page's map state", e); }
    return yq.apply(state);
  };

  /* Dashboard: the one-pixel state frames beside the map carry JSON blocks (#yq-state: a map
   * state with its sequence number; #yq-gcj: GCJ-02 copies of the features). Each frame's only
   * script (bridge.js) hands its document to the page's yqTake; the map, when it starts, also
   * reads the frames already there. An older state arriving late is ignored. */
  function take(page, doc) {
    var gcj = doc.getElementById("yq-gcj");
    var state = doc.getElementById("yq-state");
    if (gcj) {
      page.yqGcj = Object.assign(page.yqGcj || {}, JSON.parse(gcj.textContent));
      page.yqGcjStamp = (page.yqGcjStamp || 0) + 1;
    }
    if (state) {
      var s = JSON.parse(state.textContent);
      // an older state of the same session is ignored; another session's (a replica took over) is news
      var older = page.yqState && page.yqState.session === s.session && page.yqState.seq > s.seq;
      if (!older) { page.yqState = s; }
    }
  }

  function listen(page) {
    page.yqTake = function (doc) {
      try { take(page, doc); } catch (e) { console.error("yq: unreadable state frame", e); }
      yq.sync();
    };
    var frames = page.document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      var doc = null;
      try { doc = frames[i].contentDocument; } catch (e) { doc = null; }  // another origin: not ours
      if (doc && doc !== document) {
        try { take(page, doc); } catch (e) { console.error("yq: unreadable state frame", e); }
      }
    }
  }

  /* Start: remember the map and how its features were drawn, then apply the state in the JSON
   * block `stateId` (an export) or the page's state (the dashboard), and listen for new ones. */
  yq.boot = function (map, drawnCrs, stateId, relay) {
    yq.map = map;  // the page's map, for scripts and tests that need a handle on it (set here only)
    // whether the map is moving (a flight to a view): tests and tools wait for it to settle
    map.on("movestart", function () { yq.moving = true; });
    map.on("moveend", function () { yq.moving = false; });
    yq.relay = relay || null;
    yq.crs = drawnCrs || "wgs84";
    yq.shiftedStamp = 0;  // the features are drawn as they were sent, in drawnCrs
    // Everything waits for the page's stylesheets: a camera fitted before them measures an unstyled
    // legend (as wide as half the map) and puts the view off-centre, and names measured unstyled
    // overlap once styled.
    whenStyled(function () {
      yq.emit("boot", map);
      var block = stateId ? document.getElementById(stateId) : null;
      if (block) {
        yq.apply(JSON.parse(block.textContent), { animate: false });
        return;
      }
      try {
        if (window.parent !== window) { listen(window.parent); }
      } catch (e) { console.error("yq: cannot listen for map states", e); }
      yq.sync();
    });
  };

  /* Run `start` once every stylesheet of this document has loaded (at once in an exported file,
   * whose styles are inline). */
  function whenStyled(start) {
    var pending = Array.prototype.filter.call(document.querySelectorAll('link[rel="stylesheet"]'), function (link) {
      try { return !link.sheet; } catch (e) { return false; }
    });
    if (!pending.length) { start(); return; }  // (the frame's document is "complete" before they load)
    var left = pending.length, started = false;
    function one() {
      left -= 1;
      if (left <= 0 && !started) { started = true; start(); }
    }
    pending.forEach(function (link) {
      link.addEventListener("load", one, { once: true });
      link.addEventListener("error", one, { once: true });  // a missing stylesheet must not stop the map
    });
  }
})();
