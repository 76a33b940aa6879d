"""The users behind access tokens, cached per process on PostgreSQL.

Every request checks that its user is still active with the token's version, which cost a
database round trip per request. On PostgreSQL a trigger (migration 0003) notifies the
channel `learnloom_users` whenever a user's row changes or goes, and each process listens
and drops that user from its cache, so a disabled account is refused within moments of the
change (the notification's trip, typically under a millisecond) instead of on the very next
request. The cache is used only while the listening connection is up: when it drops, the
cache is emptied and every request reads the database until listening resumes. SQLite
(one process) and `LEARNLOOM_USER_CACHE=false` always read the database."""

import asyncio
import logging

from sqlalchemy.engine import make_url

from models.identity import User

log = logging.getLogger(__name__)
CHANNEL = "learnloom_users"
LIMIT = 20_000  # cached users per process
RETRY = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds between reconnection attempts


class UserCache:
    def __init__(self, database_url: str, enabled: bool) -> None:
        self._dsn = (
            make_url(database_url).set(drivername="postgresql").render_as_string(False)
            if enabled and database_url.startswith("postgresql")
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

    def start(self) -> None:
        if self._dsn is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen())

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
