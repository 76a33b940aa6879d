"""learning_history.updated_at: the watermark column of the incremental warehouse load

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added nullable, back-filled from the visit time, then made required: existing rows
    # count as changed when they happened.
    with op.batch_alter_table("learning_history", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute("UPDATE learning_history SET updated_at = accessed_at")
    with op.batch_alter_table("learning_history", schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_history_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("learning_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_history_updated_at"))
        batch_op.drop_column("updated_at")
