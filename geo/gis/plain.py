"""GeoPackage (one table per layer), GeoJSON (RFC 7946, one file per layer) and CSV (one file per
layer, geometry as WKT): formats that take the tables as they are."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
from pyproj import CRS

from geo.data import geojson
from geo.gis.tables import LayerTable

# A CSV cell starting with one of these is a formula to Excel and LibreOffice (CSV injection):
# such text is written with a leading apostrophe, which they show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_gdal(table: LayerTable, crs: CRS, *, dates_as_text: bool = False) -> Any:
    """The table as GDAL should write it: in `crs`, dates as dates (datetime64), or as ISO text
    where the format has no date-time field (a .dbf has only a date, which GDAL does not make
    from a date-time column)."""
    frame = table.frame.to_crs(crs) if crs.to_epsg() != 4326 else table.frame.copy()
    for column in ("valid_from", "valid_to"):
        if column in frame.columns:
            dates = frame[column]
            frame[column] = (
                dates.map(lambda d: d.isoformat() if d else None) if dates_as_text else pd.to_datetime(dates)
            )
    return frame


def write_gpkg(tables: list[LayerTable], folder: Path, crs: CRS) -> list[str]:
    """One GeoPackage (version 1.2), a table per layer named by its id; UTF-8 throughout."""
    path = folder / "layers.gpkg"
    for table in tables:
        pyogrio.write_dataframe(
            for_gdal(table, crs),
            path,
            layer=table.id,
            driver="GPKG",
            promote_to_multi=True,
            dataset_options={"VERSION": "1.2"},  # read in full by older GDAL, QGIS and ArcGIS 10.x
        )
    return [path.name]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def write_geojson(tables: list[LayerTable], folder: Path) -> list[str]:
    """A FeatureCollection per layer (WGS-84 lon/lat, RFC 7946), UTF-8."""
    names = []
    for table in tables:
        rows = table.frame.drop(columns=table.frame.geometry.name).to_dict("records")
        features = [
            geojson.feature({k: _json_value(v) for k, v in row.items()}, geom)
            for row, geom in zip(rows, table.frame.geometry, strict=True)
        ]
        (folder / f"{table.id}.geojson").write_text(geojson.dumps(features, name=table.id), encoding="utf-8")
        names.append(f"{table.id}.geojson")
    return names


def inert(value: Any) -> str:
    """A cell's text, never a formula."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(_json_value(value))
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(tables: list[LayerTable], folder: Path, crs: CRS) -> list[str]:
    """A CSV per layer (UTF-8 with a byte-order mark, so Excel reads the Chinese), geometry as WKT."""
    names = []
    for table in tables:
        frame = table.frame.to_crs(crs) if crs.to_epsg() != 4326 else table.frame
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*table.fields, "wkt"])
        rows = frame.drop(columns=frame.geometry.name).to_dict("records")
        for row, geom in zip(rows, frame.geometry, strict=True):
            wkt = "" if geom is None else geom.wkt
            writer.writerow([*(inert(row[f]) for f in table.fields), wkt])
        (folder / f"{table.id}.csv").write_text(out.getvalue(), encoding="utf-8-sig")
        names.append(f"{table.id}.csv")
    return names


__all__ = ["for_gdal", "inert", "write_csv", "write_geojson", "write_gpkg"]
