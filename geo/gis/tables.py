"""Each layer as an attribute table for other tools: the year applied, one language, coded values
translated, numbers kept as numbers, a unit's ``valid`` interval as two real dates.

Field names stay the catalog's (ASCII, stable: ``name``, ``status``, ``geometry_note``); what each
means, in both languages, is listed in the README that goes with every download.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.data.catalog import Catalog, LayerSpec, display_value
from geo.data.layers import LayerSet
from geo.data.timeline import Year, in_year, interval_ends
from geo.i18n import Lang, Text

# Properties whose values are numbers, kept as numbers (a GIS sorts and sums them).
_NUMBER_KINDS = (int, float)
_BILINGUAL = ("_zh", "_en")


@dataclass(frozen=True)
class LayerTable:
    """One layer ready to write: its catalog entry, title and features (WGS-84) with their fields."""

    spec: LayerSpec
    title: str
    frame: gpd.GeoDataFrame  # columns: the fields below, then geometry
    fields: tuple[str, ...]  # in order: id, name, name_zh, name_en, the layer's others, dates
    categories: tuple[str | None, ...] = ()  # per row: the style category (a raw code, untranslated), or None

    @property
    def id(self) -> str:
        return self.spec.id


def _field(column: str) -> str:
    """``note_zh`` and ``note_en`` are the field ``note``."""
    return column[: -len(_BILINGUAL[0])] if column.endswith(_BILINGUAL) else column


def _fields(columns: Iterable[str]) -> list[str]:
    """The layer's fields in first-seen order; names in both languages as well as the chosen one."""
    out = ["id", "name", "name_zh", "name_en"]
    for column in columns:
        name = _field(str(column))
        if column == "geometry" or str(column).startswith("_") or name == "valid" or name in out:
            continue
        out.append(name)
    return out


def _value(catalog: Catalog, field: str, props: dict[str, Any], lang: Lang) -> Any:
    """A field's value for other tools: numbers as numbers, codes translated, absent as None."""
    raw = props.get(field)
    if field in ("name_zh", "name_en", "id"):
        return None if raw is None or raw != raw else str(raw)
    if isinstance(raw, _NUMBER_KINDS) and not isinstance(raw, bool):
        return None if raw != raw else raw
    return display_value(catalog, field, props, lang)


def _date(value: str | None) -> dt.date | None:
    """An ISO date (a day) as a date; None for an open end."""
    return dt.date.fromisoformat(value) if value else None


def layer_table(layerset: LayerSet, layer_id: str, lang: Lang) -> LayerTable:
    """The loaded layer `layer_id` as a table in `lang` (apply the year first: :func:`tables`)."""
    catalog = layerset.catalog
    spec = catalog.layer(layer_id)
    frame = layerset.frames[layer_id]
    fields = _fields(frame.columns)
    dated = "valid" in frame.columns
    rows, categories = [], []
    known = {c.value for c in spec.categories}
    for props in frame.drop(columns=frame.geometry.name).to_dict("records"):
        code = str(props.get(spec.style_by)) if spec.style_by else None
        categories.append(code if code in known else None)
        row = {name: _value(catalog, name, props, lang) for name in fields}
        if dated:
            start, end = interval_ends(props.get("valid"))
            row["valid_from"], row["valid_to"] = _date(start), _date(end)
        rows.append(row)
    names = [*fields, *(("valid_from", "valid_to") if dated else ())]
    table = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=names), geometry=list(frame.geometry), crs="EPSG:4326"
    ).reset_index(drop=True)
    return LayerTable(spec, spec.title.get(lang), table, tuple(names), tuple(categories))


def tables(layerset: LayerSet, layer_ids: Sequence[str], year: Year | None, lang: Lang) -> list[LayerTable]:
    """The chosen layers as they were in `year` (None: this year), in `lang`, in catalog order;
    features with no known location are kept (a table row with no geometry). A raster layer (an
    image, no features) is no table: :mod:`geo.gis.images` writes it."""
    shown = in_year(layerset, year)
    wanted = {i for i in layer_ids if shown.catalog.layer(i).geometry != "raster"}
    return [layer_table(shown, i, lang) for i in shown.available if i in wanted]


def field_labels(catalog: Catalog, fields: Iterable[str]) -> dict[str, Text]:
    """What each field means, from the catalog's labels (the name itself where it has none)."""
    extra = {
        "name_zh": Text("名称（中文）", "Name (Chinese)"),
        "name_en": Text("名称（英文）", "Name (English)"),
        "valid_from": Text("起始日期（设立）", "Valid from (created)"),
        "valid_to": Text("终止日期（撤销）", "Valid to (abolished)"),
        "layer": Text("图层", "Layer"),
    }
    return {f: catalog.fields.get(f) or extra.get(f) or _history(catalog, f) for f in fields}


def _history(catalog: Catalog, name: str) -> Text:
    """``status_dates``: the dated history of ``status``, as ``date:value;…`` (machine-readable)."""
    base = name.removesuffix("_dates")
    if base == name:
        return Text(name, name)
    label = catalog.fields.get(base) or catalog.fields.get(_field(base)) or Text(base, base)
    return Text(f"{label.zh}的变化（日期:值;…）", f"{label.en} over time (date:value;…)")


__all__ = ["LayerTable", "field_labels", "layer_table", "tables"]
