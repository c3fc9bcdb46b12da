"""Find features by Chinese or English name (partial, case-insensitive).

Counties also match by the prefecture they belong to, so "遵义" offers the districts
of 遵义市. A county that is a unit of the zone resolves to its scope layer, where its
role and evidence are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from geo.layers import LayerSet

SEARCHABLE = (
    "poles",
    "scope_yanxian",
    "scope_yanbian",
    "pole_hosts",
    "axis",
    "core",
    "belt",
    "pieces",
    "rail",
    "stations",
    "highways",
    "parks",
    "counties",
)
_SCOPE = ("scope_yanxian", "scope_yanbian", "pole_hosts")


@dataclass(frozen=True)
class Hit:
    """One search result."""

    layer_id: str
    feature_id: str
    name_zh: str
    name_en: str
    score: int  # lower is better

    @property
    def key(self) -> tuple[str, str]:
        """(layer id, feature id): what the dashboard selects."""
        return (self.layer_id, self.feature_id)


def _score(query: str, names: list[str], context: list[str]) -> int | None:
    q = query.casefold()
    best = None
    for rank, texts in ((0, names), (3, context)):
        for text in texts:
            t = (text or "").casefold()
            if not t or q not in t:
                continue
            score = rank + (0 if t == q else 1 if t.startswith(q) else 2)
            best = score if best is None else min(best, score)
    return best


def search(layerset: LayerSet, query: str, *, limit: int = 30) -> list[Hit]:
    """Features whose name (or a county's prefecture) contains `query`, best first."""
    query = query.strip()
    if not query:
        return []
    scope_ids = {
        str(fid) for layer_id in _SCOPE if (frame := layerset.frame(layer_id)) is not None for fid in frame["id"]
    }
    hits: list[Hit] = []
    user = layerset.own_layers
    order = {layer_id: i for i, layer_id in enumerate((*SEARCHABLE, *user))}
    for layer_id in (*SEARCHABLE, *user):
        frame = layerset.frame(layer_id)
        if frame is None:
            continue
        for row in frame.drop(columns="geometry").to_dict("records"):
            fid = str(row["id"])
            if layer_id == "counties" and fid in scope_ids:
                continue  # found through its scope layer instead
            context = [str(row.get("city_zh") or ""), str(row.get("city_en") or "")]
            score = _score(query, [str(row["name_zh"]), str(row["name_en"])], context)
            if score is not None:
                hits.append(Hit(layer_id, fid, str(row["name_zh"]), str(row["name_en"]), score))
    hits.sort(key=lambda h: (h.score, order[h.layer_id], h.name_zh))
    return hits[:limit]


def feature_geometry(layerset: LayerSet, layer_id: str, feature_id: str) -> BaseGeometry | None:
    """The geometry of one feature, or None when it has none or does not exist."""
    found = layerset.feature(layer_id, feature_id)
    return None if found is None else found[1]


def view_for(geom: BaseGeometry) -> tuple[tuple[float, float], int]:
    """A (lat, lon) centre and zoom that show `geom` whole."""
    minx, miny, maxx, maxy = geom.bounds
    point = shapely.Point((minx + maxx) / 2, (miny + maxy) / 2)
    if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.contains(point):
        point = geom.representative_point()
    extent = max(maxx - minx, maxy - miny)
    zoom = 12 if extent == 0 else max(6, min(12, int(8.5 - math.log2(max(extent, 1e-3)))))
    return (round(point.y, 5), round(point.x, 5)), zoom
