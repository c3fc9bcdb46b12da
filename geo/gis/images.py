"""Raster layers (the relief) in a download: the image as it is, with a world file, a ``.prj``
and a GDAL ``.aux.xml``, so a desktop GIS lays it where the map does.

The image is evenly spaced in Web Mercator (EPSG:3857) between its catalog bounds; the world
file gives its pixel size and the centre of its top-left pixel in those metres. KML has no
place for such an image (a GroundOverlay is stretched in degrees), so KML and KMZ leave it out
and their README says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pyproj import CRS

from geo.data.catalog import LayerSpec
from geo.spatial.raster import Grid

WORLD_SUFFIX = {".jpg": ".jgw", ".png": ".pgw"}


def world_file(grid: Grid) -> str:
    """The six lines of an ESRI world file for `grid` (a Web Mercator grid)."""
    x0, y0, x1, y1 = grid.edges()
    size_x, size_y = (x1 - x0) / grid.width, (y1 - y0) / grid.height
    return "\n".join(f"{v:.6f}" for v in (size_x, 0.0, 0.0, -size_y, x0 + size_x / 2, y1 - size_y / 2)) + "\n"


def write_image(spec: LayerSpec, layer_dir: Path, folder: Path) -> list[str]:
    """Copy the layer's image into `folder` with its world file and ``.prj``; the file names."""
    from PIL import Image

    assert spec.bounds is not None
    source = layer_dir / spec.file
    with Image.open(source) as img:
        width, height = img.size
    suffix = source.suffix.lower()
    shutil.copyfile(source, folder / spec.file)
    (folder / (spec.id + WORLD_SUFFIX[suffix])).write_text(
        world_file(Grid(spec.bounds, "EPSG:3857", width, height)), encoding="ascii"
    )
    (folder / f"{spec.id}.prj").write_text(CRS.from_epsg(3857).to_wkt("WKT1_ESRI"), encoding="ascii")
    # GDAL (and so QGIS) takes an image's CRS from its .aux.xml, ArcGIS from the .prj
    srs = CRS.from_epsg(3857).to_wkt().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    aux = f"{spec.file}.aux.xml"
    (folder / aux).write_text(f"<PAMDataset>\n  <SRS>{srs}</SRS>\n</PAMDataset>\n", encoding="utf-8")
    return [spec.file, spec.id + WORLD_SUFFIX[suffix], f"{spec.id}.prj", aux]


__all__ = ["WORLD_SUFFIX", "world_file", "write_image"]
