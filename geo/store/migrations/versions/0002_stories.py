"""Stories: a saved map of kind "story" keeps its ordered steps, each a map and a caption.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_steps",
        sa.Column("map_id", sa.String(32), sa.ForeignKey("saved_maps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("caption_zh", sa.Text, nullable=False),
        sa.Column("caption_en", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("saved_steps")
