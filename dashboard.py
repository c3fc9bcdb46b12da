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
from urllib.parse import urlencode

import streamlit as st
from streamlit_folium import st_folium

from geo import state as ms
from geo.appdata import AppData
from geo.basemaps import Basemap, find_key
from geo.details import feature_details, unlocated
from geo.downloads import features_geojson, features_table
from geo.export import export_html
from geo.i18n import LANGS, Lang, ui
from geo.layers import LayerError, LayerSet
from geo.livemap import gcj_html, live_payloads, sync_html
from geo.livemap import live_groups as make_live_groups
from geo.mapview import base_map
from geo.pagestyle import page_css, swatch_css
from geo.payloads import browser_state
from geo.picking import picked
from geo.popups import md
from geo.search import search
from geo.summary import headline_figures
from geo.urlstate import from_query, to_query
from geo.userlayers import UPLOAD_OPTIONS, read_upload, with_layer

MAP_KEY = "map"
LANG_NAMES = {"zh": "中文", "en": "English"}
NO_CRS_CHOICES = ("EPSG:4326", "EPSG:4490", "EPSG:32648", "EPSG:32649", "EPSG:4545", "EPSG:4546")

st.set_page_config(
    page_title="渝黔合作先行示范区 · Chongqing–Guizhou Pilot Zone", layout="wide", initial_sidebar_state="expanded"
)


# --- shared data, read once per process ------------------------------------------------------


@st.cache_resource(show_spinner="加载图层 / Loading layers…")
def shared() -> AppData:
    """The layers, views, basemaps and map data every session shares, read-only."""
    data = AppData()
    _ = data.layers, data.views, data.bundle_uri, data.headline  # made now, under the spinner
    return data


@st.cache_data(show_spinner=False, max_entries=96)
def _shared(kind: str, key: str, _make: Callable[[], Any]) -> Any:
    """An output of shared layers only (an export, a table …), cached for every session by `key`."""
    return _make()


def _output(ls: LayerSet, kind: str, key: str, make: Callable[[], Any]) -> Any:
    """`make()`, from the shared cache unless it shows this session's own layers (only it has them)."""
    return make() if set(state().visible) & set(ls.own_layers) else _shared(kind, key, make)


# --- this session ------------------------------------------------------------------------------


def session_layers() -> LayerSet:
    """The shared layers plus this session's own (never visible to other sessions)."""
    ls = shared().layers
    for spec, frame, _ in st.session_state.get("user_layers", {}).values():
        ls = with_layer(ls, spec, frame)
    return ls


def _per_layers(name: str, ls: LayerSet, make: Callable[[], Any]) -> Any:
    """Something made from this session's own layers, remade only when they change."""
    cached = st.session_state.get(name)
    if cached is None or cached[0] != ls.own_layers:
        cached = (ls.own_layers, make())
        st.session_state[name] = cached
    return cached[1]


def basemap_key(basemap: Basemap) -> str | None:
    """The user's key for a basemap: environment first, then Streamlit secrets; never the repo.
    Looked up once per session (reading secrets costs ~10 ms when there is no secrets file)."""
    found = st.session_state.setdefault("basemap_keys", {})
    if basemap.id not in found:
        try:
            found[basemap.id] = find_key(basemap, os.environ, st.secrets)
        except FileNotFoundError:  # no secrets file at all
            found[basemap.id] = find_key(basemap, os.environ)
    return found[basemap.id]


def state() -> ms.MapState:
    return st.session_state.map_state


def commit(new: ms.MapState) -> None:
    st.session_state.map_state = new


def _init(ls: LayerSet) -> None:
    """The first run of a session: the state the link asks for (or the defaults), with notices."""
    if "map_state" in st.session_state:
        return
    new, notices = from_query(st.query_params.to_dict(), ls, shared().views, shared().basemaps, key_for=basemap_key)
    commit(new)
    st.session_state.notices = notices


def _sync_widgets(ls: LayerSet) -> None:
    """Set every widget from the state before it is drawn: the state is the one source of truth."""
    s, ss = state(), st.session_state
    for layer_id in ls.catalog.layer_ids:
        ss[f"show_{layer_id}"] = layer_id in s.visible
    ss.present_toggle, ss.lang_choice = s.present, s.lang
    ss[f"basemap_choice_{s.lang}"] = s.basemap
    ss[f"view_pick_{s.lang}"] = s.view_id


# --- callbacks: each applies one transition -------------------------------------------------------


def _do(transition: Callable[..., ms.MapState], *args: Any, widget: str | None = None) -> None:
    """A widget's callback: apply one transition to the state (with the widget's new value last)."""
    value = () if widget is None else (st.session_state[widget],)
    commit(transition(state(), *args, *value))


def _bound(key: str, transition: Callable[..., ms.MapState], *args: Any) -> dict[str, Any]:
    """Widget options that make the widget `key` apply `transition` (with its new value) on change."""
    return {"key": key, "on_change": _do, "args": (transition, *args), "kwargs": {"widget": key}}


def _on_basemap() -> None:
    chosen = shared().basemap(st.session_state[f"basemap_choice_{state().lang}"])
    new, used = ms.set_basemap(state(), chosen, key=basemap_key(chosen))
    st.session_state.basemap_refused = None if used else chosen.id  # explained under the selector
    commit(new)


def _on_upload() -> None:
    """Read the chosen file; on any problem keep everything as it was and say why."""
    ss = st.session_state
    ss.upload_error, upload = None, ss.get("upload_file")
    if upload is None:
        return
    options = {k: ss.get(f"upload_{k}") for k in UPLOAD_OPTIONS}
    try:
        spec, frame, notes = read_upload(upload.name, upload.getvalue(), options, env=os.environ)
    except LayerError as exc:
        ss.upload_error = exc.summary
        return
    ss.user_layers = {**ss.get("user_layers", {}), spec.id: (spec, frame, notes)}
    commit(ms.toggle(state(), session_layers(), spec.id, True))


def _on_remove(layer_id: str) -> None:
    users = dict(st.session_state.get("user_layers", {}))
    users.pop(layer_id, None)
    st.session_state.user_layers = users
    commit(ms.forget_layer(state(), layer_id))


def _on_click(ls: LayerSet) -> None:
    """streamlit-folium's last click (position and tooltip text) selects the feature under it."""
    returned = st.session_state.get(MAP_KEY) or {}
    click = returned.get("last_object_clicked")
    if not click or click == st.session_state.get("last_click"):
        return
    st.session_state.last_click = click
    crs = shared().basemap(state().basemap).crs
    key = picked(ls, state().visible, click, returned.get("last_object_clicked_tooltip"), crs)
    if key is not None:
        commit(ms.select(state(), ls, key, zoom_to=False))


# --- panels ------------------------------------------------------------------------------------


def _toggles(ls: LayerSet, lang: Lang) -> None:
    st.subheader(ui("layers", lang))
    for group_id, group_title in ls.catalog.groups:
        specs = [s for s in ls.catalog.layers if s.group == group_id]
        if specs:
            st.markdown(f"**{md(group_title.get(lang))}**")
        for spec in specs:
            error = ls.errors.get(spec.id)
            bound = _bound(f"show_{spec.id}", ms.toggle, ls, spec.id)
            st.checkbox(spec.title.get(lang), disabled=error is not None, help=spec.description.get(lang), **bound)
            if error is not None:
                st.error(f"{ui('layer_error', lang)}: {error.summary}")


def _upload_panel(lang: Lang) -> None:
    users = st.session_state.get("user_layers", {})
    with st.expander(ui("add_layer", lang), expanded=bool(st.session_state.get("upload_error") or users)):
        # the form's widgets are drawn only on request: less to resend on every rerun
        showing = st.toggle(ui("show_upload", lang), key="show_upload")
        if showing:
            st.file_uploader(ui("upload_file", lang), type=["geojson", "json", "zip", "gpkg"], key="upload_file")
            st.checkbox(ui("upload_gcj", lang), key="upload_gcj")
            st.selectbox(ui("upload_crs", lang), NO_CRS_CHOICES, key="upload_crs")
            st.selectbox(ui("upload_encoding", lang), ("auto", "GB18030", "UTF-8"), key="upload_encoding")
            st.color_picker(ui("upload_colour", lang), "#e7298a", key="upload_colour")
            st.button(ui("upload_add", lang), on_click=_on_upload, key="upload_add", type="primary")
            if st.session_state.get("upload_error"):
                st.error(st.session_state.upload_error)
        for layer_id, (spec, frame, notes) in users.items():
            st.markdown(f"**{md(spec.title.get(lang))}** — {len(frame)} {ui('features', lang)}")
            if showing:
                for note in notes:
                    st.caption(note)
                st.button(ui("remove", lang), key=f"remove_{layer_id}", on_click=_on_remove, args=(layer_id,))


def _step_controls(ls: LayerSet, lang: Lang) -> None:
    ids = [v.id for v in shared().views]
    current = state().view_id
    position = f"{ids.index(current) + 1} / {len(ids)}" if current in ids else f"– / {len(ids)}"
    prev_col, pos_col, next_col = st.columns([2, 2, 2], vertical_alignment="center")
    for col, delta, label in ((prev_col, -1, "previous"), (next_col, 1, "next")):
        step = {"on_click": _do, "args": (ms.step, ls, shared().views, delta), "key": f"step_{label[:4]}"}
        col.button(ui(label, lang), width="stretch", **step)
    pos_col.markdown(f"<div class='yq-step'>{position}</div>", unsafe_allow_html=True)


def _basemap_picker(lang: Lang) -> None:
    def label(bid: str) -> str:
        b = shared().basemap(bid)
        return b.name.get(lang) + (f" — {ui('needs_key', lang)}" if b.needs_key and not basemap_key(b) else "")

    # one widget per language: Streamlit keys a selectbox's value by its shown label
    ids = [b.id for b in shared().basemaps]
    st.selectbox(ui("basemap", lang), ids, key=f"basemap_choice_{lang}", format_func=label, on_change=_on_basemap)
    refused = st.session_state.get("basemap_refused")
    if refused:
        st.caption(ui("key_missing", lang).format(env=shared().basemap(refused).key_env))


def _search(ls: LayerSet, lang: Lang) -> None:
    query = st.text_input(ui("search", lang), key="q", placeholder="綦江 / Zunyi / 果园港")
    hits = search(ls, query) if query else []
    if query and not hits:
        st.caption(ui("no_results", lang))
    if hits:
        labels = {h.key: f"{h.name_zh} · {h.name_en} — {ls.catalog.layer(h.layer_id).title.get(lang)}" for h in hits}
        bound = _bound(f"search_pick_{lang}", ms.go_to, ls)
        st.selectbox(
            ui("search_results", lang), list(labels), index=None, format_func=lambda k: labels.get(k, str(k)), **bound
        )


def _sidebar(ls: LayerSet, lang: Lang, *, present: bool) -> None:
    with st.sidebar:
        st.html(swatch_css(ls.catalog, lang))
        st.toggle(ui("presentation", lang), **_bound("present_toggle", ms.set_present))
        if present:
            _step_controls(ls, lang)
            _toggles(ls, lang)
            return
        lang_pick = _bound("lang_choice", ms.set_lang)
        st.radio(ui("language", lang), LANGS, horizontal=True, format_func=LANG_NAMES.get, **lang_pick)
        titles = {v.id: v.title.get(lang) for v in shared().views}
        pick = _bound(f"view_pick_{lang}", ms.open_view_id, ls, shared().views)
        st.selectbox(ui("preset_view", lang), list(titles), format_func=titles.get, **pick)
        _basemap_picker(lang)
        _search(ls, lang)
        _toggles(ls, lang)
        _upload_panel(lang)
        with st.expander(ui("share_link", lang)):
            base = (st.context.url or "").split("?")[0]
            st.code(f"{base}?{urlencode(to_query(state()))}", language=None, wrap_lines=True)


def _header(ls: LayerSet, lang: Lang, *, present: bool) -> None:
    catalog = ls.catalog
    view = ms.view_of(state(), shared().views)
    if present and view:
        title, caption = html.escape(view.title.get(lang)), html.escape(view.caption.get(lang))
        st.markdown(f"<h1 class='yq-present-title'>{title}</h1>", unsafe_allow_html=True)
        st.markdown(f"<p class='yq-present-caption'>{caption}</p>", unsafe_allow_html=True)
        st.caption(f"{ui('sources', lang)}: {view.source} · {catalog.boundary_statement.get(lang)}")
        return
    st.title(catalog.title.get(lang))
    if view:
        st.markdown(f"**{md(view.title.get(lang))}** — {md(view.caption.get(lang))}")
    st.caption(catalog.boundary_statement.get(lang))
    if present:
        return
    figures = headline_figures(shared().headline, lang)
    for col, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(label, value)


def _details(ls: LayerSet, lang: Lang, *, compact: bool) -> None:
    if not compact:
        st.subheader(ui("details", lang))
    selection = state().selection
    details = feature_details(ls, *selection, lang) if selection else None
    if details is None:
        st.caption(ui("click_hint", lang))
        return
    st.markdown(f"### {md(details.name)}")
    st.caption(f"{details.other_name} · {details.layer_title}")
    if compact:
        return
    st.dataframe(
        {"": [r[0] for r in details.rows], " ": [r[1] for r in details.rows]}, hide_index=True, width="stretch"
    )
    for label, names in details.relations:
        value = ("、" if lang == "zh" else ", ").join(names)
        st.markdown(f"**{md(label)}**: {md(value or ui('none', lang))}")
    if details.sources:
        st.dataframe(
            {ui("sources", lang): [s[0] for s in details.sources], "URL": [s[1] for s in details.sources]},
            hide_index=True,
            width="stretch",
            column_config={"URL": st.column_config.LinkColumn("URL")},
        )
    st.button(ui("clear_selection", lang), on_click=_do, args=(ms.clear_selection,))


def _live_map(ls: LayerSet) -> None:
    """The map element (the same bytes every rerun: sent once) and the state frame beside it."""
    own = _per_layers("own_payloads", ls, lambda: live_payloads(ls, ls.own_layers))
    st_folium(
        base_map(),
        key=MAP_KEY,
        height=700,
        use_container_width=True,
        feature_group_to_add=make_live_groups(ls, shared().bundle_uri, own=own),
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
    )
    basemap = shared().basemap(state().basemap)
    shown = browser_state(ls, state(), basemap=basemap, key=basemap_key(basemap))
    last, seq = st.session_state.get("sync", (None, 0))
    if shown != last:
        st.session_state.sync = (shown, seq := seq + 1)
    st.iframe(sync_html(shown, seq=seq), height=1)
    if basemap.crs == "gcj02":
        st.iframe(shared().gcj_html, height=1)
        if ls.own_layers:
            st.iframe(_per_layers("own_gcj", ls, lambda: gcj_html(ls, ls.own_layers)), height=1)


def _export_panel(ls: LayerSet, lang: Lang) -> None:
    s = state()
    basemap = shared().basemap(s.basemap)
    key = basemap_key(basemap)
    with_key = bool(key) and st.checkbox(ui("include_key", lang), key="include_key", value=False)
    if basemap.needs_key and not with_key:
        st.caption(ui("export_without_key", lang))
    # Two steps, not a deferred download: Streamlit drops a generated file that no session
    # references at the next cleanup, and with many sessions rerunning that can happen
    # before the browser fetches it. Bytes handed to the button stay with this session.
    day, key = dt.date.today().isoformat(), key if with_key else None
    request = repr((s, day, bool(key)))
    if st.session_state.get("export_ready") != request:
        st.button(
            ui("prepare_html", lang),
            key="prepare_html",
            icon=":material/download:",
            on_click=st.session_state.__setitem__,
            args=("export_ready", request),
        )
        return
    caption, when = ms.caption(s, shared().views), dt.date.fromisoformat(day)
    data = _output(
        ls, "export", request, lambda: export_html(ls, s, caption=caption, when=when, basemap=basemap, key=key).encode()
    )
    st.download_button(
        ui("download_html", lang),
        data=data,
        file_name=f"yuqian-map-{s.view_id or 'map'}-{day}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        key="download_html",
        type="primary",
    )


def _below_map(ls: LayerSet, lang: Lang) -> None:
    with st.expander(ui("unknown_title", lang), expanded=False):
        st.markdown(md(ls.catalog.unknown_note.get(lang)))
        st.markdown("\n".join(f"- {md(n)}" for n in unlocated(ls, lang)))
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
        c2.download_button(
            ui("download_geojson", lang),
            geojson,
            "yuqian-visible-features.geojson",
            "application/geo+json",
            on_click="ignore",
        )


def main() -> None:
    ls = session_layers()
    _init(ls)
    _on_click(ls)
    for notice in st.session_state.pop("notices", []):
        st.toast(notice, icon=":material/info:")
    _sync_widgets(ls)
    lang, present = state().lang, state().present
    st.html(page_css(present=present))
    _sidebar(ls, lang, present=present)
    # Fixed places: the map keeps its position in the page whatever the mode, so it is never remounted.
    header = st.container()
    map_col, detail_col = st.columns([5, 1] if present else [3, 1.2])
    with header:
        _header(ls, lang, present=present)
    with map_col:
        _live_map(ls)
        _export_panel(ls, lang)
    with detail_col:
        _details(ls, lang, compact=present)
    st.query_params.from_dict(to_query(state()))
    if not present:
        _below_map(ls, lang)


main()
