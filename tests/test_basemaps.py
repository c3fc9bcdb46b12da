"""The basemap catalog: ids, CRS, https, keys that never leak."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from geo.data.basemaps import MissingKey, basemap_by_id, load_basemaps
from geo.web.export import export_html
from geo.web.mapview import MapState

ROOT = Path(__file__).resolve().parent.parent
BASEMAPS = load_basemaps()


def test_the_required_basemaps_exist_with_their_crs():
    crs = {b.id: b.crs for b in BASEMAPS}
    assert crs == {
        "offline": "wgs84",
        "osm": "wgs84",
        "carto": "wgs84",
        "gaode": "gcj02",
        "gaode-satellite": "gcj02",
        "geoq": "gcj02",
        "tianditu": "wgs84",
        "tianditu-satellite": "wgs84",
    }
    assert basemap_by_id(BASEMAPS, "offline").is_offline


@pytest.mark.parametrize("basemap", [b for b in BASEMAPS if not b.is_offline], ids=lambda b: b.id)
def test_online_basemaps_are_https_with_attribution(basemap):
    layers = basemap.tile_layers("zh", "KEY" if basemap.needs_key else None)
    assert all(t["url"].startswith("https://") for t in layers)
    assert basemap.attribution and basemap.name.zh and basemap.name.en


def test_tianditu_annotation_follows_the_language():
    tdt = basemap_by_id(BASEMAPS, "tianditu")
    assert "cva_w" in tdt.tile_layers("zh", "K")[1]["url"] and "eva_w" in tdt.tile_layers("en", "K")[1]["url"]
    img = basemap_by_id(BASEMAPS, "tianditu-satellite")
    assert "cia_w" in img.tile_layers("zh", "K")[1]["url"] and "eia_w" in img.tile_layers("en", "K")[1]["url"]


def test_a_keyed_basemap_refuses_to_build_without_a_key():
    with pytest.raises(MissingKey, match="TIANDITU_TOKEN"):
        basemap_by_id(BASEMAPS, "tianditu").tile_layers("zh", None)


def test_no_key_in_an_export_not_asked_to_contain_it(layerset):
    tdt = basemap_by_id(BASEMAPS, "tianditu")
    html = export_html(layerset, MapState(visible=("rail",)), basemap=tdt, key=None)
    assert "tianditu.gov.cn" not in html and "tk=" not in html
    with_key = export_html(layerset, MapState(visible=("rail",)), basemap=tdt, key="SECRET123")
    assert with_key.count("tk=SECRET123") == 2  # vector and annotation


def test_gcj_basemap_export_draws_shifted_overlays(layerset):
    gaode = basemap_by_id(BASEMAPS, "gaode")
    wgs = export_html(layerset, MapState(visible=("border",)))
    gcj = export_html(layerset, MapState(visible=("border",)), basemap=gaode)
    assert "坐标系：GCJ-02" in gcj and "坐标系：WGS-84" in wgs
    assert "webrd0{s}.is.autonavi.com" in gcj and "autonavi" not in wgs


def test_no_key_is_committed():
    tracked = subprocess.run(
        # tests use a made-up key; everything else that ships must hold none
        ["git", "grep", "-nE", r"tk=[0-9a-f]{16,}|TIANDITU_TOKEN\s*=\s*['\"][0-9a-f]", "--", ".", ":!tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert tracked.stdout == ""
