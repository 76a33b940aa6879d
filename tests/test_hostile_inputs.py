"""Inputs an outside tester found to give 500s: each must answer 4xx in the standard error
body (REST) or with an error code (GraphQL), through real HTTP."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from resolvers.tokens import ALGORITHM, key_id
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, bearer, login

pytestmark = pytest.mark.anyio
LOGIN = "/api/v1/auth/login/"
JSON = {"content-type": "application/json"}


async def test_deeply_nested_json_is_a_bad_request(client: httpx.AsyncClient) -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    assert_error(await client.post(LOGIN, content=deep, headers=JSON), 400, "BAD_REQUEST")
    nested = b'{"query": "{ health { status } }", "variables": ' + deep + b"}"
    response = await client.post("/graphql", content=nested, headers=JSON)
    assert 400 <= response.status_code < 500, response.text


async def test_invalid_utf8_and_lone_surrogates_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": "\xff\xfe{ health }"}', headers=JSON
    )
    assert 400 <= response.status_code < 500, response.text
    surrogate = b'{"email": "a\\ud800@school.test", "password": "x"}'
    response = await client.post(LOGIN, content=surrogate, headers=JSON)
    assert response.status_code in (400, 401, 422), response.text
    assert set(response.json()) == {"error"}


async def test_a_number_of_5000_digits_is_a_validation_error(client: httpx.AsyncClient) -> None:
    teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    body = b'{"hours_watched": ' + b"9" * 5000 + b', "average_score": 50, "activity_level": 1}'
    response = await client.post("/api/predict", content=body, headers={**JSON, **teacher})
    assert response.status_code in (400, 422), response.text
    assert set(response.json()) == {"error"}


async def test_a_huge_search_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    response = await client.get(
        "/api/v1/admin/users/", params={"search": "x" * 49_998}, headers=admin
    )
    assert_error(response, 422, "VALIDATION_ERROR")


def _signed(settings_key: str, **claims: object) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": "1",
        "typ": "access",
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "iss": "learnloom",
        "aud": "learnloom-api",
        **claims,
    }
    return jwt.encode(
        payload, settings_key, algorithm=ALGORITHM, headers={"kid": key_id(settings_key)}
    )


async def test_signed_tokens_with_extreme_claims_are_invalid(
    client: httpx.AsyncClient, tmp_path: Path, demo_database_url: str
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    key = settings.jwt_key
    for claims in (
        {"exp": 10**20},
        {"sub": "9" * 400},
        {"sub": str(2**63)},
        {"sub": "-5"},
        {"exp": -(10**12)},
    ):
        token = _signed(key, iss=settings.jwt_issuer, aud=settings.jwt_audience, **claims)
        response = await client.get("/api/v1/auth/me/", headers=bearer(token))
        assert_error(response, 401, "INVALID_TOKEN")


async def test_graphql_variables_of_the_wrong_type_are_validation_failures(
    client: httpx.AsyncClient,
) -> None:
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    query = "query($id: Int!) { lesson(id: $id) { id } }"
    for variables in ({"id": "abc"}, {"id": 2**40}, {}, {"id": None}):
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=admin
        )
        codes = [e["extensions"]["code"] for e in response.json()["errors"]]
        assert codes == ["GRAPHQL_VALIDATION_FAILED"], (variables, response.json())
    inline = await client.post(
        "/graphql", json={"query": '{ lesson(id: "abc") { id } }'}, headers=admin
    )
    assert inline.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_subscription_over_http_post_is_refused(client: httpx.AsyncClient) -> None:
    query = 'subscription { chatStream(sessionId: "1", message: "hi") { delta } }'
    response = await client.post("/graphql", json={"query": query})
    assert 400 <= response.status_code < 500, response.text
    assert "INTERNAL_SERVER_ERROR" not in response.text


async def test_a_write_that_a_concurrent_delete_makes_impossible_is_a_409(
    empty_database_url: str,
) -> None:
    """A user moved into a school that another request deletes meanwhile gave a 500 in 28 of
    30 rounds: the database's constraint refuses the commit, and the client is told to try
    again. Here the row pointed to is gone before the commit, as the race leaves it."""
    from ground.errors import Conflict
    from models.classrooms import ClassroomStudent
    from models.db import make_engine, make_session_factory, transaction

    engine = make_engine(empty_database_url)
    try:
        with pytest.raises(Conflict) as refused:
            async with transaction(make_session_factory(engine)) as session:
                session.add(ClassroomStudent(classroom_id=987_654, student_id=987_654))
        assert refused.value.status == 409 and "try again" in refused.value.message
    finally:
        await engine.dispose()


async def test_an_empty_query_value_of_a_typed_parameter_is_a_validation_error(
    client: httpx.AsyncClient,
) -> None:
    """`?start_date=` names no date: it was read as "left out" and answered 200 (and
    `?include_archived=` as false), while an empty search is still a search for anything."""
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    [first_class, *_] = (await client.get("/api/v1/teachers/me/classes/", headers=teacher)).json()[
        "data"
    ]
    for path, name, headers in (
        ("/api/activity-trend", "start_date", admin),
        ("/api/weekly-progress", "end_date", admin),
        ("/api/v1/admin/schools/", "include_archived", admin),
        ("/api/v1/admin/users/", "limit", admin),
        (f"/api/v1/teachers/me/classes/{first_class['id']}/performance/", "top_score", teacher),
    ):
        refused = assert_error(
            await client.get(f"{path}?{name}=", headers=headers), 422, "VALIDATION_ERROR"
        )
        assert set(refused["details"]) == {name}, path
    searched = await client.get("/api/v1/admin/users/?search=", headers=admin)
    assert searched.status_code == 200
    assert (
        searched.json()["pagination"]["total"]
        == ((await client.get("/api/v1/admin/users/", headers=admin)).json()["pagination"]["total"])
    )


async def test_null_in_a_body_means_the_field_is_left_out(
    database_url: str,
    tmp_path: Path,
) -> None:
    """As the document says: an optional field sent as null is treated as not sent, and a
    required one sent as null is missing. (A world of its own: a school is changed.)"""
    async for client in client_for(make_settings(database_url, tmp_path)):
        await _null_is_left_out(client)


async def _null_is_left_out(client: httpx.AsyncClient) -> None:
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    missing = assert_error(
        await client.post(LOGIN, json={"email": None, "password": "x"}), 422, "VALIDATION_ERROR"
    )
    assert missing["details"] == {"email": ["This field is required."]}
    [school] = (
        await client.get("/api/v1/admin/schools/", params={"limit": 1}, headers=admin)
    ).json()["data"]
    changed = await client.patch(
        f"/api/v1/admin/schools/{school['id']}/",
        json={"region": "Copperbelt", "curriculum_id": None},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["curriculum_id"] == school["curriculum_id"]
    assert changed.json()["data"]["region"] == "Copperbelt"
