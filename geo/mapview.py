"""Build the folium map: a pure function of the loaded layers and the view state.

The exporter calls :func:`build_map`; the dashboard (see :mod:`geo.livemap`) draws the
same layer groups on the same :func:`base_map`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from geo import geojson_io
from geo.assets import make_offline
from geo.basemaps import Basemap, Crs
from geo.catalog import LayerSpec
from geo.gcj import to_gcj
from geo.i18n import Lang, Text, ui
from geo.layers import LayerSet
from geo.popups import esc, legend_rows, low_confidence_row, popup_html, tooltip_html

# Initial view: the whole zone, from 两江新区 to 贵安新区 and 秀山 (lat, lon order for folium).
DEFAULT_CENTER: tuple[float, float] = (28.2, 107.4)
DEFAULT_ZOOM = 7
ZONE_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((26.3, 105.6), (30.0, 109.3))
LOW_CONFIDENCE_DASH = "4 3"
HIGHLIGHT = {"color": "#ffd300", "weight": 6, "opacity": 1.0, "fillOpacity": 0.15, "fillColor": "#ffd300"}
_GEOMETRY_RANK = {"polygon": 0, "line": 1, "point": 2}


@dataclass(frozen=True)
class MapState:
    """What the map shows: visible layer ids, language and the selected feature."""

    visible: tuple[str, ...]
    lang: Lang = "zh"
    selection: tuple[str, str] | None = None  # (layer id, feature id)


def draw_rank(spec: LayerSpec, index: int) -> int:
    """Drawing order: polygons under lines under points; context under the plan's layers."""
    context_first = 0 if spec.group == "context" else 1
    return _GEOMETRY_RANK[spec.geometry] * 1000 + context_first * 100 + index


def _js(value: Any) -> str:
    """JSON for embedding in a <script>: no '</' sequence can close the script."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


class CatalogGroup(folium.FeatureGroup):
    """A FeatureGroup that tells our legend which catalog layer it draws."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = yq.register(L.featureGroup({{ this.options|tojavascript }}),
                {{ this.layer_id|tojson }}, {{ this.rank|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, layer_id: str, rank: int, name: str, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        # keeps folium's "FeatureGroup" name: streamlit-folium refers to feature_group_feature_group_<n>
        self.layer_id = layer_id
        self.rank = rank


class _MapScript(MacroElement):
    """A script that runs against the enclosing map (found by walking up the tree)."""

    _template = Template("")

    def map_name(self) -> str:
        node: Any = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = getattr(node, "_parent", None)
        if node is None:
            raise ValueError(f"{type(self).__name__} must be added inside a folium.Map")
        return str(node.get_name())


class Legend(_MapScript):
    """The legend control: lists exactly the registered layers that are on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.legend({{ this.map_name() }}, {{ this.configs_js }}, {{ this.lang_js }});
        {% endmacro %}
        """
    )

    def __init__(self, configs: Mapping[Lang, dict[str, Any]] | str, default_lang: Lang) -> None:
        super().__init__()
        self._name = "YqLegend"
        # a str is a reference to configs already loaded in the page (the dashboard's data script)
        self.configs_js = configs if isinstance(configs, str) else _js(dict(configs))
        self.lang_js = _js(default_lang)


class Controls(_MapScript):
    """Full screen and measure (our own, offline) with bilingual labels."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.fullscreen({{ this.map_name() }}, {{ this.fullscreen_label }});
            yq.measure({{ this.map_name() }}, {{ this.measure_labels }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "YqControls"
        self.fullscreen_label = _js(f"{ui('fullscreen', 'zh')} / {ui('fullscreen', 'en')}")
        self.measure_labels = _js(
            {
                "title": f"{ui('measure', 'zh')} / {ui('measure', 'en')}",
                "distance": "距离 Distance",
                "area": "面积 Area",
                "hint": "点击地图添加测量点，Esc 结束 / Click the map to add points, Esc to finish",
            }
        )


def base_map(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = DEFAULT_ZOOM) -> folium.Map:
    """The offline map without layers: no tiles, local assets, scale, full screen, measure.

    It depends on nothing the user changes, so the dashboard's map is never remounted.
    """
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        min_zoom=4,
        max_zoom=16,
    )
    make_offline(m)
    Controls().add_to(m)
    return m


def _slim_features(layerset: LayerSet, spec: LayerSpec, langs: tuple[Lang, ...], crs: Crs = "wgs84") -> dict[str, Any]:
    """The layer as GeoJSON carrying only what the browser needs: escaped HTML per language
    (``_tip_zh``, ``_pop_en``, …) and the keys its style depends on."""
    frame = layerset.frames[spec.id]
    catalog = layerset.catalog
    features = []
    for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
        if geom is None:
            continue  # unlocated: listed in tables and details, not drawn
        slim: dict[str, Any] = {"id": str(props["id"]), "confidence": props.get("confidence")}
        for lang in langs:
            slim[f"_tip_{lang}"] = tooltip_html(catalog, spec, props, lang)
            slim[f"_pop_{lang}"] = popup_html(catalog, spec, props, lang)
        if spec.style_by:
            slim[spec.style_by] = props.get(spec.style_by)
        drawn = to_gcj(geom) if crs == "gcj02" else geom
        features.append({"type": "Feature", "properties": slim, "geometry": geojson_io.encode_geometry(drawn)})
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class LayerPayload:
    """A layer's browser data and options, already serialised for a <script> (cacheable)."""

    data_js: str
    options_js: str


def layer_payload(layerset: LayerSet, layer_id: str, langs: tuple[Lang, ...], crs: Crs = "wgs84") -> LayerPayload:
    """Serialise one layer for the browser: escaped HTML in `langs`, delta-encoded geometry,
    shifted to GCJ-02 when it will be drawn on GCJ-02 tiles (stored data stays WGS-84)."""
    spec = layerset.catalog.layer(layer_id)
    return LayerPayload(_js(_slim_features(layerset, spec, langs, crs)), _js(_layer_options(spec, langs[0])))


class CatalogGeoJson(MacroElement):
    """A GeoJSON layer drawn by ``yq.geojson``: compact UTF-8 data, styles from the catalog.

    Used instead of folium.GeoJson, whose tooltips and popups insert property values
    unescaped and whose embedding escapes every Chinese character to six bytes. The data
    is inline (exports) or, with `data_ref`, read from ``yq.data`` loaded by a script link
    (the dashboard, where streamlit-folium would otherwise reprocess it on every rerun).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = yq.geojson({{ this.data_js }}, {{ this.options_js }})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: LayerPayload, *, data_ref: str | None = None) -> None:
        super().__init__()
        self._name = "CatalogGeoJson"
        self.data_js = f"yq.data[{_js(data_ref)}]" if data_ref else payload.data_js
        self.options_js = payload.options_js


def _layer_options(spec: LayerSpec, lang: Lang) -> dict[str, Any]:
    return {
        "lang": lang,
        "style": spec.style.leaflet(),
        "by": spec.style_by,
        "categories": {cat.value: cat.style.leaflet() for cat in spec.categories},
        "lowDash": LOW_CONFIDENCE_DASH,
        "point": spec.geometry == "point",
        "highlight": {"weight": 5, "fillOpacity": 0.6} if spec.geometry != "point" else {"radius": 10},
    }


def layer_group(
    layerset: LayerSet,
    layer_id: str,
    lang: Lang,
    *,
    payload: LayerPayload | None = None,
    data_ref: str | None = None,
    show: bool = True,
    crs: Crs = "wgs84",
) -> CatalogGroup:
    """One catalog layer as a registered FeatureGroup holding its features with escaped text."""
    catalog = layerset.catalog
    spec = catalog.layer(layer_id)
    index = catalog.layer_ids.index(layer_id)
    group = CatalogGroup(layer_id, draw_rank(spec, index), name=spec.title.get(lang), show=show)
    CatalogGeoJson(payload or layer_payload(layerset, layer_id, (lang,), crs), data_ref=data_ref).add_to(group)
    return group


CRS_NOTE = {
    "wgs84": Text("坐标系：WGS-84", "Coordinates: WGS-84"),
    "gcj02": Text(
        "坐标系：GCJ-02（叠加图层已由 WGS-84 偏移，以对齐该底图）",
        "Coordinates: GCJ-02 (overlays shifted from WGS-84 to line up with these tiles)",
    ),
}


def legend_config(layerset: LayerSet, layer_ids: Iterable[str], lang: Lang, crs: Crs = "wgs84") -> dict[str, Any]:
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
        "entries": entries,
        "lowConfidence": low,
        "lowHtml": low_confidence_row(lang),
        "emptyHtml": esc(ui("none", lang)),
        "footerHtml": esc(catalog.boundary_statement.get(lang)),
        "crsHtml": {key: esc(note.get(lang)) for key, note in CRS_NOTE.items()},
        "crs": crs,
    }


def _selection_group(layerset: LayerSet, selection: tuple[str, str], crs: Crs = "wgs84") -> folium.FeatureGroup | None:
    layer_id, feature_id = selection
    found = layerset.feature(layer_id, feature_id)
    if found is None or found[1] is None:
        return None
    group = CatalogGroup("_selection", 10_000, name="selection")
    data, options = _selection_payload(layerset.catalog.layer(layer_id).geometry, found[1], crs)
    CatalogGeoJson(LayerPayload(_js(data), _js(options))).add_to(group)
    return group


def _selection_payload(kind: str, geom: Any, crs: Crs = "wgs84") -> tuple[dict[str, Any], dict[str, Any]]:
    drawn = to_gcj(geom) if crs == "gcj02" else geom
    data = {"type": "Feature", "properties": {}, "geometry": geojson_io.encode_geometry(drawn)}
    style = {**HIGHLIGHT, "radius": 12} if kind == "point" else HIGHLIGHT
    return data, {"style": style, "by": None, "categories": {}, "point": kind == "point", "interactive": False}


def _ordered_visible(layerset: LayerSet, visible: Iterable[str]) -> list[str]:
    wanted = set(visible)
    return [i for i in layerset.available if i in wanted]


def build_map(
    layerset: LayerSet,
    state: MapState,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    layer_control: bool = True,
    basemap: Basemap | None = None,
    key: str | None = None,
) -> folium.Map:
    """The whole map as one folium object: tiles, visible layers, selection, legend, control.

    It shows `bounds` ([[south, west], [north, east]]) when given, else `center`/`zoom`,
    else the whole zone. On a GCJ-02 basemap every overlay is drawn shifted to GCJ-02.
    """
    crs: Crs = basemap.crs if basemap else "wgs84"
    m = base_map(center=center or DEFAULT_CENTER, zoom=zoom or DEFAULT_ZOOM)
    # a basemap whose key the caller did not pass is drawn without tiles (never a key we were not given)
    if basemap is not None and not (basemap.needs_key and not key):
        for i, tiles in enumerate(basemap.tile_layers(state.lang, key)):
            folium.TileLayer(
                tiles=tiles["url"],
                attr=tiles["options"]["attribution"],
                name=basemap.name.get(state.lang) if i == 0 else f"{basemap.name.get(state.lang)} · 注记",
                max_zoom=tiles["options"]["maxZoom"],
                subdomains=tiles["options"].get("subdomains", "abc"),
                overlay=i > 0,
                control=i > 0,
            ).add_to(m)
    layer_ids = _ordered_visible(layerset, state.visible)
    catalog = layerset.catalog
    ranked = sorted(layer_ids, key=lambda i: draw_rank(catalog.layer(i), catalog.layer_ids.index(i)))
    for layer_id in ranked:
        layer_group(layerset, layer_id, state.lang, crs=crs).add_to(m)
    if state.selection:
        selected = _selection_group(layerset, state.selection, crs)
        if selected is not None:
            selected.control = False
            selected.add_to(m)
    Legend({state.lang: legend_config(layerset, layer_ids, state.lang, crs)}, state.lang).add_to(m)
    if layer_control:
        folium.LayerControl(collapsed=False, position="topright").add_to(m)
    if bounds is not None:
        m.fit_bounds([list(bounds[0]), list(bounds[1])])
    elif center is None:
        m.fit_bounds([list(ZONE_BOUNDS[0]), list(ZONE_BOUNDS[1])])
    return m
