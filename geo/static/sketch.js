/* Sketch on the map: a point, a line or an area, with a title, a note and a colour (the dashboard
 * only: what is drawn goes to the dashboard through the relay, which keeps it in WGS-84 — an
 * exported file has no relay and no sketch tool).
 *
 * Mouse: click to add vertices; double-click or Enter finishes; Backspace removes the last
 * vertex; Esc cancels. Keyboard: arrow keys pan the map under the centre cross, V adds a vertex
 * there, Enter finishes. Lines show their length and areas their area (geodesic, as the measure
 * tool) while drawing. A selected sketch's vertices can be dragged ("Move vertices"). */
(function () {
  "use strict";
  var yq = window.yq;
  var ICON = '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><path d="M3 17l1-4L14 3l3 3L7 16zM12.5 4.5l3 3" fill="none" stroke="#222" stroke-width="1.8" stroke-linejoin="round"/></svg>';
  var COLOURS = ["#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00", "#cc79a7"];
  var MIN_POINTS = { point: 1, line: 2, polygon: 3 };
  var SKETCH_LAYERS = { sketch_points: "point", sketch_lines: "line", sketch_areas: "polygon" };

  function text(key) {
    var texts = yq.controlTexts || {};
    var own = texts[yq.lang] || texts.zh || {};
    return own[key] || "";
  }
  function el(tag, cls, parent, label) {
    var node = L.DomUtil.create(tag, cls || "", parent);
    if (label) { node.setAttribute("data-text", label); }
    return node;
  }
  function fmtKm(m) { return (m / 1000).toFixed(m >= 10000 ? 1 : 2) + " km"; }
  function fmtKm2(m2) { return (m2 / 1e6).toFixed(m2 >= 1e8 ? 0 : 2) + " km\u00B2"; }
  function lengthOf(map, pts) {
    var d = 0;
    for (var i = 1; i < pts.length; i++) { d += map.distance(pts[i - 1], pts[i]); }
    return d;
  }

  /* Tell the dashboard what was drawn (or moved), as a click on no feature carrying the sketch. */
  function report(sketch, coords, kind) {
    var relay = yq.relay;
    if (!relay) { return; }
    var type = { point: "Point", line: "LineString", polygon: "Polygon" }[kind];
    var geometry = { type: type, coordinates: coords };
    sketch.crs = yq.crs;  // the dashboard takes GCJ-02 clicks back to WGS-84
    sketch.n = (yq.sketchReports = (yq.sketchReports || 0) + 1);  // two equal sketches are two reports
    var feature = { type: "Feature", properties: { sketch: sketch }, geometry: geometry };
    relay.fire("click", { latlng: yq.map.getCenter(), layer: { toGeoJSON: function () { return feature; } } });
  }
  function coordsOf(kind, pts) {
    var ring = pts.map(function (p) { return [Math.round(p.lng * 1e7) / 1e7, Math.round(p.lat * 1e7) / 1e7]; });
    if (kind === "point") { return ring[0]; }
    if (kind === "line") { return ring; }
    return [ring.concat([ring[0]])];
  }

  yq.sketch = function (map) {
    var control = L.control({ position: "topleft" });
    var active = false, kind = "polygon", colour = "#d55e00", pts = [], drawn = null, vertices = null;
    var wrap, button, panel, kinds = {}, swatches = {}, title, note, live, status, cross, moveButton;
    var moving = null;  // {id, kind, markers}

    function say(message) { status.textContent = message; }
    function redraw() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      if (vertices) { map.removeLayer(vertices); vertices = null; }
      var style = { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.2, interactive: false };
      if (pts.length) {
        if (kind === "polygon" && pts.length >= 3) { drawn = L.polygon(pts, style); }
        else if (kind !== "point" && pts.length >= 2) { drawn = L.polyline(pts, style); }
        if (drawn) { drawn.addTo(map); }
        vertices = L.featureGroup(pts.map(function (p) {
          return L.circleMarker(p, { radius: 5, color: "#222", weight: 1.5, fillColor: colour, fillOpacity: 1, interactive: false });
        })).addTo(map);
      }
      var said = "";
      if (kind === "line" && pts.length >= 2) { said = text("distance") + ": " + fmtKm(lengthOf(map, pts)); }
      if (kind === "polygon" && pts.length >= 3) { said = text("area") + ": " + fmtKm2(yq.sphereArea(pts)); }
      live.textContent = said || text("sketchHint");
      live.setAttribute("data-length-m", kind === "line" ? String(Math.round(lengthOf(map, pts))) : "0");
      live.setAttribute("data-area-m2", kind === "polygon" && pts.length >= 3 ? String(Math.round(yq.sphereArea(pts))) : "0");
      live.setAttribute("data-vertices", String(pts.length));
    }
    function add(latlng) {
      if (kind === "point") { pts = [latlng]; } else { pts.push(latlng); }
      redraw();
    }
    function onClick(e) { add(e.latlng); }
    function onDoubleClick(e) {
      L.DomEvent.stop(e);
      // a double click is two clicks first: they added the same place twice
      while (pts.length >= 2 && pts[pts.length - 1].equals(pts[pts.length - 2])) { pts.pop(); }
      finish();
    }
    function clear() {
      pts = [];
      redraw();
    }
    function finish() {
      if (pts.length < MIN_POINTS[kind]) { say(text("sketchTooFew")); return; }
      var sketch = { op: "add", kind: kind, title: title.value, note: note.value, colour: colour };
      report(sketch, coordsOf(kind, pts), kind);
      say(text("sketchAdded").replace("{title}", title.value || ""));
      title.value = ""; note.value = "";
      clear();
    }
    function setKind(k) {
      kind = k;
      Object.keys(kinds).forEach(function (key) { kinds[key].setAttribute("aria-pressed", String(key === k)); });
      if (k === "point" && pts.length > 1) { pts = pts.slice(-1); }
      redraw();
    }
    function setColour(c) {
      colour = c;
      Object.keys(swatches).forEach(function (key) { swatches[key].setAttribute("aria-checked", String(key === c)); });
      redraw();
    }
    function onKey(e) {
      if (!active) { return; }
      var typing = /^(INPUT|TEXTAREA)$/.test((e.target && e.target.tagName) || "");
      if (e.key === "Escape") { stop(); return; }
      if (typing) { return; }  // Backspace and Enter belong to the title and the note there
      if (e.key === "Enter") { e.preventDefault(); finish(); }
      else if (e.key === "Backspace") { e.preventDefault(); pts.pop(); redraw(); }
      else if (e.key === "v" || e.key === "V") { e.preventDefault(); add(map.getCenter()); say(text("sketchVertex").replace("{n}", String(pts.length))); }
    }
    function start() {
      active = true;
      yq.measuring = true;  // clicks draw, they do not pick features
      L.DomUtil.addClass(map.getContainer(), "yq-drawing");  // … nor reach them (yq.css)
      map.closePopup();
      panel.style.display = "block";
      cross.style.display = "block";
      L.DomUtil.addClass(button, "yq-active");
      button.setAttribute("aria-expanded", "true");
      map.on("click", onClick);
      map.on("dblclick", onDoubleClick);
      map.getContainer().style.cursor = "crosshair";
      if (map.doubleClickZoom) { map.doubleClickZoom.disable(); }
      redraw();
      updateMove();
    }
    function stop() {
      endMove(false);
      active = false;
      yq.measuring = false;
      L.DomUtil.removeClass(map.getContainer(), "yq-drawing");
      clear();
      panel.style.display = "none";
      cross.style.display = "none";
      L.DomUtil.removeClass(button, "yq-active");
      button.setAttribute("aria-expanded", "false");
      map.off("click", onClick);
      map.off("dblclick", onDoubleClick);
      map.getContainer().style.cursor = "";
      if (map.doubleClickZoom) { map.doubleClickZoom.enable(); }
    }

    /* Move vertices: the selected sketch's vertices become draggable; "Done" reports them. */
    function selectedSketch() {
      var key = yq.selectionKey || "";
      var layerId = key.split("/")[0];
      if (!SKETCH_LAYERS[layerId] || !yq.selectionLayer) { return null; }
      var shapes = [];
      yq.selectionLayer.eachLayer(function (g) { if (g.eachLayer) { g.eachLayer(function (f) { shapes.push(f); }); } else { shapes.push(g); } });
      return shapes.length ? { id: key.split("/").slice(1).join("/"), kind: SKETCH_LAYERS[layerId], shape: shapes[0] } : null;
    }
    function updateMove() {
      var found = selectedSketch();
      moveButton.style.display = found || moving ? "inline-block" : "none";
      moveButton.textContent = moving ? text("sketchMoveDone") : text("sketchMove");
    }
    function startMove() {
      var found = selectedSketch();
      if (!found) { return; }
      var shape = found.shape, latlngs;
      if (found.kind === "point") { latlngs = [shape.getLatLng()]; }
      else { latlngs = shape.getLatLngs(); while (Array.isArray(latlngs[0])) { latlngs = latlngs[0]; } }
      var markers = latlngs.map(function (p) {
        return L.marker(p, { draggable: true, keyboard: true, title: text("sketchDrag"),
                             icon: L.divIcon({ className: "yq-sketch-vertex", iconSize: [14, 14] }) }).addTo(map);
      });
      moving = { id: found.id, kind: found.kind, markers: markers };
      updateMove();
      say(text("sketchDragHint"));
    }
    function endMove(send) {
      if (!moving) { return; }
      var done = moving;
      moving = null;
      var moved = done.markers.map(function (m) { return m.getLatLng(); });
      done.markers.forEach(function (m) { map.removeLayer(m); });
      if (send) { report({ op: "move", id: done.id }, coordsOf(done.kind, moved), done.kind); say(text("sketchMoved")); }
      updateMove();
    }

    control.onAdd = function () {
      wrap = el("div", "yq-sketch");
      button = el("a", "yq-button", wrap);
      button.href = "#";
      button.setAttribute("role", "button");
      button.setAttribute("aria-expanded", "false");
      button.innerHTML = ICON;
      panel = el("div", "yq-sketch-panel", wrap);
      panel.style.display = "none";
      panel.setAttribute("role", "group");
      var row = el("div", "yq-sketch-kinds", panel);
      ["point", "line", "polygon"].forEach(function (k) {
        var b = el("button", "yq-sketch-kind", row, { point: "sketchPoint", line: "sketchLine", polygon: "sketchArea" }[k]);
        b.type = "button";
        b.setAttribute("data-kind", k);
        L.DomEvent.on(b, "click", function () { setKind(k); });
        kinds[k] = b;
      });
      var colours = el("div", "yq-sketch-colours", panel);
      colours.setAttribute("role", "radiogroup");
      COLOURS.forEach(function (c) {
        var s = el("button", "yq-sketch-swatch", colours);
        s.type = "button";
        s.setAttribute("role", "radio");
        s.setAttribute("data-colour", c);
        s.style.background = c;
        L.DomEvent.on(s, "click", function () { setColour(c); });
        swatches[c] = s;
      });
      title = el("input", "yq-sketch-title", panel);
      title.type = "text";
      title.maxLength = 100;
      L.DomEvent.on(title, "keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); finish(); } });
      note = el("textarea", "yq-sketch-note", panel);
      note.maxLength = 2000;
      note.rows = 2;
      live = el("div", "yq-sketch-live", panel);
      var actions = el("div", "yq-sketch-actions", panel);
      [["sketchAddCentre", function () { add(map.getCenter()); say(text("sketchVertex").replace("{n}", String(pts.length))); }],
       ["sketchFinish", finish], ["sketchUndo", function () { pts.pop(); redraw(); }], ["sketchCancel", stop]].forEach(function (pair) {
        var b = el("button", "yq-sketch-action", actions, pair[0]);
        b.type = "button";
        L.DomEvent.on(b, "click", pair[1]);
      });
      moveButton = el("button", "yq-sketch-action yq-sketch-move", actions);
      moveButton.type = "button";
      L.DomEvent.on(moveButton, "click", function () { if (moving) { endMove(true); } else { startMove(); } });
      status = el("div", "yq-sketch-status", panel);
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      cross = el("div", "yq-sketch-cross", map.getContainer());
      cross.setAttribute("aria-hidden", "true");
      cross.style.display = "none";
      L.DomEvent.on(button, "click", function (e) { L.DomEvent.preventDefault(e); if (active) { stop(); } else { start(); } });
      L.DomEvent.disableClickPropagation(wrap);
      L.DomEvent.disableScrollPropagation(wrap);
      L.DomEvent.on(panel, "keydown", L.DomEvent.stopPropagation);  // typing a note never pans the map
      document.addEventListener("keydown", onKey);  // the map's keys bubble up to it: one listener
      setKind(kind);
      setColour(colour);
      name();
      return wrap;
    };
    function name() {  // every label in the current language
      if (!button) { return; }
      button.title = text("sketch");
      button.setAttribute("aria-label", text("sketch"));
      panel.setAttribute("aria-label", text("sketch"));
      panel.querySelectorAll("[data-text]").forEach(function (node) { node.textContent = text(node.getAttribute("data-text")); });
      COLOURS.forEach(function (c, i) { swatches[c].setAttribute("aria-label", (text("sketchColours") || "").split("|")[i] || c); });
      title.placeholder = text("sketchTitle"); title.setAttribute("aria-label", text("sketchTitle"));
      note.placeholder = text("sketchNote"); note.setAttribute("aria-label", text("sketchNote"));
      updateMove();
      redraw();
    }
    yq.on("lang", name);
    yq.on("applied", function () { if (active) { updateMove(); } });
    yq.sketching = function () { return active; };
    return control;
  };

  /* The tool joins the map only where what is drawn can be kept: the dashboard (it has a relay). */
  yq.on("boot", function (map) {
    if (yq.relay && !yq.sketchControl) { yq.sketchControl = yq.sketch(map).addTo(map); }
  });
})();
