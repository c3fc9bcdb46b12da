"""Tier 4a: the dashboard under Streamlit's AppTest (no browser)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

from geo.data.catalog import load_catalog
from geo.data.views import load_views
from tests.helpers import elements, registered_layers, with_orientation

N_VIEWS = len(load_views(load_catalog()))  # presentation steps: one per preset view

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
ROOT = Path(APP).parent


def _map_args(at: AppTest) -> dict:
    """The arguments the dashboard sent to the streamlit-folium component."""
    components = elements(at, "component_instance")
    assert components, "no map component on the page"
    return json.loads(components[0].proto.json_args)


def _sync_state(at: AppTest) -> dict:
    """The state the dashboard handed to the map frame (visible layers, selection, camera)."""
    for element in elements(at, "iframe"):
        match = re.search(r'<script type="application/json" id="yq-state">(.*?)</script>', element.proto.srcdoc, re.S)
        if match:
            return json.loads(match.group(1))
    raise AssertionError("no map state on the page")


def _html(at: AppTest) -> str:
    """Everything the page shows through st.html."""
    return " ".join(e.proto.body for e in elements(at, "html"))


def _notices(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def _registered_layers(args: dict) -> list[str]:
    return registered_layers(args["feature_group"])


def _script_of(link: str) -> str:
    """The text a script link loads: a data URI's, or a file the app serves from static/."""
    if link.startswith("data:"):
        head, body = link.split(",", 1)
        return base64.b64decode(body).decode("utf-8") if head.endswith(";base64") else unquote(body)
    assert link.startswith("/app/static/yq/"), link
    return (ROOT / "static" / "yq" / link.rsplit("/", 1)[1]).read_text(encoding="utf-8")


def _legend_entries(args: dict, lang: str = "zh") -> list[str]:
    """The legend's layers: inline in the overlays, or in the data script when shared."""
    match = re.search(r'yq\.legend\(map_div, (\{.*?\}|yq\.legendData), "zh"\);', args["feature_group"], re.S)
    assert match, "no legend in the overlays"
    text = match.group(1)
    if text == "yq.legendData":
        script = next(s for s in map(_script_of, args["js_links"]) if s.startswith("yq.load("))
        return list(json.loads(script[len("yq.load(") : -2])["legends"][lang]["entries"])
    return list(json.loads(text)[lang]["entries"])


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_runs_and_shows_the_default_layers(app):
    assert app.title[0].value == "渝黔合作先行示范区"
    args = _map_args(app)
    # the map carries every layer once; which are shown is the small state beside it
    assert sorted(_registered_layers(args)) == sorted(load_catalog().layer_ids)
    assert sorted(_legend_entries(args)) == sorted(load_catalog().layer_ids)
    assert _sync_state(app)["visible"] == list(load_catalog().default_visible())
    # only local assets: Leaflet, our controls and the data, as files this app serves (or data URIs)
    assert all(_script_of(link) for link in args["js_links"] + args["css_links"])
    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", _html(app)))
    assert figures["已确认单位 / 方案总数"] == "17 / 25"


def test_switching_language_changes_labels(app):
    app.radio(key="lang_choice").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Chongqing–Guizhou Cooperation Pilot Demonstration Zone"
    labels = [c.label for c in app.checkbox]
    assert "Railways" in labels and "铁路" not in labels
    assert _sync_state(app)["lang"] == "en"  # the map switches its tooltips and legend in place


def test_turning_a_layer_off_removes_it_from_the_shown_layers(app):
    app.checkbox(key="show_rail").uncheck().run()
    assert "rail" not in _sync_state(app)["visible"]
    app.checkbox(key="show_rail").check().run()
    assert "rail" in _sync_state(app)["visible"]


def test_toggling_sends_the_same_map_element(app):
    """Identical bytes: Streamlit sends a reference, and streamlit-folium neither remounts nor re-evaluates."""
    before = _map_args(app)
    app.checkbox(key="show_core").check().run()
    app.checkbox(key="show_rail").uncheck().run()
    assert _map_args(app) == before
    assert _sync_state(app)["visible"] != list(load_catalog().default_visible())


def test_switching_language_sends_the_same_map_element(app):
    """A changed base script would make streamlit-folium remount the map (and lose the view)."""
    before = _map_args(app)
    app.radio(key="lang_choice").set_value("en").run()
    assert _map_args(app) == before


def test_search_zunyi_and_select_a_district_fills_details(app):
    app.text_input(key="q").input("遵义").run()
    options = app.selectbox(key="search_pick_zh").options
    for district in ("红花岗区", "汇川区", "播州区"):
        assert any(o.startswith(district) for o in options), district
    pick = next(o for o in options if o.startswith("汇川区"))
    app.selectbox(key="search_pick_zh").select(pick).run()
    assert not app.exception
    assert any(m.value == "### 汇川区" for m in app.markdown)
    state = _sync_state(app)
    assert state["selection"]["key"] == "scope_yanxian/520303"
    assert state["camera"]["bounds"] and state["cameraSeq"] == 1  # fitted in the browser, around the legend
    details = _html(app)  # the details table: relations and the plan's wording, whole
    assert "一核：核心区" in details and "渝贵铁路" in details and '<th scope="row">方案原文</th>' in details


def test_a_map_click_selects_the_feature_the_browser_reports(app):
    """The browser sends the clicked feature's layer and id; a layer off at load works the same."""
    app.checkbox(key="show_stations").check().run()
    app.session_state["map"] = {
        "last_object_clicked": {"lat": 29.0263, "lng": 106.6587},
        "last_active_drawing": {"type": "Feature", "properties": {"layer": "stations", "id": "qijiangdong"}},
    }
    app.run()
    assert any(m.value == "### 綦江东" for m in app.markdown)
    assert app.query_params["sel"] == "stations/qijiangdong"


def test_panning_by_hand_goes_into_the_link(app):
    app.session_state["map"] = {"center": {"lat": 28.5, "lng": 106.9}, "zoom": 9}
    app.run()
    assert (app.query_params["lat"], app.query_params["lon"], app.query_params["z"]) == ("28.5000", "106.9000", "9")


def test_a_closed_panel_draws_nothing_and_keeps_what_was_typed_in_it(app):
    """Save and share is drawn as it opens (a first visit draws, and every rerun resends, none of
    its form while it is closed); what the reader typed in it is still there when it opens again."""
    assert "save_title_zh" not in [t.key for t in app.text_input]
    app.session_state["save_open"] = True  # the reader opens the panel: the expander's state
    app.run()
    app.text_input(key="save_title_zh").input("两江走廊").run()
    app.session_state["save_open"] = False
    app.run()
    assert "save_title_zh" not in [t.key for t in app.text_input]
    app.session_state["save_open"] = True
    app.run()
    assert app.text_input(key="save_title_zh").value == "两江走廊"


def test_table_download_offers_the_visible_layers(app):
    app.toggle(key="show_table").set_value(True).run()
    frames = [d.value for d in app.dataframe]
    table = frames[-1]
    assert {"渝贵铁路", "果园港"} <= set(table["名称"])
    assert "name_zh" not in table.columns and "None" not in table.to_csv()  # labelled, empty cells empty


# --- preset views, presentation mode and links -------------------------------------------


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("view", [v.id for v in load_views(load_catalog())])
def test_every_view_opens_from_a_link(view):
    spec = next(v for v in load_views(load_catalog()) if v.id == view)
    at = _open(view=view)
    state = _sync_state(at)
    assert state["visible"] == [i for i in load_catalog().layer_ids if i in with_orientation(spec.layers)]
    assert state["camera"]["bounds"] == [list(spec.extent[0]), list(spec.extent[1])]
    assert (state["selection"] or {}).get("key") == ("/".join(spec.highlight) if spec.highlight else None)
    assert at.query_params["view"] == view


def test_a_link_restores_layers_language_and_selection_over_the_view():
    at = _open(view="core", layers="rail,border", lang="en", sel="520303")
    state = _sync_state(at)
    # the selected feature's layer is shown too: a selection is never on a hidden layer
    assert state["visible"] == ["scope_yanxian", "rail", "border"] and state["lang"] == "en"
    assert state["selection"]["key"] == "scope_yanxian/520303"
    assert at.title[0].value == "Chongqing–Guizhou Cooperation Pilot Demonstration Zone"
    assert any(m.value == "### Huichuan District" for m in at.markdown)
    assert at.query_params["sel"] == "scope_yanxian/520303"


def test_a_link_restores_the_year_and_a_bad_year_gives_a_notice():
    at = _open(view="changes", year="2019")
    assert _sync_state(at)["year"]["key"] == "2019"
    assert _sync_state(at)["selection"] is None  # the view's 2026 district did not exist in 2019
    assert "方案项目已建成（截至 2019 年）" in _html(at)
    assert at.selectbox(key="year_pick_zh").value == 2019
    assert at.query_params["year"] == "2019"
    at.selectbox(key="year_pick_zh").select("planned").run()
    assert _sync_state(at)["year"]["key"] == "planned" and at.query_params["year"] == "planned"

    bad = _open(year="abc")
    assert "abc" in _notices(bad) and _sync_state(bad)["year"]["key"] == "now"
    assert "year" not in bad.query_params  # the default year: this year, not written into the link


def test_malformed_parameters_give_a_notice_not_an_exception():
    at = _open(view="nowhere", layers="metro", lang="fr", lat="x", z="-3", sel="<script>", present="maybe")
    notices = _notices(at)
    for word in ("nowhere", "metro", "fr", "-3", "\\<script\\>", "maybe"):
        assert word in notices
    at.checkbox(key="show_rail").check().run()
    assert "nowhere" in _notices(at)  # notices stay until the reader dismisses them
    at.button(key="notices_dismiss").click().run()
    assert not at.warning
    # layers=metro asked for no known layer: the default layers, not a blank map
    assert _sync_state(at)["visible"] == [i for i in load_catalog().layer_ids if i in load_catalog().default_visible()]
    assert at.title[0].value == "渝黔合作先行示范区"


def test_presentation_mode_steps_through_the_views():
    at = _open(view="overview", present="1")
    assert {"◀ 上一步", "下一步 ▶", "退出演示"} <= {b.label for b in at.button}
    assert not at.text_input  # one band: steps, position, title, layers, names, exit
    assert f"1 / {N_VIEWS}" in _html(at)
    views = [v.id for v in load_views(load_catalog())]
    seen = []
    for _ in views:
        at.button(key="step_next").click().run()
        assert not at.exception
        seen.append(at.query_params["view"])
    assert seen == views[1:] + views[:1]
    at.button(key="step_prev").click().run()
    assert at.query_params["view"] == views[-1]
    last_title = load_views(load_catalog())[-1].title.get("zh")
    assert last_title in _html(at) and _sync_state(at)["caption"]["text"]  # the caption is on the map
    # the presenter can still toggle a layer during a step
    rail_on = "rail" in _sync_state(at)["visible"]
    at.button(key="flip_rail").click().run()
    assert ("rail" in _sync_state(at)["visible"]) != rail_on
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params and at.text_input  # back to browsing


def test_basemap_from_a_link_and_no_key_in_the_page(monkeypatch):
    monkeypatch.delenv("TIANDITU_TOKEN", raising=False)
    at = _open(basemap="tianditu")
    assert "TIANDITU\\_TOKEN" in _notices(at)  # refused with a notice: no key configured
    assert _sync_state(at)["basemap"] is None and _sync_state(at)["crs"] == "wgs84"
    page = str(at._tree)
    assert "tianditu.gov.cn" not in page and "tk=" not in page

    at = _open(basemap="gaode")
    state = _sync_state(at)
    assert state["crs"] == "gcj02" and state["basemap"]["layers"][0]["url"].startswith("https://webrd0")
    assert at.query_params["basemap"] == "gaode"


def test_a_configured_key_reaches_only_the_map(monkeypatch):
    monkeypatch.setenv("TIANDITU_TOKEN", "0123456789abcdef")
    at = _open(basemap="tianditu", lang="en")
    urls = [t["url"] for t in _sync_state(at)["basemap"]["layers"]]
    assert all("tk=0123456789abcdef" in u for u in urls) and "eva_w" in urls[1]
    assert "0123456789abcdef" not in str(dict(at.query_params))  # never in the link


# --- your own layers -------------------------------------------------------------------------


def _upload(at: AppTest, name: str, content: bytes, **options) -> AppTest:
    at.toggle(key="show_upload").set_value(True).run()
    for key, value in options.items():
        if key == "upload_gcj":
            at.checkbox(key=key).set_value(value)
        else:
            at.selectbox(key=key).set_value(value)
    at.file_uploader(key="upload_file").upload(name, content).run()
    at.button(key="upload_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_uploaded_layer_joins_map_legend_search_and_details(app):
    from tests.helpers import XSS_IMG

    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "我的站点", "note": XSS_IMG},
                    "geometry": {"type": "Point", "coordinates": [106.66, 29.03]},
                }
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    _upload(app, "mine.geojson", data)
    assert "user_mine" in _sync_state(app)["visible"]
    args = _map_args(app)
    assert "user_mine" in _registered_layers(args) and "user_mine" in _legend_entries(args)
    assert XSS_IMG not in args["feature_group"] and "&lt;img src=x" in args["feature_group"]
    app.text_input(key="q").input("我的站点").run()
    pick = next(o for o in app.selectbox(key="search_pick_zh").options if o.startswith("我的站点"))
    app.selectbox(key="search_pick_zh").select(pick).run()
    assert any(m.value == "### 我的站点" for m in app.markdown)


def test_a_bad_upload_is_refused_and_nothing_is_lost(app):
    _upload(app, "broken.geojson", b'{"type": "FeatureCollection", "features": [')
    assert any("broken.geojson: 不是有效的 JSON" in e.value for e in app.error)  # said in the page's language
    assert _sync_state(app)["visible"] == list(load_catalog().default_visible())  # the map as it was
    app.radio(key="lang_choice").set_value("en").run()
    assert any("broken.geojson: not valid JSON" in e.value for e in app.error)


def test_uploads_belong_to_one_session(app):
    data = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},'
        b'"geometry":{"type":"Point","coordinates":[106.6,29.0]}}]}'
    )
    _upload(app, "private.geojson", data)
    other = AppTest.from_file(APP, default_timeout=60)
    other.run()
    assert "user_private" not in _registered_layers(_map_args(other))


def test_language_round_trip_keeps_every_selector_working(app):
    """Selectboxes whose labels change with the language once fed a label back as the value."""
    app.radio(key="lang_choice").set_value("en").run()
    app.radio(key="lang_choice").set_value("zh").run()
    app.selectbox(key="basemap_choice_zh").select("gaode").run()
    assert not app.exception
    assert _sync_state(app)["crs"] == "gcj02"
    app.radio(key="lang_choice").set_value("en").run()
    app.selectbox(key="view_pick_en").select("belt").run()
    assert not app.exception and _sync_state(app)["camera"]["bounds"]


def test_export_is_prepared_then_offered_for_this_state(app):
    app.button(key="prepare_html").click().run()
    button = app.get("download_button")
    assert [b.proto.label for b in button] == ["下载离线 HTML 地图"]
    app.checkbox(key="show_stations").check().run()  # the state changed: prepare again
    assert not [b for b in app.get("download_button") if b.proto.label == "下载离线 HTML 地图"]
    assert app.button(key="prepare_html")


def test_the_compare_picker_says_no_comparison_in_the_pages_language_and_compares_when_asked():
    at = _open()
    box = at.selectbox(key="compare_pick_zh")
    assert box.value == "off" and box.options[0] == "不对比"  # not Streamlit's "Choose an option"
    box.select("planned").run()
    assert at.query_params["compare"] == "planned"
    assert _sync_state(at)["compare"]["key"] == "planned"
    at.selectbox(key="compare_pick_zh").select("off").run()
    assert "compare" not in at.query_params and _sync_state(at)["compare"] is None
