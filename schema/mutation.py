"""The root Mutation type: each field hands off to a resolver."""

import strawberry
from strawberry.types import Info

from resolvers import auth
from resolvers.context import Context
from schema.auth import AuthUser, LoginPayload, LogoutPayload, RefreshPayload


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Exchange email and password for an access and refresh token.")
    async def login(
        self, info: Info[Context, None], email: str, password: str, remember_me: bool = False
    ) -> LoginPayload:
        result = await auth.login(
            info.context, email=email, password=password, remember_me=remember_me
        )
        tokens = result.tokens
        return LoginPayload(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            user=AuthUser.of(result.user),
            expires_in=tokens.expires_in,
        )

    @strawberry.mutation(
        description="Exchange a refresh token for new tokens; the old one is spent."
    )
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> RefreshPayload:
        tokens = await auth.refresh(info.context, refresh_token=refresh_token)
        return RefreshPayload(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
        )

    @strawberry.mutation(description="Revoke the refresh token and every token rotated from it.")
    async def logout(self, info: Info[Context, None], refresh_token: str) -> LogoutPayload:
        return LogoutPayload(
            logged_out=await auth.logout(info.context, refresh_token=refresh_token)
        )
