"""The catalogue over REST and GraphQL, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import text

from learnloom.demo import DEMO_ACCOUNTS, TERM_DATES
from tests.helpers import assert_error, bearer, login
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio
PAGINATION = {"limit", "offset", "total", "has_next", "has_previous"}


@pytest.fixture
async def teacher(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])


async def get(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, **params: object
) -> dict:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def assert_page(body: dict, keys: set[str]) -> list[dict]:
    assert set(body) == {"data", "pagination"}
    assert set(body["pagination"]) == PAGINATION
    for item in body["data"]:
        assert set(item) == keys
    return body["data"]


async def first_id(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, **params: object
) -> int:
    return (await get(client, headers, path, **params))["data"][0]["id"]


async def test_curricula(client: httpx.AsyncClient, teacher: dict[str, str]) -> None:
    body = await get(client, teacher, "/api/v1/curricula/")
    items = assert_page(
        body,
        {"id", "name", "country", "short_code", "description", "grades", "is_active", "created_at"},
    )
    assert [c["short_code"] for c in items] == ["NCDC", "ZEC"]
    assert body["pagination"] == {
        "limit": 20,
        "offset": 0,
        "total": 2,
        "has_next": False,
        "has_previous": False,
    }
    assert items[0]["grades"][:2] == ["P1", "P2"] and items[0]["created_at"].endswith("Z")
    assert [
        c["country"]
        for c in (await get(client, teacher, "/api/v1/curricula/", country="zm"))["data"]
    ] == ["ZM"]
    assert (await get(client, teacher, "/api/v1/curricula/", country="KE"))["data"] == []


async def test_classes_with_filters_pagination_and_errors(
    client: httpx.AsyncClient, teacher: dict[str, str]
) -> None:
    items = assert_page(
        await get(client, teacher, "/api/v1/classes/", curriculum_id=1),
        {"id", "curriculum_id", "grade", "name", "description"},
    )
    assert [c["grade"] for c in items][:3] == ["P1", "P2", "P3"]
    p6 = (await get(client, teacher, "/api/v1/classes/", curriculum_id=1, grade="P6"))["data"]
    assert [(c["name"], c["description"]) for c in p6] == [
        ("Primary 6", "Primary education, Level 6")
    ]
    middle = await get(client, teacher, "/api/v1/classes/", curriculum_id=1, limit=5, offset=5)
    assert middle["pagination"] == {
        "limit": 5,
        "offset": 5,
        "total": 13,
        "has_next": True,
        "has_previous": True,
    }
    assert [c["grade"] for c in middle["data"]] == ["P6", "P7", "S1", "S2", "S3"]
    error = assert_error(
        await client.get("/api/v1/classes/", headers=teacher), 422, "VALIDATION_ERROR"
    )
    assert error["details"] == {"curriculum_id": ["This field is required."]}
    error = assert_error(
        await client.get("/api/v1/classes/?curriculum_id=9999", headers=teacher),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert error["details"] == {"curriculum_id": ["Curriculum with ID 9999 not found"]}
    for bad in ("limit=0", "limit=101", "offset=-1"):
        error = assert_error(
            await client.get(f"/api/v1/classes/?curriculum_id=1&{bad}", headers=teacher),
            422,
            "VALIDATION_ERROR",
        )
        assert list(error["details"]) == [bad.split("=")[0]]


async def test_subjects_topics_and_lessons(
    client: httpx.AsyncClient, teacher: dict[str, str]
) -> None:
    class_id = await first_id(client, teacher, "/api/v1/classes/", curriculum_id=1, grade="P6")
    subjects = assert_page(
        await get(client, teacher, "/api/v1/subjects/", class_id=class_id),
        {"id", "class_id", "name", "code", "description"},
    )
    assert {s["class_id"] for s in subjects} == {class_id}  # the class asked for, named as such
    assert {s["name"] for s in subjects} >= {
        "English Language",
        "Mathematics",
        "Science",
        "Social Studies",
    }
    english = next(s["id"] for s in subjects if s["code"] == "ENG")
    topics = assert_page(
        await get(client, teacher, "/api/v1/topics/", class_subject_id=english, term_id=1),
        {"id", "class_subject_id", "term_id", "name", "description", "order", "lesson_count"},
    )
    assert [(t["name"], t["term_id"], t["lesson_count"]) for t in topics] == [
        ("Introduction to Grammar", 1, 3),
        ("Reading Comprehension", 1, 3),
    ]
    assert {t["class_subject_id"] for t in topics} == {english}  # the subject, not the topic
    lessons = assert_page(
        await get(client, teacher, "/api/v1/lessons/", topic_id=topics[0]["id"]),
        {"id", "topic_id", "title", "order", "duration_minutes", "has_quiz", "has_video"},
    )
    assert (
        lessons[0]["title"] == "Parts of Speech Overview"
        and lessons[0]["has_quiz"]
        and lessons[0]["has_video"]
    )
    for path, name in (
        ("/api/v1/subjects/?class_id=9999", "class_id"),
        ("/api/v1/topics/?class_subject_id=9999", "class_subject_id"),
        ("/api/v1/lessons/?topic_id=9999", "topic_id"),
    ):
        error = assert_error(await client.get(path, headers=teacher), 404, "RESOURCE_NOT_FOUND")
        assert list(error["details"]) == [name]
    assert_error(
        await client.get(f"/api/v1/topics/?class_subject_id={english}&term_id=4", headers=teacher),
        422,
        "VALIDATION_ERROR",
    )


def expected_current_term(country: str, today: date) -> int:
    for number, (_start, (month, day)) in enumerate(TERM_DATES[country], start=1):
        if today <= date(today.year, month, day):
            return number
    return 1


async def test_topics_default_to_the_current_term_of_the_schools_country(
    client: httpx.AsyncClient, teacher: dict[str, str]
) -> None:
    for curriculum_id, country in ((1, "UG"), (2, "ZM")):
        class_id = await first_id(client, teacher, "/api/v1/classes/", curriculum_id=curriculum_id)
        subject_id = await first_id(client, teacher, "/api/v1/subjects/", class_id=class_id)
        topics = (await get(client, teacher, "/api/v1/topics/", class_subject_id=subject_id))[
            "data"
        ]
        term = expected_current_term(country, datetime.now(UTC).date())
        assert topics and {t["term_id"] for t in topics} == {term}


async def test_lesson_content_answers_the_contract(
    client: httpx.AsyncClient, teacher: dict[str, str]
) -> None:
    lesson_id = await first_id(client, teacher, "/api/v1/lessons/", topic_id=1)
    content = (await get(client, teacher, f"/api/v1/lessons/{lesson_id}/content/"))["data"]
    assert set(content) == {"id", "title", "content_blocks", "estimated_completion_time"}
    blocks = {block["type"]: block for block in content["content_blocks"]}
    assert set(blocks["text"]) == {"type", "content"}
    assert set(blocks["video"]) == {"type", "url", "duration", "transcript"}
    assert set(blocks["quiz"]) == {"type", "quiz_id", "questions_count"}
    assert blocks["quiz"]["questions_count"] == 1 and isinstance(blocks["video"]["duration"], int)
    error = assert_error(
        await client.get("/api/v1/lessons/9999/content/", headers=teacher),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert error["details"] == {"lesson_id": ["Lesson with ID 9999 not found"]}


async def test_a_students_visit_is_recorded_a_teachers_is_not(
    app_client: tuple, teacher: dict[str, str]
) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    student = bearer((await login(client, DEMO_ACCOUNTS["STUDENT"]))["access_token"])

    async def visits() -> int:
        async with engine.connect() as connection:
            return (
                await connection.execute(
                    text("SELECT count(*) FROM learning_history WHERE lesson_id = 7")
                )
            ).scalar_one()

    before = await visits()
    assert (await client.get("/api/v1/lessons/7/content/", headers=teacher)).status_code == 200
    assert await visits() == before
    assert (await client.get("/api/v1/lessons/7/content/", headers=student)).status_code == 200
    assert (await client.get("/api/v1/lessons/7/content/", headers=student)).status_code == 200
    assert await visits() == before + 2


TREE = """query Tree {
  classes(curriculumId: 1, limit: LIMIT) {
    items { name curriculum { shortCode } subjects { name class { grade } topics { name lessonCount lessons {
      title hasQuiz topic { subject { class { curriculum { country } } } }
      contentBlocks { ... on TextBlock { content } ... on VideoBlock { url } ... on QuizBlock { questionsCount } }
    } } } }
  }
}"""


async def test_a_whole_class_tree_in_one_round_trip_with_constant_statements(
    app_client: tuple, teacher: dict[str, str]
) -> None:
    client, app = app_client
    engine = app.state.learnloom.engine
    counts = []
    for limit in (1, 13):
        with count_statements(engine) as statements:
            response = await client.post(
                "/graphql",
                json={"query": TREE.replace("LIMIT", str(limit))},
                headers=teacher,
            )
        body = response.json()
        assert "errors" not in body, body
        classes = body["data"]["classes"]["items"]
        assert len(classes) == limit
        lessons = [
            lesson
            for c in classes
            for s in c["subjects"]
            for t in s["topics"]
            for lesson in t["lessons"]
        ]
        assert len(lessons) == limit * 4 * 6 * 3
        assert lessons[0]["topic"]["subject"]["class"]["curriculum"]["country"] == "UG"
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16  # about one statement per level of the tree, plus auth and paging
