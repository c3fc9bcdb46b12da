"""Preset views (``layers/views.toml``): extent, layers, basemap, caption — data, not code.

All problems of the file are reported at once, each naming the view and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.basemaps import load_basemaps
from geo.camera import Bounds, Camera
from geo.catalog import Catalog
from geo.errors import FileProblems, read_toml
from geo.i18n import Text, parse_text
from geo.paths import TABLES_DIR, VIEWS_PATH
from geo.tables import read_sources
from geo.timeline import Year, current_year, parse_year


class ViewsError(FileProblems):
    """The views file is unusable."""


@dataclass(frozen=True)
class View:
    """One preset view."""

    id: str
    title: Text
    caption: Text
    source: str  # a citation with URLs, resolved from source ids
    extent: Bounds
    layers: tuple[str, ...]
    basemap: str = "offline"
    highlight: tuple[str, str] | None = None  # (layer id, feature id)
    year: Year | None = None  # the year it shows ("now": this year); None keeps the reader's

    @property
    def camera(self) -> Camera:
        """The camera that shows the view's extent."""
        return Camera(bounds=self.extent)


def _extent(raw: Any, where: str, problems: list[str]) -> Bounds:
    try:
        (south, west), (north, east) = ((float(a), float(b)) for a, b in raw)
    except (TypeError, ValueError):
        problems.append(f"{where}: extent must be [[south, west], [north, east]]")
        return ((0.0, 0.0), (0.0, 0.0))
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        problems.append(f"{where}: extent {raw} is not [[south, west], [north, east]] in degrees")
    return ((south, west), (north, east))


def load_views(catalog: Catalog, path: Path = VIEWS_PATH, tables_dir: Path = TABLES_DIR) -> tuple[View, ...]:
    """Read and check the preset views against the catalog and the sources.

    Raises
    ------
    ViewsError
        Listing every problem, each naming the view and key.
    """
    raw = read_toml(path, ViewsError)
    sources = read_sources(tables_dir / "sources.toml")
    basemap_ids = [b.id for b in load_basemaps()]
    problems: list[str] = []
    views: list[View] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw.get("views", [])):
        vid = entry.get("id") if isinstance(entry, Mapping) else None
        where = f"views[{i}]" + (f" (id={vid!r})" if vid else "")
        if not isinstance(entry, Mapping) or not isinstance(vid, str) or not vid:
            problems.append(f"{where}: needs an 'id'")
            continue
        if vid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(vid)
        unknown_keys = set(entry) - {
            "id",
            "title",
            "caption",
            "source",
            "extent",
            "layers",
            "basemap",
            "highlight",
            "year",
        }
        if unknown_keys:
            problems.append(f"{where}: unknown key(s) {sorted(unknown_keys)}")
        layers = entry.get("layers", [])
        if not isinstance(layers, list) or not layers:
            problems.append(f"{where}: 'layers' must be a non-empty list of layer ids")
            layers = []
        bad = [lid for lid in layers if lid not in catalog.layer_ids]
        if bad:
            problems.append(f"{where}: unknown layer id(s) {bad}")
        basemap = entry.get("basemap", "offline")
        if basemap not in basemap_ids:
            problems.append(f"{where}: unknown basemap {basemap!r}; known: {basemap_ids}")
        highlight = None
        if "highlight" in entry:
            layer_id, _, feature_id = str(entry["highlight"]).partition("/")
            if layer_id not in layers or not feature_id:
                problems.append(f"{where}: highlight must be 'layer/feature' with the layer among the view's layers")
            else:
                highlight = (layer_id, feature_id)
        year = None
        if "year" in entry and str(entry["year"]) != "now":
            try:
                year = parse_year(str(entry["year"]))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
        source_ids = str(entry.get("source", ""))
        if not source_ids or sources.unknown(source_ids):
            problems.append(f"{where}: 'source' must cite known ids (unknown: {sources.unknown(source_ids)})")
        views.append(
            View(
                id=vid,
                title=parse_text(entry.get("title"), f"{where}.title", problems),
                caption=parse_text(entry.get("caption"), f"{where}.caption", problems),
                source=sources.cite(source_ids) if source_ids and not sources.unknown(source_ids) else "",
                extent=_extent(entry.get("extent"), where, problems),
                layers=tuple(layers),
                basemap=str(basemap),
                highlight=highlight,
                year=year if year is not None else (current_year() if entry.get("year") == "now" else None),
            )
        )
    if not views and not problems:
        problems.append("no [[views]] entries")
    if problems:
        raise ViewsError(path, problems)
    return tuple(views)


def view_by_id(views: tuple[View, ...], view_id: str) -> View:
    """The view `view_id`; KeyError names the known ids."""
    for view in views:
        if view.id == view_id:
            return view
    raise KeyError(f"unknown view {view_id!r}; known: {', '.join(v.id for v in views)}")
