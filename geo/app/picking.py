"""What the live map reports back: the feature a reader clicked, and where they moved the map.

The browser sends the clicked feature's identity — its layer and id (``yq.picked`` in
``geo/static/core.js``) — as streamlit-folium's ``last_active_drawing``, so a click selects
exactly what was clicked, near a border too, on a layer switched on a moment ago, or on an
uploaded one; nothing is resolved again from a position. The map's centre and zoom come back
as streamlit-folium reports them, in the drawing CRS (GCJ-02 on Gaode tiles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from geo import state as ms
from geo.data.basemaps import Crs
from geo.data.layers import LayerSet
from geo.spatial.camera import MAX_VIEW_ZOOM, MIN_ZOOM, Camera
from geo.spatial.gcj import gcj_to_wgs_latlon
from geo.state import FeatureKey, MapState


def reported_feature(layerset: LayerSet, returned: Mapping[str, Any]) -> FeatureKey | None:
    """The (layer id, feature id) of the last clicked feature, if it exists in `layerset`."""
    drawing = returned.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    if not isinstance(props, Mapping):
        return None
    layer_id, feature_id = props.get("layer") or props.get("_layer"), props.get("id")
    if not isinstance(layer_id, str) or feature_id is None:
        return None
    key = (layer_id, str(feature_id))
    return key if layerset.feature(*key) is not None else None


def reported_divider(returned: Mapping[str, Any]) -> float | None:
    """Where the reader left the compare divider (``yq.reportCompare``: a click on no feature
    whose properties hold ``divider``), or None when the report is something else."""
    drawing = returned.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    value = props.get("divider") if isinstance(props, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def reported_sketch(returned: Mapping[str, Any]) -> tuple[Mapping[str, Any], Any] | None:
    """What the sketch tool reported (``geo/static/sketch.js``: a click on no feature whose
    properties hold ``sketch``): the report and its GeoJSON geometry, in the drawing CRS."""
    drawing = returned.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    sketch = props.get("sketch") if isinstance(props, Mapping) else None
    if not isinstance(sketch, Mapping) or not isinstance(drawing, Mapping):
        return None
    return sketch, drawing.get("geometry")


def reported_camera(returned: Mapping[str, Any], crs: Crs) -> Camera | None:
    """Where the map is now (WGS-84), from streamlit-folium's ``center`` and ``zoom``."""
    centre, zoom = returned.get("center"), returned.get("zoom")
    if not isinstance(centre, Mapping) or not isinstance(zoom, int | float):
        return None
    try:
        lat, lon = float(centre["lat"]), float(centre["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if crs == "gcj02":  # the map is drawn shifted; the state is WGS-84
        lat, lon = gcj_to_wgs_latlon(lat, lon)
    return Camera(centre=(round(lat, 5), round(lon, 5)), zoom=max(MIN_ZOOM, min(MAX_VIEW_ZOOM, int(zoom))))


Click = tuple[Any, Any]


def after_report(
    state: MapState,
    layerset: LayerSet,
    returned: Mapping[str, Any],
    crs: Crs,
    *,
    seen_seq: int | None,
    last_click: Click,
) -> tuple[MapState, int, Click]:
    """The state after what the map reported, the camera move seen, and the click reported.

    A pan or zoom is kept only once the map has shown the app's last move (`seen_seq`): before
    that, the reported camera is the old one. A click selects its feature once, when it is new.
    """
    camera = reported_camera(returned, crs)
    if camera is not None and camera != ms.where(state) and state.camera_seq == seen_seq:
        state = ms.moved_by_user(state, camera)
    click = (returned.get("last_object_clicked"), returned.get("last_active_drawing"))
    key = reported_feature(layerset, returned) if click != last_click else None
    if key is not None:
        state = ms.select(state, layerset, key, zoom_to=False)
    divider = reported_divider(returned) if click != last_click else None
    if divider is not None:
        state = ms.set_divider(state, divider)
    return state, state.camera_seq, click


__all__ = ["after_report", "reported_camera", "reported_divider", "reported_feature", "reported_sketch"]
