"""Schools administration over REST, on SQLite and PostgreSQL: super
admins create, list, read, change, delete or archive schools; school admins see and change
only their own; bad input names each field; every write is audit-logged."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from learnloom.demo import DEMO_ACCOUNTS
from models.db import make_engine
from tests.conftest import DemoTemplates, client_for, demo_copy, make_settings
from tests.test_auth import bearer, login
from tests.test_error_paths import assert_error

pytestmark = pytest.mark.anyio


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, demo_templates: DemoTemplates
) -> AsyncIterator[str]:
    """A demo world of its own: these tests rename, archive and delete schools."""
    async for url in demo_copy(demo_templates, backend, tmp_path, students=8):
        yield url


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(make_settings(database_url, tmp_path)):
        yield c


SCHOOLS = "/api/v1/admin/schools/"
KEYS = {"id", "name", "country", "region", "curriculum_id", "is_archived", "created_at"}


async def headers_of(client: httpx.AsyncClient, role: str) -> dict[str, str]:
    return bearer((await login(client, DEMO_ACCOUNTS[role]))["access_token"])


async def audit_actions(database_url: str, school_id: int) -> list[str]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT action FROM audit_log WHERE target_type = 'school' AND target_id = :t "
                    "ORDER BY id"
                ),
                {"t": str(school_id)},
            )
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


async def test_super_admins_manage_schools(client: httpx.AsyncClient, database_url: str) -> None:
    admin = await headers_of(client, "SUPER_ADMIN")
    created = await client.post(
        SCHOOLS,
        json={"name": "  Lake View Primary ", "country": "ke", "region": "Kisumu"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    school = created.json()["data"]
    assert set(school) == KEYS
    assert (school["name"], school["country"], school["is_archived"]) == (
        "Lake View Primary",
        "KE",
        False,
    )
    path = f"{SCHOOLS}{school['id']}/"
    assert (await client.get(path, headers=admin)).json()["data"] == school

    listed = (await client.get(f"{SCHOOLS}?country=KE&search=lake", headers=admin)).json()
    assert [s["id"] for s in listed["data"]] == [school["id"]]
    assert listed["pagination"]["total"] == 1

    changed = await client.patch(
        path, json={"name": "Lake View School", "region": ""}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["name"] == "Lake View School"
    assert changed.json()["data"]["region"] is None

    removed = await client.delete(path, headers=admin)
    assert removed.json()["data"] == {"id": school["id"], "deleted": True, "archived": False}
    assert_error(await client.get(path, headers=admin), 404, "RESOURCE_NOT_FOUND")
    assert await audit_actions(database_url, school["id"]) == [
        "school_created",
        "school_updated",
        "school_deleted",
    ]


async def test_a_school_in_use_is_archived_not_deleted(client: httpx.AsyncClient) -> None:
    admin = await headers_of(client, "SUPER_ADMIN")
    path = f"{SCHOOLS}1/"
    refused = assert_error(await client.delete(path, headers=admin), 409, "SCHOOL_NOT_EMPTY")
    assert "users" in refused["details"]["id"][0]
    archived = await client.delete(f"{path}?archive=true", headers=admin)
    assert archived.json()["data"] == {"id": 1, "deleted": False, "archived": True}
    assert (await client.get(path, headers=admin)).json()["data"]["is_archived"] is True
    default = (await client.get(f"{SCHOOLS}?limit=100", headers=admin)).json()["data"]
    assert 1 not in {s["id"] for s in default}
    everything = (
        await client.get(f"{SCHOOLS}?limit=100&include_archived=true", headers=admin)
    ).json()["data"]
    assert 1 in {s["id"] for s in everything}


async def test_school_admins_are_confined_to_their_school(client: httpx.AsyncClient) -> None:
    school_admin = await headers_of(client, "SCHOOL_ADMIN")
    me = (await client.get("/api/v1/auth/me/", headers=school_admin)).json()["data"]
    own = me["school_id"]
    listed = (await client.get(SCHOOLS, headers=school_admin)).json()
    assert [s["id"] for s in listed["data"]] == [own]
    other = 2 if own != 2 else 1
    assert_error(
        await client.get(f"{SCHOOLS}{other}/", headers=school_admin), 404, "RESOURCE_NOT_FOUND"
    )
    assert_error(
        await client.patch(f"{SCHOOLS}{other}/", json={"name": "Mine now"}, headers=school_admin),
        404,
        "RESOURCE_NOT_FOUND",
    )
    renamed = await client.patch(f"{SCHOOLS}{own}/", json={"name": "Renamed"}, headers=school_admin)
    assert renamed.status_code == 200 and renamed.json()["data"]["name"] == "Renamed"
    assert_error(
        await client.patch(f"{SCHOOLS}{own}/", json={"country": "ZM"}, headers=school_admin),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await client.post(SCHOOLS, json={"name": "New", "country": "UG"}, headers=school_admin),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await client.delete(f"{SCHOOLS}{own}/", headers=school_admin), 403, "PERMISSION_DENIED"
    )
    teacher = await headers_of(client, "TEACHER")
    assert_error(await client.get(SCHOOLS, headers=teacher), 403, "PERMISSION_DENIED")


async def test_bad_input_names_each_field_and_writes_nothing(
    client: httpx.AsyncClient, database_url: str
) -> None:
    admin = await headers_of(client, "SUPER_ADMIN")
    before = (await client.get(f"{SCHOOLS}?include_archived=true", headers=admin)).json()
    error = assert_error(
        await client.post(
            SCHOOLS,
            json={"name": " ", "country": "Uganda", "region": "x" * 101, "curriculum_id": 9999},
            headers=admin,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(error["details"]) == {"name", "country", "region", "curriculum_id"}
    assert_error(
        await client.post(SCHOOLS, json={"country": "UG"}, headers=admin), 422, "VALIDATION_ERROR"
    )
    after = (await client.get(f"{SCHOOLS}?include_archived=true", headers=admin)).json()
    assert after["pagination"]["total"] == before["pagination"]["total"]
    assert_error(await client.get(f"{SCHOOLS}?limit=0", headers=admin), 422, "VALIDATION_ERROR")
