"""The dashboard page's styles: its stylesheet, and legend swatches before the layer toggles.

Kept out of ``dashboard.py`` (which holds widgets only) and out of the map code: these rules
address Streamlit's page, not the map. Pure strings; no Streamlit import.
"""

from __future__ import annotations

from functools import lru_cache

from geo.data.catalog import Catalog
from geo.i18n import Lang
from geo.paths import STATIC_DIR
from geo.web.popups import swatch_uris


@lru_cache(maxsize=2)
def page_css(*, present: bool) -> str:
    """The page's style block; presentation mode adds its own rules."""
    names = ("dashboard.css", "present.css") if present else ("dashboard.css",)
    return "<style>" + "\n".join((STATIC_DIR / n).read_text(encoding="utf-8") for n in names) + "</style>"


def swatch_css(catalog: Catalog, lang: Lang) -> str:
    """One style block that puts each layer's legend swatch before its toggle's label.

    One element instead of a swatch element per toggle: far less to resend on every rerun,
    and the checkboxes keep plain, readable accessible names (the titles, which the rules match).
    """
    rules = []
    for spec in catalog.layers:
        uris = swatch_uris(spec)
        backgrounds = ", ".join(f'url("{u}") {30 * i}px center / 28px 20px no-repeat' for i, u in enumerate(uris))
        name = spec.title.get(lang).replace("\\", "\\\\").replace('"', '\\"')
        rules.append(
            f'label:has(input[aria-label="{name}"]) p::before'
            f'{{content:"";display:inline-block;vertical-align:middle;margin-right:6px;'
            f"width:{30 * len(uris) - 2}px;height:20px;background:{backgrounds}}}"
        )
    return "<style>" + "\n".join(rules) + "</style>"


__all__ = ["page_css", "swatch_css"]
