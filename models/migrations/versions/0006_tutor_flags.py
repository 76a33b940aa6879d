"""tutor_flags: children's messages the safeguarding classifier raised, for their adults

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:57:59.956159
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tutor_flags",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("classroom_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("chat_message_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classrooms.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tutor_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tutor_flags_classroom_id"), ["classroom_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tutor_flags_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tutor_flags_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tutor_flags_student_id"), ["student_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tutor_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tutor_flags_student_id"))
        batch_op.drop_index(batch_op.f("ix_tutor_flags_school_id"))
        batch_op.drop_index(batch_op.f("ix_tutor_flags_created_at"))
        batch_op.drop_index(batch_op.f("ix_tutor_flags_classroom_id"))

    op.drop_table("tutor_flags")
