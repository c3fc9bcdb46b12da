"""What every session of the dashboard shares, read-only: made once per process, each part on first use.

The dashboard holds one :class:`AppData` in ``st.cache_resource``; nothing in it changes after
it is made, so sessions can share it safely. (Two sessions asking for a part at the same moment
may both compute it; the results are equal.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from geo.app import keys
from geo.app.summary import Summary, summary
from geo.data.basemaps import Basemap, load_basemaps
from geo.data.catalog import load_catalog
from geo.data.ids import find
from geo.data.layers import LayerSet, load_layers
from geo.data.timeline import Year, in_year
from geo.data.views import View, load_views
from geo.i18n import LANGS, Lang
from geo.paths import APP_STATIC_DIR
from geo.state import MapState
from geo.web.assets import Links, publish, published_links
from geo.web.livemap import data_bundle, data_bundle_uri, gcj_html, live_legends, texts_pack
from geo.web.payloads import browser_state


@dataclass(frozen=True)
class LiveAssets:
    """Links the live map loads: (scripts, stylesheets) or None for the default data URIs; the data
    bundle per first language; each language's texts pack (empty when the bundle has both)."""

    links: tuple[Links, Links] | None
    bundles: Mapping[Lang, str]
    texts: Mapping[Lang, str]
    images: Mapping[str, str] = field(default_factory=dict)  # a raster layer's id: its picture's URL


class AppData:
    """The catalog's layers, views and basemaps, and what the live map needs of them."""

    def __init__(self) -> None:
        self._assets: dict[str | None, LiveAssets] = {}
        self._years: dict[Year | None, LayerSet] = {}
        self._headlines: dict[Year | None, Summary] = {}

    @cached_property
    def layers(self) -> LayerSet:
        """Every layer of the catalog (a broken file is recorded in ``errors``, the rest load)."""
        return load_layers(load_catalog())

    @cached_property
    def views(self) -> tuple[View, ...]:
        return load_views(self.layers.catalog)

    @cached_property
    def basemaps(self) -> tuple[Basemap, ...]:
        return load_basemaps()

    @cached_property
    def bundle_uri(self) -> str:
        """Every layer's data and legends as one script link (sent once per session)."""
        return data_bundle_uri(self.layers, live_legends(self.layers))

    def live_assets(self, url_base: str | None) -> LiveAssets:
        """What the live map loads: files under static/ served at `url_base`/app/static/ (published
        once per process: scripts, stylesheets, a data bundle per first language and each
        language's texts), or, when `url_base` is None or the folder cannot be written, data URIs
        inside the map element (the default links, one bundle with both languages)."""
        if url_base not in self._assets:
            found = None
            if url_base is not None:
                try:
                    found = self._publish(url_base)
                except OSError as exc:
                    print(f"warning: cannot publish the map's files in {APP_STATIC_DIR} ({exc}); sending them inline")
            # the both-language inline bundle only when it is used: it is the largest thing made at start-up
            self._assets[url_base] = found or LiveAssets(None, dict.fromkeys(LANGS, self.bundle_uri), {})
        return self._assets[url_base]

    def _publish(self, url_base: str) -> LiveAssets:
        legends = live_legends(self.layers)
        images = publish(self._images(), APP_STATIC_DIR, url_base)  # the relief: a file of its own, cached
        files = {f"data_{lang}": (data_bundle(self.layers, legends, (lang,), images), ".js") for lang in LANGS}
        files |= {f"texts_{lang}": (texts_pack(self.layers, lang, legends[lang]), ".js") for lang in LANGS}
        urls = publish(files, APP_STATIC_DIR, url_base)
        links = published_links(APP_STATIC_DIR, url_base)
        return LiveAssets(
            links,
            {lang: urls[f"data_{lang}"] for lang in LANGS},
            {lang: urls[f"texts_{lang}"] for lang in LANGS},
            images,
        )

    def _images(self) -> dict[str, tuple[bytes, str]]:
        """The raster layers' images: ``{layer id: (bytes, suffix)}``."""
        catalog = self.layers.catalog
        return {
            i: ((catalog.layer_dir() / catalog.layer(i).file).read_bytes(), Path(catalog.layer(i).file).suffix)
            for i in self.layers.available
            if catalog.layer(i).geometry == "raster"
        }

    @cached_property
    def gcj_html(self) -> str:
        """Every feature's GCJ-02 copy, for GCJ-02 basemaps."""
        return gcj_html(self.layers)

    def headline_in(self, year: Year | None) -> Summary:
        """The headline figures for `year` (None: today), computed once per year."""
        if year not in self._headlines:
            self._headlines[year] = summary(self.layers, year)
        return self._headlines[year]

    def in_year(self, year: Year | None) -> LayerSet:
        """The shared layers as they were in `year` (None: today), computed once per year."""
        if year not in self._years:
            self._years[year] = in_year(self.layers, year)
        return self._years[year]

    def shown(
        self,
        layerset: LayerSet,
        state: MapState,
        key: str | None,
        url_base: str | None,
        views: Sequence[View] | None = None,
    ) -> dict[str, Any]:
        """What the live map is sent beside it every rerun: the state as the browser draws it
        (:func:`geo.web.payloads.browser_state`), where the other language's texts are, and the
        presenter's buttons page.js presses (by their widget keys). `views`: the story presented
        (the built-in views by default)."""
        views = self.views if views is None else views
        shown = browser_state(layerset, state, basemap=self.basemap(state.basemap), key=key, views=views)
        shown["texts"] = self.live_assets(url_base).texts
        shown["page"] = keys.for_browser()
        return shown

    def basemap(self, basemap_id: str) -> Basemap:
        """The basemap `basemap_id` (KeyError names the known ids)."""
        found = find(self.basemaps, basemap_id)
        if found is None:
            raise KeyError(f"unknown basemap {basemap_id!r}; known: {', '.join(b.id for b in self.basemaps)}")
        return found


__all__ = ["AppData", "LiveAssets"]
