"""A colour per saved feature (sketches: each in the colour it was drawn); empty for uploads.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saved_features") as batch:
        batch.add_column(sa.Column("colour", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("saved_features") as batch:
        batch.drop_column("colour")
