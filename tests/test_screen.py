"""Tier 4c: what reaches a reader's screen — map size, names, legend, clicks, presenter keys, links.

Headless Chromium at the sizes the map is used at: 1440×900 and 1920×1080 (browsing and
screen-sharing), 1280×720 (a projector), 390×844 (a phone).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import shapely
from shapely.ops import nearest_points, polylabel

from geo.data.catalog import load_catalog as _load_catalog
from geo.data.views import load_views as _load_views
from geo.i18n import ui
from tests.browser import map_frame, painted, wait_for

N_VIEWS = len(_load_views(_load_catalog()))  # presentation steps: one per preset view

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CORE_COUNTIES = ("江津区", "綦江区", "桐梓县", "汇川区", "红花岗区", "播州区", "绥阳县")

VISIBLE_LABELS = """(() => [...document.querySelectorAll('.yq-label')]
    .filter(el => el.style.display !== 'none')
    .map(el => { const r = el.getBoundingClientRect();
                 return [el.textContent, r.left, r.top, r.right, r.bottom]; }))()"""


def _open(chromium, url: str, size: tuple[int, int], query: str = ""):
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/{query}")
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 50, what="features painted")
    return page, frame, errors


SETTLED = """(() => { let s = null; try { s = parent.yqState; } catch (e) { s = null; }
    return !yq.moving && !!s && yq.cameraSeq === s.cameraSeq; })()"""


def _settled(page, frame) -> None:
    """Wait until the map has applied the page's latest state and stopped moving, and its frame and
    names have stopped changing for a second."""
    wait_for(page, lambda: frame.evaluate(SETTLED), what="the map to settle")
    last, same = None, 0
    for _ in range(100):
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        state = (
            box and tuple(round(v) for v in box.values()),
            frame.evaluate("map.getZoom() + ',' + map.getCenter()"),
            len(_labels(frame)),
        )
        same = same + 1 if state == last else 0
        if same >= 3:
            return
        last = state
        page.wait_for_timeout(350)


def _map_share(page, size) -> float:
    """The part of the viewport the map covers, counting only what is on screen."""
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    width = max(0.0, min(box["x"] + box["width"], size[0]) - max(box["x"], 0))
    height = max(0.0, min(box["y"] + box["height"], size[1]) - max(box["y"], 0))
    return width * height / (size[0] * size[1])


def _labels(frame) -> list:
    return frame.evaluate(VISIBLE_LABELS)


def _overlaps(labels) -> list:
    return [
        (a[0], b[0])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


@pytest.mark.parametrize(("size", "least"), [((1440, 900), 0.5), ((1920, 1080), 0.55), ((390, 844), 0.5)])
def test_browsing_the_map_fills_the_screen_and_names_what_it_shows(chromium, url, size, least):
    page, frame, errors = _open(chromium, url, size)
    _settled(page, frame)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box["y"] + box["height"] <= size[1] + 1, "the map runs below the fold"
    assert _map_share(page, size) >= least
    labels = _labels(frame)
    assert len(labels) >= (15 if size[0] >= 1000 else 6), [lab[0] for lab in labels]
    assert _overlaps(labels) == []
    if size == (1440, 900):
        legend = frame.evaluate("(() => { const r = document.querySelector('.yq-legend').getBoundingClientRect();"
                                "return r.width * r.height / (innerWidth * innerHeight); })()")  # fmt: skip
        assert legend <= 0.2
    assert errors == []
    page.close()


@pytest.mark.parametrize(("size", "lang"), [((1280, 720), "en"), ((1920, 1080), "zh")])
def test_presenting_the_map_takes_three_quarters_and_stays_put(chromium, url, size, lang):
    page, frame, errors = _open(chromium, url, size, f"?view=overview&present=1&lang={lang}")
    boxes = []
    for step in range(4):
        _settled(page, frame)
        assert _map_share(page, size) >= 0.75, f"step {step + 1}"
        boxes.append(page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box())
        position = page.locator(".yq-step").inner_text()
        assert position.strip() == f"{step + 1} / {N_VIEWS}"
        labels = _labels(frame)
        assert _overlaps(labels) == [] and len(labels) >= (8 if lang == "zh" else 6)  # English names are longer
        if step == 2 and lang == "zh":  # the core zone: every core county is named
            names = {lab[0] for lab in labels}
            assert set(CORE_COUNTIES) <= names, set(CORE_COUNTIES) - names
        # no button is cut: its text fits in it and in every box Streamlit wraps it in (they clip with an ellipsis)
        for button in page.locator("button:visible").all():
            fits = button.evaluate(
                # strict: Streamlit's ellipsis box cuts "Previous" to "Previo…" when 1 px short
                "b => [b, ...b.querySelectorAll('*')].every(e => e.scrollWidth <= e.clientWidth)"
            )
            assert fits, button.inner_text()
        page.get_by_role("button", name=ui("next", lang)).click()
        wait_for(
            page, lambda n=step: page.locator(".yq-step").inner_text().strip() == f"{n + 2} / {N_VIEWS}", what="next"
        )
    assert all(b == boxes[0] for b in boxes), boxes  # the map does not jump between steps
    assert errors == []
    page.close()


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_a_presented_view_sits_in_the_middle_of_the_free_map(chromium, url, size):
    """The view fills the map between the buttons on the left and the legend on the right. It was
    fitted before the map's stylesheets arrived (an unstyled legend is as wide as the map, so half
    the map was kept free for it) and the core zone sat in the left third."""
    page, frame, errors = _open(chromium, url, size, "?view=core&present=1&lang=en")
    _settled(page, frame)
    core = next(v for v in _load_views(_load_catalog()) if v.id == "core")
    (south, west), (north, east) = core.extent
    corners = f"[map.latLngToContainerPoint([{south}, {west}]).x, map.latLngToContainerPoint([{north}, {east}]).x]"
    left, right = frame.evaluate(corners)
    free_right, caption = frame.evaluate(
        """(() => { const legend = document.querySelector('.yq-legend:not(.yq-legend-closed)');
        return [map.getSize().x - (legend ? legend.offsetWidth + 20 : 20),
                document.querySelector('.yq-caption').offsetWidth + 16]; })()"""
    )
    assert 60 <= left and right <= free_right  # the whole view shows, clear of the legend
    # in the middle of the room it has: beside the buttons, or (a short screen) beside the caption
    middle = (left + right) / 2
    rooms = [(60 + free_right) / 2, (caption + free_right) / 2]
    assert min(abs(middle - r) for r in rooms) < 0.1 * free_right, (middle, rooms)
    assert errors == []
    page.close()


def test_presenting_on_a_phone_keeps_the_map_above_the_fold(chromium, url):
    page, frame, errors = _open(chromium, url, (390, 844), "?view=core&present=1")
    _settled(page, frame)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box["y"] < 0.3 * 844, box  # the step band stays compact instead of stacking its buttons
    assert _map_share(page, (390, 844)) >= 0.6
    caption = frame.locator(".yq-caption").bounding_box()
    assert caption["height"] <= 0.35 * box["height"], caption  # the caption leaves the map visible
    assert errors == []
    page.close()


def _inside_near(county, neighbour, margin=0.012) -> tuple[float, float]:
    """A (lat, lon) inside `county`, as near to its border with `neighbour` as `margin` allows."""

    def biggest(g):
        return max(getattr(g, "geoms", [g]), key=lambda p: p.area)

    shared = county.boundary.intersection(neighbour.boundary)
    own, other = polylabel(biggest(county), 0.001), polylabel(biggest(neighbour), 0.001)
    start = nearest_points(shared, shapely.LineString([own, other]))[0]
    dx, dy = own.x - start.x, own.y - start.y
    length = (dx * dx + dy * dy) ** 0.5
    for i in range(1, 400):
        p = shapely.Point(start.x + i * 0.002 * dx / length, start.y + i * 0.002 * dy / length)
        if county.contains(p) and county.boundary.distance(p) >= margin:
            return p.y, p.x
    raise AssertionError("no point found")


UNDER_POPUP = "(([x, y]) => !!(document.elementFromPoint(x, y) || document.body).closest('.leaflet-popup'))"


def _click_at(page, frame, lat_lon) -> None:
    """Click the map at `lat_lon`, brought into view where an open popup does not cover it."""
    frame.evaluate(f"map.setView([{lat_lon[0]}, {lat_lon[1]}], 10, {{animate: false}})")
    where = f"(() => {{ const p = map.latLngToContainerPoint([{lat_lon[0]}, {lat_lon[1]}]); return [p.x, p.y]; }})()"
    point = frame.evaluate(where)
    for _ in range(4):  # the popup stays open: the map moves until the point is clear of it
        if not frame.evaluate(UNDER_POPUP, point):
            break
        frame.evaluate("map.panBy([0, -220], {animate: false})")
        point = frame.evaluate(where)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_clicks_near_borders_select_the_county_clicked(chromium, url, layerset):
    units = {
        **layerset.frame("scope_yanxian").set_index("id").geometry,
        **layerset.frame("scope_yanbian").set_index("id").geometry,
    }
    jiangjin, qijiang, tongzi, xishui = units["500116"], units["500110"], units["520322"], units["520330"]
    page, frame, errors = _open(chromium, url, (1440, 900), "?layers=scope_yanxian,scope_yanbian,counties")
    for county, neighbour, name in (
        (jiangjin, xishui, "江津区"),
        (xishui, jiangjin, "习水县"),
        (qijiang, tongzi, "綦江区（含万盛经开区）"),
        (tongzi, qijiang, "桐梓县"),
    ):
        _click_at(page, frame, _inside_near(county, neighbour))  # a popup may be open from the last click
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        popup = frame.evaluate("(document.querySelector('.leaflet-popup-content')||{}).textContent || ''")
        assert popup.startswith(name.split("（")[0]) or name in popup, popup  # popup and details agree
    # right after switching a layer on, its features answer clicks
    page.locator('section[data-testid="stSidebar"] label').filter(
        has=page.get_by_role("checkbox", name="车站", exact=True)
    ).first.click()
    wait_for(
        page, lambda: "stations" in frame.evaluate("document.querySelector('.yq-legend').dataset.layers"), what="on"
    )
    frame.evaluate("map.closePopup()")  # the last popup would cover the station (it lies near that border)
    _click_at(page, frame, (29.0263, 106.6587))  # 綦江东 station
    page.get_by_role("heading", name="綦江东", exact=True).wait_for(timeout=30_000)
    assert errors == []
    page.close()


def test_presenter_keys_step_and_leave(chromium, url):
    page, _frame, errors = _open(chromium, url, (1280, 720), "?view=overview&present=1")
    page.keyboard.press("PageDown")
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"2 / {N_VIEWS}", what="PageDown")
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 40)  # focus inside the map: keys still step
    page.keyboard.press("ArrowRight")
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"3 / {N_VIEWS}", what="→ in the map")
    page.keyboard.press("PageUp")
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"2 / {N_VIEWS}", what="PageUp")
    page.keyboard.press(" ")
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"3 / {N_VIEWS}", what="space")
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="渝黔合作先行示范区").wait_for(timeout=30_000)  # back to browsing
    wait_for(page, lambda: "present" not in page.url, what="the link to leave presentation mode too")
    assert errors == []
    page.close()


def test_a_link_with_unknown_layers_shows_the_defaults_and_a_lasting_notice(chromium, url, layerset):
    page, frame, errors = _open(chromium, url, (1440, 900), "?layers=nope")
    wait_for(
        page,
        lambda: (
            frame.evaluate("document.querySelector('.yq-legend').dataset.layers").split(",")
            == list(layerset.catalog.default_visible())
        ),
        what="the default layers",
    )
    notice = page.locator('[data-testid="stAlertContentWarning"]')
    notice.wait_for(timeout=30_000)
    assert "nope" in notice.inner_text()
    page.wait_for_timeout(6000)  # a toast would be gone by now
    assert notice.is_visible()
    page.get_by_role("button", name="知道了").click()
    notice.wait_for(state="detached", timeout=30_000)
    assert errors == []
    page.close()


def test_unreachable_tiles_are_said_on_the_map(chromium, url):
    page, frame, _errors = _open(chromium, url, (1440, 900), "?basemap=osm")
    # this machine has no internet; the route makes sure of it wherever the test runs
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    note = wait_for(
        page, lambda: frame.evaluate("(document.querySelector('.yq-tile-error')||{}).textContent"), what="a note"
    )
    assert "底图瓦片无法加载" in note
    assert page.get_by_role("combobox", name="底图").input_value() == "OpenStreetMap"  # the selector shows it
    page.close()


@pytest.mark.parametrize(("size", "closed"), [((640, 420), True), ((1920, 1080), False)])
def test_the_legend_starts_closed_when_open_it_would_cover_a_fifth_of_the_map(chromium, tmp_path, size, closed):
    from tests.browser import offline_page
    from tests.helpers import geo_cli

    out = tmp_path / "map.html"
    assert geo_cli("export", str(out)).returncode == 0
    page, _ = offline_page(chromium, out, size)
    page.wait_for_function("() => document.querySelector('.yq-legend .yq-legend-list li')")
    page.wait_for_timeout(300)
    legend = page.locator(".yq-legend")
    assert ("yq-legend-closed" in (legend.get_attribute("class") or "")) is closed
    area = size[0] * size[1]
    if closed:  # the reader opens it: it stays open, large as it is
        page.locator(".yq-legend-toggle").click()
        box = legend.bounding_box()
        assert box["width"] * box["height"] > 0.2 * area
        page.evaluate("yq.emit('legend')")
        page.wait_for_timeout(200)
        assert "yq-legend-closed" not in (legend.get_attribute("class") or "")
    else:
        box = legend.bounding_box()
        assert box["width"] * box["height"] <= 0.2 * area
    page.close()
