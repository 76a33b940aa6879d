"""Adaptive practice (docs/tutor.md, Practice). Items come from the topic's quiz bank and
from its lessons' own sentences (a key word left blank); the answer key stays on the server.

Ratings (Elo, K = 32, on the chess scale):
- each learner has a rating per topic, starting at 1000; each item has its own, starting at
  800, 1000 or 1200 by the difficulty it was written with, and moved by every learner's
  first answer to it (a right answer lowers the item's rating as it raises the learner's);
- an item's difficulty is its current rating's band (below 900 easy, from 1100 hard), never
  the label a request asked for: the label asked for (or, without one, the learner's own
  band) chooses the band items are served from, the nearest band when it has none;
- the difficulty adjustment compares the learner's band after the answer with the band
  before it: a right answer raises the rating, so it never says "decrease", and a wrong
  one lowers it, so it never says "increase".
Points (5, 10, 20 by the item's difficulty when served) are earned once per learner and
item, ever: the first answer a learner gives to an item counts, however many times and
under whatever ids it is served again; later answers earn nothing and say so. Teachers
delivering practice to their class are neither scored nor rated, and rate no item."""

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound, ValidationFailed
from ground.ids import new_id
from models.curriculum import ContentBlock, Lesson, Quiz, QuizQuestion, Topic
from models.db import lock_rows, transaction, upsert
from models.enums import Difficulty, DifficultyAdjustment, QuestionType, Role
from models.identity import User
from models.sessions import (
    ClassSession,
    ItemRating,
    PracticeAttempt,
    PracticeQuestion,
    TopicRating,
)
from resolvers import safeguarding, tutor_context
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import PRACTICE_ANSWER
from resolvers.permissions import TUTORED, require_role
from tutor import safety
from tutor.answers import is_right, lettered
from tutor.text import sentences

DIFFICULTIES = tuple(Difficulty)
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
    question_type: QuestionType
    options: list[str]
    difficulty: Difficulty
    estimated_time_seconds: int


@dataclass(frozen=True)
class Validation:
    """How an answer fared, and how the next question adapts."""

    is_correct: bool
    feedback: str
    explanation: str
    points_awarded: int
    difficulty_adjustment: DifficultyAdjustment
    next_question_difficulty: Difficulty


@dataclass(frozen=True)
class _Candidate:
    quiz_question_id: int | None
    prompt: str
    options: list[str]
    answer: str
    difficulty: str  # as written; the item's rating decides the difficulty it is served at
    explanation: str

    @property
    def item_key(self) -> str:
        if self.quiz_question_id is not None:
            return f"quiz:{self.quiz_question_id}"
        return blank_key(self.prompt)  # the question as stored: "Fill in the blank: ..."


def blank_key(question: str) -> str:
    """A blank's item: the same sentence makes the same item, whatever the question's id."""
    return "blank:" + hashlib.sha1(question.encode()).hexdigest()[:16]


def difficulty_for(rating: float) -> Difficulty:
    if rating < 900:
        return Difficulty.EASY
    return Difficulty.MEDIUM if rating < 1100 else Difficulty.HARD


def elo(rating: float, difficulty: str, correct: bool) -> float:
    """The learner's rating after an answer to an item rated at its difficulty's start."""
    return elo_pair(rating, QUESTION_RATING[difficulty], correct)[0]


def elo_pair(learner: float, item: float, correct: bool) -> tuple[float, float]:
    """Both ratings after the learner's answer: what one gains, the other loses."""
    expected = 1 / (1 + 10 ** ((item - learner) / 400))
    change = K_FACTOR * ((1.0 if correct else 0.0) - expected)
    return round(learner + change, 1), round(item - change, 1)


def adjustment(before: float, after: float) -> DifficultyAdjustment:
    change = DIFFICULTIES.index(difficulty_for(after)) - DIFFICULTIES.index(difficulty_for(before))
    if change > 0:
        return DifficultyAdjustment.INCREASE
    return DifficultyAdjustment.DECREASE if change < 0 else DifficultyAdjustment.MAINTAIN


async def _rating(session: AsyncSession, student_id: int, topic_id: int) -> float:
    found = await session.get(TopicRating, (student_id, topic_id))
    return found.rating if found else START_RATING


async def _candidates(
    session: AsyncSession, topic_id: int, question_type: QuestionType
) -> list[_Candidate]:
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


async def _item_ratings(session: AsyncSession, candidates: list[_Candidate]) -> dict[str, float]:
    keys = [c.item_key for c in candidates]
    stored = await session.exec(select(ItemRating).where(col(ItemRating.item_key).in_(keys)))
    found = {row.item_key: row.rating for row in stored}
    return {
        c.item_key: found.get(c.item_key, QUESTION_RATING.get(c.difficulty, START_RATING))
        for c in candidates
    }


def _pick(
    candidates: list[_Candidate], ratings: dict[str, float], band: Difficulty, answered: set[str]
) -> _Candidate:
    """From the band asked for if it has items, else the nearest; items the learner has
    never answered first; among equals, any."""
    wanted = DIFFICULTIES.index(band)

    def distance(c: _Candidate) -> tuple[int, int]:
        level = DIFFICULTIES.index(difficulty_for(ratings[c.item_key]))
        return int(c.item_key in answered), abs(level - wanted)

    best = min(distance(c) for c in candidates)
    return random.choice([c for c in candidates if distance(c) == best])


async def _answered_items(
    session: AsyncSession, student_id: int, candidates: list[_Candidate]
) -> set[str]:
    """Which of the candidate items the learner has answered, under any question id."""
    rows = await session.exec(
        select(PracticeQuestion.item_key)
        .join(PracticeAttempt, col(PracticeAttempt.question_id) == col(PracticeQuestion.id))
        .where(
            col(PracticeQuestion.student_id) == student_id,
            col(PracticeQuestion.item_key).in_([c.item_key for c in candidates]),
        )
    )
    return {key for key in rows if key}


async def question(
    context: Context,
    session_id: str,
    topic_id: int,
    difficulty: Difficulty | None,
    question_type: QuestionType,
) -> PracticeQuestionView:
    user = await current_user(context)
    require_role(user, TUTORED)
    assert user.id is not None
    async with transaction(context.state.sessions) as session:
        place = await tutor_context.active_session(session, user, session_id)
        topic = await session.get(Topic, topic_id)
        if topic is None:
            raise NotFound(
                "The requested topic does not exist",
                details={"topic_id": [f"Topic with ID {topic_id} not found"]},
            )
        await tutor_context.topic_of_class(session, topic, place)
        band = difficulty or difficulty_for(await _rating(session, user.id, topic_id))
        candidates = await _candidates(session, topic_id, question_type)
        if not candidates:
            raise ValidationFailed(
                details={"question_type": [f"This topic has no {question_type} questions."]}
            )
        ratings = await _item_ratings(session, candidates)
        answered = await _answered_items(session, user.id, candidates)
        chosen = _pick(candidates, ratings, band, answered)
        level = difficulty_for(ratings[chosen.item_key])  # the item's own, not the asked-for
        asked = PracticeQuestion(
            id=new_id("q"),
            session_id=session_id,
            student_id=user.id,
            topic_id=topic_id,
            quiz_question_id=chosen.quiz_question_id,
            item_key=chosen.item_key,
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


def _feedback(asked: PracticeQuestion, correct: bool, counted: bool, teacher: bool) -> str:
    said = (
        f"Excellent! '{asked.answer_key}' is right."
        if correct
        else f"Not quite. The answer is '{asked.answer_key}'. Have another look at the explanation."
    )
    if not counted and not teacher:
        said += " You have answered this one before, so it earns no points this time."
    return said


async def validate(
    context: Context, question_id: str, student_answer: str, session_id: str | None
) -> Validation:
    user = await current_user(context)
    require_role(user, TUTORED)
    if not PRACTICE_ANSWER.fits(student_answer):
        raise ValidationFailed(
            details={"student_answer": [f"Must be 1 to {PRACTICE_ANSWER.longest} characters."]}
        )
    assert user.id is not None
    teacher = user.role == Role.TEACHER
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
        screening = await safety.screen_in_thread(student_answer)
        if screening.flagged and not teacher:
            # Not an answer: a child who needs an adult. Nothing is scored; the question stays
            # open for later.
            place = await session.get(ClassSession, asked.session_id) if asked.session_id else None
            await safeguarding.raise_flag(
                session, user, screening, student_answer, source="practice", place=place
            )
            helpline = await safeguarding.helpline_for(session, context, user)
            rating = await _rating(session, user.id, asked.topic_id)
            return Validation(
                is_correct=False,
                feedback=safety.reply_for(screening, helpline, None),
                explanation="",
                points_awarded=0,
                difficulty_adjustment=DifficultyAdjustment.MAINTAIN,
                next_question_difficulty=difficulty_for(rating),
            )
        correct = is_right(student_answer, asked.answer_key, asked.options)
        item = asked.item_key or f"question:{asked.id}"
        # The learner's first answer to the item, under any question id, is the one counted.
        earlier = (
            await session.exec(
                select(PracticeAttempt.id)
                .join(
                    PracticeQuestion, col(PracticeQuestion.id) == col(PracticeAttempt.question_id)
                )
                .where(
                    col(PracticeAttempt.student_id) == user.id,
                    (col(PracticeQuestion.item_key) == item)
                    | (col(PracticeQuestion.id) == asked.id),
                )
            )
        ).first()
        counted = earlier is None and not teacher
        before = await _rating(session, user.id, asked.topic_id)
        after = before
        if counted:
            await lock_rows(session, ItemRating, col(ItemRating.item_key) == item)
            stored = await session.get(ItemRating, item)
            item_before = stored.rating if stored else QUESTION_RATING[asked.difficulty]
            after, item_after = elo_pair(before, item_before, correct)
            await _save_rating(session, user, asked.topic_id, after)
            await _save_item(session, item, item_after)
        points = POINTS[asked.difficulty] if counted and correct else 0
        session.add(
            PracticeAttempt(
                question_id=question_id,
                student_id=user.id,
                answer=student_answer,
                is_correct=correct,
                points_awarded=points,
            )
        )
    explanation = await _explanation(context, asked)
    return Validation(
        is_correct=correct,
        feedback=_feedback(asked, correct, counted, teacher),
        explanation=explanation,
        points_awarded=points,
        difficulty_adjustment=adjustment(before, after),
        next_question_difficulty=difficulty_for(after),
    )


async def _save_item(session: AsyncSession, item_key: str, rating: float) -> None:
    now = datetime.now(UTC)
    await session.exec(
        upsert(session, ItemRating)
        .values(item_key=item_key, rating=rating, answers=1, updated_at=now)
        .on_conflict_do_update(
            index_elements=["item_key"],
            set_={
                "rating": rating,
                "answers": ItemRating.answers + 1,
                "updated_at": now,
            },
        )
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
