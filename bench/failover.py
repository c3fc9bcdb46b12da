"""When a replica dies: how long until its page works again on the same map, through nginx.

    python -m bench.failover [--runs 3]

Each run starts deploy/serve with 2 replicas (restarts off), opens a map with a view, a language,
a year and a selection, kills the replica serving it (SIGKILL, as a crash would), waits for the
page's new websocket (to the other replica), then acts as a reader: a first click switches the
railways off (it starts the other replica's session on the same map, from the link, and is
applied there), a second switches them on again. Timed from the kill to that.
"""

from __future__ import annotations

import argparse
import os
import signal
import time

from bench.common import chromium, machine, median
from bench.serving import replica_pids, served
from tests.browser import (
    SHOWN_STATE,
    after_failover,
    map_frame,
    painted,
    replica_of,
    sticky_cookie,
    wait_for,
)

QUERY = "?view=core&lang=en&year=2019&sel=scope_yanxian/500110"


def one_run() -> tuple[float, bool]:
    with served(2) as (url, run_dir, ports), chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        sockets: list = []
        page.on("websocket", lambda ws: sockets.append(ws))
        page.goto(url + QUERY)
        frame = map_frame(page)
        wait_for(page, lambda: painted(frame) > 50, what="the map", timeout=60)
        before = frame.evaluate(SHOWN_STATE)
        dead = replica_of(url.rstrip("/"), run_dir, sticky_cookie(context))
        pid = dict(zip(ports, replica_pids(run_dir), strict=True))[int(dead.rsplit(":", 1)[1])]
        opened = len(sockets)
        killed = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        wait_for(page, lambda: len(sockets) > opened, what="a new websocket", timeout=90)
        after_failover(page, before)  # the reader acts; the other replica applies it on the same map
        seconds = time.perf_counter() - killed
        moved = replica_of(url.rstrip("/"), run_dir, sticky_cookie(context)) != dead
        context.close()
        return seconds, moved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run() for _ in range(args.runs)]
    times = [s for s, _ in results]
    print(f"### Failover: a replica killed under an open map\n\nMachine: {machine()}.\n")
    print("| figure | value |\n|---|---|")
    figure = f"kill to working again on the same map, two clicks included (median / max of {args.runs})"
    print(f"| {figure} | {median(times):.1f} s / {max(times):.1f} s |")
    print(f"| pages moved to the other replica | {sum(m for _, m in results)} / {args.runs} |")
    print("| state compared | language, layers, selection, year, basemap, presentation |")


if __name__ == "__main__":
    main()
