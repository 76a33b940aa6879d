"""A lesson in the demo teacher's class, and a learner's question to the tutor in it."""

from dataclasses import dataclass

import httpx

from learnloom.demo import DEMO_ACCOUNTS
from tests.helpers import headers_of, rows

CHAT = "/api/v1/ai/chat/"


@dataclass(frozen=True)
class Lesson:
    session_id: str
    lesson_id: int
    topic_id: int
    class_id: int


async def start_lesson(client: httpx.AsyncClient, database_url: str, title: str) -> Lesson:
    """The demo teacher starts a session on the lesson called `title` in their class."""
    [(lesson_id, topic_id, subject_id, class_id)] = await rows(
        database_url,
        "SELECT l.id, t.id, t.subject_id, cs.classroom_id FROM lessons l "
        "JOIN topics t ON t.id = l.topic_id "
        "JOIN classroom_subjects cs ON cs.subject_id = t.subject_id "
        "JOIN classroom_students st ON st.classroom_id = cs.classroom_id "
        "JOIN classroom_teachers ct ON ct.classroom_id = cs.classroom_id "
        "WHERE l.title = :title AND st.student_id = (SELECT id FROM users WHERE email = :s) "
        "AND ct.teacher_id = (SELECT id FROM users WHERE email = :t) LIMIT 1",
        title=title,
        s=DEMO_ACCOUNTS["STUDENT"],
        t=DEMO_ACCOUNTS["TEACHER"],
    )
    teacher = await headers_of(client, "TEACHER")
    started = await client.post(
        "/api/v1/sessions/start/",
        json={
            "class_id": class_id,
            "subject_id": subject_id,
            "topic_id": topic_id,
            "lesson_id": lesson_id,
        },
        headers=teacher,
    )
    assert started.status_code == 201, started.text
    return Lesson(started.json()["data"]["id"], lesson_id, topic_id, class_id)


async def ask(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    session_id: str,
    message: str,
    **extra: object,
) -> dict:
    response = await client.post(
        CHAT, json={"session_id": session_id, "message": message, **extra}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]
