"""Tier 4b: the real thing in headless Chromium — the dashboard and exported files."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
import shapely

from geo.data.timeline import in_year
from geo.spatial.measure import distance_km
from geo.state import MapState
from geo.uploads.layer import load_user_file, with_layer
from geo.web.export import export_html
from tests.browser import idle, map_frame, offline_page, painted, streamlit_server, wait_for
from tests.helpers import XSS_IMG, hostile_geojson, with_orientation

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
# (lat, lon) points inside a county and ≥ 0.09° from every line and point of the default layers,
# found by a grid search over the layers; at zoom 9 that is ≥ 30 px from anything drawn on top.
QIJIANG_INSIDE = (28.944, 106.829)
HONGHUAGANG_INSIDE = (27.771, 107.25)


def _located(layerset, layer_ids, year=None) -> int:
    """Features with a place, among those that exist in `year` (None: today, the map's default)."""
    then = in_year(layerset, year)
    return sum(int(then.frames[i].geometry.notna().sum()) for i in layer_ids)


def _default_visible(layerset) -> tuple[str, ...]:
    return layerset.catalog.default_visible()


@pytest.fixture(scope="module")
def dashboard_url(url):
    return url


def _open(chromium, url):
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    outside: list[str] = []
    errors: list[str] = []
    host = urlparse(url).netloc

    def on_request(request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            outside.append(request.url)

    page.on("request", on_request)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page, outside, errors


def _sidebar_checkbox(page, label: str):
    """The clickable label of the layer toggle named exactly `label`."""
    box = page.get_by_role("checkbox", name=label, exact=True)
    return page.locator('section[data-testid="stSidebar"] label').filter(has=box).first


def _click_on_map(page, frame, lat_lon):
    frame.evaluate(f"window.map.setView([{lat_lon[0]}, {lat_lon[1]}], 9, {{animate: false}})")
    point = frame.evaluate(
        f"(() => {{ const p = window.map.latLngToContainerPoint([{lat_lon[0]}, {lat_lon[1]}]);return [p.x, p.y]; }})()"
    )
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    return box["x"] + point[0], box["y"] + point[1]


def test_dashboard_paints_every_feature_and_requests_no_other_host(chromium, dashboard_url, layerset, tmp_path):
    page, outside, errors = _open(chromium, dashboard_url)
    frame = map_frame(page)
    expected = _located(layerset, _default_visible(layerset))
    wait_for(page, lambda: painted(frame) == expected, what=f"{expected} painted features")
    legend = frame.evaluate("document.querySelector('.yq-legend').getAttribute('data-layers')").split(",")
    assert sorted(legend) == sorted(_default_visible(layerset))

    # toggle, search, export: still nothing outside the Streamlit server
    _sidebar_checkbox(page, "车站").click()
    wait_for(page, lambda: painted(frame) == expected + _located(layerset, ["stations"]), what="stations painted")
    page.get_by_label("搜索区县、车站、园区、线路").fill("果园港")
    page.get_by_label("搜索区县、车站、园区、线路").press("Enter")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="搜索结果").click()
    page.get_by_role("option").filter(has_text="果园港").first.click()
    page.get_by_role("heading", name="果园港").wait_for(timeout=30_000)
    page.get_by_role("button", name="准备离线 HTML 地图").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载离线 HTML 地图").click()
    exported = Path(info.value.path()).read_text(encoding="utf-8")
    assert "yq.register" in exported and "</html>" in exported
    assert outside == [], outside
    assert errors == [], errors
    page.close()


def test_hover_shows_tooltip_and_click_shows_details(chromium, dashboard_url):
    page, _, errors = _open(chromium, dashboard_url)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 100, what="features painted")
    x, y = _click_on_map(page, frame, QIJIANG_INSIDE)
    page.mouse.move(x, y)
    tooltip = wait_for(
        page, lambda: frame.evaluate("(document.querySelector('.leaflet-tooltip')||{}).textContent"), what="a tooltip"
    )
    assert "綦江区（含万盛经开区）" in tooltip
    page.mouse.click(x, y)
    page.get_by_role("heading", name="綦江区（含万盛经开区）").wait_for(timeout=30_000)
    assert errors == []
    page.close()


def test_toggling_keeps_view_and_does_not_remount(chromium, dashboard_url, layerset):
    page, _, errors = _open(chromium, dashboard_url)
    frame = map_frame(page)
    base = _located(layerset, _default_visible(layerset))
    wait_for(page, lambda: painted(frame) == base, what="default layers painted")
    frame.evaluate("window.map.__probe = 'same map'; window.map.setView([28.4, 106.9], 9, {animate: false});")
    view = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")

    _sidebar_checkbox(page, "铁路").click()
    wait_for(page, lambda: painted(frame) == base - _located(layerset, ["rail"]), what="railways removed")
    after_off = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
    _sidebar_checkbox(page, "铁路").click()
    wait_for(page, lambda: painted(frame) == base, what="railways back")
    after_on = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")

    assert after_off == pytest.approx(view) and after_on == pytest.approx(view)
    assert frame.evaluate("window.map.__probe") == "same map"  # the same Leaflet map object: no remount
    legend = frame.evaluate("document.querySelector('.yq-legend').getAttribute('data-layers')")
    assert "rail" in legend.split(",")
    assert errors == []
    page.close()


def test_switching_language_relabels_the_same_map(chromium, dashboard_url, layerset):
    page, _, errors = _open(chromium, dashboard_url)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) == _located(layerset, _default_visible(layerset)), what="painted")
    frame.evaluate("window.map.__probe = 'same map'")
    page.get_by_text("English", exact=True).click()
    wait_for(
        page,
        lambda: frame.evaluate("document.querySelector('.yq-legend-toggle').textContent").startswith("Legend"),
        what="the legend in English",
    )
    x, y = _click_on_map(page, frame, QIJIANG_INSIDE)
    page.mouse.move(x, y)
    tooltip = wait_for(
        page, lambda: frame.evaluate("(document.querySelector('.leaflet-tooltip')||{}).textContent"), what="a tooltip"
    )
    assert "Qijiang District (incl. Wansheng ETDZ)" in tooltip
    assert frame.evaluate("window.map.__probe") == "same map"
    assert errors == []
    page.close()


def test_presenter_steps_through_every_view_on_the_same_map(chromium, dashboard_url, layerset):
    from geo.data.views import load_views

    views = load_views(layerset.catalog)
    page, outside, errors = _open(chromium, dashboard_url)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 100, what="features painted")
    frame.evaluate(
        "window.map.__probe = 'same map';"
        "window.map.on('movestart', () => { window.__moving = true; });"
        "window.map.on('moveend', () => { window.__moving = false; });"
    )
    page.locator('section[data-testid="stSidebar"] label').filter(has_text="演示模式").first.click()
    page.get_by_role("button", name="下一步 ▶").wait_for(timeout=30_000)

    def legend_layers():
        return frame.evaluate("document.querySelector('.yq-legend').getAttribute('data-layers')").split(",")

    def shows(view) -> bool:
        wanted = [i for i in layerset.catalog.layer_ids if i in with_orientation(view.layers)]
        if legend_layers() != wanted or frame.evaluate("!!window.__moving"):
            return False
        (south, west), (north, east) = view.extent
        bounds = frame.evaluate(
            "(() => { const b = window.map.getBounds();"
            "return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
        )
        centre = ((south + north) / 2, (west + east) / 2)
        inside = bounds[0] < centre[0] < bounds[2] and bounds[1] < centre[1] < bounds[3]
        return inside and bounds[2] - bounds[0] < 3 * (north - south)  # fitted, not the whole region

    for view in [*views[:], views[0]]:  # from "–" to the first view, through all, round to the first
        idle(page)  # once the view has arrived (quick clicks: the next test)
        page.get_by_role("button", name="下一步 ▶").click()
        wait_for(page, lambda view=view: shows(view), timeout=30, what=f"view {view.id}")
        page.get_by_text(view.title.zh, exact=True).first.wait_for(timeout=30_000)
    page.get_by_role("button", name="◀ 上一步").click()
    wait_for(page, lambda: shows(views[-1]), timeout=30, what="the previous view")

    assert frame.evaluate("window.map.__probe") == "same map"  # never remounted
    assert outside == [] and errors == []
    page.close()


def test_clicks_made_while_a_rerun_runs_are_all_applied(chromium, dashboard_url):
    """A presenter pressing "Next" three times in quick succession lands three steps on; a reader
    switching two layers off one after the other sees both off (each later click reaches the app
    while the run of the one before is still going)."""
    page, _, errors = _open(chromium, dashboard_url + "/?present=1")
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 50, what="features painted")
    idle(page)
    forward = page.get_by_role("button", name="下一步 ▶")
    for _ in range(3):
        forward.click()
        page.wait_for_timeout(120)
    idle(page)
    assert page.locator(".yq-step").first.inner_text().startswith("3 /")

    page.get_by_role("button", name="退出演示").click()
    idle(page)
    for label in ("铁路", "重庆、贵州区县"):
        box = page.get_by_role("checkbox", name=label, exact=True)
        page.locator('section[data-testid="stSidebar"] label').filter(has=box).first.click()
        page.wait_for_timeout(120)
    idle(page)
    shown = frame.evaluate("document.querySelector('.yq-legend').getAttribute('data-layers')").split(",")
    assert "rail" not in shown and "counties" not in shown and shown
    assert errors == []
    page.close()


def test_a_map_opening_reports_once_and_opens_where_its_first_picture_showed(chromium, dashboard_url, layerset):
    """As the map opens it sizes its frame and fits the zone: one report of where it is (one rerun of
    the dashboard), not one per move (there were three: a flight, then a refit), with no flight
    under the reader; and it shows what deploy/serve's first picture of it shows (geo.spatial.
    camera.fitted_view, the same rule as Leaflet's fitBounds with the live map's padding)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from geo.printing.sheet import LIVE_PADDING
    from geo.spatial.camera import fitted_view

    page = chromium.new_page(viewport={"width": 1280, "height": 720})  # the legend starts closed here
    reruns: list[str] = []  # the map's report each rerun carries (every rerun sends every widget's value)

    def sent(payload: bytes | str) -> None:
        if isinstance(payload, bytes) and (message := BackMsg.FromString(payload)).WhichOneof("type") == "rerun_script":
            widgets = message.rerun_script.widget_states.widgets
            reruns.append(next((w.json_value for w in widgets if '"last_object_clicked"' in w.json_value), ""))

    page.on("websocket", lambda ws: ws.on("framesent", sent))
    page.goto(dashboard_url + "/")
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 50, what="features painted")
    page.wait_for_timeout(3000)  # the map's reports come 250 ms after a move; a flight took 0.8 s
    idle(page)
    reports = [now for before, now in zip(["", *reruns], reruns, strict=False) if now != before]
    assert len(reports) == 1, reruns
    shown = frame.evaluate(
        "(() => { const b = yq.map.getBounds(), s = yq.map.getSize();"
        " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast(), s.x, s.y, yq.moving]; })()"
    )
    (south, west), (north, east) = fitted_view(layerset.catalog.extent, shown[4], shown[5], LIVE_PADDING)
    degrees = max(abs(a - b) for a, b in zip(shown[:4], (south, west, north, east), strict=True))
    assert degrees < 0.05 and shown[6] is False, (shown, (south, west, north, east))
    page.close()


QIJIANG_VERTEX = """(() => {
    let out = null;
    yq.groups.scope_yanxian.eachLayer(g => g.eachLayer(f => {
        if (f.feature.properties.id !== "500110") { return; }
        let p = f.getLatLngs();
        while (Array.isArray(p)) { p = p[0]; }  // first vertex of a polygon or multipolygon
        out = [p.lat, p.lng];
    }));
    return out;
})()"""


def test_gcj_basemap_shifts_overlays_in_place_and_keeps_the_view(chromium, dashboard_url, layerset):
    page, outside, errors = _open(chromium, dashboard_url)
    tiles: list[str] = []
    blank_png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )

    def serve_tile(route):  # no internet here: answer tile requests locally, and count them
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=blank_png)

    page.route("**/*autonavi.com/**", serve_tile)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) == _located(layerset, _default_visible(layerset)), what="painted")
    frame.evaluate("window.map.__probe = 'same map'; window.map.setView([28.8, 106.8], 9, {animate: false})")
    view = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    wgs = frame.evaluate(QIJIANG_VERTEX)
    # the browser decoded the encoded polyline back to the stored coordinates
    stored = layerset.frame("scope_yanxian").set_index("id").geometry["500110"]
    first = (stored.geoms[0] if hasattr(stored, "geoms") else stored).exterior.coords[0]
    assert wgs == pytest.approx([first[1], first[0]], abs=1e-9)

    page.locator('[data-testid="stSelectbox"]').filter(has_text="底图").click()
    page.get_by_role("option", name="高德地图", exact=True).click()
    wait_for(page, lambda: frame.evaluate("yq.crs === 'gcj02'"), what="overlays on GCJ-02")
    gcj = frame.evaluate(QIJIANG_VERTEX)
    metres = frame.evaluate(f"map.distance([{wgs[0]}, {wgs[1]}], [{gcj[0]}, {gcj[1]}])")
    assert 450 < metres < 600 and gcj[0] < wgs[0] and gcj[1] > wgs[1]  # 450–600 m to the south-east
    wait_for(page, lambda: len(tiles) > 0, what="Gaode tiles requested")
    assert "GCJ-02" in frame.evaluate("document.querySelector('.yq-legend-footer').textContent")

    page.locator('[data-testid="stSelectbox"]').filter(has_text="底图").click()
    page.get_by_role("option", name="离线（无底图，仅行政区划）", exact=True).click()
    wait_for(page, lambda: frame.evaluate("yq.crs === 'wgs84'"), what="overlays back on WGS-84")
    assert frame.evaluate(QIJIANG_VERTEX) == wgs  # identical to the stored data again
    assert frame.evaluate("yq.tiles.length") == 0
    now = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    assert now == pytest.approx(view)
    assert frame.evaluate("window.map.__probe") == "same map"
    assert [u for u in outside if "autonavi.com" not in u] == [] and errors == []
    page.close()


@pytest.fixture(scope="module")
def tampered_app(tmp_path_factory):
    """A copy of the app whose data holds hostile text and one broken layer file."""
    app = tmp_path_factory.mktemp("app")
    for name in ("dashboard.py", "geo", "layers", ".streamlit"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, app / name)
    path = app / "layers" / "scope_yanxian.geojson"
    text = path.read_text(encoding="utf-8").replace('"name_zh":"红花岗区"', '"name_zh":' + json.dumps(XSS_IMG), 1)
    path.write_text(text, encoding="utf-8")
    broken = app / "layers" / "highways.geojson"
    broken.write_text(broken.read_text(encoding="utf-8")[:500], encoding="utf-8")  # truncated by a bad edit
    with streamlit_server(app) as url:
        yield url


def test_hostile_text_is_shown_as_text_and_a_broken_layer_is_isolated(chromium, tampered_app, layerset):
    page, outside, errors = _open(chromium, tampered_app)
    frame = map_frame(page)
    expected = _located(layerset, _default_visible(layerset))
    wait_for(page, lambda: painted(frame) == expected, what="the other layers painted")
    page.get_by_text("highways.geojson: not valid JSON", exact=False).wait_for(timeout=30_000)
    x, y = _click_on_map(page, frame, HONGHUAGANG_INSIDE)
    page.mouse.move(x, y)
    tooltip = wait_for(
        page, lambda: frame.evaluate("(document.querySelector('.leaflet-tooltip')||{}).textContent"), what="a tooltip"
    )
    assert XSS_IMG in tooltip  # shown literally, as text
    assert frame.evaluate("document.querySelectorAll('.leaflet-tooltip img').length") == 0
    page.mouse.click(x, y)
    page.get_by_text(XSS_IMG).first.wait_for(timeout=30_000)  # the details panel shows it as text too
    assert frame.evaluate("window.__xss === undefined") and page.evaluate("window.__xss === undefined")
    assert outside == [] and errors == []
    page.close()


def _container_point(page, lat: float, lon: float) -> list[float]:
    return page.evaluate(f"(() => {{ const p = yq.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()")


def test_exported_file_works_with_all_network_blocked(chromium, layerset, tmp_path):
    spec, frame = load_user_file(hostile_geojson(tmp_path / "hostile.geojson"))
    layers = with_layer(layerset, spec, frame)
    visible = (*layerset.catalog.default_visible(), "stations", spec.id)
    html = export_html(layers, MapState(visible=visible, lang="zh"), when=dt.date(2026, 11, 26))
    out = tmp_path / "export.html"
    out.write_text(html, encoding="utf-8")

    page, blocked = offline_page(chromium, out, (1400, 900))
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.reload()  # listening from the first script on
    assert page.evaluate("typeof L") == "object"
    expected = _located(layers, visible)
    wait_for(page, lambda: painted(page) == expected, what=f"{expected} features drawn")
    assert "渝黔合作先行示范区" in page.locator(".yq-info").inner_text()
    assert "示意图，不作为权属争议依据" in page.locator(".yq-info").inner_text()

    # the layer control inside the file toggles a layer, and the legend follows it
    rail_box = page.locator(".leaflet-control-layers-overlays label").filter(has_text="铁路").locator("input")
    rail_box.uncheck()
    wait_for(page, lambda: painted(page) == expected - _located(layers, ["rail"]), what="railways hidden")
    wait_for(
        page,
        lambda: "rail" not in page.locator(".yq-legend").get_attribute("data-layers").split(","),
        what="legend without railways",
    )
    rail_box.check()
    wait_for(page, lambda: painted(page) == expected, what="railways shown again")

    # the hostile user feature: its tooltip shows the markup as text and runs nothing
    point = _container_point(page, 28.5, 106.9)
    page.mouse.move(point[0], point[1])
    tip = wait_for(
        page,
        lambda: page.evaluate("(document.querySelector('.leaflet-tooltip')||{}).textContent"),
        what="the user feature's tooltip",
    )
    assert XSS_IMG in tip
    assert page.evaluate("window.__xss === undefined")

    # the measure tool works offline: two clicks 綦江 seat → 桐梓 seat give their geodesic distance
    page.mouse.move(5, 5)
    page.locator(".yq-measure .yq-button").click()
    for lat, lon in ((29.0313, 106.6477), (28.1351, 106.8227)):
        xy = _container_point(page, lat, lon)
        page.mouse.click(xy[0], xy[1])
    metres = float(page.locator(".yq-measure-box").get_attribute("data-distance-m"))
    expected_km = distance_km(shapely.Point(106.6477, 29.0313), shapely.Point(106.8227, 28.1351))
    # a click lands on a pixel: at this zoom one pixel is about 1 km
    assert metres / 1000 == pytest.approx(expected_km, abs=3)
    assert "km" in page.locator(".yq-measure-box").inner_text()
    assert blocked == [] and console_errors == [], (blocked, console_errors)
    page.close()


def _ids_on_map(frame, layer_id: str) -> dict[str, dict]:
    """The features of `layer_id` Leaflet has on the map now: id → the properties it draws with."""
    return frame.evaluate(
        """(layer) => { const out = {};
        yq.groups[layer].eachLayer(l => l.eachLayer && l.eachLayer(f => {
          const p = f.feature.properties; out[p.id] = {status: p.status || null}; }));
        return out; }""",
        layer_id,
    )


def test_switching_the_year_redraws_the_same_map_in_place(chromium, dashboard_url, layerset):
    from geo.data.views import load_views

    view = next(v for v in load_views(layerset.catalog) if v.id == "changes")
    page, _, errors = _open(chromium, dashboard_url + "?view=changes")
    frame = map_frame(page)
    shown = with_orientation(view.layers)  # and the rivers and cities, which a view leaves on
    wait_for(page, lambda: painted(frame) == _located(layerset, shown), what="this year's features")
    frame.evaluate("window.map.__probe = 'same map'")
    counties, rail = _ids_on_map(frame, "counties"), _ids_on_map(frame, "rail")
    assert "liangjiang_district" in counties and "500105" not in counties and "500112" not in counties
    assert rail["yuxiang"]["status"] == "open"
    assert "截至 2026 年" in frame.evaluate("document.querySelector('.yq-legend-year').textContent")

    # the year picker, not the compare picker below it ("对比年份…")
    page.locator('[data-testid="stSelectbox"]').filter(has_text=re.compile(r"^年份")).click()
    page.get_by_role("option", name="2019", exact=True).click()
    wait_for(page, lambda: painted(frame) == _located(layerset, shown, 2019), what="2019's features")
    counties, rail = _ids_on_map(frame, "counties"), _ids_on_map(frame, "rail")
    assert "liangjiang_district" not in counties and "500105" in counties and "500112" in counties
    assert rail["yuxiang"]["status"] == "under_construction"
    wait_for(page, lambda: "截至 2019 年" in frame.evaluate("document.querySelector('.yq-legend-year').textContent"))
    page.get_by_text("方案项目已建成（截至 2019 年）").wait_for(timeout=30_000)
    assert "year=2019" in page.url
    assert frame.evaluate("window.map.__probe") == "same map"  # applied in place: no remount
    assert errors == []
    page.close()
