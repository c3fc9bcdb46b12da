"""Shapefiles: a set per layer (a set per geometry family where a layer mixes them), field names cut
to the ten characters a .dbf holds (the mapping is listed in the README), a ``.cpg`` that says the
encoding — ``UTF-8``, or ``936`` for GBK, which ArcGIS 10.2.1 and later need to read GBK rather
than UTF-8 — and the full text of any value longer than the 254 bytes a .dbf field holds in a CSV
beside it."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio
from pyproj import CRS

from geo.gis.formats import Encoding
from geo.gis.plain import for_gdal, write_csv
from geo.gis.tables import LayerTable
from geo.spatial.families import family_of

CPG = {"utf-8": "UTF-8", "gbk": "936"}  # what ArcGIS reads in a .cpg
_GDAL_ENCODING = {"utf-8": "UTF-8", "gbk": "CP936"}
DBF_TEXT_BYTES = 254
# Readable short forms of our longer field names; any other is cut and numbered.
_SHORT = {
    "geometry_note": "geom_note",
    "official_area_km2": "offic_km2",
    "length_km_computed": "len_km_map",
    "design_speed_kmh": "speed_kmh",
    "member_evidence": "member_evi",
    "role_evidence": "role_evid",
    "status_history": "status_his",
    "status_dates": "status_dat",
    "location_known": "loc_known",
    "valid_from": "valid_from",
    "host_id_dates": "hostid_dat",
    "host_zh_dates": "hostzh_dat",
    "host_en_dates": "hosten_dat",
    "hosts_dates": "hosts_dat",
}


@dataclass
class ShapefileReport:
    """What writing shapefiles changed: field names, values cut or not encodable, splits."""

    names: dict[str, str] = field(default_factory=dict)  # our field → its .dbf name
    cut: dict[str, set[str]] = field(default_factory=dict)  # layer → fields with values over 254 bytes
    replaced: dict[str, int] = field(default_factory=dict)  # layer → characters GBK cannot hold ("?")
    split: dict[str, list[str]] = field(default_factory=dict)  # layer → its files, one per family


def short_names(fields: Iterable[str]) -> dict[str, str]:
    """Each field's name in a .dbf: at most ten characters, all different."""
    out: dict[str, str] = {}
    for name in fields:
        short = name if len(name) <= 10 else _SHORT.get(name, name[:10])
        n = 1
        while short in out.values():
            short = f"{name[:7]}_{n}"
            n += 1
        out[name] = short
    return out


def _fit(value: object, encoding: Encoding) -> tuple[object, int]:
    """A text value as the encoding can hold it ('?' for what it cannot), and how many were replaced."""
    if not isinstance(value, str) or encoding == "utf-8":
        return value, 0
    fitted = value.encode("gbk", errors="replace").decode("gbk")
    return fitted, sum(1 for a, b in zip(value, fitted, strict=False) if a != b and b == "?")


def _too_long(table: LayerTable, encoding: Encoding) -> set[str]:
    codec = "gbk" if encoding == "gbk" else "utf-8"
    frame = table.frame
    return {
        f
        for f in table.fields
        if frame[f].map(lambda v: isinstance(v, str) and len(v.encode(codec, "replace")) > DBF_TEXT_BYTES).any()
    }


def _families(table: LayerTable) -> dict[str, list[int]]:
    """Row positions per geometry family (rows with no geometry go with the layer's own family)."""
    out: dict[str, list[int]] = {}
    for i, geom in enumerate(table.frame.geometry):
        family = family_of(geom.geom_type) if geom is not None else None
        out.setdefault(family or table.spec.geometry, []).append(i)
    return out


def _stem(layer_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", layer_id)


def write_shapefiles(
    tables: list[LayerTable], folder: Path, crs: CRS, encoding: Encoding
) -> tuple[list[str], ShapefileReport]:
    """Every layer's shapefile set(s); the files written and what changed on the way."""
    report = ShapefileReport()
    written: list[str] = []
    for table in tables:
        names = short_names(table.fields)
        report.names.update(names)
        frame = for_gdal(table, crs, dates_as_text=True).rename(columns=names)
        replaced = 0
        for column in names.values():
            fitted = frame[column].map(lambda v: _fit(v, encoding))
            frame[column] = fitted.map(lambda pair: pair[0])
            replaced += int(fitted.map(lambda pair: pair[1]).sum())
        if replaced:
            report.replaced[table.id] = replaced
        families = _families(table)
        for family, rows in families.items():
            stem = _stem(table.id) if len(families) == 1 else f"{_stem(table.id)}_{family}"
            part = frame.iloc[rows]
            path = folder / f"{stem}.shp"
            with warnings.catch_warnings():  # values cut at 254 bytes: reported in the README, with the full text
                warnings.filterwarnings("ignore", message=".*has been truncated to 254", category=RuntimeWarning)
                pyogrio.write_dataframe(
                    part, path, driver="ESRI Shapefile", encoding=_GDAL_ENCODING[encoding], promote_to_multi=True
                )
            (folder / f"{stem}.cpg").write_text(CPG[encoding], encoding="ascii")
            written += sorted(p.name for p in folder.glob(f"{stem}.*"))
            if len(families) > 1:
                report.split.setdefault(table.id, []).append(f"{stem}.shp")
        cut = _too_long(table, encoding)
        if cut:
            report.cut[table.id] = cut
            written += write_csv([table], folder, crs)
    return written, report


__all__ = ["CPG", "DBF_TEXT_BYTES", "Encoding", "ShapefileReport", "short_names", "write_shapefiles"]
