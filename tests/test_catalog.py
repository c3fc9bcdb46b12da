"""Tier 3: one test over every catalog entry, and the catalog's own error reporting."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.data.catalog import CatalogError, load_catalog
from geo.data.layers import REQUIRED_PROPS, load_layer
from geo.paths import CATALOG_PATH

CATALOG = load_catalog()


@pytest.mark.parametrize("spec", CATALOG.layers, ids=lambda s: s.id)
def test_every_catalog_layer_loads_with_provenance(spec):
    path = CATALOG.layer_dir() / spec.file
    assert path.exists(), f"{spec.id}: {path} missing"
    frame = load_layer(spec, CATALOG.layer_dir())
    assert frame.crs.to_epsg() == 4326
    if spec.geometry == "raster":  # an image (checked against its bounds by load_layer): no features
        assert spec.bounds is not None and "http" in CATALOG.layer_dir().joinpath("tables", "sources.toml").read_text()
        assert spec.source.zh and spec.source.en and spec.licence and spec.attribution
        return
    assert len(frame) > 0
    located = frame[frame.geometry.notna()]
    expected = {
        "point": {"Point", "MultiPoint"},
        "line": {"LineString", "MultiLineString"},
        "polygon": {"Polygon", "MultiPolygon"},
    }[spec.geometry]
    assert set(located.geom_type) <= expected
    for key in REQUIRED_PROPS:
        assert frame[key].map(lambda v: isinstance(v, str) and v.strip() != "").all(), f"{spec.id}: empty {key}"
    # every source is a citation a person can follow
    assert frame["source"].str.contains("http").all(), f"{spec.id}: a source without a URL"
    # geometry that is not surveyed says how it was made, in both languages
    if spec.group in ("layout", "transport", "parks") or spec.id == "poles":
        for lang in ("zh", "en"):
            notes = frame[f"geometry_note_{lang}"]
            assert notes.notna().all(), f"{spec.id}: schematic features need a geometry_note in {lang}"
    for field in ("geometry_note", "note", "role_evidence"):  # prose is bilingual or absent
        assert field not in frame.columns, f"{spec.id}: '{field}' must be split into _zh and _en"
        if f"{field}_en" in frame.columns:
            assert (frame[f"{field}_en"].notna() == frame[f"{field}_zh"].notna()).all()
            zh = frame[f"{field}_zh"].dropna()
            assert zh.map(lambda t: any("\u4e00" <= c <= "\u9fff" for c in t)).all(), f"{spec.id}: {field}_zh"
    for text in (spec.title, spec.description, spec.source):
        assert text.zh.strip() and text.en.strip()
    assert spec.licence.strip()


def test_every_visible_field_has_a_label_in_both_languages():
    for spec in CATALOG.layers:
        for name in (*spec.tooltip, *spec.popup):
            label = CATALOG.fields[name]
            assert label.zh and label.en


def test_catalog_reports_every_problem_with_entry_and_key(tmp_path: Path):
    text = CATALOG_PATH.read_text(encoding="utf-8")
    text = text.replace('id = "rail"\nfile = "rail.geojson"', 'id = "rail"\nfile = "trains.geojson"')
    text = text.replace('group = "parks"\ngeometry = "point"', 'group = "industry"\ngeometry = "blob"')
    text = text.replace('title = { zh = "车站", en = "Stations" }', 'title = { zh = "车站" }')
    bad = tmp_path / "catalog.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(bad)
    problems = "\n".join(info.value.problems)
    assert "id='rail'" in problems and "'file' must be 'rail.geojson'" in problems
    assert "id='parks'" in problems and "'group' = 'industry'" in problems and "'geometry' = 'blob'" in problems
    assert "id='stations'" in problems and "missing or empty 'en' text" in problems
    assert str(bad) in str(info.value)


def test_catalog_that_is_not_toml_names_the_file(tmp_path: Path):
    bad = tmp_path / "catalog.toml"
    bad.write_text("title = {", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(bad)
