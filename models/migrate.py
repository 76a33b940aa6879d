"""Applies the alembic migrations that live in models/migrations."""

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> list[str]:
    """Applies what is missing; the revisions applied, oldest first (none when the database
    was already there)."""
    if database_url.startswith("sqlite"):
        # The SQLite file's folder must exist before the first connection.
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    after = current_revision(database_url)
    if after is None or after == before:
        return []
    script = ScriptDirectory.from_config(alembic_config(database_url))
    applied = script.iterate_revisions(after, before or "base")
    return [step.revision for step in reversed(list(applied))]


def current_revision(database_url: str) -> str | None:
    """The database's revision, or None for a database without the schema."""
    buffer = io.StringIO()
    config = alembic_config(database_url)
    config.stdout = buffer  # `alembic current` prints "<revision> (head)"
    command.current(config)
    words = buffer.getvalue().split()
    return words[0] if words else None


def current_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
