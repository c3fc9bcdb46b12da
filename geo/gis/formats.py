"""The download formats by name: light to import (the command line lists them without loading
GDAL or ezdxf)."""

from __future__ import annotations

from typing import Literal, get_args

Format = Literal["gpkg", "shp", "kml", "kmz", "dxf", "geojson", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)
FORMAT_NAMES: dict[Format, str] = {
    "gpkg": "GeoPackage",
    "shp": "Shapefile",
    "kml": "KML",
    "kmz": "KMZ",
    "dxf": "DXF",
    "geojson": "GeoJSON",
    "csv": "CSV (WKT)",
}
WGS84_ONLY: tuple[Format, ...] = ("kml", "kmz", "geojson")  # their specifications fix the CRS
SHAPEFILE_ENCODINGS = ("utf-8", "gbk")  # what a downloaded Shapefile's attributes are written in

__all__ = ["FORMATS", "FORMAT_NAMES", "SHAPEFILE_ENCODINGS", "WGS84_ONLY", "Format"]
