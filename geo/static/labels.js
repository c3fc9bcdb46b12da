/* The 渝黔 map in the browser: names on the map, as DOM text (found by search-in-page, read by
 * screen readers), placed so that no two overlap. Each catalog layer with a label rank gives
 * every feature an anchor (_lab: [lat, lon, order], computed in Python: polylabel for polygons,
 * the middle of lines, the point itself; then the zoom it is named from, and for rivers the
 * places along the line) and a short name (_nm_<lang>). Names are placed by rank, then order
 * (bigger features first); a name that would overlap one already placed, or leave the map, is
 * hidden at this zoom. Points are named beside the dot (right, left, above, below: the first
 * place that is free); rivers along their line, at the first of their places that is free. */
(function () {
  "use strict";
  var yq = window.yq;
  var PAD = 3;  // px kept free around every name
  var POINT_GAP = 7;  // px between a dot and its name

  function pane(map) {
    var p = map.getPane("yqLabels");
    if (!p) {
      p = map.createPane("yqLabels");
      p.className += " yq-labels";
      p.setAttribute("aria-label", "labels");
    }
    return p;
  }

  function candidates(map) {
    var zoom = map.getZoom();
    var out = [];
    yq.registered(map).forEach(function (group) {
      var spec = yq.labelSpecs[group.yqLayerId];
      if (!spec || zoom < spec.minZoom) { return; }
      group.eachLayer(function (layer) {
        if (!layer.eachLayer) { return; }
        layer.eachLayer(function (f) {
          var p = f.feature && f.feature.properties;
          if (!p || !p._lab || zoom < (p._lab[3] || 0)) { return; }
          var side = f.yqSide || null;  // comparing: a drawing on one side of the divider
          out.push({ rank: spec.rank, order: p._lab[2], feature: f, props: p, point: !!spec.point, side: side,
                     key: group.yqLayerId + "/" + p.id + (side === "left" ? "@left" : "") });
        });
      });
    });
    out.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    return out;
  }

  function overlaps(box, placed) {
    for (var i = 0; i < placed.length; i++) {
      var o = placed[i];
      if (box.x1 > o.x0 && box.x0 < o.x1 && box.y1 > o.y0 && box.y0 < o.y1) { return true; }
    }
    return false;
  }

  /* Where the label's anchor is now (features move when the map is shifted to GCJ-02). */
  function anchorOf(c) {
    var lab = c.props._lab;
    var shift = c.feature.yqShift || [0, 0];
    return L.latLng(lab[0] + shift[0], lab[1] + shift[1]);
  }

  function box(x0, y0, w, h) {
    return { x0: x0 - PAD, y0: y0 - PAD, x1: x0 + w + PAD, y1: y0 + h + PAD };
  }

  /* Comparing, a name of a drawing on one side of the divider stays on that side. */
  function onSide(c, b) {
    var x = yq.compareX;
    if (x === null || x === undefined || !c.side) { return true; }
    return c.side === "left" ? b.x1 <= x : b.x0 >= x;
  }

  /* A name at its anchor: a point's beside the dot (right, left, above, below: the first place
   * free), an area's or a line's centred on it. */
  function fitAt(map, c, w, h, size, placed) {
    var at = map.latLngToContainerPoint(anchorOf(c));
    var offsets = c.point
      ? [[POINT_GAP, -h / 2], [-w - POINT_GAP, -h / 2], [-w / 2, -h - POINT_GAP], [-w / 2, POINT_GAP]]
      : [[-w / 2, -h / 2]];
    for (var i = 0; i < offsets.length; i++) {
      var x0 = at.x + offsets[i][0], y0 = at.y + offsets[i][1];
      var b = box(x0, y0, w, h);
      var inside = x0 >= 0 && y0 >= 0 && x0 + w <= size.x && y0 + h <= size.y;
      if (inside && onSide(c, b) && !overlaps(b, placed)) { return { box: b, x: x0, y: y0, angle: 0 }; }
    }
    return null;
  }

  /* A river's name: written along the line, at the first of its places (middle first) where it
   * stays on the map and clear of every name placed before it. Its box is the turned name's
   * bounding box. */
  function fitAlong(map, c, w, h, size, placed) {
    var shift = c.feature.yqShift || [0, 0];
    var places = c.props._lab[4];
    for (var i = 0; i < places.length; i++) {
      var q = places[i];
      var a = map.latLngToContainerPoint([q[0] + shift[0], q[1] + shift[1]]);
      var b = map.latLngToContainerPoint([q[2] + shift[0], q[3] + shift[1]]);
      var angle = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
      if (angle > 90) { angle -= 180; } else if (angle <= -90) { angle += 180; }  // never upside down
      var rad = angle * Math.PI / 180;
      var bw = Math.abs(w * Math.cos(rad)) + Math.abs(h * Math.sin(rad));
      var bh = Math.abs(w * Math.sin(rad)) + Math.abs(h * Math.cos(rad));
      var bx = box(a.x - bw / 2, a.y - bh / 2, bw, bh);
      var inside = a.x - bw / 2 >= 0 && a.y - bh / 2 >= 0 && a.x + bw / 2 <= size.x && a.y + bh / 2 <= size.y;
      if (inside && onSide(c, bx) && !overlaps(bx, placed)) {
        return { box: bx, x: a.x - w / 2, y: a.y - h / 2, angle: angle };
      }
    }
    return null;
  }

  function place(map) {
    var p = pane(map);
    var lang = yq.lang || "zh";
    var size = map.getSize();
    // the legend, the caption and the buttons are obstacles too: no name hides under them
    var origin = map.getContainer().getBoundingClientRect();
    var placed = [];
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.width && r.height) {
        placed.push({ x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top });
      }
    });
    var seen = {};
    var on = yq.labelsOn !== false;
    var els = yq.labelEls || (yq.labelEls = {});
    if (on) {
      candidates(map).forEach(function (c) {
        var text = c.props["_nm_" + lang];
        if (!text || seen[c.key]) { return; }
        seen[c.key] = true;
        var el = els[c.key];
        if (!el) {
          el = els[c.key] = L.DomUtil.create("div", "yq-label", p);
          el.setAttribute("data-key", c.key);
        }
        el.style.display = "";
        if (el.textContent !== text || !el.yqW) {  // measured once per text: no layout per move
          el.textContent = text;
          L.DomUtil[c.point ? "addClass" : "removeClass"](el, "yq-label-point");
          L.DomUtil[c.props._lab[4] ? "addClass" : "removeClass"](el, "yq-label-along");
          el.yqW = el.offsetWidth;
          el.yqH = el.offsetHeight;
        }
        var w = el.yqW, h = el.yqH;
        var fitted = c.props._lab[4] ? fitAlong(map, c, w, h, size, placed) : fitAt(map, c, w, h, size, placed);
        if (!fitted) { el.style.display = "none"; return; }
        placed.push(fitted.box);
        // the pane moves with the map: position in layer coordinates
        var layerPoint = map.containerPointToLayerPoint([fitted.x, fitted.y]);
        L.DomUtil.setPosition(el, layerPoint);
        if (fitted.angle) { el.style.transform += " rotate(" + fitted.angle.toFixed(1) + "deg)"; }
      });
    }
    Object.keys(els).forEach(function (key) { if (!seen[key]) { els[key].style.display = "none"; } });
    p.setAttribute("data-shown", String(Object.keys(els).filter(function (k) { return els[k].style.display !== "none"; }).length));
  }

  var pending = false;
  function schedule(map) {
    if (pending) { return; }
    pending = true;
    var run = function () { pending = false; place(map); };
    if (window.requestAnimationFrame) { window.requestAnimationFrame(run); } else { setTimeout(run, 16); }
  }

  yq.labelSpecs = {};
  /* Called by yq.geojson for each layer that has a label rank. */
  yq.labelSpec = function (layerId, spec, point) {
    yq.labelSpecs[layerId] = { rank: spec.rank, minZoom: spec.minZoom || 0, point: point };
  };

  /* Place again after anything that moves or changes what is drawn. */
  var placed = null;  // the map whose names this module places
  yq.on("boot", function labelsOnMap(map) {
    placed = map;
    pane(map);
    map.on("zoomend moveend layeradd layerremove resize", function () { schedule(map); });
    schedule(map);
  });
  yq.on("labels", function relabel() { if (placed) { schedule(placed); } });
})();
