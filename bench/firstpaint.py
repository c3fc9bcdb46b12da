"""Does the page jump while it loads? Layout shift and paint times of a first visit.

    python -m bench.firstpaint [--runs 3] [--lighthouse PATH]

Each run opens the dashboard in a fresh browser context (empty cache, no cookies) at 1440×900,
1920×1080, 1280×720 and a phone's 390×844, through deploy/serve (nginx puts the page's layout
into its head, geo/static/firstpaint.css) and straight to a Streamlit replica, in the same run.
From Chromium's performance timeline: cumulative layout shift (every shift not caused by input
until the map is painted and 3 s after; the "good" limit is 0.1), first contentful paint, and the
largest contentful paint. With ``--lighthouse`` (the CLI from ``npm install lighthouse``) it also
runs Lighthouse's desktop preset on both, with Debian's chromium, and prints its scores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import ROOT, chromium, machine, median
from bench.serving import served
from tests.browser import map_frame, painted, streamlit_process, wait_for

VIEWPORTS = ((1440, 900), (1920, 1080), (1280, 720), (390, 844))
OBSERVE = """() => {
  window.__yq = {cls: 0, lcp: 0};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.__yq.cls += e.value; } }
  }).observe({type: "layout-shift", buffered: true});
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { window.__yq.lcp = e.startTime; }
  }).observe({type: "largest-contentful-paint", buffered: true});
}"""
READ = """() => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {cls: window.__yq.cls, lcp: window.__yq.lcp, fcp: fcp ? fcp.startTime : null};
}"""


def visit(browser, url: str, size: tuple[int, int]) -> dict[str, float]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.add_init_script(f"({OBSERVE})()")
    page.goto(url)
    wait_for(page, lambda: painted(map_frame(page)) > 50, what="the map", timeout=120)
    page.wait_for_timeout(3000)
    found = page.evaluate(READ)
    context.close()
    return found


def lighthouse(cli: str, url: str) -> dict[str, float]:
    """Lighthouse's desktop preset on `url`: the performance score and its metrics."""
    out = Path(tempfile.mkdtemp(prefix="yq-lh-")) / "report.json"
    chrome = shutil.which("chromium") or "chromium"
    command = [cli, url, "--preset=desktop", "--only-categories=performance", "--output=json",
               f"--output-path={out}", "--quiet", "--chrome-flags=--headless=new --no-sandbox"]  # fmt: skip
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    value = lambda name: audits[name]["numericValue"]  # noqa: E731
    return {
        "score": report["categories"]["performance"]["score"] * 100,
        "cls": value("cumulative-layout-shift"),
        "fcp": value("first-contentful-paint") / 1000,
        "si": value("speed-index") / 1000,
        "lcp": value("largest-contentful-paint") / 1000,
        "tbt": value("total-blocking-time"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse", help="path to the lighthouse CLI (node_modules/.bin/lighthouse)")
    parser.add_argument("--lighthouse-runs", type=int, default=5)
    args = parser.parse_args()
    found: dict[tuple[str, tuple[int, int]], list[dict[str, float]]] = {}
    scores: dict[str, dict[str, float]] = {}
    env = {"YQ_DATA_DIR": tempfile.mkdtemp(prefix="yq-paint-")}
    with served(1) as (nginx_url, _, _), streamlit_process(ROOT, env=env) as (direct_url, _), chromium() as browser:
        for way, url in (("deploy/serve", nginx_url), ("straight to Streamlit", direct_url)):
            visit(browser, url, VIEWPORTS[0])  # warm: the replica's first run loads the layers
            for size in VIEWPORTS:
                found[way, size] = [visit(browser, url, size) for _ in range(args.runs)]
            if args.lighthouse:  # the median run by score: Lighthouse's figures vary from run to run
                runs = sorted(
                    (lighthouse(args.lighthouse, url) for _ in range(args.lighthouse_runs)), key=lambda r: r["score"]
                )
                scores[way] = runs[len(runs) // 2]
                scores[way]["all"] = [r["score"] for r in runs]  # type: ignore[assignment]
    print(f"### A first visit: layout shift and paints (median of {args.runs})\n\nMachine: {machine()}.\n")
    print("| window | way | layout shift (CLS) | first contentful paint (s) | largest contentful paint (s) |")
    print("|---|---|---|---|---|")
    for (way, size), runs in found.items():
        cls, fcp, lcp = (median([r[k] or 0 for r in runs]) for k in ("cls", "fcp", "lcp"))
        print(f"| {size[0]}×{size[1]} | {way} | {cls:.3f} | {fcp / 1000:.2f} | {lcp / 1000:.2f} |")
    if scores:
        print(f"\nLighthouse 12, desktop preset, {args.lighthouse_runs} runs each: the median run by score.\n")
        print("| way | score (all runs) | CLS | FCP (s) | speed index (s) | LCP (s) | TBT (ms) |")
        print("|---|---|---|---|---|---|---|")
        for way, s in scores.items():
            every = ", ".join(f"{v:.0f}" for v in s["all"])  # type: ignore[union-attr]
            print(f"| {way} | {s['score']:.0f} ({every}) | {s['cls']:.3f} | {s['fcp']:.1f} | {s['si']:.1f} | "
                  f"{s['lcp']:.1f} | {s['tbt']:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
