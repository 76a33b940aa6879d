"""Alembic environment: runs migrations over a synchronous connection to the configured URL."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from models.db import sync_url
from models.tables import metadata

config = context.config


def run() -> None:
    url = sync_url(config.get_main_option("sqlalchemy.url") or "")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            # Write-ahead logging lets readers run while a writer commits. It is a property of
            # the database file, so it is set here once rather than on every connection.
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.commit()  # else the migrations below join this transaction, uncommitted
        context.configure(
            connection=connection,
            target_metadata=metadata,
            # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
