"""GCJ-02 alignment: the transform against published pairs, round trips, and drawn offsets."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from geo.spatial.gcj import gcj_to_wgs, to_gcj, to_wgs, wgs_to_gcj

GEOD = pyproj.Geod(ellps="WGS84")

# Published WGS-84 → GCJ-02 pairs: the test table of googollee/eviltransform (Shanghai,
# Shenzhen, Beijing) and the README example of wandergis/coordtransform (Beijing).
PUBLISHED = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]
# Offsets in this region measured for the project (../shared/research/data_sources.md,
# "GCJ-02 offset in this region"): 重庆 480 m, 遵义 543 m, 铜仁 579 m, all toward the south-east.
REGION = [("重庆 解放碑", 106.5775, 29.5574, 480), ("遵义", 106.9334, 27.7101, 543), ("铜仁", 109.1870, 27.7216, 579)]


def _offset_m(lon, lat):
    x, y = wgs_to_gcj(np.array([lon]), np.array([lat]))
    azimuth, _, metres = GEOD.inv(lon, lat, x[0], y[0])
    return metres, azimuth


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED)
def test_forward_transform_matches_published_pairs(wgs, gcj):
    x, y = wgs_to_gcj(np.array([wgs[0]]), np.array([wgs[1]]))
    assert x[0] == pytest.approx(gcj[0], abs=1e-9) and y[0] == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("place", "lon", "lat", "metres"), REGION)
def test_offset_in_this_region_is_500_m_to_the_south_east(place, lon, lat, metres):
    offset, azimuth = _offset_m(lon, lat)
    assert offset == pytest.approx(metres, abs=5), place
    assert 110 < azimuth < 160, place  # south-east


def test_forward_then_inverse_round_trips_within_centimetres():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(104, 110, 2000), rng.uniform(24, 31, 2000)
    back_lon, back_lat = gcj_to_wgs(*wgs_to_gcj(lon, lat))
    _, _, metres = GEOD.inv(lon, lat, back_lon, back_lat)
    assert metres.max() < 0.01


def test_geometries_shift_and_come_back(layerset):
    county = layerset.frame("counties").set_index("id").loc["500110"].geometry
    shifted = to_gcj(county)
    coords, moved = shapely.get_coordinates(county), shapely.get_coordinates(shifted)
    _, _, metres = GEOD.inv(coords[:, 0], coords[:, 1], moved[:, 0], moved[:, 1])
    assert 450 < metres.min() and metres.max() < 600  # every vertex, 450–600 m
    assert (moved[:, 0] > coords[:, 0]).all() and (moved[:, 1] < coords[:, 1]).all()  # east and south
    assert shapely.hausdorff_distance(to_wgs(shifted), county) < 1e-8
