"""The visible layers as downloads: a table (CSV) and one GeoJSON file."""

from __future__ import annotations

from typing import Any

import pandas as pd

from geo import geojson_io
from geo.i18n import Lang
from geo.layers import LayerSet


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


__all__ = ["features_geojson", "features_table"]
