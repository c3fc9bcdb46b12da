"""The map's state as URL query parameters, and back.

Parameters: ``view`` (view id), ``layers`` (comma-separated layer ids), ``basemap``,
``lang`` (zh/en), ``sel`` (a feature id such as an adcode, or ``layer/id``), ``lat``,
``lon``, ``z`` (centre and zoom), ``present`` (``1`` for presentation mode), ``labels``
(``0`` hides the names on the map) and ``year`` (2019 … this year, or ``planned``). A link is
read into a :class:`geo.state.MapState` and written from one. Explicit parameters override
the view's defaults. Anything unknown or malformed is dropped with a notice; nothing here
raises on user input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from geo import state as st
from geo.basemaps import Basemap
from geo.camera import Camera
from geo.i18n import LANGS, Lang, Text
from geo.layers import LayerSet
from geo.timeline import FIRST_YEAR, current_year, parse_year
from geo.views import View

KNOWN = ("view", "layers", "basemap", "lang", "sel", "lat", "lon", "z", "present", "labels", "year")


def _first(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value).strip()


def find_feature(layerset: LayerSet, ref: str) -> tuple[str, str] | None:
    """Resolve ``layer/id`` or a bare id to (layer id, feature id), or None."""
    layer_id, slash, feature_id = ref.partition("/")
    # a bare id (an adcode, say) is looked for in the layers of highest priority first
    candidates = [layer_id] if slash else list(layerset.catalog.by_priority(layerset.available))
    feature_id = feature_id if slash else ref
    for cand in candidates:
        frame = layerset.frame(cand)
        if frame is not None and (frame["id"].astype(str) == feature_id).any():
            return cand, feature_id
    return None


def from_query(
    params: Mapping[str, Any],
    layerset: LayerSet,
    views: Sequence[View],
    basemaps: Sequence[Basemap],
    *,
    key_for: Callable[[Basemap], str | None] = lambda basemap: None,
) -> tuple[st.MapState, list[Text]]:
    """The state a link asks for, and a notice for each parameter ignored.

    Explicit parameters override the view's defaults. Unknown layer ids are dropped; when no
    known id is left the default layers are shown. A basemap whose key (from `key_for`) is
    missing is refused with a notice.
    """
    notices: list[Text] = []
    values = {k: _first(v) for k, v in params.items()}
    for key in sorted(set(values) - set(KNOWN)):
        notices.append(Text(f"未知参数已忽略：{key}", f"unknown parameter ignored: {key}"))
    state = st.initial(layerset)

    asked_lang = values.get("lang") or None
    if asked_lang in LANGS:
        state = st.set_lang(state, _lang(asked_lang))
    elif asked_lang is not None:
        notices.append(Text(f"未知语言：{asked_lang}", f"unknown language: {asked_lang}"))

    view = next((v for v in views if v.id == values.get("view")), None)
    if values.get("view") and view is None:
        notices.append(Text(f"未知视图：{values['view']}", f"unknown view: {values['view']}"))
    if view is not None:
        state = st.open_view(state, layerset, view)

    if "layers" in values:
        asked = [x.strip() for x in values["layers"].split(",") if x.strip()]
        unknown = [x for x in asked if x not in layerset.catalog.layer_ids]
        if unknown:
            notices.append(
                Text(f"未知图层已忽略：{'、'.join(unknown)}", f"unknown layers ignored: {', '.join(unknown)}")
            )
        known = [x for x in asked if x not in unknown]
        if known or not asked:
            state = st.set_visible(state, layerset, known)
        else:
            notices.append(
                Text("链接中没有可用图层，显示默认图层", "no known layer in the link; showing the default layers")
            )

    if values.get("year"):
        try:
            state = st.set_year(state, parse_year(values["year"]))
        except ValueError:
            first, last = FIRST_YEAR, current_year()
            notices.append(
                Text(
                    f"年份无效：{values['year']}（应为 {first}–{last} 或 planned），显示 {last} 年",
                    f"invalid year: {values['year']} (use {first}–{last} or planned); showing {last}",
                )
            )

    centre, zoom = _centre_zoom(values, notices)
    if values.get("sel"):
        sel = find_feature(layerset, values["sel"])
        if sel is None:
            notices.append(Text(f"未找到要素：{values['sel']}", f"no such feature: {values['sel']}"))
        else:
            state = st.select(state, layerset, sel, zoom_to=centre is None and view is None)
    if centre is not None:
        state = st.move(state, Camera(centre=centre, zoom=zoom or 9))

    if "present" in values and values["present"] not in ("", "0", "1", "true", "false", "yes", "no"):
        notices.append(
            Text(f"present 应为 1 或 0：{values['present']}", f"present must be 1 or 0: {values['present']}")
        )
    state = st.set_present(state, values.get("present", "") in ("1", "true", "yes"))
    if "labels" in values and values["labels"] not in ("0", "1"):
        notices.append(Text(f"labels 应为 1 或 0：{values['labels']}", f"labels must be 1 or 0: {values['labels']}"))
    state = st.set_labels(state, values.get("labels", "1") != "0")

    chosen = values.get("basemap") or (view.basemap if view else None)
    if chosen:
        basemap = next((b for b in basemaps if b.id == chosen), None)
        if basemap is None:
            notices.append(Text(f"未知底图：{chosen}", f"unknown basemap: {chosen}"))
        else:
            state, used = st.set_basemap(state, basemap, key=key_for(basemap))
            if not used:
                notices.append(
                    Text(
                        f"{chosen}：未配置密钥（{basemap.key_env}）", f"{chosen}: no key configured ({basemap.key_env})"
                    )
                )
    return state, notices


def _lang(value: str) -> Lang:
    return "en" if value == "en" else "zh"


def _centre_zoom(values: Mapping[str, str], notices: list[Text]) -> tuple[tuple[float, float] | None, int | None]:
    centre = zoom = None
    if "lat" in values or "lon" in values:
        try:
            lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            centre = (lat, lon)
        except ValueError:
            notices.append(
                Text(
                    f"坐标无效：{values.get('lat')}, {values.get('lon')}",
                    f"invalid lat/lon: {values.get('lat')}, {values.get('lon')}",
                )
            )
    if "z" in values:
        try:
            zoom = int(values["z"])
            if not 3 <= zoom <= 18:
                raise ValueError
        except ValueError:
            notices.append(Text(f"缩放级别无效：{values['z']}", f"invalid zoom: {values['z']}"))
            zoom = None
    return centre, zoom


def share_link(page_url: str, state: st.MapState) -> str:
    """The link that reopens `state` on the page at `page_url` (its own query replaced)."""
    return f"{page_url.split('?')[0]}?{urlencode(to_query(state))}"


def to_query(state: st.MapState) -> dict[str, str]:
    """Query parameters that restore `state` (from_query's inverse)."""
    out: dict[str, str] = {}
    if state.view_id:
        out["view"] = state.view_id
    out["layers"] = ",".join(state.visible)
    out["basemap"] = state.basemap
    out["lang"] = state.lang
    if state.selection:
        out["sel"] = f"{state.selection[0]}/{state.selection[1]}"
    # a view's own extent comes back with the view; any other camera is written out
    if state.camera is not None and not (state.view_id and state.camera.bounds is not None):
        (lat, lon), zoom = state.camera.centre_zoom()
        out["lat"], out["lon"], out["z"] = f"{lat:.4f}", f"{lon:.4f}", str(zoom)
    if state.present:
        out["present"] = "1"
    if not state.labels:
        out["labels"] = "0"
    if state.year is not None:
        out["year"] = str(state.year)
    return out


__all__ = ["KNOWN", "find_feature", "from_query", "to_query"]
