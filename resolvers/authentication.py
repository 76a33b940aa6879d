"""Who is calling: the bearer access token, checked against the user's current state, so a
disabled user or a bumped token version takes effect at once (on PostgreSQL, within the
moment a change notification takes to arrive: resolvers/user_cache.py)."""

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError

from ground.errors import InvalidToken
from models.db import read_rows
from models.identity import User
from resolvers.context import Context
from resolvers.tokens import TokenType

_USERS = User.__table__  # type: ignore[attr-defined]
# Everything but the password hash, which requests never need and caches should not keep.
BY_ID = select(*(c for c in _USERS.c if c.name != "password_hash")).where(
    _USERS.c.id == bindparam("id")
)


async def current_user(context: Context) -> User:
    if context.user is not None:
        return context.user
    header = context.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("A bearer token is required (Authorization: Bearer <access token>)")
    claims = context.state.tokens.decode(token.strip(), TokenType.ACCESS)
    cache = context.state.users
    user = cache.get(claims.user_id)
    if user is None:
        generation = cache.generation
        user = await _load(context, claims.user_id)
        if user is not None:
            cache.put(user, generation)
    if user is None or not user.is_active or user.token_version != claims.token_version:
        raise InvalidToken("The token is no longer valid")
    context.user = user
    return user


async def _load(context: Context, user_id: int) -> User | None:
    """Every request pays for this check, so it is one Core statement in autocommit mode: one
    round trip, no BEGIN/ROLLBACK, no ORM identity map. Pooled connections are not pinged
    before use (that was a second round trip); a connection the server dropped (a restart)
    fails once, SQLAlchemy then discards the pool's old connections, and the lookup, being
    a read, is simply tried again."""
    for attempt in (1, 2):
        try:
            rows = await read_rows(context.state.engine, BY_ID, {"id": user_id})
            return User(**rows[0]._mapping, password_hash="") if rows else None
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")
