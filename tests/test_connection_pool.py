"""The database connections are pooled: a request borrows an open connection rather than
opening one (on SQLite, a thread and its PRAGMAs per connection used to cost every request
several milliseconds). Whatever the number of requests, the connections opened stay within
the pool's size, and each still enforces foreign keys."""

import asyncio

import httpx
import pytest
from sqlalchemy import event, text
from starlette.applications import Starlette

from learnloom.demo import DEMO_ACCOUNTS
from models.db import SQLITE_POOL_SIZE
from tests.helpers import bearer, login

pytestmark = pytest.mark.anyio
ME = "/api/v1/auth/me/"


async def test_requests_reuse_a_bounded_pool_of_connections(
    app_client: tuple[httpx.AsyncClient, Starlette],
) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda *_: opened.append(1))
    token = (await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"]
    for _ in range(6):  # 60 authenticated requests, 10 at a time
        answers = await asyncio.gather(*(client.get(ME, headers=bearer(token)) for _ in range(10)))
        assert all(a.status_code == 200 for a in answers)
    assert len(opened) <= min(10, SQLITE_POOL_SIZE)  # PostgreSQL's pool holds 10
    if engine.dialect.name == "sqlite":
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            assert mode == "wal"  # set once, by the migrations
