"""practice items: each item's own rating, and the item behind each practice question

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:09:40.918944
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_ratings",
        sa.Column("item_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("item_key"),
    )
    with op.batch_alter_table("practice_questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("item_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_practice_questions_item_key"), ["item_key"], unique=False
        )
    # Questions asked before: their item, as resolvers/practice.py names items now.
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE practice_questions SET item_key = 'quiz:' || CAST(quiz_question_id AS VARCHAR(20)) "
            "WHERE quiz_question_id IS NOT NULL"
        )
    )
    blanks = bind.execute(
        sa.text("SELECT id, question FROM practice_questions WHERE quiz_question_id IS NULL")
    ).all()
    for row_id, question in blanks:
        bind.execute(
            sa.text("UPDATE practice_questions SET item_key = :k WHERE id = :i"),
            {"k": "blank:" + hashlib.sha1(question.encode()).hexdigest()[:16], "i": row_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("practice_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_questions_item_key"))
        batch_op.drop_column("item_key")

    op.drop_table("item_ratings")
