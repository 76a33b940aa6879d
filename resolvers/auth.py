"""Login, token refresh, logout and the caller's profile."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import AppError, InvalidCredentials, InvalidToken, PermissionDenied
from ground.passwords import hash_password, needs_rehash, verify_password
from models.db import transaction
from models.identity import RefreshToken, User
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import permissions_of
from resolvers.results import result_of
from resolvers.throttle import throttle
from resolvers.tokens import TokenType, token_hash
from resolvers.users import Account


class AccountDisabled(AppError):
    """User account is disabled."""

    code, status, default_message = "ACCOUNT_DISABLED", 403, "This account is disabled"


class EmailNotVerified(AppError):
    """Email verification required."""

    code, status, default_message = "EMAIL_NOT_VERIFIED", 403, "Email verification required"


@dataclass(frozen=True)
class TokenPair:
    """A new access token, and the refresh token that replaces the one presented (refresh
    tokens rotate on every use)."""

    access_token: str
    refresh_token: str
    expires_in: int


@dataclass
class AuthUser(Account):
    """The signed-in user, as the login response shows them."""

    avatar_url: str | None


@dataclass(frozen=True)
class LoginPayload:
    """A signed-in user: an access token, a refresh token and who they are."""

    access_token: str
    refresh_token: str
    user: AuthUser
    expires_in: int


@dataclass(frozen=True)
class Logout:
    """Whether the tokens were ended (the access token too, at once)."""

    logged_out: bool


@dataclass
class Me(Account):
    """The caller's profile with the permissions of their role."""

    permissions: list[str]
    created_at: datetime
    last_login: datetime | None


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases take the same time."""
    return hash_password(secrets.token_urlsafe(16))


async def login(context: Context, *, email: str, password: str, remember_me: bool) -> LoginPayload:
    await throttle(context, "login", f"ip:{context.client_ip}")
    email = email.strip().lower()
    async with context.state.sessions() as session:
        user = (await session.exec(select(User).where(col(User.email) == email))).first()
    valid = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid:
        await audit.record_alone(
            context,
            "login_failed",
            actor_id=user.id if user else None,
            target_type="user",
            target_id=user.id if user else None,
            school_id=user.school_id if user else None,
            details={"email": email},
        )
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountDisabled()
    if not user.email_verified:
        raise EmailNotVerified()
    async with transaction(context.state.sessions) as session:
        user = await session.get(User, user.id, with_for_update=True) or user
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login = datetime.now(UTC)
        session.add(user)
        tokens = _issue_pair(
            context, session, user, family=secrets.token_urlsafe(16), remember_me=remember_me
        )
        audit.record(
            session,
            context,
            "login",
            actor_id=user.id,
            target_type="user",
            target_id=user.id,
            school_id=user.school_id,
        )
    return LoginPayload(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        user=result_of(AuthUser, user),
        expires_in=tokens.expires_in,
    )


def _issue_pair(
    context: Context, session: AsyncSession, user: User, *, family: str, remember_me: bool
) -> TokenPair:
    settings, tokens = context.settings, context.state.tokens
    assert user.id is not None
    access, _ = tokens.issue(
        user_id=user.id,
        token_type=TokenType.ACCESS,
        token_version=user.token_version,
        ttl=timedelta(seconds=settings.access_token_ttl),
    )
    lifetime = settings.refresh_token_ttl_remember_me if remember_me else settings.refresh_token_ttl
    refresh, expires_at = tokens.issue(
        user_id=user.id,
        token_type=TokenType.REFRESH,
        token_version=user.token_version,
        ttl=timedelta(seconds=lifetime),
        family=family,
        remember_me=remember_me,
    )
    session.add(
        RefreshToken(
            user_id=user.id, family_id=family, token_hash=token_hash(refresh), expires_at=expires_at
        )
    )
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl
    )


async def refresh(context: Context, *, refresh_token: str) -> TokenPair:
    claims = context.state.tokens.decode(refresh_token, TokenType.REFRESH)
    if claims.family is None:
        raise InvalidToken("The token is invalid")
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        # Marking the token used is atomic: of two concurrent uses, only one wins.
        used = await session.exec(
            update(RefreshToken)
            .where(col(RefreshToken.token_hash) == token_hash(refresh_token))
            .where(col(RefreshToken.used_at).is_(None))
            .where(col(RefreshToken.revoked_at).is_(None))
            .values(used_at=now)
        )
        user = await session.get(User, claims.user_id)
        if used.rowcount != 1 or user is None:
            reused = used.rowcount != 1
        elif not user.is_active or user.token_version != claims.token_version:
            raise InvalidToken("The token is no longer valid")
        else:
            return _issue_pair(
                context, session, user, family=claims.family, remember_me=claims.remember_me
            )
    if reused:
        await _revoke_reused_family(context, claims.user_id, claims.family, now)
    raise InvalidToken("The refresh token has already been used or revoked")


async def _revoke_reused_family(context: Context, user_id: int, family: str, now: datetime) -> None:
    """A refresh token presented twice means it may have been stolen: end the whole family."""
    async with transaction(context.state.sessions) as session:
        revoked = await session.exec(
            update(RefreshToken)
            .where(col(RefreshToken.family_id) == family)
            .where(col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
        if revoked.rowcount:
            audit.record(
                session,
                context,
                "refresh_token_reuse",
                actor_id=user_id,
                target_type="token_family",
                target_id=family,
                details={"revoked": revoked.rowcount},
            )


async def logout(context: Context, *, refresh_token: str) -> Logout:
    user = await current_user(context)
    claims = context.state.tokens.decode(refresh_token, TokenType.REFRESH)
    if claims.user_id != user.id or claims.family is None:
        raise PermissionDenied("This refresh token belongs to another account")
    async with transaction(context.state.sessions) as session:
        await session.exec(
            update(RefreshToken)
            .where(col(RefreshToken.family_id) == claims.family)
            .where(col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        # The access token must stop working now, not when it expires: a new token version
        # ends every token of the account (a shared school computer is left signed out
        # everywhere, which is also what a child who logs out expects).
        await session.exec(
            update(User).where(col(User.id) == user.id).values(token_version=User.token_version + 1)
        )
        audit.record(
            session,
            context,
            "logout",
            actor_id=user.id,
            target_type="token_family",
            target_id=claims.family,
        )
    return Logout(logged_out=True)


async def me(context: Context) -> Me:
    user = await current_user(context)
    return result_of(Me, user, permissions=permissions_of(user.role))


async def school_name(context: Context, school_id: int | None) -> str | None:
    if school_id is None:
        return None
    school = await context.loaders.school.load(school_id)
    return school.name if school else None
