/* The 渝黔 map in the browser: the other language, loaded when first asked for. The dashboard's
 * data bundle carries the texts of the session's first language only; switching loads the other
 * one's pack once (a published file, geo/app/appdata.py), merges it into the drawn features (hover
 * and click HTML, names, year variants, legend; all escaped in Python) and applies the state again. */
(function () {
  "use strict";
  var yq = window.yq;
  var loading = {};

  /* pack = {lang, layers: {layerId: [texts per feature, in data order; _var: texts per variant]}, legend} */
  yq.loadTexts = function (pack) {
    Object.keys(pack.layers || {}).forEach(function (id) {
      var data = yq.data[id];
      if (!data) { return; }
      pack.layers[id].forEach(function (texts, i) {
        var p = data.features[i] && data.features[i].properties;
        if (!p) { return; }
        Object.keys(texts).forEach(function (k) {
          if (k !== "_var") { p[k] = texts[k]; return; }
          texts._var.forEach(function (v, j) { Object.keys(v).forEach(function (kk) { p._var[j][kk] = v[kk]; }); });
        });
      });
    });
    var legends = {};
    legends[pack.lang] = pack.legend || {};
    yq.load({ legends: legends });  // core keeps the legends and which languages' texts are here
    yq.emit("texts", pack.lang);
  };

  /* Whether `lang`'s texts are here; if not, load them from `url` and apply the state again. */
  yq.hasTexts = function (lang, url) {
    if (yq.hasLang(lang) || !url) { return true; }  // no url: every language came with the data
    if (!loading[lang]) {
      loading[lang] = true;
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { yq.sync(); };
      script.onerror = function () { loading[lang] = false; console.error("yq: cannot load the texts of " + lang); };
      document.head.appendChild(script);
    }
    return false;
  };
})();
