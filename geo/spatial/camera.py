"""Where the map looks: a centre and zoom, or bounds — and the one rule for choosing a zoom.

Coordinates are WGS-84 in folium's ``(lat, lon)`` order, as the names say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

LatLon = tuple[float, float]
Bounds = tuple[LatLon, LatLon]  # ((south, west), (north, east))
MIN_ZOOM, MAX_ZOOM = 4, 12  # what the app chooses when it fits an extent
MAX_VIEW_ZOOM = 16  # how far a reader can zoom the map themselves
# The map width the zoom rule fits an extent into; a smaller map shows a little less.
FIT_WIDTH_PX = 600


def fit_zoom(span_deg: float) -> int:
    """The largest zoom at which `span_deg` degrees (east–west, or north–south scaled) fit the map."""
    pixels_per_degree_at_zero = 256 / 360
    zoom = math.log2(FIT_WIDTH_PX / (pixels_per_degree_at_zero * max(span_deg, 1e-3)))
    return max(MIN_ZOOM, min(MAX_ZOOM, int(zoom)))


@dataclass(frozen=True)
class Camera:
    """A view of the map: `bounds`, or `centre` (lat, lon) with `zoom`."""

    centre: LatLon | None = None
    zoom: int | None = None
    bounds: Bounds | None = None

    def __post_init__(self) -> None:
        if self.bounds is None and (self.centre is None or self.zoom is None):
            raise ValueError("a camera needs bounds, or a centre and a zoom")

    def centre_zoom(self) -> tuple[LatLon, int]:
        """The centre and zoom that show this camera (bounds are fitted)."""
        if self.bounds is None:
            assert self.centre is not None and self.zoom is not None
            return self.centre, self.zoom
        (south, west), (north, east) = self.bounds
        span = max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))
        return ((south + north) / 2, (west + east) / 2), fit_zoom(span)

    def to_json(self) -> dict[str, Any]:
        """``{"bounds": [[s, w], [n, e]]}`` or ``{"center": [lat, lon], "zoom": z}`` for Leaflet."""
        if self.bounds is not None:
            return {"bounds": [list(self.bounds[0]), list(self.bounds[1])]}
        assert self.centre is not None
        return {"center": list(self.centre), "zoom": self.zoom}


def _mercator(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at `zoom` (Leaflet's EPSG:3857 with 256 px tiles)."""
    size = 256 * 2**zoom
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
    return (lon + 180) / 360 * size, y * size


def _inverse(x: float, y: float, zoom: float) -> LatLon:
    size = 256 * 2**zoom
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size)))), x / size * 360 - 180


def fitted_view(bounds: Bounds, width_px: int, height_px: int, padding: tuple[int, int, int, int]) -> Bounds:
    """What a `width_px` × `height_px` web map shows once it has fitted `bounds` as Leaflet's
    ``fitBounds`` does with the live map's padding (left, top, right, bottom): the largest whole
    zoom (at most MAX_ZOOM) at which `bounds` fit inside the padding, centred within it."""
    (south, west), (north, east) = bounds
    left, top, right, bottom = padding
    x0, y0 = _mercator(north, west, 0)
    x1, y1 = _mercator(south, east, 0)
    scale = min((width_px - left - right) / max(x1 - x0, 1e-9), (height_px - top - bottom) / max(y1 - y0, 1e-9))
    zoom = min(MAX_ZOOM, math.floor(round(math.log2(scale), 2)))  # within 1 % of a whole zoom: that zoom
    cx = (x0 + x1) / 2 * 2**zoom + (right - left) / 2
    cy = (y0 + y1) / 2 * 2**zoom + (bottom - top) / 2
    north_west = _inverse(cx - width_px / 2, cy - height_px / 2, zoom)
    south_east = _inverse(cx + width_px / 2, cy + height_px / 2, zoom)
    return (south_east[0], north_west[1]), (north_west[0], south_east[1])


def camera_for(geom: BaseGeometry) -> Camera:
    """A camera that shows `geom` whole: its bounds (fitted in the browser around the legend), or
    for a point, the point at a close zoom."""
    minx, miny, maxx, maxy = geom.bounds
    if maxx - minx < 1e-3 and maxy - miny < 1e-3:
        point = geom.representative_point()
        return Camera(centre=(round(point.y, 5), round(point.x, 5)), zoom=MAX_ZOOM)
    return Camera(bounds=((round(miny, 5), round(minx, 5)), (round(maxy, 5), round(maxx, 5))))


def parse_bounds(raw: object, where: str, problems: list[str]) -> Bounds:
    """Check ``[[south, west], [north, east]]`` from a data file; each problem is appended to
    `problems`, prefixed with `where`."""
    try:
        (south, west), (north, east) = ((float(a), float(b)) for a, b in raw)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        problems.append(f"{where}: extent must be [[south, west], [north, east]]")
        return ((0.0, 0.0), (0.0, 0.0))
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        problems.append(f"{where}: extent {raw} is not [[south, west], [north, east]] in degrees")
    return ((south, west), (north, east))


__all__ = [
    "MAX_VIEW_ZOOM",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "Bounds",
    "Camera",
    "LatLon",
    "camera_for",
    "fit_zoom",
    "fitted_view",
    "parse_bounds",
]
