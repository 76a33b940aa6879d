"""users: notify listeners of every change, so web processes can cache users safely

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL only: a web process caches the user behind each token and drops the entry when
# the user's row changes (disabled, token version bumped, role or school changed, deleted).
# SQLite serves one process, which reads the row on every request instead.


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION learnloom_user_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('learnloom_users', OLD.id::text);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION learnloom_user_changed()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS users_changed ON users")
    op.execute("DROP FUNCTION IF EXISTS learnloom_user_changed()")
