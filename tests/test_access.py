"""Tier 4d: readers who use a keyboard or a screen reader, audited with axe-core in Chromium.

axe-core (shipped by the axe-playwright-python package) is injected into the page and into
every frame of it, and run over all of them; no violation of serious or critical impact may
remain, in either language, in presentation mode, with a feature selected, or in an export.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from geo import state as ms
from geo.data.catalog import load_catalog as _load_catalog
from geo.data.views import load_views
from geo.web.export import export_html
from tests.browser import map_frame, painted, wait_for

N_VIEWS = len(load_views(_load_catalog()))  # presentation steps: one per preset view

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
AXE = Axe().axe_script


def _audit(page, tries: int = 3) -> list[str]:
    """Violations of serious or critical impact, over the page and all its frames. A state frame
    replaced by a rerun during the audit (its document is gone) means auditing again."""
    try:
        for frame in page.frames:
            frame.evaluate(AXE)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations'], iframes: true})")
    except PlaywrightError as exc:
        if tries <= 1 or "context was destroyed" not in str(exc):
            raise
        page.wait_for_timeout(1000)
        return _audit(page, tries - 1)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _open(chromium, url, query="", size=(1440, 900)):
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{url}/{query}")
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 50, what="features painted")
    wait_for(page, lambda: frame.evaluate("!yq.moving && yq.cameraSeq !== undefined"), what="the map settled")
    page.wait_for_timeout(800)
    return page, frame


@pytest.mark.parametrize(
    "query", ["", "?lang=en", "?view=core&present=1", "?view=belt&present=1&lang=en", "?sel=scope_yanxian/500110"]
)
def test_the_dashboard_has_no_serious_accessibility_violation(chromium, url, query):
    page, _ = _open(chromium, url, query)
    assert _audit(page) == []
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_export_has_no_serious_accessibility_violation(chromium, layerset, tmp_path, lang):
    views = load_views(layerset.catalog)
    state = ms.select(ms.set_lang(ms.initial(layerset), lang), layerset, ("scope_yanxian", "500110"), zoom_to=True)
    html = export_html(layerset, state, caption=ms.caption(state, views), when=dt.date(2026, 11, 27))
    assert "user-scalable=no" not in html  # readers may zoom the page
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    wait_for(page, lambda: page.evaluate("!!window.yq && yq.cameraSeq !== undefined"), what="the export applied")
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.evaluate("document.querySelector('.folium-map').getAttribute('role')") == "main"
    assert _audit(page) == []
    page.close()


def _focused_in_map(frame) -> str:
    return frame.evaluate("document.activeElement ? document.activeElement.className : ''")


def test_a_keyboard_alone_selects_qijiang_and_reads_its_details(chromium, url):
    page, frame = _open(chromium, url)
    for _ in range(120):  # Tab through the page until the map's features list has the focus
        page.keyboard.press("Tab")
        if "yq-features" in str(_focused_in_map(frame)) and page.evaluate("document.activeElement.tagName") == "IFRAME":
            break
    else:
        raise AssertionError("Tab never reached the map's features")
    active = (
        "(() => { const b = document.querySelector('.yq-features');"
        " const o = document.getElementById(b.getAttribute('aria-activedescendant'));"
        " return o ? o.textContent : ''; })()"
    )
    for _ in range(300):
        if frame.evaluate(active).startswith("綦江区"):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError("綦江区 not among the features")
    assert frame.evaluate("!!document.querySelector('path[stroke=\"#1a5fb4\"]')")  # outlined on the map
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="綦江区（含万盛经开区）", exact=True).wait_for(timeout=30_000)
    said = wait_for(
        page, lambda: frame.evaluate("document.querySelector('.yq-announce').textContent"), what="announced"
    )
    assert said.startswith("綦江区") and "沿线区县" in said  # name and layer, read aloud
    page.keyboard.press("Escape")
    assert "leaflet-container" in _focused_in_map(frame)  # back to the map, focus not trapped
    page.close()


def test_presenter_keys_still_step_while_the_features_list_has_focus(chromium, url):
    page, frame = _open(chromium, url, "?view=overview&present=1", size=(1280, 720))
    frame.evaluate("document.querySelector('.yq-features').focus()")
    page.keyboard.press("ArrowDown")  # moves in the list …
    page.keyboard.press("PageDown")  # … and the clicker's key still steps
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"2 / {N_VIEWS}", what="the next view")
    page.close()


def test_reduced_motion_jumps_instead_of_flying(chromium, url):
    page = chromium.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page.goto(f"{url}/?view=overview&present=1")
    frame = map_frame(page)
    wait_for(page, lambda: frame.evaluate("yq.cameraSeq !== undefined && !yq.moving"), what="the map settled")
    frame.evaluate(
        "() => { window.__flights = 0; const fly = map.flyToBounds.bind(map);"
        " map.flyToBounds = (...a) => { window.__flights += 1; return fly(...a); }; }"
    )
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"1 / {N_VIEWS}", what="the first view")
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.get_by_role("button", name="下一步 ▶").click()
    wait_for(page, lambda: page.locator(".yq-step").inner_text().strip() == f"2 / {N_VIEWS}", what="the next view")
    wait_for(page, lambda: frame.evaluate("yq.cameraSeq") >= 2, what="the view applied")
    assert frame.evaluate("window.__flights") == 0
    page.close()


def test_the_layout_holds_at_200_percent_zoom(chromium, url):
    """A 1440×900 screen at 200 % browser zoom is a 720×450 CSS-pixel viewport."""
    page, frame = _open(chromium, url, size=(720, 450))
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box["width"] >= 480 and box["height"] >= 300  # the map is still a usable size
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")  # no sideways scrolling
    assert frame.evaluate("document.querySelector('meta[name=viewport]').content").find("user-scalable=no") < 0
    page.close()


def test_the_map_is_three_key_presses_from_a_fresh_page_and_one_from_the_sidebar(chromium, url):
    page, frame = _open(chromium, url)
    page.keyboard.press("Tab")
    first = page.evaluate("[document.activeElement.textContent, document.activeElement.getBoundingClientRect().width]")
    assert first[0] == "跳到地图" and first[1] > 0  # the first stop, visible while it has the focus
    page.keyboard.press("Enter")
    wait_for(page, lambda: "yq-features" in _focused_in_map(frame), what="the features list", timeout=10)
    # from any sidebar control: Alt+M, or Shift+Tab from the first control to "回到地图"
    page.get_by_role("radio", name="English").focus()
    page.keyboard.press("Alt+KeyM")
    wait_for(page, lambda: "yq-features" in _focused_in_map(frame), what="Alt+M to the map", timeout=10)
    page.get_by_role("radio", name="中文").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "回到地图"
    page.keyboard.press("Enter")
    wait_for(page, lambda: "yq-features" in _focused_in_map(frame), what="back to the map", timeout=10)
    page.close()


# Words that may stay in Latin letters on the Chinese page: the other language's own name, and
# names of formats and products.
PROPER = {"English", "HTML", "PDF", "PNG", "GIS", "CAD", "OpenStreetMap", "CARTO", "GeoQ", "SQLite"}


def test_the_chinese_page_names_its_controls_in_chinese(chromium, url):
    page, _ = _open(chromium, url)
    page.wait_for_timeout(500)  # the page's own names are set as Streamlit draws its widgets
    names = page.evaluate(
        "Array.from(document.querySelectorAll('[aria-label]')).map(e => e.getAttribute('aria-label'))"
    )
    english = [n for n in names if set(re.findall(r"[A-Za-z]{3,}", n)) - PROPER]
    assert names and english == [], english
    helps = [n for n in names if n.endswith("的说明")]
    assert any(n.startswith("极点：两江新区、贵安新区") for n in helps)  # "Help for …", in Chinese
    page.close()
