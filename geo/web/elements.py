"""The folium elements of our map: each renders data (JSON) and one call into ``geo/static``.

Python never writes JavaScript logic here: a template passes JSON to a function of the
browser code (``yq.register``, ``yq.geojson``, ``yq.legend``, ``yq.boot`` …), which lives in
``geo/static/*.js``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo.i18n import LANGS, Lang, ui


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element and inside a folium template, valid both as JSON
    and as a JavaScript literal.

    ``</`` and ``<!--`` can occur only inside strings; they are escaped there so no value can
    close the script or open a comment. So are ``{{``, ``{%`` and ``{#``: branca parses each
    element's rendered script again as a Jinja template, so a value such as ``{{ 7*7 }}`` would
    otherwise be evaluated on the server (compact JSON never has them outside strings).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


def map_name(element: MacroElement) -> str:
    """The JavaScript name of the folium.Map that `element` was added to (found by walking up)."""
    node: Any = element._parent
    while node is not None and not isinstance(node, folium.Map):
        node = getattr(node, "_parent", None)
    if node is None:
        raise ValueError(f"{type(element).__name__} must be added inside a folium.Map")
    return str(node.get_name())


class MapScript(MacroElement):
    """A script that runs against the enclosing map."""

    _template = Template("")

    def map_name(self) -> str:
        """The enclosing map's JavaScript name."""
        return map_name(self)


class CatalogGroup(folium.FeatureGroup):
    """A FeatureGroup that tells the browser code which catalog layer it draws."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = yq.register(L.featureGroup(null, {{ this.options|tojavascript }}),
                {{ this.layer_id|tojson }}, {{ this.rank|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, layer_id: str, rank: int, name: str, show: bool = True, attribution: str = "") -> None:
        # Leaflet shows a layer's attribution (HTML: escaped here) in the corner while it is on
        super().__init__(name=name, show=show, **({"attribution": html.escape(attribution)} if attribution else {}))
        # keeps folium's "FeatureGroup" name: streamlit-folium refers to feature_group_feature_group_<n>
        self.layer_id = layer_id
        self.rank = rank


class CatalogGeoJson(MacroElement):
    """A GeoJSON layer drawn by ``yq.geojson``: compact UTF-8 data, styles from the catalog.

    Used instead of folium.GeoJson, whose tooltips and popups insert property values
    unescaped and whose embedding escapes every Chinese character to six bytes. The data
    is inline (exports) or, with `data_ref`, read from ``yq.data`` loaded by the data bundle
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

    def __init__(self, data_js: str, options_js: str, *, data_ref: str | None = None) -> None:
        super().__init__()
        self._name = "CatalogGeoJson"
        self.data_js = f"yq.data[{script_json(data_ref)}]" if data_ref else data_js
        self.options_js = options_js


class Legend(MapScript):
    """The legend control: lists exactly the registered layers that are on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.legend({{ this.map_name() }}, {{ this.configs_js }}, {{ this.lang_js }});
        {% endmacro %}
        """
    )

    def __init__(self, configs: Mapping[Lang, dict[str, Any]] | None, default_lang: Lang) -> None:
        super().__init__()
        self._name = "YqLegend"
        # None: the configs travel in the data bundle (yq.legendData), loaded before the map
        self.configs_js = "yq.legendData" if configs is None else script_json(dict(configs))
        self.lang_js = script_json(default_lang)


class Controls(MapScript):
    """Full screen and measure (our own, offline); every control named in the current language."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.fullscreen({{ this.map_name() }}, {{ this.texts }});
            yq.measure({{ this.map_name() }});
            yq.nameControls({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "YqControls"
        keys = ("fullscreen", "measure", "distance", "area", "measure_hint", "zoom_in", "zoom_out", *SKETCH_TEXTS)
        names = ("fullscreen", "measure", "distance", "area", "hint", "zoomIn", "zoomOut", *SKETCH_TEXTS.values())
        self.texts = script_json({lang: {n: ui(k, lang) for n, k in zip(names, keys, strict=True)} for lang in LANGS})


# the sketch tool's texts (geo/static/sketch.js): interface key → the name the script uses
SKETCH_TEXTS = {
    k: "sketch" + "".join(w.title() for w in k.split("_")[1:])
    for k in (
        "sketch", "sketch_point", "sketch_line", "sketch_area", "sketch_title", "sketch_note", "sketch_hint",
        "sketch_finish", "sketch_undo", "sketch_cancel", "sketch_add_centre", "sketch_too_few", "sketch_added",
        "sketch_vertex", "sketch_move", "sketch_move_done", "sketch_drag", "sketch_drag_hint", "sketch_moved",
        "sketch_colours",
    )
}  # fmt: skip


class Accessibility(MapScript):
    """Keyboard and screen-reader access (``geo/static/a11y.js``): the features list's texts, each
    layer's title in every language and its priority (the order the list follows)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            yq.a11yOnMap({{ this.map_name() }}, {{ this.texts }}, {{ this.titles }}, {{ this.priorities }});
        {% endmacro %}
        """
    )

    def __init__(self, titles: Mapping[str, Mapping[str, str]], priorities: Mapping[str, int]) -> None:
        super().__init__()
        self._name = "YqAccessibility"
        keys = {"features": "features_list", "featuresHint": "features_hint", "skipToMap": "skip_to_map"}
        keys |= {"backToMap": "back_to_map", "skipMain": "skip_main", "helpFor": "help_for", "help": "help"}
        keys |= {"mainMenu": "main_menu", "collapseSidebar": "collapse_sidebar", "expandSidebar": "expand_sidebar"}
        keys |= {"headingLink": "heading_link", "sidebar": "sidebar", "openList": "open_list"}
        self.texts = script_json({lang: {n: ui(k, lang) for n, k in keys.items()} for lang in LANGS})
        self.titles = script_json(dict(titles))
        self.priorities = script_json(dict(priorities))


class Boot(MapScript):
    """Runs after every layer exists: ``yq.boot`` applies the map state.

    With `state` (an export) the state is embedded as a JSON block and applied once; without
    (the dashboard) the map takes the page's state and listens for new ones.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {% if this.state_json %}
            <script type="application/json" id="yq-state">{{ this.state_json }}</script>
            {% endif %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            yq.boot({{ this.map_name() }}, {{ this.crs_js }}, {{ this.state_id_js }}{% if this.relay %},
                {{ this._parent.get_name() }}{% endif %});
        {% endmacro %}
        """
    )

    def __init__(self, *, drawn_crs: str, state: Mapping[str, Any] | None = None, relay: bool = False) -> None:
        super().__init__()
        self._name = "YqBoot"
        # the dashboard: the group this is in reports clicked features (yq.picked) to streamlit-folium
        self.relay = relay
        self.crs_js = script_json(drawn_crs)
        self.state_json = script_json(dict(state)) if state is not None else ""
        self.state_id_js = script_json("yq-state" if state is not None else None)


class DataScript(JSCSSMixin, MacroElement):
    """Carries the dashboard's data bundle as a script link (streamlit-folium loads it before the map)."""

    _template = Template("")

    def __init__(self, uri: str) -> None:
        super().__init__()
        self._name = "YqData"
        self.default_js = [("yq_data", uri)]


__all__ = [
    "Accessibility",
    "Boot",
    "CatalogGeoJson",
    "CatalogGroup",
    "Controls",
    "DataScript",
    "Legend",
    "MapScript",
    "map_name",
    "script_json",
]
