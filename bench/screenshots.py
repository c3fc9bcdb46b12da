"""The README's screenshots, made in headless Chromium (Debian's `chromium`) from the real app.

    python -m bench.screenshots [--out bench/screenshots]

Browsing at 1440×900 (Chinese), presenting at 1920×1080 (English), a phone at 390×844, two
years compared at 1440×900, and
an exported file opened from disk with every network request blocked. Not a benchmark: it
lives here because it drives the same browser and server as the benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from bench.common import ROOT, chromium
from tests.browser import map_frame, painted, streamlit_server, wait_for

SETTLED = """(() => { let s = null; try { s = parent.yqState; } catch (e) { s = null; }
    return !yq.moving && !!s && yq.cameraSeq === s.cameraSeq; })()"""

SHOTS = (
    ("browse-zh-1440x900.png", (1440, 900), "?sel=scope_yanxian/500110"),
    ("present-en-1920x1080.png", (1920, 1080), "?view=core&present=1&lang=en"),
    ("phone-zh-390x844.png", (390, 844), ""),
    ("compare-zh-1440x900.png", (1440, 900), "?view=compare"),
)


def _dashboard(browser, url: str, out: Path) -> list[Path]:
    made = []
    for name, (width, height), query in SHOTS:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{url}/{query}")
        frame = map_frame(page)
        wait_for(page, lambda frame=frame: painted(frame) > 50, what="features painted")
        wait_for(page, lambda frame=frame: frame.evaluate(SETTLED), what="the map settled")
        page.wait_for_timeout(1500)  # names placed, fonts drawn
        page.screenshot(path=out / name)
        made.append(out / name)
        page.close()
    return made


def _export(browser, out: Path) -> Path:
    from geo import state as ms
    from geo.app.appdata import AppData
    from geo.web.export import export_html

    data = AppData()
    view = next(v for v in data.views if v.id == "pieces")
    state = ms.open_view(ms.initial(data.layers), data.layers, view)
    html = export_html(data.layers, state, caption=ms.caption(state, data.views), when=dt.date.today())
    path = Path(tempfile.mkdtemp()) / "export.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    wait_for(page, lambda: page.evaluate("!!window.yq && !yq.moving && yq.cameraSeq !== undefined"), what="export")
    page.wait_for_timeout(1500)
    shot = out / "export-zh-1440x900.png"
    page.screenshot(path=shot)
    page.close()
    return shot


def _sheet(out: Path) -> Path:
    """The print-ready sheet of the core view, as a planner gets it (PNG, small for the README)."""
    import subprocess
    import sys

    path = out / "print-sheet-zh-A4.png"
    subprocess.run(
        [sys.executable, "-m", "geo", "print", str(path), "--view", "core", "--dpi", "110"], cwd=ROOT, check=True
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server(ROOT) as url, chromium() as browser:
        made = [*_dashboard(browser, url, out), _export(browser, out), _sheet(out)]
    for path in made:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
