"""Types of the AI tutor (docs/tutor.md), made from the resolvers' result classes
(schema/results.py)."""

import strawberry

from resolvers.chat import ChatAnswer, ChatMetadata, ChatPiece, Question
from resolvers.guided_lessons import LessonStart, LessonStep
from resolvers.practice import PracticeQuestionView, Validation
from resolvers.safeguarding import FlagView
from schema.enums import SessionMode
from schema.results import graphql_type

graphql_type(ChatMetadata, "TutorMessageMetadata")
graphql_type(ChatAnswer, "TutorMessage")
graphql_type(ChatPiece, "TutorStreamEvent")
graphql_type(PracticeQuestionView, "PracticeQuestion")
graphql_type(Validation, "PracticeValidation")
graphql_type(LessonStart, "GuidedLessonStart")
graphql_type(LessonStep, "GuidedLessonStep")
graphql_type(FlagView, "TutorFlag")


@strawberry.input(description="The lesson or topic a question is about (the session's by default).")
class ChatContext:
    lesson_id: int | None = None
    topic_id: int | None = None


def question(
    session_id: str, message: str, mode: SessionMode | None, context: ChatContext | None
) -> Question:
    where = context or ChatContext()
    return Question(session_id, message, mode, where.lesson_id, where.topic_id)


__all__ = [
    "ChatAnswer",
    "ChatContext",
    "ChatPiece",
    "LessonStart",
    "LessonStep",
    "PracticeQuestionView",
    "Validation",
    "question",
]
