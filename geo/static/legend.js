/* The 渝黔 map in the browser: the legend, which lists exactly the registered
 * layers on the map, in the current language, and keeps polygons below lines below points. */
(function () {
  "use strict";
  var yq = window.yq;

  var current = null;  // the legend on the page's map redraws itself
  yq.on("legend", function () { if (current) { current(); } });

  function restack(map) {
    yq.registered(map).forEach(function (g) { if (g.bringToFront) { g.bringToFront(); } });
  }

  /* configs = {lang: {title, order, entries: {layerId: html}, lowConfidence, lowHtml, emptyHtml,
   * footerHtml, crsHtml}}. */
  yq.legend = function (map, configs, defaultLang) {
    if (map.yqLegend) { map.yqLegend.remove(); map.off("layeradd layerremove", map.yqLegendUpdate); }
    var control = L.control({ position: "bottomright" });
    var div;
    control.onAdd = function () {
      div = L.DomUtil.create("div", "yq-legend yq-legend-waiting");  // out of sight until it has rows (render)
      div.setAttribute("role", "region");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(div, "click", function (e) {
        if (!e.target.closest || !e.target.closest(".yq-legend-toggle")) { return; }
        setClosed(!yq.legendClosed);
      });
      return div;
    };
    control.addTo(map);
    // Until the reader opens or closes it (their choice is kept for this tab), the legend is closed
    // while browsing whenever open it would cover more than a fifth of the map (a phone, a small
    // window, many layers); presenting, it stays open for the room.
    var stored = null;
    try { stored = window.sessionStorage.getItem("yqLegendClosed"); } catch (e) { stored = null; }
    var auto = stored === null, presenting = false;
    yq.legendClosed = auto ? map.getSize().x < 600 : stored === "1";
    function setClosed(closed) {
      auto = false;
      yq.legendClosed = closed;
      try { window.sessionStorage.setItem("yqLegendClosed", closed ? "1" : "0"); } catch (e) { /* private mode */ }
      render();
    }
    yq.on("present", function (_map, state) {
      if (map.yqLegend !== control) { return; }  // a legend made again since (the reader's own layers)
      if (presenting !== !!(state && state.present)) { presenting = !presenting; render(); }  // now: the camera fitted next keeps room for it
    });
    function tooBig() {  // the open legend's share of the map
      var size = map.getSize(), box = div.getBoundingClientRect();
      return size.x < 600 || box.width * box.height > 0.2 * size.x * size.y;
    }
    // a tooltip or popup reads above the legend: the legend fades while one overlaps it
    function fade(e) {
      var pop = e.popup || e.tooltip;
      var el = pop && pop.getElement && pop.getElement();
      if (!el || !div) { return; }
      var a = el.getBoundingClientRect(), b = div.getBoundingClientRect();
      var hit = a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom;
      L.DomUtil[hit ? "addClass" : "removeClass"](div, "yq-legend-under");
    }
    map.on("popupopen tooltipopen", function (e) { setTimeout(function () { fade(e); }, 0); });
    map.on("popupclose tooltipclose", function () { if (div) { L.DomUtil.removeClass(div, "yq-legend-under"); } });
    var pending = false, settled = false;
    setTimeout(function () { if (!settled) { settled = true; update(); } }, 3000);
    function render() {
      pending = false;
      var config = configs[yq.lang] || configs[defaultLang];
      var onMap = {};
      yq.registered(map).forEach(function (g) { onMap[g.yqLayerId] = true; });
      var rows = [], shown = [], low = false;
      (config.order || []).forEach(function (id) {
        if (!onMap[id] || !config.entries[id] || shown.indexOf(id) >= 0) { return; }
        shown.push(id);
        rows.push(config.entries[id]);
        low = low || !!config.lowConfidence[id];
      });
      // out of sight until it first has rows (or a moment has passed: a map with no layer): drawn
      // empty first and filled as the layers arrived, it grew upwards under the reader (a layout shift)
      if (rows.length) { settled = true; }
      L.DomUtil[settled ? "removeClass" : "addClass"](div, "yq-legend-waiting");
      div.setAttribute("data-layers", shown.join(","));
      div.setAttribute("aria-label", config.titleText || "");
      if (auto) { yq.legendClosed = false; }  // drawn open, measured, closed before it is painted
      L.DomUtil[yq.legendClosed ? "addClass" : "removeClass"](div, "yq-legend-closed");
      div.innerHTML =
        '<button type="button" class="yq-legend-toggle yq-legend-title" aria-expanded="' + !yq.legendClosed + '">' +
        config.title + '<span aria-hidden="true">' + (yq.legendClosed ? " ▸" : " ▾") + "</span></button>" +
        '<div class="yq-legend-body">' + (yq.yearHtml ? '<div class="yq-legend-year">' + yq.yearHtml + "</div>" : "") +
        '<ul class="yq-legend-list">' +
        (rows.length ? rows.join("") : '<li class="yq-legend-empty">' + config.emptyHtml + "</li>") +
        (low ? config.lowHtml : "") + "</ul>" +
        '<div class="yq-legend-footer">' + config.footerHtml +
        (config.crsHtml ? "<br>" + config.crsHtml[yq.crs || config.crs || "wgs84"] : "") + "</div></div>";
      if (auto && !presenting && tooBig()) { yq.legendClosed = true; redrawToggle(); }
      restack(map);
    }
    function redrawToggle() {
      L.DomUtil.addClass(div, "yq-legend-closed");
      var toggle = div.querySelector(".yq-legend-toggle");
      toggle.setAttribute("aria-expanded", "false");
      toggle.lastChild.textContent = " ▸";
    }
    function update() {
      if (pending) { return; }
      pending = true;
      setTimeout(render, 0);
    }
    map.yqLegend = control;
    map.yqLegendUpdate = update;
    current = update;
    map.on("layeradd layerremove", update);
    update();
    return control;
  };
})();
