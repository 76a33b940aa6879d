"""What many test modules do: sign in, read an error body, run a query on a test database."""

import httpx
from sqlalchemy import text

from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from models.db import make_engine

LOGIN = "/api/v1/auth/login/"


async def login(client: httpx.AsyncClient, email: str, **extra: object) -> dict:
    response = await client.post(LOGIN, json={"email": email, "password": DEMO_PASSWORD, **extra})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def headers_of(client: httpx.AsyncClient, role: str) -> dict[str, str]:
    """The Authorization header of the demo account of `role` (DEMO_ACCOUNTS)."""
    return bearer((await login(client, DEMO_ACCOUNTS[role]))["access_token"])


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    """The response is the contracts' error body with this status and code; its error."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


async def rows(database_url: str, sql: str, **params: object) -> list[tuple]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql), params)]
    finally:
        await engine.dispose()


async def sign_in_as(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/login/", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["data"]["access_token"])


async def other_teacher(database_url: str, class_id: int) -> str:
    """A teacher of the same school who does not teach the class."""
    [(email,)] = await rows(
        database_url,
        "SELECT u.email FROM users u JOIN classrooms c ON c.school_id = u.school_id "
        "WHERE c.id = :c AND u.role = 'TEACHER' AND u.id NOT IN "
        "(SELECT teacher_id FROM classroom_teachers WHERE classroom_id = :c) "
        "ORDER BY u.id LIMIT 1",
        c=class_id,
    )
    return str(email)
