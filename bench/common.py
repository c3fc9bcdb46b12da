"""Shared bench helpers: machine description, medians, tables, a browser on the system Chromium."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    """Cores and CPU model, for the header of every table."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ratio(ours: float, base: float) -> str:
    return "n/a" if not base else f"{ours / base:.2f}"


def table(title: str, rows: list[tuple[str, str, str, str]], runs: int) -> str:
    """A Markdown table: figure, ours, baseline, ours/baseline."""
    head = [
        f"### {title}",
        "",
        f"Median of {runs} runs. Machine: {machine()}.",
        "",
        "| figure | ours | baseline | ours / baseline |",
        "|---|---|---|---|",
    ]
    return "\n".join(head + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]) + "\n"


def rss_kb(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Playwright on Debian's chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS

    path = shutil.which("chromium")
    if path is None:
        raise SystemExit("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
