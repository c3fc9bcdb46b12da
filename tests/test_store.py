"""The store of saved maps and stories, on its SQLite default and on a real PostgreSQL with PostGIS
(started by the tests from Debian's packages): what is saved comes back, edit tokens guard it, a
second save from an old copy is refused, hostile text stays text, failures say so in one line."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon
from sqlalchemy import event, text

from geo.i18n import Text
from geo.store.database import Unavailable, database_url, head_revision, make_engine, migrate, schema_revision
from geo.store.records import BadRecord, Record, SavedLayer, Step
from geo.store.store import Conflict, NotAllowed, NotFound, Store
from geo.uploads.files import Limits
from tests.helpers import exported_layers, geo_cli
from tests.postgres import postgres_server, psql

HOSTILE = ("'); DROP TABLE saved_maps;--", "<img src=x onerror=alert(1)>", "{{ 7*7 }}")
ROOT = Path(__file__).resolve().parent.parent


def _layer(n: int = 3, layer_id: str = "user_plots", kind: str = "polygon") -> SavedLayer:
    shapes = {
        "point": [Point(106.5 + i * 0.01, 29.5) for i in range(n)],
        "line": [LineString([(106 + i * 0.01, 29), (106.2, 29.3 + i * 0.001)]) for i in range(n)],
        "polygon": [Polygon([(107 + i, 28), (107.1 + i, 28), (107.1 + i, 28.1)]) for i in range(n)],
    }[kind]
    frame = gpd.GeoDataFrame(
        {"id": [f"f{i}" for i in range(n)], "name": [f"地块 {i}" for i in range(n)], "properties": ["用途: 工业"] * n},
        geometry=shapes,
        crs="EPSG:4326",
    )
    return SavedLayer(layer_id, "plots.geojson", "#1b9e77", kind, frame)


def _record(title: str = "会议底图", **more) -> Record:
    query = {"layers": "poles,rail,user_plots", "lang": "zh", "year": "2019", "lat": "29.1", "lon": "106.9", "z": "8"}
    return Record(Text(title, "Meeting map"), query, author="规划科", note="第一稿", layers=(_layer(),), **more)


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return Store(database_url({"YQ_DATA_DIR": str(tmp_path / "data")}))
    return Store(database_url({"YQ_DATABASE_URL": request.getfixturevalue("postgres_url")}))


def test_a_saved_map_comes_back_whole(store):
    record = _record(steps=())
    saved, token = store.create(record)
    opened = store.open(saved.id)
    assert opened.version == 1 and opened.record.kind == "map"
    assert opened.record.title == record.title and opened.record.author == "规划科" and opened.record.note == "第一稿"
    assert dict(opened.record.query) == dict(record.query)
    (layer,) = opened.record.layers
    assert (layer.layer_id, layer.file, layer.colour, layer.kind) == (
        "user_plots",
        "plots.geojson",
        "#1b9e77",
        "polygon",
    )
    assert layer.frame["name"].tolist() == ["地块 0", "地块 1", "地块 2"]
    assert all(
        shapely.equals_exact(a, b, 1e-12)
        for a, b in zip(layer.frame.geometry, record.layers[0].frame.geometry, strict=True)
    )
    assert saved.id in {e.id for e in store.entries()}
    assert store.can_edit(saved.id, token) and not store.can_edit(saved.id, token[:-1] + "x")


def test_a_story_keeps_its_steps_in_order(store):
    steps = tuple(Step({"layers": "poles", "view": "core"}, Text(f"第 {i} 步", f"Step {i}")) for i in (1, 2, 3))
    saved, _ = store.create(_record(steps=steps))
    opened = store.open(saved.id)
    assert opened.record.kind == "story"
    assert [s.caption.en for s in opened.record.steps] == ["Step 1", "Step 2", "Step 3"]


def test_changing_needs_the_edit_token_and_the_view_link_cannot(store):
    saved, token = store.create(_record())
    with pytest.raises(NotAllowed):
        store.update(saved.id, "", 1, _record("改过"))
    with pytest.raises(NotAllowed):
        store.update(saved.id, token.upper() if token != token.upper() else token.lower(), 1, _record("改过"))
    with pytest.raises(NotAllowed):
        store.delete(saved.id, "guess")
    assert store.open(saved.id).record.title.zh == "会议底图"  # nothing changed
    updated = store.update(saved.id, token, 1, _record("第二稿"))
    assert updated.version == 2 and store.open(saved.id).record.title.zh == "第二稿"
    store.delete(saved.id, token)
    with pytest.raises(NotFound):
        store.open(saved.id)


def test_two_tabs_saving_the_same_map_lose_neither_version(store):
    saved, token = store.create(_record())
    first_tab = store.update(saved.id, token, saved.version, _record("甲的修改"))
    with pytest.raises(Conflict) as refused:
        store.update(saved.id, token, saved.version, _record("乙的修改"))  # opened before 甲 saved
    assert "save a copy" in refused.value.text.en and "另存为副本" in refused.value.text.zh
    assert store.open(saved.id).record.title.zh == "甲的修改" and first_tab.version == 2
    copy, _ = store.create(_record("乙的修改"))  # the second tab's "save a copy"
    assert store.open(copy.id).record.title.zh == "乙的修改"


def test_ids_are_never_read_as_options():
    from geo.store.records import valid_id
    from geo.store.store import new_id

    ids = [new_id() for _ in range(2000)]
    assert all(valid_id(i) and i[0].isalnum() for i in ids) and len(set(ids)) == len(ids)


def test_tokens_are_never_stored_only_their_hash(tmp_path):
    store = Store(database_url({"YQ_DATA_DIR": str(tmp_path)}))
    saved, token = store.create(_record())
    with sqlite3.connect(tmp_path / "yuqian.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
        dump = "\n".join(db.iterdump())
    assert token not in dump and saved.id in dump
    import hashlib

    assert hashlib.sha256(token.encode()).hexdigest() in dump


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_kept_as_text_and_breaks_nothing(store, hostile):
    layer = _layer()
    layer.frame.loc[0, "name"] = hostile
    steps = (Step({"layers": "poles"}, Text(hostile, hostile)),)
    record = Record(
        Text(hostile, hostile), {"layers": "poles"}, author=hostile, note=hostile, layers=(layer,), steps=steps
    )
    saved, _ = store.create(record)
    back = store.open(saved.id).record
    assert (
        back.title.zh
        == back.author
        == back.note
        == back.steps[0].caption.en
        == back.layers[0].frame["name"][0]
        == hostile
    )
    assert store.entries()  # the table is still there


@pytest.mark.parametrize("bad", ["", "short", "../../etc/passwd", "x" * 16 + "'", "AAAAAAAAAAAAAAAA"])
def test_a_malformed_or_unknown_id_is_not_found(store, bad):
    with pytest.raises(NotFound) as found:
        store.open(bad)
    assert "default map" in found.value.text.en


def test_limits_follow_the_upload_limits(tmp_path):
    store = Store(database_url({"YQ_DATA_DIR": str(tmp_path)}), Limits(max_features=4))
    with pytest.raises(BadRecord) as refused:
        store.create(Record(Text("大", ""), {"layers": "poles"}, layers=(_layer(3), _layer(3, "user_two"))))
    assert "6 features" in refused.value.text.en and "limit of 4" in refused.value.text.en
    with pytest.raises(BadRecord):
        store.create(Record(Text("", " "), {"layers": "poles"}))  # no title
    with pytest.raises(BadRecord):
        store.create(Record(Text("t", ""), {"layers": "poles", "evil": "1"}))  # not a link parameter


def test_the_sqlite_file_is_made_by_the_first_save_not_by_browsing(tmp_path):
    store = Store(database_url({"YQ_DATA_DIR": str(tmp_path / "nested" / "data")}))
    assert store.entries() == [] and not (tmp_path / "nested").exists()
    with pytest.raises(NotFound):
        store.open("AAAAAAAAAAAAAAAA")
    store.create(_record())
    db = tmp_path / "nested" / "data" / "yuqian.sqlite"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_upgraded_not_dropped(tmp_path):
    url = database_url({"YQ_DATA_DIR": str(tmp_path)})
    engine = make_engine(url)
    migrate(engine, "0001")  # a database made before stories existed
    assert schema_revision(engine) == "0001"
    with engine.connect().execution_options(writing=True) as conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO saved_maps VALUES ('OLDMAPOLDMAPOLD1', 'map', '旧图', '', '', '', :q, :h, 1, 0, "
                "'2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            ),
            {"q": json.dumps({"layers": "poles"}), "h": "0" * 64},
        )
    store = Store(url)
    opened = store.open("OLDMAPOLDMAPOLD1")  # opening migrates first
    assert opened.record.title.zh == "旧图" and schema_revision(engine) == head_revision() == "0003"
    store.create(_record(steps=(Step({"layers": "poles"}, Text("一", "one")),)))  # the new table works


def test_a_read_only_database_says_so_and_reading_still_works(tmp_path):
    saved, _ = Store(database_url({"YQ_DATA_DIR": str(tmp_path)})).create(_record())
    read_only = Store(f"sqlite:///file:{tmp_path / 'yuqian.sqlite'}?mode=ro&uri=true")
    assert read_only.open(saved.id).record.title.zh == "会议底图"
    with pytest.raises(Unavailable) as refused:
        read_only.create(_record("新的"))
    assert "read-only" in refused.value.text.en and "只读" in refused.value.text.zh


def test_a_full_database_says_so_and_keeps_what_it_had(tmp_path):
    store = Store(database_url({"YQ_DATA_DIR": str(tmp_path)}))
    saved, _ = store.create(_record())

    @event.listens_for(store.engine, "connect")
    def _small(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=40")

    store.engine.dispose()
    with pytest.raises(Unavailable) as refused:
        store.create(Record(Text("大图", ""), {"layers": "poles"}, layers=(_layer(5000, kind="line"),)))
    assert "full" in refused.value.text.en
    assert store.open(saved.id).record.title.zh == "会议底图"
    assert len(store.entries()) == 1


def test_a_database_that_is_down_says_so_quickly():
    store = Store(database_url({"YQ_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}))
    start = time.monotonic()
    with pytest.raises(Unavailable) as refused:
        store.entries()
    assert "cannot be reached" in refused.value.text.en and time.monotonic() - start < 10


SAVER = """
import sys, geopandas as gpd
from shapely.geometry import Point
from geo.i18n import Text
from geo.store.records import Record, SavedLayer
from geo.store.store import Store
store = Store(sys.argv[1])
n = 20000
frame = gpd.GeoDataFrame({"id": [str(i) for i in range(n)], "name": ["p"] * n, "properties": [""] * n},
                         geometry=[Point(106 + i * 1e-5, 29) for i in range(n)], crs="EPSG:4326")
layers = (SavedLayer("user_p", "p.geojson", "#000000", "point", frame),)
saved, token = store.create(Record(Text("kill", ""), {"layers": "poles"}, layers=layers))
print(saved.id, token, flush=True)
version = saved.version
while True:
    record = Record(Text(f"v{version + 1}", ""), {"layers": "poles"}, layers=layers)
    version = store.update(saved.id, token, version, record).version
"""


def test_a_process_killed_while_saving_leaves_the_old_or_the_new_version(tmp_path, store):
    url = str(store.engine.url.render_as_string(hide_password=False))
    for delay in (0.3, 0.9, 1.7):
        saver = subprocess.Popen([sys.executable, "-c", SAVER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        map_id, _ = saver.stdout.readline().split()
        time.sleep(delay)  # mid-way through some save (each takes a few hundred ms)
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait()
        opened = Store(url).open(map_id)  # raises Damaged if a save were half-written
        assert len(opened.record.layers[0].frame) == 20000 and opened.record.title.zh.startswith(("kill", "v"))
    if store.engine.dialect.name == "sqlite":
        with sqlite3.connect(store.engine.url.database) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_saved_layers_are_postgis_geometry_a_plain_query_reads(postgres_url):
    store = Store(database_url({"YQ_DATABASE_URL": postgres_url}))
    saved, _ = store.create(_record())
    rows = psql(
        postgres_url,
        f"SELECT name, ST_SRID(geom), ST_AsText(geom) FROM saved_features WHERE map_id = '{saved.id}' ORDER BY ordinal",
    )
    first = rows.splitlines()[0].split("|")
    assert first[0] == "地块 0" and first[1] == "4326" and first[2].startswith("POLYGON((107 28")
    registered = psql(postgres_url, "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'saved_features'")
    assert registered == "GEOMETRY|4326"  # what a desktop GIS lists as a layer


def test_the_command_line_lists_exports_and_prints_saved_maps_and_stories(tmp_path):
    store = Store(database_url({"YQ_DATA_DIR": str(tmp_path)}))
    saved_map, token = store.create(_record())
    steps = tuple(
        Step({"layers": "poles,rail,user_plots", "year": year}, Text(f"第{n}步", f"Step {n} of the story"))
        for n, year in ((1, "2019"), (2, "2024"), (3, "2026"))
    )
    story, _ = store.create(Record(Text("", "Three steps"), {"layers": "poles"}, layers=(_layer(),), steps=steps))
    env = {"YQ_DATA_DIR": str(tmp_path)}

    listed = geo_cli("maps", "list", env=env)
    assert listed.returncode == 0 and "2 saved in SQLite file" in listed.stdout
    assert re.search(rf"{saved_map.id}\s+map\b.*会议底图", listed.stdout)
    assert re.search(rf"{story.id}\s+story\b.*Three steps", listed.stdout)

    out = tmp_path / "map.html"
    done = geo_cli("export", str(out), "--map", saved_map.id, "--lang", "en", env=env)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    drawn = exported_layers(html)
    assert {"poles", "rail", "user_plots"} <= set(drawn)  # the saved state's layers, its own one included
    assert [f["properties"]["id"] for f in drawn["user_plots"]["features"]] == ["f0", "f1", "f2"]
    assert "<b>地块 1</b>" in drawn["user_plots"]["features"][1]["properties"]["_tip_en"]
    assert token not in html and "lang=en" in done.stdout

    sheet = tmp_path / "story.pdf"
    done = geo_cli("print", str(sheet), "--story", story.id, "--lang", "en", env=env)
    assert done.returncode == 0, done.stderr
    info = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3\b", info)
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(sheet), "-"], capture_output=True, text=True
        ).stdout
        for n in (1, 2, 3)
    ]
    assert all(f"Step {n} of the story" in page for n, page in zip((1, 2, 3), pages, strict=True))
    assert "2019" in pages[0] and "2024" in pages[1]  # each page in its step's year

    for args in (
        ("export", str(tmp_path / "x.html"), "--map", "AAAAAAAAAAAAAAAA"),
        ("print", str(tmp_path / "x.pdf"), "--story", saved_map.id),
    ):
        refused = geo_cli(*args, env=env)
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr


def test_a_story_step_reopens_the_map_it_was_made_from(layerset):
    from geo import state as ms
    from geo.app import saving
    from geo.data.basemaps import load_basemaps
    from geo.spatial.camera import Camera

    made = ms.initial(layerset)
    made = ms.set_year(ms.select(made, layerset, ("scope_yanxian", "500110"), zoom_to=False), 2019)
    made = ms.moved_by_user(ms.toggle(made, layerset, "parks", False), Camera(centre=(28.4, 106.9), zoom=9))
    step = saving.step_of(made, Text("  第一步  ", "Step one"))
    assert step.caption == Text("第一步", "Step one") and "present" not in step.query
    (view,) = saving.story_views(Text("会议", ""), [step], layerset, load_basemaps())
    assert view.id == "step-1" and view.caption.en == "Step one" and view.title.zh == "会议"
    reopened = ms.open_view(ms.initial(layerset), layerset, view)
    assert reopened.visible == made.visible and reopened.selection == made.selection and reopened.year == 2019
    assert ms.where(reopened).centre_zoom() == ((28.4, 106.9), 9)


def test_the_page_link_names_the_saved_map_and_never_its_token(layerset):
    from geo import state as ms
    from geo.app import saving

    opened = saving.Opened("AbCdEfGhIjKlMnOp", "map", Text("t", ""), 3, token="secret-token")
    query = saving.page_query(ms.initial(layerset), opened)
    assert query["map"] == "AbCdEfGhIjKlMnOp" and "secret-token" not in repr(query) and "edit" not in query
    view, edit = saving.links_for("http://host:8501/app?map=x&edit=old#frag", opened.id, opened.token)
    assert view == "http://host:8501/app?map=AbCdEfGhIjKlMnOp"
    assert edit == "http://host:8501/app?map=AbCdEfGhIjKlMnOp&edit=secret-token"
    assert saving.link_params({"map": ["AbCdEfGhIjKlMnOp"], "edit": "t", "lang": "en"}) == (
        "AbCdEfGhIjKlMnOp",
        "t",
        {"lang": "en"},
    )
