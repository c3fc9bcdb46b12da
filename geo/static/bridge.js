/* Runs in the dashboard's one-pixel state frames: hands the JSON in this frame (a map state,
 * or GCJ-02 copies of the features) to the page, then asks the map frame to apply it. The map
 * frame registers window.parent.yqNotify when it starts (yq.boot in apply.js). */
(function () {
  "use strict";
  var page = window.parent;
  try {
    var state = document.getElementById("yq-state");
    var gcj = document.getElementById("yq-gcj");
    if (gcj) {
      page.yqGcj = Object.assign(page.yqGcj || {}, JSON.parse(gcj.textContent));
      page.yqGcjStamp = (page.yqGcjStamp || 0) + 1;
    }
    if (state) {
      var s = JSON.parse(state.textContent);
      if (page.yqState && page.yqState.seq > s.seq) { return; }  // an older state arriving late
      page.yqState = s;
    }
    if (typeof page.yqNotify === "function") { page.yqNotify(); }
  } catch (e) {
    console.error("yq bridge: could not hand the state to the map", e);
  }
})();
