"""The parts of a print sheet: layers in the catalog's styles, names, legend, north arrow, inset, sources.

Each draws on matplotlib axes in the sheet's projection (Albers equal-area); :mod:`geo.printing.sheet`
lays them out on the paper.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pyproj
import shapely

from geo.data.layers import LayerSet
from geo.data.styles import LOW_CONFIDENCE_DASH, PathStyle
from geo.i18n import Lang, ui
from geo.spatial import labels
from geo.spatial.measure import CHINA_ALBERS

TO_ALBERS = pyproj.Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)


def _dashes(dash: str | None, width: float) -> Any:
    if not dash:
        return "solid"
    values = [float(v) for v in dash.replace(",", " ").split()]
    return (0, tuple(v / max(width, 0.5) for v in values))


def _pt(leaflet_px: float) -> float:
    """A screen width in CSS pixels as a line width in points on paper (slightly finer)."""
    return leaflet_px * 0.55


def draw_layer(ax, frame: gpd.GeoDataFrame, spec, *, zorder: int) -> None:
    """One layer with the catalog's styles, features of one style and confidence drawn together."""
    groups: dict[tuple[PathStyle, bool], list[Any]] = {}
    for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
        if geom is not None and not geom.is_empty:
            low = props.get("confidence") == "low" and spec.geometry != "point"
            groups.setdefault((spec.style_for(props), low), []).append(geom)
    for (style, low), geoms in groups.items():
        width = _pt(style.weight)
        series = gpd.GeoSeries(geoms)
        if spec.geometry == "polygon":
            series.plot(
                ax=ax, facecolor=style.fill_color or style.color, alpha=style.fill_opacity, linewidth=0, zorder=zorder
            )
            if low:  # hatched: pattern, not colour alone (as on screen)
                series.plot(ax=ax, facecolor="none", edgecolor=style.color, hatch="////", linewidth=0, zorder=zorder)
            dash = LOW_CONFIDENCE_DASH if low else style.dash_array
            series.boundary.plot(
                ax=ax, color=style.color, linewidth=max(width, 0.4), linestyle=_dashes(dash, width), zorder=zorder + 1
            )
        elif spec.geometry == "line":
            dash = style.dash_array or (LOW_CONFIDENCE_DASH if low else None)
            series.plot(ax=ax, color=style.color, linewidth=width, linestyle=_dashes(dash, width), zorder=zorder + 2)
        else:
            ax.scatter(
                series.x,
                series.y,
                s=(style.radius * 1.1) ** 2,
                facecolor=style.fill_color or style.color,
                edgecolor=style.color,
                linewidth=1.0,
                zorder=zorder + 3,
            )


def _label_zoom(extent: tuple[float, float, float, float]) -> float:
    """The screen zoom whose view matches the sheet's extent (to honour the names' min zoom)."""
    west, south, east, north = extent
    span = max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))
    return math.log2(900 * 360 / 256 / max(span, 1e-3))


def _places(geom, spec) -> list[tuple[float, float, float]]:
    """Where a feature's name may go on the sheet, in order: ``(x, y, angle)`` in the sheet's
    projection. A river's (a context line's) places along the line, turned to it; otherwise the anchor."""
    if spec.role == "context" and spec.geometry == "line":
        out = []
        for lat, lon, lat2, lon2 in labels.along(geom):
            (x, x2), (y, y2) = TO_ALBERS.transform([lon, lon2], [lat, lat2])
            angle = math.degrees(math.atan2(y2 - y, x2 - x))
            angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle  # never upside down
            out.append((x, y, angle))
        return out
    lat, lon = labels.anchor(geom)
    x, y = TO_ALBERS.transform(lon, lat)
    return [(x, y, 0.0)]


def _label_candidates(layerset: LayerSet, visible: Sequence[str], lang: Lang, extent) -> list[tuple[Any, ...]]:
    """(rank, -size, name, places, kind, river) of every name the sheet could show, in placing order."""
    catalog = layerset.catalog
    zoom = _label_zoom(extent)
    candidates = []
    for layer_id in visible:
        spec = catalog.layer(layer_id)
        if spec.label_rank is None or zoom < spec.label_min_zoom:
            continue
        frame = layerset.frames[layer_id]
        for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
            own_zoom = props.get("label_min_zoom")
            if geom is None or geom.is_empty or (isinstance(own_zoom, int | float) and zoom < own_zoom):
                continue
            lat, lon = labels.anchor(geom)
            if spec.geometry != "line" and not (extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3]):
                continue
            name = labels.short_name(str(props.get(f"name_{lang}") or props.get("name_zh") or props["id"]))
            river = spec.role == "context" and spec.geometry == "line"
            candidates.append((spec.label_rank, -labels.size(geom), name, _places(geom, spec), spec.geometry, river))
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates


def place_labels(
    ax, layerset: LayerSet, visible: Sequence[str], lang: Lang, extent, fontsize: float, obstacles: list[Any]
) -> int:
    """Names by rank, then size; one that would overlap a placed name is left out (a river's tries
    its other places along the line first). Returns how many."""
    from matplotlib import patheffects

    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    placed: list[Any] = list(obstacles)
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    for _, _, name, places, kind, river in _label_candidates(layerset, visible, lang, extent):
        for x, y, angle in places:
            where = {
                "xy": (x, y),
                "xytext": (5, 0) if kind == "point" else (0, 0),
                "textcoords": "offset points",
                "fontsize": fontsize * (0.92 if kind == "point" else 1),
                "ha": "left" if kind == "point" else "center",
                "va": "center",
                "rotation": angle,
                "rotation_mode": "anchor",
                "annotation_clip": True,
            }
            style = {"color": "#235a85", "style": "italic"} if river else {"color": "#1f1f1f"}
            text = ax.annotate(name, zorder=51, **style, **where)  # the name itself: text, searchable
            box = text.get_window_extent(renderer).expanded(1.06, 1.12)
            inside = axes_box.contains(box.x0, box.y0) and axes_box.contains(box.x1, box.y1)
            if not inside or any(box.overlaps(other) for other in placed):
                text.remove()
                continue
            ax.annotate(name, color="white", path_effects=halo, zorder=50, **where)  # its halo, drawn beneath
            placed.append(box)
            break
    return len(placed) - len(obstacles)


def legend(ax, layerset: LayerSet, visible: Sequence[str], lang: Lang, fontsize: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, texts, low = [], [], False
    catalog = layerset.catalog
    for layer_id in [i for i in catalog.layer_ids if i in visible]:
        spec = catalog.layer(layer_id)
        items = [(c.style, c.label.get(lang)) for c in spec.categories] or [(spec.style, spec.title.get(lang))]
        frame = layerset.frames[layer_id]
        low = low or (spec.geometry != "point" and bool((frame["confidence"] == "low").any()))
        for style, label in items:
            width = _pt(style.weight)
            if spec.geometry == "polygon":
                alpha = max(style.fill_opacity, 0.15)
                face = (*_rgb(style.fill_color or style.color), alpha)
                handle: Any = Patch(
                    facecolor=face,
                    edgecolor=style.color,
                    linewidth=max(width, 0.6),
                    linestyle=_dashes(style.dash_array, width),
                )
            elif spec.geometry == "line":
                handle = Line2D([], [], color=style.color, linewidth=width, linestyle=_dashes(style.dash_array, width))
            elif spec.geometry == "raster":  # the relief: a grey, shaded square
                handle = Patch(facecolor="#c8c8c8", edgecolor="#9e9e9e", hatch="\\\\\\\\", linewidth=0.4)
            else:
                handle = Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=style.radius,
                    markerfacecolor=style.fill_color or style.color,
                    markeredgecolor=style.color,
                )
            handles.append(handle)
            texts.append(label)
    if low:
        handles.append(Patch(facecolor="none", edgecolor="#525252", hatch="////", linestyle=(0, (4, 3))))
        texts.append(ui("low_confidence", lang))
    ax.legend(
        handles,
        texts,
        loc="upper left",
        frameon=False,
        fontsize=fontsize,
        title=ui("legend", lang),
        title_fontsize=fontsize * 1.15,
        alignment="left",
        handlelength=2.4,
        borderaxespad=0,
    )
    ax.set_axis_off()


def draw_raster(ax, spec, layer_dir, zorder: int) -> None:
    """A raster layer (its image is evenly spaced in Web Mercator) warped into the sheet's
    equal-area projection and laid faintly under the layers: darker where the relief is dark,
    untouched where it is white, nothing outside the image."""
    import numpy as np
    from PIL import Image

    from geo.spatial.raster import Grid, warp

    with Image.open(layer_dir / spec.file) as img:
        grey = np.asarray(img.convert("L"))
    source = Grid(spec.bounds, "EPSG:3857", grey.shape[1], grey.shape[0])
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width = 900  # px across the frame: finer than the source's ~3.5 km on any sheet of the zone
    height = max(1, round(width * (y1 - y0) / (x1 - x0)))
    xs = x0 + (np.arange(width) + 0.5) / width * (x1 - x0)
    ys = y1 - (np.arange(height) + 0.5) / height * (y1 - y0)
    x, y = np.meshgrid(xs, ys)
    lon, lat = TO_ALBERS.transform(x, y, direction="INVERSE")
    shade = warp(grey, source, np.asarray(lon), np.asarray(lat), fill=255) / 255.0
    rgba = np.zeros((height, width, 4))
    rgba[..., 3] = (1 - shade) * spec.style.opacity
    ax.imshow(rgba, extent=(x0, x1, y0, y1), origin="upper", zorder=zorder, interpolation="bilinear")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def north_arrow(ax, extent, lang: Lang, fontsize: float) -> tuple[Any, Any]:
    """An arrow to true north at the map's centre (the projection turns north a little)."""
    lon, lat = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    x0, y0 = TO_ALBERS.transform(lon, lat)
    x1, y1 = TO_ALBERS.transform(lon, lat + 0.2)
    angle = math.atan2(x1 - x0, y1 - y0)
    cx, cy, length = 0.94, 0.86, 0.07
    dx, dy = math.sin(angle) * length, math.cos(angle) * length
    arrow = ax.annotate(
        "",
        xy=(cx + dx / 2, cy + dy / 2),
        xytext=(cx - dx / 2, cy - dy / 2),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=1", "color": "#1f1f1f", "lw": 1.6},
        zorder=60,
    )
    letter = ax.text(
        cx + dx * 0.75,
        cy + dy * 0.75 + 0.015,
        ui("north", lang),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=fontsize * 1.2,
        zorder=60,
    )
    return arrow, letter


def inset(ax, layerset: LayerSet, extent) -> None:
    """Chongqing and Guizhou (and their neighbours), with the printed extent outlined."""
    frame = layerset.frame(layerset.catalog.with_role("context")[0]) if layerset.catalog.with_role("context") else None
    provinces = next(
        (
            layerset.frames[i]
            for i in layerset.catalog.with_role("context")
            if layerset.catalog.layer(i).geometry == "polygon"
        ),
        frame,
    )
    if provinces is not None:
        projected = provinces.to_crs(CHINA_ALBERS)
        own = projected[projected["id"].astype(str).str[:2].isin(("50", "52"))]
        projected.plot(ax=ax, facecolor="#f0f0f0", edgecolor="#9a9a9a", linewidth=0.3)
        own.plot(ax=ax, facecolor="#d9d9d9", edgecolor="#525252", linewidth=0.5)
        minx, miny, maxx, maxy = own.total_bounds
        pad = 0.25 * max(maxx - minx, maxy - miny)
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
    box = shapely.box(*extent).segmentize(0.05)
    gpd.GeoSeries([box], crs="EPSG:4326").to_crs(CHINA_ALBERS).boundary.plot(ax=ax, color="#d7301f", linewidth=1.2)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_color("#7a7a7a")


def sources_text(layerset: LayerSet, visible: Sequence[str], lang: Lang) -> str:
    catalog = layerset.catalog
    parts = []
    for layer_id in [i for i in catalog.layer_ids if i in visible]:
        spec = catalog.layer(layer_id)
        parts.append(f"{spec.title.get(lang)}: {spec.source.get(lang)}. {spec.licence}")
    return f"{ui('sources', lang)} — " + " | ".join(parts)


__all__ = [
    "TO_ALBERS",
    "draw_layer",
    "draw_raster",
    "inset",
    "legend",
    "north_arrow",
    "place_labels",
    "sources_text",
]
