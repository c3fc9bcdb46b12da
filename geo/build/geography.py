"""The geographic context layers a planner orients by: rivers and cities.

Rivers are Natural Earth's 1:10m centrelines (``tables/rivers_ne10m.geojson``, source S70), one
feature per river: Natural Earth cuts a river where its stroke width changes, and a reader
asks for 乌江, not for its third piece. Cities are ``tables/cities.csv`` (made by
:mod:`geo.build.cities`): the capitals, prefecture-level cities and the zone's unit seats; a seat
of a unit abolished since the plan is there until it was abolished (``changes.toml``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, shape

from geo.build.inputs import Inputs
from geo.data import geojson, timeline
from geo.spatial.measure import length_km

RIVERS_FILE = "rivers_ne10m.geojson"
RIVER_SOURCE = "S70"
RIVER_NOTE = {
    "geometry_note_zh": "Natural Earth 1:10m 河流中心线（小比例尺概化，位置可偏离数公里），"
    "按图框 103–110.5°E、24.5–32.5°N 截取。",
    "geometry_note_en": "Natural Earth 1:10m centreline (small-scale generalisation, off by up to a few km), "
    "clipped to 103–110.5°E, 24.5–32.5°N.",
}
CITY_NOTE = {
    "capital": ("省级行政中心（政府驻地）", "Provincial-level capital (government seat)"),
    "prefecture": ("地级行政中心（政府驻地）", "Prefecture-level seat (government seat)"),
    "seat": ("示范区区县驻地", "Seat of a unit of the zone"),
}
CITY_GEOMETRY_NOTE = {
    "geometry_note_zh": "DataV.GeoAtlas 行政中心点（GCJ-02 转 WGS-84）：政府驻地，误差约数百米。",
    "geometry_note_en": "DataV.GeoAtlas centre point (GCJ-02 converted to WGS-84): the government seat, "
    "within a few hundred metres.",
}
# Seats are named from this zoom on; capitals and prefecture-level cities at every zoom.
SEAT_LABEL_ZOOM = 9


def _river_pieces(path: Path) -> dict[int, list[dict[str, Any]]]:
    pieces: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        pieces[int(feature["properties"]["ne_id"])].append(feature)
    return pieces


def river_features(ctx: Inputs, tables_dir: Path) -> list[dict[str, Any]]:
    """One feature per river (its pieces merged), most important first."""
    features = []
    for ne_id, parts in _river_pieces(tables_dir / RIVERS_FILE).items():
        first = parts[0]["properties"]
        geom = geojson.snap(shapely.line_merge(shapely.union_all([shape(p["geometry"]) for p in parts])))
        props = {
            "id": f"river_{first['name_en'].split(' ')[0].lower()}",
            "name_zh": first["name_zh"],
            "name_en": first["name_en"].split(" (")[0],
            "river_class": "main" if min(p["properties"]["scalerank"] for p in parts) == 1 else "other",
            "scalerank": min(p["properties"]["scalerank"] for p in parts),
            "ne_id": ne_id,
            "length_km_computed": round(length_km(geom), 1),
            "source": ctx.cite(RIVER_SOURCE),
            "confidence": "medium",
            **RIVER_NOTE,
        }
        features.append((props["scalerank"], props["name_en"], geojson.feature(props, geom)))
    return [f for *_, f in sorted(features, key=lambda t: (t[0], t[1]))]


def _abolished(ctx: Inputs) -> dict[str, str]:
    """``{adcode: date}`` of the units abolished since the plan."""
    return {str(a["adcode"]): str(a["date"]) for a in ctx.changes.get("abolished", [])}


def city_features(ctx: Inputs) -> list[dict[str, Any]]:
    """Capitals, prefecture-level cities, then the units' seats (the table's order: names are
    placed in it, so a capital wins a crowded spot)."""
    ended = _abolished(ctx)
    features = []
    for row in ctx.places:
        kind = row["kind"]
        props: dict[str, Any] = {
            "id": row["id"],
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "kind_zh": CITY_NOTE[kind][0],
            "kind_en": CITY_NOTE[kind][1],
            "seat_of": row["seat_of"],
            "adcode": row["adcode"],
            "source": ctx.cite(row["source"]),
            "confidence": row["confidence"],
            **CITY_GEOMETRY_NOTE,
        }
        if kind == "seat":
            props["label_min_zoom"] = SEAT_LABEL_ZOOM
        if row["adcode"] in ended:
            props["valid"] = timeline.interval(None, ended[row["adcode"]])
        features.append(geojson.feature(props, Point(float(row["lon"]), float(row["lat"]))))
    return features


__all__ = ["SEAT_LABEL_ZOOM", "city_features", "river_features"]
