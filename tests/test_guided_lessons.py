"""AI-led lessons over REST on SQLite and PostgreSQL: the stored
walk from introduction to completed, the teaching style in the wording, answers checked and
fed back, and the finished lesson recorded as the learner's progress."""

import json

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from tests.contract_examples import assert_shape, examples
from tests.helpers import assert_error, headers_of, rows
from tests.tutor_helpers import Lesson, start_lesson

pytestmark = pytest.mark.anyio
START = "/api/v1/ai/lesson/start/"
NEXT = "/api/v1/ai/lesson/next/"


async def step(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    delivery: str,
    response: str | None = None,
) -> dict:
    body: dict[str, object] = {"lesson_delivery_id": delivery}
    if response is not None:
        body["student_response"] = response
    answer = await writable_client.post(NEXT, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert_shape(answer.json(), examples()[("POST", NEXT)])
    return answer.json()["data"]


async def test_a_lesson_walks_to_completion_and_counts_as_progress(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Verbs and Actions")
    student = await headers_of(writable_client, "STUDENT")
    started = await writable_client.post(
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
    # The Socratic opening asks what the learner knows, and waits for the answer.
    assert data["phase"] == "introduction" and data["next_action"] == "ask_question"
    assert "what do you already know" in data["introduction_message"].lower()
    delivery = data["lesson_delivery_id"]

    phases, answers_key = [], None
    [(key,)] = await rows(
        database_url,
        "SELECT qq.answer FROM quiz_questions qq JOIN quizzes q ON q.id = qq.quiz_id "
        "WHERE q.lesson_id = :l",
        l=lesson.lesson_id,
    )
    current = await step(writable_client, student, delivery, "I think verbs are doing words")
    assert "verbs" in current["content"]  # the learner's own lesson word, picked up
    while current["phase"] != "completed":
        phases.append(current["phase"])
        if current["phase"] == "content":
            assert current["question"] and current["next_action"] == "ask_question"  # socratic
            current = await step(
                writable_client, student, delivery, "a verb shows an action like run"
            )
            continue
        if current["phase"] == "question":
            assert key in current["question"] and current["next_action"] == "submit_answer"
            answers_key = key
            # A question's step needs an answer.
            missing = await writable_client.post(
                NEXT, json={"lesson_delivery_id": delivery}, headers=student
            )
            assert_error(missing, 422, "VALIDATION_ERROR")
            current = await step(writable_client, student, delivery, f" {key.upper()} ")
            assert current["phase"] == "feedback" and current["content"].startswith("That's right")
            continue
        current = await step(writable_client, student, delivery)
    # The video retells the text: it is not presented a second time.
    assert phases == ["content", "question", "feedback", "summary"], phases
    assert answers_key is not None
    assert_error(
        await writable_client.post(NEXT, json={"lesson_delivery_id": delivery}, headers=student),
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
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    learner = await headers_of(writable_client, "STUDENT")
    story = (
        await writable_client.post(
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
    first = await step(writable_client, learner, story["lesson_delivery_id"])
    assert first["content"].startswith("Picture this:") and first["question"] is None
    question = await step(writable_client, learner, story["lesson_delivery_id"])
    assert question["phase"] == "question"
    hint = await step(
        writable_client, learner, story["lesson_delivery_id"], "something else entirely"
    )
    assert hint["phase"] == "question" and "hint" in hint["content"]  # a second try first
    feedback = await step(
        writable_client, learner, story["lesson_delivery_id"], "something else again"
    )
    assert feedback["content"].startswith("Not quite") and feedback["next_action"] == "summarize"

    bad = await writable_client.post(
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
        await writable_client.post(
            NEXT, json={"lesson_delivery_id": "ld_nothing"}, headers=learner
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    # A learner's delivery is theirs alone, even to the class's teacher.
    teacher = await headers_of(writable_client, "TEACHER")
    assert_error(
        await writable_client.post(
            NEXT, json={"lesson_delivery_id": story["lesson_delivery_id"]}, headers=teacher
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_a_lesson_outside_the_students_subjects_is_refused_at_the_start(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    [(foreign,)] = await rows(
        database_url,
        "SELECT min(l.id) FROM lessons l JOIN topics t ON t.id = l.topic_id "
        "WHERE t.subject_id NOT IN (SELECT subject_id FROM subject_enrollments "
        "WHERE student_id = (SELECT id FROM users WHERE email = :e))",
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    refused = assert_error(
        await writable_client.post(
            START, json={"session_id": lesson.session_id, "lesson_id": foreign}, headers=student
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(refused["details"]) == {"lesson_id"}
    assert await rows(database_url, "SELECT count(*) FROM lesson_deliveries") == [(0,)]


async def test_the_classs_teacher_delivers_a_lesson_and_another_teacher_cannot(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    from tests.helpers import other_teacher, sign_in_as

    lesson = await start_lesson(writable_client, database_url, "Verbs and Actions")
    teacher = await headers_of(writable_client, "TEACHER")
    body = {"session_id": lesson.session_id, "lesson_id": lesson.lesson_id}
    started = await writable_client.post(START, json=body, headers=teacher)
    assert started.status_code == 201, started.text
    delivery = started.json()["data"]["lesson_delivery_id"]
    step = await writable_client.post(NEXT, json={"lesson_delivery_id": delivery}, headers=teacher)
    assert step.status_code == 200 and step.json()["data"]["phase"] == "content", step.text
    # The same through GraphQL.
    query = (
        "mutation($s: String!, $l: Int!) { startGuidedLesson(sessionId: $s, lessonId: $l) "
        "{ lessonDeliveryId phase } }"
    )
    answer = await writable_client.post(
        "/graphql",
        json={"query": query, "variables": {"s": lesson.session_id, "l": lesson.lesson_id}},
        headers=teacher,
    )
    assert answer.json()["data"]["startGuidedLesson"]["phase"] == "INTRODUCTION", answer.text
    practice = (
        "mutation($s: String!, $t: Int!) { practiceQuestion(sessionId: $s, topicId: $t) "
        "{ questionId options } }"
    )
    asked = await writable_client.post(
        "/graphql",
        json={"query": practice, "variables": {"s": lesson.session_id, "t": lesson.topic_id}},
        headers=teacher,
    )
    assert asked.json()["data"]["practiceQuestion"]["questionId"].startswith("q_"), asked.text
    # No progress is recorded for the teacher.
    assert await rows(
        database_url,
        "SELECT count(*) FROM lesson_progress WHERE student_id = "
        "(SELECT id FROM users WHERE email = :e)",
        e=DEMO_ACCOUNTS["TEACHER"],
    ) == [(0,)]
    outsider = await sign_in_as(writable_client, await other_teacher(database_url, lesson.class_id))
    assert_error(
        await writable_client.post(START, json=body, headers=outsider), 404, "RESOURCE_NOT_FOUND"
    )


async def begin(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    lesson: Lesson,
    style: str = "socratic",
) -> str:
    started = await writable_client.post(
        START,
        json={
            "session_id": lesson.session_id,
            "lesson_id": lesson.lesson_id,
            "teaching_style": style,
        },
        headers=headers,
    )
    assert started.status_code == 201, started.text
    return str(started.json()["data"]["lesson_delivery_id"])


async def quiz_key(database_url: str, lesson: Lesson) -> tuple[str, list[str]]:
    [(key, options)] = await rows(
        database_url,
        "SELECT qq.answer, qq.options FROM quiz_questions qq JOIN quizzes q ON q.id = qq.quiz_id "
        "WHERE q.lesson_id = :l",
        l=lesson.lesson_id,
    )
    return key, options if isinstance(options, list) else json.loads(options)


async def test_a_socratic_lesson_reads_the_learner_and_does_not_praise_a_miss(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    delivery = await begin(writable_client, student, lesson)
    # Nonsense and an empty answer are asked again; the lesson does not move on.
    for said in ("banana purple 42 zzzz", "   ", "?"):
        again = await step(writable_client, student, delivery, said)
        assert (
            again["next_action"] == "ask_question" and "didn't quite understand" in again["content"]
        )
        assert "Thank you" not in again["content"]
    # A misconception is corrected with the lesson's own definition.
    corrected = await step(writable_client, student, delivery, "nouns are action words")
    assert corrected["phase"] == "content"
    assert (
        "not a noun" in corrected["content"]
        and "A noun is a word that names" in corrected["content"]
    )
    blocks = [corrected["content"]]
    # Answering the reflection moves the lesson on.
    question = await step(writable_client, student, delivery, "names of things")
    while question["phase"] == "content":  # a further passage
        blocks.append(question["content"])
        question = await step(writable_client, student, delivery, "names of people and places")
    assert question["phase"] == "question"
    # No sentence of the lesson was presented twice (text and transcript count once).
    said = " ".join(blocks)
    assert said.count("A noun is a word that names") == 1, blocks
    key, options = await quiz_key(database_url, lesson)
    wrong = next(o for o in options if o != key)
    hint = await step(writable_client, student, delivery, wrong)
    assert hint["phase"] == "question" and hint["next_action"] == "submit_answer"
    assert key.lower() not in hint["content"].lower()  # a hint, not the answer
    revealed = await step(writable_client, student, delivery, wrong)
    assert revealed["phase"] == "feedback" and key in revealed["content"]
    summary = await step(writable_client, student, delivery)
    assert summary["phase"] == "summary"
    assert "0 of 1" in summary["content"] and "Well done" not in summary["content"]
    done = await step(writable_client, student, delivery)
    assert done["phase"] == "completed" and "Well done" not in done["content"]
    # This visit is recorded as attempted, with its score (the demo learner had finished
    # the lesson before, which stays so).
    [(status, score), *_] = await rows(
        database_url,
        "SELECT status, score FROM learning_history WHERE lesson_id = :l AND student_id = "
        "(SELECT id FROM users WHERE email = :e) ORDER BY updated_at DESC",
        l=lesson.lesson_id,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    assert status != "completed" and score == 0


async def test_a_guided_lesson_never_gives_away_an_open_practice_answer_and_flags_a_cry_for_help(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Verbs and Actions")
    student = await headers_of(writable_client, "STUDENT")
    # The same quiz item, open in practice: its key must be found there.
    key, options = await quiz_key(database_url, lesson)
    for _ in range(12):
        asked = await writable_client.post(
            "/api/v1/ai/practice/question/",
            json={"session_id": lesson.session_id, "topic_id": lesson.topic_id},
            headers=student,
        )
        assert asked.status_code == 200, asked.text
        if key.lower() in asked.json()["data"]["question"].lower() and set(
            asked.json()["data"]["options"]
        ) == set(options):
            break
    else:
        pytest.fail("the lesson's quiz item was not served in practice")
    delivery = await begin(writable_client, student, lesson, style="direct")
    current = await step(writable_client, student, delivery)
    while current["phase"] != "question":
        current = await step(writable_client, student, delivery)
    help_me = await step(writable_client, student, delivery, "i dont want to live anymore")
    assert help_me["phase"] == "question" and "116" in help_me["content"]
    assert await rows(database_url, "SELECT source, category FROM tutor_flags") == [
        ("guided_lesson", "self_harm")
    ]
    wrong = next(o for o in options if o != key)
    seen = []
    for _ in range(2):
        current = await step(writable_client, student, delivery, wrong)
        seen.append(current["content"])
    assert current["phase"] == "feedback"
    assert all(key.lower() not in c.lower() for c in seen), seen
