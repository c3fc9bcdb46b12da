"""One download: the chosen layers in one format, zipped with a README that says where every
layer comes from, its licence, the year it shows, the CRS and the boundary statement; named
after what it holds (``yuqian_rail_2019_2026-12-05_shp.zip``)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.data.catalog import LayerSpec
from geo.data.layers import LayerSet
from geo.data.timeline import year_text
from geo.gis import kml, plain, shapefile
from geo.gis.formats import FORMAT_NAMES, WGS84_ONLY, Format, Request
from geo.gis.images import write_image
from geo.gis.tables import LayerTable, field_labels, tables
from geo.i18n import Text


class DataRequestError(ValueError):
    """A download that cannot be made as asked; `param` names what was asked wrongly
    (``layers`` or ``crs``)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Download:
    """The zip's name and bytes, and what is in it."""

    name: str
    data: bytes
    files: tuple[str, ...]
    crs: str


def check_crs(fmt: Format, asked: str | None) -> CRS | None:
    """The CRS `asked` for (None: the format's default); a DataRequestError for one the format
    cannot take or pyproj does not know."""
    if asked is None:
        return None
    try:
        crs = CRS.from_user_input(asked)
    except CRSError:
        raise DataRequestError("crs", f"unknown CRS {asked!r} (use an EPSG code such as EPSG:4545)") from None
    if fmt in WGS84_ONLY and crs.to_epsg() != 4326:
        raise DataRequestError("crs", f"{FORMAT_NAMES[fmt]} is WGS-84 (EPSG:4326) by its specification, not {asked}")
    if fmt == "dxf" and not crs.is_projected:
        raise DataRequestError("crs", f"DXF needs a projected CRS in metres, not {asked} (e.g. EPSG:4545)")
    return crs


def file_name(request: Request) -> str:
    """``yuqian_<layer or N layers>_<year>_<date>_<format>.zip``."""
    what = request.layers[0] if len(request.layers) == 1 else f"{len(request.layers)}layers"
    year = str(request.year) if request.year is not None else str(request.when.year)
    return f"yuqian_{what}_{year}_{request.when.isoformat()}_{request.fmt}.zip"


def _write(
    request: Request, chosen: list[LayerTable], layerset: LayerSet, folder: Path
) -> tuple[list[str], str, list[str]]:
    """The files of the format in `folder`, the CRS they are in, and notes for the README."""
    crs = check_crs(request.fmt, request.crs)
    wgs84 = CRS.from_epsg(4326)
    notes: list[str] = []
    if request.fmt == "gpkg":
        return plain.write_gpkg(chosen, folder, crs or wgs84), (crs or wgs84).to_string(), notes
    if request.fmt == "geojson":
        return plain.write_geojson(chosen, folder), "EPSG:4326", notes
    if request.fmt == "csv":
        return plain.write_csv(chosen, folder, crs or wgs84), (crs or wgs84).to_string(), notes
    if request.fmt == "shp":
        files, report = shapefile.write_shapefiles(chosen, folder, crs or wgs84, request.encoding)
        return files, (crs or wgs84).to_string(), _shapefile_notes(report, request.encoding)
    if request.fmt == "dxf":
        from geo.gis import dxf  # ezdxf costs a server 18 MB: loaded when a drawing is asked for

        files, used = dxf.write_dxf(chosen, folder, crs)
        return files, used.to_string(), [f"DXF: {used.name}; text style {dxf.TEXT_STYLE} ({dxf.CJK_FONT})."]
    document = kml.kml_document(chosen, layerset.catalog, request.lang, layerset.catalog.title.get(request.lang))
    if request.fmt == "kml":
        (folder / "layers.kml").write_bytes(document)
        return ["layers.kml"], "EPSG:4326", notes
    with zipfile.ZipFile(folder / "layers.kmz", "w", zipfile.ZIP_DEFLATED) as kmz:
        kmz.writestr("doc.kml", document)
    return ["layers.kmz"], "EPSG:4326", notes


def _images(request: Request, images: list[LayerSpec], layerset: LayerSet, folder: Path) -> tuple[list[str], list[str]]:
    """The raster layers' images (with world file and .prj) written to `folder`, and the README's notes."""
    if images and request.fmt in ("kml", "kmz"):
        names = ", ".join(spec.id for spec in images)
        return [], [f"{names}: an image in Web Mercator; KML cannot hold it, take another format / 影像图层不含于 KML"]
    files: list[str] = []
    notes = []
    for spec in images:
        files += write_image(spec, layerset.catalog.layer_dir(), folder)
        notes.append(f"{spec.id}: image in EPSG:3857 (Web Mercator) with world file and .prj / 影像（Web 墨卡托）")
    return files, notes


def _shapefile_notes(report: shapefile.ShapefileReport, encoding: str) -> list[str]:
    notes = [f"Shapefile encoding / 编码: {encoding.upper()} (.cpg: {shapefile.CPG[encoding]})"]
    notes += ["Shapefile field names / 字段名 (≤10):"]
    notes += [f"  {ours} → {short}" for ours, short in report.names.items() if ours != short]
    for layer, fields in report.cut.items():
        notes.append(
            f"{layer}: {', '.join(sorted(fields))} longer than 254 bytes in the .dbf (cut there); "
            f"full text in {layer}.csv / 超过 .dbf 的 254 字节（已截断），全文见 {layer}.csv"
        )
    for layer, count in report.replaced.items():
        notes.append(f"{layer}: {count} character(s) GBK cannot hold written as '?' / GBK 无法表示的字符记为“?”")
    notes.append("Dates are text (YYYY-MM-DD) in the .dbf / .dbf 中日期为文本（YYYY-MM-DD）")
    for layer, files in report.split.items():
        notes.append(f"{layer}: mixed geometry types split into {', '.join(files)} / 混合几何类型已拆分")
    return notes


def readme(
    request: Request,
    chosen: list[LayerTable],
    layerset: LayerSet,
    files: list[str],
    crs: str,
    notes: list[str],
    images: tuple[LayerSpec, ...] = (),
) -> str:
    """The provenance that goes with every download, in both languages."""
    catalog = layerset.catalog
    both = lambda t: f"{t.zh} / {t.en}"  # noqa: E731
    year = Text(year_text(request.year, "zh"), year_text(request.year, "en"))
    lines = [
        both(catalog.title),
        "",
        f"格式 Format: {FORMAT_NAMES[request.fmt]} — {', '.join(files)}",
        f"{both(year)}",
        f"导出日期 Exported: {request.when.isoformat()} · 数据核对 Data checked: {catalog.as_of}",
        f"坐标系 CRS: {crs}",
        f"语言 Language of names and values: {request.lang}",
        "",
        catalog.boundary_statement.zh,
        catalog.boundary_statement.en,
        "",
        "图层 Layers:",
    ]
    for table in chosen:
        spec = table.spec
        lines += [
            f"- {table.id} · {both(spec.title)} · {len(table.frame)} 要素 features",
            f"  来源 Source: {spec.source.zh} / {spec.source.en}",
            f"  许可 Licence: {spec.licence}",
        ]
    for spec in images:
        lines += [
            f"- {spec.id} · {both(spec.title)} · 影像 image",
            f"  来源 Source: {spec.source.zh} / {spec.source.en}",
            f"  许可 Licence: {spec.licence}",
        ]
    fields = dict.fromkeys(f for t in chosen for f in t.fields)
    lines += ["", "字段 Fields (each feature's own sources are in its 'source' field):"]
    lines += [f"  {f}: {both(label)}" for f, label in field_labels(catalog, fields).items()]
    if notes:
        lines += ["", "说明 Notes:", *notes]
    return "\n".join(lines) + "\n"


def make_download(layerset: LayerSet, request: Request) -> Download:
    """The layers of `request` in its format, zipped with their README.

    Raises
    ------
    DataRequestError
        For a layer that is not loaded, or a CRS the format cannot take; nothing is written.
    """
    unknown = [i for i in request.layers if i not in layerset.available]
    if unknown or not request.layers:
        known = ", ".join(layerset.available)
        raise DataRequestError("layers", f"unknown layer id(s) {', '.join(unknown) or '(none given)'}; known: {known}")
    check_crs(request.fmt, request.crs)
    catalog = layerset.catalog
    images = [catalog.layer(i) for i in request.layers if catalog.layer(i).geometry == "raster"]
    chosen = tables(layerset, request.layers, request.year, request.lang)
    with tempfile.TemporaryDirectory(prefix="yq-data-") as tmp:
        folder = Path(tmp)
        files, crs, notes = _write(request, chosen, layerset, folder) if chosen else ([], "EPSG:4326", [])
        image_files, image_notes = _images(request, images, layerset, folder)
        files, notes = [*files, *image_files], [*notes, *image_notes]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name in files:
                bundle.write(folder / name, name)
            bundle.writestr("README.txt", readme(request, chosen, layerset, files, crs, notes, tuple(images)))
    return Download(file_name(request), out.getvalue(), (*files, "README.txt"), crs)


__all__ = ["DataRequestError", "Download", "Format", "Request", "check_crs", "make_download"]
