"""What the details panel shows for one feature, computed from the layers.

Relations between layers (which corridors cross a county, which parks lie in it, which
layout elements include it) are computed spatially on the WGS-84 data, between the roles
the catalog gives the layers — never between layer ids named in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.data.catalog import display_value
from geo.data.layers import LayerSet
from geo.i18n import Lang, ui
from geo.spatial.families import family_of
from geo.spatial.measure import area_km2, length_km
from geo.web.popups import esc

_SOURCE = re.compile(r"(.+?)\s+(https?://\S+)$")


@dataclass(frozen=True)
class Details:
    """Everything the details panel shows for one feature."""

    layer_id: str
    feature_id: str
    name: str
    other_name: str
    layer_title: str
    rows: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    relations: list[tuple[str, list[str]]] = field(default_factory=list)
    located: bool = True


def split_sources(source: str) -> list[tuple[str, str]]:
    """``"title url; title url"`` → ``[(title, url), ...]`` (URLs must be http/https)."""
    out = []
    for part in (source or "").split("; "):
        match = _SOURCE.match(part.strip())
        if match:
            out.append((match.group(1), match.group(2)))
        elif part.strip():
            out.append((part.strip(), ""))
    return out


def _names(layerset: LayerSet, layer_ids: tuple[str, ...], lang: Lang, mask: Any) -> list[str]:
    """Names (in `lang`) of the features of `layer_ids` for which `mask(frame)` holds."""
    key = "name_zh" if lang == "zh" else "name_en"
    out: list[str] = []
    for layer_id in layer_ids:
        frame = layerset.frame(layer_id)
        if frame is not None:
            out += [str(v) for v in frame.loc[mask(frame), key]]
    return out


def _members_of(adcode: str) -> Any:
    return lambda f: f["member_ids"].fillna("").astype(str).str.split(";").map(lambda ids: adcode in ids)


def _relations(
    layerset: LayerSet, layer_id: str, props: dict[str, Any], geom: BaseGeometry, lang: Lang
) -> list[tuple[str, list[str]]]:
    catalog = layerset.catalog
    roles = catalog.with_role
    out: list[tuple[str, list[str]]] = []
    kind = geom.geom_type
    if family_of(kind) == "polygon":
        out.append(
            (
                ui("corridors_crossing", lang),
                _names(layerset, roles("corridor"), lang, lambda f: f.geometry.intersects(geom)),
            )
        )
        inside = _names(layerset, roles("park"), lang, lambda f: f.geometry.notna() & f.geometry.within(geom))
        out.append((ui("parks_inside", lang), inside))
        adcode = str(props.get("adcode") or "")
        layout_areas = tuple(i for i in roles("layout") if catalog.layer(i).geometry == "polygon")
        layout_lines = tuple(i for i in roles("layout") if catalog.layer(i).geometry == "line")
        if adcode:
            layout = _names(layerset, layout_areas, lang, _members_of(adcode))
        else:
            others = tuple(i for i in layout_areas if i != layer_id)
            layout = _names(layerset, others, lang, lambda f: f.geometry.contains(geom.representative_point()))
        layout += _names(layerset, layout_lines, lang, lambda f: f.geometry.intersects(geom))
        out.append((ui("layout_membership", lang), layout))
        if "member_ids" in props:
            members = str(props["member_ids"]).split(";")
            out.append(
                (ui("member_units", lang), _names(layerset, roles("admin"), lang, lambda f: f["id"].isin(members)))
            )
    elif family_of(kind) == "line":
        units = _names(layerset, roles("unit"), lang, lambda f: f.geometry.intersects(geom))
        out.append((ui("member_units", lang), units))
    else:
        host = _names(layerset, roles("admin"), lang, lambda f: f.geometry.contains(geom))
        out.append((ui("member_units", lang), host))
    return out


def feature_details(layerset: LayerSet, layer_id: str, feature_id: str, lang: Lang) -> Details | None:
    """Details of one feature, or None when it does not exist."""
    found = layerset.feature(layer_id, feature_id)
    if found is None:
        return None
    props, geom = found.props, found.geometry
    catalog = layerset.catalog
    spec = catalog.layer(layer_id)
    name = display_value(catalog, "name", props, lang) or feature_id
    other = display_value(catalog, "name", props, "en" if lang == "zh" else "zh") or ""
    rows: list[tuple[str, str]] = []
    # provenance is always shown, whatever the layer's popup lists
    fields = [f for f in spec.popup if f not in ("name", "source", "confidence", "geometry_note")]
    for field_name in (*fields, "confidence", "geometry_note"):
        value = display_value(catalog, field_name, props, lang)
        if value is not None:
            rows.append((catalog.fields[field_name].get(lang), value))
    # the computed size, unless the layer's own fields already carry it (一核 has its area_km2)
    shown = {label for label, _ in rows}
    if geom is not None and family_of(geom.geom_type) == "polygon":
        measured = (catalog.fields["area_km2"].get(lang), f"{area_km2(geom):,.1f}")
    elif geom is not None and family_of(geom.geom_type) == "line":
        measured = (catalog.fields["length_km_computed"].get(lang), f"{length_km(geom):,.1f}")
    else:
        measured = None
    if measured is not None and measured[0] not in shown:
        rows.append(measured)
    if geom is None and display_value(catalog, "geometry_note", props, lang) is None:
        rows.append((catalog.fields["geometry_note"].get(lang), ui("not_known", lang)))
    return Details(
        layer_id=layer_id,
        feature_id=str(feature_id),
        name=name,
        other_name=other,
        layer_title=spec.title.get(lang),
        rows=rows,
        sources=split_sources(str(props.get("source") or "")),
        relations=_relations(layerset, layer_id, props, geom, lang) if geom is not None else [],
        located=geom is not None,
    )


def unlocated(layerset: LayerSet, lang: Lang) -> list[str]:
    """Names of the features that are listed but not drawn (no known location)."""
    key, names = ("name_zh" if lang == "zh" else "name_en"), []
    for frame in layerset.frames.values():  # on every rerun: most layers have none (a third of the time)
        missing = frame.geometry.isna().to_numpy()
        if missing.any():
            names.extend(str(n) for n in frame[key].to_numpy()[missing])
    return names


def details_html(details: Details, lang: Lang) -> str:
    """The details panel's table as HTML: the plan's full wording, wrapped, every value escaped;
    no header row; relations and sources (links only to http/https) below."""
    rows = [(label, esc(value)) for label, value in details.rows]
    for label, names in details.relations:
        rows.append((label, esc(("、" if lang == "zh" else ", ").join(names) or ui("none", lang))))
    links = [
        f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(title)}</a>' if url else esc(title)
        for title, url in details.sources
    ]
    if links:
        rows.append((ui("sources", lang), "<br>".join(links)))
    body = "".join(f'<tr><th scope="row">{esc(label)}</th><td>{value}</td></tr>' for label, value in rows)
    return f'<table class="yq-details">{body}</table>'


__all__ = ["Details", "details_html", "feature_details", "split_sources", "unlocated"]
