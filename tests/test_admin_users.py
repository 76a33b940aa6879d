"""Users administration over REST, on SQLite and PostgreSQL: create
with validated, unique emails and strong passwords; school admins confined to their own
school's teachers and students, never able to make administrators; changes of role, school
or activation audit-logged and, for deactivation, ending the user's tokens."""

import httpx
import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.helpers import assert_error, bearer, headers_of

pytestmark = pytest.mark.anyio
USERS = "/api/v1/admin/users/"
KEYS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "role",
    "school_id",
    "grade",
    "is_active",
    "created_at",
    "last_login",
}
NEW = {
    "email": "Grace.Lanternfield@Example.org",
    "password": "river7-lantern-42",
    "first_name": "Grace",
    "last_name": "Lanternfield",
    "role": "TEACHER",
    "school_id": 2,
}


async def audit_of(database_url: str, user_id: int) -> list[tuple[str, str]]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT action, details FROM audit_log WHERE target_type = 'user' "
                    "AND target_id = :t ORDER BY id"
                ),
                {"t": str(user_id)},
            )
            return [(row[0], str(row[1])) for row in rows]
    finally:
        await engine.dispose()


async def test_super_admins_create_list_and_change_users(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    created = await writable_client.post(USERS, json=NEW, headers=admin)
    assert created.status_code == 201, created.text
    user = created.json()["data"]
    assert set(user) == KEYS
    assert user["email"] == "grace.lanternfield@example.org" and user["school_id"] == 2
    login = await writable_client.post(
        "/api/v1/auth/login/", json={"email": NEW["email"], "password": NEW["password"]}
    )
    assert login.status_code == 200, login.text
    token = bearer(login.json()["data"]["access_token"])

    listed = (
        await writable_client.get(f"{USERS}?search=lanternfield&role=teacher", headers=admin)
    ).json()
    assert [u["id"] for u in listed["data"]] == [user["id"]]
    assert listed["pagination"]["total"] == 1

    duplicate = await writable_client.post(
        USERS, json={**NEW, "email": "GRACE.lanternfield@example.org"}, headers=admin
    )
    assert_error(duplicate, 409, "EMAIL_TAKEN")

    path = f"{USERS}{user['id']}/"
    changed = await writable_client.patch(
        path, json={"role": "SCHOOL_ADMIN", "is_active": False}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["data"]["role"], changed.json()["data"]["is_active"]) == (
        "SCHOOL_ADMIN",
        False,
    )
    # Deactivated: the user's token stops working.
    for _ in range(200):
        if (await writable_client.get("/api/v1/auth/me/", headers=token)).status_code == 401:
            break
    assert_error(await writable_client.get("/api/v1/auth/me/", headers=token), 401, "INVALID_TOKEN")
    actions = [a for a in await audit_of(database_url, user["id"]) if a[0] != "login"]
    assert [a for a, _ in actions] == ["user_created", "user_updated"]
    assert "SCHOOL_ADMIN" in actions[1][1] and "is_active" in actions[1][1]


async def test_bad_input_names_each_field(writable_client: httpx.AsyncClient) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    error = assert_error(
        await writable_client.post(
            USERS,
            json={
                "email": "not-an-email",
                "password": "short",
                "first_name": " ",
                "last_name": "Okello",
                "role": "TEACHER",
                "school_id": 999,
            },
            headers=admin,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(error["details"]) == {"email", "password", "first_name", "school_id"}
    # The role is typed (an enum): an unknown one is refused before the other fields.
    role = assert_error(
        await writable_client.post(USERS, json={**NEW, "role": "WIZARD"}, headers=admin),
        422,
        "VALIDATION_ERROR",
    )
    assert role["details"] == {
        "role": [
            "Must be one of SUPER_ADMIN, SCHOOL_ADMIN, TEACHER, STUDENT, INDEPENDENT_LEARNER, "
            "got 'WIZARD'."
        ]
    }
    for password, reason in (
        ("onlyletterslong", "letters and digits"),
        ("grace.lanternfield77", "email's name"),
    ):
        weak = assert_error(
            await writable_client.post(USERS, json={**NEW, "password": password}, headers=admin),
            422,
            "VALIDATION_ERROR",
        )
        assert reason in weak["details"]["password"][0]
    nobody = (await writable_client.get(f"{USERS}?search=lanternfield", headers=admin)).json()
    assert nobody["pagination"]["total"] == 0


async def test_school_admins_manage_only_their_teachers_and_students(
    writable_client: httpx.AsyncClient,
) -> None:
    school_admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    own = (await writable_client.get("/api/v1/auth/me/", headers=school_admin)).json()["data"][
        "school_id"
    ]
    listed = (await writable_client.get(f"{USERS}?limit=100", headers=school_admin)).json()["data"]
    assert listed and {u["school_id"] for u in listed} == {own}

    created = await writable_client.post(
        USERS,
        json={**NEW, "email": "new.teacher@example.org", "school_id": None},
        headers=school_admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["data"]["school_id"] == own  # placed in the admin's school
    for escalation in ({"role": "SUPER_ADMIN"}, {"role": "SCHOOL_ADMIN"}):
        assert_error(
            await writable_client.post(
                USERS, json={**NEW, "email": "x@example.org", **escalation}, headers=school_admin
            ),
            403,
            "PERMISSION_DENIED",
        )
    teacher_id = created.json()["data"]["id"]
    other_school = 2 if own != 2 else 1
    assert_error(
        await writable_client.patch(
            f"{USERS}{teacher_id}/", json={"school_id": other_school}, headers=school_admin
        ),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await writable_client.patch(
            f"{USERS}{teacher_id}/", json={"role": "SCHOOL_ADMIN"}, headers=school_admin
        ),
        403,
        "PERMISSION_DENIED",
    )
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    elsewhere = (
        await writable_client.get(f"{USERS}?school_id={other_school}&limit=1", headers=admin)
    ).json()
    stranger = elsewhere["data"][0]["id"]
    assert_error(
        await writable_client.patch(
            f"{USERS}{stranger}/", json={"first_name": "X"}, headers=school_admin
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    teacher = await headers_of(writable_client, "TEACHER")
    assert_error(await writable_client.get(USERS, headers=teacher), 403, "PERMISSION_DENIED")
