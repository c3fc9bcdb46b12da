/* The 渝黔 map in the browser: full screen and measure, our own and offline. */
(function () {
  "use strict";
  var yq = window.yq;
  var ICON_FULLSCREEN = '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><path d="M2 7V2h5M13 2h5v5M18 13v5h-5M7 18H2v-5" fill="none" stroke="#222" stroke-width="2"/></svg>';
  var ICON_MEASURE = '<svg width="22" height="20" viewBox="0 0 22 20" aria-hidden="true"><rect x="1" y="6" width="20" height="8" fill="none" stroke="#222" stroke-width="1.8"/><path d="M5 6v4M9 6v3M13 6v4M17 6v3" stroke="#222" stroke-width="1.5"/></svg>';

  /* The controls' names and messages in the current language: texts = {lang: {key: text}}. */
  function text(key) {
    var texts = yq.controlTexts || {};
    var own = texts[yq.lang] || texts.zh || {};
    return own[key] || "";
  }
  function name(el, key) {
    el.title = text(key);
    el.setAttribute("aria-label", text(key));
  }
  var redrawMeasure = function () {};  // the measure tool, when on the map, redraws its result

  /* Every control says its name in the current language (Python calls it once the controls are
   * on the map; the "lang" event again whenever the language changes). */
  yq.nameControls = function (map) {
    var root = map.getContainer();
    [[".leaflet-control-zoom-in", "zoomIn"], [".leaflet-control-zoom-out", "zoomOut"],
     [".yq-fullscreen", "fullscreen"], [".yq-measure .yq-button", "measure"]].forEach(function (pair) {
      var el = root.querySelector(pair[0]);
      if (el) { name(el, pair[1]); }
    });
    redrawMeasure();
  };
  yq.on("lang", yq.nameControls);

  /* Full screen: the browser's Fullscreen API where allowed, else fill the window. */
  yq.fullscreen = function (map, texts) {
    yq.controlTexts = texts;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var a = L.DomUtil.create("a", "yq-button yq-fullscreen");
      a.href = "#";
      a.setAttribute("role", "button");
      name(a, "fullscreen");
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

  yq.sphereArea = ringArea;  // the sketch tool measures areas the same way

  function fmtKm(m) { return m >= 10000 ? (m / 1000).toFixed(1) + " km" : (m / 1000).toFixed(2) + " km"; }
  function fmtKm2(m2) { return (m2 / 1e6).toFixed(m2 >= 1e8 ? 0 : 2) + " km\u00B2"; }

  /* Measure: click points on the map; shows the path length and, from three points, the area.
   * Click the button again (or press Esc) to finish and clear. */
  yq.measure = function (map) {
    var control = L.control({ position: "topleft" });
    var active = false, points = [], line = null, poly = null, box = null, button = null;
    function redraw() {
      if (line) { line.setLatLngs(points); } else { line = L.polyline(points, { color: "#d7301f", weight: 3, dashArray: "4 4", interactive: false }).addTo(map); }
      if (points.length >= 3) {
        if (poly) { poly.setLatLngs(points); } else { poly = L.polygon(points, { color: "#d7301f", weight: 1, fillOpacity: 0.1, interactive: false }).addTo(map); }
      }
      var dist = 0;
      for (var i = 1; i < points.length; i++) { dist += map.distance(points[i - 1], points[i]); }
      var said = text("distance") + ": " + fmtKm(dist);
      if (points.length >= 3) { said += " \u00B7 " + text("area") + ": " + fmtKm2(ringArea(points)); }
      box.textContent = points.length ? said : text("hint");
      box.setAttribute("data-distance-m", String(Math.round(dist)));
      box.setAttribute("data-area-m2", String(Math.round(points.length >= 3 ? ringArea(points) : 0)));
    }
    function onClick(e) { points.push(e.latlng); redraw(); }
    function stop() {
      active = false;
      yq.measuring = false;
      L.DomUtil.removeClass(map.getContainer(), "yq-drawing");
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
      L.DomUtil.addClass(map.getContainer(), "yq-drawing");  // clicks go through the features (yq.css)
      map.closePopup();
      box.style.display = "block";
      box.textContent = text("hint");
      L.DomUtil.addClass(button, "yq-active");
      map.on("click", onClick);
      map.getContainer().style.cursor = "crosshair";
      if (map.doubleClickZoom) { map.doubleClickZoom.disable(); }
    }
    control.onAdd = function () {
      var wrap = L.DomUtil.create("div", "yq-measure");
      button = L.DomUtil.create("a", "yq-button", wrap);
      button.href = "#";
      button.setAttribute("role", "button");
      name(button, "measure");
      button.innerHTML = ICON_MEASURE;
      box = L.DomUtil.create("div", "yq-measure-box", wrap);
      box.style.display = "none";
      L.DomEvent.on(button, "click", function (e) { L.DomEvent.preventDefault(e); if (active) { stop(); } else { start(); } });
      L.DomEvent.disableClickPropagation(wrap);
      document.addEventListener("keydown", function (e) { if (active && e.key === "Escape") { stop(); } });
      return wrap;
    };
    redrawMeasure = function () { if (active) { redraw(); } };
    return control.addTo(map);
  };
})();
