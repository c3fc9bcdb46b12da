"""Preset views (``layers/views.toml``): extent, layers, basemap, caption — data, not code.

All problems of the file are reported at once, each naming the view and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.data.basemaps import load_basemaps
from geo.data.catalog import Catalog
from geo.data.ids import by_id
from geo.data.tables import Sources, read_sources
from geo.data.timeline import Year, current_year, parse_year
from geo.errors import FileProblems, read_toml
from geo.i18n import Text, parse_text
from geo.paths import TABLES_DIR, VIEWS_PATH
from geo.spatial.camera import Bounds, Camera, parse_bounds


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
    compare: Year | None = None  # the year it compares `year` with, on the divider's left
    place: Camera | None = None  # a story's step: where its author left the map (else the extent)

    @property
    def camera(self) -> Camera:
        """The camera that shows the view: a step's own place, else the view's extent."""
        return self.place or Camera(bounds=self.extent)


_VIEW_KEYS = frozenset(
    {"id", "title", "caption", "source", "extent", "layers", "basemap", "highlight", "year", "compare"}
)


def _view_layers(entry: Mapping[str, Any], where: str, catalog: Catalog, problems: list[str]) -> list[str]:
    layers = entry.get("layers", [])
    if not isinstance(layers, list) or not layers:
        problems.append(f"{where}: 'layers' must be a non-empty list of layer ids")
        return []
    bad = [lid for lid in layers if lid not in catalog.layer_ids]
    if bad:
        problems.append(f"{where}: unknown layer id(s) {bad}")
    return layers


def _highlight(entry: Mapping[str, Any], where: str, layers: list[str], problems: list[str]) -> tuple[str, str] | None:
    if "highlight" not in entry:
        return None
    layer_id, _, feature_id = str(entry["highlight"]).partition("/")
    if layer_id not in layers or not feature_id:
        problems.append(f"{where}: highlight must be 'layer/feature' with the layer among the view's layers")
        return None
    return (layer_id, feature_id)


def _year(entry: Mapping[str, Any], where: str, problems: list[str], key: str = "year") -> Year | None:
    if key not in entry:
        return None
    if str(entry[key]) == "now":
        return current_year()
    try:
        return parse_year(str(entry[key]))
    except ValueError as exc:
        problems.append(f"{where}: '{key}': {exc}")
        return None


def _compared(entry: Mapping[str, Any], where: str, problems: list[str]) -> Year | None:
    """The year a view compares with (its own year, or this one), which must be another year."""
    compare = _year(entry, where, problems, "compare")
    shown = _year(entry, where, [], "year") or current_year()
    if compare is not None and compare == shown:
        problems.append(f"{where}: 'compare' is the year the view shows ({compare}); compare another year")
        return None
    return compare


def _view(
    entry: Mapping[str, Any],
    where: str,
    catalog: Catalog,
    basemap_ids: list[str],
    sources: Sources,
    problems: list[str],
) -> View:
    """One view, checked against the catalog, the basemaps and the sources."""
    unknown_keys = set(entry) - _VIEW_KEYS
    if unknown_keys:
        problems.append(f"{where}: unknown key(s) {sorted(unknown_keys)}")
    layers = _view_layers(entry, where, catalog, problems)
    basemap = entry.get("basemap", "offline")
    if basemap not in basemap_ids:
        problems.append(f"{where}: unknown basemap {basemap!r}; known: {basemap_ids}")
    source_ids = str(entry.get("source", ""))
    cited = bool(source_ids) and not sources.unknown(source_ids)
    if not cited:
        problems.append(f"{where}: 'source' must cite known ids (unknown: {sources.unknown(source_ids)})")
    return View(
        id=str(entry["id"]),
        title=parse_text(entry.get("title"), f"{where}.title", problems),
        caption=parse_text(entry.get("caption"), f"{where}.caption", problems),
        source=sources.cite(source_ids) if cited else "",
        extent=parse_bounds(entry["extent"], where, problems) if "extent" in entry else catalog.extent,
        layers=tuple(layers),
        basemap=str(basemap),
        highlight=_highlight(entry, where, layers, problems),
        year=_year(entry, where, problems),
        compare=_compared(entry, where, problems),
    )


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
        views.append(_view(entry, where, catalog, basemap_ids, sources, problems))
    if not views and not problems:
        problems.append("no [[views]] entries")
    if problems:
        raise ViewsError(path, problems)
    return tuple(views)


def view_by_id(views: tuple[View, ...], view_id: str) -> View:
    """The view `view_id`; KeyError names the known ids."""
    return by_id(views, view_id, "view")
