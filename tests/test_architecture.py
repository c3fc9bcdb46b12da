"""The layout rules of the project, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_geo_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "geo").glob("*.py") if {"streamlit", "streamlit_folium"} & _imports(p)]
    assert offenders == []


def test_shipped_code_names_no_cdn():
    cdn = ("cdn.jsdelivr", "cdnjs.cloudflare", "unpkg.com", "code.jquery", "bootstrapcdn", "d3js.org")
    shipped = [
        *(ROOT / "geo").rglob("*.py"),
        *(ROOT / "geo").rglob("*.js"),
        *(ROOT / "geo").rglob("*.css"),
        ROOT / "dashboard.py",
    ]
    hits = [p.name for p in shipped if any(host in p.read_text(encoding="utf-8") for host in cdn)]
    assert hits == []
