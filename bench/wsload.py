"""Server capacity at the protocol level: many sessions speaking Streamlit's websocket, no browser.

    python -m bench.wsload [--sessions 100] [--seconds 60] [--replicas 2] [--think 3 8]

Each simulated reader does what the page does, message for message: a websocket to
``/_stcore/stream`` through deploy/serve (nginx, `--replicas` Streamlit processes, a sticky
cookie of its own), a ``BackMsg`` asking for the first run, and the ``cached_message_hashes`` of
what it already received, as the browser keeps them. Then, every `--think` seconds (uniform),
what readers do: switch a layer (铁路, 县区 …), switch the language, pick another year, and now
and then prepare the map's HTML export — each the ``BackMsg`` the page would send, with the
widget's new value under the widget id found in the ``ForwardMsg`` deltas the session received.
An action's latency runs from sending it to the ``ForwardMsg`` saying the run finished.

Errors: a run that shows an exception, ends other than successfully, takes more than 30 s, or a
connection refused or closed. Sessions open over the first `--ramp` seconds and all act for
`--seconds`; CPU time and peak resident memory of every replica are read from /proc.
Streamlit's maintainers suggest load tools at this level (streamlit#723): a browser per session
measures the browsers, not the server (bench/load.py runs 6 real Chromium sessions beside it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

from bench.common import machine, rss_kb
from bench.serving import replica_pids, served
from geo.app import keys

RUN_TIMEOUT = 30.0
LAYERS = ("rail", "counties", "parks", "scope_yanxian")
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


class RunFailed(Exception):
    """A run the reader would see fail (an exception shown, a run that did not finish)."""


@dataclass
class Widget:
    id: str
    kind: str
    options: list[str] = field(default_factory=list)
    value: object = None


@dataclass
class Reader:
    """One simulated reader: its websocket, what it has cached and the widgets it was sent."""

    url: str
    query: str = ""
    ws: ClientConnection | None = None
    cached: set[str] = field(default_factory=set)
    widgets: dict[str, Widget] = field(default_factory=dict)
    script_hash: str = ""
    lang: str = "zh"

    async def open(self) -> float:
        self.url = self.url.rstrip("/")
        host = self.url.split("//", 1)[1]
        self.ws = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.url,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"yq_replica={secrets.token_hex(16)}"},
            max_size=None,
            open_timeout=RUN_TIMEOUT,
        )
        return await self.run([])

    async def run(self, changed: list[WidgetState]) -> float:
        """Send one rerun with `changed` widget values; seconds until the run finished."""
        assert self.ws is not None
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_script_hash = self.query, self.script_hash
        state.widget_states.widgets.extend(changed)
        state.cached_message_hashes.extend(sorted(self.cached))
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        async with asyncio.timeout(RUN_TIMEOUT):
            while True:
                msg = ForwardMsg.FromString(await self.ws.recv())  # type: ignore[arg-type]
                self._take(msg)
                if msg.WhichOneof("type") == "script_finished":
                    if msg.script_finished == FINISHED:
                        return time.perf_counter() - started
                    if msg.script_finished != EARLY:
                        raise RunFailed(f"run ended {ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}")

    def _take(self, msg: ForwardMsg) -> None:
        if msg.metadata.cacheable and msg.hash:
            self.cached.add(msg.hash)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.script_hash = msg.new_session.main_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            if name == "exception":
                raise RunFailed(f"exception shown: {element.exception.message[:200]}")
            found = getattr(element, name, None)
            widget_id = getattr(found, "id", "")
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                options = list(getattr(found, "options", []) or [])
                self.widgets[widget_id.split("-", 2)[-1]] = Widget(widget_id, name, options, _value(found, name))

    async def act(self, rng: random.Random) -> tuple[str, float]:
        """One reader action, chosen as a planner might; its name and latency."""
        roll = rng.random()
        if roll < 0.55:
            layer = rng.choice([k for k in LAYERS if keys.show(k) in self.widgets] or ["rail"])
            widget = self.widgets[keys.show(layer)]
            widget.value = not widget.value
            return "switch a layer", await self.run([WidgetState(id=widget.id, bool_value=bool(widget.value))])
        if roll < 0.7:
            widget = self.widgets[keys.LANG_CHOICE]
            other = next(o for o in widget.options if o != widget.value)
            widget.value, self.lang = other, "en" if other == "English" else "zh"
            return "switch the language", await self.run([WidgetState(id=widget.id, string_value=other)])
        if roll < 0.93:
            widget = self.widgets[keys.year_pick(self.lang)]  # type: ignore[arg-type]
            other = rng.choice([o for o in widget.options if o != widget.value])
            widget.value = other
            return "pick a year", await self.run([WidgetState(id=widget.id, string_value=other)])
        widget = self.widgets["prepare_html"]
        return "prepare the HTML export", await self.run([WidgetState(id=widget.id, trigger_value=True)])


def _value(found: object, kind: str) -> object:
    if kind == "checkbox":
        return bool(getattr(found, "value", False) or getattr(found, "default", False))
    options = list(getattr(found, "options", []) or [])
    raw = getattr(found, "raw_value", None) or getattr(found, "value", None)
    if isinstance(raw, str) and raw:
        return raw
    default = getattr(found, "default", None)
    if kind in ("radio", "selectbox") and options:
        index = default[0] if hasattr(default, "__len__") and default else default
        return options[index] if isinstance(index, int) and index < len(options) else options[0]
    return None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    opened: int = 0


async def reader_life(
    url: str, start_at: float, stop_at: float, think: tuple[float, float], tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    reader = Reader(url)
    try:
        tally.latencies["open a session (first run)"].append(await reader.open())
        tally.opened += 1
        while time.monotonic() < stop_at:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= stop_at:
                break
            name, seconds = await reader.act(rng)
            tally.latencies[name].append(seconds)
    except (RunFailed, TimeoutError, OSError, KeyError, StopIteration) as exc:
        tally.errors.append(f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a closed websocket and the like: an error the reader sees
        tally.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if reader.ws is not None:
            await reader.ws.close()


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def watch(pids: list[int], until: float, peaks: dict[int, float]) -> None:
    while time.monotonic() < until:
        for pid in pids:
            peaks[pid] = max(peaks.get(pid, 0.0), rss_kb(pid) / 1024)
        await asyncio.sleep(1.0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def load(
    url: str, pids: list[int], args: argparse.Namespace
) -> tuple[Tally, dict[int, float], dict[int, float], dict[int, float]]:
    tally, peaks = Tally(), {}
    idle = {pid: rss_kb(pid) / 1024 for pid in pids}
    cpu_before = {pid: _cpu_seconds(pid) for pid in pids}
    now = time.monotonic()
    stop_at = now + args.ramp + args.seconds
    lives = [
        reader_life(url, now + args.ramp * i / args.sessions, stop_at, tuple(args.think), tally, i)
        for i in range(args.sessions)
    ]
    await asyncio.gather(watch(pids, stop_at + 5, peaks), *lives)
    cpu = {pid: _cpu_seconds(pid) - cpu_before[pid] for pid in pids}
    return tally, idle, peaks, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long every session acts")
    parser.add_argument("--ramp", type=float, default=30.0, help="sessions open over this many seconds first")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), help="seconds between a reader's actions")
    args = parser.parse_args()
    with served(args.replicas) as (url, run_dir, _):
        pids = replica_pids(run_dir)
        asyncio.run(Reader(url).open())  # a first run per replica loads the layers: not counted
        asyncio.run(Reader(url).open())
        started, own_cpu = time.monotonic(), time.process_time()
        tally, idle, peaks, cpu = asyncio.run(load(url.rstrip("/"), pids, args))
        wall, own_cpu = time.monotonic() - started, time.process_time() - own_cpu
    cores = os.cpu_count() or 1
    print(f"### {args.sessions} sessions at the protocol level through deploy/serve ({args.replicas} replicas)\n")
    print(f"Machine: {machine()}. Sessions opened over {args.ramp:.0f} s, then all acted for {args.seconds:.0f} s, "
          f"one action every {args.think[0]:.0f}–{args.think[1]:.0f} s each.\n")  # fmt: skip
    print(f"Sessions opened: {tally.opened} / {args.sessions}. Errors: **{len(tally.errors)}**.\n")
    print("| action | count | p50 (ms) | p95 (ms) | p99 (ms) |\n|---|---|---|---|---|")
    for name, values in tally.latencies.items():
        p = [percentile(values, q) * 1000 for q in (50, 95, 99)]
        print(f"| {name} | {len(values)} | {p[0]:.0f} | {p[1]:.0f} | {p[2]:.0f} |")
    print("\n| replica | CPU (% of one core, mean) | memory idle → peak (MB) |\n|---|---|---|")
    for number, pid in enumerate(pids, 1):
        print(f"| {number} | {100 * cpu[pid] / wall:.0f} | {idle[pid]:.0f} → {peaks.get(pid, 0):.0f} |")
    print(f"| the load client (this process) | {100 * own_cpu / wall:.0f} | — |")
    used = sum(cpu.values()) / wall
    print(f"\nCPU used: {used:.2f} of {cores} cores by the replicas: {args.sessions / cores:.0f} sessions per core "
          f"({'saturated' if used > 0.8 * cores else 'not saturated'}).")  # fmt: skip
    for error in sorted(set(tally.errors))[:10]:
        print(f"- error: {error}")


if __name__ == "__main__":
    main()
