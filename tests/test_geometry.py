"""Tier 1: geometry invariants of the bundled layers, and measurement units."""

from __future__ import annotations

import itertools

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.spatial.measure import area_km2, distance_km, length_km, to_equal_area

SQ_KM_TOLERANCE = 0.01  # km²: unions are exact on the storage grid


def _by_id(frame):
    return {row["id"]: row.geometry for _, row in frame.iterrows()}


def test_every_polygon_is_valid(layerset):
    for layer_id, frame in layerset.frames.items():
        for _, row in frame[frame.geometry.notna()].iterrows():
            assert row.geometry.is_valid, f"{layer_id}/{row['id']}: {shapely.is_valid_reason(row.geometry)}"


@pytest.mark.parametrize("layer_id", ["core", "belt", "pieces"])
def test_layout_polygon_equals_union_of_member_counties(layerset, layer_id):
    counties = _by_id(layerset.frame("counties"))
    for _, row in layerset.frame(layer_id).iterrows():
        members = row["member_ids"].split(";")
        union = shapely.union_all([counties[m] for m in members])
        diff = shapely.symmetric_difference(row.geometry, union)
        assert area_km2(diff) < SQ_KM_TOLERANCE, f"{row['id']}: slivers of {area_km2(diff):.3f} km²"
        # no holes: a union of contiguous counties has no interior rings
        parts = getattr(row.geometry, "geoms", [row.geometry])
        assert all(len(p.interiors) == 0 for p in parts), f"{row['id']} has holes"


@pytest.mark.parametrize("year", [2019, 2026, "planned"])
def test_scope_units_do_not_overlap(layerset, year):
    """In any one year (the 2026 district replaces the districts it absorbed)."""
    from geo.data.timeline import in_year

    then = in_year(layerset, year)
    units = []
    for layer_id in ("scope_yanxian", "scope_yanbian", "pole_hosts"):
        units += [(f"{layer_id}/{r['id']}", r.geometry) for _, r in then.frame(layer_id).iterrows()]
    ids = [u for u, _ in units]
    assert len(ids) == len(set(ids))
    for (a, ga), (b, gb) in itertools.combinations(units, 2):
        overlap = area_km2(shapely.intersection(ga, gb))
        assert overlap < SQ_KM_TOLERANCE, f"{a} overlaps {b} by {overlap:.3f} km²"


def test_scope_units_are_their_counties(layerset):
    counties = _by_id(layerset.frame("counties"))
    for layer_id in ("scope_yanxian", "scope_yanbian"):
        for _, row in layerset.frame(layer_id).iterrows():
            assert shapely.equals(row.geometry, counties[row["adcode"]]), row["id"]


def test_stations_lie_on_their_lines(layerset):
    rail = _by_id(layerset.frame("rail"))
    stations = layerset.frame("stations")
    checked = 0
    for _, st in stations.iterrows():
        for line_id in filter(None, st["line_ids"].split(";")):
            lon_lat_dist = rail[line_id].distance(st.geometry)
            assert lon_lat_dist * 111_000 < 300, f"{st['id']} is {lon_lat_dist * 111_000:.0f} m from {line_id}"
            checked += 1
    assert checked >= 40  # 13 + 10 + 13 + 7 station-line pairs


def test_every_station_is_on_some_line(layerset):
    orphans = [r["id"] for _, r in layerset.frame("stations").iterrows() if not r["line_ids"]]
    assert orphans == []


def test_every_located_park_lies_inside_its_host_district(layerset):
    counties = _by_id(layerset.frame("counties"))
    parks = layerset.frame("parks")
    located = parks[parks.geometry.notna()]
    assert len(located) >= 8
    for _, park in located.iterrows():
        assert counties[park["host_id"]].contains(park.geometry), f"{park['id']} not in {park['host_id']}"


def test_unlocated_parks_are_listed_not_drawn(layerset):
    parks = layerset.frame("parks")
    unlocated = parks[parks.geometry.isna()]
    assert set(unlocated["id"]) == {
        "lj_digital",
        "lj_internet",
        "ga_equipment",
        "ga_electronics",
        "ga_digital",
        "ga_ic",
    }
    assert unlocated["geometry_note_en"].str.contains("not known").all()
    assert unlocated["geometry_note_zh"].str.contains("未知").all()


def test_pole_points_lie_inside_a_host_district(layerset):
    counties = _by_id(layerset.frame("counties"))
    for _, pole in layerset.frame("poles").iterrows():
        hosts = pole["host_ids"].split(";")
        assert any(counties[h].contains(pole.geometry) for h in hosts), pole["id"]


def test_each_province_outline_equals_union_of_its_counties(layerset):
    provinces = _by_id(layerset.frame("provinces"))
    counties = layerset.frame("counties")
    for code in ("500000", "520000"):
        union = shapely.union_all(counties[counties["adcode"].str.startswith(code[:2])].geometry.values)
        diff = shapely.symmetric_difference(provinces[code], union)
        assert area_km2(diff) < SQ_KM_TOLERANCE, code


def test_border_is_the_shared_edge_and_about_770_km(layerset):
    provinces = _by_id(layerset.frame("provinces"))
    border = layerset.frame("border").geometry.iloc[0]
    # every vertex of the border lies on both provinces' outlines
    for point in shapely.points(shapely.get_coordinates(border)):
        assert provinces["500000"].boundary.distance(point) < 1e-6
        assert provinces["520000"].boundary.distance(point) < 1e-6
    assert 740 < length_km(border) < 800


def test_belt_members_all_touch_the_border(layerset):
    border = layerset.frame("border").geometry.iloc[0]
    counties = _by_id(layerset.frame("counties"))
    belt = layerset.frame("belt").iloc[0]
    for adcode in belt["member_ids"].split(";"):
        shared = shapely.intersection(counties[adcode].boundary, border)
        assert length_km(shared) > 1, f"{adcode} does not touch the border"
    touching = {a for a, g in counties.items() if length_km(shapely.intersection(g.boundary, border)) > 1}
    assert touching == set(belt["member_ids"].split(";"))


def test_qijiang_area_matches_known_figure(layerset):
    qijiang = layerset.frame("scope_yanxian").set_index("id").loc["500110"]
    assert qijiang["area_km2"] == pytest.approx(2740, rel=0.02)
    assert area_km2(qijiang.geometry) == pytest.approx(qijiang["area_km2"], abs=0.1)


# --- measurement units on tiny inline shapes --------------------------------------------


def test_equal_area_agrees_with_ellipsoidal_geodesic_area():
    geod = pyproj.Geod(ellps="WGS84")
    for cell in (box(106, 29, 106.5, 29.5), box(108, 26, 109, 27), Polygon([(106, 28), (107, 28), (106.5, 28.8)])):
        geodesic = abs(geod.geometry_area_perimeter(cell)[0]) / 1e6
        assert area_km2(cell) == pytest.approx(geodesic, rel=1e-3)


def test_area_is_not_in_degrees():
    cell = box(106, 29, 107, 30)  # one square degree ≈ 10,500 km² at 29.5°N
    assert 10_000 < area_km2(cell) < 11_000


def test_equal_area_projection_round_trips():
    back = pyproj.Transformer.from_crs(
        "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
        "EPSG:4326",
        always_xy=True,
    )
    original = Polygon([(106.1, 28.2), (107.3, 28.4), (106.9, 29.9)])
    projected = to_equal_area(original)
    restored = shapely.transform(projected, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
    assert shapely.hausdorff_distance(original, restored) < 1e-9


def test_distance_and_length_are_geodesic_km():
    a, b = shapely.Point(106.0, 29.0), shapely.Point(107.0, 29.0)
    assert distance_km(a, b) == pytest.approx(97.4, abs=0.3)  # one degree of longitude at 29°N
    assert length_km(shapely.LineString([a, b])) == pytest.approx(distance_km(a, b), rel=1e-9)
