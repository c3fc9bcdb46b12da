"""The tables, as the newest migration leaves them (the migrations in ``migrations/versions`` make
them; this is what the queries are written against).

Saved user layers keep their features in ``saved_features``: in PostgreSQL a PostGIS geometry
column (SRID 4326) a desktop GIS can open as a layer; in SQLite the same geometry as WKB.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Column, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

SRID = 4326
# PostGIS geometry in PostgreSQL, well-known binary in SQLite (no SpatiaLite needed)
GEOMETRY = Geometry("GEOMETRY", srid=SRID, spatial_index=False).with_variant(LargeBinary(), "sqlite")

metadata = MetaData()

maps = Table(
    "saved_maps",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(8), nullable=False),  # "map" or "story"
    Column("title_zh", Text, nullable=False, default=""),
    Column("title_en", Text, nullable=False, default=""),
    Column("author", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("query", Text, nullable=False),  # the map's state as link parameters, JSON
    Column("token_hash", String(64), nullable=False),  # sha256 of the edit token; the token is never stored
    Column("version", Integer, nullable=False),  # +1 on every save: a save from an older version is refused
    Column("features", Integer, nullable=False, default=0),  # in all its layers, as written
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
)

layers = Table(
    "saved_layers",
    metadata,
    Column("map_id", String(32), ForeignKey("saved_maps.id", ondelete="CASCADE"), primary_key=True),
    Column("layer_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("file", Text, nullable=False),  # the uploaded file's name (the layer's title comes from it)
    Column("colour", String(16), nullable=False),
    Column("kind", String(16), nullable=False),  # point / line / polygon
    Column("features", Integer, nullable=False),
)

features = Table(
    "saved_features",
    metadata,
    Column("fid", Integer, primary_key=True, autoincrement=True),
    Column("map_id", String(32), nullable=False, index=True),
    Column("layer_id", String(64), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("feature_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("properties", Text, nullable=False),
    Column("geom", GEOMETRY, nullable=False),
    Column("colour", String(16), nullable=True),  # a sketch's own colour (revision 0003)
)

steps = Table(
    "saved_steps",
    metadata,
    Column("map_id", String(32), ForeignKey("saved_maps.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("query", Text, nullable=False),
    Column("caption_zh", Text, nullable=False, default=""),
    Column("caption_en", Text, nullable=False, default=""),
)

__all__ = ["GEOMETRY", "SRID", "features", "layers", "maps", "metadata", "steps"]
