"""The users behind access tokens, cached per process.

Every request checks that its user is still active with the token's version, which cost a
database round trip per request. Instead each process keeps the users it has read and drops
one when its row changes:
- in this process, at once: any UPDATE or DELETE of `users` this process runs empties the
  cache as the statement executes;
- in other processes, on PostgreSQL, when the notification of a trigger (migration 0003) on
  the channel `learnloom_users` arrives (typically under a millisecond); on SQLite, when a
  poll every POLL_SECONDS finds the ids a trigger (migration 0005) appended to
  `user_changes`.
The cache is used only while that watch is up: when it fails, the cache is emptied and
every request reads the database until it resumes. `LEARNLOOM_USER_CACHE=false` always reads
the database."""

import asyncio
import logging
import re
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from models.identity import User

log = logging.getLogger(__name__)
CHANNEL = "learnloom_users"
LIMIT = 20_000  # cached users per process
RETRY = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds between reconnection attempts
POLL_SECONDS = 0.2  # SQLite: how often other processes' changes are looked for
_WRITES_USERS = re.compile(r"\s*(?:UPDATE|DELETE\s+FROM)\s+\"?users\b", re.I)


class UserCache:
    def __init__(self, database_url: str, enabled: bool) -> None:
        self._enabled = enabled
        self._dsn = (
            make_url(database_url).set(drivername="postgresql").render_as_string(False)
            if database_url.startswith("postgresql")
            else None
        )
        self._users: dict[int, User] = {}
        self._listening = False
        self.generation = 0  # moves on every notification, so a read racing one is not kept
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return self._listening

    def get(self, user_id: int) -> User | None:
        return self._users.get(user_id) if self._listening else None

    def put(self, user: User, generation: int) -> None:
        """Keep `user`, read when the generation was `generation`, unless a change came since."""
        if not self._listening or generation != self.generation or user.id is None:
            return
        if len(self._users) >= LIMIT:
            self._users.clear()
        self._users[user.id] = user

    def _forget(self, user_id: int | None = None) -> None:
        self.generation += 1
        if user_id is None:
            self._users.clear()
        else:
            self._users.pop(user_id, None)

    def start(self, engine: AsyncEngine) -> None:
        if not self._enabled or self._task is not None:
            return
        event.listen(engine.sync_engine, "after_cursor_execute", self._after_execute)
        watch = self._listen() if self._dsn is not None else self._poll(engine)
        self._task = asyncio.get_running_loop().create_task(watch)

    def _after_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _WRITES_USERS.match(statement):
            self._forget()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._listening = False

    async def _listen(self) -> None:
        import psycopg  # PostgreSQL only: a SQLite deployment never pays for the import

        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._dsn or "", autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    self._forget()  # whatever changed while not listening is unknown
                    self._listening, attempt = True, 0
                    async for notice in connection.notifies():
                        self._forget(int(notice.payload) if notice.payload.isdigit() else None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._listening:
                    log.warning("user change notifications stopped (%s); reading users again", exc)
            finally:
                self._listening = False
                self._forget()
            await asyncio.sleep(RETRY[min(attempt, len(RETRY) - 1)])
            attempt += 1

    async def _poll(self, engine: AsyncEngine) -> None:
        last: int | None = None
        while True:
            try:
                async with engine.connect() as connection:
                    if last is None:
                        found = await connection.execute(text(_LATEST))
                        last = int(found.scalar() or 0)
                        self._forget()
                        self._listening = True
                    else:
                        changed = (await connection.execute(text(_SINCE), {"seq": last})).all()
                        for seq, user_id in changed:
                            last = max(last, seq)
                            self._forget(user_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._listening:
                    log.warning("user changes could not be read (%s); reading users again", exc)
                self._listening, last = False, None
                self._forget()
            await asyncio.sleep(POLL_SECONDS)


_LATEST = "SELECT max(seq) FROM user_changes"
_SINCE = "SELECT seq, user_id FROM user_changes WHERE seq > :seq ORDER BY seq"
