"""Adaptive practice over REST on SQLite and PostgreSQL: questions
from the quiz bank and the lessons with the answer key kept on the server, answers accepted
by letter or text, points by difficulty once per question, an Elo-style rating per topic
that raises the difficulty, and the tutor never giving away an open question's answer."""

import asyncio
import json
import random

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from resolvers.practice import POINTS, difficulty_for, elo
from tests.contract_examples import assert_shape, examples
from tests.helpers import assert_error, bearer, headers_of, login, other_teacher, rows, sign_in_as
from tests.tutor_helpers import Lesson, ask, start_lesson

pytestmark = pytest.mark.anyio
QUESTION = "/api/v1/ai/practice/question/"
VALIDATE = "/api/v1/ai/practice/validate/"


async def key_of(database_url: str, question_id: str) -> tuple[str, list]:
    [(answer, options)] = await rows(
        database_url,
        "SELECT answer_key, options FROM practice_questions WHERE id = :q",
        q=question_id,
    )
    return answer, options if isinstance(options, list) else json.loads(options)


async def new_question(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    lesson: Lesson,
    **fields: object,
) -> httpx.Response:
    body = {"session_id": lesson.session_id, "topic_id": lesson.topic_id, **fields}
    return await writable_client.post(QUESTION, json=body, headers=headers)


async def check(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    question_id: str,
    answer: str,
    **fields: object,
) -> httpx.Response:
    body = {"question_id": question_id, "student_answer": answer, **fields}
    return await writable_client.post(VALIDATE, json=body, headers=headers)


def data(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def rating(database_url: str, topic_id: int) -> float | None:
    found = await rows(
        database_url,
        "SELECT rating FROM topic_ratings WHERE topic_id = :t AND student_id = "
        "(SELECT id FROM users WHERE email = :e)",
        t=topic_id,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    return float(found[0][0]) if found else None


async def test_questions_keep_their_key_and_answers_score_once(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    asked = await new_question(
        writable_client, student, lesson, difficulty="medium", question_type="multiple_choice"
    )
    assert_shape(asked.json(), examples()[("POST", QUESTION)])
    question = data(asked)
    key, options = await key_of(database_url, question["question_id"])
    assert question["options"] == options and key in options
    assert "answer" not in str(list(question)) and question["difficulty"] == "medium"
    assert question["question"].endswith(
        ", ".join(f"{'ABCD'[i]}) {o}" for i, o in enumerate(options))
    )

    letter = "ABCD"[options.index(key)]
    right = await check(
        writable_client,
        student,
        question["question_id"],
        letter.lower(),
        session_id=lesson.session_id,
    )
    assert_shape(right.json(), examples()[("POST", VALIDATE)])
    first = data(right)
    assert first["is_correct"] is True and first["points_awarded"] == 10
    assert await rating(database_url, lesson.topic_id) == elo(1000.0, "medium", True)
    # Again, by the option's text in another case and spacing: right, but no more points.
    again = data(
        await check(writable_client, student, question["question_id"], f"  {key.upper()} ")
    )
    assert again["is_correct"] is True and again["points_awarded"] == 0
    assert await rating(database_url, lesson.topic_id) == elo(1000.0, "medium", True)

    other = data(await new_question(writable_client, student, lesson, difficulty="easy"))
    other_key, other_options = await key_of(database_url, other["question_id"])
    wrong_option = next(o for o in other_options if o != other_key)
    wrong = data(await check(writable_client, student, other["question_id"], wrong_option))
    assert wrong["is_correct"] is False and wrong["points_awarded"] == 0
    assert other_key in wrong["feedback"]  # the key is told once the attempt is made
    expected = elo(elo(1000.0, "medium", True), "easy", False)
    assert await rating(database_url, lesson.topic_id) == expected


GRAPHQL_QUESTION = """mutation($s: String!, $t: Int!) {
  practiceQuestion(sessionId: $s, topicId: $t, difficulty: MEDIUM, questionType: MULTIPLE_CHOICE) {
    questionId questionType difficulty
  }
}"""
GRAPHQL_VALIDATE = """mutation($q: String!, $a: String!) {
  validatePracticeAnswer(questionId: $q, studentAnswer: $a) {
    difficultyAdjustment nextQuestionDifficulty
  }
}"""


async def test_graphql_answers_the_enums_names_and_rest_their_values(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    """The teacher practises with the class (never rated: the band stays medium)."""
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    teacher = await headers_of(writable_client, "TEACHER")
    variables = {"s": lesson.session_id, "t": lesson.topic_id}
    asked = await writable_client.post(
        "/graphql", json={"query": GRAPHQL_QUESTION, "variables": variables}, headers=teacher
    )
    question = asked.json()["data"]["practiceQuestion"]
    assert question["questionType"] == "MULTIPLE_CHOICE"
    assert question["difficulty"] in {"EASY", "MEDIUM", "HARD"}
    key, _ = await key_of(database_url, question["questionId"])
    checked = await writable_client.post(
        "/graphql",
        json={"query": GRAPHQL_VALIDATE, "variables": {"q": question["questionId"], "a": key}},
        headers=teacher,
    )
    assert checked.json()["data"]["validatePracticeAnswer"] == {
        "difficultyAdjustment": "MAINTAIN",
        "nextQuestionDifficulty": "MEDIUM",
    }
    # REST: the contract's values, and the values it accepts in any case.
    rest = data(await new_question(writable_client, teacher, lesson, difficulty="Medium"))
    assert rest["question_type"] == "multiple_choice"
    assert rest["difficulty"] in {"easy", "medium", "hard"}
    key, _ = await key_of(database_url, rest["question_id"])
    outcome = data(await check(writable_client, teacher, rest["question_id"], key))
    assert (outcome["difficulty_adjustment"], outcome["next_question_difficulty"]) == (
        "maintain",
        "medium",
    )


async def test_points_once_per_item_and_adjustments_that_follow_the_answers(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    """A generated sequence of right and wrong answers, asking for any band: every item
    earns points on the learner's first answer to it only, whatever id it comes back
    under; the difficulty served is the item's own; "increase" never follows a wrong
    answer nor "decrease" a right one, and the next difficulty is the new rating's band."""
    lesson = await start_lesson(writable_client, database_url, "Verbs and Actions")
    student = await headers_of(writable_client, "STUDENT")
    chance = random.Random(1)
    answered: set[str] = set()
    for turn in range(40):
        asked_for = chance.choice(["easy", "medium", "hard", None])
        kind = chance.choice(["multiple_choice", "short_answer"])
        fields = {"question_type": kind, **({"difficulty": asked_for} if asked_for else {})}
        question = data(await new_question(writable_client, student, lesson, **fields))
        [(item, served)] = await rows(
            database_url,
            "SELECT item_key, difficulty FROM practice_questions WHERE id = :q",
            q=question["question_id"],
        )
        assert question["difficulty"] == served
        key, options = await key_of(database_url, question["question_id"])
        right = chance.random() < 0.6
        given = key if right else next((o for o in options if o != key), "not the answer")
        before = await rating(database_url, lesson.topic_id) or 1000.0
        outcome = data(await check(writable_client, student, question["question_id"], given))
        after = await rating(database_url, lesson.topic_id) or 1000.0
        assert outcome["is_correct"] is right
        first = item not in answered
        answered.add(item)
        assert outcome["points_awarded"] == (POINTS[served] if first and right else 0), turn
        if not first:
            assert "earns no points" in outcome["feedback"] and after == before
        assert outcome["difficulty_adjustment"] != ("decrease" if right else "increase"), turn
        assert outcome["next_question_difficulty"] == difficulty_for(after)
    assert len(answered) < 40  # items did come back, and earned nothing the second time


async def test_short_answers_from_the_lessons_and_no_answers_given_away(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    blanks = []
    for _ in range(8):
        question = data(
            await new_question(writable_client, student, lesson, question_type="short_answer")
        )
        assert question["options"] == [] and question["estimated_time_seconds"] >= 45
        if question["question"].startswith("Fill in the blank"):
            blanks.append(question)
    assert blanks, "a question made from a lesson's definition"
    key, _ = await key_of(database_url, blanks[0]["question_id"])
    assert key.lower() not in blanks[0]["question"].lower().replace("fill in the blank", "")
    checked = data(
        await check(writable_client, student, blanks[0]["question_id"], f"{key.upper()}.")
    )
    assert checked["is_correct"] is True and key in checked["explanation"]

    # An open multiple-choice question: the tutor guides without saying its answer.
    open_question = data(await new_question(writable_client, student, lesson, difficulty="hard"))
    open_key, _ = await key_of(database_url, open_question["question_id"])
    hint = await ask(
        writable_client, student, lesson.session_id, open_question["question"], mode="practice"
    )
    assert hint["type"] == "hint" and "?" in hint["message"]
    assert open_key.lower() not in hint["message"].lower()
    assert all(open_key.lower() not in s.lower() for s in hint["metadata"]["follow_up_suggestions"])


async def test_practice_is_for_the_learner_who_was_asked(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    bad = assert_error(
        await new_question(
            writable_client, student, lesson, difficulty="extreme", question_type="essay"
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert bad["details"] == {
        "difficulty": ["Must be one of easy, medium, hard, got 'extreme'."],
        "question_type": ["Must be one of multiple_choice, short_answer, got 'essay'."],
    }
    question = data(await new_question(writable_client, student, lesson))
    [(classmate,)] = await rows(
        database_url,
        "SELECT min(u.email) FROM users u JOIN classroom_students cs ON cs.student_id = u.id "
        "WHERE cs.classroom_id = :c AND u.email <> :e",
        c=lesson.class_id,
        e=DEMO_ACCOUNTS["STUDENT"],
    )
    other = bearer((await login(writable_client, classmate))["access_token"])
    refused = await check(writable_client, other, question["question_id"], "A")
    assert_error(refused, 404, "RESOURCE_NOT_FOUND")
    # The class's teacher runs practice for the class: answered, never scored or rated.
    teacher = await headers_of(writable_client, "TEACHER")
    asked = data(
        await new_question(writable_client, teacher, lesson, question_type="multiple_choice")
    )
    key, _ = await key_of(database_url, asked["question_id"])
    graded = data(await check(writable_client, teacher, asked["question_id"], key))
    assert graded["is_correct"] and graded["points_awarded"] == 0
    assert await rows(
        database_url,
        "SELECT count(*) FROM topic_ratings WHERE student_id = "
        "(SELECT id FROM users WHERE email = :e)",
        e=DEMO_ACCOUNTS["TEACHER"],
    ) == [(0,)]
    # Another teacher of the school is told the session does not exist.
    outsider = await sign_in_as(writable_client, await other_teacher(database_url, lesson.class_id))
    assert_error(await new_question(writable_client, outsider, lesson), 404, "RESOURCE_NOT_FOUND")
    assert (
        await writable_client.post(f"/api/v1/sessions/{lesson.session_id}/end/", headers=teacher)
    ).is_success
    assert_error(await new_question(writable_client, student, lesson), 409, "SESSION_NOT_ACTIVE")


async def test_validating_at_once_from_two_tabs_scores_once(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Adjectives Describe Nouns")
    student = await headers_of(writable_client, "STUDENT")
    question = data(await new_question(writable_client, student, lesson, difficulty="hard"))
    key, _ = await key_of(database_url, question["question_id"])
    answers = await asyncio.gather(
        *(check(writable_client, student, question["question_id"], key) for _ in range(5))
    )
    awarded = [data(answer)["points_awarded"] for answer in answers]
    assert sorted(awarded) == [0, 0, 0, 0, POINTS[question["difficulty"]]]
    assert await rating(database_url, lesson.topic_id) == elo(1000.0, question["difficulty"], True)


async def test_a_cry_for_help_typed_as_an_answer_is_not_scored_and_is_flagged(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Verbs and Actions")
    student = await headers_of(writable_client, "STUDENT")
    question = data(await new_question(writable_client, student, lesson))
    outcome = data(
        await check(writable_client, student, question["question_id"], "nobody would miss me")
    )
    assert outcome["points_awarded"] == 0 and "116" in outcome["feedback"]
    assert await rows(database_url, "SELECT source, category FROM tutor_flags") == [
        ("practice", "self_harm")
    ]
    # The question is still open: a real answer later is scored as the first.
    key, _ = await key_of(database_url, question["question_id"])
    later = data(await check(writable_client, student, question["question_id"], key))
    assert later["is_correct"] and later["points_awarded"] > 0
