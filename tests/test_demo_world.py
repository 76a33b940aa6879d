"""The demo world: the contract's curricula, the demo accounts, and real signal."""

from pathlib import Path
from statistics import mean

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.passwords import verify_password
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoOptions, build_world
from models.curriculum import Curriculum, Lesson
from models.db import make_engine
from models.learning import LessonProgress
from tests.conftest import DEMO_NOW, DEMO_STUDENTS
from tests.helpers import bearer, login

pytestmark = pytest.mark.anyio


@pytest.fixture
async def engine(demo_database_url: str) -> AsyncEngine:
    engine = make_engine(demo_database_url)
    yield engine  # type: ignore[misc]
    await engine.dispose()


async def rows(engine: AsyncEngine, sql: str) -> list:
    async with engine.connect() as connection:
        return list((await connection.execute(text(sql))).all())


async def test_curricula_are_the_contracts(engine: AsyncEngine) -> None:
    async with AsyncSession(engine) as session:
        curricula = list(await session.exec(select(Curriculum).order_by(Curriculum.id)))
    assert [(c.id, c.short_code, c.country) for c in curricula] == [
        (1, "NCDC", "UG"),
        (2, "ZEC", "ZM"),
    ]
    assert curricula[0].grades == [*(f"P{n}" for n in range(1, 8)), *(f"S{n}" for n in range(1, 7))]
    assert curricula[1].grades == [f"Grade{n}" for n in range(1, 13)]
    subjects = await rows(engine, "SELECT DISTINCT name FROM subjects")
    assert {"English Language", "Mathematics", "Science", "Social Studies"} <= {
        s.name for s in subjects
    }
    terms = await rows(engine, "SELECT DISTINCT term_number FROM topics")
    assert {t.term_number for t in terms} == {1, 2, 3}
    blocks = await rows(engine, "SELECT DISTINCT type FROM content_blocks")
    assert {b.type for b in blocks} == {"text", "video", "quiz"}


async def test_schools_countries_and_students(engine: AsyncEngine) -> None:
    schools = await rows(engine, "SELECT country FROM schools")
    assert len(schools) >= 3 and len({s.country for s in schools}) >= 2
    students = await rows(engine, "SELECT count(*) AS n FROM users WHERE role = 'STUDENT'")
    assert students[0].n == DEMO_STUDENTS


async def test_demo_accounts_exist_with_the_demo_password(engine: AsyncEngine) -> None:
    users = {
        u.email: u
        for u in await rows(engine, "SELECT id, email, role, school_id, password_hash FROM users")
    }
    for role, email in DEMO_ACCOUNTS.items():
        assert users[email].role == role
        assert verify_password(users[email].password_hash, DEMO_PASSWORD)
    school = users[DEMO_ACCOUNTS["SCHOOL_ADMIN"]].school_id
    assert users[DEMO_ACCOUNTS["TEACHER"]].school_id == school
    assert users[DEMO_ACCOUNTS["STUDENT"]].school_id == school
    assert users[DEMO_ACCOUNTS["SUPER_ADMIN"]].school_id is None
    assert users[DEMO_ACCOUNTS["INDEPENDENT_LEARNER"]].school_id is None
    taught = await rows(
        engine,
        "SELECT 1 FROM classroom_teachers t JOIN classroom_students s USING (classroom_id) "
        f"WHERE t.teacher_id = {users[DEMO_ACCOUNTS['TEACHER']].id} "
        f"AND s.student_id = {users[DEMO_ACCOUNTS['STUDENT']].id}",
    )
    assert taught


async def test_sessions_both_ended_and_active(engine: AsyncEngine) -> None:
    statuses = {r.status for r in await rows(engine, "SELECT DISTINCT status FROM class_sessions")}
    assert statuses == {"active", "completed"}
    enrolments = {
        r.status for r in await rows(engine, "SELECT DISTINCT status FROM subject_enrollments")
    }
    assert enrolments == {"active", "completed", "withdrawn"}


async def test_engaged_students_study_more_score_higher_and_complete_more(
    engine: AsyncEngine,
) -> None:
    per_enrolment = await rows(
        engine,
        """
        SELECT e.status,
               COALESCE(SUM(h.duration_minutes), 0) AS minutes,
               AVG(h.score) AS score
        FROM subject_enrollments e
        JOIN topics t ON t.subject_id = e.subject_id
        JOIN lessons l ON l.topic_id = t.id
        LEFT JOIN learning_history h ON h.lesson_id = l.id AND h.student_id = e.student_id
        GROUP BY e.id, e.status
        """,
    )
    completed = [r for r in per_enrolment if r.status == "completed"]
    others = [r for r in per_enrolment if r.status != "completed"]
    assert completed and others
    assert mean(r.minutes for r in completed) > 1.5 * mean(r.minutes for r in others)
    scored_others = [float(r.score) for r in others if r.score is not None]
    assert mean(float(r.score) for r in completed) > mean(scored_others) + 5


def test_the_same_seed_builds_the_same_world() -> None:
    options = DemoOptions(students=25, seed=3, now=DEMO_NOW)
    first, second = (
        build_world(options, "hash", lambda *_: None),
        build_world(options, "hash", lambda *_: None),
    )
    for table in (Lesson.__table__, LessonProgress.__table__):
        assert first.rows[table] == second.rows[table]
    other = build_world(DemoOptions(students=25, seed=4, now=DEMO_NOW), "hash", lambda *_: None)
    assert other.rows[LessonProgress.__table__] != first.rows[LessonProgress.__table__]


async def test_seeding_twice_changes_nothing(demo_database_url: str, tmp_path: Path) -> None:
    from learnloom.demo import seed_demo
    from models.db import make_session_factory

    engine = make_engine(demo_database_url)
    try:
        summary = await seed_demo(
            make_session_factory(engine), DemoOptions(students=5, now=DEMO_NOW)
        )
        assert summary.created is False
        count = await rows(engine, "SELECT count(*) AS n FROM users WHERE role = 'STUDENT'")
        assert count[0].n == DEMO_STUDENTS
    finally:
        await engine.dispose()


async def test_new_rows_get_fresh_ids_after_seeding(demo_database_url: str) -> None:
    """The seed writes explicit ids; PostgreSQL's sequences must have moved past them."""
    from models.identity import School

    engine = make_engine(demo_database_url)
    try:
        async with AsyncSession(engine) as session:
            top = (await rows(engine, "SELECT max(id) AS top FROM schools"))[0].top
            school = School(name="New School", country="KE")
            session.add(school)
            await session.flush()
            assert school.id == top + 1
            await session.rollback()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("account", ["STUDENT", "INDEPENDENT_LEARNER"])
async def test_the_demo_learners_always_have_a_lesson_to_continue(
    client: httpx.AsyncClient, account: str
) -> None:
    """Someone trying the demo as a learner must find a lesson to go on with, not a 404."""
    learner = bearer((await login(client, DEMO_ACCOUNTS[account]))["access_token"])
    resumed = await client.post("/api/v1/students/me/continue/", headers=learner)
    assert resumed.status_code == 200, resumed.text
    lesson_id = resumed.json()["data"]["lesson_id"]
    progress = (await client.get("/api/v1/students/me/dashboard/", headers=learner)).json()
    assert progress["data"], progress
    again = await client.post("/api/v1/students/me/continue/", headers=learner)
    assert again.json()["data"]["lesson_id"] == lesson_id  # the same place, not a new one
