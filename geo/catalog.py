"""The layer catalog (``layers/catalog.toml``) as frozen, validated objects.

All problems of the catalog are reported at once, each naming the file, the entry and
the key; rendering code receives :class:`Catalog` / :class:`LayerSpec`, never raw dicts.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from geo.i18n import Text

LAYERS_DIR = Path(__file__).resolve().parent.parent / "layers"
CATALOG_PATH = LAYERS_DIR / "catalog.toml"

GeometryKind = Literal["point", "line", "polygon"]
GEOMETRY_KINDS: tuple[str, ...] = get_args(GeometryKind)
GROUPS: tuple[str, ...] = ("scope", "layout", "transport", "parks", "context")
_STYLE_KEYS = {"color", "weight", "opacity", "fill_color", "fill_opacity", "dash_array", "radius"}


class FileProblems(ValueError):
    """A data file is unusable; `problems` lists every problem found, each naming its place."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s):\n{lines}")


class CatalogError(FileProblems):
    """The catalog file is unusable."""


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
        values = {**self.__dict__, **overrides}
        return PathStyle(**values)

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


@dataclass(frozen=True)
class LayerSpec:
    """One catalog entry: a layer file and how to show it."""

    id: str
    file: str
    group: str
    geometry: GeometryKind
    visible: bool
    title: Text
    description: Text
    style: PathStyle
    tooltip: tuple[str, ...]
    popup: tuple[str, ...]
    source: Text
    licence: str
    style_by: str | None = None
    categories: tuple[Category, ...] = ()

    def style_for(self, props: Mapping[str, Any]) -> PathStyle:
        """Return the style of a feature with properties `props`."""
        if self.style_by:
            value = str(props.get(self.style_by, ""))
            for cat in self.categories:
                if cat.value == value:
                    return cat.style
        return self.style


@dataclass(frozen=True)
class Catalog:
    """The whole catalog: titles, field labels, value translations and layers."""

    path: Path
    title: Text
    boundary_statement: Text
    unknown_note: Text
    plan_units: int
    groups: tuple[tuple[str, Text], ...]
    fields: Mapping[str, Text]
    values: Mapping[str, Mapping[str, Text]]
    layers: tuple[LayerSpec, ...] = field(default_factory=tuple)

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """Ids of all layers, in catalog order."""
        return tuple(spec.id for spec in self.layers)

    def layer(self, layer_id: str) -> LayerSpec:
        """Return the layer `layer_id`; KeyError names the known ids."""
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        raise KeyError(f"unknown layer {layer_id!r}; known: {', '.join(self.layer_ids)}")

    def layer_dir(self) -> Path:
        """The folder the layer files live in."""
        return self.path.parent

    def default_visible(self) -> tuple[str, ...]:
        """Ids of the layers shown by default."""
        return tuple(spec.id for spec in self.layers if spec.visible)

    def value_text(self, field_name: str, value: Any) -> Text | None:
        """Translation of a coded property value, or None when it has none."""
        table = self.values.get(field_name, {})
        return table.get(str(value))


class _Problems:
    """Collects problems with a location prefix."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _text(raw: Any, where: str, problems: _Problems) -> Text:
    if not isinstance(raw, Mapping):
        problems.add(where, "must be a table {zh = ..., en = ...}")
        return Text("", "")
    zh, en = raw.get("zh"), raw.get("en")
    for lang, value in (("zh", zh), ("en", en)):
        if not isinstance(value, str) or not value.strip():
            problems.add(where, f"missing or empty '{lang}' text")
    extra = set(raw) - {"zh", "en"}
    if extra:
        problems.add(where, f"unknown language key(s) {sorted(extra)}")
    return Text(str(zh or ""), str(en or ""))


def _style(raw: Any, where: str, problems: _Problems, base: PathStyle | None = None) -> PathStyle:
    base = base or PathStyle()
    if not isinstance(raw, Mapping):
        problems.add(where, "must be a table of style options")
        return base
    unknown = set(raw) - _STYLE_KEYS
    if unknown:
        problems.add(where, f"unknown style option(s) {sorted(unknown)}; allowed: {sorted(_STYLE_KEYS)}")
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _STYLE_KEYS:
            continue
        if key in {"color", "fill_color", "dash_array"}:
            if not isinstance(value, str):
                problems.add(where, f"'{key}' must be a string")
                continue
            if key != "dash_array" and not _is_colour(value):
                problems.add(where, f"'{key}' = {value!r} is not a #rrggbb colour")
                continue
        elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.add(where, f"'{key}' must be a non-negative number")
            continue
        clean[key] = value
    return base.merged(clean)


def _is_colour(value: str) -> bool:
    return len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in value[1:])


def _str_list(raw: Any, where: str, problems: _Problems) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.add(where, "must be a list of property names")
        return ()
    return tuple(raw)


def _layer(raw: Any, index: int, problems: _Problems, field_names: set[str]) -> LayerSpec | None:
    layer_id = raw.get("id") if isinstance(raw, Mapping) else None
    where = f"layers[{index}]" + (f" (id={layer_id!r})" if layer_id else "")
    if not isinstance(raw, Mapping):
        problems.add(where, "must be a table")
        return None
    required = ("id", "file", "group", "geometry", "visible", "title", "description", "style", "source", "licence")
    for key in required:
        if key not in raw:
            problems.add(where, f"missing key '{key}'")
    allowed = {*required, "tooltip", "popup", "style_by", "categories"}
    unknown = set(raw) - allowed
    if unknown:
        problems.add(where, f"unknown key(s) {sorted(unknown)}")
    if not isinstance(layer_id, str) or not layer_id.replace("_", "").isalnum():
        problems.add(where, "'id' must be letters, digits and underscores")
    file_name = raw.get("file")
    if not isinstance(file_name, str) or file_name != f"{layer_id}.geojson":
        problems.add(where, f"'file' must be '{layer_id}.geojson' (layer files are named after their id)")
    group = raw.get("group")
    if group not in GROUPS:
        problems.add(where, f"'group' = {group!r} is not one of {list(GROUPS)}")
    geometry = raw.get("geometry")
    if geometry not in GEOMETRY_KINDS:
        problems.add(where, f"'geometry' = {geometry!r} is not one of {list(GEOMETRY_KINDS)}")
    visible = raw.get("visible")
    if not isinstance(visible, bool):
        problems.add(where, "'visible' must be true or false")
    style = _style(raw.get("style", {}), f"{where}.style", problems)
    tooltip = _str_list(raw.get("tooltip", ["name"]), f"{where}.tooltip", problems)
    popup = _str_list(raw.get("popup", ["name", "source"]), f"{where}.popup", problems)
    for name in (*tooltip, *popup):
        if name not in field_names:
            problems.add(where, f"field {name!r} has no label in [fields]")
    style_by = raw.get("style_by")
    categories: list[Category] = []
    raw_categories = raw.get("categories", {})
    if style_by is not None and not isinstance(style_by, str):
        problems.add(where, "'style_by' must be a property name")
    if raw_categories and not style_by:
        problems.add(where, "'categories' given without 'style_by'")
    if style_by and not raw_categories:
        problems.add(where, "'style_by' given without 'categories'")
    if isinstance(raw_categories, Mapping):
        for value, cat in raw_categories.items():
            cwhere = f"{where}.categories.{value}"
            if not isinstance(cat, Mapping):
                problems.add(cwhere, "must be a table with 'style' and 'label'")
                continue
            categories.append(
                Category(
                    value=str(value),
                    style=_style(cat.get("style", {}), f"{cwhere}.style", problems, base=style),
                    label=_text(cat.get("label"), f"{cwhere}.label", problems),
                )
            )
    licence = raw.get("licence")
    if not isinstance(licence, str) or not licence.strip():
        problems.add(where, "'licence' must be a non-empty string")
    return LayerSpec(
        id=str(layer_id),
        file=str(file_name),
        group=str(group),
        geometry=geometry if geometry in GEOMETRY_KINDS else "polygon",
        visible=bool(visible),
        title=_text(raw.get("title"), f"{where}.title", problems),
        description=_text(raw.get("description"), f"{where}.description", problems),
        style=style,
        tooltip=tooltip,
        popup=popup,
        source=_text(raw.get("source"), f"{where}.source", problems),
        licence=str(licence or ""),
        style_by=style_by if isinstance(style_by, str) else None,
        categories=tuple(categories),
    )


def load_catalog(path: Path | str = CATALOG_PATH) -> Catalog:
    """Read and validate the catalog at `path`.

    Raises
    ------
    CatalogError
        When the file cannot be read or parsed, or any entry is invalid; the error
        lists every problem found, each naming the entry and key.
    """
    path = Path(path)
    problems = _Problems()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(path, [f"not valid TOML: {exc}"]) from None

    fields = {name: _text(value, f"fields.{name}", problems) for name, value in dict(raw.get("fields", {})).items()}
    values = {
        fname: {str(k): _text(v, f"values.{fname}.{k}", problems) for k, v in dict(table).items()}
        for fname, table in dict(raw.get("values", {})).items()
    }
    groups_raw = raw.get("groups", {})
    groups = tuple((gid, _text(groups_raw.get(gid), f"groups.{gid}", problems)) for gid in GROUPS)
    layers_raw = raw.get("layers", [])
    if not isinstance(layers_raw, list) or not layers_raw:
        problems.add("layers", "there must be at least one [[layers]] entry")
        layers_raw = []
    layers = [
        spec for i, entry in enumerate(layers_raw) if (spec := _layer(entry, i, problems, set(fields))) is not None
    ]
    seen: set[str] = set()
    for spec in layers:
        if spec.id in seen:
            problems.add(f"layers (id={spec.id!r})", "duplicate id")
        seen.add(spec.id)
    plan_units = raw.get("plan_units")
    if not isinstance(plan_units, int):
        problems.add("plan_units", "must be a whole number")
    catalog = Catalog(
        path=path,
        title=_text(raw.get("title"), "title", problems),
        boundary_statement=_text(raw.get("boundary_statement"), "boundary_statement", problems),
        unknown_note=_text(raw.get("unknown_note"), "unknown_note", problems),
        plan_units=int(plan_units) if isinstance(plan_units, int) else 0,
        groups=groups,
        fields=fields,
        values=values,
        layers=tuple(layers),
    )
    if problems.items:
        raise CatalogError(path, problems.items)
    return catalog
