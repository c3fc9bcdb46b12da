"""What the details panel, the summary and the feature table show, computed from the layers.

Relations between layers (which corridors cross a county, which parks lie in it,
which layout elements include it) are computed spatially on the WGS-84 data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import geojson_io
from geo.i18n import Lang, ui
from geo.layers import LayerSet
from geo.measure import area_km2, length_km
from geo.popups import display_value

_SOURCE = re.compile(r"(.+?)\s+(https?://\S+)$")
_CORRIDORS = ("rail", "highways")
_LAYOUT = ("core", "belt", "pieces")
_UNITS = ("scope_yanxian", "scope_yanbian", "pole_hosts")
NAMED = ("named_in_plan", "named_prefecture_interpreted")
# How near (degrees) a click must be to a point or line to select it.
CLICK_TOLERANCE_DEG = 0.03


@dataclass(frozen=True)
class Details:
    """Everything the details panel shows for one feature."""

    layer_id: str
    feature_id: str
    name: str
    other_name: str
    layer_title: str
    rows: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    relations: list[tuple[str, list[str]]] = field(default_factory=list)
    located: bool = True


def split_sources(source: str) -> list[tuple[str, str]]:
    """``"title url; title url"`` → ``[(title, url), ...]`` (URLs must be http/https)."""
    out = []
    for part in (source or "").split("; "):
        match = _SOURCE.match(part.strip())
        if match:
            out.append((match.group(1), match.group(2)))
        elif part.strip():
            out.append((part.strip(), ""))
    return out


def _names(layerset: LayerSet, layer_id: str, lang: Lang, mask: Any) -> list[str]:
    frame = layerset.frame(layer_id)
    if frame is None:
        return []
    key = "name_zh" if lang == "zh" else "name_en"
    return [str(v) for v in frame.loc[mask(frame), key]]


def _relations(
    layerset: LayerSet, layer_id: str, props: dict[str, Any], geom: BaseGeometry, lang: Lang
) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        crossing = []
        for corridor in _CORRIDORS:
            crossing += _names(layerset, corridor, lang, lambda f: f.geometry.intersects(geom))
        out.append((ui("corridors_crossing", lang), crossing))
        out.append(
            (
                ui("parks_inside", lang),
                _names(layerset, "parks", lang, lambda f: f.geometry.notna() & f.geometry.within(geom)),
            )
        )
        adcode = str(props.get("adcode") or "")
        layout = []
        for element in _LAYOUT:
            if adcode:
                layout += _names(
                    layerset, element, lang, lambda f: f["member_ids"].str.split(";").map(lambda ids: adcode in ids)
                )
            elif element != layer_id:
                layout += _names(layerset, element, lang, lambda f: f.geometry.contains(geom.representative_point()))
        layout += _names(layerset, "axis", lang, lambda f: f.geometry.intersects(geom))
        out.append((ui("layout_membership", lang), layout))
        if "member_ids" in props:
            members = str(props["member_ids"]).split(";")
            out.append((ui("member_units", lang), _names(layerset, "counties", lang, lambda f: f["id"].isin(members))))
    elif kind in ("LineString", "MultiLineString"):
        units = []
        for unit_layer in _UNITS:
            units += _names(layerset, unit_layer, lang, lambda f: f.geometry.intersects(geom))
        out.append((ui("member_units", lang), units))
    else:
        host = _names(layerset, "counties", lang, lambda f: f.geometry.contains(geom))
        out.append((ui("member_units", lang), host))
    return out


def feature_details(layerset: LayerSet, layer_id: str, feature_id: str, lang: Lang) -> Details | None:
    """Details of one feature, or None when it does not exist."""
    found = layerset.feature(layer_id, feature_id)
    if found is None:
        return None
    props, geom = found
    catalog = layerset.catalog
    spec = catalog.layer(layer_id)
    name = display_value(catalog, "name", props, lang) or feature_id
    other = display_value(catalog, "name", props, "en" if lang == "zh" else "zh") or ""
    rows: list[tuple[str, str]] = []
    # provenance is always shown, whatever the layer's popup lists
    fields = [f for f in spec.popup if f not in ("name", "source", "confidence", "geometry_note")]
    for field_name in (*fields, "confidence", "geometry_note"):
        value = display_value(catalog, field_name, props, lang)
        if value is not None:
            rows.append((catalog.fields[field_name].get(lang), value))
    if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
        rows.append((catalog.fields["area_km2"].get(lang), f"{area_km2(geom):,.1f}"))
    elif geom is not None and geom.geom_type in ("LineString", "MultiLineString"):
        rows.append((catalog.fields["length_km_computed"].get(lang), f"{length_km(geom):,.1f}"))
    if geom is None:
        note = str(props.get("geometry_note") or ui("not_known", lang))
        rows.append((catalog.fields["geometry_note"].get(lang), note))
    return Details(
        layer_id=layer_id,
        feature_id=str(feature_id),
        name=name,
        other_name=other,
        layer_title=spec.title.get(lang),
        rows=rows,
        sources=split_sources(str(props.get("source") or "")),
        relations=_relations(layerset, layer_id, props, geom, lang) if geom is not None else [],
        located=geom is not None,
    )


def resolve_click(
    layerset: LayerSet, visible: tuple[str, ...], lat: float, lon: float, tooltip: str | None = None
) -> tuple[str, str] | None:
    """The feature a click at (lat, lon) meant: points before lines before the smallest polygon.

    streamlit-folium returns only the click position and the tooltip's text; when the
    text names a candidate, that candidate wins.
    """
    point = shapely.Point(lon, lat)
    candidates: list[tuple[int, float, str, str, str, str]] = []
    for layer_id in layerset.available:
        if layer_id not in visible:
            continue
        frame = layerset.frames[layer_id]
        located = frame[frame.geometry.notna()]
        if located.empty:
            continue
        kind = layerset.catalog.layer(layer_id).geometry
        if kind == "polygon":
            hit = located[located.geometry.contains(point)]
            for _, row in hit.iterrows():
                candidates.append((2, row.geometry.area, layer_id, str(row["id"]), row["name_zh"], row["name_en"]))
        else:
            # a pick tolerance on screen, so degrees are the right unit here (not a measurement)
            dist = shapely.distance(located.geometry.values, point)
            for (_, row), d in zip(located.iterrows(), dist, strict=True):
                if d < CLICK_TOLERANCE_DEG:
                    rank = 0 if kind == "point" else 1
                    candidates.append((rank, float(d), layer_id, str(row["id"]), row["name_zh"], row["name_en"]))
    if not candidates:
        return None
    if tooltip:
        text = tooltip.strip()
        named = [c for c in candidates if text.startswith(str(c[4])) or text.startswith(str(c[5]))]
        if named:
            candidates = named
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2], candidates[0][3]


@dataclass(frozen=True)
class Summary:
    """Headline figures of the zone."""

    confirmed_units: int
    plan_units: int
    inferred_units: int
    confirmed_area_km2: float
    border_km: float
    rail_open_km: float
    rail_planned_km: float


def summary(layerset: LayerSet) -> Summary:
    """Counts, areas and lengths from the layers (areas equal-area, lengths geodesic)."""
    confirmed = inferred = 0
    area = 0.0
    for layer_id in ("scope_yanxian", "scope_yanbian"):
        frame = layerset.frame(layer_id)
        if frame is None:
            continue
        for _, row in frame.iterrows():
            if row["member_evidence"] in NAMED:
                confirmed += 1 + (1 if isinstance(row.get("includes"), str) and row.get("includes") else 0)
                area += area_km2(row.geometry)
            else:
                inferred += 1
    poles = layerset.frame("poles")
    confirmed += 0 if poles is None else len(poles)
    border = layerset.frame("border")
    rail = layerset.frame("rail")
    open_km = planned_km = 0.0
    if rail is not None:
        for _, row in rail.iterrows():
            if row["status"] == "open":
                open_km += length_km(row.geometry)
            else:
                planned_km += length_km(row.geometry)
    return Summary(
        confirmed_units=confirmed,
        plan_units=layerset.catalog.plan_units,
        inferred_units=inferred,
        confirmed_area_km2=area,
        border_km=0.0 if border is None else sum(length_km(g) for g in border.geometry),
        rail_open_km=open_km,
        rail_planned_km=planned_km,
    )


def features_table(layerset: LayerSet, visible: tuple[str, ...], lang: Lang) -> pd.DataFrame:
    """All properties of the features of the visible layers, one row per feature."""
    frames = []
    for layer_id in layerset.available:
        if layer_id not in visible:
            continue
        frame = pd.DataFrame(layerset.frames[layer_id].drop(columns="geometry"))
        frame.insert(0, "layer", layerset.catalog.layer(layer_id).title.get(lang))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["layer", "id", "name_zh", "name_en"])
    table = pd.concat(frames, ignore_index=True)
    table = table.loc[:, [c for c in table.columns if not str(c).startswith("_")]]
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(_cell)
    return table


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def features_geojson(layerset: LayerSet, visible: tuple[str, ...]) -> str:
    """The visible layers' features as one GeoJSON FeatureCollection (a `layer` property added)."""
    features = []
    for layer_id in layerset.available:
        if layer_id not in visible:
            continue
        frame = layerset.frames[layer_id]
        for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
            clean = {k: v for k, v in props.items() if not str(k).startswith("_") and v == v}
            features.append(geojson_io.feature({"layer": layer_id, **clean}, geom))
    return geojson_io.dumps(features, name="visible_layers")
