"""Closed vocabularies, stored as plain strings so migrations stay portable."""

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


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
