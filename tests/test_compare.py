"""Two years on one map: a divider with one year on each side, in the dashboard, exports and print."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from geo import links
from geo import state as ms
from geo.data import differences
from geo.data.basemaps import load_basemaps
from geo.data.timeline import current_year
from geo.data.views import load_views
from tests.browser import map_frame, offline_page, painted, wait_for
from tests.helpers import geo_cli

ROOT = Path(__file__).resolve().parent.parent
OPEN, BUILDING = "#252525", "#e6550d"  # the catalog's rail styles: open, under construction
# The drawings of a feature on the map: which side's pane each is in, and its stroke.
DRAWINGS = """([layer, id]) => {
  const out = [];
  yq.groups[layer].eachLayer(g => g.eachLayer && g.eachLayer(f => {
    const p = f.feature && f.feature.properties;
    if (p && String(p.id) === id && f._path) {
      const pane = f._path.closest('.leaflet-pane').className;
      out.push({side: f.yqSide || null, pane: pane, stroke: f._path.getAttribute('stroke')});
    }
  }));
  return out; }"""
# Whether a drawing of `id` receives the pointer at a place: left or right of the divider.
HIT = """([layer, id, lat, lon]) => {
  const box = window.map.getContainer().getBoundingClientRect();
  const p = window.map.latLngToContainerPoint([lat, lon]);
  return document.elementsFromPoint(box.left + p.x, box.top + p.y).some(el => {
    let found = false;
    yq.groups[layer].eachLayer(g => g.eachLayer && g.eachLayer(f => {
      if (f._path === el && String(f.feature.properties.id) === id) { found = true; } }));
    return found; }); }"""


def _probe_divider(frame, at: float) -> float:
    return frame.evaluate(f"yq.probe.compareAt({at})")


def test_a_link_asks_for_a_comparison_and_bad_values_give_a_notice_and_a_normal_map(layerset):
    views, basemaps = load_views(layerset.catalog), load_basemaps()
    state, notices = links.from_query({"compare": "planned", "divider": "0.3"}, layerset, views, basemaps)
    assert state.compare == "planned" and state.divider == 0.3 and notices == []
    assert links.to_query(state)["compare"] == "planned" and links.to_query(state)["divider"] == "0.3"
    for bad in ({"compare": "2026", "year": "2026"}, {"compare": "1999"}, {"compare": "<b>x"}):
        state, notices = links.from_query(bad, layerset, views, basemaps)
        assert state.compare is None and len(notices) == 1, bad
    state, notices = links.from_query({"compare": "2019", "divider": "west"}, layerset, views, basemaps)
    assert state.compare == 2019 and state.divider == 0.5 and len(notices) == 1
    # choosing the left side's year on the right stops comparing (a year is not compared with itself)
    assert ms.set_year(ms.set_compare(ms.initial(layerset), 2019), 2019).compare is None


def test_the_differences_come_from_the_dated_tables(layerset):
    found = [c.en for c in differences.between(layerset, 2019, None, ("rail", "counties", "pole_hosts"))]
    assert any(c.startswith("Chongqing–Xiamen HSR") and "→ open (2025-06-27)" in c for c in found)
    assert any("Jiangbei District" in c and "→ Liangjiang New Area (district) (2026-01-25)" in c for c in found)
    assert len([c for c in found if "Jiangbei District" in c]) == 1  # named once, though in two layers
    assert differences.between(layerset, current_year(), None, layerset.catalog.layer_ids) == []
    assert "no change" in differences.summary(layerset, 2025, None, ("rail",), "en")


@pytest.fixture(scope="module")
def compared(chromium, url):
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/?compare=planned&year=2026")
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 100 and frame.evaluate("yq.compareX > 0"), what="the divider")
    frame.evaluate("window.map.fitBounds([[28.8, 106.3], [29.9, 109.0]], {animate: false})")
    page.wait_for_timeout(300)
    yield page, frame, errors
    page.close()


def test_each_side_draws_its_year_and_what_is_the_same_is_drawn_once(compared):
    _, frame, errors = compared
    yuxiang = frame.evaluate(DRAWINGS, ["rail", "yuxiang"])
    by_side = {d["side"]: d for d in yuxiang}
    assert set(by_side) == {"left", "right"}
    assert by_side["left"]["stroke"] == BUILDING and "yqCompareleft" in by_side["left"]["pane"]
    assert by_side["right"]["stroke"] == OPEN and "yqCompareright" in by_side["right"]["pane"]
    yugui = frame.evaluate(DRAWINGS, ["rail", "yugui"])  # open in both years
    assert len(yugui) == 1 and yugui[0]["side"] is None and yugui[0]["stroke"] == OPEN
    # at a place on the line (南川北, 107.1145 E): the plan's style left of the divider, today's right
    x = frame.evaluate("window.map.latLngToContainerPoint([29.1871, 107.1145]).x")
    width = frame.evaluate("window.map.getSize().x")
    _probe_divider(frame, (x + 60) / width)
    assert frame.evaluate(HIT, ["rail", "yuxiang", 29.1871, 107.1145])
    strokes = frame.evaluate(
        """() => { const box = window.map.getContainer().getBoundingClientRect();
             const p = window.map.latLngToContainerPoint([29.1871, 107.1145]);
             return document.elementsFromPoint(box.left + p.x, box.top + p.y).map(e => e.getAttribute('stroke')); }"""
    )
    assert BUILDING in strokes and OPEN not in strokes[: strokes.index(BUILDING)]
    _probe_divider(frame, (x - 60) / width)
    strokes = frame.evaluate(
        """() => { const box = window.map.getContainer().getBoundingClientRect();
             const p = window.map.latLngToContainerPoint([29.1871, 107.1145]);
             return document.elementsFromPoint(box.left + p.x, box.top + p.y).map(e => e.getAttribute('stroke')); }"""
    )
    assert OPEN in strokes and BUILDING not in strokes
    assert errors == []


def test_the_new_district_is_only_right_of_the_divider(compared, layerset):
    _, frame, _ = compared
    district = frame.evaluate(DRAWINGS, ["counties", "liangjiang_district"])
    assert [d["side"] for d in district] == ["right"]  # it did not exist in 2019: no left drawing
    jiangbei = frame.evaluate(DRAWINGS, ["counties", "500105"])
    assert [d["side"] for d in jiangbei] == ["left"]  # abolished: only as it was, on the left
    # a place in 江北区, and so in the district that replaced it: the district right of the
    # divider, 江北区 left of it
    inside = layerset.feature("counties", "500105").geometry.representative_point()
    lat, lon = inside.y, inside.x
    x = frame.evaluate(f"window.map.latLngToContainerPoint([{lat}, {lon}]).x")
    width = frame.evaluate("window.map.getSize().x")
    _probe_divider(frame, (x - 40) / width)
    assert frame.evaluate(HIT, ["counties", "liangjiang_district", lat, lon])
    assert not frame.evaluate(HIT, ["counties", "500105", lat, lon])
    _probe_divider(frame, (x + 40) / width)
    assert not frame.evaluate(HIT, ["counties", "liangjiang_district", lat, lon])
    assert frame.evaluate(HIT, ["counties", "500105", lat, lon])


def test_the_divider_moves_by_mouse_and_by_keyboard_and_goes_into_the_link(compared):
    page, frame, _ = compared
    _probe_divider(frame, 0.5)
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    handle = frame.locator(".yq-divider-handle").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(iframe["x"] + iframe["width"] * 0.3, handle["y"] + 10, steps=8)
    page.mouse.up()
    at = frame.evaluate("yq.compareX") / frame.evaluate("window.map.getSize().x")
    assert at == pytest.approx(0.3, abs=0.02)
    wait_for(page, lambda: "divider=0.3" in page.url, what="the divider in the link")
    slider = frame.get_by_role("slider")
    assert "左侧" in slider.get_attribute("aria-label")
    before = int(slider.get_attribute("aria-valuenow"))
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert int(slider.get_attribute("aria-valuenow")) == before + 5
    assert slider.get_attribute("aria-valuetext").endswith(f"{before + 5}%")


def test_a_layer_switch_applies_to_both_sides(compared):
    page, frame, _ = compared
    box = page.get_by_role("checkbox", name="铁路", exact=True)
    toggle = page.locator('section[data-testid="stSidebar"] label').filter(has=box).first
    toggle.scroll_into_view_if_needed()
    toggle.click()
    wait_for(page, lambda: not frame.evaluate("window.map.hasLayer(yq.groups.rail)"), what="rail off")
    assert frame.evaluate("document.querySelectorAll('.leaflet-pane path[stroke=\"#e6550d\"]').length") == 0
    toggle.click()
    wait_for(page, lambda: frame.evaluate("window.map.hasLayer(yq.groups.rail)"), what="rail on")
    sides = {d["side"] for d in frame.evaluate(DRAWINGS, ["rail", "yuxiang"])}
    assert sides == {"left", "right"}


def test_an_exported_comparison_works_from_a_file_with_no_network(chromium, tmp_path):
    out = tmp_path / "compare.html"
    run = geo_cli("export", str(out), "--compare", "planned")
    assert run.returncode == 0, run.stderr
    html = out.read_text(encoding="utf-8")
    assert "渝湘高铁（重庆东—黔江段）：在建 → 已通车（2025-06-27）" in html  # the differences, in the panel
    page, outside = offline_page(chromium, out)
    wait_for(page, lambda: page.evaluate("yq.compareX > 0"), what="the divider")
    names = page.evaluate("Array.from(document.querySelectorAll('.yq-side-year')).map(e => e.textContent)")
    assert names == ["方案发布时 2019-03", "截至 2026 年"]
    sides = {d["side"] for d in page.evaluate(DRAWINGS, ["rail", "yuxiang"])}
    assert sides == {"left", "right"}
    assert outside == []
    page.close()


def test_a_compared_sheet_has_two_frames_each_with_its_year(tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    out = tmp_path / "compare.pdf"
    run = geo_cli("print", str(out), "--compare", "2019", "--lang", "en")
    assert run.returncode == 0, run.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert "as of 2019" in lines and "as of 2026" in lines  # each frame's year, on its own
    assert "2019 → 2026: " in text and "(2025-06-27)" in text  # what changed, in the footer
    assert text.count("Legend") == 1  # one legend for both
    bad = geo_cli("print", str(out), "--compare", "2030")
    assert bad.returncode == 2 and "--compare" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
