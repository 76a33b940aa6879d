"""Types of the catalogue: curricula → classes → subjects → topics → lessons → content,
navigable both ways. Each relation is one line handing off to a per-request DataLoader."""

from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from models import curriculum as tables
from resolvers.context import Context
from schema.enums import BlockType

Ctx = Info[Context, None]
Row = TypeVar("Row")


@strawberry.type(description="A national curriculum (e.g. Zambia's), with its grades and subjects.")
class Curriculum:
    id: int
    name: str
    country: str
    short_code: str
    description: str | None
    grades: list[str]
    is_active: bool
    created_at: datetime

    @strawberry.field
    async def classes(self, info: Ctx) -> list["GradeClass"]:
        return [
            GradeClass.of(row)
            for row in await info.context.loaders.classes_of_curriculum.load(self.id)
        ]

    @classmethod
    def of(cls, row: tables.Curriculum) -> "Curriculum":
        assert row.id is not None
        return cls(
            id=row.id,
            name=row.name,
            country=row.country,
            short_code=row.short_code,
            description=row.description,
            grades=list(row.grades),
            is_active=row.is_active,
            created_at=row.created_at,
        )


@strawberry.type(name="Class", description="A grade level of a curriculum, e.g. Primary 6.")
class GradeClass:
    id: int
    curriculum_id: int
    grade: str
    name: str
    description: str | None

    @strawberry.field
    async def curriculum(self, info: Ctx) -> Curriculum:
        return Curriculum.of(
            await _exists(info.context.loaders.curriculum.load(self.curriculum_id))
        )

    @strawberry.field
    async def subjects(self, info: Ctx) -> list["Subject"]:
        return [
            Subject.of(row) for row in await info.context.loaders.subjects_of_class.load(self.id)
        ]

    @classmethod
    def of(cls, row: tables.GradeClass) -> "GradeClass":
        assert row.id is not None
        return cls(
            id=row.id,
            curriculum_id=row.curriculum_id,
            grade=row.grade,
            name=row.name,
            description=row.description,
        )


@strawberry.type(description="A subject as taught in one class (the contract's class_subject_id).")
class Subject:
    id: int
    class_id: int
    name: str
    code: str
    description: str | None

    @strawberry.field(name="class")
    async def grade_class(self, info: Ctx) -> GradeClass:
        return GradeClass.of(await _exists(info.context.loaders.grade_class.load(self.class_id)))

    @strawberry.field(description="Topics of every term, or of one (term_id 1-3).")
    async def topics(self, info: Ctx, term_id: int | None = None) -> list["Topic"]:
        rows = await info.context.loaders.topics_of_subject.load(self.id)
        return [Topic.of(row) for row in rows if term_id is None or row.term_number == term_id]

    @classmethod
    def of(cls, row: tables.Subject) -> "Subject":
        assert row.id is not None
        return cls(
            id=row.id,
            class_id=row.class_id,
            name=row.name,
            code=row.code,
            description=row.description,
        )


@strawberry.type(description="A topic of a subject, taught in order through its lessons.")
class Topic:
    id: int
    class_subject_id: int
    term_id: int = strawberry.field(description="The term of the school year, 1 to 3.")
    name: str
    description: str | None
    order: int

    @strawberry.field
    async def lesson_count(self, info: Ctx) -> int:
        return await info.context.loaders.lesson_count_of_topic.load(self.id)

    @strawberry.field
    async def subject(self, info: Ctx) -> Subject:
        return Subject.of(await _exists(info.context.loaders.subject.load(self.class_subject_id)))

    @strawberry.field
    async def lessons(self, info: Ctx) -> list["Lesson"]:
        return [Lesson.of(row) for row in await info.context.loaders.lessons_of_topic.load(self.id)]

    @classmethod
    def of(cls, row: tables.Topic) -> "Topic":
        assert row.id is not None
        return cls(
            id=row.id,
            class_subject_id=row.subject_id,
            term_id=row.term_number,
            name=row.name,
            description=row.description,
            order=row.order,
        )


@strawberry.type(description="Reading text of a lesson.")
class TextBlock:
    type: BlockType
    content: str


@strawberry.type(description="A video of a lesson, with its transcript when there is one.")
class VideoBlock:
    type: BlockType
    url: str
    duration: int = strawberry.field(description="Seconds.")
    transcript: str | None


@strawberry.type(description="A quiz of a lesson; its questions are asked in practice.")
class QuizBlock:
    type: BlockType
    quiz_id: int

    @strawberry.field
    async def questions_count(self, info: Ctx) -> int:
        return await info.context.loaders.question_count_of_quiz.load(self.quiz_id)


ContentBlock = Annotated[
    TextBlock | VideoBlock | QuizBlock,
    strawberry.union(
        "ContentBlock", description="A block of a lesson's content; `type` says which."
    ),
]


def _block(row: tables.ContentBlock) -> TextBlock | VideoBlock | QuizBlock:
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


@strawberry.type(
    description="A lesson of a topic; its content is a list of text, video and quiz blocks."
)
class Lesson:
    id: int
    topic_id: int
    title: str
    order: int
    duration_minutes: int

    @strawberry.field
    async def topic(self, info: Ctx) -> Topic:
        return Topic.of(await _exists(info.context.loaders.topic.load(self.topic_id)))

    @strawberry.field
    async def content_blocks(self, info: Ctx) -> list[ContentBlock]:
        return [_block(row) for row in await info.context.loaders.blocks_of_lesson.load(self.id)]

    @strawberry.field
    async def has_quiz(self, info: Ctx) -> bool:
        return any(
            row.type == "quiz" for row in await info.context.loaders.blocks_of_lesson.load(self.id)
        )

    @strawberry.field
    async def has_video(self, info: Ctx) -> bool:
        return any(
            row.type == "video" for row in await info.context.loaders.blocks_of_lesson.load(self.id)
        )

    @strawberry.field(description="Minutes a student needs for the whole lesson.")
    def estimated_completion_time(self) -> int:
        return self.duration_minutes

    @classmethod
    def of(cls, row: tables.Lesson) -> "Lesson":
        assert row.id is not None
        return cls(
            id=row.id,
            topic_id=row.topic_id,
            title=row.title,
            order=row.order,
            duration_minutes=row.duration_minutes,
        )


async def _exists(pending: Awaitable[Row | None]) -> Row:
    row = await pending
    assert row is not None, "a foreign key points at a missing row"
    return row
