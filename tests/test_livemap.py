"""The dashboard's live map: one unchanging map element and the small state beside it."""

from __future__ import annotations

import base64
import json

from streamlit_folium import _get_feature_group_string, _get_map_string

from geo.livemap import data_bundle_uri, live_groups, live_payloads, sync_html, sync_state
from geo.mapview import Legend, MapState, base_map


def _strings(layerset, payloads, uri) -> str:
    m = base_map()
    m.render()
    groups = live_groups(layerset, payloads, uri)
    return _get_map_string(m) + "".join(_get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups))


def test_live_groups_hold_every_layer_and_both_languages(layerset):
    payloads = live_payloads(layerset)
    groups = live_groups(layerset, payloads, data_bundle_uri(payloads))
    layer_ids = [g.layer_id for g in groups[:-1]]
    assert sorted(layer_ids) == sorted(layerset.catalog.layer_ids)
    assert layer_ids[:2] == ["provinces", "counties"]  # polygons of the context first, drawn below
    legend = next(c for c in groups[-1]._children.values() if isinstance(c, Legend))
    assert set(json.loads(legend.configs_js)) == {"zh", "en"}
    data = json.loads(payloads["rail"].data_js.replace("<\\/", "</"))
    props = data["features"][0]["properties"]
    assert "渝贵铁路" in props["_tip_zh"] and "Chongqing–Guiyang Railway" in props["_tip_en"]


def test_the_map_element_is_the_same_bytes_every_time(layerset):
    """What lets Streamlit send it by reference and streamlit-folium never rebuild it."""
    payloads = live_payloads(layerset)
    uri = data_bundle_uri(payloads)
    first = _strings(layerset, payloads, uri)
    assert _strings(layerset, live_payloads(layerset), data_bundle_uri(live_payloads(layerset))) == first
    assert "yq.data[" in first and '"type":"FeatureCollection"' not in first  # data is in the script link


def test_the_data_bundle_is_a_script_that_fills_yq_data(layerset):
    uri = data_bundle_uri(live_payloads(layerset))
    assert uri.startswith("data:text/javascript;base64,")
    script = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert script.startswith("yq.data=yq.data||{};")
    assert script.count("yq.data[") == len(layerset.catalog.layer_ids)
    assert "</script" not in script.lower()


def test_sync_state_carries_language_layers_selection_and_view(layerset):
    state = MapState(visible=("rail", "scope_yanxian"), lang="en", selection=("scope_yanxian", "500110"))
    synced = sync_state(layerset, state, view={"center": [28.9, 106.8], "zoom": 9}, view_seq=3)
    assert synced["lang"] == "en"
    assert synced["visible"] == ["scope_yanxian", "rail"]  # catalog order
    assert synced["selection"]["key"] == "scope_yanxian/500110"
    assert synced["selection"]["data"]["geometry"]["e"] == 1
    assert synced["view"] == {"center": [28.9, 106.8], "zoom": 9, "seq": 3}
    html = sync_html(synced, seq=7)
    assert html.startswith("<script>") and html.count("</script>") == 1 and '"seq": 7' in html


def test_sync_html_cannot_be_broken_out_of(layerset):
    html = sync_html({"lang": "zh", "visible": ["</script><script>alert(1)</script>"]}, seq=1)
    assert html.count("</script>") == 1
