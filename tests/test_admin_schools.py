"""Schools administration over REST, on SQLite and PostgreSQL: super
admins create, list, read, change, delete or archive schools; school admins see and change
only their own; bad input names each field; every write is audit-logged."""

import httpx
import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.helpers import assert_error, headers_of

pytestmark = pytest.mark.anyio


SCHOOLS = "/api/v1/admin/schools/"
KEYS = {"id", "name", "country", "region", "curriculum_id", "is_archived", "created_at"}


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


async def test_super_admins_manage_schools(
    writable_client: httpx.AsyncClient, database_url: str
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    created = await writable_client.post(
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
    assert (await writable_client.get(path, headers=admin)).json()["data"] == school

    listed = (await writable_client.get(f"{SCHOOLS}?country=KE&search=lake", headers=admin)).json()
    assert [s["id"] for s in listed["data"]] == [school["id"]]
    assert listed["pagination"]["total"] == 1

    changed = await writable_client.patch(
        path, json={"name": "Lake View School", "region": ""}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["name"] == "Lake View School"
    assert changed.json()["data"]["region"] is None

    removed = await writable_client.delete(path, headers=admin)
    assert removed.json()["data"] == {"id": school["id"], "deleted": True, "archived": False}
    assert_error(await writable_client.get(path, headers=admin), 404, "RESOURCE_NOT_FOUND")
    assert await audit_actions(database_url, school["id"]) == [
        "school_created",
        "school_updated",
        "school_deleted",
    ]


async def test_a_school_in_use_is_archived_not_deleted(writable_client: httpx.AsyncClient) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    path = f"{SCHOOLS}1/"
    refused = assert_error(
        await writable_client.delete(path, headers=admin), 409, "SCHOOL_NOT_EMPTY"
    )
    assert "users" in refused["details"]["id"][0]
    archived = await writable_client.delete(f"{path}?archive=true", headers=admin)
    assert archived.json()["data"] == {"id": 1, "deleted": False, "archived": True}
    assert (await writable_client.get(path, headers=admin)).json()["data"]["is_archived"] is True
    default = (await writable_client.get(f"{SCHOOLS}?limit=100", headers=admin)).json()["data"]
    assert 1 not in {s["id"] for s in default}
    everything = (
        await writable_client.get(f"{SCHOOLS}?limit=100&include_archived=true", headers=admin)
    ).json()["data"]
    assert 1 in {s["id"] for s in everything}


async def test_school_admins_are_confined_to_their_school(
    writable_client: httpx.AsyncClient,
) -> None:
    school_admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    me = (await writable_client.get("/api/v1/auth/me/", headers=school_admin)).json()["data"]
    own = me["school_id"]
    listed = (await writable_client.get(SCHOOLS, headers=school_admin)).json()
    assert [s["id"] for s in listed["data"]] == [own]
    other = 2 if own != 2 else 1
    assert_error(
        await writable_client.get(f"{SCHOOLS}{other}/", headers=school_admin),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert_error(
        await writable_client.patch(
            f"{SCHOOLS}{other}/", json={"name": "Mine now"}, headers=school_admin
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    renamed = await writable_client.patch(
        f"{SCHOOLS}{own}/", json={"name": "Renamed"}, headers=school_admin
    )
    assert renamed.status_code == 200 and renamed.json()["data"]["name"] == "Renamed"
    assert_error(
        await writable_client.patch(
            f"{SCHOOLS}{own}/", json={"country": "ZM"}, headers=school_admin
        ),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await writable_client.post(
            SCHOOLS, json={"name": "New", "country": "UG"}, headers=school_admin
        ),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await writable_client.delete(f"{SCHOOLS}{own}/", headers=school_admin),
        403,
        "PERMISSION_DENIED",
    )
    teacher = await headers_of(writable_client, "TEACHER")
    assert_error(await writable_client.get(SCHOOLS, headers=teacher), 403, "PERMISSION_DENIED")


async def test_bad_input_names_each_field_and_writes_nothing(
    writable_client: httpx.AsyncClient, database_url: str
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    before = (await writable_client.get(f"{SCHOOLS}?include_archived=true", headers=admin)).json()
    error = assert_error(
        await writable_client.post(
            SCHOOLS,
            json={"name": " ", "country": "Uganda", "region": "x" * 101, "curriculum_id": 9999},
            headers=admin,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(error["details"]) == {"name", "country", "region", "curriculum_id"}
    assert_error(
        await writable_client.post(SCHOOLS, json={"country": "UG"}, headers=admin),
        422,
        "VALIDATION_ERROR",
    )
    after = (await writable_client.get(f"{SCHOOLS}?include_archived=true", headers=admin)).json()
    assert after["pagination"]["total"] == before["pagination"]["total"]
    assert_error(
        await writable_client.get(f"{SCHOOLS}?limit=0", headers=admin), 422, "VALIDATION_ERROR"
    )
