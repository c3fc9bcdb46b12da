"""A user layer of 50,000 polygons: our export against folium.GeoJson with the same data, same run.

    python -m bench.biglayer [--features 50000] [--runs 3]

The layer is a made-up cadastre: a grid of parcels about 400 m wide over 綦江 (shared edges,
12 vertices each, properties with names and an area class), written as a GeoPackage and added
with ``python -m geo export --extra-layer``. The baseline is a folium map with one
``folium.GeoJson`` of the same GeoDataFrame (folium's default SVG rendering, same local
Leaflet). In headless Chromium: bytes, first paint (navigation to the layer drawn), and the
longest frame while zooming in with the mouse wheel and panning. (The same layer uploaded in the
dashboard, and the memory it takes there: ``python -m bench.memory``.)
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
from shapely.geometry import Polygon

from bench.common import ROOT, chromium, machine, median, ratio

# the longest gap between animation frames while the reader wheel-zooms into the parcels from
# zoom 9 (where they are specks) to zoom 12 (each outlined), back out once, and drags (ms)
FRAMES = """async () => {
  const gaps = []; let last = performance.now(), on = true;
  const tick = (t) => { gaps.push(t - last); last = t; if (on) { requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
  const map = window.yq && yq.map ? yq.map : Object.values(window).find(v => v && v._leaflet_id && v.getZoom);
  const wait = (ms) => new Promise(r => setTimeout(r, ms));
  const c = map.getSize();
  map.setView([28.9, 106.85], 9, {animate: false}); await wait(500);
  for (const z of [1, 1, 1, -1]) {
    const wheel = {deltaY: -120 * z, clientX: c.x / 2, clientY: c.y / 2, bubbles: true};
    map.getContainer().dispatchEvent(new WheelEvent("wheel", wheel));
    await wait(700);
  }
  map.panBy([200, 120]); await wait(500);
  on = false;
  return Math.max(...gaps.slice(2));
}"""


def parcels(count: int) -> gpd.GeoDataFrame:
    """`count` parcels on a jittered grid (each edge shared by its neighbours, 3 points per side)."""
    cols = int(math.sqrt(count * 1.25))
    rows = math.ceil(count / cols)
    step = 0.004
    rng = np.random.default_rng(7)
    west, south = 106.35, 28.55
    jitter = rng.uniform(-0.25, 0.25, size=(rows + 1, cols + 1, 2)) * step
    corner = lambda r, c: (west + c * step + jitter[r, c, 0], south + r * step + jitter[r, c, 1])  # noqa: E731

    def side(a, b):
        return [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for t in (0, 1 / 3, 2 / 3)]

    geoms, names, classes = [], [], []
    for i in range(count):
        r, c = divmod(i, cols)
        a, b, cc, d = corner(r, c), corner(r, c + 1), corner(r + 1, c + 1), corner(r + 1, c)
        geoms.append(Polygon(side(a, b) + side(b, cc) + side(cc, d) + side(d, a)))
        names.append(f"地块 {i + 1:05d}")
        classes.append(("耕地", "林地", "建设用地", "水域")[i % 4])
    return gpd.GeoDataFrame({"name": names, "class": classes}, geometry=geoms, crs="EPSG:4326")


def baseline_html(frame: gpd.GeoDataFrame, out: Path) -> None:
    """The straightforward way: folium.GeoJson with tooltips, on the same local Leaflet."""
    from geo.web.assets import make_offline
    from geo.web.export import inline_assets

    m = folium.Map(location=[28.75, 106.75], zoom_start=9, tiles=None)
    make_offline(m)
    folium.GeoJson(frame, name="parcels", tooltip=folium.GeoJsonTooltip(["name", "class"])).add_to(m)
    out.write_text(inline_assets(m.get_root().render()), encoding="utf-8")


def measure(browser, path: Path, drawn: str) -> tuple[float, float]:
    """(first paint in s, longest frame while zooming and panning in ms) of one file."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    start = time.perf_counter()
    page.goto(path.as_uri(), timeout=120_000)
    page.wait_for_function(drawn, timeout=120_000, polling=50)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    first = time.perf_counter() - start
    frame = page.evaluate(FRAMES)
    page.close()
    return first, frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="yq-big-"))
    frame = parcels(args.features)
    layer = work / "parcels.gpkg"
    frame.to_file(layer, driver="GPKG")
    ours, base = work / "ours.html", work / "folium.html"
    started = time.perf_counter()
    command = [sys.executable, "-m", "geo", "export", str(ours), "--layers", "counties", "--extra-layer", str(layer)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    baseline_html(frame, base)
    base_s = time.perf_counter() - started
    count = args.features
    ours_drawn = f"() => window.yq && yq.probe.bigDrawn() >= {count}"
    base_drawn = f"() => document.querySelectorAll('path.leaflet-interactive').length >= {count}"
    firsts, frames, base_firsts, base_frames = [], [], [], []
    with chromium() as browser:
        for _ in range(args.runs):
            f, z = measure(browser, ours, ours_drawn)
            firsts.append(f)
            frames.append(z)
            f, z = measure(browser, base, base_drawn)
            base_firsts.append(f)
            base_frames.append(z)
    rows = [
        ("file written (s)", f"{export_s:.1f}", f"{base_s:.1f}", ratio(export_s, base_s)),
        ("file size (MB)", f"{ours.stat().st_size / 1e6:.1f}", f"{base.stat().st_size / 1e6:.1f}",
         ratio(ours.stat().st_size, base.stat().st_size)),
        ("first paint (s)", f"{median(firsts):.2f}", f"{median(base_firsts):.2f}",
         ratio(median(firsts), median(base_firsts))),
        ("longest frame, wheel zoom and pan (ms)", f"{median(frames):.0f}", f"{median(base_frames):.0f}",
         ratio(median(frames), median(base_frames))),
    ]  # fmt: skip
    print(f"### A user layer of {count:,} polygons: our export against folium.GeoJson\n")
    print(f"Median of {args.runs} runs in headless Chromium at 1440×900. Machine: {machine()}.\n")
    print("| figure | ours | folium.GeoJson | ours / folium |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
