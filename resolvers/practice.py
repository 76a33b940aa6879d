"""Adaptive practice (grio-api-v1.txt §5.4, §5.5). Questions come from the topic's quiz bank
and from its lessons' own sentences (a key word left blank); the answer key stays on the
server. Each learner has an Elo-style rating per topic: a right answer to a hard question
raises it more than to an easy one, a wrong answer to an easy one lowers it more, and the
rating chooses the next question's difficulty. Only a question's first validation counts."""

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from learnloom.errors import NotFound, ValidationFailed
from models.base import new_id
from models.curriculum import ContentBlock, Lesson, Quiz, QuizQuestion, Topic
from models.db import lock_rows, transaction, upsert
from models.enums import Role
from models.identity import User
from models.sessions import PracticeAttempt, PracticeQuestion, TopicRating
from resolvers import tutor_context
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import TUTORED, require_role
from tutor.answers import is_right, lettered
from tutor.text import sentences

DIFFICULTIES = ("easy", "medium", "hard")
TYPES = ("multiple_choice", "short_answer")
# A question's rating by difficulty, the rating's step, and where difficulties change.
QUESTION_RATING = {"easy": 800.0, "medium": 1000.0, "hard": 1200.0}
K_FACTOR = 32.0
START_RATING = 1000.0
POINTS = {"easy": 5, "medium": 10, "hard": 20}
SECONDS = {"easy": 30, "medium": 45, "hard": 60}
# "A noun is ...", "An adjective describes ...": the second word is the one to find.
DEFINITION = re.compile(r"^(An?|The) ([A-Za-z]{3,}) (is|are|describes|shows|means)\b")


@dataclass(frozen=True)
class PracticeQuestionView:
    """A question to answer; its answer key is not part of it."""

    question_id: str
    question: str
    question_type: str
    options: list[str]
    difficulty: str
    estimated_time_seconds: int


@dataclass(frozen=True)
class Validation:
    """How an answer fared, and how the next question adapts."""

    is_correct: bool
    feedback: str
    explanation: str
    points_awarded: int
    difficulty_adjustment: str  # increase, decrease or maintain
    next_question_difficulty: str


@dataclass(frozen=True)
class _Candidate:
    quiz_question_id: int | None
    prompt: str
    options: list[str]
    answer: str
    difficulty: str
    explanation: str


def difficulty_for(rating: float) -> str:
    if rating < 900:
        return "easy"
    return "medium" if rating < 1100 else "hard"


def elo(rating: float, difficulty: str, correct: bool) -> float:
    expected = 1 / (1 + 10 ** ((QUESTION_RATING[difficulty] - rating) / 400))
    return round(rating + K_FACTOR * ((1.0 if correct else 0.0) - expected), 1)


def _check(difficulty: str | None, question_type: str) -> None:
    details = {}
    if difficulty is not None and difficulty not in DIFFICULTIES:
        details["difficulty"] = [f"Must be one of {', '.join(DIFFICULTIES)}."]
    if question_type not in TYPES:
        details["question_type"] = [f"Must be one of {', '.join(TYPES)}."]
    if details:
        raise ValidationFailed(details=details)


async def _rating(session: AsyncSession, student_id: int, topic_id: int) -> float:
    found = await session.get(TopicRating, (student_id, topic_id))
    return found.rating if found else START_RATING


async def _candidates(session: AsyncSession, topic_id: int, question_type: str) -> list[_Candidate]:
    bank = await session.exec(
        select(QuizQuestion)
        .join(Quiz, col(Quiz.id) == col(QuizQuestion.quiz_id))
        .join(Lesson, col(Lesson.id) == col(Quiz.lesson_id))
        .where(col(Lesson.topic_id) == topic_id)
        .order_by(col(QuizQuestion.id))
    )
    found = []
    for row in bank:
        if question_type == "multiple_choice" and len(row.options) >= 2:
            found.append(
                _Candidate(
                    row.id,
                    row.prompt,
                    list(row.options),
                    row.answer,
                    row.difficulty,
                    row.explanation or "",
                )
            )
        elif question_type == "short_answer" and len(row.answer.split()) <= 3:
            found.append(
                _Candidate(
                    row.id, row.prompt, [], row.answer, row.difficulty, row.explanation or ""
                )
            )
    if question_type == "short_answer":
        found += await _blanks(session, topic_id)
    return found


async def _blanks(session: AsyncSession, topic_id: int) -> list[_Candidate]:
    """Questions made from the lessons' definitions: "A ____ is a word that names..."."""
    texts = await session.exec(
        select(ContentBlock.content)
        .join(Lesson, col(Lesson.id) == col(ContentBlock.lesson_id))
        .where(col(Lesson.topic_id) == topic_id, col(ContentBlock.type) == "text")
    )
    made = []
    for text in texts:
        for sentence in sentences(text or ""):
            match = DEFINITION.match(sentence)
            if match:
                term = match.group(2)
                blanked = sentence[: match.start(2)] + "____" + sentence[match.end(2) :]
                made.append(
                    _Candidate(None, f"Fill in the blank: {blanked}", [], term, "medium", sentence)
                )
    return made


def _pick(candidates: list[_Candidate], difficulty: str, solved: set[int]) -> _Candidate:
    """At the difficulty asked for if possible, else the nearest; questions the learner has
    not yet answered right first; among equals, any."""
    wanted = DIFFICULTIES.index(difficulty)

    def distance(c: _Candidate) -> tuple[int, int]:
        level = DIFFICULTIES.index(c.difficulty) if c.difficulty in DIFFICULTIES else 1
        return abs(level - wanted), int(c.quiz_question_id in solved)

    best = min(distance(c) for c in candidates)
    return random.choice([c for c in candidates if distance(c) == best])


async def question(
    context: Context,
    session_id: str,
    topic_id: int,
    difficulty: str | None,
    question_type: str,
) -> PracticeQuestionView:
    user = await current_user(context)
    require_role(user, TUTORED)
    _check(difficulty, question_type)
    assert user.id is not None
    async with transaction(context.state.sessions) as session:
        await tutor_context.active_session(session, user, session_id)
        if await session.get(Topic, topic_id) is None:
            raise NotFound(
                "The requested topic does not exist",
                details={"topic_id": [f"Topic with ID {topic_id} not found"]},
            )
        level = difficulty or difficulty_for(await _rating(session, user.id, topic_id))
        candidates = await _candidates(session, topic_id, question_type)
        if not candidates:
            raise ValidationFailed(
                details={"question_type": [f"This topic has no {question_type} questions."]}
            )
        solved = set(
            await session.exec(
                select(PracticeQuestion.quiz_question_id)
                .join(PracticeAttempt, col(PracticeAttempt.question_id) == col(PracticeQuestion.id))
                .where(
                    col(PracticeQuestion.student_id) == user.id,
                    col(PracticeQuestion.topic_id) == topic_id,
                    col(PracticeAttempt.is_correct).is_(True),
                )
            )
        )
        chosen = _pick(candidates, level, solved)  # type: ignore[arg-type]
        asked = PracticeQuestion(
            id=new_id("q"),
            session_id=session_id,
            student_id=user.id,
            topic_id=topic_id,
            quiz_question_id=chosen.quiz_question_id,
            question=lettered(chosen.prompt, chosen.options),
            question_type=question_type,
            options=chosen.options,
            answer_key=chosen.answer,
            difficulty=level,
        )
        session.add(asked)
    return PracticeQuestionView(
        question_id=asked.id,
        question=asked.question,
        question_type=question_type,
        options=chosen.options,
        difficulty=level,
        estimated_time_seconds=SECONDS[level] + (15 if question_type == "short_answer" else 0),
    )


def _feedback(asked: PracticeQuestion, correct: bool) -> str:
    if correct:
        return f"Excellent! '{asked.answer_key}' is right."
    return f"Not quite. The answer is '{asked.answer_key}'. Have another look at the explanation."


async def validate(
    context: Context, question_id: str, student_answer: str, session_id: str | None
) -> Validation:
    user = await current_user(context)
    require_role(user, TUTORED)
    if not student_answer.strip() or len(student_answer) > 500:
        raise ValidationFailed(details={"student_answer": ["Must be 1 to 500 characters."]})
    assert user.id is not None
    async with transaction(context.state.sessions) as session:
        mine = (
            col(PracticeQuestion.id) == question_id,
            col(PracticeQuestion.student_id) == user.id,
        )
        await lock_rows(session, PracticeQuestion, *mine)  # one validation of it at a time
        asked = (await session.exec(select(PracticeQuestion).where(*mine))).first()
        if asked is None:
            raise NotFound(
                "The requested question does not exist",
                details={"question_id": [f"Question {question_id[:40]} not found"]},
            )
        if session_id is not None and session_id != asked.session_id:
            raise ValidationFailed(
                details={"session_id": ["The question was asked in another session."]}
            )
        correct = is_right(student_answer, asked.answer_key, asked.options)
        first = (
            await session.exec(
                select(PracticeAttempt.id).where(col(PracticeAttempt.question_id) == question_id)
            )
        ).first() is None
        before = await _rating(session, user.id, asked.topic_id)
        # A teacher's answers (delivering practice to the class) are neither scored nor rated.
        counted = first and user.role != Role.TEACHER
        after = elo(before, asked.difficulty, correct) if counted else before
        points = POINTS[asked.difficulty] if counted and correct else 0
        session.add(
            PracticeAttempt(
                question_id=question_id,
                student_id=user.id,
                answer=student_answer[:500],
                is_correct=correct,
                points_awarded=points,
            )
        )
        if counted:
            await _save_rating(session, user, asked.topic_id, after)
    explanation = await _explanation(context, asked)
    following = difficulty_for(after)
    change = DIFFICULTIES.index(following) - DIFFICULTIES.index(asked.difficulty)
    return Validation(
        is_correct=correct,
        feedback=_feedback(asked, correct),
        explanation=explanation,
        points_awarded=points,
        difficulty_adjustment="increase"
        if change > 0
        else "decrease"
        if change < 0
        else "maintain",
        next_question_difficulty=following,
    )


async def _save_rating(session: AsyncSession, user: User, topic_id: int, rating: float) -> None:
    now = datetime.now(UTC)
    await session.exec(
        upsert(session, TopicRating)
        .values(student_id=user.id, topic_id=topic_id, rating=rating, updated_at=now)
        .on_conflict_do_update(
            index_elements=["student_id", "topic_id"], set_={"rating": rating, "updated_at": now}
        )
    )


async def _explanation(context: Context, asked: PracticeQuestion) -> str:
    if asked.quiz_question_id is None:  # a blank made from a lesson's sentence: that sentence
        return asked.question.removeprefix("Fill in the blank: ").replace("____", asked.answer_key)
    async with context.state.sessions() as session:
        quiz_question = await session.get(QuizQuestion, asked.quiz_question_id)
    return (quiz_question.explanation if quiz_question else None) or ""
