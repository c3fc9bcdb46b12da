"""The dashboard's live map: one map element that never changes, plus a small state beside it.

streamlit-folium remounts its map whenever the generated map changes, and Streamlit resends
an element unless its bytes equal what the browser already has. So the dashboard sends:

- :func:`live_groups`: every layer, in both languages, with the legend — the same bytes on
  every rerun, so Streamlit sends it once per session and the map is never rebuilt. The layer
  data travels as a script link (:func:`data_bundle_uri`), which streamlit-folium passes on
  untouched instead of rescanning it on every rerun;
- :func:`sync_state` / :func:`sync_html`: what changes — language, visible layers, selection,
  view — handed to the map frame (same origin) and applied by ``yq.sync`` in ``yq.js``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import folium
import numpy as np
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo import geojson_io
from geo.assets import data_uri
from geo.basemaps import Basemap, Crs
from geo.gcj import to_gcj, wgs_to_gcj
from geo.i18n import LANGS, Lang
from geo.layers import LayerSet
from geo.mapview import (
    LayerPayload,
    Legend,
    MapState,
    _js,
    _MapScript,
    _ordered_visible,
    _selection_payload,
    draw_rank,
    layer_group,
    layer_payload,
    legend_config,
)


def live_payloads(layerset: LayerSet) -> dict[str, LayerPayload]:
    """Every available layer serialised once, with the text of every language."""
    return {i: layer_payload(layerset, i, LANGS) for i in layerset.available}


def data_bundle_uri(payloads: Mapping[str, LayerPayload], legends: Mapping[Lang, dict[str, Any]] | None = None) -> str:
    """A script (as a data URI) that puts every layer's data in ``yq.data`` (and the legends
    in ``yq.legendData``): streamlit-folium passes it on untouched, so no rerun rescans it."""
    parts = ["yq.data=yq.data||{};"]
    if legends is not None:
        parts.append(f"yq.legendData={_js(dict(legends))};")
    parts += [f"yq.data[{_js(layer_id)}]={payload.data_js};" for layer_id, payload in payloads.items()]
    return data_uri("".join(parts).encode("utf-8"), "text/javascript")


class _DataScript(JSCSSMixin, MacroElement):
    """Carries the data bundle as a script link (streamlit-folium loads it before the map)."""

    _template = Template("")

    def __init__(self, uri: str) -> None:
        super().__init__()
        self._name = "YqData"
        self.default_js = [("yq_data", uri)]


class _Sync(_MapScript):
    """Runs after every layer exists: remember the map, then apply the page's state."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.map = {{ this.map_name() }};
            yq.crs = "wgs84";  // every layer was just drawn from the stored WGS-84 data
            yq.sync();
        {% endmacro %}
        """
    )


def live_legends(layerset: LayerSet) -> dict[Lang, dict[str, Any]]:
    """The legend of every available layer in every language (cacheable with the payloads)."""
    return {lang: legend_config(layerset, layerset.available, lang) for lang in LANGS}


def live_groups(
    layerset: LayerSet,
    payloads: Mapping[str, LayerPayload],
    bundle_uri: str,
    bundled: Collection[str] | None = None,
    legends: Mapping[Lang, dict[str, Any]] | str | None = None,
) -> list[folium.FeatureGroup]:
    """Every available layer plus legend and sync, for streamlit-folium's ``feature_group_to_add``.

    Depends only on the data: the same bytes on every rerun and in every language. Layers not
    in `bundled` (a user's own, added during the session) carry their data inline. `legends`
    may be ``"yq.legendData"`` when the bundle carries them.
    """
    bundled = set(payloads) if bundled is None else set(bundled)
    catalog = layerset.catalog
    ranked = sorted(layerset.available, key=lambda i: draw_rank(catalog.layer(i), catalog.layer_ids.index(i)))
    groups: list[folium.FeatureGroup] = [
        layer_group(layerset, i, "zh", payload=payloads[i], data_ref=i if i in bundled else None) for i in ranked
    ]
    tail = folium.FeatureGroup(name="legend", control=False)
    _DataScript(bundle_uri).add_to(tail)
    Legend(legends or live_legends(layerset), "zh").add_to(tail)
    _Sync().add_to(tail)
    groups.append(tail)
    return groups


def gcj_html(layerset: LayerSet, layer_ids: Collection[str] | None = None) -> str:
    """A tiny page that gives the map frame every drawn feature's GCJ-02 geometry (``yqGcj``).

    Only shown while a GCJ-02 basemap is on; it is the same bytes every rerun, so Streamlit
    sends it once. ``yq.shift`` moves the features onto these geometries in place.
    """
    data = {}
    for layer_id in layerset.available if layer_ids is None else layer_ids:
        frame = layerset.frames[layer_id]
        data[layer_id] = [geojson_io.encode_geometry(to_gcj(g)) for g in frame.geometry if g is not None]
    return (
        "<script>(function(){var p=window.parent;p.yqGcj=Object.assign(p.yqGcj||{}," + _js(data) + ");"
        "var frames=p.document.querySelectorAll('iframe');"
        "for(var i=0;i<frames.length;i++){try{var w=frames[i].contentWindow;"
        "if(w&&w.yq&&w.yq.sync){w.yq.sync();if(w.yq.crs==='gcj02'){w.yq.shift('gcj02');}}}catch(e){}}})();"
        "</script>"
    )


def _view_in(view: Mapping[str, Any], crs: Crs) -> dict[str, Any]:
    """A view (centre or bounds, lat/lon) moved to the map's drawing CRS."""
    if crs != "gcj02":
        return dict(view)

    def shift(lat: float, lon: float) -> list[float]:
        x, y = wgs_to_gcj(np.array([lon]), np.array([lat]))
        return [round(float(y[0]), 6), round(float(x[0]), 6)]

    if "bounds" in view:
        (s, w), (n, e) = view["bounds"]
        return {**view, "bounds": [shift(s, w), shift(n, e)]}
    return {**view, "center": shift(*view["center"])}


def sync_state(
    layerset: LayerSet,
    state: MapState,
    *,
    view: Mapping[str, Any] | None = None,
    view_seq: int = 0,
    basemap: Basemap | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """What the dashboard's map should show now: language, visible layer ids, selection, view.

    `view` is ``{"center": [lat, lon], "zoom": z}`` or ``{"bounds": [[s, w], [n, e]]}``; the map
    moves only when `view_seq` changes, so the user's own panning is kept otherwise. On a
    GCJ-02 basemap the selection and the view are shifted like the layers; tiles needing a
    key are included only when `key` is given (raises MissingKey otherwise).
    """
    crs: Crs = basemap.crs if basemap else "wgs84"
    tiles = None
    if basemap is not None and not basemap.is_offline:
        tiles = {"key": f"{basemap.id}/{state.lang}", "layers": basemap.tile_layers(state.lang, key)}
    selection = None
    if state.selection:
        layer_id, feature_id = state.selection
        found = layerset.feature(layer_id, feature_id)
        if found is not None and found[1] is not None:
            kind = layerset.catalog.layer(layer_id).geometry
            data, options = _selection_payload(kind, found[1], crs)
            selection = {"key": f"{layer_id}/{feature_id}", "data": data, "options": options}
    return {
        "lang": state.lang,
        "visible": _ordered_visible(layerset, state.visible),
        "selection": selection,
        "view": {**_view_in(view, crs), "seq": view_seq} if view else None,
        "crs": crs,
        "basemap": tiles,
    }


def sync_html(state: dict[str, Any], *, seq: int) -> str:
    """A tiny page that hands `state` to the map frame beside it (same origin) and applies it."""
    payload = _js({**state, "seq": seq})
    return (
        "<script>(function(){var s=" + payload + ";var p=window.parent;"
        "if(p.yqState&&p.yqState.seq>s.seq){return;}p.yqState=s;"
        "var frames=p.document.querySelectorAll('iframe');"
        "for(var i=0;i<frames.length;i++){try{var w=frames[i].contentWindow;"
        "if(w&&w.yq&&w.yq.sync){w.yq.sync();}}catch(e){}}})();</script>"
    )


__all__ = ["data_bundle_uri", "gcj_html", "live_groups", "live_legends", "live_payloads", "sync_html", "sync_state"]
