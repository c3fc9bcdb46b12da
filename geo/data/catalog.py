"""The layer catalog (``layers/catalog.toml``) as frozen, validated objects.

The catalog drives behaviour: a layer's group and its place in that group's order, its
role (what kind of thing it holds: the zone's units, corridors, parks …), whether search
looks in it, its priority when a click or a bare id could mean several layers, and which
layers the headline figures come from. Code reads these keys; it never names a layer id
(only the build, which makes the files, does). All problems of the catalog are reported at
once, each naming the file, the entry and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from geo.data.ids import by_id
from geo.data.styles import Category, PathStyle, parse_style
from geo.errors import FileProblems, read_toml
from geo.i18n import Lang, Text, localized, parse_text
from geo.paths import CATALOG_PATH
from geo.spatial.camera import Bounds, parse_bounds

# "raster": one image laid between `bounds`, evenly spaced in Web Mercator (no features)
GeometryKind = Literal["point", "line", "polygon", "raster"]
GEOMETRY_KINDS: tuple[str, ...] = get_args(GeometryKind)
# What a layer holds. Relations in the details panel are computed between roles:
# the corridors crossing a unit, the parks inside it, the layout elements it belongs to.
Role = Literal["unit", "pole", "layout", "corridor", "station", "park", "link", "admin", "context", "user"]
ROLES: tuple[str, ...] = get_args(Role)
CONFIDENCE = ("high", "medium", "low")
USER_GROUP = "user"  # layers a user adds in a session; not in the catalog file
HEADLINE_KEYS = ("units", "new_areas", "border_lines", "railways")
_LAYER_KEYS = {
    "required": (
        "id",
        "file",
        "group",
        "geometry",
        "role",
        "visible",
        "title",
        "description",
        "style",
        "source",
        "licence",
    ),
    "optional": (
        "tooltip",
        "popup",
        "style_by",
        "categories",
        "searchable",
        "priority",
        "label_rank",
        "label_min_zoom",
        "bounds",
        "attribution",
    ),
}
RASTER_SUFFIXES = (".jpg", ".png")


class CatalogError(FileProblems):
    """The catalog file is unusable."""


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
    role: Role = "context"
    searchable: bool = False
    priority: int = 100  # lower wins when a click or a bare feature id could mean several layers
    label_rank: int | None = None  # names on the map: lower is placed first; None: not labelled
    label_min_zoom: int = 0  # labels from this zoom on
    # basemaps the layer is on by default with (``visible = ["offline"]``); empty: every basemap
    # when `visible`. Such a layer follows the basemap until the reader switches it themselves.
    basemaps: tuple[str, ...] = ()
    bounds: Bounds | None = None  # a raster layer's image corners, [[south, west], [north, east]]
    attribution: str = ""  # credit shown in the map's corner while the layer is on (plain text)

    @property
    def follows_basemap(self) -> bool:
        """Whether the layer's default depends on the basemap."""
        return bool(self.basemaps)

    def on_by_default(self, basemap_id: str) -> bool:
        """Whether the layer is shown on a fresh map with the basemap `basemap_id`."""
        return self.visible and (not self.basemaps or basemap_id in self.basemaps)

    def style_for(self, props: Mapping[str, Any]) -> PathStyle:
        """Return the style of a feature with properties `props`."""
        if self.style_by:
            value = str(props.get(self.style_by, ""))
            for cat in self.categories:
                if cat.value == value:
                    return cat.style
        return self.style


_GEOMETRY_RANK = {"raster": -1, "polygon": 0, "line": 1, "point": 2}


@dataclass(frozen=True)
class Catalog:
    """The whole catalog: titles, field labels, value translations, groups and layers."""

    path: Path
    title: Text
    boundary_statement: Text
    unknown_note: Text
    plan_units: int
    extent: Bounds  # the whole zone: the first view of every map
    groups: tuple[tuple[str, Text], ...]
    fields: Mapping[str, Text]
    values: Mapping[str, Mapping[str, Text]]
    layers: tuple[LayerSpec, ...] = field(default_factory=tuple)
    headline: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    as_of: str = ""  # the date the data was last checked (ISO), printed on sheets
    review_number: str = ""  # a deployment's 审图号 (map review number), printed when set

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """Ids of all layers, in catalog order."""
        return tuple(spec.id for spec in self.layers)

    def layer(self, layer_id: str) -> LayerSpec:
        """Return the layer `layer_id`; KeyError names the known ids."""
        return by_id(self.layers, layer_id, "layer")

    def draw_rank(self, layer_id: str) -> int:
        """Drawing order: polygons under lines under points; context under the plan's layers."""
        spec = self.layer(layer_id)
        context_first = 0 if spec.role in ("context", "admin") else 1
        return _GEOMETRY_RANK[spec.geometry] * 1000 + context_first * 100 + self.layer_ids.index(layer_id)

    def layer_dir(self) -> Path:
        """The folder the layer files live in."""
        return self.path.parent

    def default_visible(self, basemap_id: str = "offline") -> tuple[str, ...]:
        """Ids of the layers shown by default with the basemap `basemap_id`."""
        return tuple(spec.id for spec in self.layers if spec.on_by_default(basemap_id))

    def grouped(self) -> tuple[tuple[Text, tuple[LayerSpec, ...]], ...]:
        """(group title, its layers) for every group that has layers, in file order (the toggles' order)."""
        return tuple((t, m) for g, t in self.groups if (m := tuple(s for s in self.layers if s.group == g)))

    def with_role(self, *roles: str) -> tuple[str, ...]:
        """Ids of the layers whose role is one of `roles`, in catalog order."""
        return tuple(spec.id for spec in self.layers if spec.role in roles)

    def by_priority(self, layer_ids: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """`layer_ids` (default: all) ordered by priority, then catalog order."""
        ids = self.layer_ids if layer_ids is None else layer_ids
        order = {spec.id: (spec.priority, i) for i, spec in enumerate(self.layers)}
        return tuple(sorted((i for i in ids if i in order), key=order.__getitem__))

    def value_text(self, field_name: str, value: Any) -> Text | None:
        """Translation of a coded property value, or None when it has none."""
        table = self.values.get(field_name, {})
        return table.get(str(value))


def _str_list(raw: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append(f"{where}: must be a list of names")
        return ()
    return tuple(raw)


def _categories(raw: Any, where: str, problems: list[str], base: PathStyle) -> tuple[Category, ...]:
    out: list[Category] = []
    if not isinstance(raw, Mapping):
        problems.append(f"{where}.categories: must be a table")
        return ()
    for value, cat in raw.items():
        cwhere = f"{where}.categories.{value}"
        if not isinstance(cat, Mapping):
            problems.append(f"{cwhere}: must be a table with 'style' and 'label'")
            continue
        style = parse_style(cat.get("style", {}), f"{cwhere}.style", problems, base=base)
        out.append(
            Category(value=str(value), style=style, label=parse_text(cat.get("label"), f"{cwhere}.label", problems))
        )
    return tuple(out)


def _key_problems(raw: Mapping[str, Any], layer_id: Any, group_ids: set[str]) -> list[str]:
    """Keys known and present, the id and file name well formed, choices among the allowed ones."""
    problems = [f"missing key '{key}'" for key in _LAYER_KEYS["required"] if key not in raw]
    unknown = set(raw) - {*_LAYER_KEYS["required"], *_LAYER_KEYS["optional"]}
    if unknown:
        problems.append(f"unknown key(s) {sorted(unknown)}")
    if not isinstance(layer_id, str) or not layer_id.replace("_", "").isalnum():
        problems.append("'id' must be letters, digits and underscores")
    names = (
        [f"{layer_id}{suffix}" for suffix in RASTER_SUFFIXES]
        if raw.get("geometry") == "raster"
        else [f"{layer_id}.geojson"]
    )
    if raw.get("file") not in names:
        problems.append(f"'file' must be {' or '.join(repr(n) for n in names)} (layer files are named after their id)")
    if (raw.get("geometry") == "raster") != ("bounds" in raw):
        problems.append("'bounds' is given for a raster layer, and only for one")
    choices: list[tuple[str, Any]] = [("group", group_ids), ("geometry", GEOMETRY_KINDS), ("role", ROLES)]
    problems += [
        f"'{key}' = {raw[key]!r} is not one of {sorted(allowed)}"
        for key, allowed in choices
        if key in raw and raw[key] not in allowed
    ]
    if "searchable" in raw and not isinstance(raw["searchable"], bool):
        problems.append("'searchable' must be true or false")
    visible = raw.get("visible")
    if not isinstance(visible, bool) and not (
        isinstance(visible, list) and visible and all(isinstance(v, str) for v in visible)
    ):
        problems.append("'visible' must be true, false or a list of basemap ids (on by default with those)")
    return problems


def _numbers(raw: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, int | None]:
    """priority, label_rank and label_min_zoom: whole numbers ≥ 0 (label_rank may be absent)."""
    numbers: dict[str, int | None] = {}
    for key, default in (("priority", 100), ("label_rank", None), ("label_min_zoom", 0)):
        value = raw.get(key, default)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problems.append(f"{where}: '{key}' must be a whole number ≥ 0")
            value = default
        numbers[key] = value
    return numbers


def _layer(raw: Any, index: int, problems: list[str], field_names: set[str], group_ids: set[str]) -> LayerSpec | None:
    layer_id = raw.get("id") if isinstance(raw, Mapping) else None
    where = f"layers[{index}]" + (f" (id={layer_id!r})" if layer_id else "")
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a table")
        return None
    problems += [f"{where}: {p}" for p in _key_problems(raw, layer_id, group_ids)]
    file_name = raw.get("file")
    numbers = _numbers(raw, where, problems)
    style = parse_style(raw.get("style", {}), f"{where}.style", problems)
    tooltip = _str_list(raw.get("tooltip", ["name"]), f"{where}.tooltip", problems)
    popup = _str_list(raw.get("popup", ["name", "source"]), f"{where}.popup", problems)
    for name in (*tooltip, *popup):
        if name not in field_names:
            problems.append(f"{where}: field {name!r} has no label in [fields]")
    style_by = raw.get("style_by")
    if style_by is not None and not isinstance(style_by, str):
        problems.append(f"{where}: 'style_by' must be a property name")
    if bool(raw.get("categories")) != bool(style_by):
        problems.append(f"{where}: 'style_by' and 'categories' go together")
    licence = raw.get("licence", "")
    if not isinstance(licence, str) or not licence.strip():
        problems.append(f"{where}: 'licence' must be a non-empty string")
    geometry = raw.get("geometry")
    return LayerSpec(
        id=str(layer_id),
        file=str(file_name),
        group=str(raw.get("group")),
        geometry=geometry if geometry in GEOMETRY_KINDS else "polygon",
        visible=raw.get("visible") is True or isinstance(raw.get("visible"), list),
        basemaps=tuple(raw["visible"]) if isinstance(raw.get("visible"), list) else (),
        attribution=str(raw.get("attribution", "")),
        bounds=None if raw.get("bounds") is None else parse_bounds(raw["bounds"], f"{where}.bounds", problems),
        title=parse_text(raw.get("title"), f"{where}.title", problems),
        description=parse_text(raw.get("description"), f"{where}.description", problems),
        style=style,
        tooltip=tooltip,
        popup=popup,
        source=parse_text(raw.get("source"), f"{where}.source", problems),
        licence=str(licence or ""),
        style_by=style_by if isinstance(style_by, str) else None,
        categories=_categories(raw.get("categories", {}), where, problems, style),
        role=_role(raw.get("role")),
        searchable=raw.get("searchable") is True,
        priority=numbers["priority"] or 0,
        label_rank=numbers["label_rank"],
        label_min_zoom=numbers["label_min_zoom"] or 0,
    )


def _role(value: Any) -> Role:
    for role in get_args(Role):
        if value == role:
            return role
    return "context"  # reported by the checks above


def _iso_date(value: Any, problems: list[str]) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        problems.append(f"as_of: {value!r} is not a date (YYYY-MM-DD)")
        return ""


def _headline(raw: Any, layer_ids: set[str], problems: list[str]) -> dict[str, tuple[str, ...]]:
    """Which layers the headline figures are computed from (``[headline]``)."""
    if not isinstance(raw, Mapping):
        problems.append("headline: must be a table of layer id lists")
        return {}
    out = {}
    for key in HEADLINE_KEYS:
        ids = _str_list(raw.get(key, []), f"headline.{key}", problems)
        unknown = [i for i in ids if i not in layer_ids]
        if unknown:
            problems.append(f"headline.{key}: unknown layer id(s) {unknown}")
        out[key] = ids
    extra = set(raw) - set(HEADLINE_KEYS)
    if extra:
        problems.append(f"headline: unknown key(s) {sorted(extra)}; known: {list(HEADLINE_KEYS)}")
    return out


def load_catalog(path: Path | str = CATALOG_PATH) -> Catalog:
    """Read and validate the catalog at `path`.

    Raises
    ------
    CatalogError
        When the file cannot be read or parsed, or any entry is invalid; the error
        lists every problem found, each naming the entry and key.
    """
    path = Path(path)
    raw = read_toml(path, CatalogError)
    problems: list[str] = []
    fields = {
        name: parse_text(value, f"fields.{name}", problems) for name, value in dict(raw.get("fields", {})).items()
    }
    values = {
        fname: {str(k): parse_text(v, f"values.{fname}.{k}", problems) for k, v in dict(table).items()}
        for fname, table in dict(raw.get("values", {})).items()
    }
    # the groups' order in the file is the order of the toggles and the legend
    groups = tuple(
        (gid, parse_text(text, f"groups.{gid}", problems)) for gid, text in dict(raw.get("groups", {})).items()
    )
    if not groups:
        problems.append("groups: there must be at least one group")
    if USER_GROUP in dict(groups):
        problems.append(f"groups.{USER_GROUP}: reserved for the layers users add")
    layers_raw = raw.get("layers", [])
    if not isinstance(layers_raw, list) or not layers_raw:
        problems.append("layers: there must be at least one [[layers]] entry")
        layers_raw = []
    group_ids = {gid for gid, _ in groups}
    layers = [
        spec
        for i, entry in enumerate(layers_raw)
        if (spec := _layer(entry, i, problems, set(fields), group_ids)) is not None
    ]
    seen: set[str] = set()
    for spec in layers:
        if spec.id in seen:
            problems.append(f"layers (id={spec.id!r}): duplicate id")
        seen.add(spec.id)
    plan_units = raw.get("plan_units")
    if not isinstance(plan_units, int):
        problems.append("plan_units: must be a whole number")
    catalog = Catalog(
        path=path,
        title=parse_text(raw.get("title"), "title", problems),
        boundary_statement=parse_text(raw.get("boundary_statement"), "boundary_statement", problems),
        unknown_note=parse_text(raw.get("unknown_note"), "unknown_note", problems),
        plan_units=int(plan_units) if isinstance(plan_units, int) else 0,
        extent=parse_bounds(raw.get("extent"), "extent", problems),
        groups=groups,
        fields=fields,
        values=values,
        layers=tuple(layers),
        headline=_headline(raw.get("headline", {}), seen, problems),
        as_of=_iso_date(raw.get("as_of"), problems),
        review_number=str(raw.get("review_number", "")).strip(),
    )
    if problems:
        raise CatalogError(path, problems)
    return catalog


def display_value(catalog: Catalog, field: str, props: Mapping[str, Any], lang: Lang) -> str | None:
    """The value of `field` for display in `lang` (unescaped), or None when absent."""
    value = localized(props, field, lang)
    if value in (None, ""):
        return None
    if isinstance(value, float) and value != value:  # NaN from a missing column
        return None
    text = catalog.value_text(field, value)
    if text is not None:
        return text.get(lang)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


__all__ = ["CONFIDENCE", "ROLES", "USER_GROUP", "Catalog", "CatalogError", "LayerSpec", "display_value", "load_catalog"]
