"""Server-side figures: map build time, rerun time after a toggle, payload per toggle.

    python -m bench.server [--runs 7]

Ours (dashboard.py) against the baseline (bench/baseline_app.py) in the same run.
"""

from __future__ import annotations

import argparse
import time

import folium
from streamlit.testing.v1 import AppTest
from streamlit_folium import _get_feature_group_string, _get_map_string

from bench.common import ROOT, median, ratio, table
from geo.data.catalog import load_catalog
from geo.data.layers import load_layers
from geo.web.assets import make_offline
from geo.web.livemap import data_bundle_uri, live_groups, live_legends
from geo.web.mapview import base_map
from tests.helpers import elements


def _ours_payload(layerset, bundle: str) -> int:
    """What the dashboard does per rerun: the map element from the process's cached layer data."""
    base = base_map(layerset.catalog.extent)
    script = _get_map_string(base)
    groups = live_groups(layerset, bundle)
    extra = "".join(_get_feature_group_string(g, map=base, idx=i) for i, g in enumerate(groups))
    return len(script) + len(extra) + len(bundle)


def _baseline_payload(layerset, visible) -> int:
    m = folium.Map(location=[28.2, 107.4], zoom_start=7, tiles=None)
    make_offline(m)
    for layer_id in visible:
        frame = layerset.frames[layer_id]
        frame = frame[frame.geometry.notna()]
        if frame.empty:  # the relief is an image, not features: folium.GeoJson cannot take it
            continue
        folium.GeoJson(frame, name=layer_id, tooltip=folium.GeoJsonTooltip(fields=["name_zh"])).add_to(m)
    m.get_root().render()
    return len(_get_map_string(m))


def _timed(func, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return median(samples)


def _component_bytes(at: AppTest) -> int:
    (component,) = elements(at, "component_instance")
    return len(component.proto.json_args.encode("utf-8"))


def _rerun(app: str, runs: int) -> tuple[float, int]:
    at = AppTest.from_file(str(ROOT / app), default_timeout=120)
    at.run()
    rail = next(c for c in at.checkbox if c.label == "铁路")
    samples, sizes = [], []
    for i in range(runs * 2):
        start = time.perf_counter()
        (rail.uncheck() if i % 2 == 0 else rail.check()).run()
        samples.append(time.perf_counter() - start)
        sizes.append(_component_bytes(at))
        rail = next(c for c in at.checkbox if c.label == "铁路")
    return median(samples), int(median(sizes))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    layerset = load_layers(load_catalog())
    everything = layerset.catalog.layer_ids
    bundle = data_bundle_uri(layerset, live_legends(layerset))
    ours_build = _timed(lambda: _ours_payload(layerset, bundle), runs)
    base_build = _timed(lambda: _baseline_payload(layerset, everything), runs)
    ours_bytes_all = _ours_payload(layerset, bundle)
    base_bytes_all = _baseline_payload(layerset, everything)
    ours_rerun, ours_toggle_bytes = _rerun("dashboard.py", runs)
    base_rerun, base_toggle_bytes = _rerun("bench/baseline_app.py", runs)
    rows = [
        (
            "build the map element per rerun, every layer (ms)",
            f"{ours_build * 1000:.0f}",
            f"{base_build * 1000:.0f}",
            ratio(ours_build, base_build),
        ),
        (
            "map element size, every layer (KB)",
            f"{ours_bytes_all / 1024:.0f}",
            f"{base_bytes_all / 1024:.0f}",
            ratio(ours_bytes_all, base_bytes_all),
        ),
        (
            "script rerun after a toggle (ms, AppTest)",
            f"{ours_rerun * 1000:.0f}",
            f"{base_rerun * 1000:.0f}",
            ratio(ours_rerun, base_rerun),
        ),
        (
            "map element size per rerun (KB; ours identical every rerun, sent by reference)",
            f"{ours_toggle_bytes / 1024:.0f}",
            f"{base_toggle_bytes / 1024:.0f}",
            ratio(ours_toggle_bytes, base_toggle_bytes),
        ),
    ]
    print(table("Server", rows, runs))
    print("Ours caches the serialised layers once per process; the baseline rebuilds its map every rerun.")


if __name__ == "__main__":
    main()
