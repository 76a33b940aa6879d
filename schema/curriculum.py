"""Types of the catalogue: curricula → classes → subjects → topics → lessons → content,
navigable both ways (resolvers/catalogue.py). Each relation is a computed field handing
off to a resolver that loads it for every parent of the request at once."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.enums import BlockType
from resolvers import catalogue
from resolvers.catalogue import (
    Curriculum,
    GradeClass,
    Lesson,
    QuizBlock,
    Subject,
    TextBlock,
    Topic,
    VideoBlock,
)
from resolvers.context import Context
from schema.results import graphql_type

Ctx = Info[Context, None]
ContentBlock = Annotated[
    TextBlock | VideoBlock | QuizBlock,
    strawberry.union(
        "ContentBlock", description="A block of a lesson's content; `type` says which."
    ),
]


@strawberry.field
async def classes(root: Curriculum, info: Ctx) -> list[GradeClass]:
    return await catalogue.classes_of(info.context, root.id)


@strawberry.field
async def curriculum(root: GradeClass, info: Ctx) -> Curriculum:
    return await catalogue.curriculum_of_class(info.context, root)


@strawberry.field
async def subjects(root: GradeClass, info: Ctx) -> list[Subject]:
    return await catalogue.subjects_of(info.context, root.id)


@strawberry.field(name="class")
async def grade_class(root: Subject, info: Ctx) -> GradeClass:
    return await catalogue.class_of_subject(info.context, root)


@strawberry.field(description="Topics of every term, or of one (term_id 1-3).")
async def topics(root: Subject, info: Ctx, term_id: int | None = None) -> list[Topic]:
    return await catalogue.topics_of(info.context, root.id, term_id)


@strawberry.field
async def lesson_count(root: Topic, info: Ctx) -> int:
    return await catalogue.lesson_count(info.context, root.id)


@strawberry.field
async def subject(root: Topic, info: Ctx) -> Subject:
    return await catalogue.subject_of_topic(info.context, root)


@strawberry.field
async def lessons(root: Topic, info: Ctx) -> list[Lesson]:
    return await catalogue.lessons_of(info.context, root.id)


@strawberry.field
async def topic(root: Lesson, info: Ctx) -> Topic:
    return await catalogue.topic_of_lesson(info.context, root)


@strawberry.field
async def content_blocks(root: Lesson, info: Ctx) -> list[ContentBlock]:
    return await catalogue.blocks_of(info.context, root.id)


@strawberry.field
async def has_quiz(root: Lesson, info: Ctx) -> bool:
    return await catalogue.has_block(info.context, root.id, BlockType.QUIZ)


@strawberry.field
async def has_video(root: Lesson, info: Ctx) -> bool:
    return await catalogue.has_block(info.context, root.id, BlockType.VIDEO)


@strawberry.field(description="Minutes a student needs for the whole lesson.")
def estimated_completion_time(root: Lesson) -> int:
    return root.duration_minutes


@strawberry.field
async def questions_count(root: QuizBlock, info: Ctx) -> int:
    return await catalogue.question_count(info.context, root.quiz_id)


graphql_type(Curriculum, computed=[classes])
graphql_type(GradeClass, name="Class", computed=[curriculum, subjects])
graphql_type(Subject, computed=[grade_class, topics])
graphql_type(
    Topic,
    fields={"term_id": "The term of the school year, 1 to 3."},
    computed=[lesson_count, subject, lessons],
)
graphql_type(TextBlock)
graphql_type(VideoBlock, fields={"duration": "Seconds."})
graphql_type(QuizBlock, computed=[questions_count])
graphql_type(
    Lesson, computed=[topic, content_blocks, has_quiz, has_video, estimated_completion_time]
)
