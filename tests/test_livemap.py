"""The dashboard's live map: one unchanging map element and the small state beside it."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from streamlit_folium import _get_feature_group_string, _get_map_string

from geo.spatial.camera import Camera
from geo.state import MapState
from geo.web.elements import Legend
from geo.web.livemap import data_bundle_uri, live_groups, live_legends, sync_html
from geo.web.mapview import base_map
from geo.web.payloads import browser_state


def _strings(layerset, uri) -> str:
    m = base_map(layerset.catalog.extent)
    m.render()
    groups = live_groups(layerset, uri)
    return _get_map_string(m) + "".join(_get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups))


def _script(uri: str) -> str:
    """The script a text data: URI carries, decoded as a browser does."""
    return unquote(uri.split(",", 1)[1])


def _bundle(uri: str) -> dict:
    script = _script(uri)
    match = re.fullmatch(r"yq\.load\((.*)\);", script, re.S)
    assert match, script[:80]
    return json.loads(match.group(1))


def test_live_groups_hold_every_layer_and_the_bundle_both_languages(layerset):
    uri = data_bundle_uri(layerset, live_legends(layerset))
    groups = live_groups(layerset, uri)
    layer_ids = [g.layer_id for g in groups[:-1]]
    assert sorted(layer_ids) == sorted(layerset.catalog.layer_ids)
    # the relief image at the bottom, then the polygons of the context, drawn below the plan's
    assert layer_ids[:3] == ["relief", "provinces", "counties"]
    legend = next(c for c in groups[-1]._children.values() if isinstance(c, Legend))
    assert legend.configs_js == "yq.legendData"  # the shared legends travel in the bundle
    bundle = _bundle(uri)
    assert set(bundle["legends"]) == {"zh", "en"}
    props = bundle["data"]["rail"]["features"][0]["properties"]
    assert "渝贵铁路" in props["_tip_zh"] and "Chongqing–Guiyang Railway" in props["_tip_en"]


def test_the_map_element_is_the_same_bytes_every_time(layerset):
    """What lets Streamlit send it by reference and streamlit-folium never rebuild it."""
    uri = data_bundle_uri(layerset)
    first = _strings(layerset, uri)
    assert _strings(layerset, data_bundle_uri(layerset)) == first
    assert "yq.data[" in first and '"type":"FeatureCollection"' not in first  # data is in the script link


def test_the_data_bundle_hands_every_layer_to_yq_load(layerset):
    uri = data_bundle_uri(layerset)
    assert uri.startswith("data:text/javascript;charset=utf-8,")
    assert set(_bundle(uri)["data"]) == set(layerset.catalog.layer_ids)
    body = uri.split(",", 1)[1]
    # safe in a double-quoted attribute and as a URL: no quote, entity, fragment or line break left raw
    assert not set(body) & set('"&#<>\n\r\t') and "%" not in re.sub(r"%[0-9A-F]{2}", "", body)


def test_browser_state_carries_language_layers_selection_and_camera(layerset):
    state = MapState(
        visible=("rail", "scope_yanxian"),
        lang="en",
        selection=("scope_yanxian", "500110"),
        camera=Camera(centre=(28.9, 106.8), zoom=9),
        camera_seq=3,
    )
    shown = browser_state(layerset, state)
    assert shown["lang"] == "en"
    assert shown["visible"] == ["scope_yanxian", "rail"]  # catalog order
    assert shown["selection"]["key"] == "scope_yanxian/500110"
    assert shown["selection"]["data"]["geometry"]["p"] == 1  # an encoded polyline
    assert shown["camera"] == {"center": [28.9, 106.8], "zoom": 9} and shown["cameraSeq"] == 3
    html = sync_html(shown, seq=7)
    block = re.search(r'<script type="application/json" id="yq-state">(.*?)</script>', html, re.S)
    assert json.loads(block.group(1))["seq"] == 7
    # data only: the frame's one script is the static bridge, the same whatever the state
    assert html.split("</script>", 1)[1] == sync_html({"lang": "zh"}, seq=1).split("</script>", 1)[1]


def test_sync_html_cannot_be_broken_out_of(layerset):
    html = sync_html({"lang": "zh", "visible": ["</script><script>alert(1)</script>", "<!--"]}, seq=1)
    assert html.count("</script>") == 2  # the JSON block's and the bridge's own
    block = re.search(r'id="yq-state">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["visible"] == ["</script><script>alert(1)</script>", "<!--"]
