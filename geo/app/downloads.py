"""The visible layers as downloads: a table (CSV) and one GeoJSON file."""

from __future__ import annotations

import pandas as pd

from geo.data import geojson
from geo.data.catalog import display_value
from geo.data.layers import LayerSet
from geo.i18n import Lang, ui


def _field(column: str) -> str:
    """A property's field: ``role_evidence_zh`` and ``role_evidence_en`` are both ``role_evidence``."""
    return column[:-3] if column.endswith(("_zh", "_en")) else column


def features_table(layerset: LayerSet, visible: tuple[str, ...], lang: Lang) -> pd.DataFrame:
    """The features of the visible layers, one row each, in `lang`: columns headed by the
    catalog's field labels, bilingual fields in `lang` only, coded values translated, empty
    cells empty."""
    catalog = layerset.catalog
    fields: list[str] = ["name"]
    rows: list[dict[str, str]] = []
    for layer_id in layerset.available:
        if layer_id not in visible:
            continue
        frame = layerset.frames[layer_id]
        for column in frame.columns:
            name = _field(str(column))
            if column != "geometry" and not str(column).startswith("_") and name not in fields:
                fields.append(name)
        title = catalog.layer(layer_id).title.get(lang)
        for props in frame.drop(columns="geometry").to_dict("records"):
            row = {"layer": title}
            row.update({name: display_value(catalog, name, props, lang) or "" for name in fields})
            rows.append(row)
    labels: dict[str, str] = {}
    for name in fields:  # the catalog's label; the field's own name where a label is missing or taken
        label = catalog.fields[name].get(lang) if name in catalog.fields else name
        labels[name] = label if label not in labels.values() else f"{label} ({name})"
    table = pd.DataFrame(rows, columns=["layer", *fields]).fillna("")
    return table.rename(columns={"layer": ui("layer", lang), **labels})


def features_geojson(layerset: LayerSet, visible: tuple[str, ...]) -> str:
    """The visible layers' features as one GeoJSON FeatureCollection (a `layer` property added)."""
    features = []
    for layer_id in layerset.available:
        if layer_id not in visible:
            continue
        frame = layerset.frames[layer_id]
        for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
            clean = {k: v for k, v in props.items() if not str(k).startswith("_") and v == v}
            features.append(geojson.feature({"layer": layer_id, **clean}, geom))
    return geojson.dumps(features, name="visible_layers")


__all__ = ["features_geojson", "features_table"]
