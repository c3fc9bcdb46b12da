"""Big layers (issue 15): thousands of features on one canvas, sent compact and escaped."""

from __future__ import annotations

import json

import polyline
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from bench.biglayer import parcels
from geo.data.catalog import load_catalog
from geo.state import MapState
from geo.uploads.layer import read_user_layer, with_layer
from geo.web.biglayer import BIG_LAYER, lighter, polyline_rings
from geo.web.export import export_html
from tests.helpers import XSS_IMG, XSS_SCRIPT, exported_layers


def _one_by_one(geom) -> list[str]:
    """What the polyline package makes, ring by ring: the reference for the vectorised encoder."""
    out = []
    for part in shapely.get_parts(geom):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        out += [polyline.encode(list(r.coords), 5, geojson=True) for r in rings]
    return out


def test_rings_are_the_polyline_packages_own_encoding():
    geoms = [
        Point(107.12345, 28.54321),
        LineString([(107, 28), (107.1, 28.1), (106.9, 27.95)]),
        MultiPolygon(
            [
                Polygon([(0, 0), (1, 0), (1, 1)], [[(0.5, 0.2), (0.6, 0.2), (0.6, 0.3)]]),
                Polygon([(2, 2), (3, 2), (3, 3)]),
            ]
        ),
        Polygon([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]),
        *parcels(200).geometry,
    ]
    assert polyline_rings(geoms) == [_one_by_one(g) for g in geoms]


def test_the_lighter_copy_of_a_coverage_keeps_neighbours_edges_shared():
    frame = parcels(2_000)
    simple = lighter(list(frame.geometry))
    assert simple is not None  # 12 points a parcel: worth a lighter copy
    assert shapely.coverage_is_valid(simple)  # no gaps or overlaps opened between neighbours
    before = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    assert int(shapely.get_num_coordinates(simple).sum()) < 0.7 * before


def _hostile_big_layer(tmp_path, count=BIG_LAYER + 10):
    frame = parcels(count)
    frame["name"] = [XSS_IMG if i == 0 else f"地块 {i}" for i in range(count)]
    frame["note"] = [XSS_SCRIPT if i == 0 else "{{ 7*7 }}" for i in range(count)]
    path = tmp_path / "parcels.geojson"
    path.write_text(frame.to_json(), encoding="utf-8")
    return read_user_layer(path.name, path.read_bytes())


def test_a_big_layer_is_sent_by_column_and_every_value_escaped(tmp_path):
    spec, frame, _ = _hostile_big_layer(tmp_path)
    layerset = with_layer(gpd_layers(), spec, frame)
    html = export_html(layerset, MapState(visible=(spec.id,), lang="en"))
    data = exported_layers(html)[spec.id]
    assert data["big"] and len(data["ids"]) == len(frame) and "features" not in data
    assert XSS_IMG not in html and "<img src=x" not in html
    first = json.dumps(data["values"][0], ensure_ascii=False)
    assert "&lt;img src=x" in first and "&lt;/script&gt;" in first
    assert "49" not in json.dumps(data["values"][1])  # template syntax stays text


def gpd_layers():
    from geo.data.layers import load_layers

    return load_layers(load_catalog())


@pytest.mark.browser
def test_a_big_layer_paints_on_one_canvas_and_answers_hover_and_click(chromium, tmp_path):
    spec, frame, _ = _hostile_big_layer(tmp_path)
    layerset = with_layer(gpd_layers(), spec, frame)
    path = tmp_path / "map.html"
    path.write_text(export_html(layerset, MapState(visible=("counties", spec.id), lang="zh")), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(f"() => window.yq && yq.probe.bigDrawn() >= {len(frame)}", timeout=30_000)
    assert page.evaluate("document.querySelectorAll('canvas.yq-big').length") == 1
    assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") < 1000  # not one SVG path each
    # the hostile parcel (the first) under the pointer: its name shows as text, nothing runs
    centre = frame.geometry.iloc[0].representative_point()
    page.evaluate(f"yq.map.setView([{centre.y}, {centre.x}], 15, {{animate: false}})")
    point = page.evaluate(
        f"(() => {{ const p = yq.map.latLngToContainerPoint([{centre.y}, {centre.x}]); return [p.x, p.y]; }})()"
    )
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    tip = page.locator(".leaflet-tooltip:visible")  # only the parcel's: the county's below stays hidden
    tip.wait_for(timeout=10_000)
    assert XSS_IMG in tip.inner_text()
    assert page.evaluate("document.querySelectorAll('.leaflet-tooltip img').length") == 0
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert XSS_SCRIPT in popup.inner_text() and page.evaluate("window.__xss === undefined")
    assert spec.id in page.evaluate("document.querySelector('.yq-legend').getAttribute('data-layers')")
    assert errors == []
    page.close()
