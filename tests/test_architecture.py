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


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_only_the_build_names_layers():
    """Behaviour comes from the catalog's keys: no code but the build names a layer id."""
    from geo.catalog import load_catalog

    ids = set(load_catalog().layer_ids)
    code = [p for p in (ROOT / "geo").glob("*.py") if p.name != "build.py"] + [ROOT / "dashboard.py"]
    offenders = {p.name: sorted(ids & _string_constants(p)) for p in code if ids & _string_constants(p)}
    assert offenders == {}


def test_no_private_name_is_imported_across_modules():
    offenders = []
    for path in [*(ROOT / "geo").glob("*.py"), ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_modules_stay_readable():
    """One module, one concern: no module or script grows past ~350 lines."""
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "geo").glob("*.py")}
    sizes |= {
        f"static/{p.name}": len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "geo/static").glob("*.js")
    }
    assert {name: n for name, n in sizes.items() if n > 350} == {}
    # the dashboard draws widgets and panels; what they show is worked out in geo/
    assert len((ROOT / "dashboard.py").read_text(encoding="utf-8").splitlines()) <= 400
