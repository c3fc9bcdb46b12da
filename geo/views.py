"""Preset views (``layers/views.toml``): extent, layers, basemap, caption — data, not code.

All problems of the file are reported at once, each naming the view and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.basemaps import load_basemaps
from geo.catalog import LAYERS_DIR, Catalog, FileProblems
from geo.i18n import Text
from geo.tables import TABLES_DIR, read_sources

VIEWS_PATH = LAYERS_DIR / "views.toml"

Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east)), lat/lon


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

    def centre_zoom(self) -> tuple[tuple[float, float], int]:
        """A (lat, lon) centre and a zoom that show the extent on a ~1000 px map."""
        import math

        (south, west), (north, east) = self.extent
        span = max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))
        zoom = max(4, min(12, int(math.log2(360 * 2.5 / max(span, 1e-3)))))
        return ((south + north) / 2, (west + east) / 2), zoom


def _text(raw: Any, where: str, problems: list[str]) -> Text:
    if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str) and raw.get(k) for k in ("zh", "en")):
        problems.append(f"{where}: must be {{zh = ..., en = ...}} with both texts")
        return Text("", "")
    return Text(raw["zh"], raw["en"])


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
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ViewsError(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ViewsError(path, [f"not valid TOML: {exc}"]) from None
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
        unknown_keys = set(entry) - {"id", "title", "caption", "source", "extent", "layers", "basemap", "highlight"}
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
        source_ids = str(entry.get("source", ""))
        if not source_ids or sources.unknown(source_ids):
            problems.append(f"{where}: 'source' must cite known ids (unknown: {sources.unknown(source_ids)})")
        views.append(
            View(
                id=vid,
                title=_text(entry.get("title"), f"{where}.title", problems),
                caption=_text(entry.get("caption"), f"{where}.caption", problems),
                source=sources.cite(source_ids) if source_ids and not sources.unknown(source_ids) else "",
                extent=_extent(entry.get("extent"), where, problems),
                layers=tuple(layers),
                basemap=str(basemap),
                highlight=highlight,
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
