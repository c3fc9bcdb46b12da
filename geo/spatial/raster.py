"""Images on the map: which place each pixel shows, and warping an image to another grid.

A :class:`Grid` is an image laid on the earth: its bounds in degrees and the projection in
which its pixels are evenly spaced — plate carrée (``EPSG:4326``, as most global images come)
or Web Mercator (``EPSG:3857``, as Leaflet lays an image between two corners). An image made
for one cannot be stretched into the other's bounds: over the zone that puts the middle rows
kilometres off. :func:`warp` samples an image at any places (bilinear), so the build makes a
Mercator image from a plate carrée source, and the print sheet an equal-area one from that.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from pyproj import Transformer

from geo.spatial.camera import Bounds

Projection = Literal["EPSG:4326", "EPSG:3857"]


@lru_cache(maxsize=1)
def _to_mercator() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def _project(projection: Projection, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if projection == "EPSG:4326":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = _to_mercator().transform(lon, lat)
    return np.asarray(x), np.asarray(y)


@dataclass(frozen=True)
class Grid:
    """An image of `width` × `height` pixels covering `bounds` ([[south, west], [north, east]])
    evenly in `projection`; row 0 is the north edge."""

    bounds: Bounds
    projection: Projection
    width: int
    height: int

    def edges(self) -> tuple[float, float, float, float]:
        """West, south, east, north edges in the grid's projection (degrees or metres)."""
        (south, west), (north, east) = self.bounds
        x0, y0 = _project(self.projection, np.array([west]), np.array([south]))
        x1, y1 = _project(self.projection, np.array([east]), np.array([north]))
        return float(x0[0]), float(y0[0]), float(x1[0]), float(y1[0])

    def pixel(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (column, row) of places, in pixels from the top-left corner (centres at .5)."""
        x0, y0, x1, y1 = self.edges()
        x, y = _project(self.projection, lon, lat)
        return (x - x0) / (x1 - x0) * self.width, (y1 - y) / (y1 - y0) * self.height

    def aspect(self) -> float:
        """Width over height of a pixel-square image of these bounds in this projection."""
        x0, y0, x1, y1 = self.edges()
        return (x1 - x0) / (y1 - y0)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The lon, lat of every pixel's centre (arrays of the image's shape)."""
        x0, y0, x1, y1 = self.edges()
        xs = x0 + (np.arange(self.width) + 0.5) / self.width * (x1 - x0)
        ys = y1 - (np.arange(self.height) + 0.5) / self.height * (y1 - y0)
        x, y = np.meshgrid(xs, ys)
        if self.projection == "EPSG:4326":
            return x, y
        lon, lat = _to_mercator().transform(x, y, direction="INVERSE")
        return np.asarray(lon), np.asarray(lat)


def warp(image: np.ndarray, source: Grid, lon: np.ndarray, lat: np.ndarray, fill: float = 255) -> np.ndarray:
    """`image` (rows × columns, one band) on `source`, sampled bilinearly at the places
    `lon`, `lat`; places off the image get `fill`."""
    col, row = source.pixel(lon, lat)
    col, row = col - 0.5, row - 0.5  # from pixel edges to pixel centres
    outside = (col < -0.5) | (row < -0.5) | (col > source.width - 0.5) | (row > source.height - 0.5)
    c0 = np.clip(np.floor(col).astype(int), 0, source.width - 1)
    r0 = np.clip(np.floor(row).astype(int), 0, source.height - 1)
    c1, r1 = np.minimum(c0 + 1, source.width - 1), np.minimum(r0 + 1, source.height - 1)
    fc, fr = np.clip(col - c0, 0, 1), np.clip(row - r0, 0, 1)
    img = image.astype(float)
    top = img[r0, c0] * (1 - fc) + img[r0, c1] * fc
    bottom = img[r1, c0] * (1 - fc) + img[r1, c1] * fc
    out = top * (1 - fr) + bottom * fr
    out[outside] = fill
    return out


__all__ = ["Grid", "Projection", "warp"]
