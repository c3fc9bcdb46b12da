"""Areas and lengths in metric units, never in degrees.

Areas use an Albers equal-area projection fitted to China; lengths are geodesic on
the WGS-84 ellipsoid. Input geometries are WGS-84 lon/lat (EPSG:4326).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

# Albers equal-area conic for China (standard parallels 25°N and 47°N, central meridian 105°E).
CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
_GEOD = pyproj.Geod(ellps="WGS84")


@lru_cache(maxsize=1)
def _to_albers() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)


def to_equal_area(geom: BaseGeometry) -> BaseGeometry:
    """Project a lon/lat geometry to the China Albers equal-area CRS (metres)."""
    transformer = _to_albers()

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def area_km2(geom: BaseGeometry | None) -> float:
    """Area of a lon/lat geometry in km², computed in an equal-area projection."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(to_equal_area(geom).area) / 1e6


def length_km(geom: BaseGeometry | None) -> float:
    """Geodesic length of a lon/lat geometry in km (polygons: their perimeter)."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(_GEOD.geometry_length(geom)) / 1000.0


def distance_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """Geodesic distance in km between two lon/lat points."""
    _, _, metres = _GEOD.inv(a.x, a.y, b.x, b.y)
    return float(metres) / 1000.0
