"""Export the map as one self-contained HTML file that works with no network.

:func:`geo.web.mapview.build_map` draws the map of a :class:`geo.state.MapState` (the same
state the dashboard shows, applied by the same ``yq.apply``); this module adds the title,
each layer's sources, the boundary statement and the export date, then inlines every asset
so the file opens from ``file://`` on an isolated machine.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from branca.element import Figure
from folium.template import Template

from geo.data import differences
from geo.data.basemaps import Basemap
from geo.data.catalog import USER_GROUP, Catalog
from geo.data.layers import LayerSet
from geo.data.timeline import in_year, projects_open, year_text
from geo.i18n import Lang, ui
from geo.state import MapState
from geo.web.elements import MapScript, script_json
from geo.web.mapview import build_map
from geo.web.popups import esc

_DATA_SCRIPT = re.compile(r'<script src="data:text/javascript;(base64|charset=utf-8),([^"]*)"></script>')
_DATA_STYLE = re.compile(r'<link rel="stylesheet" href="data:text/css;(base64|charset=utf-8),([^"]*)"/>')


def _decoded(match: re.Match[str]) -> str:
    """The text a ``data:`` URI carries (base64 or percent-escaped UTF-8)."""
    kind, body = match.group(1), match.group(2)
    return base64.b64decode(body).decode("utf-8") if kind == "base64" else unquote(body)


class InfoPanel(MapScript):
    """Title, sources of the shown layers, boundary statement and export date, on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var panel = L.control({position: "bottomleft"});
                panel.onAdd = function () {
                    var div = L.DomUtil.create("div", "yq-panel yq-info");
                    div.innerHTML = {{ this.html_js }};
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                panel.addTo({{ this.map_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "YqInfoPanel"
        self.html_js = script_json(html)


def info_html(
    catalog: Catalog,
    layer_ids: Iterable[str],
    lang: Lang,
    *,
    when: dt.date,
    caption: str = "",
    year: str = "",
    changes: Sequence[str] = (),
) -> str:
    """The panel's HTML; every piece of data in it is escaped. `year` says which year it shows;
    comparing two, `changes` lists what changed between them."""
    sources = "".join(
        f"<li><b>{esc(spec.title.get(lang))}</b>: {esc(spec.source.get(lang))}. {esc(spec.licence)}</li>"
        for spec in (catalog.layer(i) for i in layer_ids)
        if spec.group != USER_GROUP
    )
    user = [catalog.layer(i) for i in layer_ids if catalog.layer(i).group == USER_GROUP]
    user_items = "".join(f"<li><b>{esc(s.title.get(lang))}</b>: {esc(s.source.get(lang))}</li>" for s in user)
    caption_html = f"<p>{esc(caption)}</p>" if caption else ""
    if changes:
        items = "".join(f"<li>{esc(c)}</li>" for c in changes)
        summary = f"<summary>{esc(ui('changes', lang))}</summary>"
        caption_html += f'<details class="yq-changes" open>{summary}<ul>{items}</ul></details>'
    return (
        f"<h1>{esc(catalog.title.get(lang))}</h1>"
        + (f'<p class="yq-year"><b>{esc(year)}</b></p>' if year else "")
        + f"{caption_html}"
        f'<div class="yq-meta yq-boundary">{esc(catalog.boundary_statement.get(lang))}</div>'
        f'<div class="yq-meta">{esc(catalog.unknown_note.get(lang))}</div>'
        f"<details><summary>{esc(ui('sources', lang))}</summary><ul>{sources}{user_items}</ul></details>"
        f'<div class="yq-meta yq-date">{esc(ui("exported", lang))}: {when.isoformat()}</div>'
    )


def inline_assets(html: str) -> str:
    """Turn ``data:`` script and stylesheet links into inline ``<script>``/``<style>`` blocks.

    Inline text needs no URL handling at all, and is smaller than either kind of URI.
    """

    def script(match: re.Match[str]) -> str:
        code = _decoded(match)
        if "</script" in code.lower():
            raise ValueError("an asset contains '</script' and cannot be inlined")
        return f"<script>{code}</script>"

    def style(match: re.Match[str]) -> str:
        css = _decoded(match)
        if "</style" in css.lower():
            raise ValueError("a stylesheet contains '</style' and cannot be inlined")
        return f"<style>{css}</style>"

    return _DATA_STYLE.sub(style, _DATA_SCRIPT.sub(script, html))


def export_html(
    layerset: LayerSet,
    state: MapState,
    *,
    when: dt.date | None = None,
    caption: str = "",
    basemap: Basemap | None = None,
    key: str | None = None,
) -> str:
    """The map of `state` as one self-contained HTML document.

    With the offline basemap it requests nothing from any host; an online basemap's tiles
    are the only requests. A basemap key is written only when the caller passes it.
    """
    when = when or dt.date.today()
    # only what existed in the state's year, as it was then, and (one year) nothing known after it
    then = in_year(layerset, state.year, only_then=state.compare is None)
    opened, total = projects_open(then)
    year = f"{year_text(state.year, state.lang)} · {ui('projects_open_short', state.lang)} {opened} / {total}"
    changes: list[str] = []
    if state.compare is None:
        layerset = then
    else:  # both years travel (each feature's variants); the browser draws each side's
        year = f"{year_text(state.compare, state.lang)} ｜ {year}"
        found = differences.between(layerset, state.compare, state.year, state.visible)
        changes = [differences.heading(state.compare, state.year, state.lang), *(c.get(state.lang) for c in found)]
    m = build_map(layerset, state, layer_control=True, basemap=basemap, key=key)
    shown = [i for i in layerset.available if i in set(state.visible)]
    info = info_html(layerset.catalog, shown, state.lang, when=when, caption=caption, year=year, changes=changes)
    InfoPanel(info).add_to(m)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.title = esc(f"{layerset.catalog.title.get(state.lang)} · {when.isoformat()}")
    html = root.render()
    html = html.replace("<html>", f'<html lang="{"zh-CN" if state.lang == "zh" else "en"}">', 1)
    # readers may zoom the page (WCAG 1.4.4): folium's viewport forbids it
    html = re.sub(
        r'<meta name="viewport"[^>]*>',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        html,
        count=1,
    )
    return inline_assets(html)
