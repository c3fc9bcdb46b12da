"""Offline assets: Leaflet from the installed ``xstatic-leaflet`` package, our controls.

Every asset the map needs is turned into a ``data:`` URI, so neither the dashboard
(streamlit-folium injects these links) nor an exported file requests another host.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium

from geo.paths import STATIC_DIR

# The browser code of the map, in load order (core first: the others add to its `yq`).
MAP_SCRIPTS = ("core.js", "legend.js", "labels.js", "time.js", "apply.js", "page.js", "controls.js", "a11y.js")


def data_uri(content: bytes, mime: str) -> str:
    """A base64 ``data:`` URI for `content`."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xs_leaflet

    return Path(xs_leaflet.BASE_DIR)


@lru_cache(maxsize=1)
def leaflet_js() -> bytes:
    """Leaflet 1.9.3, minified, from the installed package."""
    return (_leaflet_dir() / "leaflet.js").read_bytes()


@lru_cache(maxsize=1)
def leaflet_css() -> bytes:
    """Leaflet's stylesheet with its images inlined as data URIs."""
    base = _leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = base / match.group(1)
        mime = "image/svg+xml" if image.suffix == ".svg" else "image/png"
        return f"url({data_uri(image.read_bytes(), mime)})"

    return re.sub(r"url\((images/[^)]+)\)", inline, css).encode("utf-8")


@lru_cache(maxsize=1)
def own_js() -> bytes:
    """Our map code: layer registry and drawing, legend, state applier, controls (one script)."""
    return b"\n".join((STATIC_DIR / name).read_bytes() for name in MAP_SCRIPTS)


@lru_cache(maxsize=1)
def own_css() -> bytes:
    """Styles of our controls."""
    return (STATIC_DIR / "yq.css").read_bytes()


@lru_cache(maxsize=1)
def js_links() -> tuple[tuple[str, str], ...]:
    """``(name, data URI)`` pairs for folium's ``default_js``."""
    return (("leaflet", data_uri(leaflet_js(), "text/javascript")), ("yq", data_uri(own_js(), "text/javascript")))


@lru_cache(maxsize=1)
def css_links() -> tuple[tuple[str, str], ...]:
    """``(name, data URI)`` pairs for folium's ``default_css``."""
    return (("leaflet_css", data_uri(leaflet_css(), "text/css")), ("yq_css", data_uri(own_css(), "text/css")))


def make_offline(m: folium.Map) -> folium.Map:
    """Replace the map's CDN links (Leaflet, jQuery, Bootstrap, …) with local data URIs."""
    m.default_js = list(js_links())
    m.default_css = list(css_links())
    return m


__all__ = ["css_links", "data_uri", "js_links", "make_offline"]
