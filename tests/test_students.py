"""A learner's own screens and recorded progress with milestones, over
REST and GraphQL on SQLite and PostgreSQL: contract keys, figures that agree with the rows,
continue resuming where the learner stopped, milestones unlocked once with their outbox
event, bad input refused with nothing written."""

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from tests.contract_examples import assert_shape, examples
from tests.helpers import assert_error, headers_of, rows

pytestmark = pytest.mark.anyio
ME = "/api/v1/students/me"
RECORD = """mutation($lesson: Int!, $block: Int!, $done: Boolean!, $score: Float, $minutes: Float!) {
  recordProgress(lessonId: $lesson, blockIndex: $block, completed: $done, score: $score,
                 minutesSpent: $minutes) {
    status score blockIndex minutesSpent milestonesUnlocked { id title unlockedAt }
  }
}"""


async def record(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    lesson: int,
    *,
    block: int = 0,
    done: bool = False,
    score: float | None = None,
    minutes: float = 5,
) -> dict:
    variables = {"lesson": lesson, "block": block, "done": done, "score": score, "minutes": minutes}
    response = await writable_client.post(
        "/graphql", json={"query": RECORD, "variables": variables}, headers=headers
    )
    return response.json()


def contract(method: str, path: str) -> dict:
    return examples()[(method, path + "/")]


async def test_dashboard_progress_and_history_match_the_contract_and_the_rows(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    student = await headers_of(writable_client, "STUDENT")
    dashboard = (await writable_client.get(f"{ME}/dashboard/", headers=student)).json()
    assert_shape(dashboard, contract("GET", f"{ME}/dashboard"))
    data = dashboard["data"]
    assert data["name"] == "Alice Mwaka" and data["school"] == "St. Mary's Academy"
    [(student_id,)] = await rows(
        database_url, "SELECT id FROM users WHERE email = :e", e=DEMO_ACCOUNTS["STUDENT"]
    )
    assert data["student_id"] == student_id
    for subject in data["current_subjects"]:
        [(total, done)] = await rows(
            database_url,
            "SELECT count(l.id), count(p.id) FROM lessons l JOIN topics t ON t.id = l.topic_id "
            "LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.student_id = :s "
            "AND p.status = 'completed' WHERE t.subject_id = :subject",
            s=student_id,
            subject=subject["id"],
        )
        assert (subject["lessons_total"], subject["lessons_completed"]) == (total, done)
        assert subject["progress_percent"] == round(100 * done / total)

    subject_id = data["current_subjects"][0]["id"]
    progress = (
        await writable_client.get(f"{ME}/progress/?subject_id={subject_id}", headers=student)
    ).json()
    assert_shape(progress, contract("GET", f"{ME}/progress"))
    lessons = [lesson for topic in progress["data"]["topics"] for lesson in topic["lessons"]]
    assert len(lessons) == data["current_subjects"][0]["lessons_total"]
    assert [m["id"] for m in progress["data"]["milestones"]][:2] == ["m_001", "m_002"]
    assert_error(
        await writable_client.get(f"{ME}/progress/", headers=student), 422, "VALIDATION_ERROR"
    )
    assert_error(
        await writable_client.get(f"{ME}/progress/?subject_id=99999", headers=student),
        404,
        "RESOURCE_NOT_FOUND",
    )

    first = (await writable_client.get(f"{ME}/history/?limit=3", headers=student)).json()
    assert_shape(first, contract("GET", f"{ME}/history"))
    times = [entry["accessed_at"] for entry in first["data"]]
    assert times == sorted(times, reverse=True)
    [(visits,)] = await rows(
        database_url, "SELECT count(*) FROM learning_history WHERE student_id = :s", s=student_id
    )
    assert first["pagination"]["total"] == visits and first["pagination"]["has_next"]
    window = (await writable_client.get(f"{ME}/history/?limit=2&offset=1", headers=student)).json()
    assert [e["id"] for e in window["data"]] == [e["id"] for e in first["data"][1:3]]
    assert window["pagination"]["has_previous"]
    assert_error(
        await writable_client.get(f"{ME}/history/?limit=500", headers=student),
        422,
        "VALIDATION_ERROR",
    )


async def test_staff_have_no_student_screens(writable_client: httpx.AsyncClient) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    for method, path in (("GET", "dashboard"), ("GET", "history"), ("POST", "continue")):
        response = await writable_client.request(method, f"{ME}/{path}/", headers=teacher)
        assert_error(response, 403, "PERMISSION_DENIED")


async def test_continue_resumes_where_the_learner_stopped(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    learner = await headers_of(writable_client, "INDEPENDENT_LEARNER")
    before = (await writable_client.get(f"{ME}/dashboard/", headers=learner)).json()["data"]
    # The demo learner left a lesson begun in each subject: there is always one to continue.
    assert before["continue_learning"]["progress"] == "partially_completed"
    taken = {subject["id"] for subject in before["current_subjects"]}
    [(lesson_id, subject_id, title)] = await rows(
        database_url,
        "SELECT l.id, t.subject_id, l.title FROM lessons l JOIN topics t ON t.id = l.topic_id "
        "WHERE t.subject_id NOT IN (SELECT subject_id FROM subject_enrollments "
        "WHERE student_id = (SELECT id FROM users WHERE email = :e)) "
        "ORDER BY l.id LIMIT 1",
        e=DEMO_ACCOUNTS["INDEPENDENT_LEARNER"],
    )
    assert subject_id not in taken
    # Reading a lesson opens a visit; a recorded step takes the subject up.
    assert (
        await writable_client.get(f"/api/v1/lessons/{lesson_id}/content/", headers=learner)
    ).is_success
    step = await record(writable_client, learner, lesson_id, block=1, minutes=7)
    assert step["data"]["recordProgress"]["blockIndex"] == 1, step

    after = (await writable_client.get(f"{ME}/dashboard/", headers=learner)).json()["data"]
    assert after["continue_learning"] == {
        "lesson_id": lesson_id,
        "lesson_title": title,
        "subject": next(s["name"] for s in after["current_subjects"] if s["id"] == subject_id),
        "progress": "partially_completed",
    }
    resumed = await writable_client.post(f"{ME}/continue/", headers=learner)
    assert resumed.status_code == 200, resumed.text
    assert_shape(resumed.json(), contract("POST", f"{ME}/continue"))
    data = resumed.json()["data"]
    assert data["lesson_id"] == lesson_id and data["last_position"]["block_index"] == 1
    assert data["resume_url"] == f"http://localhost:3000/learn/session/{data['session_id']}"
    again = (await writable_client.post(f"{ME}/continue/", headers=learner)).json()["data"]
    assert again["session_id"] == data["session_id"]  # the open session, not a new one
    session = await writable_client.get(f"/api/v1/sessions/{data['session_id']}/", headers=learner)
    assert session.status_code == 200 and session.json()["data"]["class_id"] is None
    other = await headers_of(writable_client, "STUDENT")
    assert_error(
        await writable_client.get(f"/api/v1/sessions/{data['session_id']}/", headers=other),
        404,
        "RESOURCE_NOT_FOUND",
    )
    [(minutes,)] = await rows(
        database_url,
        "SELECT duration_minutes FROM learning_history WHERE lesson_id = :l "
        "AND student_id = :s ORDER BY accessed_at DESC LIMIT 1",
        l=lesson_id,
        s=after["student_id"],
    )
    assert minutes == 7  # the step belongs to the visit that reading the lesson opened


async def test_completing_a_topic_unlocks_its_milestone_once_with_an_outbox_event(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    learner = await headers_of(writable_client, "INDEPENDENT_LEARNER")
    learner_id = (await writable_client.get(f"{ME}/dashboard/", headers=learner)).json()["data"][
        "student_id"
    ]
    topic_rows = await rows(
        database_url,
        "SELECT l.id, t.id, t.name FROM lessons l JOIN topics t ON t.id = l.topic_id "
        "WHERE t.subject_id NOT IN (SELECT subject_id FROM subject_enrollments "
        "WHERE student_id = :s) ORDER BY t.id, l.id",
        s=learner_id,
    )
    topic_id, topic_name = topic_rows[0][1], topic_rows[0][2]
    lessons = [lesson for lesson, topic, _ in topic_rows if topic == topic_id]
    unlocked = []
    for lesson in lessons:
        result = await record(writable_client, learner, lesson, done=True, score=88)
        assert "errors" not in result, result
        unlocked += result["data"]["recordProgress"]["milestonesUnlocked"]
    assert [(m["id"], m["title"]) for m in unlocked] == [
        ("m_004", f"Topic Completed: {topic_name}")
    ]
    again = await record(writable_client, learner, lessons[-1], done=True, score=95)
    assert again["data"]["recordProgress"]["milestonesUnlocked"] == []
    assert again["data"]["recordProgress"]["score"] == 95
    events = await rows(
        database_url,
        "SELECT id, payload FROM outbox_events WHERE event_type = 'student.milestone_unlocked'",
    )
    assert len(events) == 1
    event_id, payload = events[0]
    payload = payload if isinstance(payload, dict) else __import__("json").loads(payload)
    assert payload["event_id"] == event_id
    assert payload["data"] == {
        "student_id": learner_id,
        "milestone": f"Topic Completed: {topic_name}",
        "milestone_id": "m_004",
        "unlocked_at": unlocked[0]["unlockedAt"],
    }
    subject_id = (
        await rows(database_url, "SELECT subject_id FROM topics WHERE id = :t", t=topic_id)
    )[0][0]
    progress = (
        await writable_client.get(f"{ME}/progress/?subject_id={subject_id}", headers=learner)
    ).json()
    assert f"Topic Completed: {topic_name}" in [m["title"] for m in progress["data"]["milestones"]]
    topic = next(t for t in progress["data"]["topics"] if t["id"] == topic_id)
    assert topic["progress"] == 100 and {lesson["score"] for lesson in topic["lessons"]} >= {88}


async def test_bad_steps_are_refused_with_nothing_written(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    learner = await headers_of(writable_client, "INDEPENDENT_LEARNER")
    student = await headers_of(writable_client, "STUDENT")
    before = await rows(database_url, "SELECT count(*) FROM lesson_progress")
    [(lesson_id,)] = await rows(database_url, "SELECT min(id) FROM lessons")
    refused = await record(writable_client, learner, lesson_id, block=99, score=150, minutes=-1)
    error = refused["errors"][0]["extensions"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == {"blockIndex", "score", "minutesSpent"}  # GraphQL spelling
    missing = await record(writable_client, learner, 999_999)
    assert missing["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    # A school's student studies their class's subjects only.
    [(foreign,)] = await rows(
        database_url,
        "SELECT min(l.id) FROM lessons l JOIN topics t ON t.id = l.topic_id "
        "WHERE t.subject_id NOT IN (SELECT subject_id FROM subject_enrollments "
        "WHERE student_id = (SELECT id FROM users WHERE email = :e))",
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    outside = await record(writable_client, student, foreign, done=True)
    # GraphQL spells the argument as its clients do (REST keeps lesson_id).
    assert outside["errors"][0]["extensions"]["details"] == {
        "lessonId": ["This lesson is not in one of your subjects."]
    }
    assert await rows(database_url, "SELECT count(*) FROM lesson_progress") == before
