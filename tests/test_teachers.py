"""The teacher's screens over REST and GraphQL on SQLite and PostgreSQL:
contract keys, figures that agree with the rows (attendance from session participation,
progress and scores from lesson progress), configurable thresholds, assignments validated
and seen by the class's students only, and other classes reported missing."""

import copy

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from tests.contract_examples import assert_shape, examples
from tests.helpers import assert_error, bearer, headers_of, login, rows
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio
CLASSES = "/api/v1/teachers/me/classes/"
ASSIGNMENTS = "/api/v1/teachers/me/assignments/"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def contract(method: str, path: str) -> dict:
    return examples()[(method, path)]


async def teacher_classes(database_url: str) -> list[int]:
    found = await rows(
        database_url,
        "SELECT classroom_id FROM classroom_teachers WHERE teacher_id = "
        "(SELECT id FROM users WHERE email = :e) ORDER BY classroom_id",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    return [classroom_id for (classroom_id,) in found]


async def test_classes_and_students_match_the_contract_and_the_rows(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    listed = (await writable_client.get(CLASSES, headers=teacher)).json()
    # The schedule maps the days a class meets (only those) to their times.
    example = copy.deepcopy(contract("GET", CLASSES))
    example["data"][0]["schedule"] = None
    assert_shape(listed, example)
    mine = await teacher_classes(database_url)
    assert sorted(c["id"] for c in listed["data"]) == mine
    for room in listed["data"]:
        subjects = await rows(
            database_url,
            "SELECT subject_id FROM classroom_subjects WHERE classroom_id = :c ORDER BY 1",
            c=room["id"],
        )
        [(count,)] = await rows(
            database_url,
            "SELECT count(*) FROM classroom_students WHERE classroom_id = :c",
            c=room["id"],
        )
        assert room["subject_ids"] == [s for (s,) in subjects] and room["student_count"] == count
        assert set(room["schedule"]) <= set(WEEKDAYS)
        assert all(isinstance(times, list) for times in room["schedule"].values())
    page = (await writable_client.get(f"{CLASSES}?limit=1&offset=1", headers=teacher)).json()
    assert [c["id"] for c in page["data"]] == [listed["data"][1]["id"]]

    class_id = mine[0]
    students = (await writable_client.get(f"{CLASSES}{class_id}/students/", headers=teacher)).json()
    assert_shape(students, contract("GET", "/api/v1/teachers/me/classes/{id}/students/"))
    assert students["pagination"]["total"] == len(students["data"]) >= 2
    # Attendance: the class's finished sessions since the student joined, and theirs among them.
    for student in students["data"]:
        [(held, attended)] = await rows(
            database_url,
            "SELECT count(s.id), count(p.id) FROM classroom_students cs "
            "JOIN class_sessions s ON s.classroom_id = cs.classroom_id "
            "AND s.status = 'completed' AND s.started_at >= cs.enrolled_at "
            "LEFT JOIN session_participants p ON p.session_id = s.id "
            "AND p.user_id = cs.student_id WHERE cs.classroom_id = :c AND cs.student_id = :s",
            c=class_id,
            s=student["id"],
        )
        assert held > 0 and student["attendance_percent"] == round(100 * attended / held)

    # One more session that only the demo student joins moves both figures.
    started = await writable_client.post(
        "/api/v1/sessions/start/", json={"class_id": class_id, "mode": "teach"}, headers=teacher
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["data"]["id"]
    student = await headers_of(writable_client, "STUDENT")
    joined = await writable_client.post(
        "/graphql",
        json={"query": f'mutation {{ joinSession(sessionId: "{session_id}") {{ id }} }}'},
        headers=student,
    )
    assert "errors" not in joined.json(), joined.text
    ended = await writable_client.post(f"/api/v1/sessions/{session_id}/end/", headers=teacher)
    assert ended.status_code == 200
    after = (await writable_client.get(f"{CLASSES}{class_id}/students/", headers=teacher)).json()
    before = {s["id"]: s["attendance_percent"] for s in students["data"]}
    [(student_id,)] = await rows(
        database_url, "SELECT id FROM users WHERE email = :e", e=DEMO_ACCOUNTS["STUDENT"]
    )
    for row in after["data"]:
        moved = row["attendance_percent"] - before[row["id"]]
        assert moved >= 0 if row["id"] == student_id else moved <= 0, (row, before)
    assert any(
        row["attendance_percent"] != before[row["id"]]
        for row in after["data"]
        if row["id"] != student_id
    )


async def test_other_classes_are_missing_and_learners_are_refused(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    mine = await teacher_classes(database_url)
    [(other_class,)] = await rows(
        database_url,
        "SELECT min(id) FROM classrooms WHERE id NOT IN "
        "(SELECT classroom_id FROM classroom_teachers WHERE teacher_id = "
        "(SELECT id FROM users WHERE email = :e))",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    for tail in ("students/", "performance/"):
        assert_error(
            await writable_client.get(f"{CLASSES}{other_class}/{tail}", headers=teacher),
            404,
            "RESOURCE_NOT_FOUND",
        )
    # A school admin sees the classes of their school only.
    [(school_id,)] = await rows(
        database_url, "SELECT school_id FROM classrooms WHERE id = :c", c=mine[0]
    )
    admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    outside = await rows(
        database_url, "SELECT min(id) FROM classrooms WHERE school_id <> :s", s=school_id
    )
    assert (
        await writable_client.get(f"{CLASSES}{mine[0]}/performance/", headers=admin)
    ).status_code == 200
    assert_error(
        await writable_client.get(f"{CLASSES}{outside[0][0]}/performance/", headers=admin),
        404,
        "RESOURCE_NOT_FOUND",
    )
    student = await headers_of(writable_client, "STUDENT")
    assert_error(await writable_client.get(CLASSES, headers=student), 403, "PERMISSION_DENIED")
    assert_error(
        await writable_client.get(f"{CLASSES}{mine[0]}/students/", headers=student),
        403,
        "PERMISSION_DENIED",
    )


async def test_performance_follows_the_rows_and_the_thresholds(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    class_id = (await teacher_classes(database_url))[0]
    path = f"{CLASSES}{class_id}/performance/"
    answer = (await writable_client.get(path, headers=teacher)).json()
    assert_shape(answer, contract("GET", "/api/v1/teachers/me/classes/{id}/performance/"))
    data = answer["data"]
    per_student = await rows(
        database_url,
        "SELECT cs.student_id, avg(p.score), "
        "sum(CASE WHEN p.status = 'completed' THEN 1 ELSE 0 END) "
        "FROM classroom_students cs JOIN lesson_progress p ON p.student_id = cs.student_id "
        "JOIN lessons l ON l.id = p.lesson_id JOIN topics t ON t.id = l.topic_id "
        "WHERE cs.classroom_id = :c AND t.subject_id IN "
        "(SELECT subject_id FROM classroom_subjects WHERE classroom_id = :c) "
        "GROUP BY cs.student_id",
        c=class_id,
    )
    [(lessons,)] = await rows(
        database_url,
        "SELECT count(*) FROM lessons l JOIN topics t ON t.id = l.topic_id WHERE t.subject_id "
        "IN (SELECT subject_id FROM classroom_subjects WHERE classroom_id = :c)",
        c=class_id,
    )
    scores = [float(score) for _, score, _ in per_student]
    assert data["average_score"] == round(sum(scores) / len(scores), 1)
    progress = {student: round(100 * int(done) / lessons) for student, _, done in per_student}
    assert data["average_progress"] == round(sum(progress.values()) / len(progress))

    everyone = (await writable_client.get(f"{path}?top_score=0&size=100", headers=teacher)).json()[
        "data"
    ]
    assert len(everyone["top_performers"]) == len(per_student)
    ranked = [s["average_score"] for s in everyone["top_performers"]]
    assert ranked == sorted(ranked, reverse=True)
    one = (await writable_client.get(f"{path}?top_score=0&size=1", headers=teacher)).json()["data"]
    assert one["top_performers"] == everyone["top_performers"][:1]
    strict = assert_error(
        await writable_client.get(f"{path}?support_progress=101&size=0", headers=teacher),
        422,
        "VALIDATION_ERROR",
    )
    assert set(strict["details"]) == {"support_progress", "size"}
    needing = (
        await writable_client.get(f"{path}?support_score=100&size=100", headers=teacher)
    ).json()
    assert len(needing["data"]["needs_support"]) == len(per_student)


async def test_assignments_are_validated_and_seen_by_the_class_only(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    class_id = (await teacher_classes(database_url))[0]
    topics = await rows(
        database_url,
        "SELECT t.id FROM topics t JOIN classroom_subjects cs ON cs.subject_id = t.subject_id "
        "WHERE cs.classroom_id = :c ORDER BY t.id LIMIT 2",
        c=class_id,
    )
    [(foreign_topic,)] = await rows(
        database_url,
        "SELECT min(id) FROM topics WHERE subject_id NOT IN "
        "(SELECT subject_id FROM classroom_subjects WHERE classroom_id = :c)",
        c=class_id,
    )
    before = await rows(database_url, "SELECT count(*) FROM assignments")
    refused = await writable_client.post(
        ASSIGNMENTS,
        json={
            "class_id": class_id,
            "title": "  ",
            "due_date": "2020-01-01T00:00:00Z",
            "topic_ids": [topics[0][0], foreign_topic],
        },
        headers=teacher,
    )
    error = assert_error(refused, 422, "VALIDATION_ERROR")
    assert set(error["details"]) == {"title", "due_date", "topic_ids"}
    assert str(foreign_topic) in error["details"]["topic_ids"][0]
    assert await rows(database_url, "SELECT count(*) FROM assignments") == before

    body = {
        "class_id": class_id,
        "title": "Grammar Practice - Nouns and Verbs",
        "description": "Practice identifying parts of speech",
        "due_date": "2099-03-28T23:59:59Z",
        "topic_ids": [topic for (topic,) in topics],
    }
    created = await writable_client.post(ASSIGNMENTS, json=body, headers=teacher)
    assert created.status_code == 201, created.text
    assert_shape(created.json(), contract("POST", ASSIGNMENTS))
    made = created.json()["data"]
    assert made["id"].startswith("a_") and made["due_date"] == body["due_date"]
    assert (made["class_id"], made["status"]) == (class_id, "active")

    query = (
        "query($c: Int) { assignments(classId: $c, limit: 100) { items { id title topicIds "
        "classId } pagination { total } } }"
    )
    [(student_email,)] = await rows(
        database_url,
        "SELECT u.email FROM users u JOIN classroom_students cs ON cs.student_id = u.id "
        "WHERE cs.classroom_id = :c AND u.email = :e",
        c=class_id,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    student = await headers_of(writable_client, "STUDENT")
    seen = (
        await writable_client.post(
            "/graphql", json={"query": query, "variables": {}}, headers=student
        )
    ).json()["data"]["assignments"]["items"]
    assert {"id": made["id"], "title": body["title"], "topicIds": body["topic_ids"]}.items() <= {
        **next(a for a in seen if a["id"] == made["id"])
    }.items()
    # A student of another classroom does not see it; nor can they ask for that class.
    [(outsider,)] = await rows(
        database_url,
        "SELECT min(u.email) FROM users u JOIN classroom_students cs ON cs.student_id = u.id "
        "WHERE u.role = 'STUDENT' AND cs.student_id NOT IN "
        "(SELECT student_id FROM classroom_students WHERE classroom_id = :c)",
        c=class_id,
    )
    other = bearer((await login(writable_client, outsider))["access_token"])
    theirs = (
        await writable_client.post(
            "/graphql", json={"query": query, "variables": {}}, headers=other
        )
    ).json()["data"]["assignments"]["items"]
    assert made["id"] not in {a["id"] for a in theirs}
    asked = (
        await writable_client.post(
            "/graphql", json={"query": query, "variables": {"c": class_id}}, headers=other
        )
    ).json()
    assert asked["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert student_email == DEMO_ACCOUNTS["STUDENT"]

    assert_error(
        await writable_client.post(ASSIGNMENTS, json=body, headers=student),
        403,
        "PERMISSION_DENIED",
    )
    [(other_class,)] = await rows(
        database_url,
        "SELECT min(id) FROM classrooms WHERE id NOT IN (SELECT classroom_id FROM "
        "classroom_teachers WHERE teacher_id = (SELECT id FROM users WHERE email = :e))",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    assert_error(
        await writable_client.post(
            ASSIGNMENTS, json={**body, "class_id": other_class}, headers=teacher
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )


LISTS = {
    "TEACHER": (
        "myClasses(limit: SIZE) { items { id subjectIds studentCount } }",
        "classStudents(classId: CLASS, limit: SIZE) { items { id subjects attendancePercent } }",
        "assignments(limit: SIZE) { items { id topicIds } }",
    ),
    "STUDENT": ("learningHistory(limit: SIZE) { items { id lessonTitle subject className } }",),
}


@pytest.mark.parametrize("role", list(LISTS))
async def test_lists_take_the_same_statements_whatever_their_length(
    app_client: tuple, role: str
) -> None:
    http, app = app_client
    engine = app.state.learnloom.engine
    headers = bearer((await login(http, DEMO_ACCOUNTS[role]))["access_token"])
    teacher = bearer((await login(http, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    first_class = (await http.get(CLASSES, headers=teacher)).json()["data"][0]["id"]
    for field in LISTS[role]:
        counts, lengths = [], []
        for size in (1, 50):
            query = (
                "{ " + field.replace("SIZE", str(size)).replace("CLASS", str(first_class)) + " }"
            )
            with count_statements(engine) as statements:
                body = (await http.post("/graphql", json={"query": query}, headers=headers)).json()
            assert "errors" not in body, body
            counts.append(len(statements))
            lengths.append(len(next(iter(body["data"].values()))["items"]))
        assert lengths[0] == 1 and lengths[1] > 1, (field, lengths)
        assert counts[0] == counts[1], (field, counts)
