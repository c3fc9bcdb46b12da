"""Export figures: file size, build time and time to first paint offline, every layer.

    python -m bench.export [--runs 5]

Ours (`geo.web.export.export_html`) against the baseline: a folium map with every layer as
folium.GeoJson and `save()`, given the same local Leaflet so that it can paint offline
(plain `save()` links CDNs and paints nothing without a network).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import folium

from bench.common import chromium, median, ratio, table
from geo.data.catalog import load_catalog
from geo.data.layers import load_layers
from geo.data.timeline import in_year
from geo.state import MapState
from geo.web.assets import make_offline
from geo.web.export import export_html

PAINTED = "document.querySelectorAll('path.leaflet-interactive, img.leaflet-marker-icon').length"


def _baseline_html(layerset) -> str:
    m = folium.Map(location=[28.2, 107.4], zoom_start=7, tiles=None)
    make_offline(m)
    for layer_id in layerset.catalog.layer_ids:
        frame = layerset.frames[layer_id]
        frame = frame[frame.geometry.notna()]
        if frame.empty:  # the relief is an image, not features: folium.GeoJson cannot take it
            continue
        folium.GeoJson(frame, name=layer_id, tooltip=folium.GeoJsonTooltip(fields=["name_zh"])).add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def _first_paint(browser, path: Path, expected: int) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    deadline = start + 60
    while page.evaluate(PAINTED) < expected:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{path.name}: {page.evaluate(PAINTED)} of {expected} features painted after 60 s")
        page.wait_for_timeout(5)
    took = time.perf_counter() - start
    page.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    layerset = load_layers(load_catalog())
    every = layerset.catalog.layer_ids
    shown = in_year(layerset, None)  # an export shows this year: not the units abolished since the plan
    expected = sum(int(shown.frames[i].geometry.notna().sum()) for i in every)
    out = Path(tempfile.mkdtemp())
    build_ours, build_base = [], []
    for _ in range(runs):
        start = time.perf_counter()
        ours_html = export_html(layerset, MapState(visible=every, lang="zh"))
        build_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        base_html = _baseline_html(layerset)
        build_base.append(time.perf_counter() - start)
    ours_path, base_path = out / "ours.html", out / "baseline.html"
    ours_path.write_text(ours_html, encoding="utf-8")
    base_path.write_text(base_html, encoding="utf-8")
    with chromium() as browser:
        paint_ours = [_first_paint(browser, ours_path, expected) for _ in range(runs)]
        paint_base = [_first_paint(browser, base_path, expected) for _ in range(runs)]
    size_ours, size_base = ours_path.stat().st_size, base_path.stat().st_size
    rows = [
        (
            "file size, every layer (KB)",
            f"{size_ours / 1024:.0f}",
            f"{size_base / 1024:.0f}",
            ratio(size_ours, size_base),
        ),
        (
            "build the file (ms)",
            f"{median(build_ours) * 1000:.0f}",
            f"{median(build_base) * 1000:.0f}",
            ratio(median(build_ours), median(build_base)),
        ),
        (
            "open offline to all features painted (ms)",
            f"{median(paint_ours) * 1000:.0f}",
            f"{median(paint_base) * 1000:.0f}",
            ratio(median(paint_ours), median(paint_base)),
        ),
    ]
    print(table("Export (self-contained HTML, network blocked)", rows, runs))
    print(f"{expected} features drawn in each file.")


if __name__ == "__main__":
    main()
