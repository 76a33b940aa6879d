"""Types of login, token refresh, logout and the caller's profile."""

import strawberry
from strawberry.types import Info

from resolvers import auth
from resolvers.auth import AuthUser, LoginPayload, Logout, Me, TokenPair
from resolvers.context import Context
from schema.results import graphql_type


@strawberry.field
async def school_name(root: AuthUser, info: Info[Context, None]) -> str | None:
    return await auth.school_name(info.context, root.school_id)


graphql_type(AuthUser, computed=[school_name])
graphql_type(Me)
graphql_type(LoginPayload, fields={"expires_in": "Seconds until the access token expires."})
graphql_type(TokenPair, "RefreshPayload")
graphql_type(Logout, "LogoutPayload")

__all__ = ["LoginPayload", "Logout", "Me", "TokenPair"]
