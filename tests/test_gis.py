"""The layers handed to GIS and CAD tools, read back by readers that are not ours: GDAL's own
``ogrinfo`` (Debian's gdal-bin) for GeoPackage, Shapefile, KML/KMZ, GeoJSON and CSV, ezdxf's
recovery audit for DXF, and geopandas + folium for the published layer files."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Transformer

from geo.data.layers import LayerSet
from geo.data.timeline import in_year
from geo.gis.formats import FORMATS
from geo.gis.package import DataRequestError, Request, make_download
from geo.gis.shapefile import short_names, write_shapefiles
from geo.gis.tables import LayerTable, tables
from geo.uploads.layer import read_user_layer, with_layer
from tests.browser import idle

ROOT = Path(__file__).resolve().parent.parent
QIJIANG = "綦江区（含万盛经开区）"  # a name with CJK punctuation, in scope_yanxian (id 500110)
CALC = "=cmd|' /C calc'!A0"  # a spreadsheet formula (CSV injection)
SCRIPT = "<script>alert(1)</script>"


def _ogrinfo(*args: str) -> str:
    """GDAL's own reader (Debian's gdal-bin), not the GDAL inside pyogrio."""
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("ogrinfo (Debian's gdal-bin) is not installed; .ci/run installs it")
        pytest.skip("ogrinfo (Debian's gdal-bin) is not installed: apt-get install -y gdal-bin")
    run = subprocess.run([ogrinfo, "-ro", *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _unzip(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        bundle.extractall(folder)
    return folder


def _counts(summary: str) -> dict[str, int]:
    """Feature counts by layer name from ``ogrinfo -so -al``."""
    names = re.findall(r"^Layer name: (.+)$", summary, re.M)
    counts = [int(n) for n in re.findall(r"^Feature Count: (\d+)$", summary, re.M)]
    return dict(zip(names, counts, strict=True))


@pytest.fixture(scope="module")
def chosen(layerset: LayerSet) -> list[LayerTable]:
    return tables(layerset, layerset.available, None, "zh")


def test_every_published_layer_file_works_with_geopandas_folium_and_explore():
    """The common way to reuse the files: read_file, then folium, explore() or to_json()."""
    import folium

    for path in sorted((ROOT / "layers").glob("*.geojson")):
        frame = gpd.read_file(path)
        assert not [c for c in frame.columns if str(frame[c].dtype).startswith("datetime")], path.name
        folium.GeoJson(frame)
        frame.explore()
        json.loads(frame.to_json())


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "kml", "kmz", "geojson", "csv"])
def test_every_format_reads_back_in_gdal_with_counts_crs_and_chinese_intact(layerset, chosen, fmt, tmp_path):
    download = make_download(layerset, Request(fmt, layerset.available))
    folder = _unzip(download.data, tmp_path)
    assert "README.txt" in download.files and (folder / "README.txt").exists()
    expected = {t.id: len(t.frame) for t in chosen}
    titles = {t.title: t.id for t in chosen}
    if fmt == "gpkg":
        summary = _ogrinfo("-so", "-al", str(folder / "layers.gpkg"))
        counts = _counts(summary)
    elif fmt in ("kml", "kmz"):
        summary = _ogrinfo("-so", "-al", str(folder / f"layers.{fmt}"))
        counts = {titles[name]: n for name, n in _counts(summary).items()}
    else:
        counts, summary = {}, ""
        ending = {"shp": "shp", "geojson": "geojson", "csv": "csv"}[fmt]
        csv_options = ["-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"] if fmt == "csv" else []
        for layer_id in expected:
            one = _ogrinfo("-so", "-al", *csv_options, str(folder / f"{layer_id}.{ending}"))
            counts[layer_id] = next(iter(_counts(one).values()))
            summary += one
    assert counts == expected
    if fmt != "csv":  # a CSV says no CRS; its README does
        assert 'GEOGCRS["WGS 84"' in summary or 'ID["EPSG",4326]' in summary
    where = ["-where", f"Name = '{QIJIANG}'"] if fmt in ("kml", "kmz") else ["-where", "id = '500110'"]
    source = {
        "gpkg": ["layers.gpkg", "scope_yanxian"],
        "kml": ["layers.kml"],
        "kmz": ["layers.kmz"],
        "shp": ["scope_yanxian.shp"],
        "geojson": ["scope_yanxian.geojson"],
        "csv": ["scope_yanxian.csv"],
    }[fmt]
    feature = _ogrinfo("-al", "-q", *where, str(folder / source[0]), *source[1:])
    assert QIJIANG in feature


def test_a_gbk_shapefile_says_936_and_reads_back_in_gbk(layerset, tmp_path):
    download = make_download(layerset, Request("shp", ("scope_yanxian",), encoding="gbk"))
    folder = _unzip(download.data, tmp_path)
    assert (folder / "scope_yanxian.cpg").read_text() == "936"  # what ArcGIS needs to read GBK
    assert QIJIANG.encode("gbk") in (folder / "scope_yanxian.dbf").read_bytes()
    assert QIJIANG.encode("utf-8") not in (folder / "scope_yanxian.dbf").read_bytes()
    for how in ([], ["-oo", "ENCODING=CP936"]):  # from the .cpg, and told explicitly
        assert QIJIANG in _ogrinfo("-al", "-q", *how, "-where", "id = '500110'", str(folder / "scope_yanxian.shp"))
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "GBK" in readme and "geometry_note → geom_note" in readme


def test_shapefile_field_names_fit_ten_characters_and_stay_different(chosen):
    fields = {f for t in chosen for f in t.fields}
    names = short_names(fields)
    assert all(len(n) <= 10 for n in names.values())
    assert len(set(names.values())) == len(names)
    assert short_names(["aaaaaaaaaaaX", "aaaaaaaaaaaY"]) == {"aaaaaaaaaaaX": "aaaaaaaaaa", "aaaaaaaaaaaY": "aaaaaaa_1"}


def test_a_layer_mixing_geometry_families_is_split_into_one_shapefile_each(layerset, tmp_path):
    """A .shp holds one geometry type: a layer with points and lines (a sketch layer, say) is split."""
    from pyproj import CRS
    from shapely.geometry import LineString, Point

    frame = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["点", "线"]},
        geometry=[Point(106.9, 28.5), LineString([(106.9, 28.5), (107.1, 28.6)])],
        crs="EPSG:4326",
    )
    table = LayerTable(layerset.catalog.layer("stations"), "mixed", frame, ("id", "name"))
    _, report = write_shapefiles([table], tmp_path, CRS.from_epsg(4326), "utf-8")
    assert sorted(report.split["stations"]) == ["stations_line.shp", "stations_point.shp"]
    assert _counts(_ogrinfo("-so", "-al", str(tmp_path / "stations_line.shp"))) == {"stations_line": 1}
    assert "线" in _ogrinfo("-al", "-q", str(tmp_path / "stations_line.shp"))


def test_dxf_is_audit_clean_in_gauss_kruger_with_layers_text_and_positions(layerset, chosen, tmp_path):
    from ezdxf import recover

    download = make_download(layerset, Request("dxf", layerset.available))
    assert download.crs == "EPSG:4545"  # the zone's centre is nearest 108°E
    folder = _unzip(download.data, tmp_path)
    doc, auditor = recover.readfile(str(folder / "layers.dxf"))
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    msp = doc.modelspace()
    by_title = {t.title: t for t in chosen}
    for name, table in by_title.items():  # one DXF layer per map layer, each ring a closed polyline
        assert doc.layers.has_entry(name)
        if table.spec.geometry == "polygon":
            rings = sum(len(p.interiors) + 1 for g in table.frame.geometry.dropna() for p in getattr(g, "geoms", [g]))
            assert len(msp.query(f'LWPOLYLINE[layer=="{name}"]')) == rings, name
    to_gk = Transformer.from_crs("EPSG:4326", "EPSG:4545", always_xy=True)
    stations = next(t for t in chosen if t.id == "stations")
    drawn = [p.dxf.location for p in msp.query(f'POINT[layer=="{stations.title}"]')]
    assert len(drawn) == len(stations.frame)
    for (x, y, _), geom in zip(drawn, stations.frame.geometry, strict=True):
        ex, ey = to_gk.transform(geom.x, geom.y)
        assert abs(x - ex) < 1 and abs(y - ey) < 1  # within a metre of pyproj's own transform
    texts = {t.dxf.text for t in msp.query("TEXT")}
    assert QIJIANG in texts and "贵安新区" in texts
    assert {t.dxf.style for t in msp.query("TEXT")} == {"YQ_CJK"}
    attributes = list(csv.DictReader(io.StringIO((folder / "layers_attributes.csv").read_text(encoding="utf-8-sig"))))
    handle = next(r["handle"] for r in attributes if r["id"] == "500110" and r["entity"] == "TEXT")
    entity = doc.entitydb[handle]
    assert entity.dxf.text == QIJIANG and ("1000", "id=500110") in [(str(c), v) for c, v in entity.get_xdata("YUQIAN")]


def test_dxf_takes_the_gauss_kruger_zone_asked_for(layerset, tmp_path):
    from ezdxf import recover

    download = make_download(layerset, Request("dxf", ("stations",), crs="EPSG:4544"))
    doc, auditor = recover.readfile(str(_unzip(download.data, tmp_path) / "layers.dxf"))
    to_gk = Transformer.from_crs("EPSG:4326", "EPSG:4544", always_xy=True)
    first = layerset.frames["stations"].geometry.iloc[0]
    x, _, _ = doc.modelspace().query("POINT")[0].dxf.location
    assert (abs(x - to_gk.transform(first.x, first.y)[0]) < 1) and not auditor.has_errors


def test_the_year_decides_what_is_in_the_data(layerset):
    def ids(year):
        download = make_download(layerset, Request("geojson", ("counties",), year=year))
        with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
            doc = json.loads(bundle.read("counties.geojson"))
            assert ("截至 2019 年" if year == 2019 else "截至 2026 年") in bundle.read("README.txt").decode()
        return {f["properties"]["id"]: f["properties"] for f in doc["features"]}

    then, now = ids(2019), ids(None)
    assert "500105" in then and "liangjiang_district" not in then and then["500105"]["valid_to"] == "2026-01-25"
    assert "500105" not in now and now["liangjiang_district"]["valid_from"] == "2026-01-25"


def test_kml_draws_each_feature_in_its_category_style_of_the_year(layerset):
    """Railways open, planned and under construction are told apart by their style, as on the map."""
    import xml.etree.ElementTree as ET

    from geo.gis.kml import kml_colour

    ns = {"k": "http://www.opengis.net/kml/2.2"}
    styles = {c.value: c.style for c in layerset.catalog.layer("rail").categories}
    for year in (2019, None):
        data = make_download(layerset, Request("kml", ("rail",), year=year)).data
        root = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("layers.kml"))
        colours = {s.get("id"): s.find("k:LineStyle/k:color", ns).text for s in root.iterfind(".//k:Style", ns)}
        status = in_year(layerset, year).frames["rail"].set_index("id")["status"]  # the year's, not the file's
        placemarks = list(root.iterfind(".//k:Placemark", ns))
        assert len(placemarks) == len(status)
        for mark in placemarks:
            rail_id = mark.find("k:ExtendedData/k:Data[@name='id']/k:value", ns).text
            style = styles[status[rail_id]]
            assert mark.find("k:styleUrl", ns).text == f"#rail.{status[rail_id]}", (year, rail_id)
            assert colours[f"rail.{status[rail_id]}"] == kml_colour(style.color, style.opacity)


def test_hostile_values_stay_inert_in_kml_and_csv(layerset):
    point = {"type": "Point", "coordinates": [106.9, 28.5]}
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": SCRIPT}, "geometry": point},
            {"type": "Feature", "properties": {"name": CALC}, "geometry": point},
        ],
    }
    spec, frame, _ = read_user_layer("hostile.geojson", json.dumps(data).encode())
    mine = with_layer(layerset, spec, frame)
    kml = zipfile.ZipFile(io.BytesIO(make_download(mine, Request("kml", (spec.id,))).data)).read("layers.kml").decode()
    assert SCRIPT not in kml and "&lt;script&gt;alert(1)&lt;/script&gt;" in kml
    table = zipfile.ZipFile(io.BytesIO(make_download(mine, Request("csv", (spec.id,))).data)).read(f"{spec.id}.csv")
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8-sig"))))
    assert rows[1]["name"] == "'" + CALC  # shown as text by Excel and LibreOffice, not run
    assert rows[0]["name"] == SCRIPT  # a CSV cell is text; nothing renders it


def test_bad_requests_are_refused_before_anything_is_written(layerset):
    with pytest.raises(DataRequestError, match="unknown layer id"):
        make_download(layerset, Request("gpkg", ("nope",)))
    with pytest.raises(DataRequestError, match="WGS-84"):
        make_download(layerset, Request("geojson", ("rail",), crs="EPSG:4545"))
    with pytest.raises(DataRequestError, match="projected CRS"):
        make_download(layerset, Request("dxf", ("rail",), crs="EPSG:4326"))
    with pytest.raises(DataRequestError, match="unknown CRS"):
        make_download(layerset, Request("shp", ("rail",), crs="EPSG:99999"))


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_command_line_names_the_file_by_layer_year_and_date(tmp_path):
    run = _cli("data", str(tmp_path), "--format", "kmz", "--layers", "rail", "--year", "2019", "--lang", "en")
    assert run.returncode == 0, run.stderr
    [made] = list(tmp_path.glob("*.zip"))
    assert re.fullmatch(r"yuqian_rail_2019_\d{4}-\d\d-\d\d_kmz\.zip", made.name)
    with zipfile.ZipFile(made) as bundle:
        assert sorted(bundle.namelist()) == ["README.txt", "layers.kmz"]
        inner = zipfile.ZipFile(io.BytesIO(bundle.read("layers.kmz"))).read("doc.kml").decode()
    assert "Chongqing–Guiyang Railway" in inner and "<Folder>" in inner


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xls"], "invalid choice: 'xls'"),
        (["--format", "shp", "--layers", "nope"], "--layers: unknown layer id(s) nope"),
        (["--format", "geojson", "--crs", "EPSG:4545"], "--crs: GeoJSON is WGS-84"),
        (["--format", "gpkg", "--crs", "EPSG:99999"], "--crs: unknown CRS"),
        (["--format", "csv", "--year", "1850"], "--year"),
    ],
)
def test_command_line_bad_arguments_give_one_line_and_exit_2(tmp_path, args, message):
    run = _cli("data", str(tmp_path), *args)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_every_format_is_offered(layerset):
    """The command line and the dashboard offer the same formats, each of which makes a zip."""
    for fmt in FORMATS:
        assert make_download(layerset, Request(fmt, ("border",))).data[:2] == b"PK"


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the select named `label`, once the page has settled, as a reader does."""
    idle(page)
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()  # at the sidebar's foot the list opens off screen otherwise
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


@pytest.mark.browser
def test_the_dashboard_downloads_the_visible_layers_of_its_year_as_a_gbk_shapefile(chromium, url, layerset, tmp_path):
    from tests.browser import map_frame, painted, wait_for

    page = chromium.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page.goto(f"{url}?year=2019&lang=zh")
    wait_for(page, lambda: painted(map_frame(page)) > 100, what="features painted")
    idle(page)
    page.locator('section[data-testid="stSidebar"]').get_by_text("下载数据（GIS、CAD）").click()
    _choose(page, "格式", "Shapefile (ArcGIS, MapGIS)")
    _choose(page, "Shapefile 属性编码（GBK：旧版 ArcGIS、MapGIS）", "GBK (.cpg 936)")
    page.get_by_role("button", name="准备数据文件").click()
    download_button = page.get_by_role("button", name="下载数据文件")
    download_button.wait_for(timeout=60_000)
    with page.expect_download() as caught:
        download_button.click()
    download = caught.value
    assert re.fullmatch(r"yuqian_\d+layers_2019_\d{4}-\d\d-\d\d_shp\.zip", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    folder = _unzip(path.read_bytes(), tmp_path / "out")
    visible = set(layerset.catalog.default_visible())
    images = {i for i in visible if layerset.catalog.layer(i).geometry == "raster"}
    assert {p.stem for p in folder.glob("*.shp")} == visible - images  # the layers on screen, no more
    assert images and {p.stem for p in folder.glob("*.jpg")} == images  # and the relief as an image
    assert (folder / "counties.cpg").read_text() == "936"
    counties = _ogrinfo("-al", "-q", "-where", "id = '500105'", str(folder / "counties.shp"))
    assert "江北区" in counties and "2026-01-25" in counties  # 2019: 江北区 still there, with its end date
    page.close()


def _gdalinfo(path: Path) -> str:
    """GDAL's own raster reader (Debian's gdal-bin)."""
    gdalinfo = shutil.which("gdalinfo")
    if gdalinfo is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("gdalinfo (Debian's gdal-bin) is not installed; .ci/run installs it")
        pytest.skip("gdalinfo (Debian's gdal-bin) is not installed: apt-get install -y gdal-bin")
    run = subprocess.run([gdalinfo, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_relief_downloads_as_an_image_a_gis_lays_where_the_map_does(layerset, tmp_path):
    download = make_download(layerset, Request("gpkg", ("relief", "rivers")))
    folder = _unzip(download.data, tmp_path)
    info = _gdalinfo(folder / "relief.jpg")
    assert "Pseudo-Mercator" in info  # the CRS, from the .aux.xml the download carries
    # the corners, read back by GDAL in degrees, are the catalog's bounds
    (south, west), (north, east) = layerset.catalog.layer("relief").bounds
    corners = {
        m.group(1): (float(m.group(2)), float(m.group(3)))
        for m in re.finditer(r"^(Upper Left|Lower Right)\s+\(\s*([-\d.]+),\s*([-\d.]+)\)", info, re.M)
    }
    to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    assert to_lonlat.transform(*corners["Upper Left"]) == pytest.approx((west, north), abs=1e-6)
    assert to_lonlat.transform(*corners["Lower Right"]) == pytest.approx((east, south), abs=1e-6)
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "relief" in readme and "MIT" in readme
    kml = make_download(layerset, Request("kml", ("relief", "rivers")))
    assert "relief.jpg" not in kml.files and "KML cannot hold it" in _unzip(kml.data, tmp_path / "k").joinpath(
        "README.txt"
    ).read_text(encoding="utf-8")
