"""Privacy duties over REST on SQLite and PostgreSQL: an admin exports everything held about
one learner (and nothing the server keeps secret), or erases the learner (identity, sign-in,
tutor messages and memberships gone; learning rows kept under the anonymous id, the
warehouse anonymous after its next refresh); school admins only for their own school's
learners; both audit-logged."""

import json

import httpx
import pytest
from jsonschema import Draft202012Validator

from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.helpers import assert_error, headers_of, rows

pytestmark = pytest.mark.anyio
STUDENTS = "/api/v1/admin/students"


async def user_id(database_url: str, role: str) -> int:
    [(found,)] = await rows(
        database_url, "SELECT id FROM users WHERE email = :e", e=DEMO_ACCOUNTS[role]
    )
    return int(found)


async def count(database_url: str, table: str, column: str, key: int) -> int:
    [(found,)] = await rows(
        database_url, f"SELECT count(*) FROM {table} WHERE {column} = :k", k=key
    )
    return int(found)


async def test_export_holds_everything_about_the_learner_and_no_secrets(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    student_id = await user_id(database_url, "STUDENT")
    answer = await writable_client.get(f"{STUDENTS}/{student_id}/export/", headers=admin)
    assert answer.status_code == 200, answer.text
    document = answer.json()["data"]
    assert document["student"]["email"] == DEMO_ACCOUNTS["STUDENT"]
    assert document["student"]["school"] == "St. Mary's Academy"
    for table, name, column in (
        ("learning_history", "learning_history", "student_id"),
        ("lesson_progress", "lesson_progress", "student_id"),
        ("subject_enrollments", "enrollments", "student_id"),
        ("milestone_unlocks", "milestones", "student_id"),
        ("session_participants", "sessions", "user_id"),
        ("chat_messages", "chat_messages", "user_id"),
        ("classroom_students", "classrooms", "student_id"),
    ):
        assert len(document[name]) == await count(database_url, table, column, student_id), name
    assert document["learning_history"] and document["milestones"]
    text = json.dumps(document)
    for secret in ("password_hash", "token_hash", "answer_key", "token_version"):
        assert secret not in text
    [(action,)] = await rows(
        database_url,
        "SELECT action FROM audit_log WHERE action = 'student_data_exported' AND target_id = :t",
        t=str(student_id),
    )
    assert action == "student_data_exported"
    # The OpenAPI document types the export (GraphQL sees a JSON scalar): the served one fits
    # it, with every column of every row; a hidden column would not.
    openapi = (await writable_client.get("/openapi.json")).json()
    answers = openapi["paths"][f"{STUDENTS}/{{id}}/export/"]["get"]["responses"]["200"]
    data = answers["content"]["application/json"]["schema"]["properties"]["data"]
    schema = {**openapi["components"]["schemas"][data["$ref"].rsplit("/", 1)[1]]}
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    validator.validate(document)
    assert set(schema["properties"]["practice_questions"]["items"]["properties"]).isdisjoint(
        {"answer_key"}
    )
    leaked = {**document, "student": {**document["student"], "password_hash": "x"}}
    assert not validator.is_valid(leaked)


async def test_only_admins_of_the_learners_school_act_on_them(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    school_admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    teacher = await headers_of(writable_client, "TEACHER")
    student_id = await user_id(database_url, "STUDENT")
    learner_id = await user_id(database_url, "INDEPENDENT_LEARNER")  # no school
    teacher_id = await user_id(database_url, "TEACHER")
    [(other_school_student,)] = await rows(
        database_url,
        "SELECT min(id) FROM users WHERE role = 'STUDENT' AND school_id <> "
        "(SELECT school_id FROM users WHERE email = :e)",
        e=DEMO_ACCOUNTS["SCHOOL_ADMIN"],
    )
    assert (
        await writable_client.get(f"{STUDENTS}/{student_id}/export/", headers=school_admin)
    ).is_success
    for target in (other_school_student, learner_id, teacher_id, 999_999):
        for method, tail in (("GET", "export"), ("POST", "erase")):
            assert_error(
                await writable_client.request(
                    method, f"{STUDENTS}/{target}/{tail}/", headers=school_admin
                ),
                404,
                "RESOURCE_NOT_FOUND",
            )
    assert_error(
        await writable_client.post(f"{STUDENTS}/{student_id}/erase/", headers=teacher),
        403,
        "PERMISSION_DENIED",
    )
    assert await count(database_url, "users", "erased_at IS NOT NULL AND id", student_id) == 0


async def test_erasure_removes_the_identity_and_keeps_anonymous_learning_rows(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    student = await headers_of(writable_client, "STUDENT")
    teacher = await headers_of(writable_client, "TEACHER")
    student_id = await user_id(database_url, "STUDENT")
    history = await count(database_url, "learning_history", "student_id", student_id)
    messages = await count(database_url, "chat_messages", "user_id", student_id)
    [(class_id,)] = await rows(
        database_url,
        "SELECT min(classroom_id) FROM classroom_students WHERE student_id = :s",
        s=student_id,
    )
    assert (await writable_client.post("/api/refresh-data", headers=admin)).status_code == 200

    erased = await writable_client.post(f"{STUDENTS}/{student_id}/erase/", headers=admin)
    assert erased.status_code == 200, erased.text
    result = erased.json()["data"]
    assert result["chat_messages_redacted"] == messages and result["memberships_removed"] >= 1
    [(email, first, last, avatar, active, when)] = await rows(
        database_url,
        "SELECT email, first_name, last_name, avatar_url, is_active, erased_at FROM users "
        "WHERE id = :s",
        s=student_id,
    )
    assert (email, first, last, avatar, bool(active)) == (
        f"erased-{student_id}@erased.invalid",
        "Erased",
        "Learner",
        None,
        False,
    )
    assert when is not None
    assert await count(database_url, "learning_history", "student_id", student_id) == history
    assert await count(database_url, "refresh_tokens", "user_id", student_id) == 0
    texts = await rows(
        database_url, "SELECT DISTINCT message FROM chat_messages WHERE user_id = :s", s=student_id
    )
    assert texts in ([], [("[erased]",)])
    audit = await rows(
        database_url,
        "SELECT action, details FROM audit_log WHERE target_type = 'user' AND target_id = :t",
        t=str(student_id),
    )
    assert "student_erased" in [action for action, _ in audit]
    assert all(DEMO_ACCOUNTS["STUDENT"] not in str(details) for _, details in audit)

    login = await writable_client.post(
        "/api/v1/auth/login/", json={"email": DEMO_ACCOUNTS["STUDENT"], "password": DEMO_PASSWORD}
    )
    assert_error(login, 401, "INVALID_CREDENTIALS")
    for _ in range(200):  # the token dies with the user cache's notification
        if (await writable_client.get("/api/v1/auth/me/", headers=student)).status_code == 401:
            break
    assert_error(
        await writable_client.get("/api/v1/auth/me/", headers=student), 401, "INVALID_TOKEN"
    )
    listed = (
        await writable_client.get(
            f"/api/v1/teachers/me/classes/{class_id}/students/", headers=teacher
        )
    ).json()
    assert student_id not in [s["id"] for s in listed["data"]]

    again = await writable_client.post(f"{STUDENTS}/{student_id}/erase/", headers=admin)
    assert again.status_code == 200 and again.json()["data"]["chat_messages_redacted"] == 0

    # The warehouse keeps the learner's activity, without the name, after its next refresh.
    assert (await writable_client.post("/api/refresh-data", headers=admin)).status_code == 200
    profile = (
        await writable_client.get(f"/api/student/{student_id}/profile", headers=admin)
    ).json()
    assert profile["name"] == "Erased Learner", profile
