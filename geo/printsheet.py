"""Print-ready sheets (PDF, PNG, SVG) of a :class:`geo.state.MapState`, drawn offline with matplotlib.

The sheet holds the title and caption; the map in an Albers equal-area projection (not Web
Mercator) with the same catalog styles as the screen (one style source: dashes, fills, hatching
for low confidence) and the same names, ranks and no overlaps; a legend of the visible layers; a
true scale bar; a north arrow turned to true north; a locator inset; the sources and licences;
the boundary statement; the coordinate system; the data's as-of date and the print date; and,
when asked, the internal-use notice and a deployment's review number. Text stays text (fonts
embedded as Type 42 in PDF, text elements in SVG). The same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd

from geo.camera import Camera
from geo.fonts import cjk_font
from geo.i18n import ui
from geo.layers import LayerSet
from geo.measure import CHINA_ALBERS
from geo.payloads import HIGHLIGHT, ZONE_BOUNDS, in_drawing_order
from geo.sheetparts import TO_ALBERS, draw_layer, inset, legend, north_arrow, place_labels, sources_text
from geo.state import MapState, view_of
from geo.timeline import in_year, year_text
from geo.views import View

Format = Literal["pdf", "png", "svg"]
PAPER_MM = {"A4": (297, 210), "A3": (420, 297), "A2": (594, 420), "A1": (841, 594), "A0": (1189, 841)}
MM = 1 / 25.4


@dataclass(frozen=True)
class Sheet:
    """How to print: paper, orientation, resolution (PNG), title override, notice."""

    size: str = "A4"
    orientation: Literal["landscape", "portrait"] = "landscape"
    dpi: int = 300
    title: str | None = None
    notice: Literal["internal"] | None = None
    when: dt.date = dt.date(2026, 1, 1)

    def inches(self) -> tuple[float, float]:
        """The paper's (width, height) in inches."""
        long, short = PAPER_MM[self.size]
        w, h = (long, short) if self.orientation == "landscape" else (short, long)
        return w * MM, h * MM


def _extent(state: MapState, views: Sequence[View]) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees: the state's camera, its view's extent, or the zone."""
    camera = state.camera
    if camera is None:
        view = view_of(state, views)
        camera = view.camera if view else Camera(bounds=ZONE_BOUNDS)
    if camera.bounds is not None:
        (south, west), (north, east) = camera.bounds
        return west, south, east, north
    (lat, lon), zoom = camera.centre_zoom()
    half_w = 360 / 2**zoom * (1100 / 256) / 2  # what a ~1100×750 px screen shows at that zoom
    half_h = half_w * 750 / 1100 * math.cos(math.radians(lat))
    return lon - half_w, lat - half_h, lon + half_w, lat + half_h


def _box(values: list[float]) -> tuple[float, float, float, float]:
    left, bottom, width, height = values
    return left, bottom, width, height


def render(layerset: LayerSet, state: MapState, views: Sequence[View], fmt: Format, sheet: Sheet) -> bytes:
    """The sheet of `state` as PDF, PNG or SVG bytes."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox
    from matplotlib_scalebar.scalebar import ScaleBar

    layerset = in_year(layerset, state.year)  # the zone as it was in the state's year
    family, path = cjk_font(sheet.title or "")
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    lang = state.lang
    width, height = sheet.inches()
    scale = math.sqrt(width * height / (11.69 * 8.27))  # type grows with the paper
    base = 7.5 * scale
    rc: dict[str, Any] = {
        "font.family": [family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "yuqian",
        "hatch.linewidth": 0.6,
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]  # keys checked by matplotlib itself
        fig = Figure(figsize=(width, height), dpi=sheet.dpi if fmt == "png" else 72)
        canvas = FigureCanvasAgg(fig)
        landscape = sheet.orientation == "landscape"
        margin = 10 * MM
        mx, my = margin / width, margin / height
        if landscape:
            map_box = [mx, 0.17, 0.70 - mx, 0.655]
            legend_box = [0.72, 0.40, 0.28 - mx, 0.47]
            inset_box = [0.74, 0.18, 0.22, 0.20]
        else:
            map_box = [mx, 0.34, 1 - 2 * mx, 0.53]
            legend_box = [mx, 0.13, 0.55, 0.20]
            inset_box = [0.66, 0.14, 0.30, 0.18]
        view = view_of(state, views)
        title = sheet.title or (view.title.get(lang) if view else layerset.catalog.title.get(lang))
        fig.text(mx, 1 - my, title, fontsize=base * 2.4, va="top")
        subtitle = layerset.catalog.title.get(lang) if (view or sheet.title) else ""
        caption = view.caption.get(lang) if view else ""
        wrap = int(125 * (map_box[2] * width / 8.0)) if lang == "en" else int(62 * (map_box[2] * width / 8.0))
        lines = [" · ".join(filter(None, [subtitle, year_text(state.year, lang)]))]
        lines += textwrap.wrap(caption, wrap, max_lines=2, placeholder=" …")  # the rest is on the map's page
        if lines[0] or len(lines) > 1:
            fig.text(mx, 1 - my - 0.055, "\n".join(lines), fontsize=base * 1.15, va="top", color="#333333")
        if sheet.notice == "internal":
            fig.text(
                1 - mx, 1 - my, ui("internal_use", lang), fontsize=base * 1.6, color="#b30000", ha="right", va="top"
            )

        ax = fig.add_axes(_box(map_box))
        ax.set_facecolor("#f7f7f4")
        extent = _extent(state, views)
        visible = in_drawing_order(layerset, state.visible)
        for rank, layer_id in enumerate(visible):
            frame = layerset.frames[layer_id]
            located = frame[frame.geometry.notna()]
            if located.empty:
                continue
            draw_layer(ax, located.to_crs(CHINA_ALBERS), layerset.catalog.layer(layer_id), zorder=10 + rank * 4)
        if state.selection:
            found = layerset.feature(*state.selection)
            if found is not None and found[1] is not None:
                selected = gpd.GeoSeries([found[1]], crs="EPSG:4326").to_crs(CHINA_ALBERS)
                if found[1].geom_type in ("Point", "MultiPoint"):
                    ax.scatter(
                        selected.x,
                        selected.y,
                        s=260,
                        facecolor="none",
                        edgecolor=HIGHLIGHT["color"],
                        linewidth=3,
                        zorder=45,
                    )
                else:
                    selected.boundary.plot(ax=ax, color=HIGHLIGHT["color"], linewidth=3.2, zorder=45)
        xs, ys = (
            TO_ALBERS.transform_bounds(*extent, densify_pts=21)[::2],
            TO_ALBERS.transform_bounds(*extent, densify_pts=21)[1::2],
        )
        # widen the extent to the map frame's shape (metres are square on paper)
        (x0, x1), (y0, y1) = sorted(xs), sorted(ys)
        frame_ratio = (map_box[2] * width) / (map_box[3] * height)
        if (x1 - x0) / (y1 - y0) < frame_ratio:
            grow = ((y1 - y0) * frame_ratio - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        else:
            grow = ((x1 - x0) / frame_ratio - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        fig.canvas.draw()  # settles the limits, so names are measured where they will be
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        extent_now = TO_ALBERS.transform_bounds(x0, y0, x1, y1, direction="INVERSE")
        extent_now = (extent_now[0], extent_now[1], extent_now[2], extent_now[3])
        scalebar = ScaleBar(
            1,
            "m",
            location="lower left",
            box_alpha=0.85,
            font_properties={"size": base},
            length_fraction=0.22,
            border_pad=0.8,
        )
        ax.add_artist(scalebar)
        arrow = north_arrow(ax, extent_now, lang, base)
        if state.labels:  # names keep clear of the scale bar and the north arrow
            canvas.draw()  # the scale bar sizes itself when drawn
            renderer = canvas.get_renderer()
            # the scale bar's corner (its length_fraction, with its box and label), and the arrow
            corner = Bbox.from_extents(0, 0, 0.3, 0.11).transformed(ax.transAxes)
            obstacles = [corner, *(a.get_window_extent(renderer).expanded(1.2, 1.2) for a in arrow)]
            place_labels(ax, layerset, visible, lang, extent_now, base * 1.05, obstacles)
        legend(fig.add_axes(_box(legend_box)), layerset, visible, lang, base)
        inset(fig.add_axes(_box(inset_box)), layerset, extent_now)
        fig.text(inset_box[0], inset_box[1] + inset_box[3] + 0.005, ui("overview_inset", lang), fontsize=base * 0.9)

        catalog = layerset.catalog
        dates = f"{ui('data_as_of', lang)}: {catalog.as_of} · {ui('printed', lang)}: {sheet.when.isoformat()}"
        review = f" · {ui('review_number', lang)}: {catalog.review_number}" if catalog.review_number else ""
        footer = [catalog.boundary_statement.get(lang), ui("crs_print", lang), dates + review]
        sources = textwrap.wrap(sources_text(layerset, visible, lang), int(wrap * 1.9))
        fig.text(
            mx,
            0.15 if landscape else 0.115,
            "\n".join(footer + sources[:6]),
            fontsize=base * 0.82,
            va="top",
            color="#333333",
            linespacing=1.35,
        )

        out = io.BytesIO()
        if fmt == "pdf":
            fig.savefig(out, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Creator": "yuqian-map"})
        elif fmt == "svg":
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "yuqian-map"})
        else:
            fig.savefig(out, format="png", dpi=sheet.dpi, metadata={"Software": None})
    return out.getvalue()


__all__ = ["PAPER_MM", "Format", "Sheet", "render"]
