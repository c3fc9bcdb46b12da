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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import geopandas as gpd

from geo.data import differences
from geo.data.layers import LayerSet
from geo.data.styles import HIGHLIGHT
from geo.data.timeline import in_year, year_text
from geo.data.views import View
from geo.i18n import Lang, ui
from geo.printing.fonts import cjk_font
from geo.printing.parts import (
    TO_ALBERS,
    draw_layer,
    draw_raster,
    inset,
    legend,
    north_arrow,
    place_labels,
    sources_text,
)
from geo.spatial.camera import Bounds, Camera, fitted_view
from geo.spatial.families import GEOMETRY_FAMILIES
from geo.spatial.measure import CHINA_ALBERS
from geo.state import MapState, view_of, where

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

T = TypeVar("T")

Format = Literal["pdf", "png", "svg"]
PAPER_MM = {"A4": (297, 210), "A3": (420, 297), "A2": (594, 420), "A1": (841, 594), "A0": (1189, 841)}
MM = 1 / 25.4
# What the live map keeps free when it fits bounds (geo/static/apply.js fitPadding), in pixels: left
# (its buttons), top, right (the legend, open as the map opens: 266 px, and 20), bottom
LIVE_PADDING = (60, 20, 286, 20)


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


def _camera(state: MapState, views: Sequence[View], zone: Bounds) -> Camera:
    """Where the sheet looks: the state's camera, its view's, or the whole zone."""
    camera = where(state)
    if camera is None:
        view = view_of(state, views)
        camera = view.camera if view else Camera(bounds=zone)
    return camera


def _extent(state: MapState, views: Sequence[View], zone: Bounds) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees: the state's camera, its view's extent, or the zone."""
    camera = _camera(state, views, zone)
    if camera.bounds is not None:
        (south, west), (north, east) = camera.bounds
        return west, south, east, north
    (lat, lon), zoom = camera.centre_zoom()
    half_w = 360 / 2**zoom * (1100 / 256) / 2  # what a ~1100×750 px screen shows at that zoom
    half_h = half_w * 750 / 1100 * math.cos(math.radians(lat))
    return lon - half_w, lat - half_h, lon + half_w, lat + half_h


Box = tuple[float, float, float, float]  # (left, bottom, width, height) as fractions of the sheet


@dataclass(frozen=True)
class Layout:
    """Where each part of a sheet goes, and how large its type is: fractions of the paper."""

    width: float  # inches
    height: float
    base: float  # body type size, points: grows with the paper
    mx: float  # margins as fractions of the width and height
    my: float
    map_box: Box
    legend_box: Box
    inset_box: Box
    footer_top: float
    wrap: int  # characters per line of the caption under the title

    @classmethod
    def of(cls, sheet: Sheet, lang: str) -> Layout:
        """The layout of `sheet` for text in `lang` (Chinese takes about twice the width a character)."""
        width, height = sheet.inches()
        mx, my = 10 * MM / width, 10 * MM / height
        if sheet.orientation == "landscape":
            map_box: Box = (mx, 0.17, 0.70 - mx, 0.655)
            legend_box: Box = (0.72, 0.40, 0.28 - mx, 0.47)
            inset_box: Box = (0.74, 0.18, 0.22, 0.20)
            footer_top = 0.15
        else:
            map_box, legend_box, inset_box = (
                (mx, 0.34, 1 - 2 * mx, 0.53),
                (mx, 0.13, 0.55, 0.20),
                (0.66, 0.14, 0.30, 0.18),
            )
            footer_top = 0.115
        per_line = 125 if lang == "en" else 62
        return cls(
            width=width,
            height=height,
            base=7.5 * math.sqrt(width * height / (11.69 * 8.27)),
            mx=mx,
            my=my,
            map_box=map_box,
            legend_box=legend_box,
            inset_box=inset_box,
            footer_top=footer_top,
            wrap=int(per_line * (map_box[2] * width / 8.0)),
        )

    def map_boxes(self, count: int) -> list[Box]:
        """The map frames: the whole map box, or `count` side by side (comparing years: same size,
        so the same scale and extent), each with room above it for its year."""
        if count == 1:
            return [self.map_box]
        left, bottom, width, height = self.map_box
        gap = 0.012
        each = (width - gap * (count - 1)) / count
        return [(left + i * (each + gap), bottom, each, height - 0.035) for i in range(count)]

    def ratio(self, box: Box) -> float:
        """Width over height of a map frame on paper."""
        return (box[2] * self.width) / (box[3] * self.height)


def _rc(family: str) -> dict[str, Any]:
    """matplotlib settings for a sheet: the CJK font, embedded type, stable SVG ids."""
    return {
        "font.family": [family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "yuqian",
        "hatch.linewidth": 0.6,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # text is literal: a "$" typed in a title or a name is a dollar sign
    }


def _heading(
    fig: Figure, layout: Layout, layerset: LayerSet, state: MapState, views: Sequence[View], sheet: Sheet
) -> None:
    """Title, a subtitle with the year, the first lines of the view's caption, and the notice."""
    lang, base = state.lang, layout.base
    view = view_of(state, views)
    title = sheet.title or (view.title.get(lang) if view else layerset.catalog.title.get(lang))
    fig.text(layout.mx, 1 - layout.my, title, fontsize=base * 2.4, va="top")
    subtitle = layerset.catalog.title.get(lang) if (view or sheet.title) else ""
    caption = view.caption.get(lang) if view else ""
    shown = year_text(state.year, lang)
    if state.compare is not None:  # comparing: both years, left first as the frames stand
        shown = f"{year_text(state.compare, lang)} ｜ {shown}"
    lines = [" · ".join(filter(None, [subtitle, shown]))]
    lines += textwrap.wrap(caption, layout.wrap, max_lines=2, placeholder=" …")  # the rest is on the map's page
    if lines[0] or len(lines) > 1:
        fig.text(layout.mx, 1 - layout.my - 0.055, "\n".join(lines), fontsize=base * 1.15, va="top", color="#333333")
    if sheet.notice == "internal":
        fig.text(
            1 - layout.mx,
            1 - layout.my,
            ui("internal_use", lang),
            fontsize=base * 1.6,
            color="#b30000",
            ha="right",
            va="top",
        )


def _draw_layers(ax: Axes, layerset: LayerSet, visible: Sequence[str]) -> None:
    """The visible layers in the catalog's styles, bottom first; unlocated features are skipped."""
    for rank, layer_id in enumerate(visible):
        frame = layerset.frames[layer_id]
        located = frame[frame.geometry.notna()]
        if not located.empty:
            draw_layer(ax, located.to_crs(CHINA_ALBERS), layerset.catalog.layer(layer_id), zorder=10 + rank * 4)


def _draw_rasters(ax: Axes, layerset: LayerSet, visible: Sequence[str]) -> None:
    """The visible raster layers (the relief), faint, under everything."""
    for layer_id in visible:
        spec = layerset.catalog.layer(layer_id)
        if spec.geometry == "raster":
            draw_raster(ax, spec, layerset.catalog.layer_dir(), zorder=1)


def _draw_selection(ax: Axes, layerset: LayerSet, state: MapState) -> None:
    """The selected feature outlined in the highlight colour, as on the screen."""
    found = layerset.feature(*state.selection) if state.selection else None
    if found is None or found.geometry is None:
        return
    selected = gpd.GeoSeries([found.geometry], crs="EPSG:4326").to_crs(CHINA_ALBERS)
    if found.geometry.geom_type in GEOMETRY_FAMILIES["point"]:
        ax.scatter(
            selected.x, selected.y, s=260, facecolor="none", edgecolor=HIGHLIGHT["color"], linewidth=3, zorder=45
        )
    else:
        selected.boundary.plot(ax=ax, color=HIGHLIGHT["color"], linewidth=3.2, zorder=45)


def _frame(ax: Axes, extent: tuple[float, float, float, float], ratio: float) -> tuple[float, float, float, float]:
    """Fit the map frame to `extent`, widened to the frame's shape (`ratio`, width over height on
    paper: metres are square on paper); returns the extent the frame really shows, in degrees."""
    west, south, east, north = TO_ALBERS.transform_bounds(*extent, densify_pts=21)
    (x0, x1), (y0, y1) = sorted((west, east)), sorted((south, north))
    if (x1 - x0) / (y1 - y0) < ratio:
        grow = ((y1 - y0) * ratio - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / ratio - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")  # a scatter of a GeoSeries' x and y names the axes after them
    ax.set_ylabel("")
    ax.figure.canvas.draw()  # settles the limits, so names are measured where they will be
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    shown = TO_ALBERS.transform_bounds(x0, y0, x1, y1, direction="INVERSE")
    return shown[0], shown[1], shown[2], shown[3]


def _furniture_and_names(
    ax: Axes,
    layerset: LayerSet,
    visible: Sequence[str],
    state: MapState,
    extent: tuple[float, float, float, float],
    base: float,
) -> None:
    """Scale bar and north arrow, then the names, kept clear of both."""
    from matplotlib.transforms import Bbox
    from matplotlib_scalebar.scalebar import ScaleBar

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
    arrow = north_arrow(ax, extent, state.lang, base)
    if not state.labels:
        return
    canvas = ax.figure.canvas
    canvas.draw()  # the scale bar sizes itself when drawn
    renderer = canvas.get_renderer()  # type: ignore[attr-defined]
    # the scale bar's corner (its length_fraction, with its box and label), and the arrow
    corner = Bbox.from_extents(0, 0, 0.3, 0.11).transformed(ax.transAxes)
    obstacles = [corner, *(a.get_window_extent(renderer).expanded(1.2, 1.2) for a in arrow)]
    place_labels(ax, layerset, visible, state.lang, extent, base * 1.05, obstacles)


def _footer(
    fig: Figure, layout: Layout, layerset: LayerSet, visible: Sequence[str], lang: Lang, sheet: Sheet, changes: str = ""
) -> None:
    """Boundary statement, CRS, dates and review number, comparing what changed, then the
    sources of what is shown."""
    catalog = layerset.catalog
    dates = f"{ui('data_as_of', lang)}: {catalog.as_of} · {ui('printed', lang)}: {sheet.when.isoformat()}"
    review = f" · {ui('review_number', lang)}: {catalog.review_number}" if catalog.review_number else ""
    footer = [catalog.boundary_statement.get(lang), ui("crs_print", lang), dates + review]
    width = int(layout.wrap * 1.9)
    changed = textwrap.wrap(changes, width, max_lines=3, placeholder=" …") if changes else []
    sources = textwrap.wrap(sources_text(layerset, visible, lang), width)
    text = "\n".join(footer + changed + sources[: 6 - len(changed)])
    fig.text(
        layout.mx, layout.footer_top, text, fontsize=layout.base * 0.82, va="top", color="#333333", linespacing=1.35
    )


PDF_METADATA = {"CreationDate": None, "ModDate": None, "Creator": "yuqian-map"}


def _save(fig: Figure, fmt: Format, dpi: int) -> bytes:
    """The figure's bytes, with no date or version inside (the same sheet gives the same bytes)."""
    out = io.BytesIO()
    if fmt == "pdf":
        fig.savefig(out, format="pdf", metadata=PDF_METADATA)
    elif fmt == "svg":
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "yuqian-map"})
    else:
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _map(
    fig: Figure,
    box: Box,
    layerset: LayerSet,
    state: MapState,
    extent: tuple[float, float, float, float],
    layout: Layout,
) -> tuple[float, float, float, float]:
    """One map frame at `box`: the visible layers of `layerset` (a year's), the relief, the
    selection, scale bar, north arrow and names; returns the extent it shows."""
    ax = fig.add_axes(box)
    ax.set_facecolor("#f7f7f4")
    visible = layerset.in_drawing_order(state.visible)
    _draw_layers(ax, layerset, visible)
    _draw_selection(ax, layerset, state)
    shown = _frame(ax, extent, layout.ratio(box))
    _draw_rasters(ax, layerset, visible)  # warped to the frame, so after it is settled
    _furniture_and_names(ax, layerset, visible, state, shown, layout.base)
    return shown


def _typed(layerset: LayerSet, state: MapState, views: Sequence[View], sheet: Sheet) -> str:
    """What people typed that the sheet prints: its title, a story's title and caption, the names
    in their own layers (the shipped font subset covers only the project's own texts)."""
    parts = [sheet.title or ""]
    if (view := view_of(state, views)) is not None:
        parts += [view.title.get(state.lang), view.caption.get(state.lang)]
    for layer_id in state.visible:
        frame = layerset.frames.get(layer_id)
        if frame is not None and layerset.catalog.layer(layer_id).role == "user":
            parts += [layerset.catalog.layer(layer_id).title.get(state.lang), *frame["name"].astype(str)]
    return "".join(parts)


def render(layerset: LayerSet, state: MapState, views: Sequence[View], fmt: Format, sheet: Sheet) -> bytes:
    """The sheet of `state` as PDF, PNG or SVG bytes."""
    return _drawn(layerset, state, views, fmt, sheet, lambda fig: _save(fig, fmt, sheet.dpi))


def render_pages(layerset: LayerSet, states: Sequence[MapState], views: Sequence[View], sheet: Sheet) -> bytes:
    """One PDF with a page per state (a story's steps, in order)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    out = io.BytesIO()
    family, _ = cjk_font("".join(_typed(layerset, state, views, sheet) for state in states))
    with matplotlib.rc_context(_rc(family)), PdfPages(out, metadata=PDF_METADATA) as pdf:  # type: ignore[arg-type]
        for state in states:  # the fonts are written as the file closes: within the same settings
            _drawn(layerset, state, views, "pdf", sheet, pdf.savefig)
    return out.getvalue()


def render_picture(layerset: LayerSet, state: MapState, views: Sequence[View], width_px: int, height_px: int) -> bytes:
    """The map of `state` alone, with no sheet around it, as a `width_px` × `height_px` PNG: the
    picture a first visit shows where the live map is about to be (deploy/serve). Drawn like the
    sheets' map frame (Albers; the live map's Web Mercator differs little at these latitudes),
    with its scale bar, north arrow and names, type about the size of the live map's."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = 100
    family, path = cjk_font(_typed(layerset, state, views, Sheet()))
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    whole: Box = (0, 0, 1, 1)
    layout = Layout(width_px / dpi, height_px / dpi, 8.5, 0, 0, whole, whole, whole, 0, 0)
    west, south, east, north = _extent(state, views, layerset.catalog.extent)
    if (bounds := _camera(state, views, layerset.catalog.extent).bounds) is not None:
        # as much around them as the live map shows once it has fitted them in a frame of this
        # size (whole zooms, room for its buttons and its legend)
        (south, west), (north, east) = fitted_view(bounds, width_px, height_px, LIVE_PADDING)
    with matplotlib.rc_context(_rc(family)):  # type: ignore[arg-type]
        fig = Figure(figsize=(layout.width, layout.height), dpi=dpi)
        FigureCanvasAgg(fig)
        _map(fig, whole, in_year(layerset, state.year), state, (west, south, east, north), layout)
        return _save(fig, "png", dpi)


def _drawn(
    layerset: LayerSet, state: MapState, views: Sequence[View], fmt: Format, sheet: Sheet, finish: Callable[[Figure], T]
) -> T:
    """The sheet of `state`, drawn and handed to `finish` (which writes it: fonts are resolved then)."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    everything = layerset
    layerset = in_year(layerset, state.year)  # the zone as it was in the state's year
    family, path = cjk_font(_typed(layerset, state, views, sheet))
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    layout = Layout.of(sheet, state.lang)
    visible = layerset.in_drawing_order(state.visible)
    with matplotlib.rc_context(_rc(family)):  # type: ignore[arg-type]  # keys checked by matplotlib itself
        fig = Figure(figsize=(layout.width, layout.height), dpi=sheet.dpi if fmt == "png" else 72)
        FigureCanvasAgg(fig)
        _heading(fig, layout, layerset, state, views, sheet)
        years = [state.compare, state.year] if state.compare is not None else [state.year]
        extent = _extent(state, views, layerset.catalog.extent)
        shown = extent
        for box, year in zip(layout.map_boxes(len(years)), years, strict=True):
            shown = _map(fig, box, in_year(everything, year), state, extent, layout)
            if len(years) > 1:  # comparing: each frame says its year
                fig.text(
                    box[0] + box[2] / 2,
                    box[1] + box[3] + 0.008,
                    year_text(year, state.lang),
                    ha="center",
                    va="bottom",
                    fontsize=layout.base * 1.25,
                    weight="bold",
                )
        legend(fig.add_axes(layout.legend_box), layerset, visible, state.lang, layout.base)
        inset(fig.add_axes(layout.inset_box), layerset, shown)
        left, bottom, _, height = layout.inset_box
        fig.text(left, bottom + height + 0.005, ui("overview_inset", state.lang), fontsize=layout.base * 0.9)
        changes = (
            ""
            if state.compare is None
            else differences.summary(everything, state.compare, state.year, visible, state.lang)
        )
        _footer(fig, layout, layerset, visible, state.lang, sheet, changes)
        return finish(fig)


__all__ = ["PAPER_MM", "Format", "Sheet", "render", "render_pages", "render_picture"]
