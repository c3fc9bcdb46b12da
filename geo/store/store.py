"""The store: save a record (one transaction), open it by id, list what is saved, change or delete
it with its edit token. Tokens are stored only as SHA-256 hashes and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import string
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import shapely
from sqlalchemy import Connection, LargeBinary, bindparam, delete, func, insert, select, type_coerce, update

from geo.i18n import Text
from geo.store import schema
from geo.store.database import StoreError, describe, make_engine, migrate, sqlite_path, translated, up_to_date
from geo.store.records import Entry, Record, Saved, SavedLayer, Step, check, valid_id
from geo.uploads.files import Limits

LIST_LIMIT = 200


class NotFound(StoreError):
    """No saved map has this id (or the id is malformed)."""


class NotAllowed(StoreError):
    """The edit token is missing or wrong."""


class Conflict(StoreError):
    """Someone saved the map after this copy of it was opened."""


class Damaged(StoreError):
    """A saved map's rows do not add up (never written by this code: one transaction per save)."""


_NOT_FOUND = Text(
    "找不到这张已保存的地图（链接有误或已删除）；显示默认地图。",
    "No saved map has this link (mistyped or deleted); showing the default map.",
)


def new_id() -> str:
    """A saved map's id: 16 URL-safe characters (about 95 random bits), the first a letter or digit,
    so that an id is never read as an option on the command line (``--map -x…``)."""
    return secrets.choice(string.ascii_letters + string.digits) + secrets.token_urlsafe(12)[1:]


def new_token() -> str:
    """An edit token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _query_json(query: Mapping[str, str]) -> str:
    return json.dumps(dict(query), ensure_ascii=False, sort_keys=True)


class Store:
    """Saved maps and stories in the database at `url` (see :func:`geo.store.database.database_url`).

    The schema is migrated on first use; an SQLite file is made only by the first save.
    Every failure of the database itself comes out as :class:`~geo.store.database.Unavailable`.
    """

    def __init__(self, url: str, limits: Limits | None = None) -> None:
        self.url, self.limits = url, limits or Limits()
        self.engine = make_engine(url)
        self._migrated = False

    def __repr__(self) -> str:
        return f"Store({describe(self.url)})"

    @property
    def where(self) -> str:
        """Where the data lives, for people."""
        return describe(self.url)

    def _ready(self, *, writing: bool) -> bool:
        """Migrate once; False when there is nothing to read yet (an SQLite file not made)."""
        if self._migrated:
            return True
        path = sqlite_path(self.engine)
        if path is not None and not path.exists():
            if not writing:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
        if not up_to_date(self.engine):  # a read-only database at the newest revision is still readable
            migrate(self.engine)
        self._migrated = True
        return True

    def _writing(self) -> Connection:
        return self.engine.connect().execution_options(writing=True)

    @property
    def _postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    # --- writing -------------------------------------------------------------------------------
    def create(self, record: Record) -> tuple[Saved, str]:
        """Save `record` under a new id; return it and its edit token (shown once, never stored)."""
        check(record, self.limits)
        token, now = new_token(), datetime.now(UTC)
        with translated():
            self._ready(writing=True)
            with self._writing() as conn, conn.begin():
                for _ in range(5):  # an id already taken (2^-96 odds) is drawn again
                    map_id = new_id()
                    if conn.execute(select(schema.maps.c.id).where(schema.maps.c.id == map_id)).first() is None:
                        break
                values = self._row(record) | {
                    "id": map_id,
                    "token_hash": token_hash(token),
                    "version": 1,
                    "created": now,
                }
                conn.execute(insert(schema.maps).values(**values))
                self._write_parts(conn, map_id, record)
        return Saved(map_id, 1, now, now, record), token

    def update(self, map_id: str, token: str, version: int, record: Record) -> Saved:
        """Replace the saved map `map_id` with `record`, if `token` is its edit token and nobody has
        saved it since `version` was opened. All or nothing.

        Raises
        ------
        NotFound, NotAllowed, Conflict
            Saying so; nothing is written.
        """
        check(record, self.limits)
        with translated():
            if not valid_id(map_id) or not self._ready(writing=True):
                raise NotFound(_NOT_FOUND)
            with self._writing() as conn, conn.begin():
                row = self._guard(conn, map_id, token, lock=True)
                if row.version != version:
                    raise self._conflict(row.updated)
                values = self._row(record) | {"version": version + 1}
                done = conn.execute(
                    update(schema.maps)
                    .where(schema.maps.c.id == map_id, schema.maps.c.version == version)
                    .values(**values)
                )
                if done.rowcount != 1:
                    raise self._conflict(datetime.now(UTC))
                self._write_parts(conn, map_id, record)
        return Saved(map_id, version + 1, row.created, values["updated"], record)

    def delete(self, map_id: str, token: str) -> None:
        """Delete a saved map with its edit token."""
        with translated():
            if not valid_id(map_id) or not self._ready(writing=True):
                raise NotFound(_NOT_FOUND)
            with self._writing() as conn, conn.begin():
                self._guard(conn, map_id, token, lock=True)
                self._delete_parts(conn, map_id)
                conn.execute(delete(schema.maps).where(schema.maps.c.id == map_id))

    def can_edit(self, map_id: str, token: str) -> bool:
        """Whether `token` is `map_id`'s edit token."""
        with translated():
            if not valid_id(map_id) or not self._ready(writing=False):
                return False
            with self.engine.connect() as conn:
                try:
                    self._guard(conn, map_id, token)
                except (NotFound, NotAllowed):
                    return False
        return True

    def _guard(self, conn: Connection, map_id: str, token: str, *, lock: bool = False) -> Any:
        query = select(schema.maps.c.token_hash, schema.maps.c.version, schema.maps.c.created, schema.maps.c.updated)
        query = query.where(schema.maps.c.id == map_id)
        row = conn.execute(query.with_for_update() if lock and self._postgres else query).first()
        if row is None:
            raise NotFound(_NOT_FOUND)
        if not hmac.compare_digest(row.token_hash, token_hash(token or "")):
            raise NotAllowed(
                Text(
                    "编辑链接无效：这张地图只能查看，可另存为副本。",
                    "This edit link is not valid: the map can only be viewed (you can save a copy).",
                )
            )
        return row

    @staticmethod
    def _conflict(when: datetime) -> Conflict:
        stamp = when.strftime("%Y-%m-%d %H:%M UTC")
        return Conflict(
            Text(
                f"这张地图在你打开后已被他人保存（{stamp}）；你的修改未写入，可另存为副本。",
                f"This map was saved by someone else after you opened it ({stamp}); "
                "your changes were not written — save a copy to keep them.",
            )
        )

    @staticmethod
    def _row(record: Record) -> dict[str, Any]:
        return {
            "kind": record.kind,
            "title_zh": record.title.zh,
            "title_en": record.title.en,
            "author": record.author,
            "note": record.note,
            "query": _query_json(record.query),
            "features": record.features,
            "updated": datetime.now(UTC),
        }

    def _delete_parts(self, conn: Connection, map_id: str) -> None:
        for table in (schema.features, schema.layers, schema.steps):
            conn.execute(delete(table).where(table.c.map_id == map_id))

    def _write_parts(self, conn: Connection, map_id: str, record: Record) -> None:
        self._delete_parts(conn, map_id)
        for position, layer in enumerate(record.layers):
            conn.execute(
                insert(schema.layers).values(
                    map_id=map_id,
                    layer_id=layer.layer_id,
                    position=position,
                    file=layer.file,
                    colour=layer.colour,
                    kind=layer.kind,
                    features=len(layer.frame),
                )
            )
            rows = self._feature_rows(map_id, layer)
            if rows:
                conn.execute(self._feature_insert(), rows)
        if record.steps:
            steps = [
                {
                    "map_id": map_id,
                    "position": i,
                    "query": _query_json(s.query),
                    "caption_zh": s.caption.zh,
                    "caption_en": s.caption.en,
                }
                for i, s in enumerate(record.steps)
            ]
            conn.execute(insert(schema.steps), steps)

    def _feature_insert(self) -> Any:
        wkb = bindparam("wkb", type_=LargeBinary)
        geom = func.ST_GeomFromWKB(wkb, schema.SRID) if self._postgres else wkb
        columns = ("map_id", "layer_id", "ordinal", "feature_id", "name", "properties", "colour")
        return insert(schema.features).values(**{c: bindparam(c) for c in columns}, geom=geom)

    @staticmethod
    def _feature_rows(map_id: str, layer: SavedLayer) -> list[dict[str, Any]]:
        frame = layer.frame
        wkb = shapely.to_wkb(frame.geometry.values, output_dimension=2)
        ids, names, props = (frame[c].astype(str).tolist() for c in ("id", "name", "properties"))
        colours = frame["colour"].tolist() if "colour" in frame else [None] * len(frame)
        return [
            {
                "map_id": map_id,
                "layer_id": layer.layer_id,
                "ordinal": i,
                "feature_id": ids[i],
                "name": names[i],
                "properties": props[i],
                "colour": colours[i],
                "wkb": wkb[i],
            }
            for i in range(len(frame))
        ]

    # --- reading -------------------------------------------------------------------------------
    def open(self, map_id: str) -> Saved:
        """The saved map `map_id`, layers and steps included.

        Raises
        ------
        NotFound
            For a malformed or unknown id.
        """
        with translated():
            if not valid_id(map_id) or not self._ready(writing=False):
                raise NotFound(_NOT_FOUND)
            with self.engine.connect() as conn, conn.begin():  # one snapshot: the map and its parts agree
                row = conn.execute(select(schema.maps).where(schema.maps.c.id == map_id)).first()
                if row is None:
                    raise NotFound(_NOT_FOUND)
                layers = self._read_layers(conn, map_id)
                steps = self._read_steps(conn, map_id)
        if sum(len(layer.frame) for layer in layers) != row.features:
            raise Damaged(
                Text(
                    "这张已保存的地图数据不完整，无法打开。",
                    "This saved map's data is incomplete; it cannot be opened.",
                )
            )
        record = Record(
            title=Text(row.title_zh, row.title_en),
            query=json.loads(row.query),
            author=row.author,
            note=row.note,
            layers=tuple(layers),
            steps=tuple(steps),
        )
        return Saved(row.id, row.version, _utc(row.created), _utc(row.updated), record)

    def _read_layers(self, conn: Connection, map_id: str) -> list[SavedLayer]:
        f = schema.features
        geom = type_coerce(func.ST_AsBinary(f.c.geom), LargeBinary) if self._postgres else f.c.geom
        found = []
        specs = conn.execute(
            select(schema.layers).where(schema.layers.c.map_id == map_id).order_by(schema.layers.c.position)
        )
        for spec in specs.all():
            rows = conn.execute(
                select(f.c.feature_id, f.c.name, f.c.properties, f.c.colour, geom.label("wkb"))
                .where(f.c.map_id == map_id, f.c.layer_id == spec.layer_id)
                .order_by(f.c.ordinal)
            ).all()
            columns = zip(*rows, strict=True) if rows else ([], [], [], [], [])
            ids, names, props, colours, wkb = (list(column) for column in columns)
            shapes = shapely.from_wkb([bytes(w) for w in wkb]) if rows else []
            table = {"id": ids, "name": names, "properties": props}  # by column: no pandas walk over Row objects
            if any(colours):
                table["colour"] = colours
            frame = gpd.GeoDataFrame(table, geometry=list(shapes), crs="EPSG:4326")
            found.append(SavedLayer(spec.layer_id, spec.file, spec.colour, spec.kind, frame))
        return found

    @staticmethod
    def _read_steps(conn: Connection, map_id: str) -> list[Step]:
        rows = conn.execute(
            select(schema.steps).where(schema.steps.c.map_id == map_id).order_by(schema.steps.c.position)
        )
        return [Step(json.loads(r.query), Text(r.caption_zh, r.caption_en)) for r in rows.all()]

    def entries(self, limit: int = LIST_LIMIT) -> list[Entry]:
        """The saved maps and stories, newest change first."""
        m = schema.maps
        with translated():
            if not self._ready(writing=False):
                return []
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(m.c.id, m.c.kind, m.c.title_zh, m.c.title_en, m.c.author, m.c.updated, m.c.features)
                    .order_by(m.c.updated.desc())
                    .limit(limit)
                ).all()
        return [Entry(r.id, r.kind, Text(r.title_zh, r.title_en), r.author, _utc(r.updated), r.features) for r in rows]


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


__all__ = ["LIST_LIMIT", "Conflict", "Damaged", "NotAllowed", "NotFound", "Store", "new_id", "new_token", "token_hash"]
