"""DXF for AutoCAD-based 规划 drawings, written with ezdxf: projected to CGCS2000 3-degree
Gauss–Krüger (the zone of the data's centre: EPSG:4544 at 105°E, 4545 at 108°E; or a CRS asked
for), in metres; a DXF layer per map layer in the catalog's colour; each feature's name as text in
a CJK text style; each entity's layer and feature id as XDATA, and every attribute in a CSV beside
the drawing keyed by the entity's handle. DXF R2010 (AutoCAD 2010 and later), text in UTF-8."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import ezdxf
import numpy as np
import shapely
from ezdxf import colors, units
from ezdxf.enums import TextEntityAlignment
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.gis.plain import inert
from geo.gis.tables import LayerTable
from geo.spatial.labels import anchor

APP_ID = "YUQIAN"  # the XDATA application name
TEXT_STYLE = "YQ_CJK"
CJK_FONT = "simsun.ttc"  # 宋体, on every Chinese Windows; AutoCAD substitutes where it is missing
GK_FIRST_EPSG, GK_FIRST_CM, GK_LAST_CM = 4534, 75, 135  # CGCS2000 / 3-degree Gauss-Kruger CM 75E … 135E


def gauss_kruger(lon: float) -> CRS:
    """The CGCS2000 3-degree Gauss–Krüger CRS whose central meridian is nearest `lon` (no false
    easting zone prefix: EPSG:4534–4554)."""
    cm = min(max(round(lon / 3) * 3, GK_FIRST_CM), GK_LAST_CM)
    return CRS.from_epsg(GK_FIRST_EPSG + (cm - GK_FIRST_CM) // 3)


def centre_lon(tables: list[LayerTable]) -> float:
    """The longitude of the middle of everything drawn."""
    located = [t.frame.geometry.dropna() for t in tables]
    west = min(g.total_bounds[0] for g in located if not g.empty)
    east = max(g.total_bounds[2] for g in located if not g.empty)
    return (west + east) / 2


def _layer_name(title: str, layer_id: str) -> str:
    """A DXF layer name: the title without the characters DXF forbids in names."""
    return re.sub(r'[<>/\\":;?*|=`,]', "_", title).strip() or layer_id


def _rgb(hex_colour: str | None) -> int:
    rgb = (hex_colour or "#3388ff").lstrip("#")
    if len(rgb) == 3:
        rgb = "".join(c * 2 for c in rgb)
    return colors.rgb2int((int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)))


def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def _draw(msp: Any, geom: BaseGeometry, attribs: dict[str, Any]) -> list[Any]:
    """The entities of one (projected) geometry: closed polylines for rings, polylines, points."""
    out = []
    for part in _parts(geom):
        if part.geom_type == "Polygon":
            for ring in (part.exterior, *part.interiors):
                out.append(msp.add_lwpolyline(list(ring.coords)[:-1], close=True, dxfattribs=attribs))
        elif part.geom_type == "LineString":
            out.append(msp.add_lwpolyline(list(part.coords), dxfattribs=attribs))
        elif part.geom_type == "Point":
            out.append(msp.add_point((part.x, part.y), dxfattribs=attribs))
    return out


def dxf_drawing(tables: list[LayerTable], crs: CRS | None = None) -> tuple[bytes, str, CRS]:
    """The drawing (bytes), its attribute table (CSV text keyed by handle) and the CRS used."""
    crs = crs or gauss_kruger(centre_lon(tables))
    project = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform

    def to_crs(geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1])))

    doc = ezdxf.new("R2010", setup=True)
    doc.units = units.M
    doc.header["$DWGCODEPAGE"] = "ANSI_936"
    doc.appids.add(APP_ID)
    doc.styles.add(TEXT_STYLE, font=CJK_FONT)
    msp = doc.modelspace()
    rows: list[list[str]] = []
    fields = sorted({f for t in tables for f in t.fields}, key=lambda f: (f not in ("id", "name"), f))
    projected = [t.frame.geometry.dropna().to_crs(crs) for t in tables]
    width = max((g.total_bounds[2] - g.total_bounds[0]) for g in projected if not g.empty)
    height = max(width / 250, 50.0)  # names readable when the whole drawing is on screen
    for table in tables:
        name = _layer_name(table.title, table.id)
        doc.layers.add(name, true_color=_rgb(table.spec.style.color))
        records = table.frame.drop(columns=table.frame.geometry.name).to_dict("records")
        for row, geom in zip(records, table.frame.geometry, strict=True):
            if geom is None:
                continue
            attribs = {"layer": name}
            entities = _draw(msp, to_crs(geom), attribs)
            label = str(row.get("name") or "")
            if label:
                lat, lon = anchor(geom)
                x, y = project(lon, lat)
                text = msp.add_text(label, height=height, dxfattribs={**attribs, "style": TEXT_STYLE})
                entities.append(text.set_placement((x, y), align=TextEntityAlignment.MIDDLE_CENTER))
            for entity in entities:
                entity.set_xdata(APP_ID, [(1000, f"layer={table.id}"), (1000, f"id={row.get('id') or ''}")])
                rows.append([entity.dxf.handle, name, entity.dxftype(), *(inert(row.get(f)) for f in fields)])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["handle", "dxf_layer", "entity", *fields])
    writer.writerows(rows)
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8"), out.getvalue(), crs


def write_dxf(tables: list[LayerTable], folder: Path, crs: CRS | None) -> tuple[list[str], CRS]:
    """layers.dxf and layers_attributes.csv; the CRS the drawing is in."""
    drawing, attributes, used = dxf_drawing(tables, crs)
    (folder / "layers.dxf").write_bytes(drawing)
    (folder / "layers_attributes.csv").write_text(attributes, encoding="utf-8-sig")
    return ["layers.dxf", "layers_attributes.csv"], used


__all__ = ["APP_ID", "TEXT_STYLE", "dxf_drawing", "gauss_kruger", "write_dxf"]
