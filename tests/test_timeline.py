"""Plan versus reality: the zone in a given year, from dated, sourced rows (issue 14).

Expected differences between years are worked out here from the tables themselves
(``status.csv``, ``changes.toml``), not from the code that draws the map.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from geo import state as ms
from geo.data.tables import TableError, read_sources
from geo.data.timeline import current_year, in_year, parse_year
from geo.web.export import export_html
from tests.helpers import exported_layers

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "layers" / "tables"
OFFICIAL_DISTRICT_KM2 = 1360  # 两江新区 (district), 人民日报 2025-11-06 / 中新社 2026-01-25
LAYERS = ("counties", "pole_hosts", "poles", "rail", "highways", "parks")


def _status_rows() -> list[dict[str, str]]:
    with (TABLES / "status.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _changes() -> dict:
    return tomllib.loads((TABLES / "changes.toml").read_text(encoding="utf-8"))


def _expected_status(corridor: str, until: str) -> str | None:
    """The status the table gives on `until` (ISO date): its latest row on or before that day."""
    rows = sorted((r for r in _status_rows() if r["corridor_id"] == corridor), key=lambda r: r["date"])
    found = [r["status"] for r in rows if r["date"] <= until]
    return found[-1] if found else None


def _drawn(html: str) -> dict[tuple[str, str], str | None]:
    """(layer, feature id) → its drawn status, for every feature an export draws."""
    out = {}
    for layer, data in exported_layers(html).items():
        for feature in data["features"]:
            out[(layer, feature["properties"]["id"])] = feature["properties"].get("status")
    return out


def _export(layerset, year):
    state = ms.set_year(ms.MapState(visible=LAYERS, lang="zh"), year)
    return export_html(layerset, state, when=dt.date(2026, 11, 27))


def test_every_dated_row_cites_a_known_source():
    known = read_sources(TABLES / "sources.toml")
    rows = _status_rows()
    assert rows and all(r["source"] and not known.unknown(r["source"]) for r in rows)
    changes = _changes()
    entries = [e for kind in ("abolished", "created", "moved") for e in changes.get(kind, [])]
    assert entries and all(e["source"] and not known.unknown(e["source"]) for e in entries)


def test_every_plan_project_has_a_status_history():
    with (TABLES / "corridors.csv").open(encoding="utf-8") as fh:
        corridors = list(csv.DictReader(fh))
    projects = [c["id"] for c in corridors if c["project"] == "yes"]
    dated = {r["corridor_id"] for r in _status_rows()}
    assert len(projects) >= 8 and set(projects) <= dated
    # the corridors table's current status is what the dated rows say today
    today = dt.date.today().isoformat()
    assert {c["id"]: c["status"] for c in corridors} == {c["id"]: _expected_status(c["id"], today) for c in corridors}


def test_a_row_without_a_source_is_refused_naming_file_and_row(tmp_path):
    from geo.build.inputs import Inputs

    for name in ("sources.toml", "units.csv", "poles.csv", "stations.csv", "anchors.csv", "corridors.csv"):
        (tmp_path / name).write_bytes((TABLES / name).read_bytes())
    for name in ("corridor_points.csv", "parks.csv", "links.csv", "layout.toml", "changes.toml", "cities.csv"):
        (tmp_path / name).write_bytes((TABLES / name).read_bytes())
    text = (TABLES / "status.csv").read_text(encoding="utf-8")
    (tmp_path / "status.csv").write_text(text + "yuxiang,2027-01-01,open,,high,,\n", encoding="utf-8")
    with pytest.raises(TableError) as info:
        Inputs(tmp_path)
    message = str(info.value)
    assert "status.csv" in message and "source" in message


def test_2019_and_2026_exports_differ_exactly_where_the_tables_say(layerset):
    then, now = _drawn(_export(layerset, 2019)), _drawn(_export(layerset, 2026))
    changes = _changes()
    # units: abolished ones only before, created ones only after
    gone = {(layer, c["adcode"]) for c in changes["abolished"] for layer in ("counties", "pole_hosts")}
    new = {(layer, c["id"]) for c in changes["created"] for layer in ("counties", "pole_hosts")}
    assert set(then) - set(now) == gone
    assert set(now) - set(then) == new
    # corridors: a status changes exactly when the table's status at the end of 2019 differs from today's
    today = dt.date.today().isoformat()
    expected = {
        key
        for key in set(then) & set(now)
        if key[0] in ("rail", "highways") and _expected_status(key[1], "2019-12-31") != _expected_status(key[1], today)
    }
    changed = {key for key in set(then) & set(now) if then[key] != now[key]}
    assert changed == expected
    assert ("rail", "yuxiang") in changed  # 渝湘高铁 重庆东—黔江: under construction in 2019, open since 2025-06-27
    assert then[("rail", "yuxiang")] == "under_construction" and now[("rail", "yuxiang")] == "open"


def test_the_2026_district_is_drawn_with_its_area_beside_the_official_one(layerset):
    district = in_year(layerset, 2026).frame("counties").set_index("id").loc["liangjiang_district"]
    assert district["official_area_km2"] == OFFICIAL_DISTRICT_KM2
    # the union of former 江北区 and 渝北区 over-counts five 渝北 towns and misses 北碚 parts: near, not equal
    assert 0.8 * OFFICIAL_DISTRICT_KM2 <= district["area_km2"] <= 1.3 * OFFICIAL_DISTRICT_KM2
    assert district["confidence"] == "low" and "1,360" in district["geometry_note_zh"]
    html = _export(layerset, 2026)
    popup = next(
        f["properties"]["_pop_zh"]
        for f in exported_layers(html)["counties"]["features"]
        if f["properties"]["id"] == "liangjiang_district"
    )
    assert "1,360" in popup and f"{district['area_km2']:,.1f}" in popup


def test_parks_move_to_the_district_in_2026(layerset):
    def host(year, park):
        return in_year(layerset, year).frame("parks").set_index("id").loc[park, "host_zh"]

    assert host(2019, "lj_guoyuan") == "江北区" and host(2026, "lj_guoyuan") == "两江新区（行政区）"
    assert host(2019, "lj_shuitu") == "北碚区" and host(2026, "lj_shuitu") == "两江新区（行政区）"  # 水土街道


def test_every_output_says_its_year(layerset):
    assert "截至 2019 年" in _export(layerset, 2019)
    english = export_html(layerset, ms.MapState(visible=LAYERS, lang="en", year=2019), when=dt.date(2026, 11, 27))
    assert "as of 2019" in english and "plan projects open" in english


@pytest.mark.parametrize("bad", ["1850", "abc", "2019.5", str(current_year() + 1)])
def test_a_bad_year_on_the_command_line_is_one_line_and_exit_2(bad, tmp_path):
    out = tmp_path / "map.html"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "export", str(out), "--year", bad], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 2 and not out.exists()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "--year" in lines[0] and bad in lines[0]


def test_year_words_and_numbers():
    assert parse_year("2019") == 2019 and parse_year("planned") == "planned" and parse_year(" 规划 ") == "planned"
    with pytest.raises(ValueError, match="2019"):
        parse_year("2018")
