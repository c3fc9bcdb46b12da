"""The geometry families a layer can hold — points, lines or polygons — and which GeoJSON
geometry types belong to each: the one table every reader, writer and drawer uses."""

from __future__ import annotations

from typing import Literal

Family = Literal["point", "line", "polygon"]
GEOMETRY_FAMILIES: dict[Family, tuple[str, str]] = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}
_FAMILY_OF = {kind: family for family, kinds in GEOMETRY_FAMILIES.items() for kind in kinds}


def family_of(geom_type: str | None) -> Family | None:
    """The family of a geometry type name (``"MultiPolygon"`` → ``"polygon"``), None for others
    (a GeometryCollection, or no geometry)."""
    return _FAMILY_OF.get(geom_type or "")


__all__ = ["GEOMETRY_FAMILIES", "Family", "family_of"]
