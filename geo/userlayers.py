"""A user's own GeoJSON file as an extra layer, checked and escaped like the bundled ones."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.catalog import LayerSpec, PathStyle
from geo.i18n import Text
from geo.layers import LayerError, LayerSet, parse_feature_collection

MAX_BYTES = 20 * 1024 * 1024
_NAME_KEYS = ("name_zh", "name", "名称", "NAME", "Name", "title")
USER_STYLE = PathStyle(color="#e7298a", fill_color="#e7298a", fill_opacity=0.25, weight=2.5, radius=7)
_POPUP_FIELDS_MAX = 20


def _geometry_kind(frame: gpd.GeoDataFrame, path: Path) -> str:
    types = set(frame.geometry.dropna().geom_type)
    for kind, members in (
        ("point", {"Point", "MultiPoint"}),
        ("line", {"LineString", "MultiLineString"}),
        ("polygon", {"Polygon", "MultiPolygon"}),
    ):
        if types and types <= members:
            return kind
    if not types:
        raise LayerError(path, ["no feature has a geometry"])
    raise LayerError(path, [f"mixes geometry types {sorted(types)}; use one type per layer"])


def load_user_geojson(path: Path | str, *, layer_id: str | None = None) -> tuple[LayerSpec, gpd.GeoDataFrame]:
    """Read a user's GeoJSON file as a layer: a spec and a frame with display properties.

    Raises
    ------
    LayerError
        Naming the file and every problem (unreadable, too large, not GeoJSON, bad
        geometry, coordinates that are not lon/lat).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LayerError(path, [f"cannot be read: {exc.strerror}"]) from None
    if size > MAX_BYTES:
        raise LayerError(path, [f"is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"])
    frame = parse_feature_collection(path.read_bytes(), path=path, required=())
    kind = _geometry_kind(frame, path)
    stem = re.sub(r"[^A-Za-z0-9_]", "_", path.stem)[:40] or "layer"
    layer_id = layer_id or f"user_{stem}"
    fields = [c for c in frame.columns if c != "geometry"][:_POPUP_FIELDS_MAX]
    frame = frame.copy()
    ids = frame["id"] if "id" in frame else [None] * len(frame)
    frame["id"] = [str(v) if v not in (None, "") else str(i) for i, v in enumerate(ids)]
    frame["name"] = [_name(row, i) for i, row in enumerate(frame.to_dict("records"))]
    frame["confidence"] = frame.get("confidence", None)
    frame["_fields"] = [_field_lines(row, fields) for row in frame.to_dict("records")]
    spec = LayerSpec(
        id=layer_id,
        file=path.name,
        group="user",
        geometry=kind,  # type: ignore[arg-type]
        visible=True,
        title=Text(f"我的图层：{path.name}", f"My layer: {path.name}"),
        description=Text("用户上传的图层", "A layer the user added"),
        style=USER_STYLE,
        tooltip=("name",),
        popup=("name", "properties"),
        source=Text(f"用户文件 {path.name}", f"user file {path.name}"),
        licence="As supplied by the user.",
    )
    return spec, frame


def _name(row: dict[str, Any], index: int) -> str:
    for key in _NAME_KEYS:
        value = row.get(key)
        if value not in (None, "") and value == value:
            return str(value)
    return f"#{index + 1}"


def _field_lines(row: dict[str, Any], fields: list[str]) -> str:
    return "; ".join(f"{k}: {row[k]}" for k in fields if row.get(k) not in (None, "") and row.get(k) == row.get(k))


def with_layer(layerset: LayerSet, spec: LayerSpec, frame: gpd.GeoDataFrame) -> LayerSet:
    """A new LayerSet with one more layer (the original is unchanged)."""
    catalog = layerset.catalog
    layers = (*(s for s in catalog.layers if s.id != spec.id), spec)
    fields = dict(catalog.fields)
    fields.setdefault("properties", Text("属性", "Properties"))
    new_catalog = dataclasses.replace(catalog, layers=layers, fields=fields)
    frames = {**layerset.frames, spec.id: frame.assign(properties=frame["_fields"])}
    return LayerSet(catalog=new_catalog, frames=frames, errors=dict(layerset.errors))
