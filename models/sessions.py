"""Classroom and learning sessions with their participants and mode switches, and what
the AI tutor records inside them: chat messages, lesson deliveries, practice."""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ground.clock import utcnow
from models.base import json_column


class ClassSession(SQLModel, table=True):
    __tablename__ = "class_sessions"
    __table_args__ = (
        # At most one active session per classroom, enforced by the database itself.
        Index(
            "uq_class_sessions_one_active",
            "classroom_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=40, description="sess_...")
    classroom_id: int | None = Field(default=None, foreign_key="classrooms.id", index=True)
    owner_id: int = Field(foreign_key="users.id", index=True, description="who started it")
    class_id: int = Field(foreign_key="classes.id")
    subject_id: int | None = Field(default=None, foreign_key="subjects.id")
    topic_id: int | None = Field(default=None, foreign_key="topics.id")
    lesson_id: int | None = Field(default=None, foreign_key="lessons.id")
    name: str | None = Field(default=None, max_length=200)
    mode: str = Field(default="teach", max_length=12)
    status: str = Field(default="active", max_length=12)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class SessionParticipant(SQLModel, table=True):
    __tablename__ = "session_participants"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="class_sessions.id", index=True, max_length=40)
    user_id: int = Field(foreign_key="users.id", index=True)
    role: str = Field(max_length=32)
    joined_at: datetime = Field(default_factory=utcnow)


class SessionModeChange(SQLModel, table=True):
    __tablename__ = "session_mode_changes"

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="class_sessions.id", index=True, max_length=40)
    from_mode: str = Field(max_length=12)
    to_mode: str = Field(max_length=12)
    switched_by: int = Field(foreign_key="users.id")
    switched_at: datetime = Field(default_factory=utcnow)


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_messages"

    id: str = Field(primary_key=True, max_length=40, description="msg_...")
    session_id: str = Field(foreign_key="class_sessions.id", index=True, max_length=40)
    user_id: int = Field(foreign_key="users.id", index=True)
    role: str = Field(max_length=12, description="user or assistant")
    message: str = Field(sa_type=Text)
    type: str | None = Field(default=None, max_length=20)
    confidence: float | None = None
    meta: dict = Field(default_factory=dict, sa_column=json_column())
    model: str | None = Field(default=None, max_length=100, description="which model answered")
    created_at: datetime = Field(default_factory=utcnow)


class LessonDelivery(SQLModel, table=True):
    __tablename__ = "lesson_deliveries"

    id: str = Field(primary_key=True, max_length=40, description="ld_...")
    session_id: str = Field(foreign_key="class_sessions.id", index=True, max_length=40)
    lesson_id: int = Field(foreign_key="lessons.id")
    student_id: int = Field(foreign_key="users.id", index=True)
    teaching_style: str = Field(default="direct", max_length=20)
    phase: str = Field(default="introduction", max_length=20)
    step: int = 0
    state: dict = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PracticeQuestion(SQLModel, table=True):
    __tablename__ = "practice_questions"

    id: str = Field(primary_key=True, max_length=40, description="q_...")
    session_id: str | None = Field(default=None, foreign_key="class_sessions.id", max_length=40)
    student_id: int = Field(foreign_key="users.id", index=True)
    topic_id: int = Field(foreign_key="topics.id")
    quiz_question_id: int | None = Field(default=None, foreign_key="quiz_questions.id")
    # The item served, whatever the question's id: points are earned once per learner and item.
    item_key: str | None = Field(default=None, max_length=60, index=True)
    question: str = Field(sa_type=Text)
    question_type: str = Field(max_length=20)
    options: list = Field(default_factory=list, sa_column=json_column())
    answer_key: str = Field(max_length=500)
    difficulty: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow)


class PracticeAttempt(SQLModel, table=True):
    __tablename__ = "practice_attempts"

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="practice_questions.id", index=True, max_length=40)
    student_id: int = Field(foreign_key="users.id", index=True)
    answer: str = Field(max_length=500)
    is_correct: bool
    points_awarded: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class TopicRating(SQLModel, table=True):
    """Elo-style rating of a student on a topic, for adaptive practice difficulty."""

    __tablename__ = "topic_ratings"

    student_id: int = Field(foreign_key="users.id", primary_key=True)
    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    rating: float = 1000.0
    updated_at: datetime = Field(default_factory=utcnow)


class TutorFlag(SQLModel, table=True):
    """A child's message the safeguarding classifier raised (tutor/safety.py), for the adults
    responsible for them: the classroom's teachers and the school's admins. Written in the
    transaction of the message it flags."""

    __tablename__ = "tutor_flags"

    id: str = Field(primary_key=True, max_length=40, description="flag_...")
    student_id: int = Field(foreign_key="users.id", index=True)
    session_id: str | None = Field(default=None, foreign_key="class_sessions.id", max_length=40)
    classroom_id: int | None = Field(default=None, foreign_key="classrooms.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    source: str = Field(max_length=20, description="chat, guided_lesson or practice")
    chat_message_id: str | None = Field(default=None, max_length=40)
    category: str = Field(max_length=20)
    severity: str = Field(max_length=10)
    message: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = Field(default=None, foreign_key="users.id")


class ItemRating(SQLModel, table=True):
    """A practice item's own Elo rating, moved by every learner's first answer to it
    (resolvers/practice.py); an item is a quiz question or a blank made from a lesson."""

    __tablename__ = "item_ratings"

    item_key: str = Field(primary_key=True, max_length=60, description="quiz:<id> or blank:<hash>")
    rating: float
    answers: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
