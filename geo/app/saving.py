"""Saving and opening maps and stories for the dashboard, without Streamlit: what a save is made
of, what an opened map puts in the session, a story's steps as views, and the page's links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import geopandas as gpd

from geo import state as ms
from geo.data.basemaps import Basemap
from geo.data.layers import LayerSet, LayerSpec
from geo.data.timeline import current_year
from geo.data.views import View
from geo.i18n import Lang, Text
from geo.links import from_query, to_query
from geo.store.records import Record, Saved, SavedLayer, Step, valid_id
from geo.store.store import NotFound
from geo.uploads import sketches as sk
from geo.uploads.layer import LoadReport, restored_layer

# What a session keeps of each user layer: its spec, its features and what reading it noted.
UserLayers = Mapping[str, tuple[LayerSpec, gpd.GeoDataFrame, LoadReport]]
MAP_PARAM, EDIT_PARAM = "map", "edit"
STEP_PREFIX = "step-"
# the save form's and story editor's fields (widget keys), kept across runs that do not draw them


@dataclass(frozen=True)
class Opened:
    """The saved map or story this session opened: its id, kind, title, the version it opened and,
    from an edit link, the edit token (kept in the session only, never in a link or a file)."""

    id: str
    kind: str
    title: Text
    version: int
    token: str | None = None

    @property
    def editable(self) -> bool:
        return self.token is not None


def saved_query(state: ms.MapState) -> dict[str, str]:
    """The state as it is saved: what the reader sees (their own pan), not presenting."""
    query = to_query(ms.settled(ms.set_present(state, False)))
    return query


def saved_layers(user_layers: UserLayers, sketches: Sequence[sk.Sketch] = ()) -> tuple[SavedLayer, ...]:
    """The session's own layers as they are saved (all of them, shown or not), and its sketches
    (a layer per geometry family, each feature with its colour)."""
    kept = []
    for layer_id, (spec, frame, _) in user_layers.items():
        columns = frame[["id", "name", "properties", frame.geometry.name]]
        kept.append(SavedLayer(layer_id, spec.file, spec.style.color, spec.geometry, columns))
    for spec, frame in sk.sketch_layers(sketches):
        columns = frame[["id", "name", "properties", "colour", frame.geometry.name]]
        kept.append(SavedLayer(spec.id, "", sk.DEFAULT_COLOUR, spec.geometry, columns))
    return tuple(kept)


def record_of(
    state: ms.MapState,
    user_layers: UserLayers,
    *,
    title: Text,
    author: str = "",
    note: str = "",
    steps: Sequence[Step] = (),
    sketches: Sequence[sk.Sketch] = (),
) -> Record:
    """What saving the map (or, with `steps`, the story) writes."""
    return Record(
        title=Text(title.zh.strip(), title.en.strip()),
        query=saved_query(state),
        author=author.strip(),
        note=note.strip(),
        layers=saved_layers(user_layers, sketches),
        steps=tuple(steps),
    )


def step_of(state: ms.MapState, caption: Text) -> Step:
    """The current map as a story's step."""
    return Step(saved_query(state), Text(caption.zh.strip(), caption.en.strip()))


def sketches_of(saved: Saved) -> tuple[sk.Sketch, ...]:
    """The saved map's sketches."""
    kinds = {layer_id: kind for kind, (layer_id, _) in sk.LAYERS.items()}
    found = [s for layer in saved.record.layers for s in sk.from_frame(kinds.get(layer.layer_id, ""), layer.frame)]
    return tuple(found)


def layers_of(saved: Saved) -> dict[str, tuple[LayerSpec, gpd.GeoDataFrame, LoadReport]]:
    """The saved map's user layers, as the session keeps uploads (its sketches: :func:`sketches_of`)."""
    out = {}
    for layer in saved.record.layers:
        if layer.layer_id in sk.LAYER_IDS:
            continue
        spec, frame = restored_layer(layer.layer_id, layer.file, layer.colour, layer.kind, layer.frame)
        note = Text("随已保存的地图打开", "opened with a saved map")
        out[spec.id] = (spec, frame, LoadReport(len(frame), "EPSG:4326", notes=[note]))
    return out


def story_views(
    title: Text, steps: Sequence[Step], layerset: LayerSet, basemaps: Sequence[Basemap]
) -> tuple[View, ...]:
    """A story's steps as views (ids ``step-1`` …): each its layers, place, year, selection and caption."""
    views = []
    for number, step in enumerate(steps, start=1):
        state, _ = from_query(dict(step.query), layerset, (), basemaps)
        views.append(
            View(
                id=f"{STEP_PREFIX}{number}",
                title=title,
                caption=step.caption,
                source="",
                extent=layerset.catalog.extent,
                layers=state.visible,
                basemap=state.basemap,
                highlight=state.selection,
                year=state.year if state.year is not None else current_year(),
                compare=state.compare,
                place=ms.where(state),  # none: the zone's extent
            )
        )
    return tuple(views)


def link_params(params: Mapping[str, Any]) -> tuple[str | None, str | None, dict[str, Any]]:
    """A link's saved map id and edit token, and its other parameters (which apply over the map)."""
    rest = dict(params)
    map_id, token = rest.pop(MAP_PARAM, None), rest.pop(EDIT_PARAM, None)
    first = lambda v: (v[0] if v else "") if isinstance(v, list | tuple) else v  # noqa: E731
    return (str(first(map_id)).strip() if map_id else None), (str(first(token)).strip() if token else None), rest


def check_id(map_id: str) -> None:
    """A malformed id is refused before any query."""
    if not valid_id(map_id):
        raise NotFound(
            Text(
                "已保存地图的链接格式有误；显示默认地图。",
                "The saved map's link is malformed; showing the default map.",
            )
        )


def page_query(state: ms.MapState, opened: Opened | None) -> dict[str, str]:
    """The page's address: the saved map it came from (if any), then the state over it."""
    query = to_query(state)
    return {MAP_PARAM: opened.id, **query} if opened else query


def links_for(page_url: str, map_id: str, token: str | None = None) -> tuple[str, str | None]:
    """The view link (``?map=<id>``) and, with a token, the edit link, on the page's own address."""
    parts = urlsplit(page_url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    view = f"{base}?{urlencode({MAP_PARAM: map_id})}"
    edit = f"{base}?{urlencode({MAP_PARAM: map_id, EDIT_PARAM: token})}" if token else None
    return view, edit


def entry_label(kind: str, title: Text, author: str, when: str, lang: Lang) -> str:
    """A saved map's line in the list: title · kind · author · date (the title in the page's
    language, else the other)."""
    kinds = {"map": Text("地图", "map"), "story": Text("演示", "story")}
    parts = [title.get(lang), kinds[kind].get(lang) if kind in kinds else kind]
    if author:
        parts.append(author)
    parts.append(when)
    return " · ".join(parts)


__all__ = [
    "EDIT_PARAM",
    "MAP_PARAM",
    "Opened",
    "check_id",
    "entry_label",
    "layers_of",
    "link_params",
    "links_for",
    "page_query",
    "record_of",
    "saved_layers",
    "saved_query",
    "sketches_of",
    "step_of",
    "story_views",
]
