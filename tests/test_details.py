"""Search, details, click resolution and summary figures."""

from __future__ import annotations

import shapely

from geo.app.details import feature_details, split_sources
from geo.app.downloads import features_geojson, features_table
from geo.app.picking import reported_camera, reported_feature
from geo.app.search import search
from geo.app.summary import summary
from geo.spatial.camera import Camera, camera_for


def _names(hits):
    return [h.name_zh for h in hits]


def test_search_zunyi_offers_its_districts(layerset):
    names = _names(search(layerset, "遵义"))
    for district in ("红花岗区", "汇川区", "播州区"):
        assert district in names
    assert names[0] == "遵义"  # the exact name first


def test_search_puts_a_district_before_a_station_of_the_same_name(layerset):
    hits = search(layerset, "綦江")
    assert (hits[0].layer_id, hits[0].name_zh) == ("scope_yanxian", "綦江区（含万盛经开区）")
    assert "綦江" in [h.name_zh for h in hits if h.layer_id == "stations"]
    assert search(layerset, "Qijiang")[0].layer_id == "scope_yanxian"


def test_search_by_english_and_partial_name(layerset):
    assert "遵义" in _names(search(layerset, "zunyi"))
    assert "綦江区（含万盛经开区）" in _names(search(layerset, "綦江"))
    hits = search(layerset, "Qijiang")
    assert {h.layer_id for h in hits} >= {"scope_yanxian", "stations"}
    assert search(layerset, "no such place") == []
    assert search(layerset, "   ") == []


def test_search_finds_parks_corridors_and_context_counties(layerset):
    assert ("parks", "lj_guoyuan") in [h.key for h in search(layerset, "果园港")]
    assert ("rail", "yugui") in [h.key for h in search(layerset, "渝贵铁路")]
    # a county that is a zone unit resolves to its scope layer, not the context layer
    keys = [h.key for h in search(layerset, "汇川")]
    assert ("scope_yanxian", "520303") in keys and ("counties", "520303") not in keys
    assert ("counties", "520102") in [h.key for h in search(layerset, "南明")]


def test_details_of_a_core_county(layerset):
    d = feature_details(layerset, "scope_yanxian", "520303", "zh")
    assert d.name == "汇川区" and d.other_name == "Huichuan District"
    rows = dict(d.rows)
    assert rows["角色"] == "沿线（推断）"
    assert rows["纳入依据"] == "方案公开文本点名"
    assert rows["可信度"] == "高" and "天地图" in rows["几何说明"]
    assert 1400 < float(rows["面积 (km²，等积投影)"].replace(",", "")) < 1600
    relations = dict(d.relations)
    assert "渝贵铁路" in relations["穿过的交通走廊"]
    assert "一核：核心区" in relations["所属布局要素"]
    assert len(d.sources) == 2 and all(url.startswith(("https://", "http://")) for _, url in d.sources)


def test_details_list_parks_inside_a_host_district(layerset):
    d = feature_details(layerset, "pole_hosts", "500105", "en")
    assert "Guoyuan Port" in dict(d.relations)["Parks in it"]


def test_details_of_an_unlocated_park_say_so(layerset):
    d = feature_details(layerset, "parks", "ga_ic", "en")
    assert not d.located
    assert any("not known" in value for _, value in d.rows)


def test_details_of_a_line_list_the_units_it_crosses(layerset):
    d = feature_details(layerset, "rail", "yugui", "zh")
    crossed = dict(d.relations)["成员单位"]
    assert "桐梓县" in crossed and "綦江区（含万盛经开区）" in crossed


def test_a_reported_click_selects_the_feature_the_browser_names(layerset):
    report = {"last_active_drawing": {"type": "Feature", "properties": {"layer": "scope_yanbian", "id": "520330"}}}
    assert reported_feature(layerset, report) == ("scope_yanbian", "520330")
    # the feature's own GeoJSON (what streamlit-folium sends for a click it saw itself) works too
    own = {"last_active_drawing": {"properties": {"_layer": "stations", "id": "qijiangdong", "_tip_zh": "…"}}}
    assert reported_feature(layerset, own) == ("stations", "qijiangdong")
    for bad in (
        {},
        {"last_active_drawing": None},
        {"last_active_drawing": {"properties": {"layer": "nope", "id": "1"}}},
    ):
        assert reported_feature(layerset, bad) is None


def test_a_reported_map_position_becomes_a_wgs84_camera():
    report = {"center": {"lat": 28.9, "lng": 106.8}, "zoom": 9}
    assert reported_camera(report, "wgs84") == Camera(centre=(28.9, 106.8), zoom=9)
    (lat, lon), _ = reported_camera(report, "gcj02").centre_zoom()
    assert 0.002 < lat - 28.9 < 0.01 and 0.002 < 106.8 - lon < 0.01  # moved back north-west from GCJ-02
    assert reported_camera({"center": {"lat": "x"}, "zoom": 9}, "wgs84") is None
    assert reported_camera({"center": None, "zoom": None}, "wgs84") is None


def test_summary_figures(layerset):
    s = summary(layerset)
    assert (s.confirmed_units, s.plan_units, s.inferred_units) == (17, 25, 6)
    assert 740 < s.border_km < 800
    assert s.rail_open_km > s.rail_planned_km > 0
    assert 25_000 < s.confirmed_area_km2 < 40_000


def test_table_and_geojson_of_visible_layers(layerset):
    table = features_table(layerset, ("rail", "parks"), "en")
    assert len(table) == 6 + 14
    assert set(table["Layer"]) == {"Railways", "Parks, ports, bonded zones"}
    assert "Geometry note" in table.columns and "geometry_note_zh" not in table.columns
    assert not table.map(lambda v: v in ("None", "nan")).any().any()
    text = features_geojson(layerset, ("rail",))
    assert text.count('"layer":"rail"') == 6


def test_camera_for_a_polygon_centres_inside_it(layerset):
    geom = layerset.frame("scope_yanxian").set_index("id").loc["500110"].geometry
    (lat, lon), zoom = camera_for(geom).centre_zoom()
    assert geom.contains(shapely.Point(lon, lat)) and 8 <= zoom <= 10


def test_split_sources_keeps_only_web_links():
    assert split_sources("A https://a.cn/x; B http://b.cn") == [("A", "https://a.cn/x"), ("B", "http://b.cn")]
    assert split_sources("just text") == [("just text", "")]


def test_no_details_panel_repeats_a_field(layerset):
    """Every feature of every layer, in both languages: each field once (一核 showed its area twice)."""
    repeated = []
    for layer_id in layerset.available:
        frame = layerset.frames[layer_id]
        for feature_id in frame["id"].astype(str):
            for lang in ("zh", "en"):
                details = feature_details(layerset, layer_id, feature_id, lang)
                labels = [label for label, _ in details.rows]
                if len(labels) != len(set(labels)):
                    repeated.append((layer_id, feature_id, lang))
    assert repeated == []
    core = feature_details(layerset, "core", "core", "zh")
    assert [label for label, _ in core.rows].count("面积 (km²，等积投影)") == 1
