"""AI-led lessons (grio-api-v1.txt §5.2, §5.3) over REST on SQLite and PostgreSQL: the stored
walk from introduction to completed, the teaching style in the wording, answers checked and
fed back, and the finished lesson recorded as the learner's progress."""

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from tests.contract_examples import assert_shape, examples
from tests.test_admin_schools import database_url, headers_of  # noqa: F401  (fixture)
from tests.test_error_paths import assert_error
from tests.test_students import rows
from tests.test_tutor import client, start_lesson  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio
START = "/api/v1/ai/lesson/start/"
NEXT = "/api/v1/ai/lesson/next/"


async def step(
    client: httpx.AsyncClient,  # noqa: F811
    headers: dict[str, str],
    delivery: str,
    response: str | None = None,
) -> dict:
    body: dict[str, object] = {"lesson_delivery_id": delivery}
    if response is not None:
        body["student_response"] = response
    answer = await client.post(NEXT, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert_shape(answer.json(), examples()[("POST", NEXT)])
    return answer.json()["data"]


async def test_a_lesson_walks_to_completion_and_counts_as_progress(
    client: httpx.AsyncClient,  # noqa: F811
    database_url: str,  # noqa: F811
) -> None:
    lesson = await start_lesson(client, database_url, "Verbs and Actions")
    student = await headers_of(client, "STUDENT")
    started = await client.post(
        START,
        json={
            "session_id": lesson.session_id,
            "lesson_id": lesson.lesson_id,
            "teaching_style": "socratic",
        },
        headers=student,
    )
    assert started.status_code == 201, started.text
    assert_shape(started.json(), examples()[("POST", START)])
    data = started.json()["data"]
    assert data["phase"] == "introduction" and data["next_action"] == "present_content"
    assert "what do you already know" in data["introduction_message"].lower()
    delivery = data["lesson_delivery_id"]

    phases, answers_key = [], None
    [(key,)] = await rows(
        database_url,
        "SELECT qq.answer FROM quiz_questions qq JOIN quizzes q ON q.id = qq.quiz_id "
        "WHERE q.lesson_id = :l",
        l=lesson.lesson_id,
    )
    current = await step(client, student, delivery, "I think verbs are doing words")
    while current["phase"] != "completed":
        phases.append(current["phase"])
        if current["phase"] == "content":
            assert current["question"] and current["next_action"] == "ask_question"  # socratic
        if current["phase"] == "question":
            assert key in current["question"] and current["next_action"] == "submit_answer"
            answers_key = key
            # A question's step needs an answer.
            missing = await client.post(
                NEXT, json={"lesson_delivery_id": delivery}, headers=student
            )
            assert_error(missing, 422, "VALIDATION_ERROR")
            current = await step(client, student, delivery, f" {key.upper()} ")
            assert current["phase"] == "feedback" and current["content"].startswith("That's right")
            continue
        current = await step(client, student, delivery)
    assert phases == ["content", "content", "question", "feedback", "summary"], phases
    assert answers_key is not None
    assert_error(
        await client.post(NEXT, json={"lesson_delivery_id": delivery}, headers=student),
        409,
        "LESSON_COMPLETED",
    )
    [(status, score)] = await rows(
        database_url,
        "SELECT status, score FROM lesson_progress WHERE lesson_id = :l AND student_id = "
        "(SELECT id FROM users WHERE email = :e)",
        l=lesson.lesson_id,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    assert status == "completed" and score == 100


async def test_styles_shape_the_wording_and_wrong_answers_are_corrected(
    client: httpx.AsyncClient,  # noqa: F811
    database_url: str,  # noqa: F811
) -> None:
    lesson = await start_lesson(client, database_url, "Parts of Speech Overview")
    learner = await headers_of(client, "STUDENT")
    story = (
        await client.post(
            START,
            json={
                "session_id": lesson.session_id,
                "lesson_id": lesson.lesson_id,
                "teaching_style": "story",
            },
            headers=learner,
        )
    ).json()["data"]
    assert "story" in story["introduction_message"]
    first = await step(client, learner, story["lesson_delivery_id"])
    assert first["content"].startswith("Picture this:") and first["question"] is None
    await step(client, learner, story["lesson_delivery_id"])
    question = await step(client, learner, story["lesson_delivery_id"])
    assert question["phase"] == "question"
    feedback = await step(client, learner, story["lesson_delivery_id"], "something else entirely")
    assert feedback["content"].startswith("Not quite") and feedback["next_action"] == "summarize"

    bad = await client.post(
        START,
        json={
            "session_id": lesson.session_id,
            "lesson_id": lesson.lesson_id,
            "teaching_style": "shouting",
        },
        headers=learner,
    )
    assert_error(bad, 422, "VALIDATION_ERROR")
    assert_error(
        await client.post(NEXT, json={"lesson_delivery_id": "ld_nothing"}, headers=learner),
        404,
        "RESOURCE_NOT_FOUND",
    )
    # A learner's delivery is theirs alone, even to the class's teacher.
    teacher = await headers_of(client, "TEACHER")
    assert_error(
        await client.post(
            NEXT, json={"lesson_delivery_id": story["lesson_delivery_id"]}, headers=teacher
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_a_lesson_outside_the_students_subjects_is_refused_at_the_start(
    client: httpx.AsyncClient,  # noqa: F811
    database_url: str,  # noqa: F811
) -> None:
    lesson = await start_lesson(client, database_url, "Parts of Speech Overview")
    student = await headers_of(client, "STUDENT")
    [(foreign,)] = await rows(
        database_url,
        "SELECT min(l.id) FROM lessons l JOIN topics t ON t.id = l.topic_id "
        "WHERE t.subject_id NOT IN (SELECT subject_id FROM subject_enrollments "
        "WHERE student_id = (SELECT id FROM users WHERE email = :e))",
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    refused = assert_error(
        await client.post(
            START, json={"session_id": lesson.session_id, "lesson_id": foreign}, headers=student
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(refused["details"]) == {"lesson_id"}
    assert await rows(database_url, "SELECT count(*) FROM lesson_deliveries") == [(0,)]


async def test_the_classs_teacher_delivers_a_lesson_and_another_teacher_cannot(
    client: httpx.AsyncClient,  # noqa: F811
    database_url: str,  # noqa: F811
) -> None:
    from tests.test_safeguarding import other_teacher, sign_in_as

    lesson = await start_lesson(client, database_url, "Verbs and Actions")
    teacher = await headers_of(client, "TEACHER")
    body = {"session_id": lesson.session_id, "lesson_id": lesson.lesson_id}
    started = await client.post(START, json=body, headers=teacher)
    assert started.status_code == 201, started.text
    delivery = started.json()["data"]["lesson_delivery_id"]
    step = await client.post(NEXT, json={"lesson_delivery_id": delivery}, headers=teacher)
    assert step.status_code == 200 and step.json()["data"]["phase"] == "content", step.text
    # The same through GraphQL.
    query = (
        "mutation($s: String!, $l: Int!) { startGuidedLesson(sessionId: $s, lessonId: $l) "
        "{ lessonDeliveryId phase } }"
    )
    answer = await client.post(
        "/graphql",
        json={"query": query, "variables": {"s": lesson.session_id, "l": lesson.lesson_id}},
        headers=teacher,
    )
    assert answer.json()["data"]["startGuidedLesson"]["phase"] == "introduction", answer.text
    # No progress is recorded for the teacher.
    assert await rows(
        database_url,
        "SELECT count(*) FROM lesson_progress WHERE student_id = "
        "(SELECT id FROM users WHERE email = :e)",
        e=DEMO_ACCOUNTS["TEACHER"],
    ) == [(0,)]
    outsider = await sign_in_as(client, await other_teacher(database_url, lesson.class_id))
    assert_error(await client.post(START, json=body, headers=outsider), 404, "RESOURCE_NOT_FOUND")
