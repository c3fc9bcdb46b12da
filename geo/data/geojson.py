"""Deterministic GeoJSON (RFC 7946) reading helpers and writing.

Written files are UTF-8 with readable Chinese, one feature per line, coordinates
rounded to 5 decimals (≈1 m), polygon rings wound per RFC 7946, so two builds of
the same data give identical bytes and diffs stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import polyline
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geo.i18n import Text
from geo.spatial.families import family_of

DECIMALS = 5
GRID = 10.0**-DECIMALS
# How deep the coordinate sequences of each geometry type are nested (0: a list of positions).
SEQUENCE_DEPTH = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}


def declared_crs(doc: Any) -> str | None:
    """The CRS name a GeoJSON document declares (the 2008 ``crs`` member), or None."""
    crs = doc.get("crs") if isinstance(doc, Mapping) else None
    if not isinstance(crs, Mapping):
        return None
    props = crs.get("properties")
    name = props.get("name") if isinstance(props, Mapping) else None
    return str(name) if name else None


class GeoJSONError(ValueError):
    """The text is not a GeoJSON FeatureCollection at all; `text` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def read_collection(data: str | bytes, *, lone_feature: bool = False) -> dict[str, Any]:
    """Parse a FeatureCollection (with `lone_feature`, a single Feature is taken as a collection of
    one); its ``features`` are a list. Raises :class:`GeoJSONError`."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GeoJSONError(Text(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")) from None
    if lone_feature and isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GeoJSONError(Text("不是 GeoJSON FeatureCollection", "not a GeoJSON FeatureCollection"))
    if not isinstance(doc.get("features"), list):
        raise GeoJSONError(Text("'features' 不是列表", "'features' is not a list"))
    return doc


@dataclass(frozen=True)
class RawFeature:
    """One entry of a collection's ``features`` as read: its properties, its geometry (None when
    null or unreadable) and, when it could not be read as it should, the problem."""

    index: int
    props: dict[str, Any]
    geometry: BaseGeometry | None
    problem: Text | None = None

    def where(self, lang: str = "en") -> str:
        """``feature 3 (id='x')``: how problems name it."""
        fid = self.props.get("id")
        ident = f" (id={fid!r})" if fid not in (None, "") else ""
        return (f"要素 {self.index}" if lang == "zh" else f"feature {self.index}") + ident

    def problem_lines(self) -> tuple[str, str]:
        """The problem as (English, Chinese) lines naming the feature."""
        assert self.problem is not None
        return f"{self.where()}: {self.problem.en}", f"{self.where('zh')}：{self.problem.zh}"


def walk_features(features: list[Any]) -> Iterator[RawFeature]:
    """Each entry of a collection's ``features``, its geometry read with shapely. The one walker
    for GeoJSON: bundled layers (:mod:`geo.data.layers`) and users' files (:mod:`geo.uploads`)."""
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            yield RawFeature(i, {}, None, Text("不是 GeoJSON Feature", "not a GeoJSON Feature"))
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            yield RawFeature(i, {}, None, Text("'properties' 不是对象", "'properties' is not an object"))
            continue
        raw = feat.get("geometry")
        if raw is None:
            yield RawFeature(i, props, None)
            continue
        try:
            geom = shape(raw)
        except Exception as exc:  # noqa: BLE001 - shapely raises many types for malformed geometry
            yield RawFeature(i, props, None, Text(f"几何无法读取（{exc}）", f"geometry cannot be read ({exc})"))
            continue
        yield RawFeature(i, props, geom)


def snap(geom: BaseGeometry) -> BaseGeometry:
    """Snap a geometry to the 1e-5° grid used for storage, keeping it valid."""
    return shapely.set_precision(geom, GRID)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        rounded = round(value, DECIMALS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value


def geometry_json(geom: BaseGeometry | None) -> dict[str, Any] | None:
    """GeoJSON geometry object for `geom` (None stays None: an unlocated feature)."""
    if geom is None:
        return None
    if family_of(geom.geom_type) == "polygon":
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    raw = mapping(geom)
    return {"type": raw["type"], "coordinates": _round(raw["coordinates"])}


def feature(props: Mapping[str, Any], geom: BaseGeometry | None) -> dict[str, Any]:
    """A GeoJSON Feature with `props` (insertion order kept) and `geom`."""
    return {"type": "Feature", "properties": dict(props), "geometry": geometry_json(geom)}


def dumps(features: Iterable[Mapping[str, Any]], *, name: str) -> str:
    """Serialise features as a FeatureCollection, one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features]
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    body = ",\n".join(lines)
    return f'{head}, "features": [\n{body}\n]}}\n'


def encode_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """A compact geometry for the browser: each coordinate sequence as an encoded polyline
    (Google's algorithm, 1e-5°: the storage precision, so lossless).

    A third of the bytes of plain GeoJSON, and a tenth less compressed than JSON integer deltas.
    ``yq.decodeGeometry`` in ``geo/static/core.js`` restores plain GeoJSON.
    """
    raw = geometry_json(geom)
    assert raw is not None
    kind, coords = raw["type"], raw["coordinates"]
    depth = SEQUENCE_DEPTH.get(kind)
    if depth is None:  # points are small; keep them plain
        return raw

    def walk(value: Any, level: int) -> Any:
        if level == 0:
            return polyline.encode([(x, y) for x, y, *_ in value], DECIMALS, geojson=True)
        return [walk(v, level - 1) for v in value]

    return {"type": kind, "p": 1, "coordinates": walk(coords, depth)}


def decode_geometry(encoded: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`encode_geometry` (used by tests; the browser has its own)."""
    if not encoded.get("p"):
        return encoded
    depth = SEQUENCE_DEPTH[encoded["type"]]

    def walk(value: Any, level: int) -> Any:
        if level == 0:
            return [list(p) for p in polyline.decode(value, DECIMALS, geojson=True)]
        return [walk(v, level - 1) for v in value]

    return {"type": encoded["type"], "coordinates": walk(encoded["coordinates"], depth)}
