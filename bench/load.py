"""Load check: N browser sessions at once against one dashboard server, or replicas behind nginx.

    python -m bench.load [--sessions 10] [--seconds 60] [--replicas N]

Each session (its own Chromium context, so its own cookie and Streamlit session) loops, pausing
1–2.5 s between actions as a reader would: toggle a layer and wait for the map to show it,
switch language every few steps, export every few steps and check the file; every fifth
session uploads a layer of its own once. Sessions arrive 3 s apart. With ``--replicas N``
the sessions go through nginx (deploy/serve) to N replicas. Reports actions, errors, every
export's validity, and the memory of each server process over time. Traffic goes to 127.0.0.1
only; the loops stop by themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, machine, rss_kb
from bench.serving import replica_pids, served
from tests.browser import CHROMIUM_ARGS, streamlit_process

RAMP = 3.0  # seconds between two sessions' first visits
TOGGLES = ("铁路", "车站", "一核：核心区", "高速公路", "合作配对")
LEGEND_LAYERS = (
    "document.querySelector('.yq-legend') && document.querySelector('.yq-legend').getAttribute('data-layers')"
)


async def _map_frame(page, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    if await frame.evaluate("typeof window.yq === 'object' && !!window.yq.map"):
                        return frame
                except Exception:  # noqa: BLE001 - the frame may still be loading
                    pass
        await page.wait_for_timeout(100)
    raise TimeoutError("map did not appear")


async def _idle(page) -> None:
    """Wait until Streamlit shows no running script, as a person would before clicking."""
    await page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


async def _upload(page, seed: int) -> None:
    """Add a small layer of one's own through the upload panel (it must reach this session's replica)."""
    path = Path(tempfile.mkdtemp()) / f"plots-{seed}.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": f"地块 {seed}"},
        "geometry": {"type": "Point", "coordinates": [107, 28]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    await page.get_by_text("添加我的图层").click()
    await page.get_by_text("上传文件").click()
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    # the upload has finished when the box shows the file with its size; only then "Add layer"
    uploader = page.locator('[data-testid="stFileUploaderDropzone"]')
    await uploader.filter(has_text=re.compile(r"\d(\.\d)?\s*[KM]?B")).wait_for(timeout=60_000)
    await page.get_by_role("button", name="添加图层").click()
    await page.get_by_text(f"我的图层：{path.name}").first.wait_for(timeout=60_000)  # the layer was added


async def _session(browser, url: str, seconds: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(seed * RAMP)  # readers arrive over a few seconds, not all in one instant
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("pageerror", lambda exc: stats["errors"].append(f"page error: {exc}"))
    started = time.monotonic()
    try:
        await page.goto(url, timeout=90_000)
        frame = await _map_frame(page, timeout=90.0)
    except Exception as exc:  # noqa: BLE001 - a session that never got its map is an error, not a crash
        stats["errors"].append(f"session {seed}: no map: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        await page.close()
        return
    stats["first_map"].append(time.monotonic() - started)
    stats["ready"] += 1
    deadline = time.monotonic() + seconds
    step = 0
    english = False
    while time.monotonic() < deadline:
        step += 1
        try:
            await _idle(page)
            if step == 2 and seed % 5 == 0:
                await _upload(page, seed)
                stats["uploads"] += 1
            elif step % 7 == 0:
                english = not english
                await page.get_by_text("English" if english else "中文", exact=True).first.click()
                title = "Legend" if english else "图例"
                await frame.wait_for_function(
                    f"document.querySelector('.yq-legend-title').textContent.startsWith({title!r})", timeout=30_000
                )
                stats["language"] += 1
            elif step % 5 == 0:
                prepare = page.get_by_role(
                    "button", name="Prepare offline HTML map" if english else "准备离线 HTML 地图"
                )
                # the same state as the last export (a layer switched on and off again): already prepared
                if await prepare.count():
                    await prepare.click()
                    await _idle(page)
                async with page.expect_download(timeout=30_000) as info:
                    await page.locator('[data-testid="stDownloadButton"]').first.click()
                download = await info.value
                path = await download.path()
                text = Path(path).read_text(encoding="utf-8")
                valid = text.rstrip().endswith("</html>") and "yq.register" in text and len(text.encode()) < 1_000_000
                stats["exports"] += 1
                stats["exports_valid"] += int(valid)
                if not valid:
                    stats["errors"].append("an export was not a complete map file")
            else:
                labels = (
                    TOGGLES
                    if not english
                    else ("Railways", "Stations", "Core zone", "Expressways", "Cooperation pairings")
                )
                label = labels[rng.randrange(len(labels))]
                before = await frame.evaluate(LEGEND_LAYERS)
                box = page.get_by_role("checkbox", name=label, exact=True)
                await page.locator('section[data-testid="stSidebar"] label').filter(has=box).first.click()
                await frame.wait_for_function(f"({LEGEND_LAYERS}) !== {before!r}", timeout=30_000)
                stats["toggles"] += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            where = f"session {seed}, step {step}, {'en' if english else 'zh'}"
            stats["errors"].append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        await page.wait_for_timeout(rng.uniform(1000, 2500))  # a reader's pace between actions
        shown = await page.locator('[data-testid="stException"]').all_inner_texts()
        if shown:
            stats["errors"].append(f"app exception: {shown[0].splitlines()[0][:160]}")
            break
    await page.close()


@contextlib.contextmanager
def _servers(replicas: int) -> Iterator[tuple[str, list[int]]]:
    """(url, server pids): one Streamlit process, or `replicas` behind nginx."""
    if replicas:
        with served(replicas) as (url, run_dir, _):
            yield url.rstrip("/"), replica_pids(run_dir)
    else:
        with streamlit_process(ROOT) as (url, proc):
            yield url, [proc.pid]


async def _run(sessions: int, seconds: float, replicas: int) -> None:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("Debian's chromium is not installed: apt-get install -y chromium")
    stats = {"ready": 0, "toggles": 0, "language": 0, "exports": 0, "exports_valid": 0, "uploads": 0, "errors": []}
    stats["first_map"] = []
    memory: list[tuple[float, list[int]]] = []
    with _servers(replicas) as (url, pids):
        idle = [rss_kb(pid) for pid in pids]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            start = time.monotonic()

            async def sample() -> None:
                while True:
                    memory.append((time.monotonic() - start, [rss_kb(pid) for pid in pids]))
                    await asyncio.sleep(5)

            sampler = asyncio.create_task(sample())
            await asyncio.gather(*(_session(browser, url, seconds, i, stats) for i in range(sessions)))
            sampler.cancel()
            memory.append((time.monotonic() - start, [rss_kb(pid) for pid in pids]))
            await browser.close()
    where = f"through nginx to {replicas} replicas" if replicas else "one Streamlit process"
    print(f"### Load: {sessions} sessions for {seconds:.0f} s, {where}\n")
    print(f"Machine: {machine()}.\n")
    print("| figure | value |\n|---|---|")
    print(f"| sessions that loaded the map | {stats['ready']} / {sessions} |")
    first = sorted(stats["first_map"]) or [0.0]
    print(f"| first visit to map, median / slowest (s) | {first[len(first) // 2]:.1f} / {first[-1]:.1f} |")
    print(f"| layer toggles completed | {stats['toggles']} |")
    print(f"| language switches completed | {stats['language']} |")
    print(f"| exports (valid / made) | {stats['exports_valid']} / {stats['exports']} |")
    print(f"| uploads of a layer of one's own | {stats['uploads']} |")
    print(f"| errors | {len(stats['errors'])} |")
    for i in range(len(pids)):
        peak, last = max(m[i] for _, m in memory), memory[-1][1][i]
        figures = " / ".join(f"{kb / 1024:.0f}" for kb in (idle[i], peak, last))
        print(f"| server {i + 1} RSS idle / peak / last (MB) | {figures} |")
    grown = max(sum(m) for _, m in memory) - sum(idle)
    print(f"| memory per session (peak over idle, all servers / sessions) | {grown / 1024 / sessions:.0f} MB |")
    print("\nRSS every 5 s (MB, per server): " + ", ".join("/".join(f"{x / 1024:.0f}" for x in m) for _, m in memory))
    for error in stats["errors"][:20]:
        print(f"- {error}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--replicas", type=int, default=0, help="through nginx to N replicas (deploy/serve)")
    args = parser.parse_args()
    asyncio.run(_run(args.sessions, args.seconds, args.replicas))


if __name__ == "__main__":
    main()
