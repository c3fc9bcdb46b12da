"""The exported HTML file and the `python -m geo export` command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.data.catalog import load_catalog
from geo.state import MapState
from geo.web.export import export_html
from tests.helpers import (
    EXTERNAL_ASSET,
    XSS_IMG,
    embedded_state,
    exported_layers,
    hostile_geojson,
    registered_layers,
    with_orientation,
)

ROOT = Path(__file__).resolve().parent.parent
ONE_MB = 1_000_000


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_export_of_all_layers_is_self_contained_and_under_1_mb(layerset):
    html = export_html(layerset, MapState(visible=layerset.catalog.layer_ids), when=dt.date(2026, 11, 26))
    assert len(html.encode("utf-8")) < ONE_MB
    assert not EXTERNAL_ASSET.search(html)
    assert "data:text/javascript" not in html  # inlined as text, not links
    assert html.count("<script") == html.count("</script>")
    assert re.search(r"<script>\s*/\* @preserve\s*\* Leaflet 1\.9\.3", html)


def test_export_carries_title_sources_boundary_statement_and_date(layerset):
    html = export_html(layerset, MapState(visible=("rail", "counties"), lang="en"), when=dt.date(2026, 11, 26))
    assert "<title>Chongqing–Guizhou Cooperation Pilot Demonstration Zone · 2026-11-26</title>" in html
    assert '<html lang="en">' in html
    assert "Schematic map, not an authority on boundaries." in html
    assert "Exported: 2026-11-26" in html
    assert "Railways<\\/b>: Chinanews, CNR" in html  # the layer's source in the info panel
    assert "© OpenStreetMap contributors, ODbL." in html
    assert "L.control.layers(" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "layers",
    [
        None,
        "scope_yanxian,scope_yanbian,poles",
        "rail,stations,highways,border",
        "core,belt,pieces,axis",
        "parks,links,pole_hosts",
    ],
)
def test_cli_exports_each_combination(tmp_path, lang, layers):
    out = tmp_path / "map.html"
    args = ["export", str(out), "--lang", lang, "--basemap", "offline"]
    if layers:
        args += ["--layers", layers]
    result = _cli(*args)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    wanted = layers.split(",") if layers else list(load_catalog().default_visible())
    registered = registered_layers(html)
    assert sorted(set(registered) - {"_selection"}) == sorted(wanted)  # yq.js itself names "_selection"
    assert f'lang="{"zh-CN" if lang == "zh" else "en"}"' in html
    assert str(out) in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "rail,nope"], "unknown layer id(s) nope"),
        (["--layers", ","], "unknown layer id(s) (none given)"),
        (["--lang", "fr"], "invalid choice: 'fr'"),
        (["--basemap", "google"], "unknown basemap"),
        (["--view", "nowhere"], "unknown view 'nowhere'"),
        (["--extra-layer", "does/not/exist.geojson"], "exist.geojson: cannot be read"),
    ],
)
def test_cli_bad_arguments_give_one_line_and_exit_2(tmp_path, args, message):
    out = tmp_path / "map.html"
    result = _cli("export", str(out), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert not out.exists()


def test_cli_rejects_malformed_extra_layer(tmp_path):
    bad = tmp_path / "broken.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = _cli("export", str(tmp_path / "m.html"), "--extra-layer", str(bad))
    assert result.returncode == 2
    assert "broken.geojson: not valid JSON" in result.stderr


def test_cli_extra_layer_is_escaped_in_the_export(tmp_path):
    hostile = hostile_geojson(tmp_path / "hostile.geojson")
    out = tmp_path / "m.html"
    result = _cli("export", str(out), "--layers", "rail", "--extra-layer", str(hostile), "--lang", "en")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert XSS_IMG not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert "My layer: hostile.geojson" in html


def test_template_syntax_in_a_users_file_is_never_evaluated(tmp_path):
    """branca parses rendered scripts again as Jinja: a value must stay text, not run on the server."""
    template = "{{ 7*7 }}{% if true %}ran{% endif %}{# hidden #}"
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": template},
                "geometry": {"type": "Point", "coordinates": [107, 28]},
            }
        ],
    }
    path = tmp_path / "{{ 6*7 }}.geojson"  # the file name becomes the layer's title
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "m.html"
    result = _cli("export", str(out), "--layers", "rail", "--extra-layer", str(path))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    shown = json.dumps(exported_layers(html), ensure_ascii=False)  # the strings as the browser reads them
    assert template in shown  # the tooltip shows it as written
    assert "My layer: 42" not in html and "My layer: {\\u007b 6*7 }}.geojson" in html


@pytest.mark.parametrize("view", ["overview", "poles", "core", "belt", "axis", "pieces", "rail", "parks"])
def test_cli_exports_each_view_with_its_layers_extent_and_caption(tmp_path, view):
    from geo.data.views import load_views, view_by_id

    spec = view_by_id(load_views(load_catalog()), view)
    out = tmp_path / f"{view}.html"
    result = _cli("export", str(out), "--view", view, "--lang", "en")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    registered = registered_layers(html)
    assert sorted(set(registered) - {"_selection"}) == sorted(with_orientation(spec.layers))
    state = embedded_state(html)
    assert state["camera"] == {"bounds": [list(spec.extent[0]), list(spec.extent[1])]}
    assert state["visible"] and set(state["visible"]) == with_orientation(spec.layers) and state["lang"] == "en"
    assert (state["selection"] or {}).get("key") == ("/".join(spec.highlight) if spec.highlight else None)
    assert spec.title.en.replace("'", "&#x27;") in html


def test_cli_validate_reports_each_file(tmp_path):
    good = hostile_geojson(tmp_path / "good.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = _cli("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"{good}: ok — 2 features, EPSG:4326")
    assert lines[-1].startswith(f"{bad}: not valid JSON")
    assert _cli("validate", str(good)).returncode == 0


def test_cli_source_crs_converts_gcj02_input(tmp_path):
    import json as _json

    from geo.spatial.gcj import wgs_to_gcj

    x, y = wgs_to_gcj(__import__("numpy").array([106.6477]), __import__("numpy").array([29.0313]))
    path = tmp_path / "seat.geojson"
    path.write_text(
        _json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "綦江"},
                        "geometry": {"type": "Point", "coordinates": [float(x[0]), float(y[0])]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "m.html"
    result = _cli("export", str(out), "--layers", "rail", "--extra-layer", str(path), "--source-crs", "gcj02")
    assert result.returncode == 0, result.stderr
    assert "converted from GCJ-02" in result.stderr


def test_a_one_year_export_holds_nothing_known_after_that_year(layerset):
    from geo import state as ms

    state = ms.set_year(MapState(visible=("rail", "parks", "poles")), 2019)
    html = export_html(layerset, state, when=dt.date(2026, 12, 6))
    (yuxiang,) = [f for f in exported_layers(html)["rail"]["features"] if f["properties"]["id"] == "yuxiang"]
    said = json.dumps(yuxiang, ensure_ascii=False)
    assert "在建" in said  # under construction in 2019 …
    assert "已通车" not in said and "2025-06-27" not in said  # … and nothing of its 2025 opening, in any text
    compared = export_html(layerset, ms.set_compare(ms.set_year(state, None), 2019))
    (both,) = [f for f in exported_layers(compared)["rail"]["features"] if f["properties"]["id"] == "yuxiang"]
    assert "已通车" in json.dumps(both, ensure_ascii=False)  # comparing 2019 with today carries both years
