"""GCJ-02, the offset of Gaode/Amap and GeoQ tiles, applied to geometries.

GCJ-02 is not in PROJ (it is a deliberate, non-invertible-in-closed-form offset), so it is a
point-wise function. The forward transform is the maintained ``coordtransform`` package
(C batch); the inverse is iterated on that forward transform to well under a centimetre.
Stored data stays WGS-84; this module only makes a drawing copy.
"""

from __future__ import annotations

import numpy as np
import shapely
from coordTransform import wgs84_to_gcj02
from shapely.geometry.base import BaseGeometry

# 1e-9° is about 0.1 mm; the iteration converges in three or four steps.
_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 12


def wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → GCJ-02 for arrays of lon/lat (points outside China are unchanged)."""
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    if lon.size == 0:
        return lon.copy(), lat.copy()
    out_lon, out_lat = wgs84_to_gcj02(lon, lat)
    return np.asarray(out_lon, dtype=np.float64), np.asarray(out_lat, dtype=np.float64)


def gcj_to_wgs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform (error < 1 mm)."""
    target_lon = np.asarray(lon, dtype=np.float64)
    target_lat = np.asarray(lat, dtype=np.float64)
    guess_lon, guess_lat = target_lon.copy(), target_lat.copy()
    for _ in range(_MAX_ITERATIONS):
        fwd_lon, fwd_lat = wgs_to_gcj(guess_lon, guess_lat)
        d_lon, d_lat = fwd_lon - target_lon, fwd_lat - target_lat
        guess_lon, guess_lat = guess_lon - d_lon, guess_lat - d_lat
        if d_lon.size == 0 or max(np.abs(d_lon).max(), np.abs(d_lat).max()) < _TOLERANCE_DEG:
            break
    return guess_lon, guess_lat


def _apply(geom: BaseGeometry, func) -> BaseGeometry:
    def xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, xy)


def to_gcj(geom: BaseGeometry) -> BaseGeometry:
    """A drawing copy of a WGS-84 geometry for GCJ-02 tiles."""
    return _apply(geom, wgs_to_gcj)


def to_wgs(geom: BaseGeometry) -> BaseGeometry:
    """A GCJ-02 geometry (e.g. digitised on Gaode) back in WGS-84."""
    return _apply(geom, gcj_to_wgs)


def wgs_to_gcj_latlon(lat: float, lon: float) -> tuple[float, float]:
    """One WGS-84 point in folium's (lat, lon) order, moved to GCJ-02 (rounded to ~0.1 m)."""
    x, y = wgs_to_gcj(np.array([lon]), np.array([lat]))
    return round(float(y[0]), 6), round(float(x[0]), 6)


def gcj_to_wgs_latlon(lat: float, lon: float) -> tuple[float, float]:
    """One GCJ-02 point in (lat, lon) order, back in WGS-84 (a click on a GCJ-02 basemap)."""
    x, y = gcj_to_wgs(np.array([lon]), np.array([lat]))
    return float(y[0]), float(x[0])
