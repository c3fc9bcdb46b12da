"""Build determinism and drift: committed layers equal a fresh build, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.build import derive
from geo.data.catalog import load_catalog
from geo.data.tables import TableError
from geo.paths import LAYERS_DIR


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return derive.build()


def test_two_builds_give_identical_bytes(fresh):
    again = derive.build()
    assert again == fresh


def test_committed_layers_equal_a_fresh_build(fresh):
    stale = derive.drift(fresh, LAYERS_DIR)
    assert stale == [], f"run `python -m geo build`: {stale} differ from the tables"


def test_build_covers_exactly_the_catalog(fresh):
    assert set(fresh) == set(load_catalog().layer_ids)


def test_output_is_rfc7946_utf8_with_readable_chinese(fresh):
    text = fresh["scope_yanxian"]
    assert "綦江区" in text and "\\u" not in text
    data = json.loads(text)
    assert "crs" not in data
    coords = data["features"][0]["geometry"]["coordinates"][0][0]
    lon, lat = coords[0] if isinstance(coords[0], list) else coords
    assert 100 < lon < 112 and 24 < lat < 31  # lon/lat order
    assert all(len(str(v).split(".")[-1]) <= 5 for v in (lon, lat))


def test_a_bad_table_row_is_reported_with_file_row_and_column(tmp_path: Path):
    tables = tmp_path / "tables"
    shutil.copytree(LAYERS_DIR / "tables", tables)
    path = tables / "stations.csv"
    text = path.read_text(encoding="utf-8")
    good = "chongqingxi,重庆西,Chongqing West,106.4322,29.5030,OSM,high"
    text = text.replace(good, "chongqingxi,重庆西,Chongqing West,29.5030,106.4322,OSM,certain")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as info:
        derive.build(tables)
    message = str(info.value)
    assert "stations.csv" in message and "row 2 (id='chongqingxi')" in message
    assert "swapped?" in message and "confidence 'certain'" in message


def test_cli_check_reports_drift(tmp_path: Path, monkeypatch, capsys):
    from geo import cli

    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    (layers / "axis.geojson").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(cli, "LAYERS_DIR", layers)
    assert cli.main(["build", "--check"]) == 1
    assert "axis" in capsys.readouterr().err
