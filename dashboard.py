"""渝黔合作先行示范区 dashboard: widgets, callbacks and panels only.

Run with ``streamlit run dashboard.py``. What the user sees is one value, a
:class:`geo.state.MapState` kept in ``st.session_state.map_state``; every callback applies a
transition from :mod:`geo.state` and stores the result. The link, the export and the live
map are renderings of that value, computed in ``geo/``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from geo import state as ms
from geo.app import keys, panels, saving
from geo.app.appdata import AppData
from geo.app.details import details_html, feature_details, unlocated
from geo.app.downloads import features_geojson, features_table
from geo.app.pagestyle import page_css, swatch_css
from geo.app.replay import Callbacks
from geo.app.search import search
from geo.app.summary import headline_html
from geo.app.workspace import Workspace
from geo.data.basemaps import Basemap, find_key
from geo.data.layers import LayerError, LayerSet
from geo.data.timeline import years as years_to_pick
from geo.gis.formats import ENCODING_NAMES, FORMATS, SHAPEFILE_ENCODINGS, format_label
from geo.i18n import LANG_NAMES, LANGS, Lang, Text, ui
from geo.links import from_query
from geo.printing.sheet import Sheet, render
from geo.store.database import StoreError, database_url
from geo.store.store import Store
from geo.uploads import sketches as sk
from geo.uploads.files import Limits
from geo.uploads.held import release_freed_memory
from geo.uploads.layer import ENCODINGS, NO_CRS_CHOICES, UPLOAD_OPTIONS
from geo.web.export import export_html
from geo.web.livemap import gcj_html, numbered, sync_html
from geo.web.livemap import live_groups as make_live_groups
from geo.web.mapview import base_map
from geo.web.popups import md

# what the map reports: the clicked feature's identity (yq.picked), where the reader moved the map
REPORTS = ["last_active_drawing", "last_object_clicked", "center", "zoom"]
MAP_OPTIONS = {"key": keys.MAP, "height": 700, "use_container_width": True, "returned_objects": REPORTS}

st.set_page_config(
    page_title="渝黔合作先行示范区 · Chongqing–Guizhou Pilot Zone", layout="wide", initial_sidebar_state="auto"
)
# the live map's files go over HTTP when Streamlit serves static/ (compressed, cached), else inline
ASSET_BASE = panels.asset_base(st.get_option("server.enableStaticServing"), st.get_option("server.baseUrlPath"))


# --- shared data, read once per process ------------------------------------------------------
@st.cache_resource(show_spinner="加载图层 / Loading layers…")
def shared() -> AppData:
    """The layers, views, basemaps and map data every session shares, read-only."""
    data = AppData()
    _ = data.layers, data.views, data.live_assets(ASSET_BASE), data.headline_in(None)  # made now, under the spinner
    return data


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """Saved maps and stories: an SQLite file in YQ_DATA_DIR, or YQ_DATABASE_URL's PostgreSQL."""
    try:
        limits = Limits.from_env(os.environ)
    except ValueError:
        limits = Limits()  # the upload form says what is misconfigured
    return Store(database_url(os.environ), limits)


@st.cache_data(show_spinner=False, max_entries=96)
def _shared(kind: str, key: str, _make: Callable[[], Any]) -> Any:
    """An output of shared layers only (an export, a table …), cached for every session by `key`."""
    return _make()


def _output(ls: LayerSet, kind: str, key: str, make: Callable[[], Any]) -> Any:
    """`make()`, from the shared cache unless it shows this session's own layers (only it has them)."""
    return make() if set(state().visible) & set(ls.own_layers) else _shared(kind, key, make)


# --- this session ------------------------------------------------------------------------------
def work() -> Workspace:
    """The reader's own work in this session (uploads, sketches, story, the saved map opened)."""
    return Workspace(st.session_state)


def session_layers(year: object = ...) -> LayerSet:
    """The shared layers in the state's year plus this session's own (the live map has every year's)."""
    return work().with_own(shared().in_year(state().year if year is ... else year))  # type: ignore[arg-type]


def views() -> tuple:
    """The story presented (the presenter's keys step through it): the session's steps, else the built-in views."""
    return work().story(shared().views, lambda: session_layers(None), shared().basemaps)  # type: ignore[return-value]


def known_views() -> tuple:
    """Every view a link or the picker can open: the built-in ones, then the session's story's steps."""
    story = views()
    return story if story is shared().views else (*shared().views, *story)


def _per_layers(name: str, ls: LayerSet, make: Callable[[], Any]) -> Any:
    """Something made from this session's own layers, remade only when they change."""
    cached, key = st.session_state.get(name), work().own_key(ls)
    if cached is None or cached[0] != key:
        st.session_state[name] = cached = (key, make())
    return cached[1]


def basemap_key(basemap: Basemap) -> str | None:
    """The user's key for a basemap (environment, then Streamlit secrets; never the repo), once per session."""
    found = st.session_state.setdefault("basemap_keys", {})
    if basemap.id not in found:
        found[basemap.id] = find_key(basemap, os.environ, st.secrets)
    return found[basemap.id]


def _from_link(asked: dict[str, Any]) -> tuple[ms.MapState, list[Text]]:
    return from_query(asked, session_layers(None), known_views(), shared().basemaps, key_for=basemap_key)


def state() -> ms.MapState:
    """The map state. A new session starts from its link (also one whose page outlived its old
    session: its replica died; main() then replays the action it sent); a saved map's link brings it."""
    if "map_state" not in st.session_state:
        map_id, token, asked = saving.link_params(st.query_params.to_dict())
        notices = work().open_link(store(), map_id, token, asked) if map_id else []
        found = _from_link(asked)
        st.session_state.map_state, st.session_state.notices = found[0], notices + found[1]
    return st.session_state.map_state


def commit(new: ms.MapState) -> None:
    st.session_state.map_state = new


# --- callbacks: each applies one transition -------------------------------------------------------
def _do(transition: Callable[..., ms.MapState], *args: Any, widget: str | None = None) -> None:
    """A widget's callback: apply one transition to the state (with the widget's new value last)."""
    value = () if widget is None else (st.session_state[widget],)
    commit(transition(state(), *args, *value))


# this run's widget callbacks (the module runs afresh each run): a new session replays what the
# page sent with its first message (geo.app.replay)
CALLBACKS = Callbacks()
_on = CALLBACKS.on


def _bound(key: str, transition: Callable[..., ms.MapState], *args: Any) -> dict[str, Any]:
    """Widget options that make the widget `key` apply `transition` (with its new value) on change."""
    return _on(key, _do, transition, *args, widget=key)


def _sent_by_browser() -> set[str]:
    """The keys of widgets whose values the browser sent with this run. In a new session these
    come from a page that outlived its old session (its replica died): they hold the reader's
    last action, which Streamlit does not report as a change (no callback ran before). Streamlit
    has no public way to ask before a widget is drawn; this reads its pinned session state."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.state.common import is_keyed_element_id, user_key_from_element_id

    ctx = get_script_run_ctx()
    try:
        widgets = ctx.session_state._state._new_widget_state.keys() if ctx is not None else ()
    except AttributeError:  # another Streamlit: the first action is answered with the link's map
        return set()
    return {str(user_key_from_element_id(wid)) for wid in widgets if is_keyed_element_id(wid)}


def _replay(sent: set[str], values: dict[str, Any]) -> None:
    """After a new session's first run drew its widgets: run the callbacks of those whose browser
    value differs from the link's (the reader's action that reached this session first), then
    rerun so the page shows it."""
    changed, before = CALLBACKS.changed(sent, values, st.session_state), state()
    for callback, args, kwargs in changed:
        callback(*args, **kwargs)
    if keys.MAP in sent:  # the map's report: a click on it, or where the reader moved it
        _on_map_report()
    if changed or state() != before:
        st.rerun()


def _on_basemap() -> None:
    chosen = shared().basemap(st.session_state[keys.basemap_choice(state().lang)])
    new, used = ms.set_basemap(state(), chosen, key=basemap_key(chosen), layerset=session_layers())
    st.session_state.basemap_refused = None if used else chosen.id  # explained under the selector
    commit(new)


def _on_upload() -> None:
    """Read the chosen file; on any problem keep everything as it was and say why."""
    ss = st.session_state
    ss.upload_error = None
    if (upload := ss.get("upload_file")) is None:
        return
    options = {k: ss.get(f"upload_{k}") for k in UPLOAD_OPTIONS}
    try:
        layer_id = work().add_upload(upload.name, upload.getvalue(), options, os.environ)
    except LayerError as exc:
        ss.upload_error = exc
        return
    commit(ms.toggle(state(), session_layers(), layer_id, True))


def _on_save(**how: bool) -> None:
    """Save the map (or, with story=True, the story); copy=True: always as a new one."""
    work().save(store(), state(), **how)


def _on_open(map_id: str | None) -> None:
    """Open a saved map or story from the list (None: the built-in story)."""
    if map_id is None:
        work().forget_story()
        commit(ms.open_view(state(), session_layers(), shared().views[0]))
    elif (asked := work().open_saved(store(), map_id)) is not None:
        commit((found := _from_link(asked))[0])
        st.session_state.notices = found[1]


def _on_step(action: str, index: int = -1) -> None:
    """The story editor; "show" and "present" open a step."""
    if (opened := work().edit_story(state(), action, index)) is not None:
        new = ms.open_view(state(), session_layers(), views()[opened])
        commit(ms.set_present(new, True) if action == "present" else new)


def _on_remove(layer_id: str) -> None:
    commit(work().remove_layer(state(), layer_id))


def _on_map_report() -> None:
    """What the map reported (geo.app.workspace: a click selects, a move is kept, a sketch taken)."""
    crs = shared().basemap(state().basemap).crs
    commit(work().after_report(state(), shared().in_year(state().year), crs))


def _on_sketch_delete(sketch_id: str) -> None:
    work().delete_sketch(sketch_id)
    commit(ms.clear_selection(state()))


# --- panels ------------------------------------------------------------------------------------
def _lazy(label: str, key: str, expanded: bool = False) -> Any | None:
    """An expander whose content is drawn only while it is open (opening or closing it reruns):
    a closed panel costs the browser nothing to draw at a first visit (the React work that made
    the page's long tasks) nor the server anything to resend on each rerun. None when closed."""
    panel = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    return panel if panel.open else None


def _toggles(ls: LayerSet, lang: Lang) -> None:
    st.subheader(ui("layers", lang))
    for group_title, specs in ls.catalog.grouped():
        st.markdown(f"**{md(group_title.get(lang))}**")
        for spec in specs:
            error = ls.errors.get(spec.id)
            bound = _bound(keys.show(spec.id), ms.toggle, ls, spec.id)
            st.checkbox(spec.title.get(lang), disabled=error is not None, help=spec.description.get(lang), **bound)
            if error is not None:
                st.error(f"{ui('layer_error', lang)}: {error.summary_in(lang)}")


def _upload_panel(lang: Lang) -> None:
    users = st.session_state.get("user_layers", {})
    with st.expander(ui("add_layer", lang), expanded=bool(st.session_state.get("upload_error") or users)):
        # the form's widgets are drawn only on request: less to resend on every rerun
        showing = st.toggle(ui("show_upload", lang), key="show_upload")
        if showing:
            # read as soon as the upload ends: an "Add layer" click made while that rerun finishes was lost
            kinds = ["geojson", "json", "zip", "gpkg"]
            st.file_uploader(ui("upload_file", lang), type=kinds, key="upload_file", on_change=_on_upload)
            st.checkbox(ui("upload_gcj", lang), key="upload_gcj")
            choose = ui("choose", lang)
            st.selectbox(ui("upload_crs", lang), NO_CRS_CHOICES, key="upload_crs", placeholder=choose)
            st.selectbox(ui("upload_encoding", lang), ENCODINGS, key="upload_encoding", placeholder=choose)
            st.color_picker(ui("upload_colour", lang), "#e7298a", key="upload_colour")
            st.button(ui("upload_add", lang), on_click=_on_upload, key="upload_add", type="primary")
            if st.session_state.get("upload_error"):
                st.error(st.session_state.upload_error.summary_in(lang))
        for layer_id, (spec, frame, notes) in users.items():
            st.markdown(f"**{md(spec.title.get(lang))}** — {len(frame)} {ui('features', lang)}")
            if showing:
                for note in notes.lines(lang):
                    st.caption(note)
                st.button(ui("remove", lang), key=f"remove_{layer_id}", on_click=_on_remove, args=(layer_id,))


def _save_panel(lang: Lang) -> None:
    """Save and share: the title, author and note, the story's steps, and the links a save gives."""
    ss, opened = st.session_state, st.session_state.get("opened")
    if not (panel := _lazy(ui("save_share", lang), "save_open", bool(ss.get("save_done") or ss.get("save_error")))):
        return
    with panel:
        if opened:
            text = ui("opened_editable" if opened.editable else "opened_view_only", lang)
            st.caption(text.format(title=md(opened.title.get(lang)), version=opened.version))
        st.caption(ui("save_hint", lang))
        for key in ("save_title_zh", "save_title_en", "save_author"):
            st.text_input(ui(key, lang), key=key, max_chars=200 if key != "save_author" else 100)
        st.text_area(ui("save_note", lang), key="save_note", max_chars=4000, height=68)
        editing = bool(opened and opened.editable and opened.kind == "map")
        st.button(
            ui("save_changes" if editing else "save_map", lang), key="save_map", on_click=_on_save, type="primary"
        )
        st.button(ui("save_copy", lang), key="save_copy", on_click=_on_save, kwargs={"copy": True}, disabled=not opened)
        _story_editor(lang)
        if ss.get("save_error"):
            st.error(md(ss.save_error.get(lang)))
        if done := ss.get("save_done"):
            view_link, edit_link = saving.links_for(st.context.url or "", *done)
            st.success(ui("saved_as", lang).format(title=md(opened.title.get(lang)) if opened else ""))
            st.text_input(ui("view_link", lang), view_link, key="saved_view_link")
            if edit_link:
                st.warning(ui("edit_link", lang))
                st.text_input(ui("edit_link", lang), edit_link, key="saved_edit_link", label_visibility="collapsed")
        if opened and opened.editable:
            st.button(ui("delete_saved", lang), key="delete_saved", on_click=lambda: work().delete(store()))
        st.caption(ui("stored_in", lang).format(where=store().where))


def _story_editor(lang: Lang) -> None:
    ss = st.session_state
    steps, editing = ss.get("story_steps", []), ss.get("story_editing")
    st.markdown(f"**{ui('story', lang)}**")
    st.caption(ui("story_hint", lang))
    st.text_input(ui("step_caption_zh", lang), key="step_caption_zh", max_chars=1000)
    st.text_input(ui("step_caption_en", lang), key="step_caption_en", max_chars=1000)
    add = ui("step_update", lang).format(n=editing + 1) if editing is not None else ui("step_add", lang)
    st.button(add, key="step_add", on_click=_on_step, args=("add",))
    if not steps:
        st.caption(ui("story_empty", lang))
    for i, step in enumerate(steps):
        st.markdown(f"{i + 1}. {md(step.caption.get(lang) or ui('step_no_caption', lang))}")
        show, more = st.columns(2, gap="small")  # the sidebar is narrow: the other actions in a popover
        show.button(ui("step_show", lang), key=f"step_show_{i}", on_click=_on_step, args=("show", i), width="stretch")
        with more.popover(ui("step_more", lang), width="stretch"):
            for action in ("edit", "up", "down", "delete"):
                st.button(ui(f"step_{action}", lang), key=f"step_{action}_{i}", on_click=_on_step, args=(action, i))
    if steps:
        st.button(
            ui("save_story", lang).format(n=len(steps)), key="save_story", on_click=_on_save, kwargs={"story": True}
        )
        st.button(ui("story_present", lang), key="story_present", on_click=_on_step, args=("present",))
        st.button(ui("story_clear", lang), key="story_clear", on_click=_on_step, args=("clear",))


def _saved_list(lang: Lang) -> None:
    """已保存的地图 / Saved maps: the built-in story and every saved map and story, one click to open."""
    if not (panel := _lazy(ui("saved_maps", lang), "saved_open")):
        return  # closed: not even the database is asked
    with panel:
        st.button(
            ui("builtin_story", lang).format(n=len(shared().views)), key="open_builtin", on_click=_on_open, args=(None,)
        )
        try:
            entries = store().entries()
        except StoreError as exc:
            st.caption(exc.text.get(lang))
            return
        if not entries:
            st.caption(ui("saved_none", lang))
        for entry in entries:
            label = saving.entry_label(entry.kind, entry.title, entry.author, f"{entry.updated:%Y-%m-%d %H:%M}", lang)
            st.button(md(label), key=f"open_{entry.id}", on_click=_on_open, args=(entry.id,), width="stretch")


def _present_band(ls: LayerSet, lang: Lang) -> None:
    """Presentation mode's band: steps, title, year, layers, names, exit (keys: geo/static/page.js)."""
    position, title = panels.present_heading(state(), ls, steps := views())
    cols = st.columns([1.15, 0.55, 1.05, 3.6, 0.85, 1, 0.95, 1.8], vertical_alignment="center", gap="small")
    for col, delta, label, key in ((cols[0], -1, "previous", keys.STEP_PREV), (cols[2], 1, "next", keys.STEP_NEXT)):
        col.button(ui(label, lang), width="stretch", **_on(key, _do, ms.step, ls, steps, delta, click=True))
    cols[1].html(f"<div class='yq-step' aria-live='polite'>{position}</div>")
    cols[3].html(f"<div class='yq-present-title'>{html.escape(title)}</div>")
    _year_picker(cols[4], lang, label_visibility="collapsed")
    with cols[5].popover(ui("layers", lang), width="stretch"):
        # buttons, not checkboxes: a closed popover's widgets would send back stale values
        for layer_id, label, on in panels.layer_switches(state(), ls):
            flip = (ms.toggle, ls, layer_id, not on)
            st.button(label, width="stretch", **_on(f"flip_{layer_id}", _do, *flip, click=True))
    cols[6].toggle(ui("labels", lang), **_bound(keys.LABELS_TOGGLE, ms.set_labels))
    leave = (ms.set_present, False)
    cols[7].button(ui("exit_presentation", lang), width="stretch", **_on(keys.PRESENT_EXIT, _do, *leave, click=True))


def _year_picker(where: Any, lang: Lang, **shown: Any) -> None:
    pick = _bound(keys.year_pick(lang), ms.set_year)  # applied in place, like a toggle
    where.selectbox(ui("year", lang), years_to_pick(), format_func=panels.year_label(lang), **pick, **shown)


def _compare_picker(lang: Lang) -> None:
    """The other year, drawn left of a divider on the same map ("no comparison": one year)."""
    pick = _bound(keys.compare_pick(lang), panels.compare_to)
    label, options = ui("compare", lang), [panels.COMPARE_OFF, *years_to_pick()]
    st.selectbox(label, options, format_func=panels.year_label(lang), help=ui("compare_help", lang), **pick)


def _changes(ls: LayerSet, lang: Lang) -> None:
    """Comparing: what changed between the two years in the layers shown, from the dated tables."""
    if (changes := panels.changes_list(ls, state(), lang)) is not None:
        st.markdown(f"**{md(ui('changes', lang))}** · {md(changes[0])}")
        st.markdown("\n".join(f"- {md(item)}" for item in changes[1]))


def _basemap_picker(lang: Lang) -> None:
    def label(bid: str) -> str:
        return panels.basemap_label(shared().basemap(bid), bool(basemap_key(shared().basemap(bid))), lang)

    # one widget per language: Streamlit keys a selectbox's value by its shown label
    ids = [b.id for b in shared().basemaps]
    st.selectbox(
        ui("basemap", lang),
        ids,
        format_func=label,
        placeholder=ui("choose", lang),
        **_on(keys.basemap_choice(lang), _on_basemap),
    )
    if refused := st.session_state.get("basemap_refused"):
        st.caption(ui("key_missing", lang).format(env=shared().basemap(refused).key_env))


def _search(ls: LayerSet, lang: Lang) -> None:
    query = st.text_input(ui("search", lang), key="q", placeholder=ui("search_example", lang))
    hits = search(ls, query) if query else []
    if query and not hits:
        st.caption(ui("no_results", lang))
    elif hits:
        labels = panels.hit_labels(ls, hits, lang)
        pick = {"index": None, "placeholder": ui("choose", lang), "format_func": lambda k: labels.get(k, str(k))}
        st.selectbox(ui("search_results", lang), list(labels), **pick, **_bound(keys.search_pick(lang), ms.go_to, ls))


def _sidebar(ls: LayerSet, lang: Lang) -> None:
    with st.sidebar:
        lang_pick = _bound(keys.LANG_CHOICE, ms.set_lang)
        st.radio(ui("language", lang), LANGS, horizontal=True, format_func=LANG_NAMES.get, **lang_pick)
        st.toggle(ui("presentation", lang), **_bound(keys.PRESENT_TOGGLE, ms.set_present))
        st.toggle(ui("labels", lang), **_bound(keys.LABELS_TOGGLE, ms.set_labels))
        titles = {v.id: panels.view_title(v, lang) for v in known_views()}
        pick = {"format_func": titles.get, "placeholder": ui("choose", lang)}
        pick |= _bound(keys.view_pick(lang), ms.open_view_id, ls, known_views())
        st.selectbox(ui("preset_view", lang), list(titles), **pick)
        _year_picker(st, lang)
        _compare_picker(lang)
        _basemap_picker(lang)
        _search(ls, lang)
        _toggles(ls, lang)
        _upload_panel(lang)
        _save_panel(lang)
        _saved_list(lang)
        _export_panel(ls, lang)
        _print_panel(ls, lang)
        _data_panel(ls, lang)
        if panel := _lazy(ui("share_link", lang), "share_open"):  # a text box, not st.code: no 1.5 MB highlighter
            panel.text_input(ui("share_link", lang), key=keys.SHARE_LINK, label_visibility="collapsed")


def _notices(lang: Lang) -> None:
    """What a link asked for that could not be done: shown until the reader dismisses it."""
    if notices := st.session_state.get("notices"):
        st.warning("\n".join(f"- {md(n.get(lang))}" for n in notices))
        forget = ("notices", [])
        st.button(ui("dismiss", lang), key="notices_dismiss", on_click=st.session_state.__setitem__, args=forget)


def _header(ls: LayerSet, lang: Lang) -> None:
    st.title(ls.catalog.title.get(lang))
    if view := ms.view_of(state(), known_views()):
        st.markdown(f"**{md(view.title.get(lang))}** — {md(view.caption.get(lang))}")
    st.html(headline_html(shared().headline_in(state().year), lang))  # the boundary statement is in the map's legend


def _details(ls: LayerSet, lang: Lang) -> None:
    st.header(ui("details", lang))
    details = feature_details(ls, *state().selection, lang) if state().selection else None
    if details is None:
        st.caption(ui("click_hint", lang))
        return
    st.markdown(f"### {md(details.name)}")
    st.caption(f"{details.other_name} · {details.layer_title}")
    st.html(details_html(details, lang))
    if state().selection[0] in sk.LAYER_IDS:
        _sketch_editor(state().selection[1], lang)
    st.button(ui("clear_selection", lang), on_click=_do, args=(ms.clear_selection,))


def _sketch_editor(sketch_id: str, lang: Lang) -> None:
    """A selected sketch's title, note and colour, changed or deleted here."""
    if work().sketch_form(sketch_id) is None:  # fills the form when another sketch was shown
        return
    with st.expander(ui("sketch_edit", lang)):
        st.text_input(ui("sketch_title", lang), key="sketch_title", max_chars=sk.MAX_TITLE)
        st.text_area(ui("sketch_note", lang), key="sketch_note", max_chars=sk.MAX_NOTE, height=68)
        names = {c: t.get(lang) for c, t in sk.PALETTE.items()}
        st.selectbox(ui("sketch_colour", lang), list(names), format_func=names.get, key="sketch_colour")
        st.button(
            ui("sketch_save", lang), key="sketch_save", on_click=work().edit_sketch, args=(sketch_id,), type="primary"
        )
        st.button(ui("sketch_delete", lang), key="sketch_delete", on_click=_on_sketch_delete, args=(sketch_id,))


def _live_map(ls: LayerSet) -> None:
    """The map element (the same bytes every rerun: sent once) and the state frame beside it."""
    drawn_before = st.session_state.get("own_payloads")
    own = _per_layers("own_payloads", ls, lambda: work().own_payloads(ls))
    assets, first = shared().live_assets(ASSET_BASE), st.session_state.setdefault("first_lang", state().lang)
    groups = make_live_groups(ls, assets.bundles[first], own=own, lang=first)  # the bundle has `first`'s texts
    st_folium(base_map(ls.catalog.extent, assets=assets.links), feature_group_to_add=groups, **MAP_OPTIONS)
    if st.session_state.get("own_payloads") is not drawn_before:
        release_freed_memory()  # building the map element with a new own layer: copies of its data
    basemap = shared().basemap(state().basemap)
    shown = shared().shown(ls, state(), basemap_key(basemap), ASSET_BASE, views())
    st.session_state.sync = numbered(shown, st.session_state.get("sync", (None, 0)))
    st.iframe(sync_html(shown, seq=st.session_state.sync[1], session=st.session_state.sync[2]), height=1)
    if basemap.crs == "gcj02":
        st.iframe(shared().gcj_html, height=1)
        if ls.own_layers:
            st.iframe(_per_layers("own_gcj", ls, lambda: gcj_html(ls, ls.own_layers)), height=1)


def _prepared(name: str, label: str, icon: str, extra: object = None) -> bool:
    """Prepare, then download (bytes handed to a button stay; a deferred file may be dropped first)."""
    token = panels.prepared_token(state(), dt.date.today(), extra)
    if st.session_state.get(f"{name}_ready") == token:
        return True
    ready = (f"{name}_ready", token)
    st.button(label, icon=icon, key=f"prepare_{name}", on_click=st.session_state.__setitem__, args=ready)
    return False


def _download(
    label: str, data: bytes, ending: str, mime: str, icon: str, *, name: str = "", extra: object = None, primary=False
) -> None:
    """A download button that keeps offering the bytes it was given while only the view moves."""
    when, kind = dt.date.today(), "primary" if primary else "secondary"
    name = name or panels.download_name(state(), ending, when)
    data = panels.held(st.session_state, f"held_{ending}", panels.prepared_token(state(), when, extra), data)
    st.download_button(label, data, name, mime, icon=icon, on_click="ignore", key=f"download_{ending}", type=kind)


def _export_panel(ls: LayerSet, lang: Lang) -> None:
    s, basemap = state(), shared().basemap(state().basemap)
    key = basemap_key(basemap)  # written into the file only when the reader ticks the box
    with_key = bool(key) and st.checkbox(ui("include_key", lang), key="include_key", value=False)
    if basemap.needs_key and not with_key:
        st.caption(ui("export_without_key", lang))
    key = key if with_key else None
    if not _prepared("html", ui("prepare_html", lang), ":material/download:", extra=bool(key)):
        return
    caption, when = ms.caption(s, known_views()), dt.date.today()
    make = lambda: export_html(ls, s, caption=caption, when=when, basemap=basemap, key=key)  # noqa: E731
    page = _output(ls, "export", repr((s, when, bool(key), caption)), make)
    _download(ui("download_html", lang), page.encode(), "html", "text/html", ":material/download:", primary=True)


def _print_panel(ls: LayerSet, lang: Lang) -> None:
    """The print-ready sheet (A4 landscape) of what is on screen: PDF and PNG, made on request."""
    if not _prepared("print", ui("print_map", lang), ":material/print:"):
        return
    s, sheet = state(), Sheet(when=dt.date.today())
    with st.spinner(ui("print_map", lang)):
        story, key = known_views(), repr((s, sheet, st.session_state.get("story_steps")))
        pdf = _output(ls, "pdf", key, lambda: render(ls, s, story, "pdf", sheet))
        png = _output(ls, "png", key, lambda: render(ls, s, story, "png", sheet))
    _download(ui("download_pdf", lang), pdf, "pdf", "application/pdf", ":material/picture_as_pdf:", primary=True)
    _download(ui("download_png", lang), png, "png", "image/png", ":material/image:")


def _data_panel(ls: LayerSet, lang: Lang) -> None:
    """The visible layers for GIS and CAD tools: one zip in the chosen format, made on request."""
    if not (panel := _lazy(ui("download_data", lang), "data_open")):
        return
    with panel:
        st.caption(ui("data_hint", lang))
        fmt = st.selectbox(ui("data_format", lang), FORMATS, format_func=format_label, key="data_format")
        encoding = "utf-8"
        if fmt == "shp":
            names = {"format_func": ENCODING_NAMES.get, "key": "data_encoding"}
            encoding = st.selectbox(ui("data_encoding", lang), SHAPEFILE_ENCODINGS, **names)
        request = panels.data_request(state(), ls, fmt, encoding, dt.date.today())
        if request is None:
            st.caption(ui("no_layer", lang))
            return
        if not _prepared("data", ui("prepare_data", lang), ":material/database:", extra=(fmt, encoding)):
            return
        from geo.gis.package import make_download  # GDAL and ezdxf: loaded when a file is asked for

        try:
            with st.spinner(ui("prepare_data", lang)):
                made = _output(ls, "data", repr(request), lambda: make_download(ls, request))
        except Exception as exc:  # noqa: BLE001 - GDAL and ezdxf fail with many types; the rest keeps working
            st.error(f"{ui('data_failed', lang)}: {exc}")
            return
        zipped = ("zip", "application/zip", ":material/download:")
        _download(ui("download_zip", lang), made.data, *zipped, name=made.name, extra=(fmt, encoding), primary=True)


def _below_map(ls: LayerSet, lang: Lang) -> None:
    if notice := st.session_state.get("sketch_notice"):
        st.info(md(notice.get(lang)))
    _changes(ls, lang)
    if panel := _lazy(ui("unknown_title", lang), "unknown_open"):
        panel.markdown(md(ls.catalog.unknown_note.get(lang)))
        panel.markdown("\n".join(f"- {md(n)}" for n in unlocated(ls, lang)))
    with st.expander(ui("table", lang), expanded=False):
        if not st.toggle(ui("show_table", lang), key="show_table"):
            return
        visible = state().visible
        table = _output(ls, "table", repr((visible, lang)), lambda: features_table(ls, visible, lang))
        st.dataframe(table, hide_index=True, width="stretch")
        csv = table.to_csv(index=False).encode("utf-8-sig")
        geojson = _output(ls, "geojson", repr(visible), lambda: features_geojson(ls, visible))
        c1, c2 = st.columns(2)
        c1.download_button(ui("download_csv", lang), csv, "yuqian-visible-features.csv", "text/csv", on_click="ignore")
        names = ("yuqian-visible-features.geojson", "application/geo+json")
        c2.download_button(ui("download_geojson", lang), geojson, *names, on_click="ignore")


def main() -> None:
    for key in keys.KEPT_UNDRAWN:  # kept while not drawn (presenting, a closed panel)
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    sent = _sent_by_browser() if "map_state" not in st.session_state else set()
    state()  # the first run of a session: the state the link asks for (or the defaults), with notices
    _on_map_report()
    ls = session_layers()  # with what the report may have added (a sketch)
    opened = st.session_state.get("opened")
    values = panels.widget_values(state(), ls, st.context.url or "", opened.id if opened else None)
    st.session_state.update({k: v for k, v in values.items() if k not in sent})  # widgets show the state
    lang, present = state().lang, state().present
    # Fixed places: the map keeps its position in the page whatever the mode, so it is never remounted.
    header = st.container()
    map_col, detail_col = st.columns([1, 0.001] if present else [4.2, 1], gap="small")
    with header:
        st.html(page_css(present=present) + swatch_css(ls.catalog, lang))
        _notices(lang)
        if present:
            _present_band(ls, lang)
        else:
            _sidebar(ls, lang)
            _header(ls, lang)
    with map_col:
        _live_map(ls)
    st.query_params.from_dict(saving.page_query(state(), st.session_state.get("opened")))  # never the edit token
    if not present:
        with detail_col:
            _details(ls, lang)
        _below_map(ls, lang)
    if sent:
        _replay(sent, values)


main()
