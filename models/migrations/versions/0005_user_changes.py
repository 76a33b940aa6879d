"""user_changes: SQLite's record of changed users, so web processes can cache users there too

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A later migration that rebuilds `users` in batch mode on SQLite drops these triggers with
# the old table and must create them again.
# Only the last rows matter to a process that polls for what changed since its last look;
# older ones are pruned by the trigger itself.
KEEP = 10_000


def upgrade() -> None:
    op.create_table(
        "user_changes",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"""
            CREATE TRIGGER users_changed_{event.lower()} AFTER {event} ON users
            BEGIN
                INSERT INTO user_changes (user_id) VALUES (OLD.id);
                DELETE FROM user_changes WHERE seq <= (SELECT max(seq) FROM user_changes) - {KEEP};
            END
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS users_changed_update")
        op.execute("DROP TRIGGER IF EXISTS users_changed_delete")
    op.drop_table("user_changes")
