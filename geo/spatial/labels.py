"""Where a feature's name goes on the map, and what it says.

Polygons are named at their pole of inaccessibility (shapely's ``polylabel``: the inside point
farthest from the edge, so a name sits well inside even a crescent-shaped county), lines at
their middle, points beside the point. Names drop a parenthetical ("綦江区（含万盛经开区）" is
named 綦江区 on the map; the tooltip and details keep the whole name). The browser
(``geo/static/labels.js``) places them by the catalog's ``label_rank`` so none overlap.
"""

from __future__ import annotations

import re

from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.spatial.families import family_of

# polylabel's precision in degrees (~100 m): finer is slower and changes nothing on screen
_TOLERANCE_DEG = 0.001
_PARENTHETICAL = re.compile(r"\s*[（(].*$")


def short_name(name: str) -> str:
    """The name without a trailing parenthetical, for a label on the map."""
    return _PARENTHETICAL.sub("", name).strip() or name


def _largest(geom: BaseGeometry, measure: str) -> BaseGeometry:
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: getattr(g, measure))


def anchor(geom: BaseGeometry) -> tuple[float, float]:
    """The (lat, lon) a feature's name is placed at."""
    kind = geom.geom_type
    if family_of(kind) == "polygon":
        point = polylabel(_largest(geom, "area"), tolerance=_TOLERANCE_DEG)
    elif family_of(kind) == "line":
        point = _largest(geom, "length").interpolate(0.5, normalized=True)
    else:
        point = geom.representative_point() if kind != "Point" else geom
    return round(point.y, 5), round(point.x, 5)


# Where along a line its name may go, tried in this order (fractions of its longest part): the
# middle first, then further out, so a name pushed off by another finds a place of its own.
ALONG = (0.5, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86)
_DIRECTION = 0.02  # the direction of the line at a place: towards the point this far (fraction) along


def along(geom: BaseGeometry) -> list[list[float]]:
    """Places along a line for its name, each ``[lat, lon, lat2, lon2]``: the place and a point a
    little further along (the browser turns the name to the line's direction on the screen).
    Empty for other geometries."""
    if family_of(geom.geom_type) != "line":
        return []
    line = _largest(geom, "length")
    out = []
    for f in ALONG:
        a, b = line.interpolate(f, normalized=True), line.interpolate(min(f + _DIRECTION, 1.0), normalized=True)
        out.append([round(a.y, 5), round(a.x, 5), round(b.y, 5), round(b.x, 5)])
    return out


def size(geom: BaseGeometry) -> float:
    """How big a feature is, to name big ones before small ones of the same rank (degrees: ranks only)."""
    kind = geom.geom_type
    if family_of(kind) == "polygon":
        return float(geom.area)
    if family_of(kind) == "line":
        return float(geom.length)
    return 0.0


__all__ = ["ALONG", "along", "anchor", "short_name", "size"]
