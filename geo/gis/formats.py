"""What a download is, by name: the formats, how the picker names them, and the request — light
to import (the command line and the dashboard describe a download without loading GDAL or ezdxf;
:mod:`geo.gis.package` makes it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

from geo.data.timeline import Year
from geo.i18n import Lang

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
# Which tools each format is for, beside its name in the dashboard's picker.
FORMAT_TOOLS: dict[Format, str] = {
    "gpkg": "QGIS, ArcGIS",
    "shp": "ArcGIS, MapGIS",
    "kml": "Google Earth",
    "kmz": "Google Earth, 奥维互动地图",
    "dxf": "AutoCAD · CGCS2000 3° GK",
    "geojson": "RFC 7946",
    "csv": "Excel · WKT",
}
Encoding = Literal["utf-8", "gbk"]
SHAPEFILE_ENCODINGS: tuple[Encoding, ...] = get_args(Encoding)  # what a Shapefile's attributes are written in
ENCODING_NAMES: dict[Encoding, str] = {"utf-8": "UTF-8 (.cpg UTF-8)", "gbk": "GBK (.cpg 936)"}


def format_label(fmt: Format) -> str:
    """``Shapefile (ArcGIS, MapGIS)``: the format and the tools it is for."""
    return f"{FORMAT_NAMES[fmt]} ({FORMAT_TOOLS[fmt]})"


@dataclass(frozen=True)
class Request:
    """What to download."""

    fmt: Format
    layers: tuple[str, ...]
    year: Year | None = None
    lang: Lang = "zh"
    crs: str | None = None  # "EPSG:4545"; None: WGS-84, or Gauss–Krüger for DXF
    encoding: Encoding = "utf-8"
    when: dt.date = field(default_factory=dt.date.today)


__all__ = [
    "ENCODING_NAMES",
    "FORMATS",
    "FORMAT_NAMES",
    "FORMAT_TOOLS",
    "SHAPEFILE_ENCODINGS",
    "WGS84_ONLY",
    "Encoding",
    "Format",
    "Request",
    "format_label",
]
