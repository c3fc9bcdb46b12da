"""Print-sheet figures: time and peak memory of `python -m geo print` for the sizes planners use.

    python -m bench.print

Each sheet is made in a fresh process (as a planner runs the command), timed from start to the
file written; peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine

CASES = (
    ("A4 landscape PDF, overview", ["--size", "A4"], "pdf"),
    ("A4 landscape PNG at 300 dpi, overview", ["--size", "A4", "--dpi", "300"], "png"),
    ("A4 landscape SVG, overview", ["--size", "A4"], "svg"),
    ("A0 landscape PDF, overview", ["--size", "A0"], "pdf"),
)
SCRIPT = (
    "import resource, sys, time; t = time.perf_counter(); from geo.cli import main; rc = main(sys.argv[1:]);"
    "print(f'@@ {time.perf_counter() - t:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}'); sys.exit(rc)"
)


def main() -> None:
    out = Path(tempfile.mkdtemp())
    rows = []
    for name, args, fmt in CASES:
        path = out / f"sheet.{fmt}"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, "print", str(path), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - start
        inner, rss_kb = next(line for line in done.stdout.splitlines() if line.startswith("@@")).split()[1:]
        rows.append((name, f"{wall:.1f}", inner, f"{int(rss_kb) / 1024:.0f}", f"{path.stat().st_size / 1024:.0f}"))
    print("### Print sheets\n")
    print(f"Machine: {machine()}. Each in a fresh process.\n")
    print("| sheet | wall time incl. start-up (s) | drawing and writing (s) | peak memory (MB) | file (KB) |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
