"""Preset views as data, and links (query parameters) that restore the whole state."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from geo.data.basemaps import load_basemaps
from geo.data.catalog import load_catalog
from geo.data.views import ViewsError, load_views
from geo.links import find_feature, from_query, to_query
from geo.paths import VIEWS_PATH
from geo.spatial.camera import Camera
from geo.state import MapState

CATALOG = load_catalog()
VIEWS = load_views(CATALOG)
BASEMAPS = load_basemaps()


def test_the_required_views_exist():
    ids = [v.id for v in VIEWS]
    assert ids == ["overview", "poles", "core", "belt", "axis", "pieces", "rail", "parks", "changes", "compare"]
    for view in VIEWS:
        assert view.title.zh and view.title.en and view.caption.zh and view.caption.en
        assert "http" in view.source
        (south, west), (north, east) = view.extent
        assert 24 < south < north < 32 and 103 < west < east < 112


def test_every_highlight_names_a_drawn_feature(layerset):
    for view in VIEWS:
        if view.highlight:
            layer_id, feature_id = view.highlight
            frame = layerset.frame(layer_id)
            rows = frame[frame["id"].astype(str) == feature_id]
            assert len(rows) == 1 and rows.geometry.iloc[0] is not None, view.id


def test_views_file_reports_every_problem(tmp_path: Path):
    text = VIEWS_PATH.read_text(encoding="utf-8")
    text = text.replace(
        'layers = ["rail", "stations", "border", "provinces", "counties"]',
        'layers = ["rail", "metro"]\nbasemap = "google"',
    )
    text = text.replace("extent = [[27.15, 105.8], [29.5, 107.6]]", "extent = [[29.5, 105.8], [27.15, 107.6]]")
    text = text.replace('highlight = "poles/liangjiang"', 'highlight = "rail/yugui"')
    bad = tmp_path / "views.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ViewsError) as info:
        load_views(CATALOG, bad)
    problems = "\n".join(info.value.problems)
    assert "id='rail'" in problems and "unknown layer id(s) ['metro']" in problems
    assert "unknown basemap 'google'" in problems
    assert "id='core'" in problems and "extent" in problems
    assert "id='poles'" in problems and "highlight" in problems


def test_a_link_restores_view_layers_language_selection_and_centre(layerset):
    params = {
        "view": "core",
        "layers": "rail,counties",
        "lang": "en",
        "sel": "500116",
        "lat": "28.5",
        "lon": "106.6",
        "z": "9",
        "present": "1",
        "basemap": "offline",
    }
    state, notices = from_query(params, layerset, VIEWS, BASEMAPS)
    assert notices == []
    # the selected feature's layer is switched on: a selection is never on a hidden layer
    assert state.view_id == "core" and state.visible == ("scope_yanxian", "rail", "counties") and state.lang == "en"
    assert state.selection == ("scope_yanxian", "500116")
    assert state.camera == Camera(centre=(28.5, 106.6), zoom=9) and state.present


def test_malformed_parameters_are_dropped_with_a_notice(layerset):
    params = {
        "view": "nowhere",
        "layers": "rail,metro",
        "lang": "fr",
        "sel": "999999",
        "lat": "north",
        "lon": "106",
        "z": "99",
        "basemap": "google",
        "utm_source": "mail",
        "present": "maybe",
    }
    state, notices = from_query(params, layerset, VIEWS, BASEMAPS)
    assert state.view_id is None and state.visible == ("rail",) and state.lang == "zh" and state.selection is None
    assert state.camera is None and state.basemap == "offline" and not state.present
    text = "\n".join(n.en for n in notices)
    for word in ("nowhere", "metro", "fr", "999999", "north", "99", "google", "utm_source", "maybe"):
        assert word in text


def test_query_round_trip(layerset):
    before = MapState(
        visible=("belt", "parks", "border"),
        lang="en",
        selection=("parks", "lj_guoyuan"),
        basemap="gaode",
        camera=Camera(centre=(28.75, 107.45), zoom=7),
        camera_seq=3,
        view_id="belt",
        present=True,
    )
    after, notices = from_query(to_query(before), layerset, VIEWS, BASEMAPS)
    assert notices == []
    # everything the user sees comes back; only the count of app-made moves is the link's own
    assert after == dataclasses.replace(before, camera_seq=after.camera_seq)


def test_a_link_with_no_known_layer_shows_the_default_layers(layerset):
    state, notices = from_query({"layers": "nope"}, layerset, VIEWS, BASEMAPS)
    assert state.visible == layerset.catalog.default_visible()
    assert any("nope" in n.en for n in notices) and any("default" in n.en for n in notices)
    assert any("默认图层" in n.zh for n in notices)


def test_find_feature_prefers_the_zone_units(layerset):
    assert find_feature(layerset, "520303") == ("scope_yanxian", "520303")
    assert find_feature(layerset, "counties/520303") == ("counties", "520303")
    assert find_feature(layerset, "rail/nope") is None


def test_a_view_can_compare_two_years_and_opening_it_compares(layerset):
    from geo import state as ms

    view = next(v for v in VIEWS if v.id == "compare")
    assert view.compare == "planned"
    opened = ms.open_view(ms.initial(layerset), layerset, view)
    assert opened.compare == "planned"
    # the next view compares nothing: presenting steps out of the comparison
    assert ms.open_view(opened, layerset, VIEWS[0]).compare is None


def test_a_view_that_compares_its_own_year_is_refused(tmp_path, catalog):
    bad = tmp_path / "views.toml"
    text = VIEWS_PATH.read_text(encoding="utf-8")
    bad.write_text(text.replace('compare = "planned"', 'compare = "now"'), encoding="utf-8")
    with pytest.raises(ViewsError) as info:
        load_views(catalog, bad)
    assert "'compare' is the year the view shows" in str(info.value)
