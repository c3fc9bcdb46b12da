"""Offline assets: Leaflet from the installed ``xstatic-leaflet`` package, our controls.

Every asset the map needs is turned into a ``data:`` URI, so neither the dashboard
(streamlit-folium injects these links) nor an exported file requests another host.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import folium

from geo.paths import STATIC_DIR

# The browser code of the map, in load order (core first: the others add to its `yq`).
MAP_SCRIPTS = (
    "core.js",
    "big.js",
    "legend.js",
    "labels.js",
    "time.js",
    "compare.js",
    "texts.js",
    "apply.js",
    "page.js",
    "controls.js",
    "sketch.js",
    "a11y.js",
)


def data_uri(content: bytes, mime: str) -> str:
    """A base64 ``data:`` URI for `content` (binary content: images)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


# What a text data: URI must escape inside a double-quoted HTML attribute: the URL's own escape and
# fragment characters, the attribute's quote and entity characters, and control characters (which
# URL parsers drop). Everything else — JSON, CJK text — goes as it is.
_URI_ESCAPES = {c: f"%{c:02X}" for c in [*range(0x20), 0x7F, *b"%#\"&<>'"]}


def text_uri(content: bytes, mime: str) -> str:
    """A UTF-8 text ``data:`` URI for `content`, escaped only where it must be.

    A third smaller than base64 and far more compressible: the websocket's compression (4 KB
    window) leaves 216 KB of the 890 KB data bundle this way, 493 KB as base64.
    """
    return f"data:{mime};charset=utf-8,{content.decode('utf-8').translate(_URI_ESCAPES)}"


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
    return (("leaflet", text_uri(leaflet_js(), "text/javascript")), ("yq", text_uri(own_js(), "text/javascript")))


@lru_cache(maxsize=1)
def css_links() -> tuple[tuple[str, str], ...]:
    """``(name, data URI)`` pairs for folium's ``default_css``."""
    return (("leaflet_css", text_uri(leaflet_css(), "text/css")), ("yq_css", text_uri(own_css(), "text/css")))


Links = tuple[tuple[str, str], ...]


def make_offline(m: folium.Map, links: tuple[Links, Links] | None = None) -> folium.Map:
    """Replace the map's CDN links (Leaflet, jQuery, Bootstrap, …) with ours: `links` (scripts,
    stylesheets), by default data URIs, which an exported file carries inside itself."""
    m.default_js, m.default_css = (list(x) for x in (links or (js_links(), css_links())))
    return m


def publish(files: Mapping[str, tuple[bytes, str]], static_dir: Path, url_base: str) -> dict[str, str]:
    """Write each ``name: (content, suffix)`` under `static_dir`/yq with its content's hash in its
    name (atomically: replicas may publish the same file at once) and return ``name: URL``.

    Streamlit serves that folder (``server.enableStaticServing``) at ``/app/static/``: the live map
    loads these over HTTP, where they are compressed and cached for good (a new content is a new
    name), instead of inside every session's websocket. Raises OSError when it cannot write.
    """
    folder = static_dir / "yq"
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for name, (content, suffix) in files.items():
        file_name = f"{name}.{hashlib.sha256(content).hexdigest()[:16]}{suffix}"
        target = folder / file_name
        if not target.exists() or target.read_bytes() != content:
            part = folder / f".{file_name}.{os.getpid()}.part"
            part.write_bytes(content)
            part.replace(target)
        urls[name] = f"{url_base}/app/static/yq/{file_name}"
    return urls


def published_links(static_dir: Path, url_base: str) -> tuple[Links, Links]:
    """The live map's scripts and stylesheets, published (see :func:`publish`)."""
    files = {"leaflet": (leaflet_js(), ".js"), "yq": (own_js(), ".js")}
    files |= {"leaflet_css": (leaflet_css(), ".css"), "yq_css": (own_css(), ".css")}
    urls = publish(files, static_dir, url_base)
    return tuple((n, urls[n]) for n in ("leaflet", "yq")), tuple((n, urls[n]) for n in ("leaflet_css", "yq_css"))


__all__ = ["Links", "css_links", "data_uri", "js_links", "make_offline", "publish", "published_links", "text_uri"]
