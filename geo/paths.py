"""Where the project's files are: one place, so no module builds a path of its own."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS_DIR = ROOT / "layers"
TABLES_DIR = LAYERS_DIR / "tables"
CATALOG_PATH = LAYERS_DIR / "catalog.toml"
VIEWS_PATH = LAYERS_DIR / "views.toml"
BASEMAPS_PATH = LAYERS_DIR / "basemaps.toml"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Streamlit serves the app folder's static/ at /app/static/ (server.enableStaticServing): the live
# map's published assets go there (geo.web.assets.publish); nothing in it is committed.
APP_STATIC_DIR = ROOT / "static"

__all__ = [
    "APP_STATIC_DIR",
    "BASEMAPS_PATH",
    "CATALOG_PATH",
    "LAYERS_DIR",
    "ROOT",
    "STATIC_DIR",
    "TABLES_DIR",
    "VIEWS_PATH",
]
