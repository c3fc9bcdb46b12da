"""Saved maps with their user layers (features as PostGIS geometry in PostgreSQL, WKB in SQLite).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_maps",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title_zh", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("features", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "saved_layers",
        sa.Column("map_id", sa.String(32), sa.ForeignKey("saved_maps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("layer_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("colour", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("features", sa.Integer, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    geometry = Geometry("GEOMETRY", srid=4326, spatial_index=False) if postgres else sa.LargeBinary()
    op.create_table(
        "saved_features",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("map_id", sa.String(32), nullable=False),
        sa.Column("layer_id", sa.String(64), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("feature_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("properties", sa.Text, nullable=False),
        sa.Column("geom", geometry, nullable=False),
    )
    op.create_index("ix_saved_features_map_id", "saved_features", ["map_id"])
    if postgres:
        op.create_index("ix_saved_features_geom", "saved_features", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("saved_features")
    op.drop_table("saved_layers")
    op.drop_table("saved_maps")
