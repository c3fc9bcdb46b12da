"""The map state and its transitions, without Streamlit."""

from __future__ import annotations

import pytest

from geo import state as ms
from geo.data.basemaps import basemap_by_id, load_basemaps
from geo.data.views import load_views
from geo.spatial.camera import Camera, fit_zoom
from tests.helpers import with_orientation

BASEMAPS = load_basemaps()


@pytest.fixture(scope="module")
def views(catalog):
    return load_views(catalog)


def test_a_fresh_state_shows_the_catalog_defaults(layerset):
    s = ms.initial(layerset)
    assert s.visible == layerset.catalog.default_visible()
    assert (s.lang, s.selection, s.basemap, s.camera, s.view_id, s.present) == (
        "zh",
        None,
        "offline",
        None,
        None,
        False,
    )


def test_toggle_keeps_catalog_order_and_clears_a_hidden_selection(layerset):
    s = ms.set_visible(ms.initial(layerset), layerset, ("border", "rail"))
    assert s.visible == ("rail", "border")
    s = ms.toggle(s, layerset, "scope_yanxian", True)
    assert s.visible == ("scope_yanxian", "rail", "border")
    s = ms.select(s, layerset, ("rail", "yugui"), zoom_to=False)
    assert ms.toggle(s, layerset, "border", False).selection == ("rail", "yugui")
    assert ms.toggle(s, layerset, "rail", False).selection is None  # never a selection on a hidden layer
    assert ms.set_visible(s, layerset, ("nope", "rail")).visible == ("rail",)


def test_select_shows_its_layer_and_moves_only_when_asked(layerset):
    s = ms.set_visible(ms.initial(layerset), layerset, ())
    still = ms.select(s, layerset, ("scope_yanxian", "500110"), zoom_to=False)
    assert still.visible == ("scope_yanxian",) and still.camera is None and still.camera_seq == 0
    moved = ms.select(s, layerset, ("scope_yanxian", "500110"), zoom_to=True)
    (lat, lon), zoom = moved.camera.centre_zoom()
    assert 28.4 < lat < 29.2 and 106.3 < lon < 107.0 and 8 <= zoom <= 10 and moved.camera_seq == 1
    assert ms.select(s, layerset, ("scope_yanxian", "no-such-id"), zoom_to=True) == s
    assert ms.go_to(s, layerset, None) == s


def test_open_view_and_step_through_views_wrapping_round(layerset, views):
    s = ms.open_view(ms.initial(layerset), layerset, views[2])
    assert s.view_id == views[2].id and set(s.visible) == with_orientation(views[2].layers)
    assert s.selection == views[2].highlight and s.camera == Camera(bounds=views[2].extent) and s.camera_seq == 1
    seen = []
    for _ in views:
        s = ms.step(s, layerset, views, +1)
        seen.append(s.view_id)
    assert seen == [v.id for v in views[3:] + views[:3]]
    assert ms.step(ms.initial(layerset), layerset, views, -1).view_id == views[0].id  # from no view: the first
    assert ms.open_view_id(s, layerset, views, "nowhere") == s


def test_a_keyed_basemap_without_a_key_is_refused(layerset):
    s = ms.initial(layerset)
    tianditu = basemap_by_id(BASEMAPS, "tianditu")
    assert ms.set_basemap(s, tianditu, key=None) == (s, False)
    used, ok = ms.set_basemap(s, tianditu, key="abc")
    assert ok and used.basemap == "tianditu"


def test_rivers_relief_and_cities_follow_the_basemap_until_the_reader_switches_them(layerset):
    gaode, offline = basemap_by_id(BASEMAPS, "gaode"), basemap_by_id(BASEMAPS, "offline")
    orientation = {"rivers", "relief", "cities"}
    fresh = ms.initial(layerset)
    assert orientation <= set(fresh.visible)  # the offline map shows where things are
    tiles, _ = ms.set_basemap(fresh, gaode, key=None, layerset=layerset)
    assert not orientation & set(tiles.visible) and "rail" in tiles.visible  # tiles draw their own
    back, _ = ms.set_basemap(tiles, offline, key=None, layerset=layerset)
    assert set(back.visible) == set(fresh.visible)
    # a reader who switched rivers on over the tiles keeps them; relief still follows
    chosen = ms.toggle(tiles, layerset, "rivers", True)
    again, _ = ms.set_basemap(chosen, basemap_by_id(BASEMAPS, "geoq"), key=None, layerset=layerset)
    assert "rivers" in again.visible and "relief" not in again.visible
    # without the layer set (a link that lists its layers) nothing follows
    kept, _ = ms.set_basemap(fresh, gaode, key=None)
    assert kept.visible == fresh.visible


def test_a_view_keeps_the_readers_orientation_layers(layerset, views):
    no_rivers = ms.toggle(ms.initial(layerset), layerset, "rivers", False)
    opened = ms.open_view(no_rivers, layerset, views[0])
    assert "rivers" not in opened.visible and "relief" in opened.visible
    assert set(opened.visible) - {"relief", "cities"} == set(views[0].layers)


def test_caption_and_forgetting_a_layer(layerset, views):
    s = ms.select(ms.open_view(ms.initial(layerset), layerset, views[0]), layerset, ("rail", "yugui"), zoom_to=False)
    assert ms.caption(s, views).startswith(views[0].title.zh + " — ")
    assert ms.caption(ms.set_lang(s, "en"), views).startswith(views[0].title.en)
    gone = ms.forget_layer(s, "rail")
    assert "rail" not in gone.visible and gone.selection is None


def test_the_zoom_rule_fits_smaller_extents_closer():
    assert fit_zoom(4.0) < fit_zoom(1.0) < fit_zoom(0.2)
    assert 4 <= fit_zoom(100) and fit_zoom(1e-9) <= 12
    with pytest.raises(ValueError):
        Camera(centre=(29.0, 106.0))  # no zoom, no bounds
