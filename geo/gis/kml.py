"""KML for Google Earth and 奥维互动地图: a folder per layer, names and descriptions in the chosen
language, the catalog's colours as styles (a style per category where a layer is styled by one).
Built with ElementTree, so every name and value is escaped text, never markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.data.catalog import Catalog
from geo.data.styles import PathStyle
from geo.gis.tables import LayerTable, field_labels
from geo.i18n import Lang

KML_NS = "http://www.opengis.net/kml/2.2"


def kml_colour(hex_colour: str | None, opacity: float) -> str:
    """``#rrggbb`` and an opacity as KML's ``aabbggrr``."""
    rgb = (hex_colour or "#3388ff").lstrip("#")
    if len(rgb) == 3:
        rgb = "".join(c * 2 for c in rgb)
    alpha = max(0, min(255, round(opacity * 255)))
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _style(parent: ET.Element, style_id: str, style: PathStyle) -> None:
    el = ET.SubElement(parent, "Style", id=style_id)
    icon = ET.SubElement(el, "IconStyle")
    ET.SubElement(icon, "color").text = kml_colour(style.fill_color or style.color, 1.0)
    ET.SubElement(icon, "scale").text = "0.8"
    line = ET.SubElement(el, "LineStyle")
    ET.SubElement(line, "color").text = kml_colour(style.color, style.opacity)
    ET.SubElement(line, "width").text = f"{style.weight:g}"
    poly = ET.SubElement(el, "PolyStyle")
    ET.SubElement(poly, "color").text = kml_colour(style.fill_color or style.color, style.fill_opacity)


def _coords(seq: Any) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in seq)


def _geometry(parent: ET.Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(geom.coords)
    elif kind == "LineString":
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = _coords(geom.coords)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        outer = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(outer, "coordinates").text = _coords(geom.exterior.coords)
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(inner, "coordinates").text = _coords(ring.coords)
    else:  # Multi* and collections
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in geom.geoms:
            _geometry(multi, part)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _folder(doc: ET.Element, table: LayerTable, catalog: Catalog, lang: Lang) -> None:
    spec = table.spec
    _style(doc, spec.id, spec.style)
    for cat in spec.categories:
        _style(doc, f"{spec.id}.{cat.value}", cat.style)
    labels = {f: t.get(lang) for f, t in field_labels(catalog, table.fields).items()}
    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = table.title
    ET.SubElement(folder, "description").text = spec.description.get(lang)
    frame = table.frame
    rows = frame.drop(columns=frame.geometry.name).to_dict("records")
    categories = table.categories or (None,) * len(rows)
    for row, geom, category in zip(rows, frame.geometry, categories, strict=True):
        mark = ET.SubElement(folder, "Placemark")
        ET.SubElement(mark, "name").text = _text(row.get("name")) or _text(row.get("id"))
        shown = [f for f in table.fields if f not in ("name", "name_zh", "name_en") and _text(row.get(f))]
        ET.SubElement(mark, "description").text = "\n".join(f"{labels[f]}: {_text(row[f])}" for f in shown)
        ET.SubElement(mark, "styleUrl").text = f"#{spec.id}" + (f".{category}" if category else "")
        data = ET.SubElement(mark, "ExtendedData")
        for f in table.fields:
            item = ET.SubElement(data, "Data", name=f)
            ET.SubElement(item, "displayName").text = labels[f]
            ET.SubElement(item, "value").text = _text(row.get(f))
        if geom is not None:
            _geometry(mark, geom)


def kml_document(tables: list[LayerTable], catalog: Catalog, lang: Lang, title: str) -> bytes:
    """The layers as one KML document."""
    root = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = title
    ET.SubElement(doc, "description").text = catalog.boundary_statement.get(lang)
    for table in tables:
        _folder(doc, table, catalog, lang)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


__all__ = ["kml_colour", "kml_document"]
