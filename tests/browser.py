"""Headless Chromium (Debian's `chromium`, driven by Playwright) and a Streamlit server for tests.

No test downloads a browser. Without Chromium a browser test is skipped locally and
fails in CI (CI=true), so a missing install step cannot hide.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Path of the system Chromium; skip (or fail in CI) when it is not installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A Playwright Chromium browser on the system binary."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev installs it
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    executable = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_process(
    app_dir: Path, script: str = "dashboard.py", *, timeout: float = 90.0, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `streamlit run <script>` in `app_dir` (with `env` added to the environment); yield its
    URL and process once it answers."""
    port = _free_port()
    log = (Path(tempfile.gettempdir()) / f"yq-streamlit-{port}.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=app_dir,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer within {timeout} s")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def streamlit_server(app_dir: Path, *, timeout: float = 90.0) -> Iterator[str]:
    """Run the dashboard in `app_dir`; yield its URL once it answers."""
    with streamlit_process(app_dir, timeout=timeout) as (url, _):
        yield url


def wait_for(page, predicate, *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; return it.

    Waits with ``page.wait_for_timeout`` so Playwright keeps processing events (new
    frames, navigation) between polls; a plain ``time.sleep`` would freeze them.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - frames come and go while the page reruns
            last_error = exc
        page.wait_for_timeout(interval * 1000)
    raise TimeoutError(f"timed out waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def offline_page(chromium, path: Path, size: tuple[int, int] = (1280, 720)):
    """A page opening the file `path` that may reach nothing but itself (file: and data: URLs);
    returns the page and the list the requests it tried elsewhere go to."""
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, outside


def idle(page, quiet: float = 1.5) -> None:
    """Wait until no rerun has shown for `quiet` seconds (an upload or the map's first reports
    rerun the page for a while; a click or a select opened meanwhile can be lost: issue 26)."""
    still = {"since": None}

    def settled() -> bool:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        now = time.monotonic()
        still["since"] = None if running else (still["since"] or now)
        return still["since"] is not None and now - still["since"] >= quiet

    wait_for(page, settled, timeout=60, what="the app idle")


def map_frame(page):
    """The streamlit-folium iframe once its Leaflet map exists."""

    def find():
        for frame in page.frames:
            if "streamlit_folium" in frame.url and frame.evaluate("typeof window.map === 'object'"):
                return frame
        return None

    return wait_for(page, find, timeout=60, what="the map iframe")


def painted(frame) -> int:
    """Number of interactive features Leaflet has drawn."""
    return int(frame.evaluate("document.querySelectorAll('path.leaflet-interactive').length"))


# --- deploy/serve: which replica serves a browser, read from nginx's access log -----------------
ACCESS_LOG = re.compile(r'"(?:GET|POST|PUT|HEAD) (\S+) [^"]*" (\d+) (\d+) replica=(\S+) sticky=(\S+)')
# what decides the map a page shows, read from the state the page last applied
SHOWN_STATE = """(() => { const s = window.parent.yqState || {};
  return {session: s.session, lang: s.lang, visible: s.visible, selection: s.selection && s.selection.key,
          year: s.year && s.year.key, basemap: s.basemap && s.basemap.key, present: s.present}; })()"""


def access_log(run_dir: Path) -> list[tuple[str, str, str]]:
    """(path, replica, sticky id) of every proxied request so far."""
    lines = (run_dir / "access.log").read_text(encoding="utf-8").splitlines()
    return [
        (m.group(1), m.group(4), m.group(5)) for line in lines if (m := ACCESS_LOG.search(line)) and m.group(4) != "-"
    ]


def sticky_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "yq_replica")


def replica_of(url: str, run_dir: Path, sticky: str) -> str:
    """The replica nginx sends a browser to now (a websocket is logged only when it closes, so ask
    with its cookie and read where that request went)."""

    def tried() -> list[str]:
        return [replica for _path, replica, s in access_log(run_dir) if s == sticky]

    before = len(tried())
    request = urllib.request.Request(url + "/_stcore/host-config", headers={"Cookie": f"yq_replica={sticky}"})
    urllib.request.urlopen(request).close()
    deadline = time.monotonic() + 5
    while len(tried()) == before and time.monotonic() < deadline:  # nginx logs after it has answered
        time.sleep(0.05)
    return tried()[-1].split(", ")[-1]  # "dead:port, other:port" when nginx had to try the next one


def same_map_from_another_session(shown: dict, before: dict) -> bool:
    """Whether a page shows `before`'s map (see SHOWN_STATE) as drawn by another Streamlit session."""
    rest = {k: v for k, v in shown.items() if k != "session"}
    return shown["session"] != before["session"] and rest == {k: v for k, v in before.items() if k != "session"}


def after_failover(page, before: dict, timeout: float = 90.0) -> None:
    """Once a page's websocket went to another replica, act as the reader would and check the map.

    A session that ended while its page was idle leaves the page showing its map; the other
    replica starts a new session on the reader's next action, from the link — the same map — and
    applies that action, the first click after the failover: switching 铁路/Railways off takes it
    off, everything else as before. The click after works as usual: switched on again."""
    label = "Railways" if before["lang"] == "en" else "铁路"
    box = page.get_by_role("checkbox", name=label, exact=True)
    toggle = page.locator('section[data-testid="stSidebar"] label').filter(has=box).first
    frame = map_frame(page)
    toggle.click()
    without = {**before, "visible": [v for v in before["visible"] if v != "rail"]}
    wait_for(page, lambda: same_map_from_another_session(frame.evaluate(SHOWN_STATE), without), timeout=timeout,
             what="the same map from the other replica's session, with the first click applied")  # fmt: skip
    idle(page)
    toggle.click()
    wait_for(page, lambda: same_map_from_another_session(frame.evaluate(SHOWN_STATE), before), timeout=timeout,
             what="the next action answered")  # fmt: skip


# --- the dashboard's sidebar, as a reader uses it ---------------------------------------------
def sidebar(page):
    return page.locator('section[data-testid="stSidebar"]')


def switch(page, label: str) -> None:
    """Click a layer's switch in the sidebar, as a reader does."""
    box = page.get_by_role("checkbox", name=label, exact=True)
    sidebar(page).locator("label").filter(has=box).first.click()
    idle(page)


def upload(page, path: Path) -> None:
    page.get_by_text("添加我的图层").click()
    page.get_by_text("上传文件").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.locator('[data-testid="stFileUploaderDropzone"]').filter(has_text=re.compile(r"\d(\.\d)?\s*[KM]?B")).wait_for(
        timeout=60_000
    )
    idle(page)  # the finished upload reruns the app: a click during that rerun is lost (issue 26)
    page.get_by_role("button", name="添加图层").click()
    page.get_by_text(f"我的图层：{path.name}").first.wait_for(timeout=60_000)
    idle(page)


def open_save_panel(page) -> None:
    if not page.get_by_label("标题（中文）").is_visible():
        page.get_by_text("保存与分享").click()
        page.get_by_label("标题（中文）").wait_for()


def fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Tab")  # Streamlit takes a text box's value when it loses focus
    idle(page)


def save(page, button: str = "保存地图") -> tuple[str, str | None]:
    """Press a save button; the view link and (for a new map) the edit link it shows."""
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(re.compile("^已保存：")).wait_for(timeout=30_000)
    idle(page)
    view = page.get_by_label("查看链接（任何人可打开，不能修改）").input_value()
    edit_box = page.locator(".st-key-saved_edit_link input")
    return view, edit_box.input_value() if edit_box.count() else None


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the select box `label` (its list opens on a click in its input)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input")
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a click landing as the sidebar settles after a rerun may only focus the box
        box.click()
        try:
            choice.wait_for(timeout=3000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: click again
            continue
    choice.click()
    idle(page)


def open_dashboard(chromium, link: str, size: tuple[int, int] = (1440, 900)):
    """A browser context of its own at `link` (its own cookies: a reader who never saw the map),
    once the map has painted and the page is idle: (context, page, map frame, page errors)."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(link)
    frame = map_frame(page)
    wait_for(page, lambda: painted(frame) > 50, what="the map painted", timeout=60)
    idle(page)
    return context, page, frame, errors


def save_as(page, title: str) -> tuple[str, str | None]:
    """Save the map under the Chinese title `title`: its view link and edit link."""
    open_save_panel(page)
    fill(page, "标题（中文）", title)
    return save(page)
