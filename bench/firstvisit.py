"""A first visit, byte by byte: through nginx (deploy/serve) against straight to Streamlit.

    python -m bench.firstvisit [--runs 3]

Each run opens the dashboard in a fresh browser (empty cache, no cookies) until the map is
painted, then closes it. Through nginx the bytes on the wire come from nginx's access log
($bytes_sent: headers and bodies as sent, gzip and websocket compression included, the
websocket counted when it closes). Straight to a replica they come from the DevTools protocol
(HTTP bytes as received; websocket payloads as delivered). Both in the same run, same app.
"""

from __future__ import annotations

import argparse
import base64
import collections
import re
import time
from pathlib import Path

from bench.common import chromium, machine, median
from bench.serving import served
from tests.browser import map_frame, painted, wait_for

LOG_LINE = re.compile(r'"(?:GET|POST|HEAD) (\S+) [^"]*" (\d+) (\d+) replica=(\S+) sticky=(\S+)')


def kind(path: str) -> str:
    """What a request fetched, for the breakdown."""
    if path.startswith("/_stcore/stream"):
        return "websocket"
    for prefix, name in (("/static/js", "js"), ("/static/css", "css"), ("/static/media", "fonts/images")):
        if path.startswith(prefix):
            return name
    if path.startswith("/component/"):
        return "map component (streamlit-folium)"
    if path.startswith("/app/static/yq/"):
        return "map scripts and data (published files)"
    if path.startswith("/_stcore/") or path.startswith("/media/"):
        return "streamlit other"
    return "page"


def wire_from_log(run_dir: Path, skip: int) -> tuple[dict[str, int], int]:
    """Bytes sent per kind, from access-log lines after the first `skip`; and the line count."""
    lines = (run_dir / "access.log").read_text(encoding="utf-8").splitlines()
    out: dict[str, int] = collections.Counter()
    for line in lines[skip:]:
        match = LOG_LINE.search(line)
        if match and "_stcore/health" not in match.group(1):
            out[kind(match.group(1))] += int(match.group(3))
    return dict(out), len(lines)


class Received:
    """What the page received, through the DevTools protocol, per kind."""

    def __init__(self, page) -> None:
        self.by_kind: dict[str, int] = collections.Counter()
        self.largest_ws = 0
        self._urls: dict[str, str] = {}
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.requestWillBeSent", lambda e: self._urls.__setitem__(e["requestId"], e["request"]["url"]))
        session.on("Network.loadingFinished", self._http)
        session.on("Network.webSocketFrameReceived", self._frame)

    def _http(self, event) -> None:
        path = "/" + self._urls.get(event["requestId"], "").split("/", 3)[-1]
        self.by_kind[kind(path)] += int(event.get("encodedDataLength") or 0)

    def _frame(self, event) -> None:
        response = event["response"]
        data = response["payloadData"]
        size = len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode("utf-8"))
        self.by_kind["websocket"] += size
        self.largest_ws = max(self.largest_ws, size)


def visit(browser, url: str) -> tuple[float, Received]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    received = Received(page)
    start = time.perf_counter()
    page.goto(url)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 100, what="the map painted")
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(300)
    context.close()  # closes the websocket: nginx logs it now
    return elapsed, received


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    nginx_totals, direct_totals, nginx_times, direct_times = [], [], [], []
    nginx_kinds: list[dict[str, int]] = []
    direct_kinds: list[dict[str, int]] = []
    largest, english = [], []
    with served(1) as (url, run_dir, ports), chromium() as browser:
        visit(browser, url)  # warm the server's caches: every visit after the first is measured
        for _ in range(args.runs):
            _, lines = wire_from_log(run_dir, 0)
            seconds, _ = visit(browser, url)
            time.sleep(1.0)
            wire, _ = wire_from_log(run_dir, lines)
            nginx_kinds.append(wire)
            nginx_totals.append(sum(wire.values()))
            nginx_times.append(seconds)
            seconds, received = visit(browser, f"http://127.0.0.1:{ports[0]}/")
            direct_kinds.append(dict(received.by_kind))
            direct_totals.append(sum(received.by_kind.values()))
            direct_times.append(seconds)
            largest.append(received.largest_ws)
            _, lines = wire_from_log(run_dir, 0)
            visit(browser, url + "?lang=en")
            time.sleep(1.0)
            english.append(sum(wire_from_log(run_dir, lines)[0].values()))
    print(f"### First visit until the map is painted\n\nMedian of {args.runs} runs. Machine: {machine()}.\n")
    print("| figure | through nginx (wire) | straight to Streamlit | ratio |")
    print("|---|---|---|---|")
    print(f"| bytes | {kb(median(nginx_totals))} | {kb(median(direct_totals))} | "
          f"{median(nginx_totals) / median(direct_totals):.2f} |")  # fmt: skip
    print(f"| bytes, in MB (10^6) | {median(nginx_totals) / 1e6:.3f} MB | {median(direct_totals) / 1e6:.3f} MB | |")
    print(f"| … first visit in English (the other language's data) | {kb(median(english))} | | |")
    print(f"| map painted after | {median(nginx_times):.2f} s | {median(direct_times):.2f} s | "
          f"{median(nginx_times) / median(direct_times):.2f} |")  # fmt: skip
    for name in sorted({k for d in nginx_kinds + direct_kinds for k in d}):
        a = median([d.get(name, 0) for d in nginx_kinds])
        b = median([d.get(name, 0) for d in direct_kinds])
        print(f"| … {name} | {kb(a)} | {kb(b)} | {a / b if b else float('nan'):.2f} |")
    print(f"\nLargest websocket message (the map element, as delivered): {kb(median(largest))}.")


if __name__ == "__main__":
    main()
