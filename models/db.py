"""The async engine and session factory. Each resolver opens its own short session from
the factory; no session is ever shared between concurrent tasks."""

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Executable, Row, Table, event, make_url, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

import models.tables  # noqa: F401  # every table known before a flush resolves foreign keys
from ground.errors import Conflict
from ground.metrics import POOL_IN_USE

log = logging.getLogger(__name__)

SessionFactory = async_sessionmaker[AsyncSession]
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 16, 16


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        # A bounded pool of open connections: opening one costs a thread and the PRAGMAs
        # below, several milliseconds that every request used to pay. Writers still queue
        # for SQLite's one write lock (`timeout` is how long one waits for it).
        in_memory = make_url(url).database in (None, "", ":memory:")  # one shared connection
        pool = (
            {}
            if in_memory
            else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_OVERFLOW}
        )
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, **pool)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return _counted(engine)
    # No pre-ping: it cost a round trip per checkout. Connections a restarted server dropped
    # are discarded on first use (resolvers.authentication retries that first read).
    return _counted(
        create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_recycle=1800)
    )


def _counted(engine: AsyncEngine) -> AsyncEngine:
    """The pool's connections in use, for /metrics (a saturated pool queues requests)."""
    event.listen(engine.sync_engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine.sync_engine, "checkin", lambda *_: POOL_IN_USE.dec())
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Once per pooled connection. WAL, which lets readers run while a writer commits, is a
    property of the file, set by the migrations (models/migrations/env.py)."""
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite, for each connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def read_rows(
    engine: AsyncEngine, statement: Executable, parameters: dict[str, Any] | None = None
) -> Sequence[Row[Any]]:
    """The rows of one read, outside any transaction: on PostgreSQL one round trip, where a
    session adds a BEGIN and a ROLLBACK around it, and no ORM session to build. What the
    sign-in's user lookup and the per-request loaders (resolvers/loaders/) read with."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":  # SQLite's reads never BEGIN
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return (await connection.execute(statement, parameters)).all()


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session whose work commits together or not at all. A constraint the database
    enforces and the code did not foresee being broken — a row deleted by a concurrent
    request while this one points to it — is a 409 for the client to retry, not a 500."""
    try:
        async with factory() as session, session.begin():
            yield session
    except IntegrityError as exc:
        log.warning("transaction refused by a constraint: %s", exc.orig)
        raise Conflict(
            "The change conflicts with another one made at the same time; try again",
        ) from exc


def upsert(session: AsyncSession, model: Any) -> Any:
    """INSERT for `model`'s table with the dialect's ON CONFLICT clauses (SQLite and
    PostgreSQL spell them alike), for writes that race with themselves."""
    table: Table = model.__table__
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def lock_rows(session: AsyncSession, model: Any, *where: Any) -> None:
    """Takes the write lock of the rows matching `where` before they are read: a row lock
    on PostgreSQL, the database's write lock on SQLite (where SELECT ... FOR UPDATE does
    nothing). Concurrent transactions on those rows then run one after the other, each
    reading what the one before wrote."""
    key = model.__table__.primary_key.columns.values()[0]
    await session.exec(update(model).where(*where).values({key.name: key}))


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (alembic, bulk loaders)."""
    return url.replace("sqlite+aiosqlite", "sqlite")
