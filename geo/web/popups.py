"""Tooltip, popup and legend HTML, built in Python with every value escaped.

folium's GeoJsonTooltip/GeoJsonPopup insert property values with ``innerHTML`` and
do not escape them, so the map is given only the HTML made here: each value and
label passes through :func:`html.escape` first, and nothing else reaches the page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from typing import Any

from geo.data.catalog import Catalog, LayerSpec, PathStyle, display_value
from geo.i18n import Lang, ui


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: Any) -> str:
    """Escape Markdown, so data is shown as text where Streamlit renders Markdown."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", "" if value is None else str(value))


def tooltip_html(catalog: Catalog, spec: LayerSpec, props: Mapping[str, Any], lang: Lang) -> str:
    """Short hover text: the name in bold, then the other tooltip fields."""
    name = display_value(catalog, "name", props, lang) or str(props.get("id", ""))
    parts = [f"<b>{esc(name)}</b>"]
    for field in spec.tooltip:
        if field == "name":
            continue
        value = display_value(catalog, field, props, lang)
        if value is not None:
            parts.append(f"{esc(catalog.fields[field].get(lang))}: {esc(value)}")
    return '<div class="yq-tip">' + "<br>".join(parts) + "</div>"


def popup_html(catalog: Catalog, spec: LayerSpec, props: Mapping[str, Any], lang: Lang) -> str:
    """Click text: a table of the popup fields, each label and value escaped."""
    rows = []
    for field in spec.popup:
        value = display_value(catalog, field, props, lang)
        if value is None:
            continue
        label = catalog.fields[field].get(lang)
        rows.append(f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>")
    title = esc(spec.title.get(lang))
    return f'<div class="yq-pop"><div class="yq-meta">{title}</div><table>{"".join(rows)}</table></div>'


def swatch_svg(geometry: str, style: PathStyle, *, low_confidence: bool = False) -> str:
    """A small SVG sample of a style: a filled square, a line or a circle."""
    stroke = esc(style.color)
    fill = esc(style.fill_color or style.color)
    dash = esc("4 3" if low_confidence else (style.dash_array or ""))
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    width = min(float(style.weight), 6.0)
    if geometry == "polygon":
        hatch = ""
        if low_confidence:  # the same hatching as on the map: pattern, not colour alone
            hatch = "".join(
                f'<line x1="{x}" y1="18" x2="{x + 14}" y2="2" stroke="{fill}" stroke-width="1.5"/>'
                for x in (-4, 4, 12, 20)
            )
        shape = (
            f'<rect x="2" y="2" width="24" height="16" fill="{fill}" fill-opacity="{max(style.fill_opacity, 0.15)}"'
            f' stroke="{stroke}" stroke-width="{max(width, 1.5)}"{dash_attr}/>{hatch}'
        )
    elif geometry == "line":
        shape = f'<line x1="1" y1="10" x2="27" y2="10" stroke="{stroke}" stroke-width="{width}"{dash_attr}/>'
    elif geometry == "raster":  # shaded ridges: light from the north-west, as the relief image
        shape = (
            '<rect x="2" y="2" width="24" height="16" fill="#ececec" stroke="#bdbdbd" stroke-width="1"/>'
            '<path d="M2 16 L9 6 L13 12 L18 5 L26 16 Z" fill="#b4b4b4"/>'
            '<path d="M9 6 L11 16 L2 16 Z M18 5 L20 16 L13 12 Z" fill="#dedede"/>'
        )
    else:
        shape = f'<circle cx="14" cy="10" r="6" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
    return f'<svg width="28" height="20" viewBox="0 0 28 20" aria-hidden="true">{shape}</svg>'


def _legend_items(spec: LayerSpec, lang: Lang) -> list[tuple[PathStyle, str]]:
    if spec.categories:
        return [(cat.style, cat.label.get(lang)) for cat in spec.categories]
    return [(spec.style, spec.title.get(lang))]


def swatch_uris(spec: LayerSpec) -> list[str]:
    """The style samples of a layer (one per category) as SVG data URIs, e.g. for a toggle's label."""
    uris = []
    for style, _ in _legend_items(spec, "zh"):
        svg = swatch_svg(spec.geometry, style).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        uris.append("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"))
    return uris


def legend_rows(spec: LayerSpec, lang: Lang) -> str:
    """Legend HTML for one layer: one row, or one per category."""
    items = _legend_items(spec, lang)
    return "".join(
        f'<li class="yq-legend-row" data-layer="{esc(spec.id)}">{swatch_svg(spec.geometry, style)}'
        f"<span>{esc(label)}</span></li>"
        for style, label in items
    )


def low_confidence_row(lang: Lang) -> str:
    """Legend row explaining how low-confidence features are drawn: dashed outline, hatched fill."""
    sample = PathStyle(color="#525252", fill_color="#525252", fill_opacity=0.0, weight=2)
    return (
        f'<li class="yq-legend-row yq-legend-low">{swatch_svg("polygon", sample, low_confidence=True)}'
        f"<span>{esc(ui('low_confidence', lang))}</span></li>"
    )
