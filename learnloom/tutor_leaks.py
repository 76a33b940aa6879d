"""The leak set (tutor/eval_sets/leaks.json) run through the real application: a demo world
in a new SQLite file, the demo learner in a class session the teacher has put in practice
mode, an open multiple-choice practice question, and then each attempt to get its answer:
through the chat (with the mode and context the attempt names), its stream, or as the
learner's response in a guided lesson whose current question is the same quiz item. An
attempt leaks when anything the tutor says to the learner holds the key.

`learnloom evaluate-tutor` prints the count per half; tests/test_tutor_evaluation.py holds
it at none."""

import json
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from ground.settings import Settings
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tutor.answers import reveals
from tutor.evaluation import SETS, SPLITS

LESSON = "Verbs and Actions"  # the session's lesson; its topic's quiz items are the keys
LIMIT = "100000/minute"  # one learner sends every attempt


@dataclass
class LeakScore:
    attempts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    leaks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    refused: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    leaked: list[str] = field(default_factory=list)  # ids only: nobody tunes on the text


@dataclass
class World:
    client: httpx.AsyncClient
    engine: Any
    student: dict[str, str]
    teacher: dict[str, str]
    session_id: str
    lesson_id: int
    topic_id: int
    other_grade_topic: int | None
    own_session: str | None


async def _sql(world: World, statement: str, **values: object) -> list[Any]:
    async with world.engine.connect() as connection:
        return list((await connection.execute(text(statement), values)).all())


async def _sign_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    answer = await client.post(
        "/api/v1/auth/login/", json={"email": email, "password": DEMO_PASSWORD}
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['data']['access_token']}"}


@asynccontextmanager
async def demo_world(folder: Path) -> AsyncIterator[World]:
    from learnloom.app import create_app

    url = f"sqlite+aiosqlite:///{folder / 'leaks.db'}"
    upgrade(url)
    engine = make_engine(url)
    await seed_demo(make_session_factory(engine), DemoOptions(students=8))
    settings = Settings(
        env="test",
        data_dir=folder,
        database_url=url,
        background_jobs=False,
        rate_limit_default=LIMIT,
        rate_limit_login=LIMIT,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leaks.test") as client:
            world = await _prepare(client, engine)
            try:
                yield world
            finally:
                await engine.dispose()


async def _prepare(client: httpx.AsyncClient, engine: Any) -> World:
    student = await _sign_in(client, DEMO_ACCOUNTS["STUDENT"])
    teacher = await _sign_in(client, DEMO_ACCOUNTS["TEACHER"])
    probe = World(client, engine, student, teacher, "", 0, 0, None, None)
    [(lesson_id, topic_id, subject_id, classroom_id, topic_name, class_id)] = await _sql(
        probe,
        "SELECT l.id, t.id, t.subject_id, cs.classroom_id, t.name, s.class_id FROM lessons l "
        "JOIN topics t ON t.id = l.topic_id JOIN subjects s ON s.id = t.subject_id "
        "JOIN classroom_subjects cs ON cs.subject_id = t.subject_id "
        "JOIN classroom_students st ON st.classroom_id = cs.classroom_id "
        "WHERE l.title = :t AND st.student_id = (SELECT id FROM users WHERE email = :e) LIMIT 1",
        t=LESSON,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    started = await client.post(
        "/api/v1/sessions/start/",
        json={
            "class_id": classroom_id,
            "subject_id": subject_id,
            "topic_id": topic_id,
            "lesson_id": lesson_id,
            "mode": "practice",
        },
        headers=teacher,
    )
    started.raise_for_status()
    other = await _sql(
        probe,
        "SELECT t.id FROM topics t JOIN subjects s ON s.id = t.subject_id "
        "WHERE t.name = :n AND s.class_id <> :c ORDER BY t.id LIMIT 1",
        n=topic_name,
        c=class_id,
    )
    # A learning session of the learner's own: the demo learner has finished every lesson,
    # so one is reopened for the purpose.
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE lesson_progress SET status = 'in_progress', completed_at = NULL "
                "WHERE lesson_id = :l AND student_id = (SELECT id FROM users WHERE email = :e)"
            ),
            {"l": lesson_id, "e": DEMO_ACCOUNTS["STUDENT"]},
        )
    resumed = await client.post("/api/v1/students/me/continue/", headers=student)
    own = resumed.json()["data"]["session_id"] if resumed.status_code == 200 else None
    return World(
        client,
        engine,
        student,
        teacher,
        started.json()["data"]["id"],
        lesson_id,
        topic_id,
        other[0][0] if other else None,
        own,
    )


async def _open_question(world: World, lesson_id: int | None = None) -> dict[str, Any]:
    """A new open multiple-choice question on the topic (of `lesson_id`'s quiz, if given),
    with its key read from the database."""
    for _ in range(30):
        answer = await world.client.post(
            "/api/v1/ai/practice/question/",
            json={"session_id": world.session_id, "topic_id": world.topic_id},
            headers=world.student,
        )
        answer.raise_for_status()
        asked = answer.json()["data"]
        [(key, quiz_lesson)] = await _sql(
            world,
            "SELECT p.answer_key, q.lesson_id FROM practice_questions p "
            "JOIN quiz_questions qq ON qq.id = p.quiz_question_id "
            "JOIN quizzes q ON q.id = qq.quiz_id WHERE p.id = :i",
            i=asked["question_id"],
        )
        if lesson_id is None or quiz_lesson == lesson_id:
            return {**asked, "key": key, "lesson_id": quiz_lesson}
    raise RuntimeError("the lesson's quiz item was never served")


async def _chat(world: World, attempt: dict[str, Any], asked: dict[str, Any]) -> list[str]:
    message = attempt["message"].format(
        question=asked["question"], options=", ".join(asked["options"])
    )
    body: dict[str, Any] = {"session_id": world.session_id, "message": message}
    if attempt.get("mode"):
        body["mode"] = attempt["mode"]
    where = attempt.get("context")
    if where == "same_topic":
        body["context"] = {"topic_id": world.topic_id}
    elif where == "lesson":
        body["context"] = {"lesson_id": asked["lesson_id"]}
    elif where == "other_grade_topic" and world.other_grade_topic is not None:
        body["context"] = {"topic_id": world.other_grade_topic}
    elif where == "own_session" and world.own_session is not None:
        body["session_id"] = world.own_session
    if attempt["path"] == "stream":
        headers = {**world.student, "Accept": "text/event-stream"}
        answer = await world.client.post("/api/v1/ai/chat/", json=body, headers=headers)
        return [answer.text] if answer.status_code == 200 else []
    answer = await world.client.post("/api/v1/ai/chat/", json=body, headers=world.student)
    if answer.status_code != 200:
        return []  # refused (a context outside the class): nothing said
    data = answer.json()["data"]
    return [data["message"], *data["metadata"]["follow_up_suggestions"]]


async def _guided(world: World, attempt: dict[str, Any], asked: dict[str, Any]) -> list[str]:
    started = await world.client.post(
        "/api/v1/ai/lesson/start/",
        json={"session_id": world.session_id, "lesson_id": asked["lesson_id"]},
        headers=world.student,
    )
    started.raise_for_status()
    delivery = started.json()["data"]["lesson_delivery_id"]
    said = [started.json()["data"]["introduction_message"]]
    message = attempt["message"].format(
        question=asked["question"], options=", ".join(asked["options"])
    )
    for _ in range(10):  # to the question, then the attempt, twice (a hint, then feedback)
        body: dict[str, Any] = {"lesson_delivery_id": delivery}
        step = await world.client.post("/api/v1/ai/lesson/next/", json=body, headers=world.student)
        step.raise_for_status()
        data = step.json()["data"]
        said.append(data["content"])
        if data["phase"] == "question":
            break
    for _ in range(2):
        body = {"lesson_delivery_id": delivery, "student_response": message}
        step = await world.client.post("/api/v1/ai/lesson/next/", json=body, headers=world.student)
        if step.status_code == 200:
            said.append(step.json()["data"]["content"])
    return said


async def evaluate_leaks() -> LeakScore:
    attempts = json.loads((SETS / "leaks.json").read_text(encoding="utf-8"))
    score = LeakScore()
    with tempfile.TemporaryDirectory() as folder:
        async with demo_world(Path(folder)) as world:
            for attempt in attempts:
                split = attempt["split"]
                guided = attempt["path"] == "guided"
                asked = await _open_question(world, world.lesson_id if guided else None)
                said = await (_guided if guided else _chat)(world, attempt, asked)
                score.attempts[split] += 1
                score.refused[split] += not said
                if reveals(" ".join(said), [asked["key"]]):
                    score.leaks[split] += 1
                    score.leaked.append(attempt["id"])
    return score


def leak_report(score: LeakScore) -> str:
    lines = ["", "leak set (attempts / answers given away / refused outright)"]
    for split in SPLITS:
        lines.append(
            f"{split:<15}{score.attempts[split]:>4} {score.leaks[split]:>4} {score.refused[split]:>4}"
        )
    return "\n".join(lines)
