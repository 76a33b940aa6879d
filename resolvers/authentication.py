"""Who is calling: the bearer access token, checked against the user's current state, so a
disabled user or a bumped token version takes effect on the next request."""

from learnloom.errors import InvalidToken
from models.identity import User
from resolvers.context import Context
from resolvers.tokens import TokenType


async def current_user(context: Context) -> User:
    if context.user is not None:
        return context.user
    header = context.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("A bearer token is required (Authorization: Bearer <access token>)")
    claims = context.state.tokens.decode(token.strip(), TokenType.ACCESS)
    async with context.state.sessions() as session:
        user = await session.get(User, claims.user_id)
    if user is None or not user.is_active or user.token_version != claims.token_version:
        raise InvalidToken("The token is no longer valid")
    context.user = user
    return user
