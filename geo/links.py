"""The map's state as URL query parameters, and back.

Parameters: ``view`` (view id), ``layers`` (comma-separated layer ids), ``basemap``,
``lang`` (zh/en), ``sel`` (a feature id such as an adcode, or ``layer/id``), ``lat``,
``lon``, ``z`` (centre and zoom), ``present`` (``1`` for presentation mode), ``labels``
(``0`` hides the names on the map), ``year`` (2019 … this year, or ``planned``), ``compare`` (a
year to show left of a divider, ``year`` right of it) and ``divider`` (its place, 0–1). A link is
read into a :class:`geo.state.MapState` and written from one. Explicit parameters override
the view's defaults. Anything unknown or malformed is dropped with a notice; nothing here
raises on user input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from geo import state as ms
from geo.data.basemaps import Basemap
from geo.data.ids import find
from geo.data.layers import LayerSet
from geo.data.timeline import FIRST_YEAR, current_year, parse_year
from geo.data.views import View
from geo.i18n import LANGS, Text
from geo.spatial.camera import Camera

KNOWN = (
    *("view", "layers", "basemap", "lang", "sel", "lat", "lon", "z"),
    *("present", "labels", "year", "compare", "divider"),
)


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


class LinkError(ValueError):
    """A parameter refused in strict reading (the command line): `param` names it, `text` says why."""

    def __init__(self, param: str, text: Text) -> None:
        super().__init__(text.en)
        self.param = param
        self.text = text


class _Reading:
    """One link being read into a state, parameter by parameter, in an order where each may use
    what the ones before it found (the view's basemap, whether the camera was given)."""

    def __init__(
        self,
        values: Mapping[str, str],
        layerset: LayerSet,
        basemaps: Sequence[Basemap],
        key_for: Callable[[Basemap], str | None],
        strict: bool,
    ) -> None:
        self.values, self.layerset, self.basemaps, self.key_for, self.strict = (
            values,
            layerset,
            basemaps,
            key_for,
            strict,
        )
        self.state = ms.initial(layerset)
        self.notices: list[Text] = []
        self.view: View | None = None
        self.centre: tuple[float, float] | None = None
        self.zoom: int | None = None

    def refuse(self, param: str, zh: str, en: str) -> None:
        """A parameter cannot be used: a notice, or in strict reading an error."""
        if self.strict:
            raise LinkError(param, Text(zh, en))
        self.notices.append(Text(zh, en))

    def unknown_parameters(self) -> None:
        for key in sorted(set(self.values) - set(KNOWN)):
            self.refuse(key, f"未知参数已忽略：{key}", f"unknown parameter ignored: {key}")

    def lang(self) -> None:
        asked = self.values.get("lang") or None
        if asked in LANGS:
            self.state = ms.set_lang(self.state, "en" if asked == "en" else "zh")
        elif asked is not None:
            self.refuse("lang", f"未知语言：{asked}", f"unknown language: {asked}")

    def view_(self, views: Sequence[View]) -> None:
        asked = self.values.get("view")
        self.view = find(views, asked)
        if asked and self.view is None:
            known = ", ".join(v.id for v in views)
            self.refuse("view", f"未知视图：{asked}", f"unknown view {asked!r}; known: {known}")
        if self.view is not None:
            self.state = ms.open_view(self.state, self.layerset, self.view)

    def layers(self) -> None:
        if "layers" not in self.values:
            return
        ids = self.layerset.catalog.layer_ids
        asked = [x.strip() for x in self.values["layers"].split(",") if x.strip()]
        unknown = [x for x in asked if x not in ids]
        known = [x for x in asked if x not in unknown]
        if unknown or (self.strict and not asked):
            self.refuse(
                "layers",
                f"未知图层已忽略：{'、'.join(unknown) or '（未给出）'}",
                f"unknown layer id(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(ids)}",
            )
        if known or not asked:
            self.state = ms.set_visible(self.state, self.layerset, known)
        else:
            self.refuse(
                "layers", "链接中没有可用图层，显示默认图层", "no known layer in the link; showing the default layers"
            )

    def year(self) -> None:
        asked = self.values.get("year")
        if not asked:
            return
        try:
            self.state = ms.set_year(self.state, parse_year(asked))
        except ValueError as exc:
            first, last = FIRST_YEAR, current_year()
            self.refuse(
                "year",
                f"年份无效：{asked}（应为 {first}–{last} 或 planned），显示 {last} 年",
                f"{exc}" if self.strict else f"invalid year: {asked} (use {first}–{last} or planned); showing {last}",
            )

    def compare(self) -> None:
        """``compare`` (the year on the divider's left; ``year`` is on its right) and ``divider``."""
        asked = self.values.get("compare")
        if asked:
            try:
                year = parse_year(asked)
            except ValueError as exc:
                first, last = FIRST_YEAR, current_year()
                zh = f"对比年份无效：{asked}（应为 {first}–{last} 或 planned），不作对比"
                self.refuse("compare", zh, f"{exc}" if self.strict else f"invalid compare: {asked}; not comparing")
                year = None
            shown = self.state.year if self.state.year is not None else current_year()
            if year is not None and year == shown:
                zh = f"对比年份与所示年份相同（{asked}），不作对比"
                self.refuse("compare", zh, f"compare is the year shown ({asked}); not comparing")
            self.state = ms.set_compare(self.state, year)
        self.divider()

    def divider(self) -> None:
        asked = self.values.get("divider")
        if not asked:
            return
        try:
            at = float(asked)
            if not (math.isfinite(at) and 0 <= at <= 1):
                raise ValueError
        except ValueError:
            self.refuse("divider", f"分隔线位置无效：{asked}（应为 0–1）", f"invalid divider: {asked} (use 0–1)")
            return
        self.state = ms.set_divider(self.state, at)

    def place(self) -> None:
        """Centre and zoom, then the selection (which moves the map only when nothing else placed it)."""
        self.centre, self.zoom = _centre_zoom(self.values, self)
        asked = self.values.get("sel")
        if asked:
            sel = find_feature(self.layerset, asked)
            if sel is None:
                self.refuse("sel", f"未找到要素：{asked}", f"no such feature: {asked}")
            else:
                zoom_to = self.centre is None and self.view is None
                self.state = ms.select(self.state, self.layerset, sel, zoom_to=zoom_to)
        if self.centre is not None:
            self.state = ms.move(self.state, Camera(centre=self.centre, zoom=self.zoom or 9))

    def switches(self) -> None:
        present = self.values.get("present", "")
        if present not in ("", "0", "1", "true", "false", "yes", "no"):
            self.refuse("present", f"present 应为 1 或 0：{present}", f"present must be 1 or 0: {present}")
        self.state = ms.set_present(self.state, present in ("1", "true", "yes"))
        labels = self.values.get("labels", "1")
        if labels not in ("0", "1"):
            self.refuse("labels", f"labels 应为 1 或 0：{labels}", f"labels must be 1 or 0: {labels}")
        self.state = ms.set_labels(self.state, labels != "0")

    def basemap(self) -> None:
        chosen = self.values.get("basemap") or (self.view.basemap if self.view else None)
        if not chosen:
            return
        basemap = find(self.basemaps, chosen)
        if basemap is None:
            known = ", ".join(b.id for b in self.basemaps)
            self.refuse("basemap", f"未知底图：{chosen}", f"unknown basemap {chosen!r}; known: {known}")
            return
        # the layers that follow the basemap do, unless the link lists the layers itself
        follow = None if "layers" in self.values else self.layerset
        self.state, used = ms.set_basemap(self.state, basemap, key=self.key_for(basemap), layerset=follow)
        if not used:
            env = basemap.key_env
            self.refuse("basemap", f"{chosen}：未配置密钥（{env}）", f"{chosen}: no key configured ({env})")


def from_query(
    params: Mapping[str, Any],
    layerset: LayerSet,
    views: Sequence[View],
    basemaps: Sequence[Basemap],
    *,
    key_for: Callable[[Basemap], str | None] = lambda basemap: None,
    strict: bool = False,
) -> tuple[ms.MapState, list[Text]]:
    """The state a link asks for, and a notice for each parameter ignored.

    Explicit parameters override the view's defaults. Unknown layer ids are dropped; when no
    known id is left the default layers are shown. A basemap whose key (from `key_for`) is
    missing is refused with a notice. With `strict` (the command line) the first parameter that
    cannot be used raises :class:`LinkError` instead, and no layer list may be empty.
    """
    reading = _Reading({k: _first(v) for k, v in params.items()}, layerset, basemaps, key_for, strict)
    reading.unknown_parameters()
    reading.lang()
    reading.view_(views)
    reading.layers()
    reading.year()
    reading.compare()
    reading.place()
    reading.switches()
    reading.basemap()
    return reading.state, reading.notices


def _centre_zoom(values: Mapping[str, str], reading: _Reading) -> tuple[tuple[float, float] | None, int | None]:
    centre = zoom = None
    if "lat" in values or "lon" in values:
        try:
            lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            centre = (lat, lon)
        except ValueError:
            where = f"{values.get('lat')}, {values.get('lon')}"
            reading.refuse("lat", f"坐标无效：{where}", f"invalid lat/lon: {where}")
    if "z" in values:
        try:
            zoom = int(values["z"])
            if not 3 <= zoom <= 18:
                raise ValueError
        except ValueError:
            reading.refuse("z", f"缩放级别无效：{values['z']}", f"invalid zoom: {values['z']}")
            zoom = None
    return centre, zoom


def share_link(page_url: str, state: ms.MapState, first: Mapping[str, str] | None = None) -> str:
    """The link that reopens `state` on the page at `page_url` (its own query replaced); `first`:
    parameters the state applies over (the saved map it is explored from)."""
    return f"{page_url.split('?')[0]}?{urlencode({**(first or {}), **to_query(state)})}"


def to_query(state: ms.MapState) -> dict[str, str]:
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
    camera = ms.where(state)
    if camera is not None and not (state.view_id and camera.bounds is not None):
        (lat, lon), zoom = camera.centre_zoom()
        out["lat"], out["lon"], out["z"] = f"{lat:.4f}", f"{lon:.4f}", str(zoom)
    if state.present:
        out["present"] = "1"
    if not state.labels:
        out["labels"] = "0"
    if state.year is not None:
        out["year"] = str(state.year)
    if state.compare is not None:
        out["compare"] = str(state.compare)
        if state.divider != ms.MapState.divider:
            out["divider"] = f"{state.divider:g}"
    return out


__all__ = ["KNOWN", "LinkError", "find_feature", "from_query", "share_link", "to_query"]
