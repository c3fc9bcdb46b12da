"""Build the folium map: a pure function of the loaded layers and a :class:`geo.state.MapState`.

The exporter calls :func:`build_map`; the dashboard (:mod:`geo.web.livemap`) draws the same layer
groups on the same :func:`base_map`. In both, ``yq.apply`` in the browser draws the state:
here it is embedded as JSON, in the dashboard it arrives beside the map.
"""

from __future__ import annotations

import folium

from geo.data.basemaps import Basemap, Crs
from geo.data.layers import LayerSet
from geo.i18n import Lang
from geo.spatial.camera import Bounds
from geo.state import MapState, settled
from geo.web.assets import Links, make_offline
from geo.web.elements import Boot, CatalogGeoJson, CatalogGroup, Controls, Legend
from geo.web.payloads import (
    LayerPayload,
    accessibility,
    browser_state,
    layer_options,
    layer_payload,
    legend_config,
)

# The first frame's zoom, before the state's camera (yq.apply) fits the zone or the view.
DEFAULT_ZOOM = 7


def base_map(
    zone: Bounds,
    *,
    zoom: int = DEFAULT_ZOOM,
    assets: tuple[Links, Links] | None = None,
) -> folium.Map:
    """The offline map without layers: no tiles, local assets, scale, full screen, measure.

    `assets` are the script and stylesheet links (default: data URIs, for a file that carries
    them). It depends on nothing the user changes, so the dashboard's map is never remounted.
    """
    m = folium.Map(
        location=[(zone[0][0] + zone[1][0]) / 2, (zone[0][1] + zone[1][1]) / 2],  # the zone's centre
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        min_zoom=4,
        max_zoom=16,
    )
    make_offline(m, assets)
    Controls().add_to(m)
    return m


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
    group = CatalogGroup(layer_id, catalog.draw_rank(layer_id), spec.title.get(lang), show, spec.attribution)
    if data_ref is not None:  # the data is already in the page (yq.data)
        CatalogGeoJson("", layer_options(layerset, layer_id, lang), data_ref=data_ref).add_to(group)
    else:
        payload = payload or layer_payload(layerset, layer_id, (lang,), crs)
        CatalogGeoJson(payload.data_js, payload.options_js).add_to(group)
    return group


def build_map(
    layerset: LayerSet,
    state: MapState,
    *,
    layer_control: bool = True,
    basemap: Basemap | None = None,
    key: str | None = None,
) -> folium.Map:
    """The map of `state` as one folium object: the visible layers, legend, layer control.

    Tiles, the selection and the camera (the whole zone when the state has none) are drawn
    in the browser by ``yq.apply`` from the state embedded as JSON. On a GCJ-02 basemap every
    overlay is drawn shifted to GCJ-02.
    """
    crs: Crs = basemap.crs if basemap else "wgs84"
    state = settled(state)  # the file opens where the reader was
    m = base_map(layerset.catalog.extent)
    layer_ids = layerset.in_drawing_order(state.visible)
    for layer_id in layer_ids:
        layer_group(layerset, layer_id, state.lang, crs=crs).add_to(m)
    Legend({state.lang: legend_config(layerset, layer_ids, state.lang)}, state.lang).add_to(m)
    accessibility(layerset).add_to(m)
    if layer_control:
        folium.LayerControl(collapsed=False, position="topright").add_to(m)
    Boot(drawn_crs=crs, state=browser_state(layerset, state, basemap=basemap, key=key)).add_to(m)
    return m


__all__ = ["DEFAULT_ZOOM", "base_map", "build_map", "layer_group"]
