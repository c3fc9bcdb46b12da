"""The map's state as URL query parameters, and back.

Parameters: ``view`` (view id), ``layers`` (comma-separated layer ids), ``basemap``,
``lang`` (zh/en), ``sel`` (a feature id such as an adcode, or ``layer/id``), ``lat``,
``lon``, ``z`` (centre and zoom) and ``present`` (``1`` for presentation mode). Explicit
parameters override the view's defaults. Anything unknown or malformed is dropped with
a notice; nothing here raises on user input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.i18n import Lang
from geo.layers import LayerSet
from geo.views import View

KNOWN = ("view", "layers", "basemap", "lang", "sel", "lat", "lon", "z", "present")
# Where a bare feature id (e.g. an adcode) is looked for, in order.
_SEL_LAYERS = (
    "scope_yanxian",
    "scope_yanbian",
    "pole_hosts",
    "poles",
    "parks",
    "stations",
    "rail",
    "highways",
    "core",
    "belt",
    "pieces",
    "axis",
    "links",
    "counties",
)


@dataclass(frozen=True)
class UrlState:
    """What a link asks for; None means "not given"."""

    view: str | None = None
    layers: tuple[str, ...] | None = None
    basemap: str | None = None
    lang: Lang | None = None
    sel: tuple[str, str] | None = None
    centre: tuple[float, float] | None = None
    zoom: int | None = None
    present: bool = False


def _first(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value).strip()


def find_feature(layerset: LayerSet, ref: str) -> tuple[str, str] | None:
    """Resolve ``layer/id`` or a bare id to (layer id, feature id), or None."""
    layer_id, slash, feature_id = ref.partition("/")
    candidates = [layer_id] if slash else list(_SEL_LAYERS)
    feature_id = feature_id if slash else ref
    for cand in candidates:
        frame = layerset.frame(cand)
        if frame is not None and (frame["id"].astype(str) == feature_id).any():
            return cand, feature_id
    return None


def parse_query(
    params: Mapping[str, Any], layerset: LayerSet, views: tuple[View, ...], basemap_ids: tuple[str, ...] = ("offline",)
) -> tuple[UrlState, list[str]]:
    """Read query parameters; return what they ask for and a notice for each one ignored."""
    notices: list[str] = []
    values = {k: _first(v) for k, v in params.items()}
    for key in sorted(set(values) - set(KNOWN)):
        notices.append(f"未知参数已忽略 / unknown parameter ignored: {key}")

    view = values.get("view") or None
    if view is not None and view not in {v.id for v in views}:
        notices.append(f"未知视图 / unknown view: {view}")
        view = None

    layers = None
    if "layers" in values:
        asked = [x.strip() for x in values["layers"].split(",") if x.strip()]
        unknown = [x for x in asked if x not in layerset.catalog.layer_ids]
        if unknown:
            notices.append(f"未知图层已忽略 / unknown layers ignored: {', '.join(unknown)}")
        layers = tuple(x for x in asked if x not in unknown)

    basemap = values.get("basemap") or None
    if basemap is not None and basemap not in basemap_ids:
        notices.append(f"未知底图 / unknown basemap: {basemap}")
        basemap = None

    lang: Lang | None = None
    asked_lang = values.get("lang") or None
    if asked_lang is not None:
        if asked_lang == "zh":
            lang = "zh"
        elif asked_lang == "en":
            lang = "en"
        else:
            notices.append(f"未知语言 / unknown language: {asked_lang}")

    sel = None
    if values.get("sel"):
        sel = find_feature(layerset, values["sel"])
        if sel is None:
            notices.append(f"未找到要素 / no such feature: {values['sel']}")

    centre, zoom = _centre_zoom(values, notices)
    present = values.get("present", "") in ("1", "true", "yes")
    if "present" in values and values["present"] not in ("", "0", "1", "true", "false", "yes", "no"):
        notices.append(f"present 应为 1 或 0 / present must be 1 or 0: {values['present']}")
    state = UrlState(
        view=view,
        layers=layers,
        basemap=basemap,
        lang=lang,
        sel=sel,
        centre=centre,
        zoom=zoom,
        present=present,
    )
    return state, notices


def _centre_zoom(values: Mapping[str, str], notices: list[str]) -> tuple[tuple[float, float] | None, int | None]:
    centre = zoom = None
    if "lat" in values or "lon" in values:
        try:
            lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            centre = (lat, lon)
        except ValueError:
            notices.append(f"坐标无效 / invalid lat/lon: {values.get('lat')}, {values.get('lon')}")
    if "z" in values:
        try:
            zoom = int(values["z"])
            if not 3 <= zoom <= 18:
                raise ValueError
        except ValueError:
            notices.append(f"缩放级别无效 / invalid zoom: {values['z']}")
            zoom = None
    return centre, zoom


def to_query(
    *,
    view: str | None,
    visible: tuple[str, ...],
    lang: Lang,
    selection: tuple[str, str] | None,
    centre: tuple[float, float] | None,
    zoom: int | None,
    present: bool,
    basemap: str = "offline",
) -> dict[str, str]:
    """Query parameters that restore this state (parse_query's inverse)."""
    out: dict[str, str] = {}
    if view:
        out["view"] = view
    out["layers"] = ",".join(visible)
    out["basemap"] = basemap
    out["lang"] = lang
    if selection:
        out["sel"] = f"{selection[0]}/{selection[1]}"
    if centre is not None and zoom is not None:
        out["lat"], out["lon"], out["z"] = f"{centre[0]:.4f}", f"{centre[1]:.4f}", str(zoom)
    if present:
        out["present"] = "1"
    return out
