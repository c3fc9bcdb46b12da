"""The cities table (``layers/tables/cities.csv``) from DataV.GeoAtlas's centre points.

DataV.GeoAtlas (source S41, the same as the seats in ``anchors.csv``) gives every province,
prefecture and county a ``center``: its government seat, in GCJ-02. This module picks the
points the offline map names — the two provincial-level capitals, every prefecture-level city
whose seat lies in :data:`BOX`, and the seats of the zone's units (``units.csv``) — converts them
to WGS-84 and writes them as a table the build reads like any other. It runs once, by hand,
when the source changes (the source is not shipped)::

    python -m geo.build.cities location.json > layers/tables/cities.csv

``location.json`` is in the GitHub repository ``lyhmyd1211/GeoMapData_CN``, branch ``V3``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from geo.build.pinyin import english_name
from geo.paths import TABLES_DIR
from geo.spatial.gcj import gcj_to_wgs

# The area the context layers cover (as the rivers: lon 103–110.5 E, lat 24.5–32.5 N).
BOX = (103.0, 24.5, 110.5, 32.5)
# Provinces whose prefecture-level cities can fall in the box.
PROVINCES = ("500000", "520000", "510000", "530000", "450000", "430000", "420000", "610000")
CAPITALS = ("500000", "520100")  # 重庆 (the municipality) and 贵阳 (Guizhou's capital)
COLUMNS = ("id", "kind", "name_zh", "name_en", "seat_of", "adcode", "lon", "lat", "source", "confidence")
_ETHNIC = "(土家族|苗族|仡佬族|布依族|侗族|水族|彝族|回族|壮族|瑶族|藏族|羌族)+"
_SUFFIX = re.compile(f"({_ETHNIC})?(自治州|自治县|县|区|市|地区)$")


def short(name: str) -> str:
    """A place's name as maps write it: 遵义市 → 遵义, 道真仡佬族苗族自治县 → 道真,
    黔东南苗族侗族自治州 → 黔东南州 (a prefecture keeps 州: its seat has another name)."""
    base = _SUFFIX.sub("", name)
    if len(base) < 2:  # 合川区 → 合川, but 江北区 stays 江北 and a one-character base keeps its suffix
        return name
    return base + ("州" if name.endswith("自治州") else "")


def _english(name: str) -> str:
    if name.endswith("自治州"):
        return english_name(short(name).removesuffix("州")) + " Prefecture"
    english = english_name(short(name))
    return english.removesuffix(" County").removesuffix(" District").removesuffix(" City")


def _row(place: Mapping[str, Any], kind: str, seat_of: str) -> dict[str, str]:
    lon, lat = gcj_to_wgs(np.array([place["center"][0]]), np.array([place["center"][1]]))
    name = str(place["name"])
    return {
        "id": f"city_{place['adcode']}",
        "kind": kind,
        "name_zh": short(name),
        "name_en": _english(name),
        "seat_of": seat_of or name,
        "adcode": str(place["adcode"]),
        "lon": f"{float(lon[0]):.4f}",
        "lat": f"{float(lat[0]):.4f}",
        "source": "S41",
        "confidence": "medium",
    }


def _inside(place: Mapping[str, Any]) -> bool:
    lon, lat = place["center"]
    return BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]


def _near(a: list[float], b: list[float]) -> bool:
    """Within about 500 m (the same government seat given for a city and one of its districts)."""
    return abs(a[0] - b[0]) < 0.005 and abs(a[1] - b[1]) < 0.005


def rows(location: Mapping[str, Any], unit_codes: list[str]) -> Iterator[dict[str, str]]:
    """The table's rows: capitals, then prefecture-level cities, then the units' seats."""
    provinces = {str(p["adcode"]): p for p in location["100000"]["children"]}
    below = {str(c["adcode"]): c for code in PROVINCES for c in location.get(code, {}).get("children", [])}
    counties = {str(c["adcode"]): c for code in below for c in location.get(code, {}).get("children", [])}
    counties |= {code: c for code, c in below.items() if c["level"] == "district"}  # 重庆's districts
    taken: set[str] = set()
    named: list[Mapping[str, Any]] = []
    for code in CAPITALS:
        taken.add(code)
        named.append(provinces.get(code) or below[code])
        yield _row(named[-1], "capital", "")
    for code, place in sorted(below.items()):
        if place["level"] == "city" and code not in taken and _inside(place):
            taken.add(code)
            named.append(place)
            yield _row(place, "prefecture", "")
    for code in unit_codes:
        place = counties.get(code)
        if place is None or code in taken:
            continue
        taken.add(code)
        # a unit that is its city's seat (汇川区 holds 遵义's government) is that city's point
        same = [p for p in named if _near(p["center"], place["center"])]
        if not same:
            yield _row(place, "seat", "")


def _unit_codes(tables_dir: Path) -> list[str]:
    with (tables_dir / "units.csv").open(encoding="utf-8", newline="") as f:
        return [r["id"] for r in csv.DictReader(f) if r["id"].isdigit()]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m geo.build.cities LOCATION_JSON > layers/tables/cities.csv", file=sys.stderr)
        return 2
    location = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(location, _unit_codes(TABLES_DIR)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
