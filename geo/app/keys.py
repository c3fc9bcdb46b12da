"""The dashboard's widget keys, named once: ``dashboard.py`` draws the widgets with them,
:mod:`geo.app.panels` sets their values from the state, and the browser (``geo/static/page.js``)
presses the presenter's buttons by them. Pickers that show translated labels are keyed per
language, since Streamlit keys a widget by its label too."""

from __future__ import annotations

from geo.i18n import Lang

LANG_CHOICE = "lang_choice"
PRESENT_TOGGLE = "present_toggle"
LABELS_TOGGLE = "labels_toggle"
SHARE_LINK = "share_link"
MAP = "map"  # the live map's reports (streamlit-folium's value)
# text the reader typed or chose in panels that are not always drawn (presenting, a closed panel):
# kept while their widgets are away (the save form's fields, then the data download's choices)
KEPT_UNDRAWN = (
    "save_title_zh", "save_title_en", "save_author", "save_note", "step_caption_zh", "step_caption_en",
    "data_format", "data_encoding",
)  # fmt: skip
STEP_PREV = "step_prev"
STEP_NEXT = "step_next"
PRESENT_EXIT = "present_exit"
# Streamlit's own test id of the page's main block, whose size the map's frame follows (page.js):
# not a stable API, so it is named here, once, beside the keys the browser uses.
MAIN_BLOCK = '[data-testid="stMainBlockContainer"]'


def show(layer_id: str) -> str:
    """A layer's switch in the sidebar."""
    return f"show_{layer_id}"


def basemap_choice(lang: Lang) -> str:
    return f"basemap_choice_{lang}"


def view_pick(lang: Lang) -> str:
    return f"view_pick_{lang}"


def year_pick(lang: Lang) -> str:
    return f"year_pick_{lang}"


def compare_pick(lang: Lang) -> str:
    return f"compare_pick_{lang}"


def search_pick(lang: Lang) -> str:
    return f"search_pick_{lang}"


def for_browser() -> dict[str, str]:
    """What page.js needs to find the presenter's buttons (Streamlit gives each a ``st-key-<key>``
    class) and the block it follows."""
    return {"next": STEP_NEXT, "prev": STEP_PREV, "exit": PRESENT_EXIT, "main": MAIN_BLOCK}


__all__ = [
    "LABELS_TOGGLE",
    "LANG_CHOICE",
    "MAIN_BLOCK",
    "PRESENT_EXIT",
    "PRESENT_TOGGLE",
    "SHARE_LINK",
    "STEP_NEXT",
    "STEP_PREV",
    "basemap_choice",
    "for_browser",
    "search_pick",
    "show",
    "view_pick",
    "year_pick",
]
