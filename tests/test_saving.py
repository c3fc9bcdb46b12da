"""Saving and sharing in the dashboard, in Chromium: a map saved with an uploaded layer opens from
its view link in a fresh browser; the view link cannot change it and the edit link can; two tabs
saving the same map conflict and the second keeps its work as a copy; a three-step story is built,
saved, opened elsewhere and presented with PageDown; hostile titles stay text."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from tests.browser import (
    SHOWN_STATE,
    fill,
    idle,
    open_dashboard,
    open_save_panel,
    pick,
    save,
    save_as,
    sidebar,
    switch,
    upload,
    wait_for,
)

HOSTILE_TITLE = "<img src=x onerror=alert(1)> {{ 7*7 }} '); DROP TABLE saved_maps;--"


def _shown(frame) -> dict:
    return frame.evaluate(SHOWN_STATE)


def _plots(tmp_path: Path) -> Path:
    layer = tmp_path / "plots.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"name": "地块 A"},
            "geometry": {"type": "Point", "coordinates": [106.9, 28.6]},
        },
        {
            "type": "Feature",
            "properties": {"name": "地块 B"},
            "geometry": {"type": "Point", "coordinates": [107.2, 28.1]},
        },
    ]
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return layer


def test_a_saved_map_opens_from_its_view_link_and_only_the_edit_link_changes_it(chromium, app, tmp_path):
    url, data = app
    context, page, frame, errors = open_dashboard(chromium, url + "/?year=2019")
    upload(page, _plots(tmp_path))
    switch(page, "铁路")  # off: the saved map differs from the default
    open_save_panel(page)
    fill(page, "标题（中文）", HOSTILE_TITLE)
    fill(page, "作者（可选）", "规划科")
    view, edit = save(page)
    assert re.fullmatch(re.escape(url) + r"/\?map=[A-Za-z0-9_-]{16}", view), view
    assert edit and edit.startswith(view + "&edit=") and edit not in page.url and "edit=" not in page.url
    before = _shown(frame)
    assert "user_plots" in before["visible"] and "rail" not in before["visible"] and before["year"] == "2019"
    context.close()

    # the view link, in a browser that never saw the map: the same map, its uploaded layer included
    context, page, frame, errors = open_dashboard(chromium, view)
    shown = _shown(frame)
    assert shown["visible"] == before["visible"] and shown["year"] == "2019"
    assert page.get_by_text("我的图层：plots.geojson").count() >= 1
    assert (
        frame.evaluate("yq.layerIds().includes('user_plots')")
        if frame.evaluate("!!(window.yq && yq.layerIds)")
        else True
    )
    open_save_panel(page)
    assert page.get_by_text(f"正在查看已保存的“{HOSTILE_TITLE}”", exact=False).count() == 1  # shown as text
    assert page.locator("img[src='x']").count() == 0
    assert page.get_by_role("button", name="保存修改").count() == 0  # it cannot change what is stored
    assert page.get_by_role("button", name="删除这张已保存的地图").count() == 0
    switch(page, "铁路")  # exploring is free …
    context.close()
    context, page, frame, _ = open_dashboard(chromium, view)  # … and changes nothing stored
    assert "rail" not in _shown(frame)["visible"]
    context.close()

    # the edit link can: switch 园区 off and save the changes; the view link then shows that
    context, page, frame, errors2 = open_dashboard(chromium, edit)
    assert "edit=" not in page.url  # the token leaves the address bar at once
    switch(page, "园区、港口、保税区")
    open_save_panel(page)
    save(page, "保存修改")
    context.close()
    context, page, frame, _ = open_dashboard(chromium, view)
    assert "parks" not in _shown(frame)["visible"] and "user_plots" in _shown(frame)["visible"]
    page.get_by_text("已保存的地图").click()  # drawn as it opens (the closed panel asks the database nothing)
    entry = page.get_by_role("button", name=re.compile(re.escape("<img src=x")))
    entry.first.wait_for(timeout=30_000)
    assert entry.count() == 1  # the list, as text
    assert errors == [] and errors2 == []
    context.close()
    token = edit.split("edit=", 1)[1]
    log = Path(tempfile.gettempdir()) / f"yq-streamlit-{url.rsplit(':', 1)[1]}.log"
    assert token not in log.read_text(encoding="utf-8")  # never logged …
    stored = b"".join(f.read_bytes() for f in data.iterdir() if f.is_file())
    assert token.encode() not in stored and b"user_plots" in stored  # … nor stored; the layer is


def test_two_tabs_saving_the_same_map_conflict_and_the_second_saves_a_copy(chromium, app):
    url, _ = app
    context, page, frame, _ = open_dashboard(chromium, url)
    view, edit = save_as(page, "两个标签页")
    context.close()
    tab_a = open_dashboard(chromium, edit)
    tab_b = open_dashboard(chromium, edit)
    for (_, page, _, _), layer in ((tab_a, "铁路"), (tab_b, "园区、港口、保税区")):
        switch(page, layer)
        open_save_panel(page)
    page_a, page_b = tab_a[1], tab_b[1]
    page_a.get_by_role("button", name="保存修改").click()
    page_a.get_by_text(re.compile("^已保存：")).wait_for(timeout=30_000)
    page_b.get_by_role("button", name="保存修改").click()
    page_b.get_by_text(re.compile("在你打开后已被他人保存")).wait_for(timeout=30_000)  # told, nothing written
    idle(page_b)
    copy_view, copy_edit = save(page_b, "另存为副本")
    assert copy_view != view and copy_edit
    for link, off in ((view, "rail"), (copy_view, "parks")):  # neither version lost
        context, page, frame, _ = open_dashboard(chromium, link)
        visible = _shown(frame)["visible"]
        assert off not in visible and {"rail", "parks"} - {off} <= set(visible), (link, visible)
        context.close()
    tab_a[0].close()
    tab_b[0].close()


def test_a_three_step_story_is_saved_opened_elsewhere_and_presented_with_page_down(chromium, app):
    url, _ = app
    context, page, frame, errors = open_dashboard(chromium, url)
    open_save_panel(page)
    fill(page, "标题（中文）", "明日会议")
    for caption, query in (("第一步：全区", None), ("第二步：一核", "core"), ("第三步：铁路", "rail")):
        if query == "core":
            pick(page, "预设视图", "沿线与一核：核心区")
        elif query == "rail":
            switch(page, "铁路")
        fill(page, "本步说明（中文）", caption)
        page.get_by_role("button", name="把当前地图添加为一步").click()
        page.get_by_text(caption).first.wait_for()
        idle(page)
    page.get_by_role("button", name="更多").nth(2).click()  # reorder: step 3 before step 2 …
    page.get_by_role("button", name="上移").click()
    idle(page)
    order = lambda: [sidebar(page).inner_text().index(c) for c in ("第一步：全区", "第二步：一核", "第三步：铁路")]  # noqa: E731
    assert order()[0] < order()[2] < order()[1]
    page.get_by_role("button", name="更多").nth(1).click()  # … and back
    page.get_by_role("button", name="下移").click()
    idle(page)
    assert order()[0] < order()[1] < order()[2]
    steps = page.locator(".st-key-step_show_0, .st-key-step_show_1, .st-key-step_show_2")
    assert steps.count() == 3
    page.get_by_role("button", name="保存演示（3 步）").click()
    page.get_by_text(re.compile("^已保存：")).wait_for(timeout=30_000)
    idle(page)
    view = page.get_by_label("查看链接（任何人可打开，不能修改）").input_value()
    context.close()

    context, page, frame, errors = open_dashboard(chromium, view + "&present=1")
    step = page.locator(".yq-step")
    wait_for(page, lambda: step.inner_text().strip() == "1 / 3", what="the story's first step")
    assert "明日会议" in page.locator(".yq-present-title").inner_text()
    caption = "(document.querySelector('.yq-caption') || {}).innerText || ''"
    wait_for(page, lambda: "第一步：全区" in frame.evaluate(caption), what="step 1's caption on the map")
    page.keyboard.press("PageDown")
    wait_for(page, lambda: step.inner_text().strip() == "2 / 3", what="PageDown to step 2")
    core = lambda: _shown(frame)["selection"] == "scope_yanxian/500110" and "rail" in _shown(frame)["visible"]  # noqa: E731
    wait_for(page, core, what="step 2: the core view's layers and highlight")
    assert "第二步：一核" in frame.evaluate(caption)
    page.keyboard.press("PageDown")
    wait_for(page, lambda: step.inner_text().strip() == "3 / 3", what="PageDown to step 3")
    wait_for(page, lambda: "rail" not in _shown(frame)["visible"], what="step 3: railways off")
    assert "第三步：铁路" in frame.evaluate(caption)
    assert errors == []
    context.close()


@pytest.mark.parametrize("link", ["?map=AAAAAAAAAAAAAAAA", "?map=../../etc", "?map=AAAAAAAAAAAAAAAA&edit=forged"])
def test_a_wrong_saved_map_link_gives_one_notice_and_the_default_map(chromium, app, layerset, link):
    url, _ = app
    context, page, frame, errors = open_dashboard(chromium, url + "/" + link)
    notice = page.locator('[data-testid="stAlert"]').first
    notice.wait_for(timeout=30_000)
    assert "显示默认地图" in notice.inner_text()
    assert set(_shown(frame)["visible"]) == set(layerset.catalog.default_visible())
    assert errors == []
    context.close()


def test_an_upload_is_added_even_when_add_layer_is_clicked_as_it_finishes(chromium, app, tmp_path):
    url, _ = app
    context, page, frame, errors = open_dashboard(chromium, url)
    page.get_by_text("添加我的图层").click()
    page.get_by_text("上传文件").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(_plots(tmp_path)))
    page.get_by_role("button", name="添加图层").click()  # at once, while the upload's rerun may still run
    wait_for(page, lambda: "user_plots" in (_shown(frame)["visible"] or []), what="the layer on the map")
    assert page.get_by_text("我的图层：plots.geojson").count() >= 1 and errors == []
    context.close()
