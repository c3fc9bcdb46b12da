"""Sketches: points, lines and areas a reader draws on the map, with a title, a note and a colour.

The browser reports what was drawn (:func:`read_report`: an added sketch, or one whose vertices
were moved), in the drawing CRS; it is stored in WGS-84 (GCJ-02 clicks on Gaode tiles go through
the inverse), checked against the limits and repaired where an area crosses itself. The session
keeps them as a tuple of :class:`Sketch`; they are shown as up to three layers of the group
"我的标注 / My sketches" (points, lines, areas: a layer holds one geometry family) among the
reader's own layers, so toggles,
legend, search, details, table, exports, print and data downloads take them as any layer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.data.catalog import USER_GROUP, LayerSpec
from geo.data.styles import Category, PathStyle
from geo.i18n import Text
from geo.spatial.families import Family, family_of
from geo.spatial.gcj import to_wgs

GROUP = USER_GROUP  # with the uploaded layers: both are the reader's own (LayerSet.own_layers)
# Okabe & Ito's colour-blind-safe set, with names to say in the legend
PALETTE: dict[str, Text] = {
    "#e69f00": Text("橙", "orange"),
    "#56b4e9": Text("天蓝", "sky blue"),
    "#009e73": Text("蓝绿", "bluish green"),
    "#0072b2": Text("蓝", "blue"),
    "#d55e00": Text("朱红", "vermilion"),
    "#cc79a7": Text("紫红", "reddish purple"),
}
DEFAULT_COLOUR = "#d55e00"
LAYERS: dict[Family, tuple[str, Text]] = {
    "point": ("sketch_points", Text("我的标注：点", "My sketches: points")),
    "line": ("sketch_lines", Text("我的标注：线", "My sketches: lines")),
    "polygon": ("sketch_areas", Text("我的标注：面", "My sketches: areas")),
}
LAYER_IDS = tuple(layer_id for layer_id, _ in LAYERS.values())
MAX_VERTICES = 5_000  # per sketch
MAX_SKETCHES = 300  # per map
MAX_TITLE, MAX_NOTE = 100, 2_000


@dataclass(frozen=True)
class Sketch:
    """One sketch: its id (``k1`` …), family, title, note, colour and WGS-84 geometry."""

    id: str
    kind: Family
    title: str
    note: str
    colour: str
    geometry: BaseGeometry

    @property
    def layer_id(self) -> str:
        return LAYERS[self.kind][0]


class SketchError(ValueError):
    """A sketch that cannot be kept: `text` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _geometry(raw: Any, crs: str) -> BaseGeometry:
    try:
        geom = shape(raw)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        raise SketchError(Text("标注的几何无法读取", "The sketch's geometry cannot be read")) from None
    coords = shapely.get_coordinates(geom)
    if len(coords) == 0 or not bool(((abs(coords[:, 0]) <= 180) & (abs(coords[:, 1]) <= 90)).all()):
        raise SketchError(Text("标注的坐标无效", "The sketch's coordinates are not valid"))
    if len(coords) > MAX_VERTICES:
        raise SketchError(
            Text(
                f"一个标注最多 {MAX_VERTICES:,} 个顶点（此标注 {len(coords):,} 个）",
                f"A sketch has at most {MAX_VERTICES:,} vertices (this one {len(coords):,})",
            )
        )
    return to_wgs(geom) if crs == "gcj02" else geom  # drawn on Gaode tiles: back to WGS-84


def _repaired(geom: BaseGeometry, kind: Family) -> tuple[BaseGeometry, Text | None]:
    """An area that crosses itself, made valid (its polygons kept); None when nothing was done."""
    if kind != "polygon" or geom.is_valid:
        return geom, None
    fixed = shapely.make_valid(geom)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if family_of(g.geom_type) == "polygon"]
    if not parts:
        raise SketchError(Text("这个面没有面积", "This area has no area"))
    merged = shapely.unary_union(parts)
    note = Text("这个面自相交，已修复为有效的面", "The area crossed itself; it was repaired into a valid one")
    return merged, note


def _text(raw: Mapping[str, Any], key: str, limit: int) -> str:
    value = raw.get(key)
    return str(value).strip()[:limit] if isinstance(value, str) else ""


def _colour(raw: Mapping[str, Any]) -> str:
    value = str(raw.get("colour") or "").lower()
    return value if value in PALETTE else DEFAULT_COLOUR


def next_id(sketches: Sequence[Sketch]) -> str:
    numbers = [int(s.id[1:]) for s in sketches if s.id[1:].isdigit()]
    return f"k{max(numbers, default=0) + 1}"


def read_report(
    report: Mapping[str, Any], geometry: Any, crs: str, sketches: Sequence[Sketch]
) -> tuple[tuple[Sketch, ...], Text | None]:
    """The sketches after the browser's report (``add``: a new sketch; ``move``: a sketch's new
    vertices), and a note for the reader (a repair), if any.

    Raises
    ------
    SketchError
        For a geometry that cannot be read, past the limits, or a sketch that is not there.
    """
    op = report.get("op")
    if op == "add":
        if len(sketches) >= MAX_SKETCHES:
            raise SketchError(
                Text(f"一张地图最多 {MAX_SKETCHES} 个标注", f"A map holds at most {MAX_SKETCHES} sketches")
            )
        kind = report.get("kind")
        if kind not in LAYERS:
            raise SketchError(Text("标注类型无效", "Unknown kind of sketch"))
        geom, note = _repaired(_geometry(geometry, crs), kind)
        if family_of(geom.geom_type) != kind:
            raise SketchError(Text("标注的几何与类型不符", "The sketch's geometry does not match its kind"))
        title = _text(report, "title", MAX_TITLE) or f"#{next_id(sketches)[1:]}"
        sketch = Sketch(next_id(sketches), kind, title, _text(report, "note", MAX_NOTE), _colour(report), geom)
        return (*sketches, sketch), note
    if op == "move":
        found = find(sketches, str(report.get("id", "")))
        geom, note = _repaired(_geometry(geometry, crs), found.kind)
        if family_of(geom.geom_type) != found.kind:
            raise SketchError(Text("标注的几何与类型不符", "The sketch's geometry does not match its kind"))
        return replace(sketches, dataclasses.replace(found, geometry=geom)), note
    raise SketchError(Text("无法识别的标注操作", "Unknown sketch operation"))


def find(sketches: Iterable[Sketch], sketch_id: str) -> Sketch:
    for sketch in sketches:
        if sketch.id == sketch_id:
            return sketch
    raise SketchError(Text("找不到这个标注", "This sketch is not there"))


def replace(sketches: Sequence[Sketch], new: Sketch) -> tuple[Sketch, ...]:
    """The sketches with `new` in place of the one with its id."""
    return tuple(new if s.id == new.id else s for s in sketches)


def edited(sketches: Sequence[Sketch], sketch_id: str, title: str, note: str, colour: str) -> tuple[Sketch, ...]:
    """The sketches with one's title, note and colour changed (from the details panel)."""
    found = find(sketches, sketch_id)
    raw = {"title": title, "note": note, "colour": colour}
    new = dataclasses.replace(
        found,
        title=_text(raw, "title", MAX_TITLE) or found.title,
        note=_text(raw, "note", MAX_NOTE),
        colour=_colour(raw),
    )
    return replace(sketches, new)


def removed(sketches: Sequence[Sketch], sketch_id: str) -> tuple[Sketch, ...]:
    return tuple(s for s in sketches if s.id != sketch_id)


def _spec(kind: Family, colours: Iterable[str]) -> LayerSpec:
    """The layer of one family's sketches: a legend row per colour used, named with the layer."""
    layer_id, title = LAYERS[kind]
    base = PathStyle(color=DEFAULT_COLOUR, fill_color=DEFAULT_COLOUR, fill_opacity=0.25, weight=3, radius=8)
    used = set(colours)
    categories = tuple(
        Category(
            value=colour,
            style=dataclasses.replace(base, color=colour, fill_color=colour),
            label=Text(f"{title.zh}（{name.zh}）", f"{title.en} ({name.en})"),
        )
        for colour, name in PALETTE.items()
        if colour in used
    )
    return LayerSpec(
        id=layer_id,
        file="",
        group=GROUP,
        role="user",
        searchable=True,
        priority=4,
        geometry=kind,
        visible=True,
        title=title,
        description=Text(
            "你在地图上画的标注（保存地图后随地图保留）",
            "What you drew on the map (kept with the map when you save it)",
        ),
        style=base,
        style_by="colour",
        categories=categories,
        tooltip=("name",),
        popup=("name", "note"),
        source=Text("用户在地图上绘制", "drawn by the user on the map"),
        licence="As drawn by the user.",
        label_rank=0,  # the reader's own marks are named first
    )


def sketch_layers(sketches: Sequence[Sketch]) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """The sketches as layers, one per geometry family that has any."""
    out = []
    for kind in LAYERS:
        mine = [s for s in sketches if s.kind == kind]
        if not mine:
            continue
        frame = gpd.GeoDataFrame(
            {
                "id": [s.id for s in mine],
                "name": [s.title for s in mine],
                "name_zh": [s.title for s in mine],
                "name_en": [s.title for s in mine],
                "note": [s.note for s in mine],
                "properties": [s.note for s in mine],  # what saving keeps as the feature's text
                "colour": [s.colour for s in mine],
                "confidence": [None] * len(mine),
                "source": ["用户在地图上绘制 / drawn by the user on the map"] * len(mine),
            },
            geometry=[s.geometry for s in mine],
            crs="EPSG:4326",
        )
        out.append((_spec(kind, frame["colour"]), frame))
    return out


def from_frame(kind: str, frame: gpd.GeoDataFrame) -> list[Sketch]:
    """Sketches back from a saved layer (id, name, properties = note, colour, geometry)."""
    if kind not in LAYERS:
        return []
    colours = frame["colour"] if "colour" in frame else [DEFAULT_COLOUR] * len(frame)
    return [
        Sketch(str(i), kind, str(name), str(note), str(colour or DEFAULT_COLOUR), geom)  # type: ignore[arg-type]
        for i, name, note, colour, geom in zip(
            frame["id"], frame["name"], frame["properties"], colours, frame.geometry, strict=True
        )
        if geom is not None and not (isinstance(geom, float) and math.isnan(geom))
    ]


__all__ = [
    "DEFAULT_COLOUR",
    "GROUP",
    "LAYERS",
    "LAYER_IDS",
    "MAX_SKETCHES",
    "MAX_VERTICES",
    "PALETTE",
    "Sketch",
    "SketchError",
    "edited",
    "find",
    "from_frame",
    "next_id",
    "read_report",
    "removed",
    "sketch_layers",
]
