"""Login, tokens, refresh rotation and reuse detection, key rotation, disabled users."""

import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.passwords import hash_password
from ground.settings import Settings
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from models.db import make_engine
from models.identity import AuditLog, User
from resolvers.tokens import TokenService, TokenType, key_id
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, bearer, login
from tests.waiting import eventually

pytestmark = pytest.mark.anyio

LOGIN = "/api/v1/auth/login/"
ME = "/api/v1/auth/me/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"


async def make_user(database_url: str, **overrides: object) -> User:
    engine = make_engine(database_url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            user = User(
                email=f"user-{uuid.uuid4().hex[:10]}@test.learnloom.test",
                password_hash=hash_password(DEMO_PASSWORD),
                first_name="Test",
                last_name="User",
                role="TEACHER",
                school_id=1,
                **overrides,
            )
            session.add(user)
            await session.commit()
            return user
    finally:
        await engine.dispose()


async def set_user(database_url: str, user_id: int, **values: object) -> None:
    engine = make_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            user = await session.get(User, user_id)
            assert user is not None
            for name, value in values.items():
                setattr(user, name, value)
            session.add(user)
            await session.commit()
    finally:
        await engine.dispose()


async def test_login_answers_the_contract(client: httpx.AsyncClient) -> None:
    data = await login(client, DEMO_ACCOUNTS["TEACHER"].upper())  # emails are case-insensitive
    assert set(data) == {"access_token", "refresh_token", "user", "expires_in"}
    assert data["expires_in"] == 900
    assert set(data["user"]) == {
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "school_id",
        "school_name",
        "avatar_url",
    }
    assert data["user"]["email"] == DEMO_ACCOUNTS["TEACHER"]
    assert data["user"]["role"] == "TEACHER"
    assert data["user"]["school_name"] == "St. Mary's Academy"
    assert isinstance(data["user"]["id"], int) and isinstance(data["user"]["school_id"], int)
    assert data["access_token"].startswith("eyJ") and data["refresh_token"].startswith("eyJ")


async def test_me_answers_the_contract(client: httpx.AsyncClient) -> None:
    tokens = await login(client, DEMO_ACCOUNTS["TEACHER"])
    response = await client.get(ME, headers=bearer(tokens["access_token"]))
    assert response.status_code == 200
    me = response.json()["data"]
    assert set(me) == {
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "school_id",
        "permissions",
        "created_at",
        "last_login",
    }
    assert {"view_class", "create_assignment", "view_analytics"} <= set(me["permissions"])
    assert me["created_at"].endswith("Z") and me["last_login"].endswith("Z")


@pytest.mark.parametrize("email", [DEMO_ACCOUNTS["TEACHER"], "nobody@demo.learnloom.test"])
async def test_bad_credentials_are_401_and_audited(
    client: httpx.AsyncClient, demo_database_url: str, email: str
) -> None:
    response = await client.post(
        LOGIN,
        json={"email": email, "password": "wrong"},
        headers={"X-Request-ID": f"bad-{uuid.uuid4().hex[:8]}"},
    )
    assert_error(response, 401, "INVALID_CREDENTIALS")
    engine = make_engine(demo_database_url)
    async with AsyncSession(engine) as session:
        entries = (
            await session.exec(
                select(AuditLog).where(col(AuditLog.request_id) == response.headers["x-request-id"])
            )
        ).all()
    await engine.dispose()
    assert [e.action for e in entries] == ["login_failed"]


async def test_missing_fields_are_422(client: httpx.AsyncClient) -> None:
    error = assert_error(await client.post(LOGIN, json={"email": "a@b.c"}), 422, "VALIDATION_ERROR")
    assert error["details"] == {"password": ["This field is required."]}


async def test_disabled_and_unverified_accounts(
    client: httpx.AsyncClient, demo_database_url: str
) -> None:
    disabled = await make_user(demo_database_url, is_active=False)
    response = await client.post(LOGIN, json={"email": disabled.email, "password": DEMO_PASSWORD})
    assert_error(response, 403, "ACCOUNT_DISABLED")
    unverified = await make_user(demo_database_url, email_verified=False)
    response = await client.post(LOGIN, json={"email": unverified.email, "password": DEMO_PASSWORD})
    assert_error(response, 403, "EMAIL_NOT_VERIFIED")


async def assert_refused_within_moments(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Other processes learn of a user's change by a PostgreSQL notification or SQLite's
    poll of user_changes (resolvers/user_cache.py): it takes a moment. (Up to 5 s: on a
    loaded 2-core CI machine 2 s once ran out while a request was still being answered.)"""

    async def refused() -> bool:
        return (await client.get(ME, headers=headers)).status_code != 200

    await eventually(refused, seconds=5, pause=0.01)
    assert_error(await client.get(ME, headers=headers), 401, "INVALID_TOKEN")


async def test_disabling_a_user_invalidates_their_tokens_at_once(
    client: httpx.AsyncClient, demo_database_url: str
) -> None:
    user = await make_user(demo_database_url)
    tokens = await login(client, user.email)
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 200
    await set_user(demo_database_url, user.id, is_active=False)  # type: ignore[arg-type]
    await assert_refused_within_moments(client, bearer(tokens["access_token"]))
    refreshed = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert_error(refreshed, 401, "INVALID_TOKEN")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not.a.token", "Basic dXNlcjpwdw=="])
async def test_missing_or_malformed_tokens_are_401(client: httpx.AsyncClient, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    assert_error(await client.get(ME, headers=headers), 401, "INVALID_TOKEN")


async def test_a_refresh_token_is_never_an_access_token(client: httpx.AsyncClient) -> None:
    tokens = await login(client, DEMO_ACCOUNTS["STUDENT"])
    assert_error(
        await client.get(ME, headers=bearer(tokens["refresh_token"])), 401, "INVALID_TOKEN"
    )
    misuse = await client.post(REFRESH, json={"refresh_token": tokens["access_token"]})
    assert_error(misuse, 401, "INVALID_TOKEN")


async def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx.AsyncClient) -> None:
    first = await login(client, DEMO_ACCOUNTS["STUDENT"])
    response = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()["data"]
    assert {"access_token", "expires_in"} <= set(second) and second["expires_in"] == 900
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get(ME, headers=bearer(second["access_token"]))).status_code == 200
    # The spent token comes back (stolen?): refused, and the whole family with it.
    reuse = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert_error(reuse, 401, "INVALID_TOKEN")
    after = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert_error(after, 401, "INVALID_TOKEN")


async def test_remember_me_lengthens_the_refresh_token(client: httpx.AsyncClient) -> None:
    short = await login(client, DEMO_ACCOUNTS["STUDENT"])
    long = await login(client, DEMO_ACCOUNTS["STUDENT"], remember_me=True)

    def lifetime(token: str) -> float:
        claims = jwt.decode(token, options={"verify_signature": False})
        return float(claims["exp"] - claims["iat"])

    assert lifetime(short["refresh_token"]) == 86_400
    assert lifetime(long["refresh_token"]) == 30 * 86_400
    assert lifetime(long["access_token"]) == 900


async def test_logout_revokes_the_family(client: httpx.AsyncClient) -> None:
    tokens = await login(client, DEMO_ACCOUNTS["STUDENT"])
    response = await client.post(
        LOGOUT,
        json={"refresh_token": tokens["refresh_token"]},
        headers=bearer(tokens["access_token"]),
    )
    assert response.status_code == 200 and response.json() == {"data": {"logged_out": True}}
    after = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert_error(after, 401, "INVALID_TOKEN")
    # The access token ends with the logout too, not 900 s later.
    me = await client.get(ME, headers=bearer(tokens["access_token"]))
    assert_error(me, 401, "INVALID_TOKEN")
    again = await login(client, DEMO_ACCOUNTS["STUDENT"])
    assert (await client.get(ME, headers=bearer(again["access_token"]))).status_code == 200


async def test_the_audit_log_keeps_a_bounded_part_of_what_was_sent(
    client: httpx.AsyncClient, demo_database_url: str
) -> None:
    huge = "a" * 500_000 + "@school.test"
    response = await client.post(
        LOGIN, json={"email": huge, "password": "wrong"}, headers={"X-Request-ID": "huge-email"}
    )
    assert_error(response, 401, "INVALID_CREDENTIALS")
    engine = make_engine(demo_database_url)
    async with AsyncSession(engine) as session:
        entries = (
            await session.exec(select(AuditLog).where(col(AuditLog.request_id) == "huge-email"))
        ).all()
    await engine.dispose()
    assert [e.action for e in entries] == ["login_failed"]
    assert (
        len(entries[0].details["email"]) < 300
        and "500012 characters" in entries[0].details["email"]
    )


async def test_logout_of_another_users_family_is_refused(client: httpx.AsyncClient) -> None:
    mine = await login(client, DEMO_ACCOUNTS["STUDENT"])
    theirs = await login(client, DEMO_ACCOUNTS["TEACHER"])
    response = await client.post(
        LOGOUT,
        json={"refresh_token": theirs["refresh_token"]},
        headers=bearer(mine["access_token"]),
    )
    assert_error(response, 403, "PERMISSION_DENIED")


async def test_expired_and_not_yet_valid_tokens_are_refused(
    client: httpx.AsyncClient, demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    tokens = TokenService(settings)
    for moment in (datetime.now(UTC) - timedelta(hours=2), datetime.now(UTC) + timedelta(hours=2)):
        token, _ = tokens.issue(
            user_id=1,
            token_type=TokenType.ACCESS,
            token_version=0,
            ttl=timedelta(minutes=15),
            now=moment,
        )
        assert_error(await client.get(ME, headers=bearer(token)), 401, "INVALID_TOKEN")


async def test_key_rotation_accepts_the_previous_key_only_while_configured(
    demo_database_url: str, tmp_path: Path
) -> None:
    def settings(**keys: str) -> Settings:
        return make_settings(demo_database_url, tmp_path, **keys)

    old_key, new_key = "o" * 48, "n" * 48
    token, _ = TokenService(settings(jwt_secret=old_key)).issue(
        user_id=1, token_type=TokenType.ACCESS, token_version=0, ttl=timedelta(minutes=5)
    )
    async for client in client_for(settings(jwt_secret=new_key, jwt_previous_secret=old_key)):
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
        fresh = await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"])
        assert jwt.get_unverified_header(fresh["access_token"])["kid"] == key_id(new_key)
    async for client in client_for(settings(jwt_secret=new_key)):
        assert_error(await client.get(ME, headers=bearer(token)), 401, "INVALID_TOKEN")


async def test_algorithm_is_pinned(
    client: httpx.AsyncClient, demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    now = datetime.now(UTC)
    claims = {
        "sub": "1",
        "typ": "access",
        "tv": 0,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
    }
    kid = {"kid": key_id(settings.jwt_key)}
    with warnings.catch_warnings():  # forging with a short HS512 key warns, as it should
        warnings.simplefilter("ignore")
        forged = (
            jwt.encode(claims, settings.jwt_key, algorithm="HS512", headers=kid),
            jwt.encode(claims, None, algorithm="none", headers=kid),
        )
    for token in forged:
        assert_error(await client.get(ME, headers=bearer(token)), 401, "INVALID_TOKEN")


async def test_login_through_graphql_carries_error_codes(client: httpx.AsyncClient) -> None:
    query = 'mutation { login(email: "nobody@x.test", password: "x") { accessToken } }'
    error = (await client.post("/graphql", json={"query": query})).json()["errors"][0]
    assert error["extensions"] == {"code": "INVALID_CREDENTIALS", "details": {}}


async def test_requests_survive_the_database_dropping_pooled_connections(
    client: httpx.AsyncClient, demo_database_url: str
) -> None:
    if not demo_database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop connections")
    headers = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    assert (await client.get("/api/v1/auth/me/", headers=headers)).status_code == 200
    import psycopg

    from tests.conftest import _psycopg_dsn

    with psycopg.connect(_psycopg_dsn(demo_database_url), autocommit=True) as admin:
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert dropped is not None and dropped[0] >= 1  # the app's pooled connection went away
    response = await client.get("/api/v1/auth/me/", headers=headers)
    assert response.status_code == 200, response.text


async def test_users_are_cached_while_changes_are_heard(
    client: httpx.AsyncClient, demo_database_url: str
) -> None:
    """A change made by another process (here: another engine, which the app's own write
    watch cannot see) reaches the cache: a PostgreSQL notification, or SQLite's poll."""
    state = client._transport.app.state.learnloom  # type: ignore[attr-defined]
    await eventually(lambda: state.users.active, seconds=5)  # it connects in the background
    user = await make_user(demo_database_url)
    headers = bearer((await login(client, user.email))["access_token"])

    async def cached() -> bool:
        assert (await client.get(ME, headers=headers)).status_code == 200
        return state.users.get(user.id) is not None

    # The next request will not read the row. (The login's own write to the row is heard
    # too, on SQLite by the poll a moment later, and may drop the row read just before.)
    await eventually(cached, seconds=5)
    # A token version bump (here by hand) is heard and ends the token.
    await set_user(demo_database_url, user.id, token_version=user.token_version + 1)  # type: ignore[arg-type]
    await assert_refused_within_moments(client, headers)
    if not demo_database_url.startswith("postgresql"):
        return
    # Listening stops when the connection drops: the cache empties and users are read again.
    other = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    assert (await client.get(ME, headers=other)).status_code == 200
    import psycopg

    from tests.conftest import _psycopg_dsn

    with psycopg.connect(_psycopg_dsn(demo_database_url), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert (await client.get(ME, headers=other)).status_code == 200
    await eventually(lambda: state.users.active, seconds=10)  # and listening resumes
