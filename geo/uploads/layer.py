"""A user's own file as an extra layer: GeoJSON, zipped Shapefile or GeoPackage.

Everything is read from memory (:mod:`geo.uploads.files`) and checked before anything is
kept: size and zip limits, unsafe zip names, missing shapefile parts, CRS,
coordinates that are not degrees, attribute encoding (GBK/GB18030 without a ``.cpg``),
feature and vertex counts. Problems raise one :class:`LayerError` naming the file; repairs
and doubts are reported, never silent. Property values are escaped when drawn, like all data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.data.catalog import USER_GROUP, LayerSpec
from geo.data.layers import LayerError, LayerSet
from geo.data.styles import PathStyle
from geo.i18n import Lang, Text
from geo.spatial.families import GEOMETRY_FAMILIES, family_of
from geo.spatial.gcj import to_wgs
from geo.uploads.files import (
    Limits,
    check_features,
    fail,
    looks_like_degrees,
    outside_china,
    read_geojson,
    read_with_gdal,
    read_zip,
    swap_xy,
)

_NAME_KEYS = ("name_zh", "name", "名称", "NAME", "Name", "title", "MC", "mc")
USER_STYLE = PathStyle(color="#e7298a", fill_color="#e7298a", fill_opacity=0.25, weight=2.5, radius=7)
_POPUP_FIELDS_MAX = 20


@dataclass(frozen=True)
class LoadReport:
    """What reading a file did besides loading it: repairs, assumptions, doubts."""

    features: int
    crs: str
    encoding: str | None = None
    repaired: int = 0
    dropped_empty: int = 0
    notes: list[Text] = field(default_factory=list)

    def lines(self, lang: Lang = "en") -> list[str]:
        """Human-readable lines in `lang`, most important first."""
        out = [note.get(lang) for note in self.notes]
        if self.repaired:
            plural = "y" if self.repaired == 1 else "ies"
            repaired = Text(
                f"已修复 {self.repaired} 个无效几何（make_valid）",
                f"repaired {self.repaired} invalid geometr{plural} (make_valid)",
            )
            out.append(repaired.get(lang))
        if self.dropped_empty:
            dropped = Text(
                f"已删除 {self.dropped_empty} 个几何为空的要素",
                f"dropped {self.dropped_empty} feature(s) with an empty geometry",
            )
            out.append(dropped.get(lang))
        return out


def read_user_layer(
    name: str,
    data: bytes,
    *,
    source_crs: str | None = None,
    assume_crs: str | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
    layer_id: str | None = None,
) -> tuple[LayerSpec, gpd.GeoDataFrame, LoadReport]:
    """Read a user's file into a layer (WGS-84), its spec and a report of what was done.

    Parameters
    ----------
    name
        The file's name: its ending picks the format (.geojson/.json, .zip, .gpkg).
    data
        The file's bytes.
    source_crs
        ``"gcj02"`` for data digitised on Gaode/Amap (converted to WGS-84, iteratively).
    assume_crs
        The CRS to use when the file states none (default WGS-84, with a note).
    encoding
        Override a Shapefile's attribute encoding (default: its .cpg, else detected).

    Raises
    ------
    LayerError
        With one line naming the file and the problem; nothing is half-loaded.
    """
    limits = limits or Limits()
    frame, used_encoding = _read_format(name, data, encoding, limits)
    _check_size(name, frame, limits)
    notes: list[Text] = []
    frame, crs_name = _to_wgs84(name, frame, assume_crs, notes)
    if source_crs == "gcj02":
        frame = frame.set_geometry([None if g is None else to_wgs(g) for g in frame.geometry], crs="EPSG:4326")
        notes.append(Text("已由 GCJ-02（高德）转换为 WGS-84", "converted from GCJ-02 (Gaode) to WGS-84"))
    frame, dropped, repaired = _clean(name, frame)
    doubt = outside_china(frame)
    if doubt:
        notes.append(doubt)
    spec, display = _as_layer(name, frame, layer_id)
    report = LoadReport(len(display), crs_name, used_encoding, repaired, dropped, notes)
    return spec, display, report


def _read_format(name: str, data: bytes, encoding: str | None, limits: Limits) -> tuple[gpd.GeoDataFrame, str | None]:
    """The file's features, read by its ending, and the attribute encoding used."""
    if len(data) > limits.max_bytes:
        raise fail(
            name,
            Text(
                f"大小 {len(data) / 1e6:.1f} MB；上限为 {limits.max_bytes / 1e6:.0f} MB",
                f"is {len(data) / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB",
            ),
        )
    suffix = Path(name).suffix.lower()
    if suffix in (".geojson", ".json"):
        frame, used = read_geojson(name, data, limits)
        # RFC 7946: GeoJSON is WGS-84 lon/lat
        return (frame.set_crs("EPSG:4326") if frame.crs is None else frame), used
    if suffix == ".zip":
        return read_zip(name, data, limits, encoding)
    if suffix == ".gpkg":
        return read_with_gdal(name, data, encoding, limits), encoding
    raise fail(
        name,
        Text(
            f"类型 {suffix or '（无）'} 不受支持；请用 .geojson、压缩的 Shapefile 或 .gpkg",
            f"has an unsupported type {suffix or '(none)'}; use .geojson, a zipped Shapefile or .gpkg",
        ),
    )


def _check_size(name: str, frame: gpd.GeoDataFrame, limits: Limits) -> None:
    """Features and vertices within the limits."""
    check_features(name, len(frame), limits)
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum()) if len(frame) else 0
    if vertices > limits.max_vertices:
        raise fail(
            name,
            Text(
                f"有 {vertices:,} 个顶点；上限为 {limits.max_vertices:,}",
                f"has {vertices:,} vertices; the limit is {limits.max_vertices:,}",
            ),
        )


def _to_wgs84(
    name: str, frame: gpd.GeoDataFrame, assume_crs: str | None, notes: list[Text]
) -> tuple[gpd.GeoDataFrame, str]:
    """The frame in WGS-84 lon/lat and the CRS it came in; a missing CRS is assumed (with a note),
    projected coordinates without a CRS and swapped lat/lon are refused."""
    if frame.crs is None:
        if not looks_like_degrees(frame):
            minx, _, maxx, _ = frame.geometry.dropna().total_bounds
            raise fail(
                name,
                Text(
                    f"未注明坐标系，且坐标不是经纬度（x {minx:,.0f}…{maxx:,.0f}）："
                    "是投影坐标系——请附上 .prj 或选择坐标系",
                    f"states no CRS and its coordinates are not degrees (x {minx:,.0f}…{maxx:,.0f}): "
                    "a projected CRS — add its .prj or choose the CRS",
                ),
            )
        frame = frame.set_crs(assume_crs or "EPSG:4326")
        notes.append(
            Text(
                f"文件未注明坐标系；按 {assume_crs or 'WGS-84（EPSG:4326）'} 处理",
                f"no CRS in the file; assumed {assume_crs or 'WGS-84 (EPSG:4326)'}",
            )
        )
    crs_name = frame.crs.to_string()
    if frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs("EPSG:4326")
        except Exception as exc:  # noqa: BLE001 - pyproj raises several types
            raise fail(
                name,
                Text(
                    f"无法从 {crs_name} 转换到 WGS-84：{exc}", f"cannot be reprojected from {crs_name} to WGS-84: {exc}"
                ),
            ) from None
        notes.append(Text(f"已从 {crs_name} 转换到 WGS-84", f"reprojected from {crs_name} to WGS-84"))
    if not looks_like_degrees(frame):
        swapped = frame.set_geometry(frame.geometry.map(lambda g: None if g is None else swap_xy(g)))
        if looks_like_degrees(swapped) and outside_china(swapped) is None:
            raise fail(
                name,
                Text(
                    "纬度超过 90°：经纬度似乎颠倒了（GeoJSON 为经度、纬度）",
                    "has latitudes over 90°: lat/lon look swapped (GeoJSON is lon, lat)",
                ),
            )
        raise fail(
            name,
            Text(
                "坐标超出经纬度范围；所注明的坐标系有误",
                "coordinates are outside lon/lat range; the stated CRS is wrong",
            ),
        )
    return frame, crs_name


def _clean(name: str, frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int, int]:
    """Features with no geometry dropped, invalid ones repaired: (frame, dropped, repaired)."""
    empty = frame.geometry.isna() | frame.geometry.is_empty
    dropped = int(empty.sum())
    frame = frame[~empty.to_numpy()].copy()
    invalid = ~frame.geometry.is_valid
    repaired = int(invalid.sum())
    if repaired:
        frame.loc[invalid, frame.geometry.name] = shapely.make_valid(frame.geometry[invalid].values)
    if frame.empty:
        raise fail(name, Text("没有带几何的要素", "has no feature with a geometry"))
    return frame, dropped, repaired


def _geometry_kind(frame: gpd.GeoDataFrame, name: str) -> str:
    types = set(frame.geometry.geom_type)
    families = {family_of(t) for t in types}
    if len(families) == 1 and None not in families:
        return str(families.pop())
    if types <= {*GEOMETRY_FAMILIES["polygon"], "GeometryCollection"}:
        return "polygon"  # make_valid can turn a polygon into a collection
    raise fail(
        name,
        Text(
            f"混有多种几何类型 {sorted(types)}；每个图层只能有一种",
            f"mixes geometry types {sorted(types)}; use one type per layer",
        ),
    )


def _as_layer(name: str, frame: gpd.GeoDataFrame, layer_id: str | None) -> tuple[LayerSpec, gpd.GeoDataFrame]:
    kind = _geometry_kind(frame, name)
    stem = re.sub(r"[^A-Za-z0-9_]", "_", Path(name).stem)[:40] or "layer"
    fields = [c for c in frame.columns if c != frame.geometry.name][:_POPUP_FIELDS_MAX]
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    ids = frame["id"].tolist() if "id" in frame else [None] * len(frame)
    display = gpd.GeoDataFrame(
        {
            "id": [str(v) if v not in (None, "") and v == v else str(i) for i, v in enumerate(ids)],
            "name": [_name(row, i) for i, row in enumerate(records)],
            "confidence": [None] * len(frame),
            "properties": [_field_lines(row, fields) for row in records],
        },
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    spec = user_spec(Path(name).name, kind, layer_id or f"user_{stem}")
    return spec, _displayed(display, spec.file)


def _displayed(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    """The columns every user layer shows besides id, name, properties and geometry."""
    frame["name_zh"] = frame["name"]
    frame["name_en"] = frame["name"]
    frame["source"] = f"user file {file}"
    return frame


def user_spec(file: str, kind: str, layer_id: str, colour: str | None = None, *, saved: bool = False) -> LayerSpec:
    """The layer a user's file `file` makes (`kind`: point, line or polygon), drawn in `colour`;
    `saved`: it came with a saved map rather than from this session's upload."""
    colour = colour or USER_STYLE.color
    kept = Text("随已保存的地图打开的图层", "A layer opened with a saved map")
    added = Text("你添加的图层（保存地图后随地图保留）", "A layer you added (kept with the map when you save it)")
    return LayerSpec(
        id=layer_id,
        file=file,
        group=USER_GROUP,
        role="user",
        searchable=True,
        priority=5,
        geometry=kind,  # type: ignore[arg-type]
        visible=True,
        title=Text(f"我的图层：{file}", f"My layer: {file}"),
        description=kept if saved else added,
        style=dataclasses.replace(USER_STYLE, color=colour, fill_color=colour),
        tooltip=("name",),
        popup=("name", "properties"),
        source=Text(f"用户文件 {file}", f"user file {file}"),
        licence="As supplied by the user.",
    )


def restored_layer(
    layer_id: str, file: str, colour: str, kind: str, frame: gpd.GeoDataFrame
) -> tuple[LayerSpec, gpd.GeoDataFrame]:
    """A saved user layer back as a layer: `frame` has the id, name, properties and geometry it was
    saved with."""
    display = gpd.GeoDataFrame(
        {
            "id": frame["id"].astype(str).to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            "confidence": [None] * len(frame),
            "properties": frame["properties"].astype(str).to_numpy(),
        },
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    return user_spec(file, kind, layer_id, colour, saved=True), _displayed(display, file)


def _name(row: dict[str, Any], index: int) -> str:
    for key in _NAME_KEYS:
        value = row.get(key)
        if value not in (None, "") and value == value:
            return str(value)
    return f"#{index + 1}"


def _field_lines(row: dict[str, Any], fields: list[str]) -> str:
    parts = []
    for key in fields:
        value = row.get(key)
        if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
            continue
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


UPLOAD_OPTIONS = ("gcj", "crs", "encoding", "colour")
# what the upload form offers for a file that does not say its CRS, and for its text encoding
NO_CRS_CHOICES = ("EPSG:4326", "EPSG:4490", "EPSG:32648", "EPSG:32649", "EPSG:4545", "EPSG:4546")
ENCODINGS = ("auto", "GB18030", "UTF-8")


def read_upload(
    name: str, data: bytes, options: Mapping[str, Any], *, env: Mapping[str, str]
) -> tuple[LayerSpec, gpd.GeoDataFrame, LoadReport]:
    """An upload with the dashboard's form options (:data:`UPLOAD_OPTIONS`; missing ones take their
    defaults): ``gcj`` digitised on Gaode, ``crs`` to assume when the file states none, ``encoding``
    ("auto" to detect), ``colour`` to draw it in. Limits come from `env`.

    Raises
    ------
    LayerError
        Naming the file and its problem (or the deployment's misconfigured limits).
    """
    try:
        limits = Limits.from_env(env)  # read per upload: a deployment may set them
    except ValueError as exc:
        raise LayerError(name, [f"upload limits misconfigured: {exc}"], [f"上传限制配置有误：{exc}"]) from None
    encoding = options.get("encoding") or "auto"
    spec, frame, report = read_user_layer(
        name,
        data,
        source_crs="gcj02" if options.get("gcj") else None,
        assume_crs=options.get("crs") or None,
        encoding=None if encoding == "auto" else str(encoding),
        limits=limits,
    )
    colour = str(options.get("colour") or USER_STYLE.color)
    return user_spec(spec.file, spec.geometry, spec.id, colour), frame, report


def load_user_file(path: Path | str, *, layer_id: str | None = None) -> tuple[LayerSpec, gpd.GeoDataFrame]:
    """Read a user's file from disk (any supported format); raise LayerError naming it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(path.name, Text(f"无法读取：{exc.strerror}", f"cannot be read: {exc.strerror}")) from None
    spec, frame, _ = read_user_layer(path.name, data, layer_id=layer_id)
    return spec, frame


def with_layer(layerset: LayerSet, spec: LayerSpec, frame: gpd.GeoDataFrame) -> LayerSet:
    """A new LayerSet with one more layer (the original is unchanged)."""
    catalog = layerset.catalog
    layers = (*(s for s in catalog.layers if s.id != spec.id), spec)
    fields = dict(catalog.fields)
    fields.setdefault("properties", Text("属性", "Properties"))
    fields.setdefault("note", Text("说明", "Note"))  # a sketch's (geo.uploads.sketches)
    groups = catalog.groups
    if spec.group not in dict(groups):
        groups = (*groups, (USER_GROUP, Text("我的图层", "My layers")))
    new_catalog = dataclasses.replace(catalog, layers=layers, fields=fields, groups=groups)
    frames = {**layerset.frames, spec.id: frame}
    return LayerSet(catalog=new_catalog, frames=frames, errors=dict(layerset.errors))


__all__ = [
    "UPLOAD_OPTIONS",
    "Limits",
    "LoadReport",
    "load_user_file",
    "read_upload",
    "read_user_layer",
    "restored_layer",
    "user_spec",
    "with_layer",
]
