"""The compare divider: what one step of a drag costs, against redrawing the other year each step.

    python -m bench.compare [--runs 3] [--steps 120]

An exported map compares the plan (2019-03) with today at 1440×900 over the whole zone. A drag
is simulated as the handler sees it: one divider position per animation frame, sweeping the map
and back. "Ours" moves the divider (two clip paths, the line, the year names; the names placed
again at the next frame). "Redraw" is the straightforward swipe: at every step it drops and
redraws the other year's drawings (what comparing would cost if the two years were two layer
sets swapped in place). Per step: the script's work with style and layout forced (median, p95,
worst), and the interval between animation frames while dragging (60 Hz is 16.7 ms).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, chromium, machine, median

SWEEP = """async ([steps, rebuild]) => {
  const work = [], frames = [];
  let last = null;
  for (let i = 0; i < steps; i++) {
    await new Promise(requestAnimationFrame);
    const now = performance.now();
    if (last !== null) { frames.push(now - last); }
    last = now;
    const at = 0.1 + 0.8 * Math.abs(((i / (steps / 2)) % 2) - 1);
    const t0 = performance.now();
    if (rebuild) { yq.probe.compareRebuild(); }
    yq.probe.compareAt(at);
    document.body.getBoundingClientRect();  // style and layout now, inside the measured step
    work.push(performance.now() - t0);
  }
  return {work, frames};
}"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "compare.html"
        subprocess.run([sys.executable, "-m", "geo", "export", str(out), "--compare", "planned"], cwd=ROOT, check=True)
        results: dict[str, dict[str, list[float]]] = {
            "ours": {"work": [], "frames": []},
            "redraw": {"work": [], "frames": []},
        }
        copies = 0
        with chromium() as browser:
            for _ in range(args.runs):
                for name, rebuild in (("ours", False), ("redraw", True)):
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    page.route(
                        "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
                    )
                    page.goto(out.as_uri())
                    page.wait_for_function("yq.compareX > 0", timeout=60_000)
                    page.wait_for_timeout(500)
                    copies = page.evaluate("yq.probe.compareRebuild()")
                    got = page.evaluate(SWEEP, [args.steps, rebuild])
                    results[name]["work"] += got["work"]
                    results[name]["frames"] += got["frames"]
                    page.close()
    ours, redraw = results["ours"], results["redraw"]
    rows = [
        ("work per step, median (ms)", median(ours["work"]), median(redraw["work"])),
        ("work per step, p95 (ms)", _pct(ours["work"], 0.95), _pct(redraw["work"], 0.95)),
        ("work per step, worst (ms)", max(ours["work"]), max(redraw["work"])),
        ("frame interval while dragging, median (ms)", median(ours["frames"]), median(redraw["frames"])),
        ("frame interval while dragging, p95 (ms)", _pct(ours["frames"], 0.95), _pct(redraw["frames"], 0.95)),
    ]
    print("### Compare divider: a drag, step by step (`python -m bench.compare`)\n")
    print(f"{args.runs} runs × {args.steps} steps; {copies} drawings differ between the two years.")
    print(f"Machine: {machine()}.\n")
    print("| figure | ours (move the clip) | redraw the other year each step | ratio |")
    print("|---|---|---|---|")
    for label, a, b in rows:
        print(f"| {label} | {a:.2f} | {b:.2f} | {a / b:.2f} |" if b else f"| {label} | {a:.2f} | {b:.2f} | n/a |")


if __name__ == "__main__":
    main()
