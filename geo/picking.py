"""Which feature a click on the map meant.

streamlit-folium returns only the click position and the tooltip's text, so the position is
resolved against the visible layers: the catalog's `priority` decides between layers (lower
wins), then the nearest point or line, then the smallest polygon. When the tooltip text names
a candidate, that candidate wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely

from geo.basemaps import Crs
from geo.gcj import gcj_to_wgs_latlon
from geo.layers import LayerSet
from geo.state import FeatureKey

# How near (degrees) a click must be to a point or line to select it: a pick tolerance on
# screen, so degrees are the right unit here (this is not a measurement).
CLICK_TOLERANCE_DEG = 0.03


def resolve_click(
    layerset: LayerSet, visible: tuple[str, ...], lat: float, lon: float, tooltip: str | None = None
) -> FeatureKey | None:
    """The feature a click at WGS-84 (lat, lon) on the `visible` layers meant, or None."""
    point = shapely.Point(lon, lat)
    catalog = layerset.catalog
    candidates: list[tuple[int, float, str, str, str, str]] = []
    for layer_id in catalog.by_priority(tuple(i for i in layerset.available if i in visible)):
        spec = catalog.layer(layer_id)
        frame = layerset.frames[layer_id]
        located = frame[frame.geometry.notna()]
        if located.empty:
            continue
        if spec.geometry == "polygon":
            hit = located[located.geometry.contains(point)]
            measures = [float(a) for a in shapely.area(hit.geometry.values)]  # ranks only: degrees will do
        else:
            dist = shapely.distance(located.geometry.values, point)
            hit = located[dist < CLICK_TOLERANCE_DEG]
            measures = [float(d) for d in dist[dist < CLICK_TOLERANCE_DEG]]
        for (_, row), measure in zip(hit.iterrows(), measures, strict=True):
            names = (str(row["name_zh"]), str(row["name_en"]))
            candidates.append((spec.priority, measure, layer_id, str(row["id"]), *names))
    if not candidates:
        return None
    if tooltip:
        text = tooltip.strip()
        named = [c for c in candidates if text.startswith(c[4]) or text.startswith(c[5])]
        candidates = named or candidates
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2], candidates[0][3]


def picked(
    layerset: LayerSet, visible: tuple[str, ...], click: Mapping[str, Any], tooltip: str | None, crs: Crs
) -> FeatureKey | None:
    """The feature of a click as streamlit-folium reports it (``{"lat", "lng"}`` as drawn)."""
    lat, lon = float(click["lat"]), float(click["lng"])
    if crs == "gcj02":  # the map is drawn shifted; the data is WGS-84
        lat, lon = gcj_to_wgs_latlon(lat, lon)
    return resolve_click(layerset, visible, lat, lon, tooltip)


__all__ = ["CLICK_TOLERANCE_DEG", "picked", "resolve_click"]
