"""The same upload in several sessions is read once and drawn once; a different one is not confused with it."""

from __future__ import annotations

import gc
import json
import os

import pytest

from geo.app.workspace import Workspace
from geo.data.layers import LayerError
from geo.uploads.held import held_count, read_held

ENV = dict(os.environ)


def _parcels(label: str) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"{label} {i}"},
            "geometry": {"type": "Point", "coordinates": [106.5 + i / 100, 29.5]},
        }
        for i in range(20)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_two_sessions_uploading_the_same_file_share_one_layer_and_one_drawing(layerset):
    data = _parcels("地块")
    first, second = {}, {}
    for session in (first, second):
        held = read_held("parcels.geojson", data, {"colour": "#e7298a"}, env=ENV)
        session["user_layers"] = {held.spec.id: held}
    a, b = first["user_layers"]["user_parcels"], second["user_layers"]["user_parcels"]
    assert a is b and a.frame is b.frame  # held once

    payloads = []
    for session in (first, second):
        work = Workspace(session)
        ls = work.with_own(layerset)
        payloads.append(work.own_payloads(ls)["user_parcels"])
    assert payloads[0] is payloads[1]  # drawn once, for both sessions
    assert "地块 19" in payloads[0].data_js  # the drawing is of this layer


def test_a_different_file_or_different_options_is_another_layer():
    data = _parcels("地块")
    base = read_held("parcels.geojson", data, {"colour": "#e7298a"}, env=ENV)
    assert read_held("parcels.geojson", _parcels("宗地"), {"colour": "#e7298a"}, env=ENV) is not base
    recoloured = read_held("parcels.geojson", data, {"colour": "#0072b2"}, env=ENV)
    assert recoloured is not base and recoloured.spec.style.color != base.spec.style.color
    assert read_held("other.geojson", data, {"colour": "#e7298a"}, env=ENV).spec.id != base.spec.id


def test_a_layer_no_session_keeps_is_let_go():
    gc.collect()
    before = held_count()
    held = read_held("gone.geojson", _parcels("临时"), {}, env=ENV)
    assert held_count() == before + 1
    del held
    gc.collect()
    assert held_count() == before


def test_a_bad_file_is_refused_by_name_and_nothing_is_held():
    gc.collect()
    before = held_count()
    with pytest.raises(LayerError, match=r"broken\.geojson"):
        read_held("broken.geojson", b'{"type": "FeatureCollection", "features": [', {}, env=ENV)
    assert held_count() == before
