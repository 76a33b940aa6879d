"""Types of login, token refresh, logout and the caller's profile."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from models.identity import User
from resolvers.context import Context
from resolvers.permissions import permissions_of
from schema.enums import Role


@strawberry.type(description="The signed-in user, as the login response shows them.")
class AuthUser:
    id: int
    email: str
    first_name: str
    last_name: str
    role: Role
    school_id: int | None
    avatar_url: str | None

    @strawberry.field
    async def school_name(self, info: Info[Context, None]) -> str | None:
        if self.school_id is None:
            return None
        school = await info.context.loaders.school.load(self.school_id)
        return school.name if school else None

    @classmethod
    def of(cls, user: User) -> "AuthUser":
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=Role(user.role),
            school_id=user.school_id,
            avatar_url=user.avatar_url,
        )


@strawberry.type(description="The caller's profile with the permissions of their role.")
class Me:
    id: int
    email: str
    first_name: str
    last_name: str
    role: Role
    school_id: int | None
    permissions: list[str]
    created_at: datetime
    last_login: datetime | None

    @classmethod
    def of(cls, user: User) -> "Me":
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=Role(user.role),
            school_id=user.school_id,
            permissions=permissions_of(user.role),
            created_at=user.created_at,
            last_login=user.last_login,
        )


@strawberry.type(description="A signed-in user: an access token, a refresh token and who they are.")
class LoginPayload:
    access_token: str
    refresh_token: str
    user: AuthUser
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")


@strawberry.type(
    description="A new access token, and the refresh token that replaces the one presented "
    "(refresh tokens rotate on every use)."
)
class RefreshPayload:
    access_token: str
    refresh_token: str
    expires_in: int


@strawberry.type(description="Whether the tokens were ended (the access token too, at once).")
class LogoutPayload:
    logged_out: bool
