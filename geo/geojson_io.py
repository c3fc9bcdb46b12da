"""Deterministic GeoJSON (RFC 7946) reading helpers and writing.

Written files are UTF-8 with readable Chinese, one feature per line, coordinates
rounded to 5 decimals (≈1 m), polygon rings wound per RFC 7946, so two builds of
the same data give identical bytes and diffs stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

DECIMALS = 5
GRID = 10.0**-DECIMALS


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
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        for f in features
    ]
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    body = ",\n".join(lines)
    return f'{head}, "features": [\n{body}\n]}}\n'
