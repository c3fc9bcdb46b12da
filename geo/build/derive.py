"""Derive every ``layers/*.geojson`` from the hand-edited tables and the boundary source.

``python -m geo build`` runs :func:`build` and writes the files; ``--check`` compares
instead of writing. The output is deterministic: two builds give identical bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, Point

from geo.build import context, dated, geography, relief
from geo.build.inputs import Inputs
from geo.build.pinyin import english_name
from geo.data import geojson
from geo.paths import LAYERS_DIR, TABLES_DIR
from geo.spatial.measure import area_km2, distance_km, length_km

# Prose the build writes itself, in both languages (the tables carry their own as X_zh / X_en).
STATION_NOTE = {
    "geometry_note_zh": "OpenStreetMap 车站节点的位置（WGS-84）。",
    "geometry_note_en": "Position of the OpenStreetMap station node (WGS-84).",
}
PROSE = ("geometry_note", "note", "role_evidence")


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
            props.update(context.COUNTY_NOTE)
        features.append(geojson.feature(props, geom))
    return features


def _poles(ctx: Inputs) -> list[dict[str, Any]]:
    features = []
    for row in ctx.poles:
        hosts = row["host_ids"].split(";")
        extra = {
            "official_area_km2": float(row["official_area_km2"]),
            "hosts": "、".join(ctx.counties[h].name_zh for h in hosts),
            "host_ids": row["host_ids"],
            **_hosts_later(ctx, hosts),
        }
        features.append(geojson.feature(_common(row, ctx, **extra), ctx.points["pole:" + row["id"]].geom))
    return features


def _hosts_later(ctx: Inputs, hosts: list[str]) -> dict[str, str]:
    """A dated ``hosts`` history when some hosts were abolished and succeeded since the plan."""
    later = {h: dated.successor(ctx.changes, h) for h in hosts}
    changed = [c for c in later.values() if c]
    if not changed:
        return {}
    names = list(dict.fromkeys(c["name_zh"] if c else ctx.counties[h].name_zh for h, c in later.items()))
    return {"hosts_dates": dated.history([(changed[0]["date"], "、".join(names))])}


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
    return [geojson.feature(_common(row, ctx, **extra), geom)]


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
    return geojson.feature(_common(row, ctx, **extra), geom)


def _corridors(ctx: Inputs, kind: str) -> list[dict[str, Any]]:
    features = []
    for row in ctx.corridors:
        if row["kind"] != kind:
            continue
        seq = sorted((int(p["seq"]), p["point_id"]) for p in ctx.corridor_points if p["corridor_id"] == row["id"])
        point_ids = [pid for _, pid in seq]
        geom = _line_through(ctx, point_ids)
        extra = {
            "project": row["project"],
            "status": row["status"],
            "opened": row["opened"],
            "design_speed_kmh": row["design_speed_kmh"],
            "length_km": row["length_km"],
            "stops": "、".join(ctx.points[p].name_zh for p in point_ids),
            "length_km_computed": round(length_km(geom), 1),
            **dated.corridor_time(ctx.status.get(row["id"], []), ctx.cite),
        }
        props = dated.with_sources(_common(row, ctx, **extra), row["source"], ctx.cite)
        features.append(geojson.feature(props, geom))
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
        features.append(geojson.feature(props, ctx.points[row["id"]].geom))
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
            "host_zh": ctx.counties[row["host_id"]].name_zh if row["host_id"] else "not known",
            "host_en": english_name(ctx.counties[row["host_id"]].name_zh) if row["host_id"] else "not known",
            "location_known": located,
        }
        features.append(geojson.feature(_common(row, ctx, **extra), geom))
    dated.moved(features, ctx.changes, ctx.cite)
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
        features.append(geojson.feature(_common(row, ctx, **extra), LineString([a, b])))
    return features


def _pole_hosts(ctx: Inputs) -> list[dict[str, Any]]:
    """The new areas' host districts; a host created since the plan replaces those it absorbed."""
    features = dated.abolish(_scope(ctx, "pole_hosts"), ctx.changes, ctx.cite)
    extra = {
        "province": "重庆",
        **ctx.city("500105"),
        "role": "极点",
        "member_evidence": "host_of_new_area",
        "role_evidence_zh": "两江新区（极点）的一部分位于本区。",
        "role_evidence_en": "Hosts part of 两江新区 (极点).",
    }
    return features + dated.created(ctx, ctx.changes, **extra)


def build(tables_dir: Path = TABLES_DIR) -> dict[str, str | bytes]:
    """Build every layer; return ``{layer id: GeoJSON text}`` and the relief image's bytes."""
    ctx = Inputs(tables_dir)
    layout = ctx.layout
    builders: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "poles": lambda: _poles(ctx),
        "scope_yanxian": lambda: _scope(ctx, "scope_yanxian"),
        "scope_yanbian": lambda: _scope(ctx, "scope_yanbian"),
        "pole_hosts": lambda: _pole_hosts(ctx),
        "axis": lambda: _axis(ctx),
        "core": lambda: [_layout_polygon(ctx, "core", layout["core"])],
        "belt": lambda: [_layout_polygon(ctx, "belt", layout["belt"])],
        "pieces": lambda: [_layout_polygon(ctx, pid, spec) for pid, spec in layout["pieces"].items()],
        "rail": lambda: _corridors(ctx, "rail"),
        "stations": lambda: _stations(ctx),
        "highways": lambda: _corridors(ctx, "highway"),
        "parks": lambda: _parks(ctx),
        "links": lambda: _links(ctx),
        "provinces": lambda: context.province_features(ctx),
        "counties": lambda: context.county_features(ctx),
        "border": lambda: context.border_features(ctx),
        "rivers": lambda: geography.river_features(ctx, tables_dir),
        "cities": lambda: geography.city_features(ctx),
    }
    outputs: dict[str, str | bytes] = {i: geojson.dumps(make(), name=i) for i, make in builders.items()}
    outputs["relief"] = relief.make()
    return outputs


def _file(layer_id: str, output: str | bytes) -> tuple[str, bytes]:
    """The file name and bytes of a built layer: GeoJSON text, or an image's bytes."""
    if isinstance(output, bytes):
        return relief.FILE if layer_id == "relief" else layer_id, output
    return f"{layer_id}.geojson", output.encode("utf-8")


def write(outputs: dict[str, str | bytes], layers_dir: Path = LAYERS_DIR) -> list[Path]:
    """Write built layers (``<id>.geojson``, the relief image); return the paths whose bytes changed."""
    changed = []
    for layer_id, output in outputs.items():
        name, data = _file(layer_id, output)
        path = layers_dir / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(path)
    return changed


def drift(outputs: dict[str, str | bytes], layers_dir: Path = LAYERS_DIR) -> list[str]:
    """Layer ids whose committed file differs from `outputs` (or is missing)."""
    out = []
    for layer_id, output in outputs.items():
        name, data = _file(layer_id, output)
        path = layers_dir / name
        if not path.exists() or path.read_bytes() != data:
            out.append(layer_id)
    return out
