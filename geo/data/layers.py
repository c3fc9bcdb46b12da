"""Load and validate layer files (bundled or the user's) into GeoDataFrames.

A layer file with problems gives a :class:`LayerError` that lists every problem at
once, each naming the file, the feature and the field; other layers are unaffected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.data.catalog import CONFIDENCE, USER_GROUP, Catalog, LayerSpec
from geo.data.geojson import GeoJSONError, RawFeature, declared_crs, read_collection, walk_features
from geo.errors import FileProblems
from geo.spatial.families import GEOMETRY_FAMILIES, Family

REQUIRED_PROPS = ("id", "name_zh", "name_en", "source", "confidence")
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


def _property_problems(feat: RawFeature, required: tuple[str, ...], seen_ids: set[Any]) -> list[str]:
    """Required properties present, confidence one of the known values, ids unique."""
    props, where = feat.props, feat.where()
    problems = [f"{where}: missing property '{key}'" for key in required if props.get(key) in (None, "")]
    if "confidence" in required and props.get("confidence") not in (None, "", *CONFIDENCE):
        problems.append(f"{where}: confidence {props.get('confidence')!r} is not one of {list(CONFIDENCE)}")
    if "id" in props:
        if props["id"] in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(props["id"])
    return problems


def _geometry_problem(geom: BaseGeometry | None, allowed: tuple[str, ...] | None, allow_null: bool) -> str | None:
    """What is wrong with a feature's geometry for its layer, or None."""
    if geom is None:
        return None if allow_null else "geometry is missing"
    if allowed and geom.geom_type not in allowed:
        return f"geometry is {geom.geom_type}, expected {' or '.join(allowed)}"
    if geom.is_empty:
        return "geometry is empty"
    bad = _check_coords(geom)
    if bad is None and not geom.is_valid:
        bad = f"invalid geometry ({shapely.is_valid_reason(geom)})"
    return bad


def parse_feature_collection(
    text: str | bytes,
    *,
    path: Path | str,
    geometry: Family | None = None,
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
        doc = read_collection(text)
    except GeoJSONError as exc:
        raise LayerError(path, [exc.text.en]) from None
    crs = declared_crs(doc)
    if crs not in _OK_CRS:
        raise LayerError(path, [f"declares CRS {crs!r}; GeoJSON layers must be WGS-84 lon/lat (RFC 7946)"])
    required = tuple(required)
    allowed = GEOMETRY_FAMILIES[geometry] if geometry else None
    problems: list[str] = []
    seen_ids: set[Any] = set()
    rows, geoms = [], []
    for feat in walk_features(doc["features"]):
        if feat.problem is not None:
            problems.append(feat.problem_lines()[0])
            continue
        problems += _property_problems(feat, required, seen_ids)
        bad = _geometry_problem(feat.geometry, allowed, allow_null_geometry)
        if bad:
            problems.append(f"{feat.where()}: {bad}")
        rows.append(feat.props)
        geoms.append(feat.geometry)
    if problems:
        raise LayerError(path, problems)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def _check_raster(spec: LayerSpec, path: Path) -> gpd.GeoDataFrame:
    """A raster layer's image: readable, and pixel-square in Web Mercator between its bounds
    (an image made for another projection would be drawn kilometres off). It has no features."""
    from PIL import Image, UnidentifiedImageError

    from geo.spatial.raster import Grid

    try:
        with Image.open(path) as img:
            width, height = img.size
    except FileNotFoundError:
        raise LayerError(path, ["file not found"]) from None
    except (OSError, UnidentifiedImageError) as exc:
        raise LayerError(path, [f"cannot be read as an image: {exc}"]) from None
    assert spec.bounds is not None  # the catalog requires bounds of a raster layer
    expected = Grid(spec.bounds, "EPSG:3857", width, height).aspect() * height
    if abs(expected - width) > 1.5:
        raise LayerError(
            path,
            [f"is {width} × {height} px; square Web Mercator pixels between its bounds need {expected:.0f} × {height}"],
        )
    return gpd.GeoDataFrame({key: [] for key in REQUIRED_PROPS}, geometry=[], crs="EPSG:4326")


def load_layer(spec: LayerSpec, layers_dir: Path) -> gpd.GeoDataFrame:
    """Read and validate the file of catalog entry `spec` (a raster layer: its image)."""
    path = layers_dir / spec.file
    if spec.geometry == "raster":
        return _check_raster(spec, path)
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
class Feature:
    """One feature of a loaded layer: its properties and geometry (None when it is unlocated)."""

    props: dict[str, Any]
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class LayerSet:
    """The catalog with every layer loaded, or the error that stopped it."""

    catalog: Catalog
    frames: Mapping[str, gpd.GeoDataFrame]
    errors: Mapping[str, LayerError] = field(default_factory=dict)

    def frame(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The layer's GeoDataFrame, or None when it failed to load."""
        return self.frames.get(layer_id)

    def feature(self, layer_id: str, feature_id: str) -> Feature | None:
        """One feature of a loaded layer, or None when there is no such feature."""
        frame = self.frames.get(layer_id)
        if frame is None:
            return None
        rows = frame[frame["id"].astype(str) == str(feature_id)]
        if rows.empty:
            return None
        geom = rows.geometry.iloc[0]
        return Feature(dict(rows.drop(columns="geometry").iloc[0]), None if geom is None or geom.is_empty else geom)

    def in_drawing_order(self, layer_ids: Iterable[str]) -> list[str]:
        """The loaded layers among `layer_ids`, bottom first."""
        wanted = set(layer_ids)
        return sorted((i for i in self.available if i in wanted), key=self.catalog.draw_rank)

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
