"""Sketches (geo/uploads/sketches.py): what the browser reports becomes a WGS-84 sketch within the
limits, an area that crosses itself is repaired and said so, text edits and deletion, the layers
they make, and a round trip through the store with each sketch's colour."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, Polygon

from geo.app import saving
from geo.i18n import Text
from geo.spatial.gcj import wgs_to_gcj_latlon
from geo.store.database import database_url
from geo.store.store import Store
from geo.uploads import sketches as sk

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[106.5, 29.5], [106.6, 29.5], [106.6, 29.6], [106.5, 29.6], [106.5, 29.5]]],
}


def _add(sketches=(), kind="polygon", geometry=SQUARE, crs="wgs84", **extra):
    report = {"op": "add", "kind": kind, "title": "拟建园区", "note": "讨论中", "colour": "#009e73", **extra}
    return sk.read_report(report, geometry, crs, sketches)


def test_an_added_sketch_keeps_its_text_colour_and_geometry():
    sketches, note = _add()
    (sketch,) = sketches
    assert note is None and (sketch.id, sketch.kind, sketch.title, sketch.note) == (
        "k1",
        "polygon",
        "拟建园区",
        "讨论中",
    )
    assert sketch.colour == "#009e73" and sketch.geometry.equals(Polygon(SQUARE["coordinates"][0]))
    more, _ = _add(sketches, kind="point", geometry={"type": "Point", "coordinates": [107.0, 28.0]}, colour="#bad")
    assert more[1].id == "k2" and more[1].colour == sk.DEFAULT_COLOUR  # not in the palette: the default


def test_a_point_drawn_on_gaode_tiles_is_stored_in_wgs84():
    lat, lon = 29.55, 106.55  # where the reader means, in WGS-84; Gaode tiles draw it at its GCJ-02 place
    glat, glon = wgs_to_gcj_latlon(lat, lon)
    (sketch,), _ = _add(kind="point", geometry={"type": "Point", "coordinates": [glon, glat]}, crs="gcj02")
    from pyproj import Geod

    _, _, metres = Geod(ellps="WGS84").inv(lon, lat, sketch.geometry.x, sketch.geometry.y)
    assert metres < 0.1 and abs(glon - lon) > 0.002  # the shift is hundreds of metres; the inverse undoes it


def test_an_area_that_crosses_itself_is_repaired_and_said_so():
    bowtie = {"type": "Polygon", "coordinates": [[[106, 29], [107, 30], [107, 29], [106, 30], [106, 29]]]}
    (sketch,), note = _add(geometry=bowtie)
    assert sketch.geometry.is_valid and sketch.geometry.area > 0
    assert "repaired" in note.en and "修复" in note.zh


@pytest.mark.parametrize(
    ("geometry", "says"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0]] * 3]}, "no area"),
        ({"type": "LineString", "coordinates": [[106 + i * 1e-4, 29] for i in range(sk.MAX_VERTICES + 1)]}, "at most"),
        ({"type": "Point", "coordinates": [300, 29]}, "not valid"),
        ({"type": "Nope"}, "cannot be read"),
    ],
)
def test_bad_sketches_are_refused_with_a_reason(geometry, says):
    kind = {"Polygon": "polygon", "LineString": "line"}.get(geometry["type"], "point")
    with pytest.raises(sk.SketchError) as refused:
        _add(kind=kind, geometry=geometry)
    assert says in refused.value.text.en


def test_a_map_holds_a_few_hundred_sketches_at_most():
    many = tuple(
        sk.Sketch(f"k{i}", "point", f"#{i}", "", sk.DEFAULT_COLOUR, Point(106, 29)) for i in range(sk.MAX_SKETCHES)
    )
    with pytest.raises(sk.SketchError) as refused:
        _add(many, kind="point", geometry={"type": "Point", "coordinates": [106, 29]})
    assert str(sk.MAX_SKETCHES) in refused.value.text.en


def test_moving_vertices_editing_text_and_deleting():
    sketches, _ = _add()
    moved = {"type": "Polygon", "coordinates": [[[106.5, 29.5], [106.7, 29.5], [106.7, 29.7], [106.5, 29.5]]]}
    sketches, _ = sk.read_report({"op": "move", "id": "k1"}, moved, "wgs84", sketches)
    assert sketches[0].geometry.bounds == (106.5, 29.5, 106.7, 29.7)
    sketches = sk.edited(sketches, "k1", "  新标题 ", "<img src=x onerror=alert(1)>", "#0072b2")
    assert (sketches[0].title, sketches[0].note, sketches[0].colour) == (
        "新标题",
        "<img src=x onerror=alert(1)>",
        "#0072b2",
    )
    assert sk.removed(sketches, "k1") == ()
    with pytest.raises(sk.SketchError):
        sk.read_report({"op": "move", "id": "k9"}, moved, "wgs84", sketches)


def test_sketches_make_a_layer_per_kind_styled_by_their_colour():
    sketches, _ = _add()
    sketches, _ = _add(sketches, kind="point", geometry={"type": "Point", "coordinates": [107, 28]}, colour="#cc79a7")
    layers = {spec.id: (spec, frame) for spec, frame in sk.sketch_layers(sketches)}
    assert set(layers) == {"sketch_areas", "sketch_points"}
    spec, frame = layers["sketch_points"]
    assert spec.style_for(frame.iloc[0].to_dict()).color == "#cc79a7" and spec.searchable
    assert frame.iloc[0]["name"] == "拟建园区"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sketches_are_saved_with_the_map_and_come_back(tmp_path, layerset, backend, request):
    from geo import state as ms

    if backend == "sqlite":
        store = Store(database_url({"YQ_DATA_DIR": str(tmp_path)}))
    else:
        from tests.postgres import postgres_server

        server = postgres_server()
        url = server.__enter__()
        request.addfinalizer(lambda: server.__exit__(None, None, None))
        store = Store(database_url({"YQ_DATABASE_URL": url}))
    sketches, _ = _add()
    sketches, _ = _add(sketches, kind="line", geometry={"type": "LineString", "coordinates": [[106, 29], [107, 30]]})
    record = saving.record_of(ms.initial(layerset), {}, title=Text("带标注", ""), sketches=sketches)
    saved, _ = store.create(record)
    back = saving.sketches_of(store.open(saved.id))
    assert {(s.id, s.kind, s.title, s.colour) for s in back} == {(s.id, s.kind, s.title, s.colour) for s in sketches}
    assert all(a.geometry.equals(b.geometry) for a, b in zip(sorted(back, key=lambda s: s.id), sketches, strict=True))
    assert saving.layers_of(store.open(saved.id)) == {}  # sketches are not uploads


def test_a_sketch_is_found_by_its_title(layerset):
    from geo.app.search import search
    from geo.uploads.layer import with_layer

    sketches, _ = _add(kind="point", geometry={"type": "Point", "coordinates": [106.5, 29.5]}, title="拟建站点甲")
    for spec, frame in sk.sketch_layers(sketches):
        layerset = with_layer(layerset, spec, frame)
    hits = search(layerset, "拟建站点")
    assert [(h.layer_id, h.feature_id) for h in hits][:1] == [("sketch_points", "k1")]
