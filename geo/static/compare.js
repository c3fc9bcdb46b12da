/* The 渝黔 map in the browser: two years on one map, split by a divider.
 * The map draws the state's year (time.js); comparing, every feature that looks different in the
 * other year (state.compare.key: its variant in _yr/_var, or it did not exist) is drawn twice —
 * as it is now in a pane clipped to the divider's right, as it was in a pane clipped to its left.
 * A feature that is the same in both years stays drawn once. Copies live in their layer, so a
 * layer switch, the legend and the names apply to both sides; nothing is rebuilt while the
 * divider moves: only two clip paths change. The divider is a slider (focusable, ←/→, Home/End,
 * its place announced); where it is left is reported to the dashboard (yq.reportCompare). */
(function () {
  "use strict";
  var yq = window.yq;
  var STEP = 0.05, MIN = 0.05, MAX = 0.95;
  var SIDES = ["left", "right"];

  var built = null;  // "compare key|year key" drawn now
  var moved = [];    // {layer, feature}: originals drawn on the right side
  var copies = [];   // {layer, copy}: the other year's drawings, on the left
  var ui = null;     // the divider and the two year names
  var at = 0.5;      // the divider, as a fraction of the map's width

  function pane(map, side) {
    var name = "yqCompare" + side;
    if (!map.getPane(name)) {
      map.createPane(name).style.zIndex = 401;  // over the layers drawn once: a changed line stays visible
      yq.compareRenderers = yq.compareRenderers || {};
      yq.compareRenderers[side] = L.svg({ pane: name, padding: 0.5 });
    }
    return yq.compareRenderers[side];
  }

  function variant(p, key) {
    return key in p._yr ? p._yr[key] : p._yr.now;
  }

  function features(layer) {
    var all = [];
    layer.eachLayer(function (f) { if (!f.yqCopy) { all.push(f); } });
    return all.concat(layer.yqHidden || []);
  }

  /* Undo a comparison: copies go, originals return to the layer's own renderer. */
  function reset() {
    copies.forEach(function (c) { c.layer.removeLayer(c.copy); });
    moved.forEach(function (m) {
      delete m.feature.options.renderer;
      m.feature.yqSide = null;
      if (m.layer.hasLayer(m.feature)) { m.layer.removeLayer(m.feature); m.layer.addLayer(m.feature); }
    });
    copies = [];
    moved = [];
  }

  /* The feature `f` as it was in the left year: its properties then, its drawing now. */
  function copyOf(layer, f, v, renderer) {
    var props = {};
    var p = f.feature.properties;
    Object.keys(p).forEach(function (k) { if (k !== "_yr" && k !== "_var") { props[k] = p[k]; } });
    Object.keys(v).forEach(function (k) { props[k] = v[k]; });
    var shown = f.toGeoJSON();  // where it is drawn now (moved onto GCJ-02 tiles too)
    var copy = yq.featureCopy(layer, { type: "Feature", properties: props, geometry: shown.geometry }, renderer);
    copy.feature.geometry = f.feature.geometry;  // its stored (WGS-84) place, as the original's
    copy.yqIndex = f.yqIndex;
    copy.yqCopy = true;
    copy.yqSide = "left";
    copy.yqOriginal = f;
    return copy;
  }

  function build(map, key) {
    var left = pane(map, "left"), right = pane(map, "right");
    yq.layerIds().forEach(function (id) {
      yq.groups[id].eachLayer(function (layer) {
        if (!layer.eachLayer || !layer.yqOpts) { return; }
        features(layer).forEach(function (f) {
          var p = f.feature && f.feature.properties;
          if (!p || !p._yr) { return; }
          var then = variant(p, key), now = variant(p, yq.yearKey || "now");
          if (then === now) { return; }  // the same in both years: drawn once
          if (now >= 0) {
            f.options.renderer = right;
            f.yqSide = "right";
            moved.push({ layer: layer, feature: f });
            if (layer.hasLayer(f)) { layer.removeLayer(f); layer.addLayer(f); }
          }
          if (then >= 0) {
            var copy = copyOf(layer, f, p._var[then], left);
            copies.push({ layer: layer, copy: copy });
            layer.addLayer(copy);
          }
        });
      });
    });
  }

  /* Clip each side's pane at the divider (in the panes' own coordinates, which move with the map). */
  function clip(map) {
    if (!ui) { return; }
    var size = map.getSize();
    var x = Math.round(size.x * at);
    var a = map.containerPointToLayerPoint([0, 0]), b = map.containerPointToLayerPoint([size.x, size.y]);
    var m = map.containerPointToLayerPoint([x, 0]).x;
    var rect = function (x0, x1) {
      return "polygon(" + [[x0, a.y], [x1, a.y], [x1, b.y], [x0, b.y]].map(function (q) {
        return q[0] + "px " + q[1] + "px";
      }).join(", ") + ")";
    };
    map.getPane("yqCompareleft").style.clipPath = rect(a.x, m);
    map.getPane("yqCompareright").style.clipPath = rect(m, b.x);
    yq.compareX = x;
    ui.line.style.left = x + "px";
    ui.names.left.style.left = Math.max(8, x / 2) + "px";
    ui.names.right.style.left = Math.min(size.x - 8, (x + size.x) / 2) + "px";
    ui.handle.setAttribute("aria-valuenow", String(Math.round(at * 100)));
    ui.handle.setAttribute("aria-valuetext", (ui.atText || "{percent}%").replace("{percent}", String(Math.round(at * 100))));
  }

  var reportTimer = null;
  function setAt(map, value, report) {
    at = Math.min(MAX, Math.max(MIN, value));
    clip(map);
    if (report) {  // where the divider is left: names of one side's drawings placed again (not every frame of a drag)
      yq.emit("labels");
      clearTimeout(reportTimer);
      reportTimer = setTimeout(function () { if (yq.reportCompare) { yq.reportCompare(at); } }, 250);
    }
  }
  yq.probe.compareAt = function (value) { setAt(yq.map, value, false); return yq.compareX; };
  /* For bench/compare.py: what a swipe that redraws the other year on every move would cost. */
  yq.probe.compareRebuild = function () {
    var key = built && built.split("|")[0];
    if (!key) { return 0; }
    reset();
    build(yq.map, key);
    clip(yq.map);
    return copies.length;
  };

  function makeUi(map) {
    var box = map.getContainer();
    var line = L.DomUtil.create("div", "yq-divider", box);
    var handle = L.DomUtil.create("div", "yq-divider-handle", line);
    handle.setAttribute("role", "slider");
    handle.setAttribute("tabindex", "0");
    handle.setAttribute("aria-valuemin", String(MIN * 100));
    handle.setAttribute("aria-valuemax", String(MAX * 100));
    handle.setAttribute("aria-orientation", "horizontal");
    handle.textContent = "◀ ▶";
    var names = {};
    SIDES.forEach(function (side) {
      names[side] = L.DomUtil.create("div", "yq-side-year leaflet-control yq-side-" + side, box);
    });
    L.DomEvent.disableClickPropagation(line);
    L.DomEvent.on(line, "wheel", L.DomEvent.stopPropagation);
    var dragging = false;
    function follow(e) {
      var r = box.getBoundingClientRect();
      setAt(map, (e.clientX - r.left) / r.width, false);
    }
    L.DomEvent.on(line, "pointerdown", function (e) {
      dragging = true;
      line.setPointerCapture(e.pointerId);
      map.dragging.disable();
      L.DomEvent.preventDefault(e);
      L.DomEvent.stopPropagation(e);
    });
    L.DomEvent.on(line, "pointermove", function (e) { if (dragging) { follow(e); } });
    L.DomEvent.on(line, "pointerup pointercancel", function (e) {
      if (!dragging) { return; }
      dragging = false;
      map.dragging.enable();
      follow(e);
      setAt(map, at, true);
    });
    L.DomEvent.on(handle, "keydown", function (e) {
      var step = { ArrowLeft: -STEP, ArrowRight: STEP, ArrowDown: -STEP, ArrowUp: STEP }[e.key];
      if (e.key === "Home") { step = MIN - at; } else if (e.key === "End") { step = MAX - at; }
      if (step === undefined) { return; }
      L.DomEvent.preventDefault(e);
      L.DomEvent.stopPropagation(e);  // the map's own arrow-key panning stays out of it
      setAt(map, at + step, true);
    });
    map.on("move zoom viewreset resize", function () { clip(map); });
    return { line: line, handle: handle, names: names };
  }

  function show(map, compare) {
    if (!ui) { ui = makeUi(map); }
    ui.line.style.display = "";
    SIDES.forEach(function (side) {
      ui.names[side].style.display = "";
      ui.names[side].innerHTML = compare[side];  // escaped in Python
    });
    ui.handle.setAttribute("aria-label", plain(compare.name));
    ui.atText = plain(compare.at);
  }

  function plain(html) {
    var el = document.createElement("div");
    el.innerHTML = html || "";
    return el.textContent;
  }

  function hide(map) {
    if (!ui) { return; }
    ui.line.style.display = "none";
    SIDES.forEach(function (side) { ui.names[side].style.display = "none"; });
    SIDES.forEach(function (side) { var p = map.getPane("yqCompare" + side); if (p) { p.style.clipPath = ""; } });
    yq.compareX = null;
  }

  /* Compare the state's year with compare.key (left of the divider); null: one year. */
  yq.on("compare", function setCompare(map, compare) {
    var key = compare ? compare.key + "|" + (yq.yearKey || "now") : null;
    if (key !== built) {
      reset();
      if (compare) { build(map, compare.key); }
      built = key;
      yq.emit("legend");
    }
    if (!compare) { hide(map); return; }
    show(map, compare);
    if (Math.abs(compare.divider - yq.reportedAt) > 1e-6 || !ui.placed) {
      at = compare.divider;
      ui.placed = true;
    }
    yq.reportedAt = compare.divider;
    clip(map);
  });
  /* The other language's texts arrived: the copies take them at the next state. */
  yq.on("texts", function () { built = null; });
})();
