"""Sketching in the dashboard, in Chromium: an area drawn by clicks measures as a geodesic
computation says, keeps a hostile note as text, is saved with the map and comes back from the
view link in a fresh browser, and is in the export and on the print sheet; a point drawn with the
keyboard alone on Gaode tiles (GCJ-02) is stored in WGS-84 within a metre of what it marks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pyproj import Geod

from geo.app import saving
from geo.spatial.gcj import wgs_to_gcj_latlon
from geo.store.database import database_url
from geo.store.store import Store
from tests.browser import (
    SHOWN_STATE,
    idle,
    open_dashboard,
    save_as,
    sidebar,
    wait_for,
)
from tests.helpers import geo_cli

GEOD = Geod(ellps="WGS84")
HOSTILE = "<img src=x onerror=alert(1)> {{ 7*7 }}"


def _page_point(page, frame, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon), as the map draws it, is on the page."""
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = yq.map.latLngToContainerPoint([lat, lon]);"
        " const r = yq.map.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }",
        [lat, lon],
    )
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    return box["x"] + x, box["y"] + y


def _drawing(chromium, url: str, kind: str, zoom: int):
    """A fresh dashboard over the zone's middle at `zoom`, its sketch tool open on `kind`."""
    context, page, frame, errors = open_dashboard(chromium, url)
    frame.evaluate(f"yq.map.setView([28.5, 106.9], {zoom}, {{animate: false}})")
    frame.locator(".yq-sketch .yq-button").click()
    frame.locator(f'.yq-sketch-kind[data-kind="{kind}"]').click()
    return context, page, frame, errors


def _saved_sketches(data: Path, view_link: str):
    map_id = view_link.split("map=", 1)[1]
    return map_id, saving.sketches_of(Store(database_url({"YQ_DATA_DIR": str(data)})).open(map_id))


def test_an_area_drawn_by_clicks_is_measured_kept_as_text_saved_exported_and_printed(chromium, app, tmp_path):
    url, data = app
    context, page, frame, errors = _drawing(chromium, url, "polygon", 9)
    corners = [(28.45, 107.0), (28.45, 107.2), (28.6, 107.2), (28.62, 107.05)]  # around 28.52 N, 107.1 E
    for lat, lon in corners:
        page.mouse.click(*_page_point(page, frame, lat, lon))
        page.wait_for_timeout(120)
    clicked = frame.evaluate(  # where the clicks landed (whole pixels), as the map reads them
        "() => { const out = []; yq.map.eachLayer(l => {"
        " if (l instanceof L.CircleMarker && !l.feature && !l.options.interactive)"
        " out.push([l.getLatLng().lat, l.getLatLng().lng]); }); return out; }"
    )
    assert len(clicked) == 4
    assert frame.evaluate(SHOWN_STATE)["selection"] is None  # the clicks drew; they selected nothing under them
    lats, lons = [c[0] for c in clicked], [c[1] for c in clicked]
    expected = abs(GEOD.polygon_area_perimeter(lons, lats)[0])
    shown = float(frame.locator(".yq-sketch-live").get_attribute("data-area-m2"))
    assert shown == pytest.approx(expected, rel=0.01)  # the live figure, while drawing
    assert "km²" in frame.locator(".yq-sketch-live").inner_text()
    frame.locator(".yq-sketch-title").fill("Proposed site A")
    frame.locator(".yq-sketch-note").fill(HOSTILE)
    frame.get_by_role("button", name="完成", exact=True).click()
    sidebar(page).get_by_text("我的标注：面").wait_for(timeout=30_000)
    idle(page)
    assert "sketch_areas" in frame.evaluate(SHOWN_STATE)["visible"]

    # selected at once: its details show the note as text
    details = page.get_by_text(HOSTILE, exact=True)
    assert details.count() >= 1 and page.locator("img[src='x']").count() == 0
    assert frame.locator("img[src='x']").count() == 0
    assert page.get_by_text("编辑标注").count() == 1

    view, _ = save_as(page, "带标注的地图")
    context.close()

    map_id, (sketch,) = _saved_sketches(data, view)
    stored = abs(GEOD.geometry_area_perimeter(sketch.geometry)[0])
    assert stored == pytest.approx(expected, rel=0.01) and sketch.note == HOSTILE

    context, page, frame, errors2 = open_dashboard(chromium, view)  # a browser that never saw it
    assert "sketch_areas" in frame.evaluate(SHOWN_STATE)["visible"]
    assert sidebar(page).get_by_text("我的标注：面").count() >= 1
    assert frame.evaluate("yq.groups.sketch_areas.getLayers().length") >= 1
    context.close()
    assert errors == [] and errors2 == []

    env = {"YQ_DATA_DIR": str(data)}
    out = tmp_path / "map.html"
    assert geo_cli("export", str(out), "--map", map_id, env=env).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert "Proposed site A" in html and "<img src=x" not in html
    sheet = tmp_path / "map.pdf"
    done = geo_cli("print", str(sheet), "--map", map_id, env=env)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    assert "Proposed site A" in text and "我的标注" in text  # on the map and in the legend


def test_a_point_drawn_with_the_keyboard_on_gaode_tiles_is_stored_in_wgs84(chromium, app, layerset):
    url, data = app
    park = layerset.frame("parks").iloc[0]
    lat, lon = park.geometry.y, park.geometry.x
    context, page, frame, errors = open_dashboard(chromium, url + "/?basemap=gaode")
    wait_for(page, lambda: frame.evaluate("yq.crs") == "gcj02", what="the map on GCJ-02")
    glat, glon = wgs_to_gcj_latlon(lat, lon)
    frame.evaluate(f"yq.map.setView([{glat}, {glon}], 15, {{animate: false}})")  # as arrow keys would bring it
    button = frame.locator(".yq-sketch .yq-button")
    button.focus()
    page.keyboard.press("Enter")  # the tool opens
    frame.locator('.yq-sketch-kind[data-kind="point"]').focus()
    page.keyboard.press("Enter")
    frame.locator(".yq-sketch-title").focus()
    page.keyboard.type("Site by keyboard")
    page.keyboard.press("Tab")  # the note
    page.keyboard.type("marks the first park")
    frame.get_by_role("button", name="在中心加点").focus()
    page.keyboard.press("Enter")  # a point at the centre cross
    status = frame.locator(".yq-sketch-status")
    wait_for(page, lambda: "第 1 个点" in status.inner_text(), what="the point announced")
    frame.get_by_role("button", name="完成", exact=True).focus()
    page.keyboard.press("Enter")
    wait_for(page, lambda: "Site by keyboard" in status.inner_text(), what="the sketch announced")
    sidebar(page).get_by_text("我的标注：点").wait_for(timeout=30_000)
    idle(page)
    view, _ = save_as(page, "高德底图上的点")
    _, (sketch,) = _saved_sketches(data, view)
    _, _, metres = GEOD.inv(lon, lat, sketch.geometry.x, sketch.geometry.y)
    assert metres < 1.0, metres  # WGS-84, where the park is; not its GCJ-02 place (hundreds of metres off)
    assert errors == []
    context.close()


def test_a_sketch_s_vertices_are_moved_by_dragging(chromium, app):
    url, data = app
    context, page, frame, errors = _drawing(chromium, url, "line", 9)
    for lat, lon in ((28.4, 106.7), (28.6, 107.1)):
        page.mouse.click(*_page_point(page, frame, lat, lon))
        page.wait_for_timeout(120)
    frame.locator(".yq-sketch-title").fill("Alternative alignment")
    page.keyboard.press("Enter")  # in the title: Enter finishes
    sidebar(page).get_by_text("我的标注：线").wait_for(timeout=30_000)
    idle(page)
    move = frame.locator(".yq-sketch-move")
    wait_for(page, lambda: move.is_visible(), what="'move vertices' for the selected sketch")
    move.click()
    handles = frame.locator(".yq-sketch-vertex")
    assert handles.count() == 2
    start = _page_point(page, frame, 28.6, 107.1)
    end = _page_point(page, frame, 28.3, 107.3)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=5)
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    move.click()  # "done moving": the new vertices go to the dashboard
    idle(page)
    view, _ = save_as(page, "移动过的线")
    _, (sketch,) = _saved_sketches(data, view)
    (lon0, lat0), (lon1, lat1) = sketch.geometry.coords
    assert (lat0, lon0) == pytest.approx((28.4, 106.7), abs=0.01)  # the first vertex stayed
    assert (lat1, lon1) == pytest.approx((28.3, 107.3), abs=0.01)  # the second is where it was dropped
    assert errors == []
    context.close()


def test_a_line_drawn_with_arrow_keys_and_v(chromium, app):
    url, _ = app
    context, page, frame, errors = _drawing(chromium, url, "line", 10)
    frame.locator(".leaflet-container").focus()  # the map: arrow keys pan it under the centre cross
    start = frame.evaluate("[yq.map.getCenter().lat, yq.map.getCenter().lng]")
    page.keyboard.press("v")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    wait_for(page, lambda: frame.evaluate("!yq.moving"), what="the pan")
    end = frame.evaluate("[yq.map.getCenter().lat, yq.map.getCenter().lng]")
    page.keyboard.press("v")
    live = frame.locator(".yq-sketch-live")
    assert live.get_attribute("data-vertices") == "2" and float(live.get_attribute("data-length-m")) > 1000
    page.keyboard.press("Enter")
    sidebar(page).get_by_text("我的标注：线").wait_for(timeout=30_000)
    assert end[1] > start[1]  # the keys moved the map east, and the second vertex with it
    assert errors == []
    context.close()
