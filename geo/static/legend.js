/* The 渝黔 map in the browser, part 2 of 4: the legend, which lists exactly the registered
 * layers on the map, in the current language, and keeps polygons below lines below points. */
(function () {
  "use strict";
  var yq = window.yq;

  function restack(map) {
    yq.registered(map).forEach(function (g) { if (g.bringToFront) { g.bringToFront(); } });
  }

  /* configs = {lang: {title, order, entries: {layerId: html}, lowConfidence, lowHtml, emptyHtml,
   * footerHtml, crsHtml}}. */
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
      div.setAttribute("data-layers", shown.join(","));
      div.innerHTML =
        '<div class="yq-legend-title">' + config.title + "</div>" +
        (rows.length ? rows.join("") : '<div class="yq-legend-empty">' + config.emptyHtml + "</div>") +
        (low ? config.lowHtml : "") +
        '<div class="yq-legend-footer">' + config.footerHtml +
        (config.crsHtml ? "<br>" + config.crsHtml[yq.crs || config.crs || "wgs84"] : "") + "</div>";
      restack(map);
    }
    function update() {
      if (pending) { return; }
      pending = true;
      setTimeout(render, 0);
    }
    map.yqLegend = control;
    map.yqLegendUpdate = update;
    map.on("layeradd layerremove", update);
    update();
    return control;
  };
})();
