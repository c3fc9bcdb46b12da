/* The 渝黔 map in the browser: the year shown. A feature that changes with the year carries
 * _yr ({year: index into _var, or -1 when it did not exist then; "now": today}) and _var (its
 * hover and click HTML and style value in each state, escaped in Python: geo/web/payloads.py).
 * On the "year" event it swaps them in place: features leave and rejoin their layer, nothing is rebuilt. */
(function () {
  "use strict";
  var yq = window.yq;

  function features(layer) {
    var all = [];
    layer.eachLayer(function (f) { all.push(f); });
    return all.concat(layer.yqHidden || []);
  }

  function show(layer, f, variant) {
    var p = f.feature.properties;
    Object.keys(variant).forEach(function (k) { p[k] = variant[k]; });
    if (!layer.hasLayer(f)) { layer.addLayer(f); }
    if (layer.resetStyle) { layer.resetStyle(f); }
    var tip = p["_tip_" + yq.lang];
    if (tip && f.getTooltip && f.getTooltip()) { f.setTooltipContent(tip); }
  }

  var shownKey = null;  // the year drawn now

  /* Show the map as it was in year.key ("2019" … "planned", "now"). */
  yq.on("year", function setYear(map, year) {
    if (!year || year.key === shownKey) { return; }
    shownKey = year.key;
    yq.layerIds().forEach(function (id) {
      yq.groups[id].eachLayer(function (layer) {
        if (!layer.eachLayer) { return; }
        var hidden = [];
        features(layer).forEach(function (f) {
          var p = f.feature && f.feature.properties;
          if (!p || !p._yr) { return; }
          var index = year.key in p._yr ? p._yr[year.key] : p._yr.now;
          if (index === undefined || index < 0) {
            if (layer.hasLayer(f)) { layer.removeLayer(f); }
            hidden.push(f);
          } else {
            show(layer, f, p._var[index]);
          }
        });
        layer.yqHidden = hidden;
      });
    });
    map.closePopup();
  });

  /* The other language arrived: features that change with the year take their texts from the
   * variants again, at the next state. */
  yq.on("texts", function () { shownKey = null; });
})();
