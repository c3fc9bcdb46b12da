"""What the browser receives, as data: each layer's features, the legends, and the map state.

Layers are serialised with escaped HTML for tooltips and popups in the languages asked for,
and delta-encoded geometry. :func:`browser_state` turns a :class:`geo.state.MapState` into
the JSON that ``yq.apply`` (``geo/static/apply.js``) draws — in the dashboard and in exports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.data import geojson, timeline
from geo.data.basemaps import Basemap, Crs
from geo.data.catalog import Catalog, LayerSpec, display_value
from geo.data.layers import LayerSet
from geo.data.styles import HIGHLIGHT, LOW_CONFIDENCE_DASH
from geo.data.views import View
from geo.i18n import LANGS, Lang, Text, ui
from geo.spatial import labels
from geo.spatial.camera import Bounds, Camera
from geo.spatial.gcj import to_gcj, wgs_to_gcj_latlon
from geo.state import FeatureKey, MapState, view_of
from geo.web.assets import data_uri
from geo.web.biglayer import BIG_LAYER, big_payload
from geo.web.elements import Accessibility, script_json
from geo.web.popups import esc, legend_rows, low_confidence_row, popup_html, tooltip_html

# From this size (characters) a layer's data goes to the browser as a string for JSON.parse.
PARSE_AS_JSON = 1_000_000
CRS_NOTE = {
    "wgs84": Text("坐标系：WGS-84", "Coordinates: WGS-84"),
    "gcj02": Text(
        "坐标系：GCJ-02（叠加图层已由 WGS-84 偏移，以对齐该底图）",
        "Coordinates: GCJ-02 (overlays shifted from WGS-84 to line up with these tiles)",
    ),
}


def _drawn(geom: BaseGeometry, crs: Crs) -> BaseGeometry:
    return to_gcj(geom) if crs == "gcj02" else geom


@dataclass(frozen=True)
class LayerPayload:
    """A layer's browser data and options, already serialised (cacheable)."""

    data_js: str
    options_js: str


def _image(layerset: LayerSet, spec: LayerSpec, crs: Crs, url: str | None) -> dict[str, Any]:
    """A raster layer for the browser: its image (`url`, or the file itself as a data URI) and
    its corners, also as shifted onto GCJ-02 tiles (one shift for the whole image: it varies by
    ~0.1 km across the zone, a thirtieth of a pixel)."""
    assert spec.bounds is not None
    (south, west), (north, east) = spec.bounds
    middle = ((south + north) / 2, (west + east) / 2)
    moved = wgs_to_gcj_latlon(*middle)
    dlat, dlon = moved[0] - middle[0], moved[1] - middle[1]
    gcj = [[south + dlat, west + dlon], [north + dlat, east + dlon]]
    wgs = [[south, west], [north, east]]
    if url is None:
        path = layerset.catalog.layer_dir() / spec.file
        url = data_uri(path.read_bytes(), "image/png" if spec.file.endswith(".png") else "image/jpeg")
    return {"type": "Image", "image": url, "bounds": gcj if crs == "gcj02" else wgs, "wgs": wgs, "gcj": gcj}


def _features(
    layerset: LayerSet, spec: LayerSpec, langs: tuple[Lang, ...], crs: Crs, images: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The layer as GeoJSON carrying only what the browser needs: escaped HTML per language
    (``_tip_zh``, ``_pop_en``, …) and the keys its style depends on. A raster layer is its
    image: at the URL `images` gives for its id, or carried inside as a data URI."""
    if spec.geometry == "raster":
        return _image(layerset, spec, crs, (images or {}).get(spec.id))
    frame = layerset.frames[spec.id]
    catalog = layerset.catalog
    located = [(p, g) for p, g in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True)]
    located = [(p, g) for p, g in located if g is not None]  # unlocated: listed in tables and details, not drawn
    if len(located) >= BIG_LAYER:  # one canvas, compact escaped values (geo/web/biglayer.py)
        return big_payload(catalog, spec, [(p, _drawn(g, crs)) for p, g in located], langs)
    # the order in which the browser tries to place names of the same rank: biggest first
    by_size = sorted(range(len(located)), key=lambda i: -labels.size(located[i][1]))
    label_order = {index: order for order, index in enumerate(by_size)}
    features = []
    for index, (props, geom) in enumerate(located):
        drawn = _drawn(geom, crs)
        slim: dict[str, Any] = {"id": str(props["id"]), "confidence": props.get("confidence")}
        slim.update(_texts(catalog, spec, props, langs))
        if timeline.is_temporal(k for k, v in props.items() if timeline.is_dated(v)):
            slim["_yr"], slim["_var"] = _by_year(catalog, spec, props, langs)
        for lang in langs:
            if spec.label_rank is not None:  # plain text: the browser sets it as textContent
                slim[f"_nm_{lang}"] = labels.short_name(display_value(catalog, "name", props, lang) or str(props["id"]))
        if spec.label_rank is not None:
            slim["_lab"] = _label(drawn, label_order[index], props, along=spec.role == "context")
        features.append({"type": "Feature", "properties": slim, "geometry": geojson.encode_geometry(drawn)})
    return {"type": "FeatureCollection", "features": features}


def _label(drawn: BaseGeometry, order: int, props: dict[str, Any], *, along: bool) -> list[Any]:
    """Where the browser places a feature's name: ``[lat, lon, order, min zoom, along]`` —
    the anchor, the order among names of its rank, the zoom it is named from (a feature's own
    ``label_min_zoom``, else 0) and, with `along` for a line (rivers: context lines are named as
    maps name rivers), the places along it the name may go, each with the direction of the
    line there (``[lat, lon, lat2, lon2]``), written along the line."""
    min_zoom = props.get("label_min_zoom")
    min_zoom = int(min_zoom) if isinstance(min_zoom, int | float) and math.isfinite(min_zoom) else 0  # NaN: not set
    out: list[Any] = [*labels.anchor(drawn), order, min_zoom]
    places = labels.along(drawn) if along else []
    if places:
        out.append(places)
    return out


def _texts(catalog: Catalog, spec: LayerSpec, props: dict[str, Any], langs: tuple[Lang, ...]) -> dict[str, Any]:
    """A feature's escaped hover and click HTML per language, and the value its style depends on."""
    out: dict[str, Any] = {}
    for lang in langs:
        out[f"_tip_{lang}"] = tooltip_html(catalog, spec, props, lang)
        out[f"_pop_{lang}"] = popup_html(catalog, spec, props, lang)
    if spec.style_by:
        out[spec.style_by] = props.get(spec.style_by)
    return out


def _by_year(
    catalog: Catalog, spec: LayerSpec, props: dict[str, Any], langs: tuple[Lang, ...]
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """How a feature that changes with the year looks in each year the reader can choose:
    ``{year: index into the variants, or -1 when it did not exist}`` ("now": today), and the
    variants (texts and style value). The browser swaps them in place (``geo/static/time.js``)."""
    variants: list[dict[str, Any]] = []
    by_year: dict[str, int] = {}
    for year in [*timeline.years(), None]:
        then = timeline.props_at(props, year)
        texts = None if then is None else _texts(catalog, spec, then, langs)
        if texts is not None and texts not in variants:
            variants.append(texts)
        by_year[timeline.year_key(year)] = -1 if texts is None else variants.index(texts)
    return by_year, variants


def _options(spec: LayerSpec, lang: Lang) -> dict[str, Any]:
    label = None if spec.label_rank is None else {"rank": spec.label_rank, "minZoom": spec.label_min_zoom}
    return {
        "layer": spec.id,
        "label": label,
        "lang": lang,
        "style": spec.style.leaflet(),
        "by": spec.style_by,
        "categories": {cat.value: cat.style.leaflet() for cat in spec.categories},
        "lowDash": LOW_CONFIDENCE_DASH,
        "point": spec.geometry == "point",
        "line": spec.geometry == "line",
        "raster": spec.geometry == "raster",
        "highlight": {"weight": 5, "fillOpacity": 0.6} if spec.geometry != "point" else {"radius": 10},
    }


def layer_data(
    layerset: LayerSet,
    layer_id: str,
    langs: tuple[Lang, ...],
    crs: Crs = "wgs84",
    images: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One layer's features for the browser (unserialised); a raster layer's image at the URL
    `images` gives for it, or inside as a data URI."""
    return _features(layerset, layerset.catalog.layer(layer_id), langs, crs, images)


def layer_options(layerset: LayerSet, layer_id: str, lang: Lang) -> str:
    """A layer's drawing options (styles from the catalog), serialised."""
    return script_json(_options(layerset.catalog.layer(layer_id), lang))


def layer_payload(layerset: LayerSet, layer_id: str, langs: tuple[Lang, ...], crs: Crs = "wgs84") -> LayerPayload:
    """Serialise one layer for the browser, shifted to GCJ-02 when drawn on GCJ-02 tiles
    (stored data stays WGS-84)."""
    spec = layerset.catalog.layer(layer_id)
    data = script_json(_features(layerset, spec, langs, crs))
    if len(data) > PARSE_AS_JSON:  # a big literal takes V8 seconds to compile; a string and JSON.parse, milliseconds
        data = f"JSON.parse({script_json(data)})"
    return LayerPayload(data, script_json(_options(spec, langs[0])))


def legend_config(layerset: LayerSet, layer_ids: Iterable[str], lang: Lang) -> dict[str, Any]:
    """Legend entries (escaped HTML) for `layer_ids`, and which of them hold low-confidence features."""
    catalog = layerset.catalog
    entries, low = {}, {}
    for layer_id in layer_ids:
        spec = catalog.layer(layer_id)
        entries[layer_id] = legend_rows(spec, lang)
        frame = layerset.frames[layer_id]
        low[layer_id] = bool((frame["confidence"] == "low").any()) and spec.geometry != "point"
    return {
        "order": [i for i in catalog.layer_ids if i in entries],
        "title": esc(ui("legend", lang)),
        "titleText": ui("legend", lang),
        "entries": entries,
        "lowConfidence": low,
        "lowHtml": low_confidence_row(lang),
        "emptyHtml": esc(ui("none", lang)),
        "footerHtml": esc(catalog.boundary_statement.get(lang)),
        "crsHtml": {key: esc(note.get(lang)) for key, note in CRS_NOTE.items()},
    }


def accessibility(layerset: LayerSet) -> Accessibility:
    """The map's keyboard and screen-reader element: layer titles in every language, priorities."""
    catalog = layerset.catalog
    titles: dict[str, dict[str, str]] = {lang: {s.id: s.title.get(lang) for s in catalog.layers} for lang in LANGS}
    return Accessibility(titles, {spec.id: spec.priority for spec in catalog.layers})


def _describe(layerset: LayerSet, state: MapState) -> dict[str, str]:
    """The map's accessible name, and a sentence saying what it shows."""
    catalog = layerset.catalog
    shown = [catalog.layer(i).title.get(state.lang) for i in layerset.available if i in set(state.visible)]
    joined = ("、" if state.lang == "zh" else ", ").join(shown) or ui("none", state.lang)
    name = (
        f"{ui('map', state.lang)}：{catalog.title.get(state.lang)}"
        if state.lang == "zh"
        else (f"{ui('map', state.lang)}: {catalog.title.get(state.lang)}")
    )
    return {"name": name, "text": ui("map_shows", state.lang).format(layers=joined)}


def _announce(layerset: LayerSet, key: FeatureKey, lang: Lang) -> str:
    """What a screen reader says when a feature is selected: its name, layer and role."""
    found = layerset.feature(*key)
    catalog = layerset.catalog
    props = found.props if found else {}
    parts = [display_value(catalog, "name", props, lang) or key[1], catalog.layer(key[0]).title.get(lang)]
    role = display_value(catalog, "role", props, lang)
    if role:
        parts.append(role)
    return ("，" if lang == "zh" else ", ").join(parts)


def selection_payload(
    layerset: LayerSet, key: FeatureKey, crs: Crs = "wgs84", lang: Lang = "zh"
) -> dict[str, Any] | None:
    """The selected feature's outline for the browser (and what to announce), or None when it has
    no geometry."""
    found = layerset.feature(*key)
    if found is None or found.geometry is None:
        return None
    kind = layerset.catalog.layer(key[0]).geometry
    data = {"type": "Feature", "properties": {}, "geometry": geojson.encode_geometry(_drawn(found.geometry, crs))}
    style = {**HIGHLIGHT, "radius": 12} if kind == "point" else HIGHLIGHT
    options = {"style": style, "by": None, "categories": {}, "point": kind == "point", "interactive": False}
    return {"key": f"{key[0]}/{key[1]}", "data": data, "options": options, "announce": _announce(layerset, key, lang)}


def _camera_json(state: MapState, crs: Crs, zone: Bounds) -> dict[str, Any]:
    """The state's camera for Leaflet (the whole zone when it has none), moved to the drawing CRS."""
    out = (state.camera or Camera(bounds=zone)).to_json()
    if crs == "gcj02":
        if "bounds" in out:
            out["bounds"] = [list(wgs_to_gcj_latlon(*corner)) for corner in out["bounds"]]
        else:
            out["center"] = list(wgs_to_gcj_latlon(*out["center"]))
    return out


def _caption(state: MapState, views: Sequence[View]) -> dict[str, str] | None:
    """The open view's title, caption and sources, shown on the map in presentation mode."""
    view = view_of(state, views)
    if view is None or not state.present:
        return None
    index = [v.id for v in views].index(view.id)
    title = f"{index + 1} / {len(views)} · {view.title.get(state.lang)}"
    return {
        "title": title,
        "text": view.caption.get(state.lang),
        "source": view.source,
        "sourceLabel": ui("sources", state.lang),
    }


def _year_text(state: MapState) -> str:
    """The legend's year: "截至 2026 年", or comparing "◀ 方案发布时 2019-03 ｜ 截至 2026 年 ▶"."""
    shown = timeline.year_text(state.year, state.lang)
    if state.compare is None:
        return shown
    return f"◀ {timeline.year_text(state.compare, state.lang)} ｜ {shown} ▶"


def _compare(state: MapState) -> dict[str, Any] | None:
    """Comparing: the left side's year (key for the browser's variants), both sides' names,
    where the divider stands and what the divider is called (escaped)."""
    if state.compare is None:
        return None
    left, right = (timeline.year_text(y, state.lang) for y in (state.compare, state.year))
    return {
        "key": timeline.year_key(state.compare),
        "left": esc(left),
        "right": esc(right),
        "divider": state.divider,
        "name": esc(ui("compare_divider", state.lang).format(left=left, right=right)),
        "at": esc(ui("compare_at", state.lang)),
    }


def browser_state(
    layerset: LayerSet,
    state: MapState,
    *,
    basemap: Basemap | None = None,
    key: str | None = None,
    views: Sequence[View] = (),
) -> dict[str, Any]:
    """The JSON ``yq.apply`` draws: language, visible layers, selection, camera, CRS, tiles,
    names on or off, and in presentation mode the view's caption.

    On a GCJ-02 basemap the selection and the camera are shifted like the layers. Tiles that
    need a key are included only when `key` is given (no tiles otherwise: never a key we were
    not given).
    """
    crs: Crs = basemap.crs if basemap else "wgs84"
    tiles = None
    if basemap is not None and not basemap.is_offline and not (basemap.needs_key and not key):
        tiles = {
            "key": f"{basemap.id}/{state.lang}",
            "layers": basemap.tile_layers(state.lang, key),
            "error": ui("tiles_failed", state.lang),
        }
    return {
        "lang": state.lang,
        "visible": [i for i in layerset.available if i in set(state.visible)],  # catalog order
        "selection": selection_payload(layerset, state.selection, crs, state.lang) if state.selection else None,
        "camera": _camera_json(state, crs, layerset.catalog.extent),
        "cameraSeq": state.camera_seq,
        "crs": crs,
        "basemap": tiles,
        "labels": state.labels,
        "present": state.present,
        "caption": _caption(state, views),
        "year": {"key": timeline.year_key(state.year), "html": esc(_year_text(state))},
        "compare": _compare(state),
        "describe": _describe(layerset, state),
    }


__all__ = [
    "CRS_NOTE",
    "LayerPayload",
    "accessibility",
    "browser_state",
    "layer_data",
    "layer_options",
    "layer_payload",
    "legend_config",
    "selection_payload",
]
