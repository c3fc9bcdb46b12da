"""Data-download figures: each format for all 16 bundled layers, as the dashboard makes it (one
zip with translated values and a README), against the straightforward way in the same run
(``GeoDataFrame.to_file`` of the layers as loaded: no year, no translation, no README, no zip).

    python -m bench.gisdata

Median of five runs each, in this process (the layers loaded once, as the dashboard has them).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from pathlib import Path

from bench.common import machine
from geo.data.catalog import load_catalog
from geo.data.layers import load_layers
from geo.gis.formats import FORMATS
from geo.gis.package import Request, make_download

PLAIN = {"gpkg": ("GPKG", ".gpkg"), "shp": ("ESRI Shapefile", ".shp"), "geojson": ("GeoJSON", ".geojson")}
RUNS = 5


def _median(run) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _plain(layerset, fmt: str) -> None:
    driver, ending = PLAIN[fmt]
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for layer_id, frame in layerset.frames.items():
            frame.to_file(Path(tmp) / f"{layer_id}{ending}", driver=driver)


def main() -> None:
    print(machine())
    layerset = load_layers(load_catalog())
    print(f"{'format':8} {'ours (s)':>9} {'zip (KB)':>9} {'to_file (s)':>12}")
    for fmt in FORMATS:
        request = Request(fmt, layerset.available)
        made = make_download(layerset, request)
        ours = _median(lambda request=request: make_download(layerset, request))
        plain = f"{_median(lambda fmt=fmt: _plain(layerset, fmt)):12.2f}" if fmt in PLAIN else f"{'—':>12}"
        print(f"{fmt:8} {ours:9.2f} {len(made.data) / 1024:9.0f} {plain}")


if __name__ == "__main__":
    main()
