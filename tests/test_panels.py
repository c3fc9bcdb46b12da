"""What the dashboard's panels show and what the map's reports do, computed without Streamlit."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

from geo import state as ms
from geo.app import panels
from geo.app.picking import after_report
from geo.app.search import search
from geo.data.basemaps import basemap_by_id, find_key, load_basemaps
from geo.data.views import load_views
from geo.i18n import ui
from geo.links import from_query, share_link
from geo.spatial.camera import Camera

BASEMAPS = load_basemaps()
CLICK = {"last_active_drawing": {"properties": {"layer": "scope_yanbian", "id": "520330"}}}


def test_a_click_selects_once_and_a_pan_is_kept_only_after_the_apps_own_move(layerset):
    s = ms.go_to(ms.initial(layerset), layerset, ("scope_yanbian", "520330"))  # the app moved the map
    pan = {"center": {"lat": 28.5, "lng": 106.9}, "zoom": 10}
    # the map has not shown the app's move yet (seen_seq is the old one): its old camera is not taken
    early, seen, _ = after_report(s, layerset, pan, "wgs84", seen_seq=s.camera_seq - 1, last_click=(None, None))
    assert ms.where(early) == s.camera and seen == s.camera_seq
    moved, _, _ = after_report(s, layerset, pan, "wgs84", seen_seq=s.camera_seq, last_click=(None, None))
    assert ms.where(moved) == Camera(centre=(28.5, 106.9), zoom=10) and moved.camera_seq == s.camera_seq
    # the app's own move stays what the browser is sent: a pan reported before the browser drew
    # that move (a fast rerun skipped its state) can never replace it
    assert moved.camera == s.camera
    # links and files show where the reader is
    assert ms.settled(moved).camera == Camera(centre=(28.5, 106.9), zoom=10)

    cleared = ms.clear_selection(ms.initial(layerset))
    picked, _, click = after_report(cleared, layerset, CLICK, "wgs84", seen_seq=0, last_click=(None, None))
    assert picked.selection == ("scope_yanbian", "520330") and "scope_yanbian" in picked.visible
    # the same report on the next rerun does not select it again after the reader cleared it
    again, _, _ = after_report(ms.clear_selection(picked), layerset, CLICK, "wgs84", seen_seq=0, last_click=click)
    assert again.selection is None


def test_widgets_are_set_from_the_state(layerset):
    s = ms.set_lang(ms.set_visible(ms.initial(layerset), layerset, ("rail",)), "en")
    values = panels.widget_values(s, layerset)
    assert values["show_rail"] is True and values["show_border"] is False
    assert values["lang_choice"] == "en" and values["basemap_choice_en"] == "offline"
    assert "basemap_choice_zh" not in values  # the other language's picker is left alone


def test_presentation_heading_counts_the_steps(layerset, catalog):
    views = load_views(catalog)
    second = ms.open_view(ms.initial(layerset), layerset, views[1])
    position, title = panels.present_heading(second, layerset, views)
    assert position == f"2 / {len(views)}" and title == views[1].title.get("zh")
    position, title = panels.present_heading(ms.initial(layerset), layerset, views)
    assert position == f"– / {len(views)}" and title == catalog.title.get("zh")


def test_layer_switches_mark_what_is_on(layerset):
    s = ms.set_visible(ms.initial(layerset), layerset, ("rail",))
    rows = {i: (label, on) for i, label, on in panels.layer_switches(s, layerset)}
    assert rows["rail"][1] is True and rows["rail"][0].startswith("☑ ")
    assert rows["border"] == ("☐ " + layerset.catalog.layer("border").title.get("zh"), False)


def test_search_results_are_labelled_in_the_readers_language(layerset):
    hits = search(layerset, "綦江")
    zh, en = panels.hit_labels(layerset, hits, "zh"), panels.hit_labels(layerset, hits, "en")
    assert any(label.startswith("綦江区") and " — " in label for label in zh.values())
    assert any(label.startswith("Qijiang") for label in en.values())


def test_a_prepared_file_follows_pans_but_not_other_changes(layerset):
    day = dt.date(2026, 11, 27)
    s = ms.initial(layerset)
    panned = ms.moved_by_user(s, Camera(centre=(29.0, 106.5), zoom=9))
    assert panels.prepared_token(s, day) == panels.prepared_token(panned, day)
    assert panels.prepared_token(s, day) != panels.prepared_token(ms.set_lang(s, "en"), day)
    assert panels.prepared_token(s, day) != panels.prepared_token(s, day + dt.timedelta(days=1))
    assert panels.download_name(s, "pdf", day) == "yuqian-map-map-2026-11-27.pdf"


def test_a_shared_link_reopens_the_state(layerset, catalog):
    views = load_views(catalog)
    s = ms.select(ms.set_lang(ms.initial(layerset), "en"), layerset, ("rail", "yugui"), zoom_to=True)
    link = share_link("http://localhost:8501/?old=1", s)
    assert link.startswith("http://localhost:8501/?") and "old=" not in link
    back, notices = from_query(dict(parse_qsl(urlsplit(link).query)), layerset, views, BASEMAPS)
    assert notices == [] and (back.lang, back.selection, back.visible) == (s.lang, s.selection, s.visible)


def test_a_key_source_that_cannot_be_read_is_skipped():
    class NoSecretsFile(dict):
        def get(self, *_):
            raise FileNotFoundError("no secrets.toml")

    keyed = next(b for b in BASEMAPS if b.key_env)
    assert find_key(keyed, NoSecretsFile(), {keyed.key_env: " k1 "}) == "k1"
    assert find_key(keyed, NoSecretsFile()) is None
    assert panels.basemap_label(keyed, False, "en") == keyed.name.get("en") + " — " + ui("needs_key", "en")
    assert panels.basemap_label(keyed, True, "en") == keyed.name.get("en")
    assert basemap_by_id(BASEMAPS, "offline").needs_key is False


def test_a_prepared_file_stays_the_same_while_only_the_view_moves():
    store: dict = {}
    first = panels.held(store, "held_html", "token-a", b"map as prepared")
    again = panels.held(store, "held_html", "token-a", b"map remade after a pan")
    assert first == again == b"map as prepared"  # a reader fetching it meanwhile still gets it
    assert panels.held(store, "held_html", "token-b", b"another map") == b"another map"
