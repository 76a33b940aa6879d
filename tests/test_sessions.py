"""Classroom sessions: contract keys, state transitions, who may do what, the outbox
event, and a constant number of statements for a session's participants."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from learnloom.demo import DEMO_ACCOUNTS
from tests.helpers import assert_error, bearer, login
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio


async def scalar(engine: AsyncEngine, sql: str, **params: object) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def headers_for(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    return bearer((await login(client, email))["access_token"])


async def teacher_classroom(engine: AsyncEngine, email: str) -> int:
    return int(
        await scalar(
            engine,
            "SELECT min(t.classroom_id) FROM classroom_teachers t JOIN users u ON u.id = t.teacher_id WHERE u.email = :email",
            email=email,
        )
    )  # type: ignore[arg-type]


async def other_school_user(engine: AsyncEngine, role: str) -> str:
    return str(
        await scalar(
            engine, "SELECT min(email) FROM users WHERE role = :role AND school_id = 2", role=role
        )
    )


async def test_a_session_from_start_to_end(app_client: tuple) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    teacher = await headers_for(client, DEMO_ACCOUNTS["TEACHER"])
    student = await headers_for(client, DEMO_ACCOUNTS["STUDENT"])
    class_id = int(
        await scalar(
            engine,
            "SELECT classroom_id FROM classroom_students s JOIN users u ON u.id = s.student_id WHERE u.email = :e",
            e=DEMO_ACCOUNTS["STUDENT"],
        )
    )  # type: ignore[arg-type]
    subject_id = int(
        await scalar(
            engine,
            "SELECT min(subject_id) FROM classroom_subjects WHERE classroom_id = :c",
            c=class_id,
        )
    )  # type: ignore[arg-type]
    topic_id = int(
        await scalar(engine, "SELECT min(id) FROM topics WHERE subject_id = :s", s=subject_id)
    )  # type: ignore[arg-type]
    lesson_id = int(
        await scalar(engine, "SELECT min(id) FROM lessons WHERE topic_id = :t", t=topic_id)
    )  # type: ignore[arg-type]

    body = {
        "class_id": class_id,
        "subject_id": subject_id,
        "topic_id": topic_id,
        "lesson_id": lesson_id,
        "mode": "teach",
        "session_name": "P6 English - Lesson 1",
    }
    started = await client.post("/api/v1/sessions/start/", json=body, headers=teacher)
    assert started.status_code == 201, started.text
    session = started.json()["data"]
    assert set(session) == {
        "id",
        "class_id",
        "subject_id",
        "topic_id",
        "lesson_id",
        "mode",
        "status",
        "started_at",
        "ends_at",
        "participants",
    }
    assert (
        session["id"].startswith("sess_")
        and session["status"] == "active"
        and session["participants"] == []
    )
    assert session["ends_at"] is None and session["started_at"].endswith("Z")
    sid = session["id"]
    try:
        await _walk_through(client, engine, teacher, student, body, session, class_id)
    finally:
        await client.post(f"/api/v1/sessions/{sid}/end/", headers=teacher)


async def _walk_through(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    teacher: dict,
    student: dict,
    body: dict,
    session: dict,
    class_id: int,
) -> None:
    sid = session["id"]
    again = await client.post("/api/v1/sessions/start/", json=body, headers=teacher)
    assert_error(again, 409, "SESSION_ALREADY_ACTIVE")
    active = (
        await client.get(f"/api/v1/sessions/active/?class_id={class_id}", headers=student)
    ).json()["data"]
    assert active == {
        "id": sid,
        "class_id": class_id,
        "status": "active",
        "mode": "teach",
        "started_at": session["started_at"],
    }

    joined = await client.post(
        "/graphql",
        json={"query": f'mutation {{ joinSession(sessionId: "{sid}") {{ id }} }}'},
        headers=student,
    )
    assert "errors" not in joined.json()
    detail = (await client.get(f"/api/v1/sessions/{sid}/", headers=student)).json()["data"]
    assert set(detail) == {"id", "class_id", "mode", "status", "started_at", "participants"}
    assert [(p["name"], p["role"]) for p in detail["participants"]] == [("Alice Mwaka", "STUDENT")]
    assert set(detail["participants"][0]) == {"user_id", "name", "role", "joined_at"}

    await _modes_are_enums(client, teacher, sid)
    assert_error(
        await client.patch(
            f"/api/v1/sessions/{sid}/mode/", json={"mode": "practice"}, headers=student
        ),
        403,
        "PERMISSION_DENIED",
    )
    switched = (
        await client.patch(
            f"/api/v1/sessions/{sid}/mode/", json={"mode": "practice"}, headers=teacher
        )
    ).json()["data"]
    assert set(switched) == {"id", "mode", "switched_at"} and switched["mode"] == "practice"

    ended = await client.post(f"/api/v1/sessions/{sid}/end/", headers=teacher)
    assert ended.status_code == 200
    result = ended.json()["data"]
    assert set(result) == {"id", "status", "ended_at", "duration_minutes", "summary"}
    assert result["status"] == "completed" and isinstance(result["duration_minutes"], int)
    assert result["summary"] == {"participants": 1, "questions_asked": 0, "interactions": 0}

    assert_error(
        await client.post(f"/api/v1/sessions/{sid}/end/", headers=teacher),
        409,
        "SESSION_NOT_ACTIVE",
    )
    assert_error(
        await client.patch(
            f"/api/v1/sessions/{sid}/mode/", json={"mode": "revision"}, headers=teacher
        ),
        409,
        "SESSION_NOT_ACTIVE",
    )
    assert_error(
        await client.get(f"/api/v1/sessions/active/?class_id={class_id}", headers=teacher),
        404,
        "RESOURCE_NOT_FOUND",
    )

    async with engine.connect() as connection:
        payload = (
            (
                await connection.execute(
                    text("SELECT payload FROM outbox_events WHERE event_type = 'session.completed'")
                )
            )
            .scalars()
            .all()
        )
    events = [p if isinstance(p, dict) else __import__("json").loads(p) for p in payload]
    mine = [e for e in events if e["data"]["session_id"] == sid]
    assert len(mine) == 1
    assert set(mine[0]) == {"event_type", "event_id", "timestamp", "data"}
    assert set(mine[0]["data"]) == {
        "session_id",
        "class_id",
        "duration_minutes",
        "participants",
        "completed_lessons",
    }
    assert mine[0]["event_id"].startswith("evt_")


SESSION_ENUMS = """query($id: String!) {
  session(id: $id) { mode status participants { role } }
}"""
SWITCH = """mutation($id: String!, $mode: SessionMode!) {
  switchSessionMode(sessionId: $id, mode: $mode) { mode }
}"""


async def _modes_are_enums(client: httpx.AsyncClient, teacher: dict, sid: str) -> None:
    """GraphQL speaks the enums' names (TEACH), REST the contract's values ("teach"); an
    unknown mode is refused by both as the client's mistake, naming the field."""
    graphql = await client.post(
        "/graphql", json={"query": SESSION_ENUMS, "variables": {"id": sid}}, headers=teacher
    )
    assert graphql.json()["data"]["session"] == {
        "mode": "TEACH",
        "status": "ACTIVE",
        "participants": [{"role": "STUDENT"}],
    }
    rest = (await client.get(f"/api/v1/sessions/{sid}/", headers=teacher)).json()["data"]
    assert (rest["mode"], rest["status"]) == ("teach", "active")

    for mode in ("dance", "DANCE"):
        refused = assert_error(
            await client.patch(
                f"/api/v1/sessions/{sid}/mode/", json={"mode": mode}, headers=teacher
            ),
            422,
            "VALIDATION_ERROR",
        )
        assert refused["details"] == {
            "mode": [f"Must be one of teach, explore, practice, revision, got {mode!r}."]
        }
    for mode in ("dance", "teach", 7):  # a value is not a name in GraphQL
        response = await client.post(
            "/graphql",
            json={"query": SWITCH, "variables": {"id": sid, "mode": mode}},
            headers=teacher,
        )
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", (mode, error)
    inline = await client.post(
        "/graphql",
        json={
            "query": f'mutation {{ switchSessionMode(sessionId: "{sid}", mode: "teach") {{ mode }} }}'
        },
        headers=teacher,
    )
    assert inline.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    switched = await client.post(
        "/graphql",
        json={"query": SWITCH, "variables": {"id": sid, "mode": "EXPLORE"}},
        headers=teacher,
    )
    assert switched.json()["data"]["switchSessionMode"] == {"mode": "EXPLORE"}


async def test_content_must_belong_to_the_class(app_client: tuple) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    teacher = await headers_for(client, DEMO_ACCOUNTS["TEACHER"])
    class_id = await teacher_classroom(engine, DEMO_ACCOUNTS["TEACHER"])
    foreign_subject = int(
        await scalar(
            engine,
            "SELECT min(id) FROM subjects WHERE id NOT IN (SELECT subject_id FROM classroom_subjects WHERE classroom_id = :c)",
            c=class_id,
        )
    )  # type: ignore[arg-type]
    error = assert_error(
        await client.post(
            "/api/v1/sessions/start/",
            json={"class_id": class_id, "subject_id": foreign_subject},
            headers=teacher,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert list(error["details"]) == ["subject_id"]
    assert_error(
        await client.post("/api/v1/sessions/start/", json={}, headers=teacher),
        422,
        "VALIDATION_ERROR",
    )
    error = assert_error(
        await client.post("/api/v1/sessions/start/", json={"class_id": 99999}, headers=teacher),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert list(error["details"]) == ["class_id"]


async def test_other_classrooms_and_schools_cannot_reach_a_session(app_client: tuple) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    teacher = await headers_for(client, DEMO_ACCOUNTS["TEACHER"])
    class_id = await teacher_classroom(engine, DEMO_ACCOUNTS["TEACHER"])
    same_school_teacher = await scalar(
        engine,
        "SELECT min(email) FROM users WHERE role = 'TEACHER' AND school_id = 1 AND email <> :e",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    outsiders = {
        "teacher of another classroom": await headers_for(client, str(same_school_teacher)),
        "teacher of another school": await headers_for(
            client, await other_school_user(engine, "TEACHER")
        ),
        "admin of another school": await headers_for(
            client, await other_school_user(engine, "SCHOOL_ADMIN")
        ),
        "student of another school": await headers_for(
            client, await other_school_user(engine, "STUDENT")
        ),
        "independent learner": await headers_for(client, DEMO_ACCOUNTS["INDEPENDENT_LEARNER"]),
    }
    for who, headers in outsiders.items():
        refused = await client.post(
            "/api/v1/sessions/start/", json={"class_id": class_id}, headers=headers
        )
        assert refused.status_code == 404, who
    started = await client.post(
        "/api/v1/sessions/start/", json={"class_id": class_id}, headers=teacher
    )
    sid = started.json()["data"]["id"]
    try:
        for who, headers in outsiders.items():
            for method, path, body in (
                ("GET", f"/api/v1/sessions/{sid}/", None),
                ("GET", f"/api/v1/sessions/active/?class_id={class_id}", None),
                ("PATCH", f"/api/v1/sessions/{sid}/mode/", {"mode": "explore"}),
                ("POST", f"/api/v1/sessions/{sid}/end/", None),
            ):
                response = await client.request(method, path, json=body, headers=headers)
                assert response.status_code == 404, (who, method, path)
                assert set(response.json()) == {"error"}  # an error body, no session data
        school_admin = await headers_for(client, DEMO_ACCOUNTS["SCHOOL_ADMIN"])
        assert (
            await client.get(f"/api/v1/sessions/{sid}/", headers=school_admin)
        ).status_code == 200
    finally:
        assert (
            await client.post(f"/api/v1/sessions/{sid}/end/", headers=teacher)
        ).status_code == 200


async def test_participants_take_a_constant_number_of_statements(app_client: tuple) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    admin = await headers_for(client, DEMO_ACCOUNTS["SUPER_ADMIN"])
    async with engine.begin() as connection:
        classroom = (await connection.execute(text("SELECT min(id) FROM classrooms"))).scalar_one()
        owner = (
            await connection.execute(
                text("SELECT min(teacher_id) FROM classroom_teachers WHERE classroom_id = :c"),
                {"c": classroom},
            )
        ).scalar_one()
        class_id = (
            await connection.execute(
                text("SELECT class_id FROM classrooms WHERE id = :c"), {"c": classroom}
            )
        ).scalar_one()
        students = (
            (
                await connection.execute(
                    text("SELECT id FROM users WHERE role = 'STUDENT' ORDER BY id LIMIT 40")
                )
            )
            .scalars()
            .all()
        )
        for sid, members in (("sess_test_small", students[:1]), ("sess_test_large", students)):
            await connection.execute(
                text(
                    "INSERT INTO class_sessions (id, classroom_id, owner_id, class_id, mode, status, started_at, ended_at) VALUES (:id, :c, :o, :k, 'teach', 'completed', :t, :t)"
                ),
                {
                    "id": sid,
                    "c": classroom,
                    "o": owner,
                    "k": class_id,
                    "t": "2026-01-01 10:00:00+00:00",
                },
            )
            for student in members:
                await connection.execute(
                    text(
                        "INSERT INTO session_participants (session_id, user_id, role, joined_at) VALUES (:s, :u, 'STUDENT', :t)"
                    ),
                    {"s": sid, "u": student, "t": "2026-01-01 10:00:00+00:00"},
                )
    assert len(students) == 40
    counts = []
    for sid, expected in (("sess_test_small", 1), ("sess_test_large", 40)):
        with count_statements(engine) as statements:
            response = await client.get(f"/api/v1/sessions/{sid}/", headers=admin)
        assert len(response.json()["data"]["participants"]) == expected
        assert all(p["name"] for p in response.json()["data"]["participants"])
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
