"""What the user sees, as one value, and the pure functions that change it.

:class:`MapState` is the only state of a map: the live dashboard, the share link, the export
and (later) the print sheet are all renderings of it. It changes only through the transitions
below, which take a state and return a new one; none of them touches Streamlit, so tests call
them directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geo.data.basemaps import Basemap
from geo.data.ids import find
from geo.data.layers import LayerSet
from geo.data.timeline import Year, current_year
from geo.data.views import View
from geo.i18n import Lang
from geo.spatial.camera import Camera, camera_for

FeatureKey = tuple[str, str]  # (layer id, feature id)


@dataclass(frozen=True)
class MapState:
    """Everything that decides what the map shows.

    `camera` is where the app last moved the map; `camera_seq` counts those moves, so the
    browser moves the map only when it changes and keeps the user's own panning otherwise.
    `seen` is where the reader has moved it since (links, exports and sheets show that: see
    :func:`where`). The two are apart so that a pan reported while the browser has not yet drawn
    the app's last move can never stand in for that move.
    """

    visible: tuple[str, ...]
    lang: Lang = "zh"
    selection: FeatureKey | None = None
    basemap: str = "offline"
    camera: Camera | None = None
    camera_seq: int = 0
    seen: Camera | None = None
    view_id: str | None = None
    present: bool = False
    labels: bool = True
    year: Year | None = None  # None: today (the default); "planned": the plan's own view
    compare: Year | None = None  # comparing: the year on the divider's left (`year` is on its right)
    divider: float = 0.5  # where the divider stands, as a fraction of the map's width


def initial(layerset: LayerSet, *, lang: Lang = "zh") -> MapState:
    """The state of a fresh page: the catalog's default layers over the whole zone."""
    return MapState(visible=_ordered(layerset, layerset.catalog.default_visible()), lang=lang)


def _ordered(layerset: LayerSet, ids: Iterable[str]) -> tuple[str, ...]:
    wanted = set(ids)
    return tuple(i for i in layerset.catalog.layer_ids if i in wanted)


def set_visible(state: MapState, layerset: LayerSet, ids: Iterable[str]) -> MapState:
    """Show exactly `ids` (unknown ids are dropped; catalog order is kept)."""
    return dataclasses.replace(state, visible=_ordered(layerset, ids))


def toggle(state: MapState, layerset: LayerSet, layer_id: str, on: bool) -> MapState:
    """Switch one layer on or off. Switching off the selected feature's layer clears the selection."""
    ids = {*state.visible, layer_id} if on else set(state.visible) - {layer_id}
    new = set_visible(state, layerset, ids)
    if not on and state.selection and state.selection[0] == layer_id:
        new = dataclasses.replace(new, selection=None)
    return new


def move(state: MapState, camera: Camera) -> MapState:
    """The app moves the map (a search hit, a view, a link)."""
    return dataclasses.replace(state, camera=camera, camera_seq=state.camera_seq + 1, seen=None)


def moved_by_user(state: MapState, camera: Camera) -> MapState:
    """The user panned or zoomed: remember where, without moving the map again."""
    return dataclasses.replace(state, seen=camera)


def where(state: MapState) -> Camera | None:
    """Where the map is: where the reader moved it, else where the app last put it."""
    return state.seen or state.camera


def settled(state: MapState) -> MapState:
    """The state with the reader's own pan and zoom as its camera (for a file made of it)."""
    return dataclasses.replace(state, camera=where(state), seen=None)


def select(state: MapState, layerset: LayerSet, key: FeatureKey, *, zoom_to: bool) -> MapState:
    """Select a feature: its layer is switched on; with `zoom_to`, the map moves to show it."""
    found = layerset.feature(*key)
    if found is None:
        return state
    new = dataclasses.replace(toggle(state, layerset, key[0], True), selection=key)
    geom = found.geometry
    return move(new, camera_for(geom)) if zoom_to and geom is not None else new


def clear_selection(state: MapState) -> MapState:
    """Nothing selected."""
    return dataclasses.replace(state, selection=None)


def open_view(state: MapState, layerset: LayerSet, view: View) -> MapState:
    """Open a preset view: its layers, extent and highlighted feature (the basemap is kept).

    Layers that follow the basemap (rivers, relief, cities) are the reader's orientation, not
    the view's subject: a view that does not name them leaves them as they are."""
    kept = [i for i in state.visible if i in _following(layerset)]
    new = set_visible(state, layerset, [*view.layers, *kept])
    new = dataclasses.replace(new, selection=view.highlight, view_id=view.id)
    if view.year is not None:
        new = set_year(new, view.year)
    new = set_compare(new, view.compare)  # a view compares two years or none
    return move(new, view.camera)


def open_view_id(state: MapState, layerset: LayerSet, views: Sequence[View], view_id: str | None) -> MapState:
    """Open the preset view `view_id` (a picker's value); None or an unknown id changes nothing."""
    view = find(views, view_id)
    return state if view is None else open_view(state, layerset, view)


def go_to(state: MapState, layerset: LayerSet, key: FeatureKey | None) -> MapState:
    """Select a search result and move the map to it; None changes nothing."""
    return state if key is None else select(state, layerset, key, zoom_to=True)


def step(state: MapState, layerset: LayerSet, views: Sequence[View], delta: int) -> MapState:
    """Presentation: the previous (-1) or next (+1) preset view, wrapping round."""
    ids = [v.id for v in views]
    index = ids.index(state.view_id) + delta if state.view_id in ids else 0
    return open_view(state, layerset, views[index % len(views)])


def set_lang(state: MapState, lang: Lang) -> MapState:
    """Switch the language."""
    return dataclasses.replace(state, lang=lang)


def set_present(state: MapState, present: bool) -> MapState:
    """Enter or leave presentation mode (entering it opens the first view if none is open)."""
    return dataclasses.replace(state, present=present)


def set_year(state: MapState, year: Year | None) -> MapState:
    """Show the zone as it was in `year` (this year is the default, stored as None). A selected
    feature that did not exist then stays selected and shows again in its years. Comparing, the
    year is the divider's right side; choosing the left side's year stops comparing."""
    new = dataclasses.replace(state, year=None if year == current_year() else year)
    return set_compare(new, state.compare)


# The divider stays this far from the map's edges, so both sides are always there to see.
DIVIDER_RANGE = (0.05, 0.95)


def set_compare(state: MapState, year: Year | None) -> MapState:
    """Compare `year` (on the divider's left) with the state's year (on its right); None stops
    comparing. Comparing a year with itself is not comparing."""
    if year is not None and year == (state.year if state.year is not None else current_year()):
        year = None
    return dataclasses.replace(state, compare=year)


def set_divider(state: MapState, at: float) -> MapState:
    """Move the divider to `at` (a fraction of the map's width, kept within :data:`DIVIDER_RANGE`)."""
    low, high = DIVIDER_RANGE
    return dataclasses.replace(state, divider=round(min(high, max(low, float(at))), 3))


def set_labels(state: MapState, labels: bool) -> MapState:
    """Show or hide the names on the map."""
    return dataclasses.replace(state, labels=labels)


def _following(layerset: LayerSet) -> set[str]:
    return {spec.id for spec in layerset.catalog.layers if spec.follows_basemap}


def set_basemap(
    state: MapState, basemap: Basemap, *, key: str | None, layerset: LayerSet | None = None
) -> tuple[MapState, bool]:
    """Use `basemap` if it can draw (a keyed basemap needs `key`); return the state and whether it was.

    With `layerset`, the layers whose default depends on the basemap (rivers and relief are on
    the offline map, off over tiles that draw their own) follow it — each one only while the
    reader has left it at the old basemap's default."""
    if basemap.needs_key and not key:
        return state, False
    new = dataclasses.replace(state, basemap=basemap.id)
    if layerset is None:
        return new, True
    shown = set(state.visible)
    for spec in layerset.catalog.layers:
        if spec.follows_basemap and (spec.id in shown) == spec.on_by_default(state.basemap):
            shown.discard(spec.id)
            if spec.on_by_default(basemap.id):
                shown.add(spec.id)
    return set_visible(new, layerset, shown), True


def view_of(state: MapState, views: Sequence[View]) -> View | None:
    """The preset view the state was opened from, if any."""
    return find(views, state.view_id)


def caption(state: MapState, views: Sequence[View]) -> str:
    """The current view's title and caption, for exports (empty outside a view)."""
    view = view_of(state, views)
    return f"{view.title.get(state.lang)} — {view.caption.get(state.lang)}" if view else ""


def forget_layer(state: MapState, layer_id: str) -> MapState:
    """A layer went away (a user removed their file): drop it from the state."""
    selection = None if state.selection and state.selection[0] == layer_id else state.selection
    return dataclasses.replace(state, visible=tuple(i for i in state.visible if i != layer_id), selection=selection)


__all__ = [
    "DIVIDER_RANGE",
    "FeatureKey",
    "MapState",
    "caption",
    "clear_selection",
    "forget_layer",
    "go_to",
    "initial",
    "move",
    "moved_by_user",
    "open_view",
    "open_view_id",
    "select",
    "set_basemap",
    "set_compare",
    "set_divider",
    "set_labels",
    "set_lang",
    "set_present",
    "set_visible",
    "set_year",
    "settled",
    "step",
    "toggle",
    "view_of",
    "where",
]
