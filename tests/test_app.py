"""Tier 4a: the dashboard under Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def _map_args(at: AppTest) -> dict:
    """The arguments the dashboard sent to the streamlit-folium component."""

    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield child
                yield from walk(child)

    for element in walk(at._tree):
        if getattr(element, "type", None) == "component_instance":
            return json.loads(element.proto.json_args)
    raise AssertionError("no map component on the page")


def _registered_layers(args: dict) -> list[str]:
    return re.findall(r'yq\.register\(L\.featureGroup\([^)]*\),\s*"([^"]+)"', args["feature_group"])


def _legend_entries(args: dict) -> list[str]:
    match = re.search(r"yq\.legend\(map_div, (\{.*?\})\);", args["feature_group"], re.S)
    assert match, "no legend in the overlays"
    return list(json.loads(match.group(1).replace("<\\/", "</"))["entries"])


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_runs_and_shows_the_default_layers(app):
    assert app.title[0].value == "渝黔合作先行示范区"
    args = _map_args(app)
    assert set(_registered_layers(args)) == {
        "poles",
        "scope_yanxian",
        "scope_yanbian",
        "axis",
        "rail",
        "parks",
        "provinces",
        "counties",
        "border",
    }
    assert sorted(_legend_entries(args)) == sorted(_registered_layers(args))
    # only local assets: Leaflet and our controls as data URIs
    assert all(link.startswith("data:") for link in args["js_links"] + args["css_links"])
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["已确认单位 / 方案总数"] == "17 / 25"


def test_switching_language_changes_labels(app):
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Chongqing–Guizhou Cooperation Pilot Demonstration Zone"
    labels = [c.label for c in app.checkbox]
    assert "Railways" in labels and "铁路" not in labels
    assert "Railway (open)" in _map_args(app)["feature_group"]


def test_turning_a_layer_off_removes_it_from_map_and_legend(app):
    app.checkbox(key="show_rail").uncheck().run()
    args = _map_args(app)
    assert "rail" not in _registered_layers(args)
    assert "rail" not in _legend_entries(args)
    app.checkbox(key="show_rail").check().run()
    assert "rail" in _registered_layers(_map_args(app))


def test_toggling_does_not_change_the_base_map(app):
    """A changed base script would make streamlit-folium remount the map (and lose the view)."""
    before = _map_args(app)["script"]
    app.checkbox(key="show_core").check().run()
    app.radio(key="lang").set_value("en").run()
    assert _map_args(app)["script"] == before


def test_search_zunyi_and_select_a_district_fills_details(app):
    app.text_input(key="q").input("遵义").run()
    options = app.selectbox(key="search_pick").options
    for district in ("红花岗区", "汇川区", "播州区"):
        assert any(o.startswith(district) for o in options), district
    pick = next(o for o in options if o.startswith("汇川区"))
    app.selectbox(key="search_pick").select(pick).run()
    assert not app.exception
    assert any(m.value == "### 汇川区" for m in app.markdown)
    args = _map_args(app)
    assert "_selection" in _registered_layers(args)
    assert args["center"] is not None and args["zoom"] >= 8
    texts = " ".join(m.value for m in app.markdown)
    assert "一核：核心区" in texts and "渝贵铁路" in texts


def test_a_map_click_selects_the_feature_under_it(app):
    app.session_state["map"] = {
        "last_object_clicked": {"lat": 29.0263, "lng": 106.6587},
        "last_object_clicked_tooltip": "綦江东 线路: 渝贵铁路",
    }
    app.checkbox(key="show_stations").check().run()
    assert any(m.value == "### 綦江东" for m in app.markdown)


def test_table_download_offers_the_visible_layers(app):
    frames = [d.value for d in app.dataframe]
    table = frames[-1]
    assert {"渝贵铁路", "果园港"} <= set(table["name_zh"])
