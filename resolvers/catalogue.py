"""The catalogue as the API shows it: curricula → classes → subjects → topics → lessons →
content blocks, and the relations between them, each loaded for every parent of a request
at once (the per-request DataLoaders of resolvers/context.py)."""

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from models import curriculum as tables
from models.enums import BlockType
from resolvers.context import Context
from resolvers.results import result_of

Row = TypeVar("Row")


@dataclass(frozen=True)
class Curriculum:
    """A national curriculum (e.g. Zambia's), with its grades and subjects."""

    id: int
    name: str
    country: str
    short_code: str
    description: str | None
    grades: list[str]
    is_active: bool
    created_at: datetime


@dataclass(frozen=True)
class GradeClass:
    """A grade level of a curriculum, e.g. Primary 6."""

    id: int
    curriculum_id: int
    grade: str
    name: str
    description: str | None


@dataclass(frozen=True)
class Subject:
    """A subject as taught in one class (the contract's class_subject_id)."""

    id: int
    class_id: int
    name: str
    code: str
    description: str | None


@dataclass(frozen=True)
class Topic:
    """A topic of a subject, taught in order through its lessons."""

    id: int
    class_subject_id: int
    term_id: int
    name: str
    description: str | None
    order: int


@dataclass(frozen=True)
class Lesson:
    """A lesson of a topic; its content is a list of text, video and quiz blocks."""

    id: int
    topic_id: int
    title: str
    order: int
    duration_minutes: int


@dataclass(frozen=True)
class TextBlock:
    """Reading text of a lesson."""

    type: BlockType
    content: str


@dataclass(frozen=True)
class VideoBlock:
    """A video of a lesson, with its transcript when there is one."""

    type: BlockType
    url: str
    duration: int
    transcript: str | None


@dataclass(frozen=True)
class QuizBlock:
    """A quiz of a lesson; its questions are asked in practice."""

    type: BlockType
    quiz_id: int


def curriculum_of(row: tables.Curriculum) -> Curriculum:
    return result_of(Curriculum, row, grades=list(row.grades))


def class_of(row: tables.GradeClass) -> GradeClass:
    return result_of(GradeClass, row)


def subject_of(row: tables.Subject) -> Subject:
    return result_of(Subject, row)


def topic_of(row: tables.Topic) -> Topic:
    return result_of(Topic, row, {"class_subject_id": "subject_id", "term_id": "term_number"})


def lesson_of(row: tables.Lesson) -> Lesson:
    return result_of(Lesson, row)


def block_of(row: tables.ContentBlock) -> TextBlock | VideoBlock | QuizBlock:
    if row.type == BlockType.VIDEO:
        return VideoBlock(
            type=BlockType.VIDEO,
            url=row.url or "",
            duration=row.duration_seconds or 0,
            transcript=row.transcript,
        )
    if row.type == BlockType.QUIZ:
        assert row.quiz_id is not None
        return QuizBlock(type=BlockType.QUIZ, quiz_id=row.quiz_id)
    return TextBlock(type=BlockType.TEXT, content=row.content or "")


async def classes_of(context: Context, curriculum_id: int) -> list[GradeClass]:
    return [
        class_of(row) for row in await context.loaders.classes_of_curriculum.load(curriculum_id)
    ]


async def curriculum_of_class(context: Context, grade_class: GradeClass) -> Curriculum:
    return curriculum_of(await _exists(context.loaders.curriculum.load(grade_class.curriculum_id)))


async def subjects_of(context: Context, class_id: int) -> list[Subject]:
    return [subject_of(row) for row in await context.loaders.subjects_of_class.load(class_id)]


async def class_of_subject(context: Context, subject: Subject) -> GradeClass:
    return class_of(await _exists(context.loaders.grade_class.load(subject.class_id)))


async def topics_of(context: Context, subject_id: int, term_id: int | None) -> list[Topic]:
    """A subject's topics in their order, of every term or of one."""
    rows = await context.loaders.topics_of_subject.load(subject_id)
    return [topic_of(row) for row in rows if term_id is None or row.term_number == term_id]


async def lesson_count(context: Context, topic_id: int) -> int:
    return await context.loaders.lesson_count_of_topic.load(topic_id)


async def subject_of_topic(context: Context, topic: Topic) -> Subject:
    return subject_of(await _exists(context.loaders.subject.load(topic.class_subject_id)))


async def lessons_of(context: Context, topic_id: int) -> list[Lesson]:
    return [lesson_of(row) for row in await context.loaders.lessons_of_topic.load(topic_id)]


async def topic_of_lesson(context: Context, lesson: Lesson) -> Topic:
    return topic_of(await _exists(context.loaders.topic.load(lesson.topic_id)))


async def blocks_of(context: Context, lesson_id: int) -> list[TextBlock | VideoBlock | QuizBlock]:
    return [block_of(row) for row in await context.loaders.blocks_of_lesson.load(lesson_id)]


async def has_block(context: Context, lesson_id: int, kind: BlockType) -> bool:
    return any(row.type == kind for row in await context.loaders.blocks_of_lesson.load(lesson_id))


async def question_count(context: Context, quiz_id: int) -> int:
    return await context.loaders.question_count_of_quiz.load(quiz_id)


async def _exists(pending: Awaitable[Row | None]) -> Row:
    row = await pending
    assert row is not None, "a foreign key points at a missing row"
    return row
