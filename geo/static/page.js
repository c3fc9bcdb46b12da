/* The 渝黔 map in the browser: its place in the dashboard page, and presenting.
 * - The map frame fills the viewport below whatever is above it (the page's CSS reads the
 *   height from --yq-map-h, which this sets), and follows the window's size.
 * - In presentation mode: the view's title and caption sit on the map; PageDown/PageUp (what
 *   presentation clickers send), →/← and space step through the views, Esc leaves the mode;
 *   the map's own arrow-key panning is off so it does not swallow them.
 * In an exported file there is no page around the map: only the caption and keys apply. */
(function () {
  "use strict";
  var yq = window.yq;
  var MIN_HEIGHT = 320;
  var NEXT = { PageDown: 1, ArrowRight: 1, " ": 1, Spacebar: 1 };
  var PREV = { PageUp: 1, ArrowLeft: 1 };

  function page() {
    try { return window.parent !== window && window.frameElement ? window.parent : null; }
    catch (e) { return null; }  // another origin: not the dashboard
  }

  /* Size the map's frame to the rest of the viewport. */
  yq.fitFrame = function (map) {
    var p = page();
    if (!p) { return; }
    if (yq.moving) {  // resizing stops a flight half-way: size the frame when the map has arrived
      if (!yq.refitPending) { yq.refitPending = true; map.once("moveend", function () { yq.refitPending = false; yq.fitFrame(map); }); }
      return;
    }
    var rect = window.frameElement.getBoundingClientRect();
    var top = rect.top + p.scrollY;
    var height = Math.max(MIN_HEIGHT, Math.floor(p.innerHeight - top - 12));
    if (Math.abs(height - (yq.frameHeight || 0)) < 2) { return; }
    yq.frameHeight = height;
    p.document.documentElement.style.setProperty("--yq-map-h", height + "px");
    map.invalidateSize({ pan: false });
  };

  /* The dashboard's widget keys and page block this module uses, as the page sends them with every
   * state (geo/app/keys.py); none in an exported file, which has no buttons to press. */
  var keys = { next: null, prev: null, exit: null, main: null };

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || ""));
  }

  /* A presenter's key: press the page's own step or exit button, so the dashboard does the rest. */
  function onKey(e) {
    if (!yq.presenting || typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var key = NEXT[e.key] ? keys.next : PREV[e.key] ? keys.prev : e.key === "Escape" && !yq.measuring ? keys.exit : null;
    var p = page();
    var button = key && p ? p.document.querySelector(".st-key-" + key + " button") : null;
    if (!button) { return; }
    e.preventDefault();
    button.click();
  }

  function listenKeys() {
    document.addEventListener("keydown", onKey);
    var p = page();
    if (!p) { return; }
    if (p.yqKeyHandler) { p.document.removeEventListener("keydown", p.yqKeyHandler); }  // a previous map's
    p.yqKeyHandler = onKey;
    p.document.addEventListener("keydown", onKey);
  }

  function caption(map, text) {
    if (yq.captionControl) { yq.captionControl.remove(); yq.captionControl = null; }
    if (!text) { return; }
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "yq-caption");
      var head = L.DomUtil.create("div", "yq-caption-title", div);
      head.textContent = text.title;
      var body = L.DomUtil.create("p", "yq-caption-text", div);
      body.textContent = text.text;
      if (text.source) {  // long citations with their links: open on demand
        var source = L.DomUtil.create("details", "yq-caption-source", div);
        var summary = L.DomUtil.create("summary", "", source);
        summary.textContent = text.sourceLabel || "";
        var body = L.DomUtil.create("div", "", source);
        body.textContent = text.source;
      }
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    yq.captionControl = control.addTo(map);
  }

  /* With every state: presentation on or off, and the view's caption. */
  yq.on("present", function present(map, state) {
    if (state.page) {
      keys = state.page;
      var p = page();
      if (p) { observeMain(p, function () { yq.fitFrame(map); }); }
    }
    var presenting = !!state.present;
    var key = presenting && state.caption ? JSON.stringify(state.caption) : "";
    if (key !== yq.captionKey) { caption(map, presenting ? state.caption : null); yq.captionKey = key; }
    if (presenting !== yq.presenting) {
      yq.presenting = presenting;
      if (map.keyboard) { map.keyboard[presenting ? "disable" : "enable"](); }
      L.DomUtil[presenting ? "addClass" : "removeClass"](map.getContainer(), "yq-presenting");
    }
    yq.fitFrame(map);
  });

  /* Refit when what is above the map changes height (a notice, a caption). The block's selector
   * comes with the first state, which may arrive after the map starts: tried again then. */
  var observed = false;
  function observeMain(p, refit) {
    if (observed || !keys.main || !window.ResizeObserver) { return; }
    var main = p.document.querySelector(keys.main);
    if (!main) { return; }
    observed = true;
    var first = true;  // an observer reports the size it starts with: not a change, and a refit then
    new window.ResizeObserver(function () {  // would stop the first state's flight half-way
      if (first) { first = false; return; }
      refit();
    }).observe(main);
  }

  /* The map component (streamlit-folium) reports where the map is 250 ms after each move, and each
   * report reruns the dashboard. As it opens the map moves twice (its frame sized, then the first
   * state's camera): two reports, two reruns, the second one soon after the first. Its reports are
   * held from the start until the first state is applied; then a report of a move it made goes
   * as usual, and with no move the held one goes. At most 5 s held. */
  function holdReports() {
    var S = window.Streamlit;
    if (!page() || !S || typeof S.setComponentValue !== "function" || S.yqHeld) { return; }
    var send = S.setComponentValue, held = null, open = false, sent = false;
    S.yqHeld = true;
    S.setComponentValue = function () {
      if (!open) { held = arguments; return undefined; }
      sent = true;
      return send.apply(S, arguments);
    };
    function release() {
      if (open) { return; }
      open = true;
      setTimeout(function () { if (!sent && held) { send.apply(S, held); } }, 400);
    }
    yq.on("applied", release);
    setTimeout(release, 5000);
  }
  holdReports();

  yq.on("boot", function pageOnMap(map) {
    listenKeys();
    var p = page();
    if (!p) { return; }
    var refit = function () { yq.fitFrame(map); };
    p.addEventListener("resize", refit);
    observeMain(p, refit);
    refit();
  });
})();
