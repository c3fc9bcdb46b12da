/* The 渝黔 map in the browser: for readers who use a keyboard or a screen reader.
 * - The map is the page's main landmark, with a name and a short description of what it shows
 *   (title, visible layers), kept up to date.
 * - Features are reachable without a mouse: Tab reaches the "features" list on the map; ↑/↓
 *   (or ←/→) move through the features of the visible layers, in layer priority then name; the
 *   feature in focus is outlined and brought into view; Enter selects it (details, popup); Esc
 *   returns focus to the map. PageDown/PageUp are left to the presenter's keys.
 * - What gets selected is announced (an aria-live region): its name, layer and role.
 * - The page may be zoomed: the viewport allows it. */
(function () {
  "use strict";
  var yq = window.yq;
  var FOCUS_STYLE = { color: "#1a5fb4", weight: 5, opacity: 1, fill: false, dashArray: null, interactive: false };

  function text(key) {
    var texts = yq.a11yTexts || {};
    return ((texts[yq.lang] || texts.zh || {})[key]) || "";
  }

  /* Features of the visible layers, in the catalog's priority, then by name. */
  function features(map) {
    var out = [];
    yq.registered(map).forEach(function (group) {
      if (group.yqLayerId === yq.SELECTION) { return; }
      var rank = yq.priorities[group.yqLayerId];
      group.eachLayer(function (layer) {
        if (!layer.eachLayer) { return; }
        layer.eachLayer(function (f) {
          var p = f.feature && f.feature.properties;
          if (!p || p.id === undefined) { return; }
          if (f.yqCopy && layer.hasLayer(f.yqOriginal)) { return; }  // comparing: listed once
          var name = p["_nm_" + (yq.lang || "zh")] || p["_name_" + (yq.lang || "zh")] || plain(p["_tip_" + (yq.lang || "zh")]);
          out.push({ layer: group.yqLayerId, id: String(p.id), name: name, feature: f, rank: rank === undefined ? 999 : rank });
        });
      });
    });
    out.sort(function (a, b) { return a.rank - b.rank || a.name.localeCompare(b.name, yq.lang === "en" ? "en" : "zh"); });
    return out;
  }

  function plain(html) {  // the first line of escaped tooltip HTML, as text
    var el = document.createElement("div");
    el.innerHTML = html || "";
    var b = el.querySelector("b");
    return (b ? b.textContent : el.textContent || "").trim();
  }

  function centreOf(f) {
    return f.getBounds ? f.getBounds().getCenter() : f.getLatLng();
  }

  function listControl(map) {
    var control = L.control({ position: "topleft" });
    var box, current = 0, items = [], outline = null, pending = false;
    function clearOutline() { if (outline) { map.removeLayer(outline); outline = null; } }
    function mark() {
      box.querySelectorAll("[role=option]").forEach(function (o, i) { o.setAttribute("aria-selected", String(i === current)); });
      if (items.length) { box.setAttribute("aria-activedescendant", "yq-opt-" + current); }
    }
    function show(index) {
      if (!items.length) { return; }
      current = (index + items.length) % items.length;
      mark();
      clearOutline();
      var f = items[current].feature;
      outline = f.getBounds
        ? L.rectangle(f.getBounds().pad(0.05), FOCUS_STYLE).addTo(map)
        : L.circleMarker(f.getLatLng(), L.extend({ radius: 14 }, FOCUS_STYLE)).addTo(map);
      if (f.getBounds && !map.getBounds().contains(f.getBounds())) {
        map.fitBounds(f.getBounds(), { padding: [40, 40], maxZoom: Math.max(map.getZoom(), 9), animate: !yq.reducedMotion() });
      } else if (!f.getBounds && !map.getBounds().contains(f.getLatLng())) {
        map.panTo(f.getLatLng(), { animate: !yq.reducedMotion() });
      }
    }
    /* The options: one per feature of the visible layers (rebuilt when layers or language change). */
    function rebuild() {
      pending = false;
      var titles = yq.layerTitles[yq.lang] || yq.layerTitles.zh || {};
      var keep = items[current] ? items[current].layer + "/" + items[current].id : null;
      items = features(map).map(function (it) { it.layerTitle = titles[it.layer] || it.layer; return it; });
      box.textContent = "";
      items.forEach(function (it, i) {
        var o = L.DomUtil.create("div", "yq-feature-option", box);
        o.id = "yq-opt-" + i;
        o.setAttribute("role", "option");
        o.textContent = it.name + " — " + it.layerTitle;
        if (keep === it.layer + "/" + it.id) { current = i; }
      });
      current = Math.max(0, Math.min(current, items.length - 1));
      mark();
    }
    yq.rebuildFeatureList = function () {
      if (!pending) { pending = true; setTimeout(rebuild, 50); }
    };
    control.onAdd = function () {
      box = L.DomUtil.create("div", "yq-features");
      box.setAttribute("role", "listbox");
      box.setAttribute("tabindex", "0");
      box.setAttribute("aria-label", text("features"));
      box.setAttribute("data-hint", text("featuresHint"));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(box, "focus", function () { rebuild(); show(current); });
      L.DomEvent.on(box, "blur", function () { clearOutline(); });
      L.DomEvent.on(box, "keydown", function (e) {
        var k = e.key;
        if (k === "ArrowDown" || k === "ArrowRight") { show(current + 1); }
        else if (k === "ArrowUp" || k === "ArrowLeft") { show(current - 1); }
        else if (k === "Home") { show(0); }
        else if (k === "End") { show(items.length - 1); }
        else if (k === "Enter" || k === " ") {
          var item = items[current];
          if (!item) { return; }
          item.feature.fire("click", { latlng: centreOf(item.feature) });  // popup, and the dashboard's details
          announce(item.name + (yq.lang === "en" ? ", " : "，") + item.layerTitle);
        } else if (k === "Escape") {
          map.getContainer().focus();
        } else { return; }
        L.DomEvent.preventDefault(e);
        L.DomEvent.stopPropagation(e);  // the map's own keys (panning) and the presenter's stay out of it
      });
      return box;
    };
    if (yq.featuresControl) { yq.featuresControl.remove(); }  // the map's layers changed: one list, not two
    yq.featuresControl = control.addTo(map);
    map.on("layeradd layerremove", yq.rebuildFeatureList);
    return control;
  }

  var live = null;
  function announce(message) {
    if (!live) { return; }
    live.textContent = "";
    setTimeout(function () { live.textContent = message; }, 50);  // a change screen readers notice
  }

  /* After every state: describe the map, announce a new selection. */
  yq.on("applied", function a11yApply(map, state) {
    var container = map.getContainer();
    var lang = state.lang === "en" ? "en" : "zh-CN";
    document.documentElement.lang = lang;
    try {  // the dashboard page around the map says its language too (Streamlit's says "en")
      if (window.parent !== window && window.frameElement) { window.parent.document.documentElement.lang = lang; }
    } catch (e) { /* another origin: not ours to set */ }
    if (state.describe) {
      container.setAttribute("aria-label", state.describe.name);
      var desc = document.getElementById("yq-map-description");
      if (desc) { desc.textContent = state.describe.text; }
    }
    var box = container.querySelector(".yq-features");
    if (box) {  // the list's name and options in the page's language
      box.setAttribute("aria-label", text("features"));
      box.setAttribute("data-hint", text("featuresHint"));
      yq.rebuildFeatureList();
    }
    var said = state.selection && state.selection.announce;
    if (said && said !== yq.announced) { announce(said); }
    yq.announced = said || null;
  });

  yq.reducedMotion = function () {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  };

  /* The dashboard page around the map (none in an exported file). */
  function page() {
    try { return window.parent !== window && window.frameElement ? window.parent.document : null; }
    catch (e) { return null; }
  }

  /* Skip links: "跳到地图 / Skip to map" first in the page's Tab order, "回到地图 / Back to the
   * map" at the top of the sidebar; both move the focus to the map's features list. */
  function skipLinks(map) {
    var doc = page();
    if (!doc) { return; }
    function link(cls, key, parent, before) {
      var a = doc.querySelector("a." + cls);
      if (!a) {
        a = doc.createElement("a");
        a.className = "yq-skip " + cls;
        a.href = "#";
        a.addEventListener("click", function (e) {
          e.preventDefault();
          var list = map.getContainer().querySelector(".yq-features");
          window.frameElement.scrollIntoView({ block: "nearest" });
          if (list) { list.focus(); } else { map.getContainer().focus(); }
        });
      }
      if (parent && a.parentNode !== parent) { parent.insertBefore(a, before || parent.firstChild); }
      a.textContent = text(key);
      return a;
    }
    link("yq-skip-map", "skipToMap", doc.body, doc.body.firstChild);
    var side = doc.querySelector('[data-testid="stSidebarUserContent"]');
    if (side) { link("yq-skip-back", "backToMap", side, side.firstChild); }
  }

  /* Streamlit names some of its controls in English whatever the page's language ("Help for …",
   * "Main menu", …): on the Chinese page they are named in Chinese (and back on the English one). */
  var NAMED = ["mainMenu", "collapseSidebar", "expandSidebar", "headingLink", "help", "sidebar", "openList"];
  var ENGLISH = { mainMenu: "Main menu", collapseSidebar: "Collapse sidebar", expandSidebar: "Expand sidebar",
                  headingLink: "Link to heading", help: "Help", sidebar: "Sidebar", openList: "Open" };
  function relabel() {
    var doc = page();
    if (!doc) { return; }
    doc.querySelectorAll("[aria-label]").forEach(function (el) {
      var own = el.getAttribute("data-yq-en") || el.getAttribute("aria-label");
      var said = null;
      if (own.indexOf("Help for ") === 0) { said = text("helpFor").replace("{label}", own.slice(9)); }
      else {
        NAMED.forEach(function (key) { if (own === ENGLISH[key]) { said = text(key); } });
      }
      if (said === null) { return; }
      if (!el.hasAttribute("data-yq-en")) { el.setAttribute("data-yq-en", own); }
      if (el.getAttribute("aria-label") !== said) { el.setAttribute("aria-label", said); }
    });
    var skip = doc.querySelector('[data-testid="stSkipToContent"]');
    if (skip && skip.textContent !== text("skipMain")) { skip.textContent = text("skipMain"); }
  }
  /* Alt+M, anywhere on the page: to the map's features list (the README lists it). */
  function toMapKey(map) {
    return function (e) {
      if (!e.altKey || e.code !== "KeyM") { return; }
      e.preventDefault();
      var list = map.getContainer().querySelector(".yq-features");
      if (list) { list.focus(); }
    };
  }
  function watchPage(map) {
    var doc = page();
    if (!doc) { return; }
    if (doc.yqToMap) { doc.removeEventListener("keydown", doc.yqToMap); }  // a previous map's
    doc.yqToMap = toMapKey(map);
    doc.addEventListener("keydown", doc.yqToMap);
    if (doc.yqWatching) { return; }
    doc.yqWatching = true;
    var pending = false;
    new window.parent.MutationObserver(function () {  // Streamlit redraws its widgets: name them again
      if (pending) { return; }
      pending = true;
      setTimeout(function () { pending = false; relabel(); skipLinks(map); }, 50);
    }).observe(doc.body, { childList: true, subtree: true });
  }

  yq.a11yOnMap = function (map, texts, layerTitles, priorities) {
    yq.a11yTexts = texts;
    yq.layerTitles = layerTitles;
    yq.priorities = priorities;
    var container = map.getContainer();
    container.setAttribute("role", "main");
    // again when the reader's own layers change the map's layers: the same description and status
    var desc = document.getElementById("yq-map-description") || L.DomUtil.create("p", "yq-visually-hidden", container);
    desc.id = "yq-map-description";
    container.setAttribute("aria-describedby", desc.id);
    if (!live) {
      live = L.DomUtil.create("div", "yq-visually-hidden yq-announce", container);
      live.setAttribute("aria-live", "polite");
      live.setAttribute("role", "status");
    }
    var viewport = document.querySelector('meta[name="viewport"]');
    if (viewport) { viewport.setAttribute("content", "width=device-width, initial-scale=1"); }
    listControl(map);
    // Chromium puts every SVG shape with a tooltip in the Tab order (hundreds of stops, in drawing
    // order): take them out; the features list is the one stop that reaches them, in a sensible order
    map.on("layeradd", function (e) {
      var el = e.layer && e.layer._path;
      if (el) { el.setAttribute("tabindex", "-1"); }
    });
    map.eachLayer(function (l) { if (l._path) { l._path.setAttribute("tabindex", "-1"); } });
    skipLinks(map);
    relabel();
    watchPage(map);
    yq.on("lang", function () { skipLinks(map); relabel(); });
  };
})();
