"""Small helpers shared by tests: hostile input and HTML inspection."""

from __future__ import annotations

import json
import re
from pathlib import Path

XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "</script><script>window.__xss=2</script>"
EXTERNAL_ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*["\']?(?:https?:)?//', re.IGNORECASE)


def normalise(html: str) -> str:
    """Collapse whitespace, so fragments can be matched regardless of template indentation."""
    return re.sub(r"\s+", " ", html)


def hostile_geojson(path: Path) -> Path:
    """A user's GeoJSON file whose property values are HTML and script."""
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": XSS_IMG, "note": XSS_SCRIPT},
                "geometry": {"type": "Point", "coordinates": [106.9, 28.5]},
            },
            {
                "type": "Feature",
                "properties": {"name": "安全的名字", "note": "&amp; stays text"},
                "geometry": {"type": "Point", "coordinates": [107.2, 28.1]},
            },
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def elements(at, kind: str):
    """Every element of type `kind` (e.g. "component_instance", "iframe") an AppTest run produced."""

    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield child
                yield from walk(child)

    return [e for e in walk(at._tree) if getattr(e, "type", None) == kind]


def embedded_state(html: str) -> dict:
    """The map state an exported page applies on load (the JSON block ``yq.boot`` reads)."""
    match = re.search(r'<script type="application/json" id="yq-state">(.*?)</script>', html, re.S)
    assert match, "no embedded map state"
    return json.loads(match.group(1))


def geo_cli(*args: str, env: dict[str, str] | None = None):
    """``python -m geo ARGS`` run from the checkout (with `env` added to the environment), its
    output captured as text."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    run_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "geo", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, env=run_env)


def registered_layers(text: str) -> list[str]:
    """The catalog layers a page's map registers (``yq.register``), in page order. A group's
    options (an attribution may hold brackets) end at the first ``})``."""
    return re.findall(r'yq\.register\(L\.featureGroup\(null, \{.*?\}\),\s*"([^"]+)"', text, re.S)


def with_orientation(layers) -> set[str]:
    """`layers` (a view's) plus the layers that follow the basemap and are on with the offline
    one (rivers, relief, cities): a view leaves those as the reader has them."""
    from geo.data.catalog import load_catalog

    return set(layers) | {s.id for s in load_catalog().layers if s.follows_basemap and s.on_by_default("offline")}


def exported_layers(html: str) -> dict[str, dict]:
    """The layers an exported file draws: layer id → the FeatureCollection handed to ``yq.geojson``."""
    decoder = json.JSONDecoder()
    out = {}
    for match in re.finditer(r"yq\.geojson\(\{", html):
        data, end = decoder.raw_decode(html, match.end() - 1)
        rest = html[end:].lstrip()
        options, _ = decoder.raw_decode(rest[1:].lstrip())  # after the comma
        out[options["layer"]] = data
    return out
