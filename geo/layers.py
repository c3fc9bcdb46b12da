"""Load and validate layer files (bundled or the user's) into GeoDataFrames.

A layer file with problems gives a :class:`LayerError` that lists every problem at
once, each naming the file, the feature and the field; other layers are unaffected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.catalog import CONFIDENCE, USER_GROUP, Catalog, LayerSpec
from geo.errors import FileProblems
from geo.geojson_io import declared_crs

REQUIRED_PROPS = ("id", "name_zh", "name_en", "source", "confidence")
_GEOM_TYPES = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}
_OK_CRS = {None, "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}


class LayerError(FileProblems):
    """A layer file is unusable; `problems` lists what is wrong, feature by feature.

    `problems_zh`, when given, says the same in Chinese (a user's upload is explained in the
    language of the page).
    """

    def __init__(self, path: Path | str, problems: list[str], problems_zh: list[str] | None = None) -> None:
        super().__init__(path, problems)
        self.problems_zh = problems_zh

    def _where(self) -> str:
        return self.path.name

    def summary_in(self, lang: str) -> str:
        """:attr:`summary` in `lang` (English where no Chinese was given)."""
        problems = self.problems_zh if lang == "zh" and self.problems_zh else self.problems
        more = len(problems) - 1
        extra = (f"（另有 {more} 项）" if lang == "zh" else f" (+{more} more)") if more > 0 else ""
        return f"{self.path.name}: {problems[0]}{extra}"


def _feature_label(index: int, props: Mapping[str, Any]) -> str:
    fid = props.get("id") if isinstance(props, Mapping) else None
    return f"feature {index}" + (f" (id={fid!r})" if fid not in (None, "") else "")


def _check_coords(geom: BaseGeometry) -> str | None:
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return None
    if not all(math.isfinite(v) for v in coords.flat):
        return "coordinates are not finite numbers"
    lon, lat = coords[:, 0], coords[:, 1]
    if lon.min() < -180 or lon.max() > 180 or lat.min() < -90 or lat.max() > 90:
        return "coordinates are outside lon/lat range: not WGS-84 degrees (projected CRS?)"
    return None


def parse_feature_collection(
    text: str | bytes,
    *,
    path: Path | str,
    geometry: str | None = None,
    required: Iterable[str] = REQUIRED_PROPS,
    allow_null_geometry: bool = False,
) -> gpd.GeoDataFrame:
    """Parse and check GeoJSON text; return a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    text
        The file's content.
    path
        Used in error messages only.
    geometry
        ``"point"``, ``"line"`` or ``"polygon"`` to require that family; None for any.
    required
        Property names every feature must have, non-empty.
    allow_null_geometry
        Whether a feature may have ``"geometry": null`` (an unlocated feature).

    Raises
    ------
    LayerError
        Listing every problem found.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LayerError(path, [f"not valid JSON: {exc}"]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise LayerError(path, ["not a GeoJSON FeatureCollection"])
    crs = declared_crs(data)
    if crs not in _OK_CRS:
        raise LayerError(path, [f"declares CRS {crs!r}; GeoJSON layers must be WGS-84 lon/lat (RFC 7946)"])
    features = data.get("features")
    if not isinstance(features, list):
        raise LayerError(path, ["'features' is not a list"])
    required = tuple(required)
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    seen_ids: set[Any] = set()
    allowed = _GEOM_TYPES.get(geometry or "", None)
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(f"feature {i}: not a GeoJSON Feature")
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(f"feature {i}: 'properties' is not an object")
            props = {}
        where = _feature_label(i, props)
        for key in required:
            if props.get(key) in (None, ""):
                problems.append(f"{where}: missing property '{key}'")
        if "confidence" in required and props.get("confidence") not in (None, "", *CONFIDENCE):
            problems.append(f"{where}: confidence {props.get('confidence')!r} is not one of {list(CONFIDENCE)}")
        if "id" in props:
            if props["id"] in seen_ids:
                problems.append(f"{where}: duplicate id")
            seen_ids.add(props["id"])
        raw_geom = feat.get("geometry")
        geom: BaseGeometry | None = None
        if raw_geom is None:
            if not allow_null_geometry:
                problems.append(f"{where}: geometry is missing")
        else:
            try:
                geom = shape(raw_geom)
            except Exception as exc:  # noqa: BLE001 - shapely raises many types for malformed geometry
                problems.append(f"{where}: geometry cannot be read ({exc})")
            else:
                if allowed and geom.geom_type not in allowed:
                    problems.append(f"{where}: geometry is {geom.geom_type}, expected {' or '.join(allowed)}")
                elif geom.is_empty:
                    problems.append(f"{where}: geometry is empty")
                elif (bad := _check_coords(geom)) is not None:
                    problems.append(f"{where}: {bad}")
                elif not geom.is_valid:
                    problems.append(f"{where}: invalid geometry ({shapely.is_valid_reason(geom)})")
        rows.append(props)
        geoms.append(geom)
    if problems:
        raise LayerError(path, problems)
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    return frame


def load_layer(spec: LayerSpec, layers_dir: Path) -> gpd.GeoDataFrame:
    """Read and validate the file of catalog entry `spec`."""
    path = layers_dir / spec.file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LayerError(path, ["file not found"]) from None
    except OSError as exc:
        raise LayerError(path, [f"cannot be read: {exc.strerror}"]) from None
    # Unlocated features (geometry null, RFC 7946 §3.2) are allowed in point layers only:
    # a park whose location is not known is listed but not drawn.
    return parse_feature_collection(
        raw, path=path, geometry=spec.geometry, allow_null_geometry=spec.geometry == "point"
    )


@dataclass(frozen=True)
class LayerSet:
    """The catalog with every layer loaded, or the error that stopped it."""

    catalog: Catalog
    frames: Mapping[str, gpd.GeoDataFrame]
    errors: Mapping[str, LayerError] = field(default_factory=dict)

    def frame(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The layer's GeoDataFrame, or None when it failed to load."""
        return self.frames.get(layer_id)

    def feature(self, layer_id: str, feature_id: str) -> tuple[dict[str, Any], BaseGeometry | None] | None:
        """One feature's properties and geometry (None when unlocated), or None when absent."""
        frame = self.frames.get(layer_id)
        if frame is None:
            return None
        rows = frame[frame["id"].astype(str) == str(feature_id)]
        if rows.empty:
            return None
        geom = rows.geometry.iloc[0]
        return dict(rows.drop(columns="geometry").iloc[0]), (None if geom is None or geom.is_empty else geom)

    @property
    def own_layers(self) -> tuple[str, ...]:
        """Ids of layers a user added in this session (catalog group "user")."""
        return tuple(spec.id for spec in self.catalog.layers if spec.group == USER_GROUP and spec.id in self.frames)

    @property
    def available(self) -> tuple[str, ...]:
        """Ids of layers that loaded, in catalog order."""
        return tuple(i for i in self.catalog.layer_ids if i in self.frames)


def load_layers(catalog: Catalog) -> LayerSet:
    """Load every layer of `catalog`; a broken file is recorded, the rest still load."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    errors: dict[str, LayerError] = {}
    for spec in catalog.layers:
        try:
            frames[spec.id] = load_layer(spec, catalog.layer_dir())
        except LayerError as exc:
            errors[spec.id] = exc
    return LayerSet(catalog=catalog, frames=frames, errors=errors)
