"""Reading a user's file from memory: GeoJSON, zipped Shapefile or GeoPackage, within limits.

Nothing is ever written to disk. Zip members are checked before anything is inflated
(unsafe names, declared and real sizes, missing Shapefile parts), and only known parts are
handed to GDAL, under fixed names. :mod:`geo.uploads.layer` checks what comes out.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import geopandas as gpd
import shapely

from geo.data.geojson import GeoJSONError, declared_crs, read_collection, walk_features
from geo.data.layers import LayerError
from geo.i18n import Text

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")
_SHAPEFILE_OPTIONAL = (".prj", ".cpg")
_CHUNK = 1 << 20
# Features landing outside this box are reported: swapped lat/lon or the wrong CRS.
_CHINA = (73.0, 18.0, 135.5, 54.0)


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may be. Past any limit nothing is loaded."""

    max_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_features: int = 50_000
    max_vertices: int = 2_000_000  # layers of thousands of features go on one canvas (geo/web/biglayer.py)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """Limits a deployment sets with YQ_UPLOAD_MAX_MB, YQ_UPLOAD_MAX_UNZIPPED_MB,
        YQ_UPLOAD_MAX_FEATURES and YQ_UPLOAD_MAX_VERTICES (defaults otherwise).

        Raises
        ------
        ValueError
            Naming the variable whose value is not a positive whole number.
        """
        default = cls()
        values = {}
        for name, field_name, scale in (
            ("YQ_UPLOAD_MAX_MB", "max_bytes", 1024 * 1024),
            ("YQ_UPLOAD_MAX_UNZIPPED_MB", "max_unzipped_bytes", 1024 * 1024),
            ("YQ_UPLOAD_MAX_FEATURES", "max_features", 1),
            ("YQ_UPLOAD_MAX_VERTICES", "max_vertices", 1),
        ):
            raw = env.get(name, "").strip()
            if not raw:
                values[field_name] = getattr(default, field_name)
                continue
            if not raw.isdigit() or int(raw) <= 0:
                raise ValueError(f"{name}={raw!r} is not a positive whole number")
            values[field_name] = int(raw) * scale
        return cls(**values)


def fail(name: str, text: Text) -> LayerError:
    """One problem with the file `name`, in both languages."""
    return LayerError(name, [text.en], [text.zh])


def check_features(name: str, count: int, limits: Limits) -> None:
    """Refuse a file with more features than the limit (before reading them, where the format tells)."""
    if count > limits.max_features:
        raise fail(
            name,
            Text(
                f"有 {count:,} 个要素；上限为 {limits.max_features:,}",
                f"has {count:,} features; the limit is {limits.max_features:,}",
            ),
        )


def _crs_of(doc: Mapping[str, Any]) -> str | None:
    """The CRS a user's GeoJSON declares (the 2008 ``crs`` member) as ``EPSG:n``, or None."""
    declared = declared_crs(doc)
    if not declared:
        return None
    match = re.search(r"EPSG:+(\d+)", declared)
    return f"EPSG:{match.group(1)}" if match else ("EPSG:4326" if "CRS84" in declared else None)


def read_geojson(name: str, data: bytes, limits: Limits) -> tuple[gpd.GeoDataFrame, str | None]:
    try:
        doc = read_collection(data, lone_feature=True)
    except GeoJSONError as exc:
        raise fail(name, exc.text) from None
    check_features(name, len(doc["features"]), limits)
    rows, geoms, problems, vertices = [], [], [], 0
    for feat in walk_features(doc["features"]):
        if feat.problem is not None:
            problems.append(feat.problem_lines())
            continue
        if feat.geometry is not None:
            vertices += int(shapely.get_num_coordinates(feat.geometry))
            if vertices > limits.max_vertices:
                raise fail(
                    name,
                    Text(
                        f"顶点超过 {limits.max_vertices:,} 个；请先简化",
                        f"has more than {limits.max_vertices:,} vertices; simplify it first",
                    ),
                )
        rows.append(feat.props)
        geoms.append(feat.geometry)
    if problems:
        raise LayerError(name, [en for en, _ in problems], [zh for _, zh in problems])
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=_crs_of(doc)), None


def _safe_member(member: str) -> bool:
    path = PurePosixPath(member.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and not re.match(r"^[A-Za-z]:", member)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str) -> bytes:
    """One member's bytes, stopping as soon as the running total passes `budget` (zip bombs lie)."""
    out = io.BytesIO()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                if out.tell() > budget:
                    raise fail(
                        name,
                        Text("解压后超过大小上限（压缩炸弹？）", "expands past the unzipped size limit (a zip bomb?)"),
                    )
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise fail(
            name, Text(f"是损坏的 zip（{info.filename}：{exc}）", f"is a damaged zip ({info.filename}: {exc})")
        ) from None
    return out.getvalue()


def _dbf_encoding(dbf: bytes) -> str | None:
    """UTF-8 when the attribute bytes decode as UTF-8, else GB18030 (which covers GBK)."""
    header = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 10 else 0
    body = dbf[header:]
    if body.isascii():
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def read_zip(name: str, data: bytes, limits: Limits, encoding: str | None) -> tuple[gpd.GeoDataFrame, str | None]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise fail(
            name, Text(f"无法读取的 zip（截断或损坏）：{exc}", f"is not a readable zip (truncated or damaged): {exc}")
        ) from None
    unsafe = [i.filename for i in infos if not _safe_member(i.filename)]
    if unsafe:
        raise fail(
            name,
            Text(
                f"含有不安全的路径名（{'、'.join(unsafe[:3])}）；未解压任何内容",
                f"contains unsafe path names ({', '.join(unsafe[:3])}); nothing was extracted",
            ),
        )
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unzipped_bytes:
        raise fail(
            name,
            Text(
                f"解压后 {declared / 1e6:.0f} MB；上限为 {limits.max_unzipped_bytes / 1e6:.0f} MB",
                f"expands to {declared / 1e6:.0f} MB; the limit is {limits.max_unzipped_bytes / 1e6:.0f} MB",
            ),
        )
    shps = [i for i in infos if i.filename.lower().endswith(".shp") and not i.is_dir()]
    if not shps:
        raise fail(
            name,
            Text("没有 .shp 文件（应为压缩的 Shapefile）", "contains no .shp file (a zipped Shapefile is expected)"),
        )
    stem = shps[0].filename[:-4]
    parts = {i.filename[len(stem) :].lower(): i for i in infos if i.filename.lower().startswith(stem.lower())}
    missing = [ext for ext in _SHAPEFILE_PARTS if ext not in parts]
    if missing:
        parts_missing = ", ".join(stem.split("/")[-1] + m for m in missing)
        raise fail(
            name,
            Text(
                f"缺少 {parts_missing}（Shapefile 需要 .shp、.shx 和 .dbf）",
                f"is missing {parts_missing} (a Shapefile needs .shp, .shx and .dbf)",
            ),
        )
    budget = limits.max_unzipped_bytes
    clean = io.BytesIO()
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(clean, "w") as rebuilt:  # flat, known names only: nothing from the upload is trusted
        for ext in (*_SHAPEFILE_PARTS, *_SHAPEFILE_OPTIONAL):
            if ext in parts:
                members[ext] = _inflate(archive, parts[ext], budget, name)
                budget -= len(members[ext])
                rebuilt.writestr(f"layer{ext}", members[ext])
    if encoding is None and ".cpg" not in members:
        encoding = _dbf_encoding(members[".dbf"])
    frame = read_with_gdal(name, clean.getvalue(), encoding, limits)
    return frame, encoding or (members.get(".cpg", b"").decode("ascii", "replace").strip() or None)


def read_with_gdal(name: str, data: bytes, encoding: str | None, limits: Limits) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        with warnings.catch_warnings():
            # read from memory, a GeoPackage has no ".gpkg" name for GDAL to check; nothing to tell the user
            warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
            info = pyogrio.read_info(data, encoding=encoding)
            check_features(name, info["features"], limits)
            return pyogrio.read_dataframe(data, encoding=encoding)
    except LayerError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL reports format errors with many types
        detail = str(exc).splitlines()[0][:200]
        raise fail(name, Text(f"无法读取：{detail}", f"cannot be read: {detail}")) from None


def looks_like_degrees(frame: gpd.GeoDataFrame) -> bool:
    """True when every coordinate is within lon/lat range."""
    located = frame.geometry.dropna()
    if located.empty:
        return True
    minx, miny, maxx, maxy = located.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def swap_xy(geom: Any) -> Any:
    """The geometry with x and y exchanged (to test for swapped lat/lon)."""
    return shapely.transform(geom, lambda xy: xy[:, ::-1])


def outside_china(frame: gpd.GeoDataFrame) -> Text | None:
    """A note when most features lie outside China (swapped lat/lon, a wrong CRS), else None."""
    points = frame.geometry.dropna().representative_point()
    if points.empty:
        return None
    x, y = points.x.to_numpy(), points.y.to_numpy()
    west, south, east, north = _CHINA
    inside = (x >= west) & (x <= east) & (y >= south) & (y <= north)
    if inside.mean() >= 0.5:
        return None
    swapped = (y >= west) & (y <= east) & (x >= south) & (x <= north)
    looks_swapped = swapped.mean() >= 0.5
    outside, total = int((~inside).sum()), len(points)
    return Text(
        f"{total} 个要素中有 {outside} 个在中国境外{'；经纬度似乎颠倒了' if looks_swapped else ''}——请检查坐标",
        f"{outside} of {total} features lie outside China{'; lat/lon look swapped' if looks_swapped else ''}"
        " — check the coordinates",
    )


__all__ = [
    "Limits",
    "check_features",
    "fail",
    "looks_like_degrees",
    "outside_china",
    "read_geojson",
    "read_with_gdal",
    "read_zip",
    "swap_xy",
]
