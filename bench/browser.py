"""Browser figures in headless Chromium: cold start, toggle latency, bytes per toggle,
remount, view kept, and server memory after many toggles.

    python -m bench.browser [--runs 3] [--toggles 100]

Ours (dashboard.py) against the baseline (bench/baseline_app.py) in the same run.
Bytes are what the browser received as Chrome DevTools reports it: WebSocket payloads
(after any transport compression is undone) plus HTTP response bytes on the wire.
"""

from __future__ import annotations

import argparse
import base64
import time

from bench.common import ROOT, chromium, median, ratio, rss_kb, table
from geo.data.catalog import load_catalog
from geo.data.layers import load_layers
from geo.data.timeline import in_year
from tests.browser import streamlit_process

APPS = {"ours": "dashboard.py", "baseline": "bench/baseline_app.py"}


def _find_map(page):
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            if frame.evaluate("typeof window.map === 'object'"):
                return frame
        except Exception:  # noqa: BLE001 - the frame may be reloading
            continue
    return None


def _painted(page) -> int:
    frame = _find_map(page)
    if frame is None:
        return -1
    try:
        # vector features, plus marker icons (folium.GeoJson draws points as markers)
        return int(
            frame.evaluate("document.querySelectorAll('path.leaflet-interactive, img.leaflet-marker-icon').length")
        )
    except Exception:  # noqa: BLE001 - the frame may be reloading
        return -1


def _wait(page, predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(10)
    raise TimeoutError("benchmark condition not reached")


def _checkbox(page, label: str):
    box = page.get_by_role("checkbox", name=label, exact=True)
    return page.locator('section[data-testid="stSidebar"] label').filter(has=box).first


class _Frames:
    """Bytes the page received, through the DevTools protocol: WebSocket payloads plus HTTP
    responses (Streamlit fetches large cached messages over HTTP by hash)."""

    def __init__(self, page) -> None:
        self.total = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.webSocketFrameReceived", self._on_frame)
        session.on("Network.loadingFinished", self._on_http)

    def _on_frame(self, event) -> None:
        response = event["response"]
        data = response["payloadData"]
        self.total += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode("utf-8"))

    def _on_http(self, event) -> None:
        self.total += int(event.get("encodedDataLength") or 0)


def _measure(browser, app: str, expected: int, rail: int, runs: int, toggles: int, query: str = "") -> dict[str, float]:
    cold, latency, sizes = [], [], []
    remounted = view_kept = None
    rss_start = rss_end = 0
    for run in range(runs):
        start = time.perf_counter()
        with streamlit_process(ROOT, APPS[app]) as (url, proc):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            frames = _Frames(page)
            page.goto(url + "/" + query)
            _wait(page, lambda page=page: _painted(page) == expected)
            cold.append(time.perf_counter() - start)
            if run:
                page.close()
                continue
            page.wait_for_timeout(500)
            rss_start = rss_kb(proc.pid)
            frame = _find_map(page)
            frame.evaluate("window.map.__probe = 1; window.map.setView([28.4, 106.9], 8, {animate: false})")
            view = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
            for i in range(10):
                target = expected - rail if i % 2 == 0 else expected
                before = frames.total
                clicked = time.perf_counter()
                _checkbox(page, "铁路").click()
                _wait(page, lambda target=target, page=page: _painted(page) == target)
                latency.append(time.perf_counter() - clicked)
                page.wait_for_timeout(300)  # let the rerun's remaining messages arrive
                sizes.append(frames.total - before)
            frame = _find_map(page)
            remounted = frame.evaluate("window.map.__probe === undefined")
            now = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
            view_kept = all(abs(a - b) < 1e-6 for a, b in zip(now, view, strict=True))
            for i in range(toggles):
                target = expected - rail if i % 2 == 0 else expected
                _checkbox(page, "铁路").click()
                _wait(page, lambda target=target, page=page: _painted(page) == target)
            page.wait_for_timeout(1000)
            rss_end = rss_kb(proc.pid)
            page.close()
    return {
        "cold": median(cold),
        "latency": median(latency),
        "bytes": median(sizes),
        "remounted": float(bool(remounted)),
        "view_kept": float(bool(view_kept)),
        "rss_start": rss_start,
        "rss_end": rss_end,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="cold starts per app")
    parser.add_argument("--toggles", type=int, default=100, help="toggles before the memory reading")
    args = parser.parse_args()
    layerset = load_layers(load_catalog())
    # the plan's layers on by default (the geography of the offline map is ours only; the baseline
    # app has the plan's), asked for by the link so both apps draw the same layers
    visible = tuple(i for i in layerset.catalog.default_visible() if layerset.catalog.layer(i).group != "geography")
    # ours shows this year (江北区 and 渝北区 gone, 两江新区 there); the baseline draws every feature
    today = in_year(layerset, None)
    expected = sum(int(today.frames[i].geometry.notna().sum()) for i in visible)
    everything = sum(int(layerset.frames[i].geometry.notna().sum()) for i in visible)
    rail = int(layerset.frames["rail"].geometry.notna().sum())
    with chromium() as browser:
        link = "?layers=" + ",".join(visible)
        ours = _measure(browser, "ours", expected, rail, args.runs, args.toggles, query=link)
        base = _measure(browser, "baseline", everything, rail, args.runs, args.toggles)

    def yes(v: float) -> str:
        return "yes" if v else "no"

    rows = [
        (
            "cold start: `streamlit run` to features painted (s)",
            f"{ours['cold']:.1f}",
            f"{base['cold']:.1f}",
            ratio(ours["cold"], base["cold"]),
        ),
        (
            "toggle to visible (ms)",
            f"{ours['latency'] * 1000:.0f}",
            f"{base['latency'] * 1000:.0f}",
            ratio(ours["latency"], base["latency"]),
        ),
        (
            "bytes received per toggle (KB)",
            f"{ours['bytes'] / 1024:.1f}",
            f"{base['bytes'] / 1024:.1f}",
            ratio(ours["bytes"], base["bytes"]),
        ),
        ("map remounted on toggle", yes(ours["remounted"]), yes(base["remounted"]), ""),
        ("zoom and centre kept on toggle", yes(ours["view_kept"]), yes(base["view_kept"]), ""),
        (
            "server RSS after start (MB)",
            f"{ours['rss_start'] / 1024:.0f}",
            f"{base['rss_start'] / 1024:.0f}",
            ratio(ours["rss_start"], base["rss_start"]),
        ),
        (
            f"server RSS after {args.toggles} more toggles (MB)",
            f"{ours['rss_end'] / 1024:.0f}",
            f"{base['rss_end'] / 1024:.0f}",
            ratio(ours["rss_end"], base["rss_end"]),
        ),
    ]
    print(table("Browser (headless Chromium)", rows, args.runs))
    print(f"Toggle figures: median of 10 toggles of 铁路 (rail) on the default layers ({expected} features).")


if __name__ == "__main__":
    main()
