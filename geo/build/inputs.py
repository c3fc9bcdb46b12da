"""What the build reads: the hand-edited tables (checked), their sources and the county polygons.

:class:`Inputs` reads every table under ``layers/tables/`` once; the layer builders in
:mod:`geo.build.derive` share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.build import boundaries, dated
from geo.build.pinyin import english_name
from geo.data import geojson
from geo.data.tables import Sources, read_csv, read_sources, read_toml

# Prose columns come in both languages (the tables check they come in pairs).
GEOMETRY_NOTE = ("geometry_note_zh", "geometry_note_en")
ROLE_EVIDENCE = ("role_evidence_zh", "role_evidence_en")


@dataclass(frozen=True)
class NamedPoint:
    """A named point a line can pass through (station, town anchor or pole)."""

    id: str
    name_zh: str
    name_en: str
    geom: Point


class Inputs:
    """Everything the layer builders share: tables, sources and county polygons."""

    def __init__(self, tables_dir: Path) -> None:
        self.sources: Sources = read_sources(tables_dir / "sources.toml")
        self.counties = {r.adcode: r for r in boundaries.counties()}
        self.cities = boundaries.city_names()
        self.units = read_csv(
            tables_dir / "units.csv",
            required=("id", "name_zh", "name_en", "province", "layer", "member_evidence", "role", *ROLE_EVIDENCE),
            sources=self.sources,
            key="id",
        )
        self.poles = read_csv(
            tables_dir / "poles.csv",
            required=("id", "name_zh", "name_en", "official_area_km2", "host_ids", *GEOMETRY_NOTE),
            sources=self.sources,
            key="id",
            coords="required",
        )
        self.stations = read_csv(
            tables_dir / "stations.csv",
            required=("id", "name_zh", "name_en"),
            sources=self.sources,
            key="id",
            coords="required",
        )
        self.anchors = read_csv(
            tables_dir / "anchors.csv",
            required=("id", "name_zh", "name_en", "note"),
            sources=self.sources,
            key="id",
            coords="required",
        )
        self.places = read_csv(
            tables_dir / "cities.csv",
            required=("id", "kind", "name_zh", "name_en", "seat_of", "adcode"),
            sources=self.sources,
            key="id",
            coords="required",
        )
        self.corridors = read_csv(
            tables_dir / "corridors.csv",
            required=("id", "kind", "project", "name_zh", "name_en", "status", "opened", *GEOMETRY_NOTE),
            sources=self.sources,
            key="id",
        )
        self.corridor_points = read_csv(tables_dir / "corridor_points.csv", required=("corridor_id", "seq", "point_id"))
        self.parks = read_csv(
            tables_dir / "parks.csv",
            required=("id", "name_zh", "name_en", "new_area", "focus_zh", "focus_en", "pairing", *GEOMETRY_NOTE),
            sources=self.sources,
            key="id",
            coords="optional",
        )
        self.links = read_csv(
            tables_dir / "links.csv",
            required=("id", "name_zh", "name_en", "from_id", "to_id", "field_zh", "field_en", *GEOMETRY_NOTE),
            sources=self.sources,
            key="id",
        )
        self.layout = read_toml(tables_dir / "layout.toml")
        self.status = dated.read_status(tables_dir / "status.csv", self.sources, {c["id"] for c in self.corridors})
        self.changes = dated.read_changes(tables_dir / "changes.toml", self.sources, self.counties)
        self.points = self._points()
        for row in self.units:
            adcode = row["within"] or row["id"]
            if adcode not in self.counties:
                where = f"{tables_dir / 'units.csv'}: unit {row['id']!r}"
                raise ValueError(f"{where}: adcode {adcode} is not in the boundary data")

    def _points(self) -> dict[str, NamedPoint]:
        out: dict[str, NamedPoint] = {}
        for prefix, rows in (("", self.stations), ("anchor:", self.anchors), ("pole:", self.poles)):
            for row in rows:
                geom = Point(float(row["lon"]), float(row["lat"]))
                out[prefix + row["id"]] = NamedPoint(row["id"], row["name_zh"], row["name_en"], geom)
        # corridor_points.csv names anchors and stations by bare id
        for row in self.anchors:
            out.setdefault(row["id"], out["anchor:" + row["id"]])
        return out

    def city(self, adcode: str) -> dict[str, str]:
        """``city_zh``/``city_en`` properties of a county (重庆市 for Chongqing's counties)."""
        name = boundaries.city_of(adcode, self.cities)
        english = "Chongqing" if adcode.startswith("50") else english_name(name)
        return {"city_zh": name, "city_en": english}

    def cite(self, ids: str) -> str:
        return self.sources.cite(ids)

    def county(self, adcode: str) -> BaseGeometry:
        return self.counties[adcode].geometry

    def union(self, adcodes: list[str]) -> BaseGeometry:
        return geojson.snap(shapely.union_all([self.county(a) for a in adcodes]))


__all__ = ["Inputs", "NamedPoint"]
