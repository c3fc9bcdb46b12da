"""Saving and opening a map with a 50,000-parcel layer: our store against the straightforward way.

    python -m bench.store [--runs 3] [--features 50000]

On the SQLite default (a temp data dir) and on a real PostgreSQL with PostGIS (started from
Debian's packages in a temp dir, as the tests do; skipped when it is not installed). "Ours" is
:class:`geo.store.store.Store`: one transaction, features written in one executemany (psycopg 3
pipelines it), read back in one query and turned into geometry with one vectorised
``shapely.from_wkb``. "Row by row" is the straightforward way: the same transaction and tables,
but one INSERT per feature, and opening reads the rows and parses each geometry in a loop.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Polygon
from sqlalchemy import LargeBinary, func, insert, select, type_coerce

from bench.common import median, ratio, table
from geo.i18n import Text
from geo.store import schema
from geo.store.database import database_url
from geo.store.records import Record, SavedLayer
from geo.store.store import Store
from geo.uploads.files import Limits


def parcels(n: int) -> gpd.GeoDataFrame:
    """`n` six-sided parcels on a grid south of Chongqing (like an upload of land parcels)."""
    rng = np.random.default_rng(7)
    side = int(np.ceil(np.sqrt(n)))
    shapes = []
    for i in range(n):
        x, y = 106.0 + (i % side) * 0.004, 28.5 + (i // side) * 0.004
        angles = np.sort(rng.uniform(0, 2 * np.pi, 6))
        shapes.append(Polygon([(x + 0.0015 * np.cos(a), y + 0.0015 * np.sin(a)) for a in angles]))
    return gpd.GeoDataFrame(
        {"id": [str(i) for i in range(n)], "name": [f"地块 {i}" for i in range(n)], "properties": ["用途: 工业"] * n},
        geometry=shapes,
        crs="EPSG:4326",
    )


def record(frame: gpd.GeoDataFrame) -> Record:
    layer = SavedLayer("user_parcels", "parcels.gpkg", "#e7298a", "polygon", frame)
    return Record(Text("五万地块", "50,000 parcels"), {"layers": "poles,user_parcels"}, layers=(layer,))


def row_by_row_save(store: Store, rec: Record) -> str:
    """The straightforward save: the same map row, then one INSERT per feature."""
    saved, _ = store.create(Record(rec.title, rec.query))  # the map row alone
    layer, postgres = rec.layers[0], store.engine.dialect.name == "postgresql"
    with store.engine.connect().execution_options(writing=True) as conn, conn.begin():
        conn.execute(
            insert(schema.layers).values(
                map_id=saved.id, layer_id=layer.layer_id, position=0, file=layer.file, colour=layer.colour,
                kind=layer.kind, features=len(layer.frame),
            )
        )  # fmt: skip
        for i, row in enumerate(layer.frame.itertuples()):
            wkb = shapely.to_wkb(row.geometry)
            conn.execute(
                insert(schema.features).values(
                    map_id=saved.id, layer_id=layer.layer_id, ordinal=i, feature_id=row.id, name=row.name,
                    properties=row.properties, geom=func.ST_GeomFromWKB(wkb, 4326) if postgres else wkb,
                )
            )  # fmt: skip
        conn.execute(schema.maps.update().where(schema.maps.c.id == saved.id).values(features=len(layer.frame)))
    return saved.id


def row_by_row_open(store: Store, map_id: str) -> gpd.GeoDataFrame:
    """The straightforward open: fetch the rows, parse each geometry, build the frame from dicts."""
    f = schema.features
    geom = (
        type_coerce(func.ST_AsBinary(f.c.geom), LargeBinary) if store.engine.dialect.name == "postgresql" else f.c.geom
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(f.c.feature_id, f.c.name, f.c.properties, geom.label("wkb")).where(f.c.map_id == map_id)
        )
        records = [
            {"id": r.feature_id, "name": r.name, "properties": r.properties, "geometry": shapely.from_wkb(bytes(r.wkb))}
            for r in rows
        ]
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def measure(store: Store, rec: Record, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in ("save", "open", "save_rows", "open_rows")}
    for _ in range(runs):
        start = time.perf_counter()
        saved, _ = store.create(rec)
        times["save"].append(time.perf_counter() - start)
        start = time.perf_counter()
        opened = store.open(saved.id)
        times["open"].append(time.perf_counter() - start)
        assert len(opened.record.layers[0].frame) == rec.features
        start = time.perf_counter()
        map_id = row_by_row_save(store, rec)
        times["save_rows"].append(time.perf_counter() - start)
        start = time.perf_counter()
        frame = row_by_row_open(store, map_id)
        times["open_rows"].append(time.perf_counter() - start)
        assert len(frame) == rec.features
    return times


def rows_for(name: str, times: dict[str, list[float]], n: int) -> list[tuple[str, str, str, str]]:
    save, open_, save_rows, open_rows = (median(times[k]) for k in ("save", "open", "save_rows", "open_rows"))
    return [
        (f"{name}: save a map with {n:,} parcels", f"{save:.2f} s", f"{save_rows:.2f} s", ratio(save, save_rows)),
        (f"{name}: open it (layer back as a frame)", f"{open_:.2f} s", f"{open_rows:.2f} s", ratio(open_, open_rows)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--features", type=int, default=50_000)
    args = parser.parse_args()
    frame = parcels(args.features)
    rec = record(frame)
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    limits = Limits(max_features=max(args.features, Limits().max_features))
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as data:
        store = Store(database_url({"YQ_DATA_DIR": data}), limits)
        rows += rows_for("SQLite", measure(store, rec, args.runs), args.features)
    try:
        from tests.postgres import postgres_server

        with postgres_server() as url:
            store = Store(database_url({"YQ_DATABASE_URL": url}), limits)
            rows += rows_for("PostgreSQL + PostGIS", measure(store, rec, args.runs), args.features)
    except BaseException as exc:  # pytest's Skipped (a BaseException) when PostgreSQL is not installed
        if type(exc).__name__ != "Skipped":
            raise
        print(f"PostgreSQL skipped: {exc}")
    title = f"Saved maps: save and open, {args.features:,} parcels ({vertices:,} vertices); baseline: row by row"
    print(table(title, rows, args.runs))


if __name__ == "__main__":
    main()
