"""Tier 2: the folium map object and fragments of its rendered HTML."""

from __future__ import annotations

import json
import re

import folium
import pytest
import shapely
from shapely.geometry import shape

from geo.data import geojson
from geo.state import MapState
from geo.uploads.layer import load_user_file, with_layer
from geo.web.elements import CatalogGroup, Legend
from geo.web.mapview import build_map
from geo.web.payloads import legend_config
from tests.helpers import EXTERNAL_ASSET, XSS_IMG, XSS_SCRIPT, hostile_geojson, normalise


def _groups(m: folium.Map) -> list[str]:
    return [c.layer_id for c in m._children.values() if isinstance(c, CatalogGroup)]


def _legend_layers(m: folium.Map) -> list[str]:
    legend = next(c for c in m._children.values() if isinstance(c, Legend))
    (config,) = json.loads(legend.configs_js).values()
    return list(config["entries"])


def test_map_has_exactly_the_visible_layers_and_legend_entries(layerset):
    state = MapState(visible=("rail", "scope_yanxian", "parks"), lang="zh")
    m = build_map(layerset, state)
    assert sorted(_groups(m)) == ["parks", "rail", "scope_yanxian"]
    assert sorted(_legend_layers(m)) == ["parks", "rail", "scope_yanxian"]
    m2 = build_map(layerset, MapState(visible=("scope_yanxian", "parks"), lang="zh"))
    assert "rail" not in _groups(m2) and "rail" not in _legend_layers(m2)


def test_polygons_are_drawn_below_lines_and_points(layerset):
    m = build_map(layerset, MapState(visible=("parks", "rail", "counties", "scope_yanbian"), lang="zh"))
    assert _groups(m) == ["counties", "scope_yanbian", "rail", "parks"]


def test_rendered_map_loads_nothing_from_other_hosts(layerset):
    html = build_map(layerset, MapState(visible=layerset.catalog.layer_ids)).get_root().render()
    assert not EXTERNAL_ASSET.search(html)
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html and "cdnjs" not in html
    assert 'src="data:text/javascript;charset=utf-8,' in html  # Leaflet itself, from the installed package


def test_legend_and_tooltips_follow_the_language(layerset):
    zh = build_map(layerset, MapState(visible=("rail",), lang="zh")).get_root().render()
    en = build_map(layerset, MapState(visible=("rail",), lang="en")).get_root().render()
    assert "铁路（规划，示意）" in zh and "Railway (planned, schematic)" in en
    # inside the embedded JSON every "</" is written "<\/" so no value can close the script
    assert "<b>渝贵铁路<\\/b>" in zh and "<b>Chongqing–Guiyang Railway<\\/b>" in en
    assert "状态: 已通车" in zh and "Status: open" in en


def test_legend_marks_low_confidence_only_where_present(layerset):
    config = legend_config(layerset, ("scope_yanbian", "scope_yanxian"), "zh")
    assert config["lowConfidence"] == {"scope_yanbian": True, "scope_yanxian": False}
    assert "低可信度" in config["lowHtml"]
    assert "示意图，不作为权属争议依据" in config["footerHtml"]


def test_hostile_property_values_are_escaped_everywhere(layerset, tmp_path):
    spec, frame = load_user_file(hostile_geojson(tmp_path / "hostile.geojson"))
    layers = with_layer(layerset, spec, frame)
    html = build_map(layers, MapState(visible=(spec.id,), lang="en")).get_root().render()
    assert XSS_IMG not in html
    assert "<img src=x" not in html
    assert XSS_SCRIPT not in html and "<script>window.__xss" not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    # the only </script> tags are the ones closing real script blocks
    assert html.count("</script>") == html.count("<script")


def test_base_map_is_identical_between_builds(layerset):
    """The dashboard relies on it: streamlit-folium remounts when the base map's script changes."""
    from streamlit_folium import _get_map_string

    from geo.web.mapview import base_map

    zone = layerset.catalog.extent
    assert _get_map_string(base_map(zone)) == _get_map_string(base_map(zone))


@pytest.mark.parametrize("layer_id", ["counties", "rail", "border", "pieces"])
def test_browser_encoding_round_trips_the_stored_geometry(layerset, layer_id):
    for geom in layerset.frame(layer_id).geometry:
        decoded = shape(geojson.decode_geometry(geojson.encode_geometry(geom)))
        assert shapely.equals_exact(shapely.normalize(decoded), shapely.normalize(geom), tolerance=1e-9)


def test_browser_encoding_is_smaller(layerset):
    geoms = list(layerset.frame("counties").geometry)
    plain = sum(len(json.dumps(geojson.geometry_json(g), separators=(",", ":"))) for g in geoms)
    encoded = sum(len(json.dumps(geojson.encode_geometry(g), separators=(",", ":"))) for g in geoms)
    assert encoded < 0.6 * plain


def test_unlocated_parks_are_not_drawn(layerset):
    html = normalise(build_map(layerset, MapState(visible=("parks",), lang="zh")).get_root().render())
    assert "果园港" in html
    assert "贵安集成电路产业园" not in html  # listed in the table and details, no point on the map
    assert len(re.findall(r'"_lab":', html)) == 8  # one name anchor per drawn park


def test_swatch_css_targets_each_toggle_by_its_title(layerset):
    import dataclasses

    from geo.app.pagestyle import swatch_css
    from geo.i18n import Text

    css = swatch_css(layerset.catalog, "en")
    for spec in layerset.catalog.layers:
        assert f'input[aria-label="{spec.title.en}"]' in css
    assert css.count("data:image/svg+xml;base64,") == sum(max(len(s.categories), 1) for s in layerset.catalog.layers)
    odd = dataclasses.replace(layerset.catalog.layers[0], title=Text('a"b', 'a"b'))
    hostile = dataclasses.replace(layerset.catalog, layers=(odd,))
    assert 'aria-label="a\\"b"' in swatch_css(hostile, "zh")  # a quote cannot end the selector
