"""渝黔合作先行示范区 dashboard: widgets, session state and cache wrappers only.

Run with ``streamlit run dashboard.py``. Everything it shows is computed in ``geo/``;
per-user state lives in ``st.session_state``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import os
import re
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.basemaps import Basemap, basemap_by_id, load_basemaps
from geo.catalog import load_catalog
from geo.details import Summary, feature_details, features_geojson, features_table, resolve_click, summary
from geo.export import export_html
from geo.gcj import gcj_to_wgs
from geo.i18n import LANGS, Lang, ui
from geo.layers import LayerError, LayerSet, load_layers
from geo.livemap import (
    data_bundle_uri,
    gcj_html,
    live_groups,
    live_legends,
    live_payloads,
    sync_html,
    sync_state,
)
from geo.mapview import LayerPayload, MapState, base_map, layer_payload
from geo.popups import swatch_css
from geo.search import Hit, feature_geometry, search, view_for
from geo.urlstate import parse_query, to_query
from geo.userlayers import Limits, read_user_layer, with_layer
from geo.views import View, load_views, view_by_id

MAP_KEY = "map"
LANG_NAMES = {"zh": "中文", "en": "English"}

st.set_page_config(
    page_title="渝黔合作先行示范区 · Chongqing–Guizhou Pilot Zone", layout="wide", initial_sidebar_state="expanded"
)


# --- cache wrappers -----------------------------------------------------------------------


@st.cache_resource(show_spinner="加载图层 / Loading layers…")
def layers() -> LayerSet:
    """The catalog and every layer, read once per process and shared read-only."""
    return load_layers(load_catalog())


@st.cache_resource(show_spinner=False)
def views() -> tuple[View, ...]:
    """The preset views (layers/views.toml), checked against the catalog."""
    return load_views(layers().catalog)


@st.cache_resource(show_spinner=False)
def basemaps() -> tuple[Basemap, ...]:
    """The basemap catalog (layers/basemaps.toml)."""
    return load_basemaps()


@st.cache_resource(show_spinner="计算 GCJ-02 偏移 / Shifting overlays to GCJ-02…")
def cached_gcj_html() -> str:
    """Every feature's GCJ-02 copy, for GCJ-02 basemaps (made once per process)."""
    return gcj_html(layers())


def basemap_key(basemap: Basemap) -> str | None:
    """The user's key for a basemap: environment first, then Streamlit secrets; never the repo.

    Looked up once per session (reading secrets costs ~10 ms when there is no secrets file).
    """
    if not basemap.key_env:
        return None
    found = st.session_state.setdefault("basemap_keys", {})
    if basemap.key_env not in found:
        found[basemap.key_env] = _lookup_key(basemap.key_env)
    return found[basemap.key_env]


def _lookup_key(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    try:
        return str(st.secrets.get(name, "")).strip() or None
    except FileNotFoundError:  # no secrets file at all
        return None
    except Exception:  # noqa: BLE001 - Streamlit raises its own error type when secrets.toml is absent
        return None


@st.cache_resource(show_spinner=False)
def live_parts() -> tuple[dict[str, LayerPayload], str]:
    """Every layer serialised for the browser (both languages) and the script link that carries
    it with the legends."""
    payloads = live_payloads(layers())
    return payloads, data_bundle_uri(payloads, live_legends(layers()))


@st.cache_resource(show_spinner=False)
def cached_summary() -> Summary:
    """The zone's headline figures (they depend on the shared layers only)."""
    return summary(layers())


def _export(
    ls: LayerSet,
    visible: tuple[str, ...],
    lang: Lang,
    selection: tuple[str, str] | None,
    view_json: str,
    caption: str,
    day: str,
    basemap_id: str,
    key: str | None,
) -> bytes:
    view = json.loads(view_json) if view_json else {}
    bounds = view.get("bounds")
    html = export_html(
        ls,
        MapState(visible=visible, lang=lang, selection=selection),
        center=tuple(view["center"]) if "center" in view else None,
        zoom=view.get("zoom"),
        bounds=(tuple(bounds[0]), tuple(bounds[1])) if bounds else None,
        caption=caption,
        when=dt.date.fromisoformat(day),
        basemap=basemap_by_id(basemaps(), basemap_id),
        key=key,
    )
    return html.encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=64)
def cached_export(
    visible: tuple[str, ...],
    lang: Lang,
    selection: tuple[str, str] | None,
    view_json: str,
    caption: str,
    day: str,
    basemap_id: str = "offline",
    _key: str | None = None,
) -> bytes:
    """The self-contained HTML of what the user sees, from the shared layers (the day is in the key)."""
    return _export(layers(), visible, lang, selection, view_json, caption, day, basemap_id, _key)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_table(visible: tuple[str, ...], lang: Lang) -> pd.DataFrame:
    return features_table(layers(), visible, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_geojson(visible: tuple[str, ...]) -> str:
    return features_geojson(layers(), visible)


# --- session state --------------------------------------------------------------------------

NO_CRS_CHOICES = ("EPSG:4326", "EPSG:4490", "EPSG:32648", "EPSG:32649", "EPSG:4545", "EPSG:4546")


def session_layers() -> LayerSet:
    """The shared layers plus this session's own (never visible to other sessions)."""
    ls = layers()
    for spec, frame, _ in st.session_state.get("user_layers", {}).values():
        ls = with_layer(ls, spec, frame)
    return ls


def _on_upload() -> None:
    """Read the chosen file; on any problem keep everything as it was and say why."""
    state = st.session_state
    state.upload_error = None
    upload = state.get("upload_file")
    if upload is None:
        return
    try:
        limits = Limits.from_env(os.environ)  # read per upload: a deployment may set them
    except ValueError as exc:
        state.upload_error = f"{upload.name}: upload limits misconfigured: {exc}"
        return
    try:
        spec, frame, report = read_user_layer(
            upload.name,
            upload.getvalue(),
            source_crs="gcj02" if state.get("upload_gcj") else None,
            assume_crs=state.get("upload_crs") or None,
            encoding=None if state.get("upload_encoding", "auto") == "auto" else state.upload_encoding,
            limits=limits,
        )
    except LayerError as exc:
        state.upload_error = exc.summary
        return
    colour = state.get("upload_colour", "#e7298a")
    style = dataclasses.replace(spec.style, color=colour, fill_color=colour)
    spec = dataclasses.replace(spec, style=style)
    users = dict(state.get("user_layers", {}))
    users[spec.id] = (spec, frame, report.lines())
    state.user_layers = users
    state.user_payloads = {}  # rebuilt for the new set of layers
    state[f"show_{spec.id}"] = True


def _on_remove(layer_id: str) -> None:
    users = dict(st.session_state.get("user_layers", {}))
    users.pop(layer_id, None)
    st.session_state.user_layers = users
    st.session_state.user_payloads = {}
    if st.session_state.selection and st.session_state.selection[0] == layer_id:
        st.session_state.selection = None


def _user_gcj_html(ls: LayerSet) -> str:
    """This session's layers shifted to GCJ-02, made once per change of its layers."""
    ids = ls.own_layers
    cached = st.session_state.get("user_gcj")
    if cached is None or cached[0] != ids:
        cached = (ids, gcj_html(ls, ids))
        st.session_state.user_gcj = cached
    return cached[1]


def _user_payloads(ls: LayerSet) -> dict[str, LayerPayload]:
    """This session's layers serialised once per change (kept in session state)."""
    cached = st.session_state.setdefault("user_payloads", {})
    for layer_id in st.session_state.get("user_layers", {}):
        if layer_id not in cached:
            cached[layer_id] = layer_payload(ls, layer_id, LANGS)
    return {k: v for k, v in cached.items() if k in st.session_state.get("user_layers", {})}


def _init_state(ls: LayerSet) -> None:
    state = st.session_state
    state.setdefault("lang", "zh")
    for spec in ls.catalog.layers:
        state.setdefault(f"show_{spec.id}", spec.visible)
    state.setdefault("selection", None)
    state.setdefault("view", None)
    state.setdefault("view_seq", 0)
    state.setdefault("sync", (None, 0))  # (last state sent to the map, its sequence number)
    state.setdefault("last_click", None)
    state.setdefault("view_id", None)
    state.setdefault("present", False)
    state.setdefault("basemap", "offline")
    if "url_applied" not in state:
        state.url_applied = True
        _apply_url(ls)


def _visible(ls: LayerSet) -> tuple[str, ...]:
    """The one source of truth for visible layers: the toggles' own state."""
    return tuple(i for i in ls.catalog.layer_ids if st.session_state.get(f"show_{i}"))


def _select(ls: LayerSet, key: tuple[str, str], *, zoom_to: bool) -> None:
    st.session_state.selection = key
    layer_id, _ = key
    st.session_state[f"show_{layer_id}"] = True  # a selected feature is always on the map
    geom = feature_geometry(ls, *key)
    if zoom_to and geom is not None:
        centre, zoom = view_for(geom)
        _set_view({"center": list(centre), "zoom": zoom})


def _set_view(view: dict) -> None:
    st.session_state.view = view
    st.session_state.view_seq += 1


def _apply_view(ls: LayerSet, view: View) -> None:
    """Open a preset view: its layers, extent and highlighted feature."""
    for layer_id in ls.catalog.layer_ids:
        st.session_state[f"show_{layer_id}"] = layer_id in view.layers
    st.session_state.selection = view.highlight
    st.session_state.view_id = view.id
    (south, west), (north, east) = view.extent
    _set_view({"bounds": [[south, west], [north, east]]})


def _apply_url(ls: LayerSet) -> None:
    """Restore the state a link asks for; explicit parameters override the view's defaults."""
    ids = tuple(b.id for b in basemaps())
    asked, notices = parse_query(st.query_params.to_dict(), ls, views(), ids)
    if asked.lang:
        st.session_state.lang = asked.lang
    if asked.view:
        _apply_view(ls, view_by_id(views(), asked.view))
    if asked.layers is not None:
        for layer_id in ls.catalog.layer_ids:
            st.session_state[f"show_{layer_id}"] = layer_id in asked.layers
    if asked.sel:
        _select(ls, asked.sel, zoom_to=asked.centre is None and not asked.view)
    if asked.centre is not None:
        _set_view({"center": list(asked.centre), "zoom": asked.zoom or 9})
    st.session_state.present = asked.present
    chosen = asked.basemap or (view_by_id(views(), asked.view).basemap if asked.view else None)
    if chosen:
        basemap = basemap_by_id(basemaps(), chosen)
        if basemap.needs_key and not basemap_key(basemap):
            notices.append(f"{chosen}: 未配置密钥 / no key configured ({basemap.key_env})")
        else:
            st.session_state.basemap = chosen
    for notice in notices:
        st.toast(notice, icon=":material/info:")


def _on_view_pick() -> None:
    view_id = st.session_state.get(f"view_pick_{st.session_state.lang}")
    if view_id:
        _apply_view(session_layers(), view_by_id(views(), view_id))


def _step(delta: int) -> None:
    """Presentation: go to the previous or next preset view."""
    ids = [v.id for v in views()]
    current = st.session_state.view_id
    index = ids.index(current) + delta if current in ids else 0
    _apply_view(session_layers(), views()[index % len(ids)])


def _on_search_pick() -> None:
    hit: Hit | None = st.session_state.get(f"search_pick_{st.session_state.lang}")
    if hit is not None:
        _select(session_layers(), hit.key, zoom_to=True)


def _basemap() -> Basemap:
    return basemap_by_id(basemaps(), st.session_state.basemap)


def _on_basemap() -> None:
    chosen = basemap_by_id(basemaps(), st.session_state[f"basemap_choice_{st.session_state.lang}"])
    if chosen.needs_key and not basemap_key(chosen):
        st.session_state.basemap_refused = chosen.id  # explained under the selector, not applied
        return
    st.session_state.basemap_refused = None
    st.session_state.basemap = chosen.id


def _on_lang() -> None:
    st.session_state.lang = st.session_state.lang_choice


def _request_export(export_key: str) -> None:
    st.session_state.export_ready = export_key


def _on_clear() -> None:
    st.session_state.selection = None


def _handle_click(ls: LayerSet, visible: tuple[str, ...]) -> None:
    """Turn streamlit-folium's last click (lat/lng + tooltip text) into a selected feature."""
    returned = st.session_state.get(MAP_KEY) or {}
    click = returned.get("last_object_clicked")
    if not click or click == st.session_state.last_click:
        return
    st.session_state.last_click = click
    lat, lon = float(click["lat"]), float(click["lng"])
    if _basemap().crs == "gcj02":  # the map is drawn shifted; the data is WGS-84
        wlon, wlat = gcj_to_wgs(np.array([lon]), np.array([lat]))
        lat, lon = float(wlat[0]), float(wlon[0])
    key = resolve_click(ls, visible, lat, lon, returned.get("last_object_clicked_tooltip"))
    if key is not None:
        _select(ls, key, zoom_to=False)


# --- rendering helpers ----------------------------------------------------------------------


def _md(text: object) -> str:
    """Escape Markdown so data is shown as text."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def _html(text: object) -> str:
    """Escape text for the few places that use HTML for large type."""
    return html.escape(str(text), quote=True)


def _css(*, present: bool) -> None:
    extra = (
        """
        header[data-testid="stHeader"] { display: none; }
        div[data-testid="stMainBlockContainer"] { padding-top: 1rem; }
        .yq-present-title { font-size: 2.6rem !important; margin: 0 0 0.2rem 0; }
        .yq-present-caption { font-size: 1.45rem !important; line-height: 1.5 !important; margin: 0 0 0.4rem 0; }
        section[data-testid="stSidebar"] button p { font-size: 1.15rem; }
        """
        if present
        else ""
    )
    st.html(
        """<style>
        section[data-testid="stSidebar"] { min-width: 380px; }
        section[data-testid="stSidebar"] label p { font-size: 1.05rem; }
        div[data-testid="stMetricValue"] { font-size: 1.6rem; }
        .yq-step { text-align: center; font-size: 1.4rem; font-weight: 700; }
        """
        + extra
        + "</style>"
    )


def _layer_toggles(ls: LayerSet, lang: Lang) -> None:
    catalog = ls.catalog
    st.subheader(ui("layers", lang))
    for group_id, group_title in catalog.groups:
        specs = [s for s in catalog.layers if s.group == group_id]
        if not specs:
            continue
        st.markdown(f"**{_md(group_title.get(lang))}**")
        for spec in specs:
            error = ls.errors.get(spec.id)
            st.checkbox(
                spec.title.get(lang),
                key=f"show_{spec.id}",
                disabled=error is not None,
                help=spec.description.get(lang),
            )
            if error is not None:
                st.error(f"{ui('layer_error', lang)}: {error.summary}")


def _upload_panel(lang: Lang) -> None:
    users = st.session_state.get("user_layers", {})
    with st.expander(ui("add_layer", lang), expanded=bool(st.session_state.get("upload_error") or users)):
        # the form's widgets are drawn only on request: less to resend on every rerun
        if not st.toggle(ui("show_upload", lang), key="show_upload"):
            for spec, frame, _ in users.values():
                st.markdown(f"**{_md(spec.title.get(lang))}** — {len(frame)} {ui('features', lang)}")
            return
        st.file_uploader(ui("upload_file", lang), type=["geojson", "json", "zip", "gpkg"], key="upload_file")
        st.checkbox(ui("upload_gcj", lang), key="upload_gcj")
        st.selectbox(ui("upload_crs", lang), NO_CRS_CHOICES, key="upload_crs")
        st.selectbox(ui("upload_encoding", lang), ("auto", "GB18030", "UTF-8"), key="upload_encoding")
        st.color_picker(ui("upload_colour", lang), "#e7298a", key="upload_colour")
        st.button(ui("upload_add", lang), on_click=_on_upload, key="upload_add", type="primary")
        if st.session_state.get("upload_error"):
            st.error(st.session_state.upload_error)
        for layer_id, (spec, frame, notes) in users.items():
            st.markdown(f"**{_md(spec.title.get(lang))}** — {len(frame)} {ui('features', lang)}")
            for note in notes:
                st.caption(note)
            st.button(ui("remove", lang), key=f"remove_{layer_id}", on_click=_on_remove, args=(layer_id,))


def _step_controls(lang: Lang) -> None:
    ids = [v.id for v in views()]
    current = st.session_state.view_id
    position = f"{ids.index(current) + 1} / {len(ids)}" if current in ids else f"– / {len(ids)}"
    prev_col, pos_col, next_col = st.columns([2, 2, 2], vertical_alignment="center")
    prev_col.button(ui("previous", lang), on_click=_step, args=(-1,), key="step_prev", width="stretch")
    pos_col.markdown(f"<div class='yq-step'>{position}</div>", unsafe_allow_html=True)
    next_col.button(ui("next", lang), on_click=_step, args=(1,), key="step_next", width="stretch")


def _sidebar(ls: LayerSet, lang: Lang, *, present: bool) -> None:
    catalog = ls.catalog
    with st.sidebar:
        st.html(swatch_css(ls.catalog, lang))
        st.toggle(ui("presentation", lang), key="present")
        if present:
            _step_controls(lang)
            _layer_toggles(ls, lang)
            return
        # the language lives in its own key: this radio is not drawn in presentation mode,
        # and Streamlit forgets the state of widgets it does not draw
        st.radio(
            ui("language", lang),
            LANGS,
            index=LANGS.index(lang),
            key="lang_choice",
            horizontal=True,
            format_func=LANG_NAMES.get,
            on_change=_on_lang,
        )
        st.selectbox(
            ui("preset_view", lang),
            [v.id for v in views()],
            index=None,
            key=f"view_pick_{lang}",
            format_func=lambda vid: view_by_id(views(), vid).title.get(lang),
            on_change=_on_view_pick,
        )
        ids = [b.id for b in basemaps()]

        def label(bid: str) -> str:
            b = basemap_by_id(basemaps(), bid)
            missing = b.needs_key and not basemap_key(b)
            return b.name.get(lang) + (f" — {ui('needs_key', lang)}" if missing else "")

        st.selectbox(
            ui("basemap", lang),
            ids,
            index=ids.index(st.session_state.basemap),
            # one widget per language: Streamlit keys a selectbox's value by its shown label
            key=f"basemap_choice_{lang}",
            format_func=label,
            on_change=_on_basemap,
        )
        refused = st.session_state.get("basemap_refused")
        if refused:
            env = basemap_by_id(basemaps(), refused).key_env
            st.caption(ui("key_missing", lang).format(env=env))
        query = st.text_input(ui("search", lang), key="q", placeholder="綦江 / Zunyi / 果园港")
        hits = search(ls, query) if query else []
        if query and not hits:
            st.caption(ui("no_results", lang))
        if hits:
            st.selectbox(
                ui("search_results", lang),
                hits,
                index=None,
                key=f"search_pick_{lang}",
                format_func=lambda h: f"{h.name_zh} · {h.name_en} — {catalog.layer(h.layer_id).title.get(lang)}",
                on_change=_on_search_pick,
            )
        _layer_toggles(ls, lang)
        _upload_panel(lang)
        with st.expander(ui("share_link", lang)):
            st.code(_share_link(ls), language=None, wrap_lines=True)


def _summary(ls: LayerSet, lang: Lang) -> None:
    figures = cached_summary()
    cols = st.columns(5)
    cols[0].metric(ui("units_identified", lang), f"{figures.confirmed_units} / {figures.plan_units}")
    cols[1].metric(ui("units_inferred", lang), f"{figures.inferred_units}")
    cols[2].metric(ui("zone_area", lang), f"{figures.confirmed_area_km2:,.0f}")
    cols[3].metric(ui("border_length", lang), f"{figures.border_km:,.0f}")
    cols[4].metric(
        ui("rail_open_km", lang) + " / " + ui("rail_planned_km", lang),
        f"{figures.rail_open_km:,.0f} / {figures.rail_planned_km:,.0f}",
    )


def _details(ls: LayerSet, lang: Lang, *, compact: bool = False) -> None:
    if not compact:
        st.subheader(ui("details", lang))
    selection = st.session_state.selection
    if not selection:
        st.caption(ui("click_hint", lang))
        return
    details = feature_details(ls, *selection, lang)
    if details is None:
        st.caption(ui("click_hint", lang))
        return
    st.markdown(f"### {_md(details.name)}")
    st.caption(f"{details.other_name} · {details.layer_title}")
    if compact:
        return
    st.dataframe(pd.DataFrame(details.rows, columns=["", " "]), hide_index=True, width="stretch")
    for label, names in details.relations:
        value = "、".join(names) if lang == "zh" else ", ".join(names)
        st.markdown(f"**{_md(label)}**: {_md(value or ui('none', lang))}")
    if details.sources:
        st.dataframe(
            pd.DataFrame(details.sources, columns=[ui("sources", lang), "URL"]),
            hide_index=True,
            width="stretch",
            column_config={"URL": st.column_config.LinkColumn("URL")},
        )
    st.button(ui("clear_selection", lang), on_click=_on_clear)


def _send_sync(state: dict) -> None:
    last, seq = st.session_state.sync
    if state != last:
        seq += 1
        st.session_state.sync = (state, seq)
    st.iframe(sync_html(state, seq=seq), height=1)


def _export_bytes(ls: LayerSet, visible: tuple[str, ...], *args) -> bytes:
    """The export; cached unless it holds this session's own layers (which only this session has)."""
    if not set(visible) & set(ls.own_layers):
        return cached_export(visible, *args)
    return _export(ls, visible, *args)


def _live_groups(ls: LayerSet) -> list:
    payloads, uri = live_parts()
    own = _user_payloads(ls)
    # the shared legends travel in the data script; a session with its own layers builds its own
    return live_groups(ls, {**payloads, **own}, uri, bundled=payloads.keys(), legends=None if own else "yq.legendData")


def _query(ls: LayerSet) -> dict[str, str]:
    """The URL parameters that restore what the user sees now."""
    view = st.session_state.view or {}
    if "center" in view:
        centre, zoom = tuple(view["center"]), view["zoom"]
    elif "bounds" in view and st.session_state.view_id:
        centre, zoom = view_by_id(views(), st.session_state.view_id).centre_zoom()
    else:
        centre = zoom = None
    return to_query(
        view=st.session_state.view_id,
        visible=_visible(ls),
        lang=st.session_state.lang,
        selection=st.session_state.selection,
        centre=centre,
        zoom=zoom,
        present=st.session_state.present,
        basemap=st.session_state.basemap,
    )


def _share_link(ls: LayerSet) -> str:
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(_query(ls))}"


def _header(ls: LayerSet, lang: Lang, *, present: bool) -> str:
    """Title, caption and summary; returns the caption the export should carry."""
    catalog = ls.catalog
    view = view_by_id(views(), st.session_state.view_id) if st.session_state.view_id else None
    caption = view.caption.get(lang) if view else ""
    if present and view:
        st.markdown(f"<h1 class='yq-present-title'>{_html(view.title.get(lang))}</h1>", unsafe_allow_html=True)
        st.markdown(f"<p class='yq-present-caption'>{_html(caption)}</p>", unsafe_allow_html=True)
        st.caption(f"{ui('sources', lang)}: {view.source} · {catalog.boundary_statement.get(lang)}")
        return f"{view.title.get(lang)} — {caption}"
    st.title(catalog.title.get(lang))
    if view:
        st.markdown(f"**{_md(view.title.get(lang))}** — {_md(caption)}")
    st.caption(catalog.boundary_statement.get(lang))
    if not present:
        _summary(ls, lang)
    return f"{view.title.get(lang)} — {caption}" if view else ""


def main() -> None:
    ls = session_layers()
    _init_state(ls)
    lang: Lang = st.session_state.lang
    present: bool = st.session_state.present
    _css(present=present)
    _handle_click(ls, _visible(ls))
    _sidebar(ls, lang, present=present)
    visible = _visible(ls)
    catalog = ls.catalog

    # Fixed places: the map keeps its position in the page whatever the mode, so it is never remounted.
    header = st.container()
    map_col, detail_col = st.columns([5, 1] if present else [3, 1.2])
    with header:
        caption = _header(ls, lang, present=present)
    view = st.session_state.view
    state = MapState(visible=visible, lang=lang, selection=st.session_state.selection)
    with map_col:
        # The map element is the same bytes on every rerun (all layers, both languages), so
        # Streamlit sends it by reference and streamlit-folium never remounts or re-evaluates it.
        st_folium(
            base_map(),
            key=MAP_KEY,
            height=700,
            use_container_width=True,
            feature_group_to_add=_live_groups(ls),
            returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
        )
        # What changes (language, visible layers, selection, view) goes to the map as a small state.
        basemap = _basemap()
        key = basemap_key(basemap)
        _send_sync(sync_state(ls, state, view=view, view_seq=st.session_state.view_seq, basemap=basemap, key=key))
        if basemap.crs == "gcj02":
            st.iframe(cached_gcj_html(), height=1)
            if ls.own_layers:
                st.iframe(_user_gcj_html(ls), height=1)
        today = dt.date.today().isoformat()
        view_json = json.dumps(view) if view else ""
        with_key = bool(key) and st.checkbox(ui("include_key", lang), key="include_key", value=False)
        if basemap.needs_key and not with_key:
            st.caption(ui("export_without_key", lang))
        # Two steps, not a deferred download: Streamlit drops a generated file that no session
        # references at the next cleanup, and with many sessions rerunning that can happen
        # before the browser fetches it. Bytes handed to the button stay with this session.
        export_args = (lang, state.selection, view_json, caption, today, basemap.id, key if with_key else None)
        export_key = json.dumps([visible, *export_args[:-1], bool(with_key)], ensure_ascii=False)
        if st.session_state.get("export_ready") == export_key:
            st.download_button(
                ui("download_html", lang),
                data=_export_bytes(ls, visible, *export_args),
                file_name=f"yuqian-map-{st.session_state.view_id or 'map'}-{today}.html",
                mime="text/html",
                icon=":material/download:",
                on_click="ignore",
                key="download_html",
                type="primary",
            )
        else:
            st.button(
                ui("prepare_html", lang),
                key="prepare_html",
                on_click=_request_export,
                args=(export_key,),
                icon=":material/download:",
            )
    with detail_col:
        _details(ls, lang, compact=present)
    st.query_params.from_dict(_query(ls))
    if present:
        return

    with st.expander(ui("unknown_title", lang), expanded=False):
        st.markdown(_md(catalog.unknown_note.get(lang)))
        parks = ls.frame("parks")
        if parks is not None:
            unlocated = parks[parks.geometry.isna()]
            key = "name_zh" if lang == "zh" else "name_en"
            st.markdown("\n".join(f"- {_md(n)}" for n in unlocated[key]))
    with st.expander(ui("table", lang), expanded=False):
        if not st.toggle(ui("show_table", lang), key="show_table"):
            return
        own = bool(set(visible) & set(ls.own_layers))
        table = features_table(ls, visible, lang) if own else cached_table(visible, lang)
        st.dataframe(table, hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        c1.download_button(
            ui("download_csv", lang),
            data=table.to_csv(index=False).encode("utf-8-sig"),
            file_name="yuqian-visible-features.csv",
            mime="text/csv",
            on_click="ignore",
        )
        c2.download_button(
            ui("download_geojson", lang),
            data=features_geojson(ls, visible) if own else cached_geojson(visible),
            file_name="yuqian-visible-features.geojson",
            mime="application/geo+json",
            on_click="ignore",
        )


main()
