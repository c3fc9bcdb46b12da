"""Drawing styles from the catalog: Leaflet path options, read and checked once.

The same :class:`PathStyle` feeds the live map, the export and the legend swatches, so what
the legend shows and what the map draws cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.i18n import Text

STYLE_KEYS = frozenset({"color", "weight", "opacity", "fill_color", "fill_opacity", "dash_array", "radius"})
# How a low-confidence line or outline is drawn (a pattern, not a colour).
LOW_CONFIDENCE_DASH = "4 3"
# The selected feature's outline, on the map and on paper.
HIGHLIGHT = {"color": "#ffd300", "weight": 6, "opacity": 1.0, "fillOpacity": 0.15, "fillColor": "#ffd300"}


@dataclass(frozen=True)
class PathStyle:
    """Leaflet path options for a layer or a category of its features."""

    color: str = "#3388ff"
    weight: float = 2.0
    opacity: float = 1.0
    fill_color: str | None = None
    fill_opacity: float = 0.2
    dash_array: str | None = None
    radius: float = 6.0

    def merged(self, overrides: Mapping[str, Any]) -> PathStyle:
        """Return a copy with `overrides` applied."""
        return PathStyle(**{**self.__dict__, **overrides})

    def leaflet(self) -> dict[str, Any]:
        """Return the style as Leaflet option names."""
        out: dict[str, Any] = {
            "color": self.color,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.fill_color or self.color,
            "fillOpacity": self.fill_opacity,
            "radius": self.radius,
        }
        if self.dash_array:
            out["dashArray"] = self.dash_array
        return out


@dataclass(frozen=True)
class Category:
    """Style and legend label for features whose `style_by` property equals `value`."""

    value: str
    style: PathStyle
    label: Text


def is_colour(value: str) -> bool:
    """True for a ``#rrggbb`` colour."""
    return len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in value[1:])


def parse_style(raw: Any, where: str, problems: list[str], base: PathStyle | None = None) -> PathStyle:
    """A style table from the catalog, checked key by key; problems are appended, prefixed `where`."""
    base = base or PathStyle()
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a table of style options")
        return base
    unknown = set(raw) - STYLE_KEYS
    if unknown:
        problems.append(f"{where}: unknown style option(s) {sorted(unknown)}; allowed: {sorted(STYLE_KEYS)}")
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in STYLE_KEYS:
            continue
        if key in {"color", "fill_color", "dash_array"}:
            if not isinstance(value, str):
                problems.append(f"{where}: '{key}' must be a string")
                continue
            if key != "dash_array" and not is_colour(value):
                problems.append(f"{where}: '{key}' = {value!r} is not a #rrggbb colour")
                continue
        elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.append(f"{where}: '{key}' must be a non-negative number")
            continue
        clean[key] = value
    return base.merged(clean)


__all__ = ["LOW_CONFIDENCE_DASH", "STYLE_KEYS", "Category", "PathStyle", "is_colour", "parse_style"]
