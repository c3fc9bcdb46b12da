"""Your own layers and hostile input: a corpus built here, each case one clear line naming the file."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo.data.layers import LayerError
from geo.spatial.gcj import to_gcj
from geo.uploads.layer import Limits, read_user_layer, with_layer
from geo.web.mapview import MapState, build_map
from tests.helpers import XSS_IMG


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def _feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def _shapefile_zip(
    tmp_path: Path,
    frame: gpd.GeoDataFrame,
    *,
    encoding: str = "UTF-8",
    drop=(),
    name="layer",
    keep_cpg: bool = True,
    crs: bool = True,
) -> bytes:
    folder = tmp_path / f"shp_{name}_{encoding}_{keep_cpg}_{crs}"
    folder.mkdir()
    frame.to_file(folder / f"{name}.shp", encoding=encoding)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path in sorted(folder.iterdir()):
            ext = path.suffix.lower()
            if ext in drop or (ext == ".cpg" and not keep_cpg) or (ext == ".prj" and not crs):
                continue
            archive.write(path, path.name)
    return buf.getvalue()


def _error(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(LayerError) as info:
        read_user_layer(name, data, **kwargs)
    line = info.value.summary
    assert "\n" not in line and line.startswith(Path(name).name)
    return line


# --- hostile and broken input ----------------------------------------------------------------


def test_malformed_json():
    assert "not valid JSON" in _error("broken.geojson", b'{"type": "FeatureCollection", "features": [')


def test_truncated_zip(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.6, 29.0)], crs="EPSG:4326")
    data = _shapefile_zip(tmp_path, frame)
    assert "not a readable zip" in _error("cut.zip", data[: len(data) // 2])


def test_zip_with_parent_paths_writes_nothing(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("../evil.shp", b"x" * 100)
        archive.writestr("../evil.shx", b"x")
        archive.writestr("../evil.dbf", b"x")
    before = sorted(os.listdir(tmp_path)), sorted(os.listdir(work))
    assert "unsafe path names (../evil.shp" in _error("slip.zip", buf.getvalue())
    assert (sorted(os.listdir(tmp_path)), sorted(os.listdir(work))) == before


def test_zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.shp", b"\0" * (30 * 1024 * 1024))
        archive.writestr("bomb.shx", b"\0")
        archive.writestr("bomb.dbf", b"\0")
    data = buf.getvalue()
    assert len(data) < 200_000  # small on the wire…
    line = _error("bomb.zip", data, limits=Limits(max_unzipped_bytes=10 * 1024 * 1024))
    assert "expands to 31 MB; the limit is 10 MB" in line  # …refused before anything is inflated


def test_more_vertices_than_the_deployment_allows():
    line = LineString([(106 + i * 1e-6, 29 + (i % 7) * 1e-6) for i in range(500_001)])
    limits = Limits(max_vertices=500_000)  # a deployment's YQ_UPLOAD_MAX_VERTICES (default 2,000,000)
    assert "vertices; simplify it first" in _error(
        "huge.geojson", _geojson([_feature(line, name="big")]), limits=limits
    )


@pytest.mark.parametrize("missing", [".shx", ".dbf"])
def test_shapefile_missing_a_part(tmp_path, missing):
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.6, 29.0)], crs="EPSG:4326")
    line = _error("parts.zip", _shapefile_zip(tmp_path, frame, drop=(missing,)))
    assert f"is missing layer{missing}" in line


def test_projected_coordinates_without_a_prj(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.6, 29.0)], crs="EPSG:4326").to_crs("EPSG:32648")
    line = _error("utm.zip", _shapefile_zip(tmp_path, frame, crs=False))
    assert "states no CRS and its coordinates are not degrees" in line


def test_projected_coordinates_with_a_prj_are_reprojected(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.6, 29.0)], crs="EPSG:4326").to_crs("EPSG:32648")
    _, layer, report = read_user_layer("utm.zip", _shapefile_zip(tmp_path, frame))
    assert layer.geometry.iloc[0].distance(Point(106.6, 29.0)) < 1e-7
    assert any("reprojected from EPSG:32648" in line for line in report.lines())


def test_swapped_lat_lon_is_an_error():
    data = _geojson([_feature(Point(29.0 + i / 10, 106.6), name=f"p{i}") for i in range(5)])
    assert "lat/lon look swapped" in _error("swapped.geojson", data)


def test_points_outside_china_get_a_warning():
    data = _geojson([_feature(Point(2.35 + i / 10, 48.85), name=f"p{i}") for i in range(5)])
    _, layer, report = read_user_layer("paris.geojson", data)
    assert len(layer) == 5 and any("5 of 5 features lie outside China" in line for line in report.lines())


def test_html_and_script_in_properties_are_shown_as_text(layerset, tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": [XSS_IMG], "note": ["</script><script>window.__xss=1</script>"]},
        geometry=[Point(106.6, 29.0)],
        crs="EPSG:4326",
    )
    spec, layer, _ = read_user_layer("html.zip", _shapefile_zip(tmp_path, frame))
    html = build_map(with_layer(layerset, spec, layer), MapState(visible=(spec.id,))).get_root().render()
    assert XSS_IMG not in html and "<script>window.__xss" not in html
    assert "&lt;img src=x onerror=" in html


@pytest.mark.parametrize("keep_cpg", [True, False])
def test_gbk_attributes_come_out_as_chinese(tmp_path, keep_cpg):
    frame = gpd.GeoDataFrame(
        {"名称": ["綦江区", "遵义"], "备注": ["渝黔", "测试"]},
        geometry=[Point(106.6, 29.0), Point(106.9, 27.7)],
        crs="EPSG:4326",
    )
    _, layer, report = read_user_layer("gbk.zip", _shapefile_zip(tmp_path, frame, encoding="GBK", keep_cpg=keep_cpg))
    assert list(layer["name"]) == ["綦江区", "遵义"]
    assert "备注: 渝黔" in layer["properties"].iloc[0]
    assert report.encoding in ("GBK", "GB18030")


def test_encoding_override(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["綦江区"]}, geometry=[Point(106.6, 29.0)], crs="EPSG:4326")
    data = _shapefile_zip(tmp_path, frame, encoding="GBK", keep_cpg=False)
    _, layer, _ = read_user_layer("gbk.zip", data, encoding="GB18030")
    assert layer["name"].iloc[0] == "綦江区"


def test_invalid_geometry_is_repaired_and_empty_dropped_and_counted():
    bowtie = Polygon([(106, 29), (107, 30), (107, 29), (106, 30), (106, 29)])
    data = _geojson(
        [
            _feature(bowtie, name="bowtie"),
            {"type": "Feature", "properties": {"name": "nothing"}, "geometry": None},
            _feature(Polygon([(106, 28), (106.5, 28), (106.5, 28.5)]), name="ok"),
        ]
    )
    _, layer, report = read_user_layer("fix.geojson", data)
    assert len(layer) == 2 and layer.geometry.is_valid.all()
    assert report.repaired == 1 and report.dropped_empty == 1
    assert "repaired 1 invalid geometry" in "\n".join(report.lines())


def test_limits_on_size_and_features():
    data = _geojson([_feature(Point(106.6, 29.0), name=str(i)) for i in range(20)])
    assert "the limit is 10" in _error("many.geojson", data, limits=Limits(max_features=10))
    assert "MB; the limit is" in _error("big.geojson", data, limits=Limits(max_bytes=100))


def test_unsupported_type():
    assert "unsupported type .kml" in _error("places.kml", b"<kml/>")


def test_geopackage(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["果园港"]}, geometry=[Point(106.7585, 29.6261)], crs="EPSG:4326")
    frame.to_file(tmp_path / "parks.gpkg", driver="GPKG")
    _, layer, report = read_user_layer("parks.gpkg", (tmp_path / "parks.gpkg").read_bytes())
    assert layer["name"].iloc[0] == "果园港" and report.crs == "EPSG:4326"


def test_a_gbk_shapefile_digitised_on_gaode_lines_up_with_the_counties(layerset, tmp_path):
    county = layerset.frame("counties").set_index("id").loc["500110"].geometry
    traced_on_gaode = gpd.GeoDataFrame({"名称": ["綦江区"]}, geometry=[to_gcj(county)], crs="EPSG:4326")
    data = _shapefile_zip(tmp_path, traced_on_gaode, encoding="GBK", keep_cpg=False)
    _, as_is, _ = read_user_layer("qijiang.zip", data)
    _, layer, report = read_user_layer("qijiang.zip", data, source_crs="gcj02")
    assert layer["name"].iloc[0] == "綦江区"
    assert shapely.hausdorff_distance(layer.geometry.iloc[0], county) < 1e-7  # ≈1 cm
    assert shapely.hausdorff_distance(as_is.geometry.iloc[0], county) > 0.004  # ≈500 m off without it
    assert any("GCJ-02" in line for line in report.lines())


def test_limits_come_from_the_environment():
    limits = Limits.from_env({"YQ_UPLOAD_MAX_MB": "5", "YQ_UPLOAD_MAX_FEATURES": "100"})
    assert limits.max_bytes == 5 * 1024 * 1024 and limits.max_features == 100
    assert limits.max_vertices == Limits().max_vertices
    with pytest.raises(ValueError, match="YQ_UPLOAD_MAX_VERTICES='lots'"):
        Limits.from_env({"YQ_UPLOAD_MAX_VERTICES": "lots"})
