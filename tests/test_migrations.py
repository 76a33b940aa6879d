"""Migrations create exactly the tables the models declare, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from models.db import sync_url
from models.migrate import current_head, upgrade
from models.tables import metadata


def test_migrations_create_every_table(empty_database_url: str) -> None:
    engine = create_engine(sync_url(empty_database_url), poolclass=NullPool)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert set(metadata.tables) <= tables
    assert version == current_head()


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    """A model change without its migration shows up here as a difference."""
    engine = create_engine(sync_url(empty_database_url), poolclass=NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
