"""Memory of a big upload per session: held once and trimmed, against each session reading its own.

    python -m bench.memory [--features 50000] [--sessions 4] [--no-dashboard]

The layer is bench.biglayer's made-up cadastre (50,000 parcels, 12 vertices each) as a
GeoPackage. Two figures:

1. In one Python process, the way the dashboard keeps a session's layer, `--sessions` times:
   ours (``geo.uploads.held``: read once by content, drawn once, freed memory handed back)
   against the straightforward way (each session reads the file and serialises its layer, as
   the dashboard did before). Each way runs in a fresh process; resident memory (RSS) is read
   after the shared layers are loaded and after each session's upload.
2. The dashboard itself (`streamlit run`, headless Chromium): two browsers upload the same file,
   one after the other; the server's RSS before and after each. This includes what Streamlit
   keeps per session (the uploaded file's bytes, while the uploader shows it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, chromium, machine, rss_kb


def _rss_mb() -> float:
    return rss_kb(os.getpid()) / 1024


def _tiny_geopackage() -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    path = Path(tempfile.mkdtemp(prefix="yq-mem-")) / "tiny.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(106.5, 29.5)], crs=4326).to_file(path, driver="GPKG")
    return path.read_bytes()


def child(way: str, layer: Path, sessions: int) -> None:
    """Run in a fresh process: print the RSS (MB) after loading and after each session's upload."""
    import gc

    from geo.app.appdata import AppData
    from geo.app.workspace import Workspace
    from geo.uploads.held import read_held
    from geo.uploads.layer import read_upload, with_layer
    from geo.web.livemap import live_payloads

    layerset = AppData().in_year(None)
    data, kept = layer.read_bytes(), []
    gc.collect()
    figures = [_rss_mb()]
    read_upload("warm.gpkg", _tiny_geopackage(), {}, env=os.environ)  # GDAL's drivers: once per process
    gc.collect()
    figures.append(_rss_mb())
    for _ in range(sessions):
        if way == "ours":
            session: dict = {}
            held = read_held(layer.name, data, {}, env=os.environ)
            session["user_layers"] = {held.spec.id: held}
            work = Workspace(session)
            kept.append((session, work.own_payloads(work.with_own(layerset))))
        else:
            spec, frame, notes = read_upload(layer.name, data, {}, env=os.environ)
            own = with_layer(layerset, spec, frame)
            kept.append(((spec, frame, notes), live_payloads(own, own.own_layers)))
        gc.collect()
        figures.append(_rss_mb())
    print(json.dumps(figures))


def in_process(layer: Path, sessions: int) -> dict[str, list[float]]:
    found = {}
    for way in ("straightforward", "ours"):
        command = [sys.executable, "-m", "bench.memory", "--child", way, "--layer", str(layer)]
        command += ["--sessions", str(sessions)]
        out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        found[way] = json.loads(out.strip().splitlines()[-1])
    return found


def _upload(page, layer: Path) -> float:
    """Upload `layer` through the sidebar's form; seconds from "Add layer" to the layer drawn."""
    from tests.browser import map_frame, wait_for

    page.get_by_text("添加我的图层").click()
    page.get_by_text("上传文件").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(layer))
    uploader = page.locator('[data-testid="stFileUploaderDropzone"]')
    uploader.filter(has_text=re.compile(r"\d(\.\d)?\s*[KM]?B")).wait_for(timeout=300_000)
    started = time.perf_counter()
    drawn = "window.yq && yq.probe ? yq.probe.bigDrawn() : 0"
    wait_for(page, lambda: map_frame(page).evaluate(drawn) > 0, timeout=300, what="the big layer drawn")
    return time.perf_counter() - started


def in_dashboard(layer: Path, browsers: int = 2) -> tuple[list[float], list[float]]:
    """The server's RSS (MB) before and after each browser's upload of the same file, and the
    seconds each took from the upload's end to the layer drawn."""
    from tests.browser import map_frame, painted, streamlit_process, wait_for

    rss, took = [], []
    with streamlit_process(ROOT, env={"YQ_DATA_DIR": tempfile.mkdtemp(prefix="yq-mem-")}) as (url, proc):
        with chromium() as browser:
            pages = []
            for _ in range(browsers):
                page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                page.goto(url)
                wait_for(page, lambda p=page: painted(map_frame(p)) > 50, what="the map", timeout=120)
                pages.append(page)
            time.sleep(2)
            rss.append(rss_kb(proc.pid) / 1024)
            for page in pages:
                took.append(_upload(page, layer))
                page.wait_for_timeout(3000)
                rss.append(rss_kb(proc.pid) / 1024)
    return rss, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=50_000)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--no-dashboard", action="store_true")
    parser.add_argument("--child", choices=["ours", "straightforward"], help=argparse.SUPPRESS)
    parser.add_argument("--layer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.layer, args.sessions)
        return
    from bench.biglayer import parcels

    layer = Path(tempfile.mkdtemp(prefix="yq-mem-")) / "parcels.gpkg"
    parcels(args.features).to_file(layer, driver="GPKG")
    size = layer.stat().st_size / 1e6
    found = in_process(layer, args.sessions)
    print(f"### Memory of a {args.features:,}-parcel upload ({size:.1f} MB GeoPackage) per session\n")
    print(f"Machine: {machine()}. One process, {args.sessions} sessions uploading the same file.\n")
    print("| way | first session (MB) | each further session (MB, mean) | all sessions (MB) |\n|---|---|---|---|")
    for way, label in (("straightforward", "each session reads and draws it"), ("ours", "held once, trimmed")):
        rss = found[way][1:]  # from after GDAL's drivers were loaded (once per process)
        later = [b - a for a, b in itertools.pairwise(rss[1:])]
        further = f"{sum(later) / len(later):.0f}" if later else "—"
        print(f"| {label} | {rss[1] - rss[0]:.0f} | {further} | {rss[-1] - rss[0]:.0f} |")
    gdal = min(found[w][1] - found[w][0] for w in found)
    print(f"\nNot counted above: reading the first GeoPackage loads GDAL's drivers, {gdal:.0f} MB once per process.")
    if args.no_dashboard:
        return
    rss, took = in_dashboard(layer)
    print(f"\nIn the dashboard (`streamlit run`, 2 browsers uploading the same file): server RSS "
          f"{rss[0]:.0f} MB before; +{rss[1] - rss[0]:.0f} MB with the first session's layer "
          f"(drawn {took[0]:.1f} s after the upload ended), +{rss[2] - rss[1]:.0f} MB more with the "
          f"second's ({took[1]:.1f} s).")  # fmt: skip


if __name__ == "__main__":
    main()
