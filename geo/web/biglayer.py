"""Big layers (thousands of features, such as a parcel layer of 50,000 plots) for the browser.

Drawn by ``yq.BigLayer`` (``geo/static/big.js``) on one canvas instead of one SVG path and one
Leaflet object per feature. What it receives is compact and still escaped here, never in the
browser: each feature's id, geometry as encoded polylines and its shown values, escaped; the
field labels once per layer. The browser builds the hover and click text from those escaped
pieces. Polygons that form a coverage (no overlaps, shared edges) also get a lighter copy for
small scales, simplified as a coverage so neighbours keep their common edges
(``shapely.coverage_simplify``); other polygons are simplified each on its own, keeping
their topology.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.data import geojson
from geo.data.catalog import Catalog, LayerSpec, display_value
from geo.i18n import Lang
from geo.spatial.families import family_of
from geo.web.popups import esc

# From this many drawn features a layer goes on one canvas.
BIG_LAYER = 3_000
# The lighter copy: below this zoom, simplified by this much (degrees; ≈50 m, under 2 px at zoom 11).
LOD_BELOW_ZOOM = 12
LOD_TOLERANCE = 0.0005
# A lighter copy only pays when it drops this share of the vertices.
LOD_MIN_SAVING = 0.3


def lighter(geoms: list[BaseGeometry]) -> list[BaseGeometry] | None:
    """The small-scale copy of `geoms` (topology kept), or None when it would save little."""
    array = np.array(geoms, dtype=object)
    if not all(family_of(g.geom_type) == "polygon" for g in geoms):
        simple = shapely.simplify(array, LOD_TOLERANCE, preserve_topology=True)
    elif shapely.coverage_is_valid(array):
        simple = shapely.coverage_simplify(array, LOD_TOLERANCE)
    else:
        simple = shapely.simplify(array, LOD_TOLERANCE, preserve_topology=True)
    before = int(shapely.get_num_coordinates(array).sum())
    after = int(shapely.get_num_coordinates(simple).sum())
    return list(simple) if after <= (1 - LOD_MIN_SAVING) * before else None


def _fields(spec: LayerSpec) -> tuple[str, ...]:
    """Every field the hover or click text shows, each once: the name first."""
    return tuple(dict.fromkeys(("name", *spec.tooltip, *spec.popup)))


def _values(catalog: Catalog, fields: tuple[str, ...], props: dict[str, Any], lang: Lang) -> list[str | None]:
    """The escaped values of `fields` (None where a feature has none)."""
    out = []
    for field in fields:
        value = display_value(catalog, field, props, lang)
        out.append(None if value is None else esc(value))
    return out


def polyline_rings(geoms: list[BaseGeometry]) -> list[list[str]]:
    """Each geometry as encoded polylines (Google's algorithm, 1e-5°, latitude first), one per
    ring, line or point — all at once with numpy: the same strings ``polyline.encode`` makes one
    by one (tests compare them), fifty times faster for a layer of 50,000 parcels.

    Even-odd filling makes a polygon's holes and a multipolygon's parts come out right without
    saying which ring is which.
    """
    parts, part_of = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    is_polygon = shapely.get_type_id(parts) == 3
    rings, ring_in = shapely.get_rings(parts[is_polygon], return_index=True)
    owners = np.concatenate([part_of[is_polygon][ring_in], part_of[~is_polygon]])
    pieces = np.concatenate([rings, parts[~is_polygon]])
    order = np.argsort(owners, kind="stable")  # rings of each geometry together, in order
    owners, pieces = owners[order], pieces[order]
    coords, coord_of = shapely.get_coordinates(pieces, return_index=True)
    fixed = np.round(coords[:, ::-1] * 10**geojson.DECIMALS).astype(np.int64)  # (lat, lon)
    starts = np.r_[0, np.flatnonzero(np.diff(coord_of)) + 1]
    deltas = fixed.copy()
    deltas[1:] -= fixed[:-1]
    deltas[starts] = fixed[starts]  # each ring starts from zero
    values = deltas.ravel()
    zigzag = np.where(values < 0, ~(values << 1), values << 1)
    chunks = np.stack([(zigzag >> (5 * k)) & 0x1F for k in range(7)], axis=1)
    count = np.maximum(1, (np.floor(np.log2(np.maximum(zigzag, 1))).astype(np.int64) + 5) // 5)
    count[zigzag == 0] = 1
    used = np.arange(7)[None, :] < count[:, None]
    more = np.arange(7)[None, :] < (count - 1)[:, None]
    chars = (chunks + 63 + 0x20 * more).astype(np.uint8)[used]
    per_value = count
    per_coord = per_value.reshape(-1, 2).sum(axis=1)
    lengths = np.add.reduceat(per_coord, starts) if len(starts) else np.array([], dtype=np.int64)
    text = chars.tobytes().decode("ascii")
    bounds = np.r_[0, np.cumsum(lengths)]
    strings = [text[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]
    out: list[list[str]] = [[] for _ in geoms]
    ring_owner = owners[np.unique(coord_of)]  # the pieces that have coordinates, in order
    for owner, string in zip(ring_owner, strings, strict=True):
        out[owner].append(string)
    return out


def _label(catalog: Catalog, field: str, lang: Lang) -> str:
    return catalog.fields[field].get(lang) if field in catalog.fields else field


def big_payload(
    catalog: Catalog,
    spec: LayerSpec,
    located: list[tuple[dict[str, Any], BaseGeometry]],
    langs: tuple[Lang, ...],
) -> dict[str, Any]:
    """The layer for ``yq.BigLayer``, by column: ids, rings (encoded polylines), the lighter
    rings for small scales, escaped values (``values`` when every language shows the same,
    else ``values_<lang>``), style values and which features have low confidence; and once,
    the escaped field labels, title and which fields the hover and click texts show."""
    fields = _fields(spec)
    values = {lang: [_values(catalog, fields, p, lang) for p, _ in located] for lang in langs}
    out: dict[str, Any] = {
        "type": "FeatureCollection",
        "big": {
            "labels": {
                lang: [esc(catalog.fields[f].get(lang) if f in catalog.fields else f) for f in fields] for lang in langs
            },
            "title": {lang: esc(spec.title.get(lang)) for lang in langs},
            "tooltip": [fields.index(f) for f in spec.tooltip if f != "name"],
            "popup": [fields.index(f) for f in spec.popup],
            "lodBelow": None,
        },
        "ids": [str(p["id"]) for p, _ in located],
        "rings": polyline_rings([g for _, g in located]),
        "low": [i for i, (p, _) in enumerate(located) if p.get("confidence") == "low"],
    }
    if all(values[lang] == values[langs[0]] for lang in langs):
        out["values"] = values[langs[0]]
    else:
        out.update({f"values_{lang}": v for lang, v in values.items()})
    if spec.style_by:
        out["by"] = [p.get(spec.style_by) for p, _ in located]
    simple = lighter([g for _, g in located])
    if simple is not None:
        out["lod"] = polyline_rings(simple)
        out["big"]["lodBelow"] = LOD_BELOW_ZOOM
    return out


__all__ = ["BIG_LAYER", "LOD_BELOW_ZOOM", "LOD_TOLERANCE", "big_payload", "lighter", "polyline_rings"]
