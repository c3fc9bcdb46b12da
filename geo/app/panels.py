"""What the dashboard's panels show, worked out from the state without Streamlit.

``dashboard.py`` draws widgets; the values it sets them to, the labels of its choices and the
names of the files it offers come from here, so they are tested without a browser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

from geo import state as ms
from geo.app import keys
from geo.app.search import Hit
from geo.data import differences
from geo.data.basemaps import Basemap
from geo.data.layers import LayerSet
from geo.data.timeline import Year, current_year
from geo.data.views import View
from geo.gis.formats import Encoding, Format, Request
from geo.i18n import Lang, ui
from geo.links import share_link
from geo.state import FeatureKey, MapState


def widget_values(
    state: MapState, layerset: LayerSet, page_url: str = "", saved_map: str | None = None
) -> dict[str, Any]:
    """Every widget's value, by key, set from the state before it is drawn (one source of truth).
    Pickers that show translated labels are keyed per language: Streamlit keys them by label.
    The share-link box shows the link that reopens the state on `page_url` (over `saved_map`, the
    saved map it was opened from)."""
    values: dict[str, Any] = {keys.show(i): i in state.visible for i in layerset.catalog.layer_ids}
    values[keys.PRESENT_TOGGLE] = state.present
    values[keys.LANG_CHOICE] = state.lang
    values[keys.LABELS_TOGGLE] = state.labels
    values[keys.basemap_choice(state.lang)] = state.basemap
    values[keys.view_pick(state.lang)] = state.view_id
    values[keys.year_pick(state.lang)] = current_year() if state.year is None else state.year
    values[keys.compare_pick(state.lang)] = COMPARE_OFF if state.compare is None else state.compare
    values[keys.SHARE_LINK] = share_link(page_url, state, {"map": saved_map} if saved_map else None)
    return values


def asset_base(static_serving: bool, base_url_path: str) -> str | None:
    """Where the page finds files Streamlit serves from static/ ("" at the root, "/map" under
    ``server.baseUrlPath = "map"``), or None when it does not serve them."""
    return ("/" + base_url_path.strip("/")).rstrip("/") if static_serving else None


# The compare picker's "no comparison" (an option of its own: a None value would show Streamlit's
# untranslated "Choose an option")
COMPARE_OFF = "off"


def compared(choice: Year | str) -> Year | None:
    """The year the compare picker's `choice` stands for; None for "no comparison"."""
    if isinstance(choice, int) or choice == "planned":
        return choice
    return None


def compare_to(state: MapState, choice: Year | str) -> MapState:
    """The compare picker's transition: compare with `choice`, or stop comparing ("off")."""
    return ms.set_compare(state, compared(choice))


def changes_list(layerset: LayerSet, state: MapState, lang: Lang) -> tuple[str, list[str]] | None:
    """Comparing: the list's heading ("2019 → 2026") and what changed in the layers shown, or a
    line saying nothing did; None when not comparing."""
    if state.compare is None:
        return None
    found = differences.between(layerset, state.compare, state.year, state.visible)
    items = [c.get(lang) for c in found] or [differences.summary(layerset, state.compare, state.year, (), lang)]
    return differences.heading(state.compare, state.year, lang), items


def year_label(lang: Lang) -> Callable[[Year | str], str]:
    """How the year pickers show a year: the number, or what "planned" and "off" mean."""
    names: dict[Year | str, str] = {COMPARE_OFF: ui("compare_off", lang), "planned": ui("year_planned", lang)}
    return lambda year: names.get(year, str(year))


def present_heading(state: MapState, layerset: LayerSet, views: Sequence[View]) -> tuple[str, str]:
    """Presentation mode's position ("2 / 5", "– / 5" off the steps) and title (the view's, or the map's)."""
    view = ms.view_of(state, views)
    ids = [v.id for v in views]
    position = f"{ids.index(view.id) + 1 if view else '–'} / {len(ids)}"
    title = view.title.get(state.lang) if view else layerset.catalog.title.get(state.lang)
    return position, title


def view_title(view: View, lang: Lang) -> str:
    """A view's name in the picker: its title; a story's step, its number and caption."""
    if view.id.startswith("step-"):
        return f"{view.id.removeprefix('step-')}. {view.caption.get(lang) or view.title.get(lang)}"
    return view.title.get(lang)


def layer_switches(state: MapState, layerset: LayerSet) -> list[tuple[str, str, bool]]:
    """(layer id, label with its ☑/☐ mark, on) for every layer that has features to show."""
    rows = []
    for spec in layerset.catalog.layers:
        if spec.id in layerset.frames:
            on = spec.id in state.visible
            rows.append((spec.id, ("☑ " if on else "☐ ") + spec.title.get(state.lang), on))
    return rows


def basemap_label(basemap: Basemap, has_key: bool, lang: Lang) -> str:
    """A basemap's name in the picker, marked when it needs a key the user has not given."""
    return basemap.name.get(lang) + (f" — {ui('needs_key', lang)}" if basemap.needs_key and not has_key else "")


def hit_labels(layerset: LayerSet, hits: Sequence[Hit], lang: Lang) -> dict[FeatureKey, str]:
    """Search results as the picker shows them: the name in `lang`, then its layer's title."""
    catalog = layerset.catalog
    return {
        h.key: f"{h.name_zh if lang == 'zh' else h.name_en} — {catalog.layer(h.layer_id).title.get(lang)}" for h in hits
    }


def prepared_token(state: MapState, when: dt.date, extra: object = None) -> str:
    """What a prepared file was made for: the state except where the map was panned (which
    follows into the file unasked), the day, and any option (`extra`). A new token asks again."""
    return repr((dataclasses.replace(state, camera=None, camera_seq=0, seen=None), when, extra))


def held(store: MutableMapping[str, Any], name: str, token: str, data: bytes) -> bytes:
    """The bytes a download button offers: those it already offered while the token is the same.

    The map reporting a pan reruns the page and remakes the file with the new view; a reader
    fetching the file at that moment would lose it (Streamlit drops the old one: 3 of 30 exports
    under load). So a prepared file stays as it was until what it was prepared for changes."""
    kept = store.get(name)
    if kept is None or kept[0] != token:
        store[name] = kept = (token, data)
    return kept[1]


def data_request(state: MapState, layerset: LayerSet, fmt: Format, encoding: Encoding, when: dt.date) -> Request | None:
    """The data download of what is on screen: the visible layers that loaded, the state's year and
    language; None when no layer is visible."""
    layers = tuple(i for i in state.visible if i in layerset.available)
    return Request(fmt, layers, state.year, state.lang, None, encoding, when) if layers else None


def download_name(state: MapState, ending: str, when: dt.date) -> str:
    """The name of a downloaded map: the view it shows (or "map") and the day."""
    return f"yuqian-map-{state.view_id or 'map'}-{when.isoformat()}.{ending}"


__all__ = [
    "COMPARE_OFF",
    "asset_base",
    "basemap_label",
    "changes_list",
    "compare_to",
    "compared",
    "data_request",
    "download_name",
    "held",
    "hit_labels",
    "layer_switches",
    "prepared_token",
    "present_heading",
    "widget_values",
    "year_label",
]
