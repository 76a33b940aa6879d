"""Every analytics figure equals an independent computation from the source rows, for a
super admin, a school admin and a teacher (each sees their own scope), over HTTP."""

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from statistics import mean

import httpx
import pytest
from sqlalchemy import text

from learnloom.demo import DEMO_ACCOUNTS
from models.db import make_engine
from tests.analytics_helpers import as_time, assert_summary_figures, expected, source_rows
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, bearer, login

pytestmark = pytest.mark.anyio


@pytest.fixture
async def loaded(demo_database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(make_settings(demo_database_url, tmp_path)):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        yield client


async def teacher_classrooms(database_url: str) -> set[int]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT t.classroom_id FROM classroom_teachers t JOIN users u ON u.id = t.teacher_id WHERE u.email = :e"
                ),
                {"e": DEMO_ACCOUNTS["TEACHER"]},
            )
            return {r[0] for r in rows}
    finally:
        await engine.dispose()


@pytest.mark.parametrize("role", ["SUPER_ADMIN", "SCHOOL_ADMIN", "TEACHER"])
async def test_figures_equal_an_independent_computation(
    loaded: httpx.AsyncClient, demo_database_url: str, role: str
) -> None:
    enrollments, history = await source_rows(demo_database_url)
    classrooms = await teacher_classrooms(demo_database_url)
    keep = {
        "SUPER_ADMIN": lambda e: True,
        "SCHOOL_ADMIN": lambda e: e.school_id == 1,
        "TEACHER": lambda e: e.classroom_id in classrooms,
    }[role]
    want = expected(enrollments, history, keep)
    headers = bearer((await login(loaded, DEMO_ACCOUNTS[role]))["access_token"])

    await assert_summary_figures(loaded, headers, want)


async def test_scopes_differ_and_students_are_refused(loaded: httpx.AsyncClient) -> None:
    totals = {}
    for role in ("SUPER_ADMIN", "SCHOOL_ADMIN", "TEACHER"):
        headers = bearer((await login(loaded, DEMO_ACCOUNTS[role]))["access_token"])
        totals[role] = (await loaded.get("/api/total-students", headers=headers)).json()[
            "total_students"
        ]
    assert totals["SUPER_ADMIN"] > totals["SCHOOL_ADMIN"] > totals["TEACHER"] > 0
    student = bearer((await login(loaded, DEMO_ACCOUNTS["STUDENT"]))["access_token"])
    assert_error(await loaded.get("/api/average-score", headers=student), 403, "PERMISSION_DENIED")


async def test_date_range_filters_and_bad_values(loaded: httpx.AsyncClient) -> None:
    headers = bearer((await login(loaded, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    everything = (await loaded.get("/api/activity-trend", headers=headers)).json()["dates"]
    start, end = everything[3], everything[10]
    window = (
        await loaded.get(f"/api/activity-trend?start_date={start}&end_date={end}", headers=headers)
    ).json()
    assert window["dates"] == everything[3:11]
    error = assert_error(
        await loaded.get("/api/score-trend?start_date=yesterday", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert "YYYY-MM-DD" in error["details"]["start_date"][0]
    assert_error(
        await loaded.get(f"/api/score-trend?start_date={end}&end_date={start}", headers=headers),
        422,
        "VALIDATION_ERROR",
    )


async def test_before_the_first_refresh_analytics_say_so(
    demo_database_url: str, tmp_path: Path
) -> None:
    async for client in client_for(make_settings(demo_database_url, tmp_path)):
        headers = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert_error(
            await client.get("/api/average-score", headers=headers), 503, "WAREHOUSE_NOT_LOADED"
        )


async def test_course_figures_and_rankings(
    loaded: httpx.AsyncClient, demo_database_url: str
) -> None:
    enrollments, history = await source_rows(demo_database_url)
    headers = bearer((await login(loaded, DEMO_ACCOUNTS["SCHOOL_ADMIN"]))["access_token"])
    courses = (await loaded.get("/api/course-analytics", headers=headers)).json()["courses"]
    mine = [e for e in enrollments if e.school_id == 1]
    assert {c["course_id"] for c in courses} == {f"course_{e.subject_id}" for e in mine}
    for course in courses:
        subject = int(course["course_id"].removeprefix("course_"))
        rows = [e for e in mine if e.subject_id == subject]
        pairs = {(e.student_id, e.subject_id) for e in rows}
        scores = [
            h.score
            for h in history
            if (h.student_id, h.subject_id) in pairs and h.score is not None
        ]
        assert set(course) == {
            "course_id",
            "course_name",
            "average_score",
            "completion_rate",
            "dropout_rate",
            "num_students",
        }
        assert course["num_students"] == len(rows)
        assert course["completion_rate"] == pytest.approx(
            sum(e.status == "completed" for e in rows) / len(rows), abs=1e-4
        )
        assert course["average_score"] == pytest.approx(mean(scores), abs=0.051)
    top = (await loaded.get("/api/top-courses?limit=3", headers=headers)).json()["top_courses"]
    assert [c["course_id"] for c in top] == [
        c["course_id"]
        for c in sorted(courses, key=lambda c: (-c["completion_rate"], c["course_id"]))[:3]
    ]
    assert set(top[0]) == {"course_id", "course_name", "completion_rate"}
    hardest = (await loaded.get("/api/hardest-courses?limit=2", headers=headers)).json()[
        "hardest_courses"
    ]
    assert [c["course_id"] for c in hardest] == [
        c["course_id"]
        for c in sorted(courses, key=lambda c: (c["average_score"], c["course_id"]))[:2]
    ]
    assert set(hardest[0]) == {"course_id", "course_name", "average_score"}
    assert_error(
        await loaded.get("/api/top-courses?limit=0", headers=headers), 422, "VALIDATION_ERROR"
    )


async def test_student_profile_and_who_may_read_it(
    loaded: httpx.AsyncClient, demo_database_url: str
) -> None:
    engine = make_engine(demo_database_url)
    try:
        async with engine.connect() as connection:
            alice = (
                await connection.execute(
                    text("SELECT id FROM users WHERE email = :e"), {"e": DEMO_ACCOUNTS["STUDENT"]}
                )
            ).scalar_one()
            minutes, average = (
                await connection.execute(
                    text(
                        "SELECT sum(duration_minutes), avg(score) FROM learning_history WHERE student_id = :s"
                    ),
                    {"s": alice},
                )
            ).one()
            completed = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM lesson_progress WHERE student_id = :s AND status = 'completed'"
                    ),
                    {"s": alice},
                )
            ).scalar_one()
            lessons = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM subject_enrollments e JOIN topics t ON t.subject_id = e.subject_id JOIN lessons l ON l.topic_id = t.id WHERE e.student_id = :s"
                    ),
                    {"s": alice},
                )
            ).scalar_one()
            other_teacher = (
                await connection.execute(
                    text("SELECT min(email) FROM users WHERE role = 'TEACHER' AND school_id = 2")
                )
            ).scalar_one()
            other_admin = (
                await connection.execute(
                    text(
                        "SELECT min(email) FROM users WHERE role = 'SCHOOL_ADMIN' AND school_id = 2"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    student = bearer((await login(loaded, DEMO_ACCOUNTS["STUDENT"]))["access_token"])
    profile = (await loaded.get(f"/api/student/{alice}/profile", headers=student)).json()
    assert set(profile) == {
        "student_id",
        "name",
        "average_score",
        "hours_watched",
        "progress",
        "score_history",
        "activity_history",
        "last_active",
        "courses_enrolled",
    }
    assert profile["name"] == "Alice Mwaka" and profile["last_active"].endswith("Z")
    assert profile["hours_watched"] == pytest.approx(float(minutes) / 60, abs=0.051)
    assert profile["average_score"] == pytest.approx(float(average), abs=0.051)
    assert profile["progress"] == pytest.approx(completed / lessons, abs=1e-4)
    assert set(profile["courses_enrolled"][0]) == {"course_id", "course_name", "progress"}
    assert set(profile["score_history"][0]) == {"date", "score"}
    assert set(profile["activity_history"][0]) == {"date", "activity_count"}
    for role in ("TEACHER", "SCHOOL_ADMIN", "SUPER_ADMIN"):
        headers = bearer((await login(loaded, DEMO_ACCOUNTS[role]))["access_token"])
        assert (
            await loaded.get(f"/api/student/{alice}/profile", headers=headers)
        ).json() == profile
    for email in (other_teacher, other_admin, DEMO_ACCOUNTS["INDEPENDENT_LEARNER"]):
        headers = bearer((await login(loaded, email))["access_token"])
        error = assert_error(
            await loaded.get(f"/api/student/{alice}/profile", headers=headers),
            404,
            "RESOURCE_NOT_FOUND",
        )
        assert error["details"] == {"student_id": [f"Student with ID {alice} not found"]}


async def test_etags_follow_the_snapshot_and_the_scope(loaded: httpx.AsyncClient) -> None:
    admin = bearer((await login(loaded, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    teacher = bearer((await login(loaded, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    first = await loaded.get("/api/average-score", headers=admin)
    tag = first.headers["etag"]
    cached = await loaded.get("/api/average-score", headers={**admin, "If-None-Match": tag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == tag
    other_scope = await loaded.get("/api/average-score", headers={**teacher, "If-None-Match": tag})
    assert other_scope.status_code == 200 and other_scope.headers["etag"] != tag
    # A refresh that found nothing new keeps the snapshot: the cached answer stays valid.
    assert (await loaded.post("/api/refresh-data", headers=admin)).json()["rows_added"] == 0
    kept = await loaded.get("/api/average-score", headers={**admin, "If-None-Match": tag})
    assert kept.status_code == 304 and kept.headers["etag"] == tag


async def test_school_analytics(loaded: httpx.AsyncClient, demo_database_url: str) -> None:
    engine = make_engine(demo_database_url)
    try:
        async with engine.connect() as connection:
            teachers = (
                await connection.execute(
                    text("SELECT count(*) FROM users WHERE role = 'TEACHER' AND school_id = 1")
                )
            ).scalar_one()
            history = (
                await connection.execute(
                    text("""
                SELECT h.student_id, h.accessed_at, h.status, s.name FROM learning_history h
                JOIN lessons l ON l.id = h.lesson_id JOIN topics t ON t.id = l.topic_id JOIN subjects s ON s.id = t.subject_id
                JOIN subject_enrollments e ON e.student_id = h.student_id AND e.subject_id = t.subject_id
                JOIN classrooms c ON c.id = e.classroom_id WHERE c.school_id = 1
            """)
                )
            ).all()
            as_of = max(
                as_time(r[0])
                for r in (
                    await connection.execute(text("SELECT accessed_at FROM learning_history"))
                ).all()
            )
            students = (
                await connection.execute(
                    text(
                        "SELECT count(DISTINCT e.student_id) FROM subject_enrollments e JOIN classrooms c ON c.id = e.classroom_id WHERE c.school_id = 1"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    week = [h for h in history if as_time(h.accessed_at) > as_of - timedelta(days=7)]
    admin = bearer((await login(loaded, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    data = (await loaded.get("/api/v1/admin/analytics/school/1/", headers=admin)).json()["data"]
    assert data["school_name"] == "St. Mary's Academy"
    assert data["total_students"] == students and data["total_teachers"] == teachers
    assert data["average_engagement"] == round(100 * len({h.student_id for h in week}) / students)
    assert data["lessons_completed_week"] == sum(h.status == "completed" for h in week)
    assert data["lessons_completed_today"] == sum(
        h.status == "completed" and as_time(h.accessed_at).date() == as_of.date() for h in history
    )
    active = defaultdict(set)
    for h in week:
        active[h.name].add(h.student_id)
    assert [s["subject"] for s in data["top_subjects"]] == sorted(
        active, key=lambda name: (-len(active[name]), name)
    )[:5]
    assert [s["students_active"] for s in data["top_subjects"]] == sorted(
        (len(v) for v in active.values()), reverse=True
    )[:5]
    own = bearer((await login(loaded, DEMO_ACCOUNTS["SCHOOL_ADMIN"]))["access_token"])
    assert (await loaded.get("/api/v1/admin/analytics/school/1/", headers=own)).json()[
        "data"
    ] == data
    error = assert_error(
        await loaded.get("/api/v1/admin/analytics/school/2/", headers=own),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert error["details"] == {"school_id": ["School with ID 2 not found"]}
    teacher = bearer((await login(loaded, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    assert_error(
        await loaded.get("/api/v1/admin/analytics/school/1/", headers=teacher),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        await loaded.get("/api/v1/admin/analytics/school/999/", headers=admin),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_national_analytics_for_super_admins(
    loaded: httpx.AsyncClient, demo_database_url: str
) -> None:
    enrollments, _ = await source_rows(demo_database_url)
    engine = make_engine(demo_database_url)
    try:
        async with engine.connect() as connection:
            countries = dict(
                (await connection.execute(text("SELECT id, country FROM schools"))).all()
            )
    finally:
        await engine.dispose()
    admin = bearer((await login(loaded, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    data = (await loaded.get("/api/v1/admin/analytics/national/", headers=admin)).json()["data"]
    for school in data["schools"]:
        rows = [e for e in enrollments if e.school_id == school["school_id"]]
        assert school["total_students"] == len({e.student_id for e in rows})
        assert school["completion_rate"] == pytest.approx(
            sum(e.status == "completed" for e in rows) / len(rows), abs=1e-4
        )
        assert school["school_name"]
    for country in data["countries"]:
        rows = [e for e in enrollments if countries.get(e.school_id) == country["country"]]
        assert country["total_students"] == len({e.student_id for e in rows})
    assert {c["country"] for c in data["countries"]} == {"UG", "ZM"}
    school_admin = bearer((await login(loaded, DEMO_ACCOUNTS["SCHOOL_ADMIN"]))["access_token"])
    assert_error(
        await loaded.get("/api/v1/admin/analytics/national/", headers=school_admin),
        403,
        "PERMISSION_DENIED",
    )


async def test_course_and_school_filters_narrow_the_callers_scope(
    loaded: httpx.AsyncClient, demo_database_url: str
) -> None:
    enrollments, history = await source_rows(demo_database_url)
    classrooms = await teacher_classrooms(demo_database_url)
    taught = sorted({e.subject_id for e in enrollments if e.classroom_id in classrooms})
    course = taught[0]
    tokens = {
        role: bearer((await login(loaded, DEMO_ACCOUNTS[role]))["access_token"])
        for role in ("SUPER_ADMIN", "SCHOOL_ADMIN", "TEACHER")
    }

    async def get(role: str, path: str) -> dict:
        response = await loaded.get(path, headers=tokens[role])
        assert response.status_code == 200, response.text
        return response.json()

    for role, keep in (
        ("SUPER_ADMIN", lambda e: e.subject_id == course),
        ("TEACHER", lambda e: e.subject_id == course and e.classroom_id in classrooms),
    ):
        want = expected(enrollments, history, keep)
        only = f"course_id=course_{course}"
        assert await get(role, f"/api/total-students?{only}") == {
            "total_students": want["total_students"]
        }
        assert (await get(role, f"/api/completion-rate?{only}"))[
            "completion_rate"
        ] == pytest.approx(want["completion_rate"], abs=1e-4)
        assert (await get(role, f"/api/activity-trend?{only}"))["activity"] == list(
            want["activity"].values()
        )
        courses = (await get(role, f"/api/course-analytics?{only}"))["courses"]
        assert [c["course_id"] for c in courses] == [f"course_{course}"]

    # A super admin narrowed to a school sees what that school's admin sees.
    for path in ("/api/total-students", "/api/average-score", "/api/weekly-progress"):
        assert await get("SUPER_ADMIN", f"{path}?school_id=1") == await get("SCHOOL_ADMIN", path)
    graphql = await loaded.post(
        "/graphql",
        json={"query": "{ analytics(schoolId: 1) { totalStudents } }"},
        headers=tokens["SUPER_ADMIN"],
    )
    assert (
        graphql.json()["data"]["analytics"]["totalStudents"]
        == (await get("SCHOOL_ADMIN", "/api/total-students"))["total_students"]
    )

    # Filters never widen a scope: one the caller cannot see is missing, and says which.
    other = assert_error(
        await loaded.get("/api/total-students?school_id=2", headers=tokens["SCHOOL_ADMIN"]),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert set(other["details"]) == {"school_id"}
    unknown = assert_error(
        await loaded.get("/api/top-courses?course_id=course_999999", headers=tokens["TEACHER"]),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert set(unknown["details"]) == {"course_id"}
    assert_error(
        await loaded.get("/api/score-trend?school_id=abc", headers=tokens["SUPER_ADMIN"]),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await loaded.get("/api/total-students?school_id=999999", headers=tokens["SUPER_ADMIN"]),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_cached_profiles_are_each_students_own(
    loaded: httpx.AsyncClient, demo_database_url: str
) -> None:
    """Profiles are cached as objects and their history tables completed once: asking for
    several students in turn, twice, gives each their own history every time."""
    engine = make_engine(demo_database_url)
    try:
        async with engine.connect() as connection:
            visits = (
                await connection.execute(
                    text(
                        "SELECT student_id, accessed_at FROM learning_history WHERE student_id IN "
                        "(SELECT DISTINCT student_id FROM learning_history ORDER BY student_id LIMIT 3)"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    days: dict[int, set] = defaultdict(set)
    for student, at in visits:
        days[student].add(as_time(at).date())
    rows = sorted((student, len(dates)) for student, dates in days.items())
    headers = bearer((await login(loaded, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    first: dict[int, dict] = {}
    for _ in range(2):
        for student, days in rows:
            body = (await loaded.get(f"/api/student/{student}/profile", headers=headers)).json()
            assert body["student_id"] == student
            assert len(body["activity_history"]) == days
            assert first.setdefault(student, body) == body
    assert len({str(body["activity_history"]) for body in first.values()}) == len(rows)
