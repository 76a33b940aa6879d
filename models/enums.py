"""Closed vocabularies, stored as plain strings so migrations stay portable. The schema
offers them as GraphQL enums (schema/enums.py); members are strings, so code comparing
them with text keeps working."""

from enum import StrEnum


class Role(StrEnum):
    SUPER_ADMIN = "SUPER_ADMIN"
    SCHOOL_ADMIN = "SCHOOL_ADMIN"
    TEACHER = "TEACHER"
    STUDENT = "STUDENT"
    INDEPENDENT_LEARNER = "INDEPENDENT_LEARNER"


class BlockType(StrEnum):
    TEXT = "text"
    VIDEO = "video"
    QUIZ = "quiz"


class SessionMode(StrEnum):
    TEACH = "teach"
    EXPLORE = "explore"
    PRACTICE = "practice"
    REVISION = "revision"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class AssignmentStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class QuestionType(StrEnum):
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_ANSWER = "short_answer"


class Difficulty(StrEnum):  # in rising order: practice moves a learner up and down it
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class TeachingStyle(StrEnum):  # how a guided lesson opens and asks
    DIRECT = "direct"
    SOCRATIC = "socratic"
    STORY = "story"
    EXAMPLE = "example"


class DifficultyAdjustment(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class MessageType(StrEnum):
    """A learner's question, or the kind of answer the tutor gave (tutor/types.py ReplyType)."""

    EXPLANATION = "explanation"
    HINT = "hint"
    QUESTION = "question"
    SUMMARY = "summary"
    REDIRECT = "redirect"
    CLARIFICATION = "clarification"
    ENCOURAGEMENT = "encouragement"


class FlagStatusFilter(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ALL = "all"


class WebhookEvent(StrEnum):
    SESSION_COMPLETED = "session.completed"
    STUDENT_MILESTONE_UNLOCKED = "student.milestone_unlocked"
    TUTOR_MESSAGE_FLAGGED = "tutor.message_flagged"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SENDING = "sending"
    DELIVERED = "delivered"
    DEAD = "dead"
    DISABLED = "disabled"


class AiHealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"


class LessonPhase(StrEnum):
    """Where a guided lesson is (stored on its delivery as the value)."""

    INTRODUCTION = "introduction"
    CONTENT = "content"
    QUESTION = "question"
    FEEDBACK = "feedback"
    SUMMARY = "summary"
    COMPLETED = "completed"


class LessonAction(StrEnum):
    """What a guided lesson's client does next."""

    PRESENT_CONTENT = "present_content"
    ASK_QUESTION = "ask_question"
    SUBMIT_ANSWER = "submit_answer"
    SUMMARIZE = "summarize"
    COMPLETE = "complete"
    NONE = "none"


class FlagSource(StrEnum):
    """Where a flagged message was written."""

    CHAT = "chat"
    GUIDED_LESSON = "guided_lesson"
    PRACTICE = "practice"
