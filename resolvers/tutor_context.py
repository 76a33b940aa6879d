"""What the tutor is told about where a learner is: the session they are in, its lesson and
topic, the passages of that material, the conversation so far and, in practice, the answers
they must find alone. Shared by chat, guided lessons and practice."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound, ValidationFailed
from models.classrooms import Classroom
from models.curriculum import ContentBlock, GradeClass, Lesson, Subject, Topic
from models.identity import User
from models.sessions import ChatMessage, ClassSession, PracticeAttempt, PracticeQuestion
from resolvers.sessions import SessionNotActive, visible_session
from tutor.answers import LETTERS
from tutor.text import without_preamble
from tutor.types import Passage, Turn

# Open practice questions whose answers the tutor withholds: the learner's latest ones.
WITHHELD_QUESTIONS = 50


@dataclass(frozen=True)
class Place:
    session: ClassSession
    lesson: Lesson | None
    topic: Topic | None
    grade: str | None


async def active_session(session: AsyncSession, user: User, session_id: str) -> ClassSession:
    found, _ = await visible_session(session, user, session_id, run=False)
    if found.status != "active":
        raise SessionNotActive()
    return found


async def place(
    session: AsyncSession,
    user: User,
    session_id: str,
    lesson_id: int | None,
    topic_id: int | None,
) -> Place:
    """The active session and the lesson/topic asked about (the session's by default); a
    lesson must belong to the topic given with it."""
    found = await active_session(session, user, session_id)
    lesson_id = lesson_id if lesson_id is not None else found.lesson_id
    lesson = await session.get(Lesson, lesson_id) if lesson_id is not None else None
    details: dict[str, list[str]] = {}
    if lesson_id is not None and lesson is None:
        details["lesson_id"] = [f"Lesson with ID {lesson_id} not found"]
    if topic_id is None:
        topic_id = lesson.topic_id if lesson else found.topic_id
    topic = await session.get(Topic, topic_id) if topic_id is not None else None
    if topic_id is not None and topic is None:
        details["topic_id"] = [f"Topic with ID {topic_id} not found"]
    elif lesson is not None and topic is not None and lesson.topic_id != topic.id:
        details["lesson_id"] = [f"Lesson {lesson.id} is not a lesson of topic {topic.id}"]
    if details:
        raise ValidationFailed(details=details)
    if topic is not None and topic_id != found.topic_id:
        await topic_of_class(session, topic, found)
    return Place(found, lesson, topic, await _grade(session, user, found))


async def topic_of_class(session: AsyncSession, topic: Topic, place: ClassSession) -> None:
    """Material of another class (another grade's copy of a topic) is not followed: 404."""
    subject = await session.get(Subject, topic.subject_id)
    if subject is None or subject.class_id != place.class_id:
        raise NotFound(
            "The requested topic does not exist in this session's class",
            details={"topic_id": [f"Topic with ID {topic.id} not found"]},
        )


async def _grade(session: AsyncSession, user: User, found: ClassSession) -> str | None:
    if user.grade:
        return user.grade
    if found.classroom_id is not None:
        classroom = await session.get(Classroom, found.classroom_id)
        grade_class = await session.get(GradeClass, classroom.class_id) if classroom else None
        return grade_class.grade if grade_class else None
    return None


async def passages(session: AsyncSession, where: Place) -> list[Passage]:
    """The text and video transcripts of the topic's lessons (or the one lesson, without a
    topic), in teaching order."""
    if where.topic is not None:
        condition = col(Lesson.topic_id) == where.topic.id
    elif where.lesson is not None:
        condition = col(Lesson.id) == where.lesson.id
    else:
        return []
    rows = await session.exec(
        select(ContentBlock, Lesson.title)
        .join(Lesson, col(Lesson.id) == col(ContentBlock.lesson_id))
        .where(condition, col(ContentBlock.type).in_(("text", "video")))
        .order_by(col(Lesson.order), col(Lesson.id), col(ContentBlock.position))
    )
    found = []
    for block, title in rows:
        text = block.content if block.type == "text" else block.transcript
        if text and block.type != "text":
            text = without_preamble(text)
        if text:
            found.append(
                Passage(f"content_segment_{block.id}", block.lesson_id, title, block.type, text)
            )
    return found


async def history(session: AsyncSession, session_id: str, user_id: int, size: int) -> list[Turn]:
    """The learner's own last messages in the session and the tutor's answers to them."""
    if size == 0:
        return []
    rows = (
        await session.exec(
            select(ChatMessage)
            .where(col(ChatMessage.session_id) == session_id, col(ChatMessage.user_id) == user_id)
            .order_by(col(ChatMessage.created_at).desc(), col(ChatMessage.id).desc())
            .limit(size)
        )
    ).all()
    return [Turn("user" if m.role == "user" else "assistant", m.message) for m in reversed(rows)]


async def withheld_answers(session: AsyncSession, student_id: int) -> list[str]:
    """Answer keys of the learner's practice questions not yet answered right, on any topic
    and in any session: no mode, context or session of theirs may reveal them."""
    solved = select(PracticeAttempt.question_id).where(
        col(PracticeAttempt.student_id) == student_id, col(PracticeAttempt.is_correct).is_(True)
    )
    rows = await session.exec(
        select(PracticeQuestion.answer_key, PracticeQuestion.options)
        .where(
            col(PracticeQuestion.student_id) == student_id,
            col(PracticeQuestion.id).not_in(solved),
        )
        .order_by(col(PracticeQuestion.created_at).desc())
        .limit(WITHHELD_QUESTIONS)
    )
    withheld: list[str] = []
    for key, options in rows:
        withheld.append(key)
        withheld += letter_phrases(key, list(options or []))
    return list(dict.fromkeys(withheld))


def letter_phrases(key: str, options: list[str]) -> list[str]:
    """The ways of naming the right option by its letter ("option B", "B)"): a model's answer
    that says one of them gives the answer away as surely as the text."""
    if key not in options or len(options) > len(LETTERS):
        return []
    letter = LETTERS[options.index(key)]
    return [
        *(f"{word} {letter}" for word in ("option", "answer is", "answer", "letter", "choice")),
        f"({letter})",
        f"{letter})",
    ]
