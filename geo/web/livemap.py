"""The dashboard's live map: one map element that never changes, plus a small state beside it.

streamlit-folium remounts its map whenever the generated map changes, and Streamlit resends
an element unless its bytes equal what the browser already has. So the dashboard sends:

- :func:`live_groups`: every layer, in both languages, with the legend — the same bytes on
  every rerun, so Streamlit sends it once per session and the map is never rebuilt. The layer
  data travels as a script link (:func:`data_bundle_uri`), which streamlit-folium passes on
  untouched instead of rescanning it on every rerun;
- :func:`sync_html`: what changes — the map state as JSON (:func:`geo.web.payloads.browser_state`)
  in a one-pixel frame whose static script (``geo/static/bridge.js``) hands it to the map
  frame (same origin), where ``yq.apply`` draws it.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

import folium

from geo.data import geojson
from geo.data.layers import LayerSet
from geo.i18n import LANGS, Lang
from geo.paths import STATIC_DIR
from geo.spatial.gcj import to_gcj
from geo.web.assets import text_uri
from geo.web.elements import Boot, DataScript, Legend, script_json
from geo.web.mapview import layer_group
from geo.web.payloads import LayerPayload, accessibility, layer_data, layer_payload, legend_config


def live_payloads(layerset: LayerSet, layer_ids: Collection[str] | None = None) -> dict[str, LayerPayload]:
    """The layers (default: every available one) serialised once, with the text of every language."""
    ids = layerset.available if layer_ids is None else layer_ids
    return {i: layer_payload(layerset, i, LANGS) for i in ids}


def live_legends(layerset: LayerSet) -> dict[Lang, dict[str, Any]]:
    """The legend of every available layer in every language (cacheable with the payloads)."""
    return {lang: legend_config(layerset, layerset.available, lang) for lang in LANGS}


def data_bundle(
    layerset: LayerSet,
    legends: Mapping[Lang, dict[str, Any]] | None = None,
    langs: tuple[Lang, ...] = LANGS,
    images: Mapping[str, str] | None = None,
) -> bytes:
    """The script that hands every layer's data with the texts of `langs`, and the legends, to
    ``yq.load``; a raster layer's image is linked at the URL `images` gives (else carried inside)."""
    bundle: dict[str, Any] = {"data": {i: layer_data(layerset, i, langs, images=images) for i in layerset.available}}
    if legends is not None:
        bundle["legends"] = {lang: legends[lang] for lang in langs}
    return f"yq.load({script_json(bundle)});".encode()


def _texts_of(props: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    own = {k: v for k, v in props.items() if k.endswith(f"_{lang}") and k[:4] in ("_tip", "_pop", "_nm_")}
    if "_var" in props:
        own["_var"] = [_texts_of(v, lang) for v in props["_var"]]
    return own


def texts_pack(layerset: LayerSet, lang: Lang, legend: dict[str, Any]) -> bytes:
    """The script that hands `lang`'s texts of every feature (in data order) and legend to
    ``yq.loadTexts``: what a session whose data bundle has the other language loads on switching."""
    layers = {
        i: [_texts_of(f["properties"], lang) for f in layer_data(layerset, i, (lang,)).get("features", [])]
        for i in layerset.available
    }
    return f"yq.loadTexts({script_json({'lang': lang, 'layers': layers, 'legend': legend})});".encode()


def data_bundle_uri(layerset: LayerSet, legends: Mapping[Lang, dict[str, Any]] | None = None) -> str:
    """:func:`data_bundle` as a data URI, which streamlit-folium passes on untouched, so no rerun
    rescans it (the dashboard serves it as a file instead when it can: geo.web.assets.publish)."""
    return text_uri(data_bundle(layerset, legends), "text/javascript")


def live_groups(
    layerset: LayerSet,
    bundle_uri: str,
    *,
    own: Mapping[str, LayerPayload] | None = None,
    lang: Lang = "zh",
) -> list[folium.FeatureGroup]:
    """Every available layer plus legend and boot, for streamlit-folium's ``feature_group_to_add``.

    Depends only on the data and the session's first language `lang` (whose texts the bundle
    holds; the other language's come when asked for): the same bytes on every rerun. The shared
    layers' data is in the bundle; a session's own layers (`own`) carry theirs inline, and then
    the legends are built here (the bundle's know only the shared layers).
    """
    own = own or {}
    groups: list[folium.FeatureGroup] = [
        layer_group(layerset, i, lang, payload=own.get(i), data_ref=None if i in own else i)
        for i in layerset.in_drawing_order(layerset.available)
    ]
    tail = folium.FeatureGroup(name="legend", control=False)
    DataScript(bundle_uri).add_to(tail)
    Legend(live_legends(layerset) if own else None, lang).add_to(tail)
    accessibility(layerset).add_to(tail)
    Boot(drawn_crs="wgs84", relay=True).add_to(tail)  # every layer was just drawn from the stored WGS-84 data
    groups.append(tail)
    return groups


@lru_cache(maxsize=1)
def _bridge() -> str:
    return (STATIC_DIR / "bridge.js").read_text(encoding="utf-8")


def _frame(block_id: str, value: Any, lang: str = "zh") -> str:
    """A tiny page: `value` as a JSON block, and the bridge that hands it to the map."""
    return (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><title>map state</title></head><body>'
        f'<script type="application/json" id="{block_id}">{script_json(value)}</script><script>{_bridge()}</script>'
        "</body></html>"
    )


Numbered = tuple[Mapping[str, Any] | None, int, str]


def numbered(shown: Mapping[str, Any], last: tuple[Any, ...]) -> Numbered:
    """`shown` with its sequence number — the last one's when nothing changed, else the next —
    and its session's id (made on the first call). The browser applies a state once per number
    and ignores an older one of the same session; a state of another session (the page came back
    through another replica after its own died) is always news."""
    session = last[2] if len(last) > 2 else secrets.token_hex(8)
    return (shown, last[1], session) if shown == last[0] else (shown, last[1] + 1, session)


def sync_html(state: Mapping[str, Any], *, seq: int, session: str = "") -> str:
    """The page that hands the browser state (:func:`geo.web.payloads.browser_state`) to the map."""
    return _frame("yq-state", {**state, "seq": seq, "session": session}, str(state.get("lang", "zh")))


def gcj_html(layerset: LayerSet, layer_ids: Collection[str] | None = None) -> str:
    """The page that gives the map every drawn feature's GCJ-02 geometry, for GCJ-02 basemaps.

    The same bytes every rerun, so Streamlit sends it once; ``yq.apply`` moves the features
    onto these geometries in place.
    """
    data = {}
    for layer_id in layerset.available if layer_ids is None else layer_ids:
        frame = layerset.frames[layer_id]
        data[layer_id] = [geojson.encode_geometry(to_gcj(g)) for g in frame.geometry if g is not None]
    return _frame("yq-gcj", data)


__all__ = [
    "data_bundle",
    "data_bundle_uri",
    "gcj_html",
    "live_groups",
    "live_legends",
    "live_payloads",
    "sync_html",
    "texts_pack",
]
