"""The layout rules of the project, checked on the source."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GEO = sorted((ROOT / "geo").rglob("*.py"))  # every module, in every subpackage


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
    offenders = [p.name for p in GEO if {"streamlit", "streamlit_folium"} & _imports(p)]
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
    from geo.data.catalog import load_catalog

    ids = set(load_catalog().layer_ids)
    code = [p for p in GEO if "build" not in p.relative_to(ROOT / "geo").parts[:-1]] + [ROOT / "dashboard.py"]
    offenders = {p.name: sorted(ids & _string_constants(p)) for p in code if ids & _string_constants(p)}
    assert offenders == {}


def test_no_private_name_is_imported_across_modules():
    offenders = []
    for path in [*GEO, ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    linter = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(linter), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    """The layering in pyproject.toml: data below state, state below web/printing/uploads/build."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("geo/data/catalog.py", "import geo.web.popups", "geo.data is not allowed to import geo.web"),
        ("geo/printing/parts.py", "import geo.web.payloads", "geo.printing is not allowed to import geo.web"),
        ("geo/spatial/gcj.py", "import streamlit", "geo.spatial.gcj -> streamlit"),
    ],
)
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "geo", tmp_path / "geo", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in " ".join(result.stdout.split())


def test_every_room_of_geo_is_in_the_layers_contract():
    """A new subpackage or top-level module cannot escape the layering by not being named."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    rooms = {f"geo.{p.stem}" for p in (ROOT / "geo").glob("*.py") if p.stem != "__init__"}
    rooms |= {f"geo.{p.parent.name}" for p in (ROOT / "geo").glob("*/__init__.py")}
    assert rooms - named == set()


def test_every_subpackage_says_what_it_holds_and_may_import():
    for init in (ROOT / "geo").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, init.parent.name


def test_lint_passes_with_the_complexity_limits():
    """ruff with mccabe C901 and too-many-statements (pyproject.toml): functions stay short by
    complexity, not modules by a line count."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
