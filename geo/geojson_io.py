"""Deterministic GeoJSON (RFC 7946) reading helpers and writing.

Written files are UTF-8 with readable Chinese, one feature per line, coordinates
rounded to 5 decimals (≈1 m), polygon rings wound per RFC 7946, so two builds of
the same data give identical bytes and diffs stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import polyline
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

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
    if geom.geom_type in ("Polygon", "MultiPolygon"):
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
